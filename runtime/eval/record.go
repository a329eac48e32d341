package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

// Bounds on values from the host, so that no condition's cost depends on
// unbounded input: scanning a list (`in`) or a string (`contains`,
// `matches`, len) is linear in these. SPEC.md ("Limits") lists them.
const (
	MaxListLen   = 65536   // elements of a list attribute or argument
	MaxStringLen = 1 << 20 // bytes of a string attribute or argument
)

// Record holds the values of one member, or of one action call's
// arguments, in typed slots so that compiled expressions read them without
// boxing. int, bool (0 or 1), time (nanoseconds since the Unix epoch),
// duration (nanoseconds) and role (rank) live in I; float in F; string and
// member (the member's id) in S; lists in L as []int64 (int, time,
// duration), []float64, []string or []bool.
type Record struct {
	I []int64
	F []float64
	// SL holds the strings and lists, nil for a layout with neither
	// (Strings and Lists read it either way): its fields read as the
	// record's own, r.S and r.L. Behind a pointer, they are 8 bytes of a
	// record where they were 48, and a member of a community with no
	// string or list attribute, such as FanClub, one size class smaller
	// (runtime's BenchmarkDecideArgs, a new member per question).
	*SL
	// H is the member's action history, which `taken` reads (SPEC §7.6);
	// nil for a record with none (an action's arguments), where every
	// count is 0. It lives in the record, not the Env, so that a rung
	// evaluated on another member (to.role) reads that member's history.
	H Taker
}

// SL is the part of a Record that holds strings (S: string and member
// values) and lists (L).
type SL struct {
	S []string
	L []any
}

// Strings returns r's strings, nil when it has none.
func (r *Record) Strings() []string {
	if r.SL == nil {
		return nil
	}
	return r.S
}

// Lists returns r's lists, nil when it has none.
func (r *Record) Lists() []any {
	if r.SL == nil {
		return nil
	}
	return r.L
}

// Taker counts a member's takings of an action (by index) in the window
// (at-per, at], times in nanoseconds since the Unix epoch.
type Taker interface {
	Taken(action int, at, per int64) int64
}

// Slot says where a value lives: Index into the array of a Record that its
// Type selects.
type Slot struct {
	Type  check.Type
	Index int
}

// array is the Record array a type lives in.
type array int

const (
	arrI array = iota
	arrF
	arrS
	arrL
)

func arrayOf(t check.Type) (array, bool) {
	switch t.Kind {
	case check.Int, check.Bool, check.Time, check.Duration, check.Role:
		return arrI, true
	case check.Float:
		return arrF, true
	case check.String, check.Member:
		return arrS, true
	case check.List:
		switch t.Elem {
		case check.Int, check.Float, check.Bool, check.String, check.Time, check.Duration:
			return arrL, true
		}
	}
	return 0, false
}

// Layout assigns each declared attribute (or parameter) a Slot. It is
// immutable once built and safe to share.
//
// A record of a layout also says which attributes were given (SPEC §7.7:
// `has`): bit i%64 of the word I[GivenWord(i)], one word per 64
// attributes after the int slots. They live in I so that every copy of a
// record (CopyFrom, Clone, a State's column store, an effect's spare
// record) carries them with no field of its own, and a new record from
// NewRecord, as the defaults are, gives nothing.
type Layout struct {
	names  []string
	slots  []Slot
	byName map[string]int
	counts [4]int
}

// NewLayout lays out the attributes names[i] of types types[i], in order.
func NewLayout(names []string, types []check.Type) (*Layout, error) {
	if len(names) != len(types) {
		return nil, fmt.Errorf("layout: %d names for %d types", len(names), len(types))
	}
	l := &Layout{names: names, slots: make([]Slot, len(types)), byName: make(map[string]int, len(names))}
	for i, t := range types {
		a, ok := arrayOf(t)
		if !ok {
			return nil, fmt.Errorf("layout: attribute %s has type %s, which a record cannot hold", names[i], t)
		}
		if _, dup := l.byName[names[i]]; dup {
			return nil, fmt.Errorf("layout: attribute %s is declared twice", names[i])
		}
		l.byName[names[i]] = i
		l.slots[i] = Slot{Type: t, Index: l.counts[a]}
		l.counts[a]++
	}
	return l, nil
}

