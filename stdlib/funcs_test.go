package stdlib

import (
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
)

var at = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func TestTableIsWellFormed(t *testing.T) {
	aggregates := map[string]bool{"min": true, "max": true, "sum": true, "avg": true, "count": true, "share": true, "members": true}
	seen := map[string]bool{}
	for _, f := range Functions {
		if f.Name == "" || seen[f.Name] {
			t.Errorf("function %q: empty or duplicate name", f.Name)
		}
		seen[f.Name] = true
		if aggregates[f.Name] {
			t.Errorf("function %q takes the name of a goal aggregate", f.Name)
		}
		if f.Doc == "" || strings.Contains(f.Doc, "\n") {
			t.Errorf("%s: Doc must be one non-empty line", f.Name)
		}
		if !strings.Contains(f.Example, f.Name+"(") {
			t.Errorf("%s: Example %q does not call it", f.Name, f.Example)
		}
		if len(f.Sigs) == 0 {
			t.Errorf("%s: no overloads", f.Name)
		}
		for i := range f.Sigs {
			s := &f.Sigs[i]
			if len(s.Names) != len(s.Params) {
				t.Errorf("%s: %d names for %d parameters", f.Name, len(s.Names), len(s.Params))
			}
			if s.Variadic && len(s.Params) < 2 {
				t.Errorf("%s: a variadic overload needs a fixed parameter", f.Name)
			}
			if GoType(s.Result) == nil {
				t.Errorf("%s: result type %s has no Go type", f.Name, s.Result)
			}
			for _, p := range s.Params {
				if GoType(p) == nil {
					t.Errorf("%s: parameter type %s has no Go type", f.Name, p)
				}
			}
			// Calling every overload with zero values proves that the
			// implementation's shape fits its parameters.
			args := make([]value, len(s.Params))
			for j, p := range s.Params {
				if p.Kind == check.List {
					args[j].l = []int64{}
				}
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: %v", s.String(f.Name), r)
					}
				}()
				s.invoke(0, args)
			}()
		}
	}
}

// The examples are what SPEC.md shows, so each must be valid Charter.
func TestExamplesParse(t *testing.T) {
	for _, f := range Functions {
		for _, wrap := range []string{"community C {\n%s\n}\n", "community C {\nroles {\n%s\n}\n}\n"} {
			src := strings.Replace(wrap, "%s", f.Example, 1)
			file, ds := syntax.Parse("example.charter", []byte(src))
			if !ds.HasErrors() && len(syntax.Exprs(file)) > 0 {
				goto next
			}
		}
		t.Errorf("%s: example %q does not parse", f.Name, f.Example)
	next:
	}
}

func TestTimeFunctions(t *testing.T) {
	h := time.Hour
	tests := []struct {
		ago         time.Duration
		days, hours int64
	}{
		{0, 0, 0},
		{h - 1, 0, 0},
		{24*h - 1, 0, 23},
		{24 * h, 1, 24},
		{36 * h, 1, 36},
		{30*24*h + 1, 30, 720},
		{-1, -1, -1}, // a time in the future rounds down too
		{-h, -1, -1},
		{-24 * h, -1, -24},
		{-24*h - 1, -2, -25},
	}
	daysSince, _ := Lookup("days_since")
	hoursSince, _ := Lookup("hours_since")
	since, _ := Lookup("since")
	until, _ := Lookup("until")
	now := at.UnixNano()
	for _, tt := range tests {
		then := at.Add(-tt.ago).UnixNano()
		if got := daysSince.Sigs[0].Impl.(SinceFn)(now, then); got != tt.days {
			t.Errorf("days_since(at - %v) = %d, want %d", tt.ago, got, tt.days)
		}
		if got := hoursSince.Sigs[0].Impl.(SinceFn)(now, then); got != tt.hours {
			t.Errorf("hours_since(at - %v) = %d, want %d", tt.ago, got, tt.hours)
		}
		if got := since.Sigs[0].Impl.(SinceFn)(now, then); got != int64(tt.ago) {
			t.Errorf("since(at - %v) = %v", tt.ago, time.Duration(got))
		}
		if got := until.Sigs[0].Impl.(SinceFn)(now, then); got != -int64(tt.ago) {
			t.Errorf("until(at - %v) = %v", tt.ago, time.Duration(got))
		}
	}
}

