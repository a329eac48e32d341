package stdlib

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charterlang/charter/internal/arith"
	"github.com/charterlang/charter/lang/check"
)

// Func is a built-in function of Charter expressions.
type Func struct {
	Name string
	// Doc is one line saying what the function returns; SPEC.md and
	// "did you mean" suggestions show it.
	Doc string
	// Example is one line of Charter that uses the function.
	Example string
	// Sigs are the overloads, tried in order: the first whose parameters
	// accept the arguments is used. Int overloads come before float ones so
	// that an int call stays int; an int argument is accepted where a float
	// is declared (it widens), as expr-lang's checker does.
	Sigs []Sig
}

// Sig is one overload of a function.
type Sig struct {
	Params []check.Type
	// Names are the parameter names, for documentation.
	Names []string
	// Variadic means the last parameter may be given any number of times,
	// including none.
	Variadic bool
	Result   check.Type
	// Impl computes the result. Its type is one of the *Fn types of this
	// package; arguments and results are in the runtime representation
	// (times and durations as int64 nanoseconds, lists as typed slices).
	Impl any
}

// The shapes of Sig.Impl. Time arguments and results are nanoseconds since
// the Unix epoch; durations are nanoseconds.
type (
	// NowFn receives the evaluation time.
	NowFn func(at int64) int64
	// SinceFn receives the evaluation time and one time argument.
	SinceFn func(at, t int64) int64
	// IntFn is func(int) int (and time or duration in, same out).
	IntFn func(int64) int64
	// FloatFn is func(float) float.
	FloatFn func(float64) float64
	// StringFn is func(string) string.
	StringFn func(string) string
	// StringLenFn is func(string) int.
	StringLenFn func(string) int64
	// ListLenFn receives a list ([]int64, []float64, []string or []bool).
	ListLenFn func(list any) int64
	// StringPredFn is func(string, string) bool.
	StringPredFn func(string, string) bool
	// String2Fn is func(string, string) string.
	String2Fn func(string, string) string
	// Int2Fn is a binary int operation; variadic overloads fold it over the
	// arguments from left to right.
	Int2Fn func(a, b int64) int64
	// Float2Fn is the float form of Int2Fn.
	Float2Fn func(a, b float64) float64
	// Int3Fn is func(int, int, int) int.
	Int3Fn func(x, lo, hi int64) int64
	// Float3Fn is func(float, float, float) float.
	Float3Fn func(x, lo, hi float64) float64
	// Int3PredFn is func(int, int, int) bool.
	Int3PredFn func(x, lo, hi int64) bool
	// Float3PredFn is func(float, float, float) bool.
	Float3PredFn func(x, lo, hi float64) bool
)

// NeedsTime reports whether the overload reads the evaluation time, so a
// call to it is never folded into a constant.
func (s *Sig) NeedsTime() bool {
	switch s.Impl.(type) {
	case NowFn, SinceFn:
		return true
	}
	return false
}

// MinArgs is the least number of arguments the overload takes.
func (s *Sig) MinArgs() int {
	if s.Variadic {
		return len(s.Params) - 1
	}
	return len(s.Params)
}

// Param returns the declared type of argument i, or false when the
// overload takes fewer arguments.
func (s *Sig) Param(i int) (check.Type, bool) {
	if i < len(s.Params) {
		return s.Params[i], true
	}
	if s.Variadic && len(s.Params) > 0 {
		return s.Params[len(s.Params)-1], true
	}
	return check.Type{}, false
}

// Accepts reports whether a value of type arg may be passed where param is
// declared: the same type, an int (or role, an int in expressions) where a
// float or int is declared.
func Accepts(param, arg check.Type) bool {
	if param == arg {
		return true
	}
	switch param.Kind {
	case check.Float:
		return arg.Kind == check.Int || arg.Kind == check.Role
	case check.Int:
		return arg.Kind == check.Role
	}
	return false
}

