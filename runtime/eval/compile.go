package eval

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

// maxRange bounds the length of a constant range list such as 1..10, so a
// typo like 1..1e9 cannot exhaust memory; `x in lo..hi` never builds one.
const maxRange = 1 << 16

// Compile compiles the expression at node, which expr-lang's checker has
// usually checked (then the types Compile infers must agree with the
// checker's, or Compile reports the mismatch). Names resolve through
// scope; an identifier $7d the scope does not know is the duration literal
// 7d. Subtrees without references are folded to constants.
//
// The error, when there is one, is an *Error naming the node at fault.
func Compile(node ast.Node, scope Scope) (*Expr, error) {
	return compileWith(&compiler{}, node, scope)
}

// compileWith is Compile by c, a compiler with its options set (planning,
// checked), which it gives scope.
func compileWith(c *compiler, node ast.Node, scope Scope) (*Expr, error) {
	if node == nil {
		return nil, &Error{Msg: "no expression"}
	}
	if scope == nil {
		scope = Refs(nil)
	}
	c.scope = scope
	c.calls, _ = scope.(CallScope)
	x, err := c.compile(node)
	if err != nil {
		return nil, err
	}
	return x, nil
}

// CompileRung is Compile for a condition of the role ladder: it also
// records, on the expressions that have one, the form Derived.Plan walks
// as data. Other conditions need not pay for it (BenchmarkCompile1000).
func CompileRung(node ast.Node, scope Scope) (*Expr, error) {
	return compileWith(&compiler{planning: true}, node, scope)
}

type compiler struct {
	scope Scope
	calls CallScope
	// checked is set by CompileEffect: values past a limit record errors.
	checked bool
	// planning is set by CompileRung: record what Derived.Plan reads.
	planning bool
}

// compile compiles node n. The checker has refused what Charter does not
// support (check.Supported); asking check.Unsupported of each node again
// keeps an unchecked expression from reaching a case that assumes it.
func (c *compiler) compile(n ast.Node) (*Expr, *Error) {
	if msg := check.Unsupported(n); msg != "" {
		return nil, errorf(n, "%s", msg)
	}
	x, err := c.node(n)
	if err != nil {
		return nil, err
	}
	if err := agree(n, x.typ); err != nil {
		return nil, err
	}
	if ts, ok := c.scope.(*typedScope); ok {
		ts.nodes[n] = x
	}
	return x, nil
}

func (c *compiler) node(n ast.Node) (*Expr, *Error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return constant(tInt, int64(n.Value)), nil
	case *ast.FloatNode:
		return constant(tFloat, n.Value), nil
	case *ast.BoolNode:
		return constant(tBool, n.Value), nil
	case *ast.StringNode:
		return constant(tString, n.Value), nil
	case *ast.ConstantNode:
		t, v, ok := constantValue(n.Value)
		if !ok {
			return nil, errorf(n, "a constant of type %T is not supported", n.Value)
		}
		return constant(t, v), nil
	case *ast.IdentifierNode:
		ref, ok := c.scope.Lookup(n.Value)
		if !ok {
			if lit, isDollar := strings.CutPrefix(n.Value, "$"); isDollar {
				if d, ok := parseLiteral(lit); ok {
					return constant(tDuration, d), nil
				}
			}
			return nil, errorf(n, "unknown name %s", n.Value)
		}
		return c.ref(n, n.Value, ref)
	case *ast.MemberNode:
		prop, isField := n.Property.(*ast.StringNode)
		if !isField {
			return c.index(n)
		}
		obj, field := n.Node.(*ast.IdentifierNode).Value, prop.Value
		ref, ok := c.scope.LookupField(obj, field)
		if !ok {
			return nil, errorf(n, "unknown field %s.%s", obj, field)
		}
		return c.ref(n, obj+"."+field, ref)
	case *ast.ChainNode:
		return c.compile(n.Node)
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.ConditionalNode:
		return c.conditional(n)
	case *ast.CallNode:
		return c.call(n, n.Callee.(*ast.IdentifierNode).Value, n.Arguments)
	case *ast.BuiltinNode:
		return c.call(n, n.Name, n.Arguments)
	case *ast.ArrayNode:
		return c.array(n)
	}
	return nil, errorf(n, "%s is not supported", describe(n))
}