// Len is the number of attributes.
func (l *Layout) Len() int { return len(l.slots) }

// Name returns the name of attribute i.
func (l *Layout) Name(i int) string { return l.names[i] }

// Slot returns the slot of attribute i.
func (l *Layout) Slot(i int) Slot { return l.slots[i] }

// GivenWord returns where attribute i's given bit lives: in the word
// I[word] of a record, at bit.
func (l *Layout) GivenWord(i int) (word int, bit uint64) {
	return l.counts[arrI] + i/64, 1 << (i % 64)
}

// Give marks attribute i of r as given.
func (l *Layout) Give(r *Record, i int) {
	w, b := l.GivenWord(i)
	r.I[w] = int64(uint64(r.I[w]) | b)
}

// Given reports whether attribute i of r was given.
func (l *Layout) Given(r *Record, i int) bool {
	w, b := l.GivenWord(i)
	return uint64(r.I[w])&b != 0
}

// Forget marks attribute i of r as not given.
func (l *Layout) Forget(r *Record, i int) {
	w, b := l.GivenWord(i)
	r.I[w] = int64(uint64(r.I[w]) &^ b)
}

// Lookup returns the index of the attribute called name.
func (l *Layout) Lookup(name string) (int, bool) {
	i, ok := l.byName[name]
	return i, ok
}

// NewRecord returns a record of layout l holding every type's zero value:
// 0, 0.0, false, "", the Unix epoch, 0s, rank 0 and empty lists.
func NewRecord(l *Layout) *Record {
	r := &Record{
		I: make([]int64, l.counts[arrI]+(len(l.slots)+63)/64),
		F: make([]float64, l.counts[arrF]),
	}
	if l.counts[arrS]+l.counts[arrL] > 0 {
		r.SL = &SL{S: make([]string, l.counts[arrS]), L: make([]any, l.counts[arrL])}
	}
	for _, s := range l.slots {
		if s.Type.Kind == check.List {
			r.L[s.Index] = EmptyList(s.Type.Elem)
		}
	}
	return r
}

// EmptyList is the empty list of elem's Go type ([]int64 for the kinds
// held as ints), as records and charter gen's constants hold it.
func EmptyList(elem check.Kind) any {
	switch elem {
	case check.Float:
		return []float64{}
	case check.String:
		return []string{}
	case check.Bool:
		return []bool{}
	}
	return []int64{}
}

// Set stores v, converted, as attribute i of r. See Convert for what each
// type accepts.
func (l *Layout) Set(r *Record, i int, v any) error {
	if i < 0 || i >= len(l.slots) {
		return fmt.Errorf("layout: no attribute %d", i)
	}
	s := l.slots[i]
	c, err := convert(l.names[i], s.Type, v)
	if err != nil {
		return err
	}
	r.store(s, c)
	return nil
}

// SetByName stores v, converted, as the attribute called name.
func (l *Layout) SetByName(r *Record, name string, v any) error {
	i, ok := l.byName[name]
	if !ok {
		return fmt.Errorf("unknown attribute %s", name)
	}
	return l.Set(r, i, v)
}

func (r *Record) store(s Slot, c any) {
	switch c := c.(type) {
	case int64:
		r.I[s.Index] = c
	case bool:
		r.I[s.Index] = b2i(c)
	case float64:
		r.F[s.Index] = c
	case string:
		r.S[s.Index] = c
	default:
		r.L[s.Index] = c
	}
}

// Get returns the value in slot s as a Go value for printing: int64,
// float64, bool, string, time.Time (UTC), time.Duration, or a slice of
// those.
func (r *Record) Get(s Slot) any {
	switch s.Type.Kind {
	case check.Float:
		return r.F[s.Index]
	case check.String, check.Member:
		return r.S[s.Index]
	case check.List:
		return goList(s.Type.Elem, r.L[s.Index])
	}
	return goScalar(s.Type.Kind, r.I[s.Index])
}

func goScalar(k check.Kind, i int64) any {
	switch k {
	case check.Bool:
		return i != 0
	case check.Time:
		return stdlib.Time(i)
	case check.Duration:
		return time.Duration(i)
	}
	return i
}

