package eval_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

// TestCompileEffect: the same expression compiled by Compile wraps (a
// condition never fails) and by CompileEffect records a limit error, for
// each operation that can leave a limit; values within the limits agree.
func TestCompileEffect(t *testing.T) {
	types := []check.Type{{Kind: check.Int}, {Kind: check.Duration}, {Kind: check.String}}
	layout, err := eval.NewLayout([]string{"n", "d", "s"}, types)
	if err != nil {
		t.Fatal(err)
	}
	scope := eval.Refs{}
	for i, name := range []string{"n", "d", "s"} {
		scope[name] = eval.Ref{Kind: eval.RefAttr, Type: types[i], Index: layout.Slot(i).Index}
	}
	cfg := stdlib.NewConfig(map[string]any{"n": 0, "d": time.Duration(0), "s": ""})
	for _, tc := range []struct {
		expr  string
		n     int64
		d     time.Duration
		s     string
		limit bool
	}{
		{expr: "n + 1", n: math.MaxInt64, limit: true},
		{expr: "n + 1", n: math.MaxInt64 - 1},
		{expr: "n - 1", n: math.MinInt64, limit: true},
		{expr: "1 - n", n: math.MinInt64, limit: true}, // 1 + 2^63
		{expr: "n * 3", n: math.MaxInt64 / 2, limit: true},
		{expr: "n * -1", n: math.MinInt64, limit: true},
		{expr: "n * -1", n: math.MaxInt64},
		{expr: "-n", n: math.MinInt64, limit: true},
		{expr: "abs(n)", n: math.MinInt64, limit: true},
		{expr: "abs(n)", n: math.MinInt64 + 1},
		{expr: "d + d", d: math.MaxInt64 / 2, limit: false},
		{expr: "d + d + d", d: math.MaxInt64 / 2, limit: true},
		{expr: "d * 2", d: math.MaxInt64/2 + 1, limit: true},
		{expr: "s + s", s: strings.Repeat("x", 1<<19)},
		{expr: "s + s + \"!\"", s: strings.Repeat("x", 1<<19), limit: true},
		{expr: "upper(s)", s: strings.Repeat("ɐ", 1<<19), limit: true},
		{expr: "n % (n * 0) + 1", n: 5}, // not a limit: x % 0 is 0, as in conditions
	} {
		tree, err := parser.ParseWithConfig(tc.expr, cfg)
		if err == nil {
			_, err = checker.Check(tree, cfg)
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		plain, err := eval.Compile(tree.Node, scope)
		if err != nil {
			t.Fatal(err)
		}
		checked, err := eval.CompileEffect(tree.Node, scope)
		if err != nil {
			t.Fatal(err)
		}
		m := eval.NewRecord(layout)
		m.I[layout.Slot(0).Index] = tc.n
		m.I[layout.Slot(1).Index] = int64(tc.d)
		m.S[layout.Slot(2).Index] = tc.s
		pe, ce := &eval.Env{M: m}, &eval.Env{M: m}
		pv, cv := plain.Value(pe), checked.Value(ce)
		if eval.IsLimit(pe.Err) {
			t.Errorf("%s: Compile recorded a limit error: %v", tc.expr, pe.Err)
		}
		if got := eval.IsLimit(ce.Err); got != tc.limit {
			t.Errorf("%s with n=%d d=%v len(s)=%d: limit error %v (%v), want %v", tc.expr, tc.n, tc.d, len(tc.s), got, ce.Err, tc.limit)
		}
		if !tc.limit && pv != cv {
			if ps, ok := pv.(string); !ok || ps != cv.(string) {
				t.Errorf("%s: Compile gives %v, CompileEffect %v", tc.expr, pv, cv)
			}
		}
		if s, ok := cv.(string); ok && len(s) > 3*eval.MaxStringLen/2 {
			t.Errorf("%s: CompileEffect built a string of %d bytes", tc.expr, len(s))
		}
	}
}