// ref compiles a reference the scope resolved.
func (c *compiler) ref(n ast.Node, name string, ref Ref) (*Expr, *Error) {
	bad := func(why string) (*Expr, *Error) {
		return nil, errorf(n, "%s: the scope's reference is invalid: %s", name, why)
	}
	t := ref.Type
	if rep(t) == repInvalid {
		return bad("type " + t.String())
	}
	if ref.Index < 0 || ref.Param < 0 {
		return bad("negative index")
	}
	switch ref.Kind {
	case RefAttr, RefParam, RefOther:
		if t.Kind == check.List {
			if _, ok := arrayOf(t); !ok {
				return bad("type " + t.String())
			}
		}
		return load(ref), nil
	case RefConst:
		v, err := convert(name, t, ref.Const)
		if err != nil {
			return bad(err.Error())
		}
		return constant(t, v), nil
	case RefRole:
		if !IsInteger(t) {
			return bad("a role is of type role, not " + t.String())
		}
		x := intExpr(t, func(e *Env) int64 { return e.Role() })
		x.ref = &ref
		return x, nil
	case RefBadge:
		if t.Kind != check.Bool {
			return bad("a badge is a bool, not " + t.String())
		}
		i := ref.Index
		return boolExpr(func(e *Env) bool { return e.Badge(i) }), nil
	case RefGoal:
		i := ref.Index
		switch ref.Field {
		case GoalValueField, GoalTargetField, GoalProgressField:
			if t.Kind != check.Float {
				return bad("goal fields value, target and progress are floats")
			}
		case GoalMetField:
			if t.Kind != check.Bool {
				return bad("goal field met is a bool")
			}
			return boolExpr(func(e *Env) bool { return e.Goals[i].Met }), nil
		default:
			return bad("no goal field")
		}
		switch ref.Field {
		case GoalValueField:
			return floatExpr(func(e *Env) float64 { return e.Goals[i].Value }), nil
		case GoalTargetField:
			return floatExpr(func(e *Env) float64 { return e.Goals[i].Target }), nil
		}
		return floatExpr(func(e *Env) float64 { return e.Goals[i].Progress }), nil
	case RefMe:
		if t.Kind != check.Member {
			return bad("me is a member, not " + t.String())
		}
		return stringExpr(t, func(e *Env) string { return e.Me }), nil
	case RefOtherRole:
		if t.Kind != check.Role {
			return bad("a role is of type role, not " + t.String())
		}
		p := ref.Param
		return intExpr(t, func(e *Env) int64 { return e.OtherRole(p) }), nil
	case RefTaken:
		d, ok := ref.Const.(time.Duration)
		if t.Kind != check.Int || !ok || d <= 0 {
			return bad("taken is an int over a positive duration")
		}
		a, per := ref.Index, int64(d)
		return intExpr(t, func(e *Env) int64 {
			if e.M.H == nil {
				return 0
			}
			return e.M.H.Taken(a, e.At, per)
		}), nil
	case RefGiven, RefOtherGiven:
		if t.Kind != check.Bool || ref.Field < 0 || ref.Field > 63 {
			return bad("has is a bool, at a bit of a word")
		}
		w, bit, p := ref.Index, uint64(1)<<ref.Field, ref.Param
		if ref.Kind == RefGiven {
			return boolExpr(func(e *Env) bool { return uint64(e.M.I[w])&bit != 0 }), nil
		}
		return boolExpr(func(e *Env) bool { return uint64(e.Others[p].I[w])&bit != 0 }), nil
	case RefMembers:
		if t.Kind != check.Int {
			return bad("members is an int")
		}
		return intExpr(t, func(e *Env) int64 { return e.Members }), nil
	case RefAgg:
		i := ref.Index
		switch t.Kind {
		case check.Float:
			return floatExpr(func(e *Env) float64 { return e.Aggs[i] }), nil
		case check.Int: // the caller stores a whole number, such as a count
			return intExpr(t, func(e *Env) int64 { return int64(e.Aggs[i]) }), nil
		}
		return bad("an aggregate is an int or a float")
	}
	return bad("unknown kind")
}

