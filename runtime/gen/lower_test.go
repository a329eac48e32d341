package gen

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
)

// TestOperatorsCovered fails when eval's lowering gives a binary operator a
// form that lower has no Go for, or Go of another type than the form's
// result, so that a form added for the runtime cannot reach generated
// code unnoticed; the exprs community then checks the Go against the
// runtime.
func TestOperatorsCovered(t *testing.T) {
	g := newGenerator(nil, &check.Community{}, Options{}, nil)
	c := &exprCompiler{g: g, src: &syntax.Expr{}}
	kinds := []check.Kind{check.Bool, check.Int, check.Role, check.Float, check.String, check.Member, check.Time, check.Duration}
	ops := []string{
		"==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "**", "^",
		"&&", "||", "and", "or", "contains", "startsWith", "endsWith", "matches",
	}
	forms := 0
	for _, o := range ops {
		for _, lk := range kinds {
			for _, rk := range kinds {
				lt, rt := check.Type{Kind: lk}, check.Type{Kind: rk}
				low, _ := eval.LowerBinary(o, lt, rt)
				if low.Op == eval.OpNone {
					continue
				}
				forms++
				l := &expr{typ: lt, code: "l", prec: precAtom}
				r := &expr{typ: rt, code: "r", prec: precAtom}
				if o == "matches" {
					r = g.constant(rt, "a")
				}
				x, err := c.lower(&ast.BinaryNode{Operator: o}, o, low, l, r)
				if err != nil {
					t.Errorf("%s %s %s: %v", lt, o, rt, err)
					continue
				}
				if x.typ != low.Result {
					t.Errorf("%s %s %s: the Go is a %s, the form says %s", lt, o, rt, x.typ, low.Result)
				}
			}
		}
	}
	if forms < 100 {
		t.Errorf("only %d operator forms", forms)
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

// TestNoForm checks that a node eval recorded nothing for (here a copy of
// one it compiled, put in its place after compiling) is an internal error
// of the generator, not a panic or wrong Go, wherever in the expression
// it sits.
func TestNoForm(t *testing.T) {
	src := "community C {\n  member {\n    n: int\n    f: float\n    s: string\n    at: time\n    d: duration\n    ns: []int\n  }\n" +
		"  badge b0 if -n < 0 && !(s == \"a\") && f * 2 > 1.5\n" +
		"  badge b1 if n in [1, n + 1] && f in 1..9 && n in ns && abs(n - 1) > 2\n" +
		"  badge b2 if (n > 1 ? f : 2.0) > 1 && ns[n - 1] > 0 && at + d < at && s matches \"a+\"\n" +
		"}\n"
	p := filepath.Join(t.TempDir(), "c.charter")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(p))
	ls, err := lang.Load("c.charter")
	if err != nil || ls.Diags.HasErrors() {
		t.Fatalf("%v %v", err, ls.Diags)
	}
	cm := ls.Program.Community("C")
	nm, err := newNames(cm)
	if err != nil {
		t.Fatal(err)
	}
	g := newGenerator(ls.Program, cm, Options{}, nm)
	swapped := 0
	for _, b := range cm.Badges {
		if _, _, err := g.compileBool(b.Cond, nil, nil); err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		c := &exprCompiler{g: g, src: b.Cond, scope: &scope{c: cm}}
		_, typed, err := eval.CompileTyped(b.Cond.Root, c.scope)
		if err != nil {
			t.Fatal(err)
		}
		c.typed = typed
		var slots []*ast.Node
		ast.Walk(&b.Cond.Root, slotVisitor{&slots})
		for _, slot := range slots {
			orig := *slot
			switch orig.(type) {
			case *ast.IdentifierNode, *ast.ChainNode, *ast.MemberNode:
				continue // read through the scope, recorded or not
			case *ast.ArrayNode:
				continue // on the right of in: eval records its elements
			case *ast.BinaryNode:
				if orig.(*ast.BinaryNode).Operator == ".." {
					continue // on the right of in: eval records its ends
				}
			}
			v := reflect.ValueOf(orig).Elem()
			cp := reflect.New(v.Type())
			cp.Elem().Set(v)
			*slot = cp.Interface().(ast.Node)
			_, err := c.compile(b.Cond.Root)
			*slot = orig
			swapped++
			if err == nil || !strings.Contains(err.Error(), "internal error") {
				t.Errorf("%s: %s not recorded: %v, want an internal error", b.Name, orig, err)
			}
		}
	}
	if swapped < 40 {
		t.Errorf("only %d nodes swapped", swapped)
	}
}

type slotVisitor struct{ slots *[]*ast.Node }

func (v slotVisitor) Visit(n *ast.Node) { *v.slots = append(*v.slots, n) }
