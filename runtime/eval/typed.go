package eval

import (
	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
)

// Typed is what Compile decided about each node of one expression: its
// type, whether it folded to a constant and to which value, and the
// lowered form (Lowered) of each operator and call. charter gen
// (runtime/gen) writes Go from it, so that the types, the folding, the
// compile errors and the operator forms of an expression are decided
// once, here, for the runtime's closures and the generated code alike.
type Typed struct {
	nodes   map[ast.Node]*Expr
	lowered map[ast.Node]Lowered
}

// CompileTyped is Compile, also returning what it decided about each node
// it compiled.
func CompileTyped(node ast.Node, scope Scope) (*Expr, *Typed, error) {
	if scope == nil {
		scope = Refs(nil)
	}
	s := &typedScope{Scope: scope, nodes: map[ast.Node]*Expr{}, lowered: map[ast.Node]Lowered{}}
	x, err := Compile(node, s)
	if err != nil {
		return nil, nil, err
	}
	return x, &Typed{nodes: s.nodes, lowered: s.lowered}, nil
}

// typedScope is the scope CompileTyped compiles through: the compiler
// records each node it compiles, and the lowered form of each operator
// and call, in it.
type typedScope struct {
	Scope
	nodes   map[ast.Node]*Expr
	lowered map[ast.Node]Lowered
}

// Call passes calls to the wrapped scope when it is a CallScope, and
// otherwise leaves them to the stdlib, as Compile does.
func (s *typedScope) Call(name string, args []ast.Node) (Ref, bool, error) {
	if cs, ok := s.Scope.(CallScope); ok {
		return cs.Call(name, args)
	}
	return Ref{}, false, nil
}

// Type returns the type Compile gave node n; false when Compile did not
// compile n (the range of `x in lo..hi` and a list literal on the right
// of in are compiled through their parts).
func (t *Typed) Type(n ast.Node) (check.Type, bool) {
	x, ok := t.nodes[n]
	if !ok {
		return check.Type{}, false
	}
	return x.typ, true
}

// Lowering returns the lowered form Compile chose for operator or call
// node n, the form its closure computes; false when n is not an operator
// or a stdlib call, or Compile gave its value without one (`x in []` is
// false; a call a CallScope resolved is a reference).
func (t *Typed) Lowering(n ast.Node) (Lowered, bool) {
	low, ok := t.lowered[n]
	return low, ok
}

// Const returns the value node n folded to, in its runtime form (bool,
// int64, float64, string or a typed slice); false when n is not constant.
func (t *Typed) Const(n ast.Node) (any, bool) {
	x, ok := t.nodes[n]
	if !ok || !x.konst {
		return nil, false
	}
	return constValue(x), true
}

// ConstList returns the type and runtime form of list literal n as `x in
// [...]` searches it when every element is constant: ints and floats
// mixed make a float list, roles an int list. false when an element is
// not constant, or the elements have no one list type; then `in` compares
// with each element in turn.
func (t *Typed) ConstList(n *ast.ArrayNode) (check.Type, any, bool) {
	xs := make([]*Expr, len(n.Nodes))
	for i, e := range n.Nodes {
		x, ok := t.nodes[e]
		if !ok || !x.konst {
			return check.Type{}, nil, false
		}
		xs[i] = x
	}
	return constList(xs)
}

// constValue is the value of constant x in its runtime form.
func constValue(x *Expr) any {
	switch rep(x.typ) {
	case repBool:
		return x.b(nil)
	case repInt:
		return x.i(nil)
	case repFloat:
		return x.f(nil)
	case repString:
		return x.s(nil)
	}
	return x.l(nil)
}