func goList(elem check.Kind, l any) any {
	xs, ok := l.([]int64)
	if !ok {
		return l
	}
	switch elem {
	case check.Time:
		out := make([]time.Time, len(xs))
		for i, x := range xs {
			out[i] = stdlib.Time(x)
		}
		return out
	case check.Duration:
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x)
		}
		return out
	}
	return xs
}

// Clone returns a copy of r that shares no memory with it except list
// contents, which are never modified in place.
func (r *Record) Clone() *Record {
	c := &Record{}
	c.CopyFrom(r)
	return c
}

// CopyFrom makes r a copy of src, reusing r's arrays when they are large
// enough, so that copying into a record of the same layout never allocates.
func (r *Record) CopyFrom(src *Record) {
	r.I = append(r.I[:0], src.I...)
	r.F = append(r.F[:0], src.F...)
	if src.SL != nil || r.SL != nil {
		if r.SL == nil {
			r.SL = new(SL)
		}
		r.S = append(r.S[:0], src.Strings()...)
		r.L = append(r.L[:0], src.Lists()...)
	}
}

// ValueError reports a Go value that does not fit an attribute's type.
type ValueError struct {
	Name   string // the attribute, with an index for a list element: tags[2]
	Want   check.Type
	Got    any
	Reason string // why, when the Go type alone does not say
}

func (e *ValueError) Error() string {
	msg := fmt.Sprintf("attribute %s: want %s, got %s", e.Name, e.Want, Describe(e.Got))
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Convert converts a Go value to the runtime form of a Charter value of
// type t (int64, float64, bool, string, or a typed slice); name is the
// attribute it is for, used in the error. It never casts silently:
//
//   - int takes Go integers, integer-valued floats (JSON decodes every
//     number as float64) and json.Number; 1.5 is an error.
//   - float takes Go numbers and json.Number; NaN and ±Inf are errors.
//   - bool, string and member take only bool and string.
//   - time takes time.Time and RFC 3339 strings; the zero time.Time is the
//     Unix epoch, Charter's zero time.
//   - duration takes time.Duration, Go duration strings ("1h30m") and
//     Charter duration literals ("7d", "2w").
//   - role takes an integer rank.
//   - lists take []any and typed slices, element by element.
func Convert(name string, t check.Type, v any) (any, error) { return convert(name, t, v) }

func convert(name string, t check.Type, v any) (any, error) {
	bad := func(reason string) error { return &ValueError{Name: name, Want: t, Got: v, Reason: reason} }
	switch t.Kind {
	case check.Int, check.Role:
		i, reason, ok := toInt(v)
		if !ok {
			return nil, bad(reason)
		}
		return i, nil
	case check.Float:
		f, reason, ok := toFloat(v)
		if !ok {
			return nil, bad(reason)
		}
		return f, nil
	case check.Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case check.String, check.Member:
		if s, ok := v.(string); ok {
			if len(s) > MaxStringLen {
				return nil, bad(fmt.Sprintf("a string value may be at most %d bytes, got %d", MaxStringLen, len(s)))
			}
			if !utf8.ValidString(s) {
				// A snapshot's JSON could not give it back unchanged.
				return nil, bad("a string value must be valid UTF-8")
			}
			return s, nil
		}
	case check.Time:
		switch x := v.(type) {
		case time.Time:
			ns, ok := stdlib.Nanos(x)
			if !ok {
				return nil, bad("times must lie between 1677-09-21 and 2262-04-11")
			}
			return ns, nil
		case string:
			tm, err := time.Parse(time.RFC3339, x)
			if err != nil {
				return nil, bad(`times are written in RFC 3339, like "2025-03-10T12:00:00Z"`)
			}
			ns, ok := stdlib.Nanos(tm)
			if !ok {
				return nil, bad("times must lie between 1677-09-21 and 2262-04-11")
			}
			return ns, nil
		}
	case check.Duration:
		switch x := v.(type) {
		case time.Duration:
			return int64(x), nil
		case string:
			d, ok := ParseDuration(x)
			if !ok {
				return nil, bad(`durations are written like "7d", "90m" or "1h30m"`)
			}
			return d, nil
		}
		if _, _, isNum := toFloat(v); isNum {
			return nil, bad(`a number has no unit: write a duration like "7d" or "90m"`)
		}
	case check.List:
		return convertList(name, t, v)
	default:
		return nil, bad("a record cannot hold this type")
	}
	return nil, bad("")
}

func convertList(name string, t check.Type, v any) (any, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return nil, &ValueError{Name: name, Want: t, Got: v}
	}
	n := rv.Len()
	if n > MaxListLen {
		return nil, &ValueError{Name: name, Want: t, Got: v, Reason: fmt.Sprintf("a list may hold at most %d elements, got %d", MaxListLen, n)}
	}
	et := check.Type{Kind: t.Elem}
	elem := func(i int) (any, error) {
		return convert(name+"["+strconv.Itoa(i)+"]", et, rv.Index(i).Interface())
	}
	switch t.Elem {
	case check.Float:
		xs := make([]float64, n)
		for i := range xs {
			c, err := elem(i)
			if err != nil {
				return nil, err
			}
			xs[i] = c.(float64)
		}
		return xs, nil
	case check.String:
		xs := make([]string, n)
		for i := range xs {
			c, err := elem(i)
			if err != nil {
				return nil, err
			}
			xs[i] = c.(string)
		}
		return xs, nil
	case check.Bool:
		xs := make([]bool, n)
		for i := range xs {
			c, err := elem(i)
			if err != nil {
				return nil, err
			}
			xs[i] = c.(bool)
		}
		return xs, nil
	case check.Int, check.Time, check.Duration:
		xs := make([]int64, n)
		for i := range xs {
			c, err := elem(i)
			if err != nil {
				return nil, err
			}
			xs[i] = c.(int64)
		}
		return xs, nil
	}
	return nil, &ValueError{Name: name, Want: t, Got: v, Reason: "a record cannot hold this type"}
}