// Match returns the first overload that accepts arguments of the given
// types.
func (f *Func) Match(args []check.Type) (*Sig, bool) {
	for i := range f.Sigs {
		s := &f.Sigs[i]
		if len(args) < s.MinArgs() || !s.Variadic && len(args) > len(s.Params) {
			continue
		}
		ok := true
		for j, a := range args {
			p, _ := s.Param(j)
			if !Accepts(p, a) {
				ok = false
				break
			}
		}
		if ok {
			return s, true
		}
	}
	return nil, false
}

// String writes the overload as SPEC.md does: days_since(t time) int.
func (s *Sig) String(name string) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('(')
	for i, p := range s.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		if i < len(s.Names) {
			b.WriteString(s.Names[i])
			b.WriteByte(' ')
		}
		last := i == len(s.Params)-1
		if last && s.Variadic {
			b.WriteString("...")
		}
		b.WriteString(p.String())
	}
	b.WriteString(") ")
	b.WriteString(s.Result.String())
	return b.String()
}

var (
	tInt      = check.Type{Kind: check.Int}
	tFloat    = check.Type{Kind: check.Float}
	tBool     = check.Type{Kind: check.Bool}
	tString   = check.Type{Kind: check.String}
	tTime     = check.Type{Kind: check.Time}
	tDuration = check.Type{Kind: check.Duration}
)

func list(k check.Kind) check.Type { return check.Type{Kind: check.List, Elem: k} }

func params(ts ...check.Type) []check.Type { return ts }
func names(ns ...string) []string          { return ns }

const day = int64(24 * time.Hour)

