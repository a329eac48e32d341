package check_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

func TestConstant(t *testing.T) {
	tests := []struct {
		src  string
		want any
	}{
		{"-3", int64(-3)},
		{"2 * 3 + 1", int64(7)},
		{"1.5", 1.5},
		{"1e3", 1000.0},
		{`"a" + 'b'`, "ab"},
		{"!false", true},
		{"7d", 7 * 24 * time.Hour},
		{"0s - 30m", -30 * time.Minute},
		{"2 * 1w", 14 * 24 * time.Hour},
		{"[1, -2, 3.5]", []any{int64(1), int64(-2), 3.5}},
		{"[]", []any{}},
		{"9223372036854775807 + 1", int64(-9223372036854775807 - 1)}, // ints wrap, as SPEC §8 says
	}
	for _, tc := range tests {
		c, ds := syntax.ParseCall("", "f(v: "+tc.src+")")
		if len(ds) > 0 {
			t.Fatalf("%s: %v", tc.src, ds)
		}
		got, d := check.Constant(c.Args[0].Value, diag.BadCall)
		if d != nil {
			t.Errorf("Constant(%s): %v", tc.src, d)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Constant(%s) (-want +got):\n%s", tc.src, diff)
		}
	}
}

func TestConstantErrors(t *testing.T) {
	tests := []struct {
		src      string
		col      int // of the part at fault, in "f(v: SRC)"
		contains string
	}{
		{"x", 6, "x is not a constant"},
		{"1 + posts", 10, "posts is not a constant"},
		{"len([1])", 6, "len(...) is a call, not a constant"},
		{"1..3", 6, "1..3 is not a constant"},
		{"nil", 6, "nil is not a constant"},
		{"[1, [2]]", 10, "lists hold single values"},
		{`-"x"`, 6, "invalid operation"},
		{"-7d", 6, "invalid operation"},
	}
	for _, tc := range tests {
		c, ds := syntax.ParseCall("", "f(v: "+tc.src+")")
		if len(ds) > 0 {
			t.Fatalf("%s: %v", tc.src, ds)
		}
		v, d := check.Constant(c.Args[0].Value, diag.BadTest)
		if d == nil {
			t.Errorf("Constant(%s) = %v, want an error", tc.src, v)
			continue
		}
		if d.Code != diag.BadTest || d.Range.Start.Column != tc.col || !strings.Contains(d.Message, tc.contains) {
			t.Errorf("Constant(%s): %v; want 1:%d: ...%s... [%s]", tc.src, d, tc.col, tc.contains, diag.BadTest)
		}
	}
}

// TestTestConstantsInModel: the checker keeps the value of every constant
// of a test block, converted to the type it is given to, for the runner.
func TestTestConstantsInModel(t *testing.T) {
	prog, ds := checkSrc(t, `community C {
  member { score: float; seen: time; tags: []string; wait: duration }
  action tip(to: member, amount: int, within: duration)
  may tip
  test "t" {
    given member bob { score: 2 }
    given member { score: 1 + 2, seen: "2026-01-02T15:04:05Z", tags: ["a", 'b'], wait: 0s - 90m }
    do tip(to: "bob", amount: 2 * 5, within: 7d)
  }
}`)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	com := prog.Community("C")
	var got []any
	for _, e := range syntax.Exprs(com.Tests[0]) {
		v, ok := com.Const(e)
		if !ok {
			t.Errorf("no value for %s", e.Src)
		}
		got = append(got, v)
	}
	want := []any{
		2.0,
		3.0, time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC), []string{"a", "b"}, -90 * time.Minute,
		"bob", int64(10), 7 * 24 * time.Hour,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("constants (-want +got):\n%s", diff)
	}
	if _, ok := com.Const(&syntax.Expr{}); ok {
		t.Error("Const of an expression of no test block has a value")
	}
}

// TestGoalTargetInModel: a goal's target is evaluated by the checker, for
// the runtime to read, in the community that declares it and in one that
// inherits it.
func TestGoalTargetInModel(t *testing.T) {
	prog, ds := checkSrc(t, `community P {
  member { posts: int }
  action post()
  may post
  goal active { measure count(posts > 0); target >= 3 * 5 / 2 }
}
community C extends P {
  goal busy { measure sum(posts); target > 9223372036854775807 + 1 }
}`)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for _, tc := range []struct {
		com, goal string
		want      float64
	}{{"P", "active", 7.5}, {"C", "active", 7.5}, {"C", "busy", -9223372036854775808}} {
		if got := prog.Community(tc.com).Goal(tc.goal).TargetValue; got != tc.want {
			t.Errorf("%s.%s: target %v, want %v", tc.com, tc.goal, got, tc.want)
		}
	}
}
