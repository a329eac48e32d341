package gen

import (
	"testing"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

// TestStdlibCovered fails when a stdlib function or overload has no Go form
// in callExpr, so that a new function cannot reach generated code
// unnoticed; the exprs community then checks the Go form against the
// runtime.
func TestStdlibCovered(t *testing.T) {
	g := newGenerator(nil, &check.Community{}, Options{}, nil)
	c := &exprCompiler{g: g}
	for i := range stdlib.Functions {
		f := &stdlib.Functions[i]
		for j := range f.Sigs {
			sig := &f.Sigs[j]
			var xs []*expr
			for k := range sig.MinArgs() + 1 {
				p, ok := sig.Param(k)
				if !ok {
					break
				}
				xs = append(xs, &expr{typ: p, code: "x", prec: precAtom})
			}
			x, ok := c.callExpr(f.Name, sig, xs)
			if !ok {
				t.Errorf("%s has no Go form", sig.String(f.Name))
				continue
			}
			if x.typ != sig.Result {
				t.Errorf("%s: the Go form is a %s", sig.String(f.Name), x.typ)
			}
		}
	}
	decls, err := preludeDecls()
	if err != nil {
		t.Fatal(err)
	}
	for name := range g.needs {
		if _, ok := decls[name]; !ok {
			t.Errorf("helper %s is used but not defined", name)
		}
	}
}