// Functions is every built-in function, in the order SPEC.md lists them.
// Goal aggregates (count, share, sum, avg, min, max) are not here: they
// exist only in goal measures, where the goals code compiles them.
var Functions = []Func{
	{
		Name: "now", Doc: "the evaluation time the host passed in (never the wall clock)",
		Example: `may post if last_seen > now() - 7d`,
		Sigs:    []Sig{{Result: tTime, Impl: NowFn(func(at int64) int64 { return at })}},
	},
	{
		Name: "since", Doc: "how long ago t was: now() - t",
		Example: `badge inactive if since(last_seen) > 30d`,
		Sigs: []Sig{{Params: params(tTime), Names: names("t"), Result: tDuration,
			Impl: SinceFn(func(at, t int64) int64 { return SubTimes(at, t) })}},
	},
	{
		Name: "until", Doc: "how long until t: t - now() (negative once t has passed)",
		Example: `must not vote if until(closes_at) < 0s because "The vote has closed"`,
		Sigs: []Sig{{Params: params(tTime), Names: names("t"), Result: tDuration,
			Impl: SinceFn(func(at, t int64) int64 { return SubTimes(t, at) })}},
	},
	{
		Name: "days_since", Doc: "whole days from t to now(), rounded down (negative for a future t)",
		Example: `badge inactive if days_since(last_seen) > 30`,
		Sigs: []Sig{{Params: params(tTime), Names: names("t"), Result: tInt,
			Impl: SinceFn(func(at, t int64) int64 { return arith.FloorDiv(SubTimes(at, t), day) })}},
	},
	{
		Name: "hours_since", Doc: "whole hours from t to now(), rounded down (negative for a future t)",
		Example: `limit post 1 per 1h if hours_since(joined) < 24`,
		Sigs: []Sig{{Params: params(tTime), Names: names("t"), Result: tInt,
			Impl: SinceFn(func(at, t int64) int64 { return arith.FloorDiv(SubTimes(at, t), int64(time.Hour)) })}},
	},
	{
		Name: "abs", Doc: "the absolute value of x",
		Example: `must not tip if abs(balance) > 1000`,
		Sigs: []Sig{
			{Params: params(tInt), Names: names("x"), Result: tInt, Impl: IntFn(arith.AbsInt)},
			{Params: params(tFloat), Names: names("x"), Result: tFloat, Impl: FloatFn(math.Abs)},
		},
	},
	{
		Name: "clamp", Doc: "x limited to the range lo..hi (hi when lo > hi)",
		Example: `badge trusted if clamp(reputation, 0, 100) >= 50`,
		Sigs: []Sig{
			{Params: params(tInt, tInt, tInt), Names: names("x", "lo", "hi"), Result: tInt, Impl: Int3Fn(arith.ClampInt)},
			{Params: params(tFloat, tFloat, tFloat), Names: names("x", "lo", "hi"), Result: tFloat, Impl: Float3Fn(arith.ClampFloat)},
		},
	},
	{
		Name: "between", Doc: "whether lo <= x <= hi (false for NaN)",
		Example: `commenter if between(comments, 20, 99)`,
		Sigs: []Sig{
			{Params: params(tInt, tInt, tInt), Names: names("x", "lo", "hi"), Result: tBool, Impl: Int3PredFn(arith.BetweenInt)},
			{Params: params(tFloat, tFloat, tFloat), Names: names("x", "lo", "hi"), Result: tBool, Impl: Float3PredFn(arith.BetweenFloat)},
			{Params: params(tTime, tTime, tTime), Names: names("t", "from", "to"), Result: tBool, Impl: Int3PredFn(arith.BetweenInt)},
			{Params: params(tDuration, tDuration, tDuration), Names: names("d", "lo", "hi"), Result: tBool, Impl: Int3PredFn(arith.BetweenInt)},
		},
	},
	{
		Name: "least", Doc: "the smallest argument (NaN if any float argument is NaN)",
		Example: `may invite if least(posts, comments) >= 10`,
		Sigs: []Sig{
			{Params: params(tInt, tInt, tInt), Names: names("a", "b", "more"), Variadic: true, Result: tInt, Impl: Int2Fn(minInt)},
			{Params: params(tFloat, tFloat, tFloat), Names: names("a", "b", "more"), Variadic: true, Result: tFloat, Impl: Float2Fn(minFloat)},
			{Params: params(tTime, tTime, tTime), Names: names("a", "b", "more"), Variadic: true, Result: tTime, Impl: Int2Fn(minInt)},
			{Params: params(tDuration, tDuration, tDuration), Names: names("a", "b", "more"), Variadic: true, Result: tDuration, Impl: Int2Fn(minInt)},
		},
	},
	{
		Name: "greatest", Doc: "the largest argument (NaN if any float argument is NaN)",
		Example: `badge active if greatest(last_post, last_comment) > now() - 7d`,
		Sigs: []Sig{
			{Params: params(tInt, tInt, tInt), Names: names("a", "b", "more"), Variadic: true, Result: tInt, Impl: Int2Fn(maxInt)},
			{Params: params(tFloat, tFloat, tFloat), Names: names("a", "b", "more"), Variadic: true, Result: tFloat, Impl: Float2Fn(maxFloat)},
			{Params: params(tTime, tTime, tTime), Names: names("a", "b", "more"), Variadic: true, Result: tTime, Impl: Int2Fn(maxInt)},
			{Params: params(tDuration, tDuration, tDuration), Names: names("a", "b", "more"), Variadic: true, Result: tDuration, Impl: Int2Fn(maxInt)},
		},
	},
	{
		Name: "floor", Doc: "the greatest whole number <= x, as a float",
		Example: `creator if floor(reputation) >= 10`,
		Sigs:    []Sig{{Params: params(tFloat), Names: names("x"), Result: tFloat, Impl: FloatFn(math.Floor)}},
	},
	{
		Name: "ceil", Doc: "the least whole number >= x, as a float",
		Example: `may tip if amount <= ceil(reputation)`,
		Sigs:    []Sig{{Params: params(tFloat), Names: names("x"), Result: tFloat, Impl: FloatFn(math.Ceil)}},
	},
	{
		Name: "round", Doc: "x rounded to the nearest whole number, halves away from zero, as a float",
		Example: `badge star if round(reputation) >= 5`,
		Sigs:    []Sig{{Params: params(tFloat), Names: names("x"), Result: tFloat, Impl: FloatFn(math.Round)}},
	},
	{
		Name: "len", Doc: "the number of characters (Unicode code points) of a string, or of elements of a list",
		Example: `must not post if len(topic) > 80`,
		Sigs: []Sig{
			{Params: params(tString), Names: names("s"), Result: tInt, Impl: StringLenFn(runeCount)},
			{Params: params(list(check.Int)), Names: names("l"), Result: tInt, Impl: ListLenFn(listLen)},
			{Params: params(list(check.Float)), Names: names("l"), Result: tInt, Impl: ListLenFn(listLen)},
			{Params: params(list(check.String)), Names: names("l"), Result: tInt, Impl: ListLenFn(listLen)},
			{Params: params(list(check.Bool)), Names: names("l"), Result: tInt, Impl: ListLenFn(listLen)},
			{Params: params(list(check.Time)), Names: names("l"), Result: tInt, Impl: ListLenFn(listLen)},
			{Params: params(list(check.Duration)), Names: names("l"), Result: tInt, Impl: ListLenFn(listLen)},
		},
	},
	{
		Name: "lower", Doc: "s in lower case",
		Example: `must not post if lower(topic) == "spam"`,
		Sigs:    []Sig{{Params: params(tString), Names: names("s"), Result: tString, Impl: StringFn(strings.ToLower)}},
	},
	{
		Name: "upper", Doc: "s in upper case",
		Example: `may comment if upper(on) != "ARCHIVE"`,
		Sigs:    []Sig{{Params: params(tString), Names: names("s"), Result: tString, Impl: StringFn(strings.ToUpper)}},
	},
	{
		Name: "trim", Doc: "s without leading and trailing white space, or without the characters in chars",
		Example: `must not post if trim(topic) == ""`,
		Sigs: []Sig{
			{Params: params(tString), Names: names("s"), Result: tString, Impl: StringFn(strings.TrimSpace)},
			{Params: params(tString, tString), Names: names("s", "chars"), Result: tString, Impl: String2Fn(strings.Trim)},
		},
	},
	{
		Name: "starts_with", Doc: "whether s begins with prefix",
		Example: `may invite if starts_with(guest, "@")`,
		Sigs: []Sig{{Params: params(tString, tString), Names: names("s", "prefix"), Result: tBool,
			Impl: StringPredFn(strings.HasPrefix)}},
	},
	{
		Name: "ends_with", Doc: "whether s ends with suffix",
		Example: `may save if ends_with(item, ".pdf")`,
		Sigs: []Sig{{Params: params(tString, tString), Names: names("s", "suffix"), Result: tBool,
			Impl: StringPredFn(strings.HasSuffix)}},
	},
}