// load reads a slot of the member, of the arguments, or of another member.
func load(ref Ref) *Expr {
	t, i, p := ref.Type, ref.Index, ref.Param
	var x *Expr
	switch ref.Kind {
	case RefAttr:
		switch rep(t) {
		case repBool:
			x = boolExpr(func(e *Env) bool { return e.M.I[i] != 0 })
		case repInt:
			x = intExpr(t, func(e *Env) int64 { return e.M.I[i] })
			if IsInteger(t) {
				x.f = func(e *Env) float64 { return float64(e.M.I[i]) }
			}
		case repFloat:
			x = floatExpr(func(e *Env) float64 { return e.M.F[i] })
		case repString:
			x = stringExpr(t, func(e *Env) string { return e.M.S[i] })
		default:
			x = listExpr(t, func(e *Env) any { return e.M.L[i] })
		}
	case RefParam:
		switch rep(t) {
		case repBool:
			x = boolExpr(func(e *Env) bool { return e.Args.I[i] != 0 })
		case repInt:
			x = intExpr(t, func(e *Env) int64 { return e.Args.I[i] })
			if IsInteger(t) {
				x.f = func(e *Env) float64 { return float64(e.Args.I[i]) }
			}
		case repFloat:
			x = floatExpr(func(e *Env) float64 { return e.Args.F[i] })
		case repString:
			x = stringExpr(t, func(e *Env) string { return e.Args.S[i] })
		default:
			x = listExpr(t, func(e *Env) any { return e.Args.L[i] })
		}
	default: // RefOther
		switch rep(t) {
		case repBool:
			x = boolExpr(func(e *Env) bool { return e.Others[p].I[i] != 0 })
		case repInt:
			x = intExpr(t, func(e *Env) int64 { return e.Others[p].I[i] })
			if IsInteger(t) {
				x.f = func(e *Env) float64 { return float64(e.Others[p].I[i]) }
			}
		case repFloat:
			x = floatExpr(func(e *Env) float64 { return e.Others[p].F[i] })
		case repString:
			x = stringExpr(t, func(e *Env) string { return e.Others[p].S[i] })
		default:
			x = listExpr(t, func(e *Env) any { return e.Others[p].L[i] })
		}
	}
	x.ref = &ref
	return x
}

func (c *compiler) unary(n *ast.UnaryNode) (*Expr, *Error) {
	x, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	low, msg := LowerUnary(n.Operator, x.typ)
	if low.Op == OpNone {
		return nil, errorf(n, "%s", msg)
	}
	c.record(n, low)
	var out *Expr
	switch low.Op {
	case OpNot:
		xb := x.b
		out = boolExpr(func(e *Env) bool { return !xb(e) })
		if x.ref != nil { // a bool slot: read it without calling its closure
			i := x.ref.Index
			switch x.ref.Kind {
			case RefAttr:
				out = boolExpr(func(e *Env) bool { return e.M.I[i] == 0 })
			case RefParam:
				out = boolExpr(func(e *Env) bool { return e.Args.I[i] == 0 })
			}
		}
	case OpNegInt:
		if c.checked {
			out = intExpr(tInt, checkedNeg(n, x.i))
			break
		}
		xi := x.i
		out = intExpr(tInt, func(e *Env) int64 { return -xi(e) })
	case OpNegFloat:
		xf := x.f
		out = floatExpr(func(e *Env) float64 { return -xf(e) })
	default: // OpIdentity
		return x, nil
	}
	if x.konst {
		if c.checked {
			return foldChecked(out), nil
		}
		out = fold(out)
	}
	return out, nil
}

