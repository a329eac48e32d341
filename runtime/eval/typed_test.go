package eval

import (
	"slices"
	"testing"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/check"
)

// TestCompileTyped checks that CompileTyped records the type of every node
// it compiles, the value of the folded ones, and the constant list `in`
// searches, as Compile decided them.
func TestCompileTyped(t *testing.T) {
	f := newFixture(t)
	src := `posts + 2 * 3 > reputation && name in ["a", "b"] && posts in [1, 2.5] && role in [creator, leader] && posts in [1, comments]`
	tree, err := f.check(src)
	if err != nil {
		t.Fatal(err)
	}
	x, typed, err := CompileTyped(tree.Node, f.scope)
	if err != nil {
		t.Fatal(err)
	}
	if x.Type().Kind != check.Bool {
		t.Fatalf("the expression is a %s", x.Type())
	}
	var ins []*ast.BinaryNode
	ast.Find(tree.Node, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryNode); ok {
			switch b.Operator {
			case "*":
				if v, ok := typed.Const(b); !ok || v != int64(6) {
					t.Errorf("2 * 3 folded to %v, %v; want 6", v, ok)
				}
			case "+":
				if _, ok := typed.Const(b); ok {
					t.Error("posts + 6 folded")
				}
				if ty, _ := typed.Type(b); ty.Kind != check.Int {
					t.Errorf("posts + 6 is a %s", ty)
				}
			case ">":
				if ty, _ := typed.Type(b.Right); ty.Kind != check.Float {
					t.Errorf("reputation is a %s", ty)
				}
			case "in":
				ins = append(ins, b)
			}
		}
		return false
	})
	if len(ins) != 4 {
		t.Fatalf("%d in operators, want 4", len(ins))
	}
	for i, want := range []struct {
		typ  check.Type
		list any
		ok   bool
	}{
		{listOf(check.String), []string{"a", "b"}, true},
		{listOf(check.Float), []float64{1, 2.5}, true},
		{listOf(check.Int), []int64{3, 4}, true},
		{ok: false}, // comments is no constant
	} {
		arr := ins[i].Right.(*ast.ArrayNode)
		ty, v, ok := typed.ConstList(arr)
		if ok != want.ok || ok && (ty != want.typ || !listEqual(v, want.list)) {
			t.Errorf("in %d: ConstList = %s %v %v, want %s %v %v", i, ty, v, ok, want.typ, want.list, want.ok)
		}
		if _, ok := typed.Type(arr); ok {
			t.Errorf("in %d: the list literal on the right of in has a type, but Compile compiles only its elements", i)
		}
	}
}

func listEqual(a, b any) bool {
	switch a := a.(type) {
	case []string:
		return slices.Equal(a, b.([]string))
	case []float64:
		return slices.Equal(a, b.([]float64))
	case []int64:
		return slices.Equal(a, b.([]int64))
	}
	return false
}

// TestCompileTypedCallScope checks that CompileTyped leaves calls to a
// CallScope it wraps, as Compile does.
func TestCompileTypedCallScope(t *testing.T) {
	f := newFixture(t)
	s := &aggScope{Refs: f.scope}
	tree, err := parser.Parse("count(opinion_leader) * 2 + abs(-1)")
	if err != nil {
		t.Fatal(err)
	}
	x, typed, err := CompileTyped(tree.Node, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Value(&Env{Aggs: []float64{3}}); got != int64(7) {
		t.Errorf("= %v, want 7", got)
	}
	if len(s.args) != 1 {
		t.Errorf("the scope compiled %d calls, want count's", len(s.args))
	}
	if v, ok := typed.Const(tree.Node.(*ast.BinaryNode).Right); !ok || v != int64(1) {
		t.Errorf("abs(-1) folded to %v, %v", v, ok)
	}
}