// SubTimes must agree with time.Time.Sub, saturation included.
func TestSubTimesMatchesTimeSub(t *testing.T) {
	vals := []int64{math.MinInt64, math.MinInt64 + 1, -1e18, -1, 0, 1, 1e18, math.MaxInt64 - 1, math.MaxInt64, at.UnixNano()}
	for _, a := range vals {
		for _, b := range vals {
			want := time.Unix(0, a).Sub(time.Unix(0, b))
			if got := SubTimes(a, b); got != int64(want) {
				t.Errorf("SubTimes(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestAddDuration(t *testing.T) {
	tests := []struct{ t, d, want int64 }{
		{0, 5, 5},
		{10, -3, 7},
		{math.MaxInt64 - 1, 5, math.MaxInt64},
		{math.MinInt64 + 1, -5, math.MinInt64},
		{math.MaxInt64, math.MinInt64, -1},
	}
	for _, tt := range tests {
		if got := AddDuration(tt.t, tt.d); got != tt.want {
			t.Errorf("AddDuration(%d, %d) = %d, want %d", tt.t, tt.d, got, tt.want)
		}
	}
}

// SubDuration is t - d saturated at the ends of the time range, worked
// out here in exact arithmetic; AddDuration(t, -d) is wrong for the most
// negative d, whose negation overflows.
func TestSubDuration(t *testing.T) {
	vals := []int64{math.MinInt64, math.MinInt64 + 1, -1e18, -1, 0, 1, 1e18, math.MaxInt64 - 1, math.MaxInt64}
	lo, hi := big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	for _, a := range vals {
		for _, d := range vals {
			exact := new(big.Int).Sub(big.NewInt(a), big.NewInt(d))
			switch {
			case exact.Cmp(hi) > 0:
				exact = hi
			case exact.Cmp(lo) < 0:
				exact = lo
			}
			if got := SubDuration(a, d); got != exact.Int64() {
				t.Errorf("SubDuration(%d, %d) = %d, want %d", a, d, got, exact.Int64())
			}
		}
	}
}

func TestNanos(t *testing.T) {
	if ns, ok := Nanos(time.Time{}); !ok || ns != 0 {
		t.Errorf("Nanos(zero) = %d, %v; want the Unix epoch", ns, ok)
	}
	if ns, ok := Nanos(at); !ok || !Time(ns).Equal(at) {
		t.Errorf("Nanos(%v) does not round-trip", at)
	}
	for _, bad := range []time.Time{
		time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, math.MaxInt64).Add(1), time.Unix(0, math.MinInt64).Add(-1),
	} {
		if _, ok := Nanos(bad); ok {
			t.Errorf("Nanos(%v) accepted a time out of range", bad)
		}
	}
	// The ends of the range, and the seconds next to them, are inside.
	for _, ns := range []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1e9, math.MinInt64 + 1e9, -1, 0, 1} {
		for _, loc := range []*time.Location{time.UTC, time.FixedZone("east", 14*3600)} {
			tm := time.Unix(0, ns).In(loc)
			if got, ok := Nanos(tm); !ok || got != ns {
				t.Errorf("Nanos(%v) = %d, %v; want %d", tm, got, ok, ns)
			}
		}
	}
}

// TestNanosSecBounds checks the constants Nanos's common case (and the
// runtime's inline copy of it) bounds the seconds by.
func TestNanosSecBounds(t *testing.T) {
	if MinNanosSec != minTime.Unix()+1 || MaxNanosSec != maxTime.Unix()-1 {
		t.Errorf("MinNanosSec, MaxNanosSec = %d, %d; want %d, %d", MinNanosSec, MaxNanosSec, minTime.Unix()+1, maxTime.Unix()-1)
	}
}

// run evaluates src with expr-lang, the table declared at time at.
func run(t *testing.T, src string, env map[string]any) (any, error) {
	t.Helper()
	opts := append([]expr.Option{expr.Env(env)}, ExprOptionsAt(at)...)
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, err
	}
	return expr.Run(prog, env)
}

func TestThroughExprLang(t *testing.T) {
	env := map[string]any{
		"posts": 7, "rep": 2.5, "name": "  Ann ", "seen": at.Add(-50 * time.Hour),
		"tags": []string{"a", "b"}, "d": 90 * time.Minute, "nan": math.NaN(),
		// what lang/syntax makes of the duration literals 3d, 1h and 2h
		"$3d": 72 * time.Hour, "$1h": time.Hour, "$2h": 2 * time.Hour,
	}
	tests := []struct {
		src  string
		want any
	}{
		{"now()", at},
		{"since(seen)", 50 * time.Hour},
		{"until(seen)", -50 * time.Hour},
		{"days_since(seen)", 2},
		{"hours_since(seen)", 50},
		{"abs(-posts)", 7},
		{"abs(-rep)", 2.5},
		{"clamp(posts, 0, 5)", 5},
		{"clamp(posts, 10, 20)", 10},
		{"clamp(posts, 10, 0)", 0},
		{"clamp(rep, 0, 2)", 2.0},
		{"clamp(posts, 0, 6.5)", 6.5}, // an int argument widens to the float overload
		{"between(posts, 7, 7)", true},
		{"between(rep, 0, 2)", false},
		{"between(nan, 0, 2)", false},
		{"between(seen, now() - $3d, now())", true},
		{"between(d, $1h, $2h)", true},
		{"least(posts, 3, 9)", 3},
		{"greatest(posts, 3, 9)", 9},
		{"least(rep, posts)", 2.5},
		{"greatest(seen, now())", at},
		{"least(d, $1h)", time.Hour},
		{"floor(rep)", 2.0},
		{"ceil(rep)", 3.0},
		{"round(rep)", 3.0},
		{"round(-rep)", -3.0},
		{"floor(posts)", 7.0},
		{"len('héllo')", 5},
		{"len(tags)", 2},
		{"lower('AbC')", "abc"},
		{"upper('AbC')", "ABC"},
		{"trim(name)", "Ann"},
		{"trim('xxAnnxx', 'x')", "Ann"},
		{"starts_with(name, '  A')", true},
		{"ends_with(name, 'n')", false},
		{"name | trim() | lower()", "ann"},
	}
	for _, tt := range tests {
		got, err := run(t, tt.src, env)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.src, got, tt.want)
		}
	}
}