var byName = func() map[string]*Func {
	m := make(map[string]*Func, len(Functions))
	for i := range Functions {
		m[Functions[i].Name] = &Functions[i]
	}
	return m
}()

// Lookup returns the function called name.
func Lookup(name string) (*Func, bool) {
	f, ok := byName[name]
	return f, ok
}

// Names returns the function names, sorted, for "did you mean" suggestions.
func Names() []string {
	ns := make([]string, 0, len(Functions))
	for _, f := range Functions {
		ns = append(ns, f.Name)
	}
	sort.Strings(ns)
	return ns
}

// SubTimes returns the duration a - b between two times, saturated at the
// largest and smallest duration exactly as time.Time.Sub does.
func SubTimes(a, b int64) int64 { return arith.SubTimes(a, b) }

// AddDuration returns t + d, saturated at the latest and earliest times a
// Charter time can hold (the years 1677 to 2262) instead of wrapping.
func AddDuration(t, d int64) int64 { return arith.AddDuration(t, d) }

// SubDuration returns t - d, saturated as AddDuration is.
func SubDuration(t, d int64) int64 { return arith.SubDuration(t, d) }

func minInt(a, b int64) int64       { return min(a, b) }
func maxInt(a, b int64) int64       { return max(a, b) }
func minFloat(a, b float64) float64 { return min(a, b) }
func maxFloat(a, b float64) float64 { return max(a, b) }
func runeCount(s string) int64      { return int64(utf8.RuneCountInString(s)) }
func listLen(l any) int64           { return int64(ListLen(l)) }

// ListLen returns the number of elements of a list held in the runtime
// representation ([]int64, []float64, []string or []bool), or 0 for any
// other value.
func ListLen(l any) int {
	switch l := l.(type) {
	case []int64:
		return len(l)
	case []float64:
		return len(l)
	case []string:
		return len(l)
	case []bool:
		return len(l)
	}
	return 0
}