// toInt converts a Go number to an int64 when it is a whole number in range.
func toInt(v any) (int64, string, bool) {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, "", true
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return 0, "not a number", false
		}
		return floatToInt(f)
	case float64:
		return floatToInt(x)
	case float32:
		return floatToInt(float64(x))
	case time.Duration:
		return 0, "", false
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return rv.Int(), "", true
	case rv.CanUint():
		if rv.Uint() > math.MaxInt64 {
			return 0, "out of range", false
		}
		return int64(rv.Uint()), "", true
	}
	return 0, "", false
}

func floatToInt(f float64) (int64, string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return 0, "not a whole number", false
	}
	if f < -(1<<63) || f >= 1<<63 {
		return 0, "out of range", false
	}
	return int64(f), "", true
}

// toFloat converts a Go number to a finite float64.
func toFloat(v any) (float64, string, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case json.Number:
		p, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return 0, "not a number", false
		}
		f = p
	default:
		rv := reflect.ValueOf(v)
		switch {
		case rv.CanInt():
			if _, isDuration := v.(time.Duration); isDuration {
				return 0, "", false
			}
			f = float64(rv.Int())
		case rv.CanUint():
			f = float64(rv.Uint())
		default:
			return 0, "", false
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, "NaN and infinities are not values", false
	}
	return f, "", true
}

// durationUnits are the units of Charter duration literals, in nanoseconds.
var durationUnits = map[string]int64{
	"ms": int64(time.Millisecond), "s": int64(time.Second), "m": int64(time.Minute),
	"h": int64(time.Hour), "d": 24 * int64(time.Hour), "w": 7 * 24 * int64(time.Hour),
}

// ParseDuration reads a Charter duration literal ("7d", "2w", "1_000ms") or
// a Go duration ("1h30m", "-5m", "1.5h") into nanoseconds.
func ParseDuration(s string) (int64, bool) {
	if d, ok := parseLiteral(s); ok {
		return d, true
	}
	d, err := time.ParseDuration(s)
	return int64(d), err == nil
}

// parseLiteral reads a Charter duration literal as lang/syntax lexes it:
// a digit, more digits and _, then one unit.
func parseLiteral(s string) (int64, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '_' && i > 0) {
		i++
	}
	if i == 0 {
		return 0, false
	}
	mul, ok := durationUnits[s[i:]]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s[:i], "_", ""), 10, 64)
	if err != nil || n > math.MaxInt64/mul {
		return 0, false
	}
	return n * mul, true
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