func TestExprOptionsRejectBuiltins(t *testing.T) {
	env := map[string]any{"posts": 1, "tags": []string{"a"}, "d": time.Hour}
	for _, src := range []string{
		`split("a,b", ",")`,
		`toJSON(tags)`,
		`duration("1h")`,
		`int("3")`,
		`reverse(tags)`,
		`days_since(posts)`,
		`abs("x")`,
		`least(posts)`,
		`clamp(d, 1, 2)`,
	} {
		if _, err := run(t, src, env); err == nil {
			t.Errorf("%s: expected a type error", src)
		}
	}
}

// Without an evaluation time expr-lang's VM must not invent one.
func TestNoWallClock(t *testing.T) {
	opts := append([]expr.Option{expr.Env(map[string]any{})}, ExprOptions()...)
	prog, err := expr.Compile("now()", opts...)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := expr.Run(prog, map[string]any{}); err == nil {
		t.Fatalf("now() without an evaluation time = %v, want an error", got)
	}
}

func TestNewConfigOverridesBuiltins(t *testing.T) {
	cfg := NewConfig(map[string]any{"posts": 3, "seen": at})
	for _, tt := range []struct {
		src  string
		want reflect.Type
	}{
		{"days_since(seen) > 30", reflect.TypeFor[bool]()},
		{"now()", reflect.TypeFor[time.Time]()},
		{"abs(posts)", reflect.TypeFor[int]()},
		{"abs(1.5)", reflect.TypeFor[float64]()},
		{"len('x')", reflect.TypeFor[int]()},
	} {
		tree, err := parser.ParseWithConfig(tt.src, cfg)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		typ, err := checker.Check(tree, cfg)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if typ != tt.want {
			t.Errorf("%s: type %v, want %v", tt.src, typ, tt.want)
		}
	}
	tree, err := parser.ParseWithConfig("upper(trimPrefix('ab', 'a'))", cfg)
	if err == nil {
		_, err = checker.Check(tree, cfg)
	}
	if err == nil {
		t.Error("trimPrefix: a disabled builtin type-checked")
	}
}

func TestMatch(t *testing.T) {
	clamp, _ := Lookup("clamp")
	i, f, r := check.Type{Kind: check.Int}, check.Type{Kind: check.Float}, check.Type{Kind: check.Role}
	if s, _ := clamp.Match([]check.Type{i, i, i}); s.Result != i {
		t.Errorf("clamp(int, int, int) chose %s", s.String("clamp"))
	}
	if s, _ := clamp.Match([]check.Type{i, f, i}); s.Result != f {
		t.Errorf("clamp(int, float, int) chose %s", s.String("clamp"))
	}
	if s, _ := clamp.Match([]check.Type{r, i, i}); s.Result != i {
		t.Errorf("clamp(role, int, int) chose %s", s.String("clamp"))
	}
	if _, ok := clamp.Match([]check.Type{i, i}); ok {
		t.Error("clamp with 2 arguments matched")
	}
	least, _ := Lookup("least")
	if _, ok := least.Match([]check.Type{i, i, i, i, i}); !ok {
		t.Error("least with 5 arguments did not match")
	}
	if got := least.Sigs[0].String("least"); got != "least(a int, b int, more ...int) int" {
		t.Errorf("signature written as %q", got)
	}
}

func TestNames(t *testing.T) {
	ns := Names()
	if len(ns) != len(Functions) {
		t.Fatalf("Names has %d entries for %d functions", len(ns), len(Functions))
	}
	for _, n := range ns {
		if _, ok := Lookup(n); !ok {
			t.Errorf("Lookup(%q) failed", n)
		}
	}
}
