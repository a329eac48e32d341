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