func (c *compiler) binary(n *ast.BinaryNode) (*Expr, *Error) {
	switch n.Operator {
	case "&&", "and", "||", "or":
		return c.logical(n)
	case "in":
		return c.in(n)
	case "..":
		return c.rangeList(n)
	case "??":
		return c.coalesce(n)
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	low, msg := LowerBinary(n.Operator, l.typ, r.typ)
	if low.Op == OpNone {
		return nil, errorf(n, "%s", msg)
	}
	c.record(n, low)
	var x *Expr
	var ok bool
	if c.checked {
		x, ok = checkedArith(n, low, l, r)
	}
	if !ok {
		x, err = lower(n, low, l, r)
	}
	if err != nil {
		return nil, err
	}
	if l.konst && r.konst && !x.konst {
		if c.checked {
			return foldChecked(x), nil
		}
		x = fold(x)
	}
	if c.planning && !x.konst {
		planBinary(x, low, n.Operator, l, r)
	}
	return x, nil
}

func (c *compiler) logical(n *ast.BinaryNode) (*Expr, *Error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	low, msg := LowerBinary(n.Operator, l.typ, r.typ)
	if low.Op == OpNone {
		return nil, errorf(n, "%s", msg)
	}
	c.record(n, low)
	if l.konst {
		// The left side decides alone, or hands over to the right.
		if lv := l.b(nil); lv != (low.Op == OpAnd) {
			return constant(tBool, lv), nil
		}
		return r, nil
	}
	x := andOr(low, l, r)
	if c.planning && low.Op == OpAnd {
		planAnd(x, l, r)
	}
	return x, nil
}

// andOr builds the closure of OpAnd or OpOr.
func andOr(low Lowered, l, r *Expr) *Expr {
	lb, rb := l.b, r.b
	if low.Op == OpAnd {
		return boolExpr(func(e *Env) bool { return lb(e) && rb(e) })
	}
	return boolExpr(func(e *Env) bool { return lb(e) || rb(e) })
}

func (c *compiler) conditional(n *ast.ConditionalNode) (*Expr, *Error) {
	cond, err := c.compile(n.Cond)
	if err != nil {
		return nil, err
	}
	if cond.typ.Kind != check.Bool {
		return nil, errorf(n.Cond, "the condition of ?: must be a bool, not %s", cond.typ)
	}
	a, err := c.compile(n.Exp1)
	if err != nil {
		return nil, err
	}
	b, err := c.compile(n.Exp2)
	if err != nil {
		return nil, err
	}
	a, b = retypeEmpty(a, b), retypeEmpty(b, a)
	low, msg := LowerCond(a.typ, b.typ)
	if low.Op == OpNone {
		return nil, errorf(n, "%s", msg)
	}
	c.record(n, low)
	t := low.Result
	if cond.konst {
		x := b
		if cond.b(nil) {
			x = a
		}
		if t != x.typ { // an int branch of a float ?:
			xf := x.f
			w := floatExpr(xf)
			if x.konst {
				w = fold(w)
			}
			return w, nil
		}
		return x, nil
	}
	cb := cond.b
	switch rep(t) {
	case repBool:
		ab, bb := a.b, b.b
		return boolExpr(func(e *Env) bool {
			if cb(e) {
				return ab(e)
			}
			return bb(e)
		}), nil
	case repInt:
		ai, bi := a.i, b.i
		return intExpr(t, func(e *Env) int64 {
			if cb(e) {
				return ai(e)
			}
			return bi(e)
		}), nil
	case repFloat:
		af, bf := a.f, b.f
		return floatExpr(func(e *Env) float64 {
			if cb(e) {
				return af(e)
			}
			return bf(e)
		}), nil
	case repString:
		as, bs := a.s, b.s
		return stringExpr(t, func(e *Env) string {
			if cb(e) {
				return as(e)
			}
			return bs(e)
		}), nil
	}
	al, bl := a.l, b.l
	return listExpr(t, func(e *Env) any {
		if cb(e) {
			return al(e)
		}
		return bl(e)
	}), nil
}

// retypeEmpty gives the empty list literal [] the list type of the other
// branch of a ?:, as expr-lang's untyped [] fits any list.
func retypeEmpty(x, other *Expr) *Expr {
	if x.konst && x.typ.Kind == check.List && other.typ.Kind == check.List && stdlib.ListLen(x.l(nil)) == 0 {
		return constant(other.typ, EmptyList(other.typ.Elem))
	}
	return x
}

// coalesce compiles a ?? b, which is a: Charter values are never nil. b
// must still compile and fit, as expr-lang's checker would type it.
func (c *compiler) coalesce(n *ast.BinaryNode) (*Expr, *Error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	if _, ok := unify(l.typ, retypeEmpty(r, l).typ); !ok {
		return nil, errorf(n, "the sides of ?? have different types, %s and %s", l.typ, r.typ)
	}
	return l, nil
}

// index compiles list[i]; a negative i counts from the end, as in
// expr-lang. Out of range, it records an error in Env.Err and reads the
// element type's zero value.
func (c *compiler) index(n *ast.MemberNode) (*Expr, *Error) {
	list, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	if list.typ.Kind != check.List {
		return nil, errorf(n, "only lists can be indexed, not %s", list.typ)
	}
	idx, err := c.compile(n.Property)
	if err != nil {
		return nil, err
	}
	if !IsInteger(idx.typ) {
		return nil, errorf(n.Property, "a list index must be an int, not %s", idx.typ)
	}
	elem := check.Type{Kind: list.typ.Elem}
	oob := errorf(n, "list index out of range")
	ll, ix := list.l, idx.i
	var x *Expr
	switch rep(elem) {
	case repFloat:
		x = floatExpr(func(e *Env) float64 {
			xs, _ := ll(e).([]float64)
			if i, ok := position(ix(e), len(xs)); ok {
				return xs[i]
			}
			e.fail(oob)
			return 0
		})
	case repString:
		x = stringExpr(elem, func(e *Env) string {
			xs, _ := ll(e).([]string)
			if i, ok := position(ix(e), len(xs)); ok {
				return xs[i]
			}
			e.fail(oob)
			return ""
		})
	case repBool:
		x = boolExpr(func(e *Env) bool {
			xs, _ := ll(e).([]bool)
			if i, ok := position(ix(e), len(xs)); ok {
				return xs[i]
			}
			e.fail(oob)
			return false
		})
	default:
		x = intExpr(elem, func(e *Env) int64 {
			xs, _ := ll(e).([]int64)
			if i, ok := position(ix(e), len(xs)); ok {
				return xs[i]
			}
			e.fail(oob)
			return 0
		})
	}
	if list.konst && idx.konst {
		if _, ok := position(idx.i(nil), stdlib.ListLen(list.l(nil))); !ok {
			return nil, oob
		}
		x = fold(x)
	}
	return x, nil
}

// position turns index i of a list of length n into a slice index.
func position(i int64, n int) (int, bool) {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}

// unify is the type of a ?: whose branches have types a and b. Like
// expr-lang, it is the common type; an int and a float make a float.
func unify(a, b check.Type) (check.Type, bool) {
	switch {
	case a == b:
		return a, true
	case IsInteger(a) && IsInteger(b):
		return tInt, true
	case IsNumber(a) && IsNumber(b):
		return tFloat, true
	}
	return check.Type{}, false
}

func (c *compiler) call(n ast.Node, name string, args []ast.Node) (*Expr, *Error) {
	if c.calls != nil {
		ref, ok, err := c.calls.Call(name, args)
		if err != nil {
			var ce *Error
			if errors.As(err, &ce) {
				return nil, ce
			}
			return nil, errorf(n, "%v", err)
		}
		if ok {
			return c.ref(n, name, ref)
		}
	}
	f, ok := stdlib.Lookup(name)
	if !ok {
		return nil, errorf(n, "%s", check.UnknownFunction(name, funcNames()))
	}
	xs := make([]*Expr, len(args))
	types := make([]check.Type, len(args))
	konst := true
	for i, a := range args {
		x, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		xs[i], types[i] = x, x.typ
		konst = konst && x.konst
	}
	sig, ok := f.Match(types)
	if !ok {
		return nil, errorf(n, "%s cannot take %s; it takes %s", name, typeList(types), overloads(f))
	}
	c.record(n, lowerCall(sig, types))
	x := callExpr(sig, xs)
	if c.checked {
		x = checkedCall(n, sig, x)
		if konst && !sig.NeedsTime() {
			return foldChecked(x), nil
		}
	}
	if konst && !sig.NeedsTime() {
		x = fold(x)
	}
	return x, nil
}

// funcNames lists the stdlib functions in declaration order, the order in
// which the checker is given them, so that both suggest the same name.
var funcNames = sync.OnceValue(func() []string {
	names := make([]string, len(stdlib.Functions))
	for i, f := range stdlib.Functions {
		names[i] = f.Name
	}
	return names
})

// describe names a node kind for an error message.
func describe(n ast.Node) string {
	return strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."), "Node")
}

func typeList(ts []check.Type) string {
	if len(ts) == 0 {
		return "no arguments"
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func overloads(f *stdlib.Func) string {
	s := make([]string, len(f.Sigs))
	for i := range f.Sigs {
		s[i] = f.Sigs[i].String(f.Name)
	}
	return strings.Join(s, " or ")
}

// callExpr builds the closure of a call to a stdlib overload. Arguments
// declared float read the argument's float evaluator, which widens ints.
func callExpr(sig *stdlib.Sig, xs []*Expr) *Expr {
	t := sig.Result
	switch fn := sig.Impl.(type) {
	case stdlib.NowFn:
		return intExpr(t, func(e *Env) int64 { return fn(e.At) })
	case stdlib.SinceFn:
		if r := xs[0].ref; r != nil && r.Kind == RefAttr {
			i := r.Index
			return intExpr(t, func(e *Env) int64 { return fn(e.At, e.M.I[i]) })
		}
		a := xs[0].i
		return intExpr(t, func(e *Env) int64 { return fn(e.At, a(e)) })
	case stdlib.IntFn:
		a := xs[0].i
		return intExpr(t, func(e *Env) int64 { return fn(a(e)) })
	case stdlib.FloatFn:
		a := xs[0].f
		return floatExpr(func(e *Env) float64 { return fn(a(e)) })
	case stdlib.StringFn:
		a := xs[0].s
		return stringExpr(t, func(e *Env) string { return fn(a(e)) })
	case stdlib.StringLenFn:
		a := xs[0].s
		return intExpr(t, func(e *Env) int64 { return fn(a(e)) })
	case stdlib.ListLenFn:
		a := xs[0].l
		return intExpr(t, func(e *Env) int64 { return fn(a(e)) })
	case stdlib.StringPredFn:
		a, b := xs[0].s, xs[1].s
		return boolExpr(func(e *Env) bool { return fn(a(e), b(e)) })
	case stdlib.String2Fn:
		a, b := xs[0].s, xs[1].s
		return stringExpr(t, func(e *Env) string { return fn(a(e), b(e)) })
	case stdlib.Int2Fn:
		if len(xs) == 2 {
			a, b := xs[0].i, xs[1].i
			return intExpr(t, func(e *Env) int64 { return fn(a(e), b(e)) })
		}
		fs := make([]func(*Env) int64, len(xs))
		for i, x := range xs {
			fs[i] = x.i
		}
		return intExpr(t, func(e *Env) int64 {
			r := fs[0](e)
			for _, f := range fs[1:] {
				r = fn(r, f(e))
			}
			return r
		})
	case stdlib.Float2Fn:
		if len(xs) == 2 {
			a, b := xs[0].f, xs[1].f
			return floatExpr(func(e *Env) float64 { return fn(a(e), b(e)) })
		}
		fs := make([]func(*Env) float64, len(xs))
		for i, x := range xs {
			fs[i] = x.f
		}
		return floatExpr(func(e *Env) float64 {
			r := fs[0](e)
			for _, f := range fs[1:] {
				r = fn(r, f(e))
			}
			return r
		})
	case stdlib.Int3Fn:
		a, b, c := xs[0].i, xs[1].i, xs[2].i
		return intExpr(t, func(e *Env) int64 { return fn(a(e), b(e), c(e)) })
	case stdlib.Float3Fn:
		a, b, c := xs[0].f, xs[1].f, xs[2].f
		return floatExpr(func(e *Env) float64 { return fn(a(e), b(e), c(e)) })
	case stdlib.Int3PredFn:
		a, b, c := xs[0].i, xs[1].i, xs[2].i
		return boolExpr(func(e *Env) bool { return fn(a(e), b(e), c(e)) })
	case stdlib.Float3PredFn:
		a, b, c := xs[0].f, xs[1].f, xs[2].f
		return boolExpr(func(e *Env) bool { return fn(a(e), b(e), c(e)) })
	}
	panic("eval: stdlib overload with an unknown implementation type")
}

// array compiles a list literal outside `in`: its elements must be
// constants of one type.
func (c *compiler) array(n *ast.ArrayNode) (*Expr, *Error) {
	xs, err := c.elements(n)
	if err != nil {
		return nil, err
	}
	for i, x := range xs {
		if !x.konst {
			return nil, errorf(n.Nodes[i], "a list literal must hold constants (here it is only used whole)")
		}
	}
	t, v, ok := constList(xs)
	if !ok {
		return nil, errorf(n, "the elements of a list literal must have one type")
	}
	return constant(t, v), nil
}

func (c *compiler) elements(n *ast.ArrayNode) ([]*Expr, *Error) {
	xs := make([]*Expr, len(n.Nodes))
	for i, e := range n.Nodes {
		x, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		xs[i] = x
	}
	return xs, nil
}

// constList builds the runtime form of a list of constants: ints and
// floats mixed make a float list.
func constList(xs []*Expr) (check.Type, any, bool) {
	if len(xs) == 0 {
		return check.Type{Kind: check.List, Elem: check.Int}, []int64{}, true
	}
	elem := xs[0].typ
	for _, x := range xs[1:] {
		t, ok := unify(elem, x.typ)
		if !ok {
			return check.Type{}, nil, false
		}
		elem = t
	}
	if elem.Kind == check.Role {
		elem = tInt
	}
	lt := check.Type{Kind: check.List, Elem: elem.Kind}
	switch rep(elem) {
	case repInt:
		v := make([]int64, len(xs))
		for i, x := range xs {
			v[i] = x.i(nil)
		}
		return lt, v, true
	case repFloat:
		v := make([]float64, len(xs))
		for i, x := range xs {
			v[i] = x.f(nil)
		}
		return lt, v, true
	case repString:
		if elem.Kind != check.String {
			return check.Type{}, nil, false
		}
		v := make([]string, len(xs))
		for i, x := range xs {
			v[i] = x.s(nil)
		}
		return lt, v, true
	case repBool:
		v := make([]bool, len(xs))
		for i, x := range xs {
			v[i] = x.b(nil)
		}
		return lt, v, true
	}
	return check.Type{}, nil, false
}

// rangeList compiles lo..hi outside `in`: both ends must be constant.
func (c *compiler) rangeList(n *ast.BinaryNode) (*Expr, *Error) {
	lo, hi, err := c.rangeEnds(n)
	if err != nil {
		return nil, err
	}
	if !lo.konst || !hi.konst {
		return nil, errorf(n, "a range lo..hi must have constant ends, except on the right of in")
	}
	a, b := lo.i(nil), hi.i(nil)
	if b >= a && (b-a >= maxRange || b-a < 0) {
		return nil, errorf(n, "the range %d..%d has more than %d elements", a, b, maxRange)
	}
	v := []int64{}
	for k := int64(0); b >= a && k <= b-a; k++ { // counting, so hi = MaxInt64 cannot wrap
		v = append(v, a+k)
	}
	return constant(check.Type{Kind: check.List, Elem: check.Int}, v), nil
}

func (c *compiler) rangeEnds(n *ast.BinaryNode) (lo, hi *Expr, err *Error) {
	if lo, err = c.compile(n.Left); err != nil {
		return nil, nil, err
	}
	if hi, err = c.compile(n.Right); err != nil {
		return nil, nil, err
	}
	if !IsInteger(lo.typ) || !IsInteger(hi.typ) {
		return nil, nil, errorf(n, "the ends of a range must be ints, not %s and %s", lo.typ, hi.typ)
	}
	return lo, hi, nil
}

// constantValue converts the value of a ConstantNode (which only
// expr-lang's optimizer makes) to its runtime form.
func constantValue(v any) (check.Type, any, bool) {
	switch v := v.(type) {
	case int:
		return tInt, int64(v), true
	case int64:
		return tInt, v, true
	case float64:
		return tFloat, v, true
	case bool:
		return tBool, v, true
	case string:
		return tString, v, true
	case time.Duration:
		return tDuration, int64(v), true
	case time.Time:
		ns, ok := stdlib.Nanos(v)
		return tTime, ns, ok
	case []int:
		out := make([]int64, len(v))
		for i, x := range v {
			out[i] = int64(x)
		}
		return check.Type{Kind: check.List, Elem: check.Int}, out, true
	case []float64:
		return check.Type{Kind: check.List, Elem: check.Float}, v, true
	case []string:
		return check.Type{Kind: check.List, Elem: check.String}, v, true
	case []bool:
		return check.Type{Kind: check.List, Elem: check.Bool}, v, true
	}
	return check.Type{}, nil, false
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// agree checks the type Compile inferred for n against the type expr-lang's
// checker recorded, when it recorded one: a mismatch means the scope and
// the environment the expression was checked against disagree.
func agree(n ast.Node, t check.Type) *Error {
	rt := n.Type()
	if rt == nil || rt.Kind() == reflect.Interface || agrees(rt, t) {
		return nil
	}
	return errorf(n, "internal: the checker typed %s as %s but the evaluator as %s", n, rt, t)
}

func agrees(rt reflect.Type, t check.Type) bool {
	switch {
	case rt.Kind() == reflect.Interface:
		return true
	case rt == timeType:
		return t.Kind == check.Time
	case rt == durationType:
		return t.Kind == check.Duration
	}
	switch rt.Kind() {
	case reflect.Bool:
		return t.Kind == check.Bool
	case reflect.String:
		return t.Kind == check.String || t.Kind == check.Member
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return IsInteger(t)
	case reflect.Float32, reflect.Float64:
		return t.Kind == check.Float
	case reflect.Slice, reflect.Array:
		return t.Kind == check.List && agrees(rt.Elem(), check.Type{Kind: t.Elem})
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return t.Kind == check.Member
	}
	return false
}
