package gen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

// This file turns a checked expression into one Go expression. eval
// compiles it first (eval.CompileTyped), as it does for the runtime, and
// decides what the generator then only writes: each node's type, which
// nodes fold to constants and to what bits, the constant lists `in`
// searches, and every compile error. So Go's exact constant arithmetic
// never sees two literals side by side, and no typing rule is repeated
// here. What remains is, per operator, the Go that eval's closure for it
// runs; the cases follow runtime/eval/compile.go and ops.go in the same
// order, so that a reviewer can hold them side by side.

// Go operator precedences, for parenthesizing: atoms bind tightest.
const (
	precOr    = 1
	precAnd   = 2
	precCmp   = 3
	precAdd   = 4
	precMul   = 5
	precUnary = 6
	precAtom  = 7
)

// expr is a compiled expression: Go source computing the runtime form of
// a Charter value. bool is bool; int and role are int64 (a role is its
// rank); time is int64 nanoseconds since the Unix epoch; duration is
// int64 nanoseconds; float is float64; string and member are string;
// lists are the Go slices listType names.
type expr struct {
	typ   check.Type
	konst bool
	code  string
	prec  int
}

// uses records what compiled code reads, so that the generated functions
// set up only what they need.
type uses struct {
	env    bool // reads e at all
	at     bool // reads the evaluation time
	role   bool
	goals  bool
	badges map[int]bool
}

func (u *uses) add(v *uses) {
	u.env = u.env || v.env
	u.at = u.at || v.at
	u.role = u.role || v.role
	u.goals = u.goals || v.goals
	for i := range v.badges {
		u.useBadge(i)
	}
}

func (u *uses) useBadge(i int) {
	if u.badges == nil {
		u.badges = map[int]bool{}
	}
	u.badges[i] = true
	u.env = true
}

// exprCompiler compiles the expressions of one context (a rung, a badge, a
// rule's condition for one action, a when condition).
type exprCompiler struct {
	g      *generator
	src    *syntax.Expr
	scope  *scope
	typed  *eval.Typed       // what eval decided about each node
	params map[string]string // parameter name -> Go local name
	uses   uses
}

// compileBool compiles a condition.
func (g *generator) compileBool(src *syntax.Expr, action *check.Action, params map[string]string) (*expr, *uses, error) {
	c := &exprCompiler{g: g, src: src, scope: &scope{c: g.c, action: action}, params: params}
	if err := check.Supported(src.Root, stdlib.Names()); err != nil {
		return nil, nil, c.evalError(src.Root, err)
	}
	_, typed, err := eval.CompileTyped(src.Root, c.scope)
	if err != nil {
		return nil, nil, c.evalError(src.Root, err)
	}
	c.typed = typed
	x, err := c.compile(src.Root)
	if err != nil {
		return nil, nil, err
	}
	if x.typ.Kind != check.Bool {
		return nil, nil, c.errorf(src.Root, "a condition must be a bool, not %s", x.typ)
	}
	return x, &c.uses, nil
}

func (c *exprCompiler) errorf(n ast.Node, format string, args ...any) error {
	return c.g.exprError(c.src, n, fmt.Sprintf(format, args...))
}

// unexpected is the error of a node eval compiled but the generator has no
// case for: eval and this file disagree.
func (c *exprCompiler) unexpected(n ast.Node) error {
	return c.errorf(n, "internal error: eval compiled this %s, the generator has no Go for it", strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."))
}

// typeOf is the type eval gave node n.
func (c *exprCompiler) typeOf(n ast.Node) check.Type {
	t, _ := c.typed.Type(n)
	return t
}

func (c *exprCompiler) compile(n ast.Node) (*expr, error) {
	if v, ok := c.typed.Const(n); ok {
		return c.g.constant(c.typeOf(n), v), nil
	}
	return c.node(n)
}

func (c *exprCompiler) node(n ast.Node) (*expr, error) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		ref, ok := c.scope.Lookup(n.Value)
		if !ok {
			return nil, c.unexpected(n)
		}
		return c.ref(n, n.Value, ref)
	case *ast.MemberNode:
		prop, isField := n.Property.(*ast.StringNode)
		if !isField {
			return c.index(n)
		}
		id, ok := n.Node.(*ast.IdentifierNode)
		if !ok {
			return nil, c.unexpected(n)
		}
		ref, ok := c.scope.LookupField(id.Value, prop.Value)
		if !ok {
			return nil, c.unexpected(n)
		}
		return c.ref(n, id.Value+"."+prop.Value, ref)
	case *ast.ChainNode:
		return c.compile(n.Node)
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.ConditionalNode:
		return c.conditional(n)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, c.unexpected(n)
		}
		return c.call(n, id.Value, n.Arguments)
	case *ast.BuiltinNode:
		return c.call(n, n.Name, n.Arguments)
	}
	// Literals, constants and list literals never get here: eval folds
	// them.
	return nil, c.unexpected(n)
}

func (c *exprCompiler) evalError(n ast.Node, err error) error {
	if ee, ok := err.(*eval.Error); ok && ee.Node != nil {
		n = ee.Node
	}
	if ue, ok := err.(*check.UnsupportedError); ok {
		n = ue.Node
	}
	return c.errorf(n, "%v", err)
}

// ref compiles a reference the scope resolved, as eval's ref and load do.
func (c *exprCompiler) ref(n ast.Node, name string, ref eval.Ref) (*expr, error) {
	t := ref.Type
	switch ref.Kind {
	case eval.RefAttr:
		c.uses.env = true
		a := c.g.c.Attrs[ref.Index]
		return load(t, "e.m."+c.g.names.attr[a.Name]), nil
	case eval.RefParam:
		local, ok := c.params[name]
		if !ok {
			return nil, c.errorf(n, "parameter %s is not visible here", name)
		}
		return load(t, local), nil
	case eval.RefRole:
		c.uses.env, c.uses.role = true, true
		return &expr{typ: t, code: "e.rank()", prec: precAtom}, nil
	case eval.RefBadge:
		c.uses.useBadge(ref.Index)
		return &expr{typ: t, code: "e." + c.g.names.badgeMethod[ref.Index] + "()", prec: precAtom}, nil
	case eval.RefGoal:
		c.uses.env, c.uses.goals = true, true
		field := [...]string{eval.GoalValueField: "Value", eval.GoalTargetField: "Target", eval.GoalMetField: "Met", eval.GoalProgressField: "Progress"}[ref.Field]
		return &expr{typ: t, code: "e.goals." + c.g.names.goal[ref.Index] + "." + field, prec: precAtom}, nil
	case eval.RefMembers:
		c.uses.env, c.uses.goals = true, true
		return &expr{typ: t, code: "e.goals.Members", prec: precAtom}, nil
	case eval.RefOther:
		return nil, c.errorf(n, "%s: another member's attributes are read only in effects, which are not generated", name)
	case eval.RefAgg:
		return nil, c.errorf(n, "%s: aggregates are read only in goal measures, which are not generated", name)
	}
	// Constants never get here: eval folds them.
	return nil, c.unexpected(n)
}

// load reads an attribute or argument held in its Go field type.
func load(t check.Type, code string) *expr {
	switch t.Kind {
	case check.Time:
		return &expr{typ: t, code: "nanos(" + code + ")", prec: precAtom}
	case check.Duration:
		return &expr{typ: t, code: "int64(" + code + ")", prec: precAtom}
	}
	return &expr{typ: t, code: code, prec: precAtom}
}

// op builds l op r at precedence p: Go operators of one precedence
// associate to the left.
func op(t check.Type, l string, lp int, o string, r string, rp int, p int) *expr {
	if lp < p {
		l = "(" + l + ")"
	}
	if rp <= p {
		r = "(" + r + ")"
	}
	return &expr{typ: t, code: l + " " + o + " " + r, prec: p}
}

func binop(t check.Type, l *expr, o string, r *expr, p int) *expr {
	return op(t, l.code, l.prec, o, r.code, r.prec, p)
}

// fview is the float evaluator of x: ints and roles widen.
func (c *exprCompiler) fview(x *expr) *expr {
	switch {
	case x.typ.Kind == check.Float:
		return x
	case x.konst:
		return c.g.constant(tFloat, float64(c.g.constValue(x).(int64)))
	}
	return &expr{typ: tFloat, code: "float64(" + unparen(x.code) + ")", prec: precAtom}
}

func call(t check.Type, fn string, args ...*expr) *expr {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = a.code
	}
	return &expr{typ: t, code: fn + "(" + strings.Join(s, ", ") + ")", prec: precAtom}
}

func (c *exprCompiler) unary(n *ast.UnaryNode) (*expr, error) {
	x, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	code := x.code
	if x.prec < precUnary {
		code = "(" + code + ")"
	}
	switch n.Operator {
	case "!", "not":
		return &expr{typ: tBool, code: "!" + code, prec: precUnary}, nil
	case "-":
		return &expr{typ: c.typeOf(n), code: "-" + code, prec: precUnary}, nil
	case "+":
		return x, nil
	}
	return nil, c.unexpected(n)
}

func (c *exprCompiler) binary(n *ast.BinaryNode) (*expr, error) {
	switch n.Operator {
	case "&&", "and", "||", "or":
		return c.logical(n)
	case "in":
		return c.in(n)
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
	switch n.Operator {
	case "==", "!=":
		return c.equality(n, n.Operator, l, r)
	case "<", ">", "<=", ">=":
		return c.ordering(n, l, r)
	case "+", "-", "*", "/", "%", "**", "^":
		return c.arith(n, l, r)
	case "contains", "startsWith", "endsWith":
		return c.stringOp(n, l, r)
	case "matches":
		return c.matches(l, r)
	}
	// A range lo..hi outside in has constant ends: eval folds it.
	return nil, c.unexpected(n)
}

func (c *exprCompiler) logical(n *ast.BinaryNode) (*expr, error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	if l.konst {
		// The left side decides alone (then eval folded the node), or hands
		// over to the right.
		return r, nil
	}
	if n.Operator == "&&" || n.Operator == "and" {
		return binop(tBool, l, "&&", r, precAnd), nil
	}
	return binop(tBool, l, "||", r, precOr), nil
}

func (c *exprCompiler) conditional(n *ast.ConditionalNode) (*expr, error) {
	cond, err := c.compile(n.Cond)
	if err != nil {
		return nil, err
	}
	a, err := c.compile(n.Exp1)
	if err != nil {
		return nil, err
	}
	b, err := c.compile(n.Exp2)
	if err != nil {
		return nil, err
	}
	t := c.typeOf(n)
	a, b = c.retype(a, t), c.retype(b, t)
	if cond.konst {
		if c.g.constValue(cond).(bool) {
			return a, nil
		}
		return b, nil
	}
	// Only the chosen branch runs, as in eval.
	code := fmt.Sprintf("func() %s {\nif %s {\nreturn %s\n}\nreturn %s\n}()", goType(t), unparen(cond.code), unparen(a.code), unparen(b.code))
	return &expr{typ: t, code: code, prec: precAtom}, nil
}

// retype gives a branch of a ?: the type t eval gave the ?:: an int branch
// of a float ?: reads its float view, and the empty list literal [] the
// list type of the other branch.
func (c *exprCompiler) retype(x *expr, t check.Type) *expr {
	switch {
	case t.Kind == check.Float:
		return c.fview(x)
	case x.konst && x.typ != t && t.Kind == check.List && stdlib.ListLen(c.g.constValue(x)) == 0:
		return c.g.constant(t, eval.EmptyList(t.Elem))
	}
	return x
}

// coalesce compiles a ?? b, which is a: Charter values are never nil.
func (c *exprCompiler) coalesce(n *ast.BinaryNode) (*expr, error) {
	return c.compile(n.Left)
}

// index compiles list[i]: a negative i counts from the end; out of range
// reads the element type's zero value (eval also records an error that
// decisions do not read).
func (c *exprCompiler) index(n *ast.MemberNode) (*expr, error) {
	list, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	idx, err := c.compile(n.Property)
	if err != nil {
		return nil, err
	}
	elem := c.typeOf(n)
	c.g.need("elem")
	x := call(elem, "elem", list, idx)
	return load(elem, x.code), nil
}

func (c *exprCompiler) call(n ast.Node, name string, args []ast.Node) (*expr, error) {
	f, ok := stdlib.Lookup(name)
	if !ok {
		return nil, c.unexpected(n)
	}
	xs := make([]*expr, len(args))
	types := make([]check.Type, len(args))
	for i, a := range args {
		x, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		xs[i], types[i] = x, x.typ
	}
	sig, ok := f.Match(types)
	if !ok {
		return nil, c.unexpected(n)
	}
	x, ok := c.callExpr(name, sig, xs)
	if !ok {
		return nil, c.errorf(n, "%s has no Go form", sig.String(name))
	}
	return x, nil
}

// callExpr writes the call of a stdlib overload: arguments declared float
// read the argument's float view, which widens ints. It mirrors eval's
// callExpr, with the Go each stdlib implementation runs; TestStdlibCovered
// checks that every overload has one.
func (c *exprCompiler) callExpr(name string, sig *stdlib.Sig, xs []*expr) (*expr, bool) {
	t := sig.Result
	floats := func() []*expr {
		out := make([]*expr, len(xs))
		for i, x := range xs {
			out[i] = c.fview(x)
		}
		return out
	}
	at := func() *expr {
		c.uses.env, c.uses.at = true, true
		return &expr{typ: tTime, code: "e.at", prec: precAtom}
	}
	switch sig.Impl.(type) {
	case stdlib.NowFn:
		if name == "now" {
			x := at()
			return &expr{typ: t, code: x.code, prec: x.prec}, true
		}
	case stdlib.SinceFn:
		c.g.need("subTimes")
		switch name {
		case "since":
			return call(t, "subTimes", at(), xs[0]), true
		case "until":
			return call(t, "subTimes", xs[0], at()), true
		case "days_since", "hours_since":
			unit := int64(24 * time.Hour)
			if name == "hours_since" {
				unit = int64(time.Hour)
			}
			c.g.need("floorDiv")
			return call(t, "floorDiv", call(tDuration, "subTimes", at(), xs[0]), c.g.constant(tInt, unit)), true
		}
	case stdlib.IntFn:
		if name == "abs" {
			c.g.need("absInt")
			return call(t, "absInt", xs[0]), true
		}
	case stdlib.FloatFn:
		fn := map[string]string{"abs": "math.Abs", "floor": "math.Floor", "ceil": "math.Ceil", "round": "math.Round"}[name]
		if fn != "" {
			c.g.imports["math"] = true
			return call(t, fn, floats()[0]), true
		}
	case stdlib.StringFn:
		fn := map[string]string{"lower": "strings.ToLower", "upper": "strings.ToUpper", "trim": "strings.TrimSpace"}[name]
		if fn != "" {
			c.g.imports["strings"] = true
			return call(t, fn, xs[0]), true
		}
	case stdlib.StringLenFn:
		if name == "len" {
			c.g.imports["unicode/utf8"] = true
			return call(t, "int64", call(tInt, "utf8.RuneCountInString", xs[0])), true
		}
	case stdlib.ListLenFn:
		if name == "len" {
			return call(t, "int64", call(tInt, "len", xs[0])), true
		}
	case stdlib.StringPredFn:
		fn := map[string]string{"starts_with": "strings.HasPrefix", "ends_with": "strings.HasSuffix"}[name]
		if fn != "" {
			c.g.imports["strings"] = true
			return call(t, fn, xs[0], xs[1]), true
		}
	case stdlib.String2Fn:
		if name == "trim" {
			c.g.imports["strings"] = true
			return call(t, "strings.Trim", xs[0], xs[1]), true
		}
	case stdlib.Int2Fn, stdlib.Float2Fn:
		fn := map[string]string{"least": "min", "greatest": "max"}[name]
		if fn == "" {
			break
		}
		args := xs
		if _, isFloat := sig.Impl.(stdlib.Float2Fn); isFloat {
			args = floats()
		}
		// Folded from the left, as eval folds the variadic arguments.
		r := args[0]
		for _, a := range args[1:] {
			r = call(t, fn, r, a)
		}
		return r, true
	case stdlib.Int3Fn:
		if name == "clamp" {
			c.g.need("clampInt")
			return call(t, "clampInt", xs...), true
		}
	case stdlib.Float3Fn:
		if name == "clamp" {
			c.g.need("clampFloat")
			return call(t, "clampFloat", floats()...), true
		}
	case stdlib.Int3PredFn:
		if name == "between" {
			c.g.need("betweenInt")
			return call(t, "betweenInt", xs...), true
		}
	case stdlib.Float3PredFn:
		if name == "between" {
			c.g.need("betweenFloat")
			return call(t, "betweenFloat", floats()...), true
		}
	}
	return nil, false
}

// equality compiles == and !=, as eval's equality.
func (c *exprCompiler) equality(n ast.Node, o string, l, r *expr) (*expr, error) {
	lt, rt := l.typ, r.typ
	switch {
	case eval.IsInteger(lt) && eval.IsInteger(rt):
		return binop(tBool, l, o, r, precCmp), nil
	case eval.IsNumber(lt) && eval.IsNumber(rt):
		return binop(tBool, c.fview(l), o, c.fview(r), precCmp), nil
	case lt.Kind == check.Bool && rt.Kind == check.Bool:
		return binop(tBool, l, o, r, precCmp), nil
	case lt == rt && (lt.Kind == check.String || lt.Kind == check.Member):
		return binop(tBool, l, o, r, precCmp), nil
	case lt == rt && (lt.Kind == check.Time || lt.Kind == check.Duration):
		return binop(tBool, l, o, r, precCmp), nil
	}
	return nil, c.unexpected(n)
}

// ordering compiles < <= > >=: numbers, strings (byte-wise), times and
// durations.
func (c *exprCompiler) ordering(n *ast.BinaryNode, l, r *expr) (*expr, error) {
	lt, rt := l.typ, r.typ
	switch {
	case eval.IsInteger(lt) && eval.IsInteger(rt):
		return binop(tBool, l, n.Operator, r, precCmp), nil
	case eval.IsNumber(lt) && eval.IsNumber(rt):
		return binop(tBool, c.fview(l), n.Operator, c.fview(r), precCmp), nil
	case lt.Kind == check.String && rt.Kind == check.String:
		return binop(tBool, l, n.Operator, r, precCmp), nil
	case lt == rt && (lt.Kind == check.Time || lt.Kind == check.Duration):
		return binop(tBool, l, n.Operator, r, precCmp), nil
	}
	return nil, c.unexpected(n)
}

// arith compiles the arithmetic operators with eval's typing: int op int
// is an int, wrapping on overflow as in Go, except / and ** (floats); a
// float operand makes a float. A float product is converted explicitly so
// that no compiler fuses it with an addition (a fused multiply-add rounds
// once, eval's closures twice).
func (c *exprCompiler) arith(n *ast.BinaryNode, l, r *expr) (*expr, error) {
	o, lt, rt := n.Operator, l.typ, r.typ
	switch {
	case o == "/" && eval.IsNumber(lt) && eval.IsNumber(rt):
		// A divisor of 0 gives the IEEE result, as in eval (which also
		// records an error that decisions do not read); eval rejects a
		// constant 0.
		return binop(tFloat, c.fview(l), "/", c.fview(r), precMul), nil
	case (o == "**" || o == "^") && eval.IsNumber(lt) && eval.IsNumber(rt):
		c.g.imports["math"] = true
		return call(tFloat, "math.Pow", c.fview(l), c.fview(r)), nil
	case o == "%" && eval.IsInteger(lt) && eval.IsInteger(rt):
		if r.konst {
			return binop(tInt, l, "%", r, precMul), nil // eval rejects a constant 0
		}
		c.g.need("mod")
		return call(tInt, "mod", l, r), nil
	case eval.IsInteger(lt) && eval.IsInteger(rt):
		switch o {
		case "+", "-":
			return binop(tInt, l, o, r, precAdd), nil
		case "*":
			return binop(tInt, l, o, r, precMul), nil
		}
	case eval.IsNumber(lt) && eval.IsNumber(rt):
		lf, rf := c.fview(l), c.fview(r)
		switch o {
		case "+", "-":
			return binop(tFloat, lf, o, rf, precAdd), nil
		case "*":
			p := binop(tFloat, lf, o, rf, precMul)
			return &expr{typ: tFloat, code: "float64(" + p.code + ")", prec: precAtom}, nil
		}
	case o == "+" && lt.Kind == check.String && rt.Kind == check.String:
		return binop(tString, l, "+", r, precAdd), nil
	}
	neg := func(x *expr) *expr {
		if x.prec < precUnary {
			return &expr{typ: x.typ, code: "-(" + x.code + ")", prec: precUnary}
		}
		return &expr{typ: x.typ, code: "-" + x.code, prec: precUnary}
	}
	switch {
	case o == "+" && lt.Kind == check.Time && rt.Kind == check.Duration:
		c.g.need("addDuration")
		return call(tTime, "addDuration", l, r), nil
	case o == "+" && lt.Kind == check.Duration && rt.Kind == check.Time:
		c.g.need("addDuration")
		return call(tTime, "addDuration", r, l), nil
	case o == "-" && lt.Kind == check.Time && rt.Kind == check.Duration:
		c.g.need("addDuration")
		return call(tTime, "addDuration", l, neg(r)), nil
	case o == "-" && lt.Kind == check.Time && rt.Kind == check.Time:
		c.g.need("subTimes")
		return call(tDuration, "subTimes", l, r), nil
	case (o == "+" || o == "-") && lt.Kind == check.Duration && rt.Kind == check.Duration:
		return binop(tDuration, l, o, r, precAdd), nil
	case o == "*" && (lt.Kind == check.Duration && eval.IsInteger(rt) || eval.IsInteger(lt) && rt.Kind == check.Duration):
		return binop(tDuration, l, o, r, precMul), nil
	}
	return nil, c.unexpected(n)
}

func (c *exprCompiler) stringOp(n *ast.BinaryNode, l, r *expr) (*expr, error) {
	fn := map[string]string{"contains": "strings.Contains", "startsWith": "strings.HasPrefix", "endsWith": "strings.HasSuffix"}[n.Operator]
	c.g.imports["strings"] = true
	return call(tBool, fn, l, r), nil
}

// matches compiles the regular expression once, into a package variable;
// eval has checked that its pattern is a constant that compiles.
func (c *exprCompiler) matches(l, r *expr) (*expr, error) {
	re := c.g.regexp(c.g.constValue(r).(string))
	return &expr{typ: tBool, code: re + ".MatchString(" + unparen(l.code) + ")", prec: precAtom}, nil
}

// in compiles `x in list`, `x in [a, b]` and `x in lo..hi`, as eval's in.
func (c *exprCompiler) in(n *ast.BinaryNode) (*expr, error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	switch r := n.Right.(type) {
	case *ast.ArrayNode:
		if t, v, ok := c.typed.ConstList(r); ok {
			return c.inList(n, l, c.g.constant(t, v))
		}
		var out *expr
		for _, e := range r.Nodes {
			x, err := c.compile(e)
			if err != nil {
				return nil, err
			}
			eq, err := c.equality(e, "==", l, x)
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = eq
			} else {
				out = binop(tBool, out, "||", eq, precOr)
			}
		}
		return out, nil
	case *ast.BinaryNode:
		if r.Operator == ".." {
			lo, err := c.compile(r.Left)
			if err != nil {
				return nil, err
			}
			hi, err := c.compile(r.Right)
			if err != nil {
				return nil, err
			}
			if l.typ.Kind == check.Float {
				c.g.need("inRangeFloat")
				return call(tBool, "inRangeFloat", l, lo, hi), nil
			}
			c.g.need("betweenInt")
			return call(tBool, "betweenInt", l, lo, hi), nil
		}
	}
	list, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	return c.inList(n, l, list)
}

func (c *exprCompiler) inList(n *ast.BinaryNode, x, list *expr) (*expr, error) {
	elem := list.typ.Elem
	switch {
	case elem == check.Time && x.typ.Kind == check.Time:
		c.g.need("containsTime")
		return call(tBool, "containsTime", list, x), nil
	case elem == check.Duration && x.typ.Kind == check.Duration:
		c.g.need("contains")
		return call(tBool, "contains", list, &expr{typ: x.typ, code: "time.Duration(" + unparen(x.code) + ")", prec: precAtom}), nil
	case eval.IsInteger(x.typ) && elem == check.Int:
		c.g.need("contains")
		return call(tBool, "contains", list, x), nil
	case eval.IsNumber(x.typ) && elem == check.Float:
		c.g.need("contains")
		return call(tBool, "contains", list, c.fview(x)), nil
	case x.typ.Kind == check.Float && elem == check.Int:
		c.g.need("containsWidened")
		return call(tBool, "containsWidened", list, x), nil
	case x.typ.Kind == check.String && elem == check.String,
		x.typ.Kind == check.Bool && elem == check.Bool:
		c.g.need("contains")
		return call(tBool, "contains", list, x), nil
	}
	return nil, c.unexpected(n)
}

// constant returns the literal of a constant in eval's runtime form.
func (g *generator) constant(t check.Type, v any) *expr {
	x := &expr{typ: t, konst: true, prec: precAtom}
	switch v := v.(type) {
	case bool:
		x.code = strconv.FormatBool(v)
	case int64:
		x.code = strconv.FormatInt(v, 10)
		if v < 0 {
			x.prec = precUnary
		}
	case float64:
		x.code, x.prec = g.floatLit(v)
	case string:
		x.code = strconv.Quote(v)
	default:
		x.code = g.listVar(t, v)
	}
	g.values[x] = v
	return x
}

// constValue returns the value of a constant expression.
func (g *generator) constValue(x *expr) any { return g.values[x] }

// floatLit writes a float64 so that Go reads back the same bits.
func (g *generator) floatLit(v float64) (string, int) {
	switch {
	case math.IsInf(v, 1):
		g.imports["math"] = true
		return "math.Inf(1)", precAtom
	case math.IsInf(v, -1):
		g.imports["math"] = true
		return "math.Inf(-1)", precAtom
	case math.IsNaN(v):
		g.imports["math"] = true
		return "math.NaN()", precAtom
	case v == 0 && math.Signbit(v):
		g.imports["math"] = true
		return "math.Copysign(0, -1)", precAtom
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	if v < 0 {
		return s, precUnary
	}
	return s, precAtom
}

// listVar returns the package variable holding a constant list, declaring
// it on first use, so that evaluation never builds a list.
func (g *generator) listVar(t check.Type, v any) string {
	var elems []string
	add := func(s string) { elems = append(elems, s) }
	switch xs := v.(type) {
	case []int64:
		for _, x := range xs {
			switch t.Elem {
			case check.Time:
				add(fmt.Sprintf("time.Unix(0, %d).UTC()", x))
			case check.Duration:
				add(fmt.Sprintf("time.Duration(%d)", x))
			default:
				add(strconv.FormatInt(x, 10))
			}
		}
	case []float64:
		for _, x := range xs {
			s, _ := g.floatLit(x)
			add(s)
		}
	case []string:
		for _, x := range xs {
			add(strconv.Quote(x))
		}
	case []bool:
		for _, x := range xs {
			add(strconv.FormatBool(x))
		}
	}
	lit := goType(t) + "{" + strings.Join(elems, ", ") + "}"
	if name, ok := g.lists[lit]; ok {
		return name
	}
	name := fmt.Sprintf("list%d", len(g.lists))
	g.lists[lit] = name
	g.listOrder = append(g.listOrder, name+" = "+lit)
	return name
}

// regexp returns the package variable holding a compiled pattern.
func (g *generator) regexp(pattern string) string {
	if name, ok := g.regexps[pattern]; ok {
		return name
	}
	g.imports["regexp"] = true
	name := fmt.Sprintf("pattern%d", len(g.regexps))
	g.regexps[pattern] = name
	g.regexpOrder = append(g.regexpOrder, name+" = regexp.MustCompile("+strconv.Quote(pattern)+")")
	return name
}

// goType is the Go type of a value of type t in generated expressions.
func goType(t check.Type) string {
	switch t.Kind {
	case check.Bool:
		return "bool"
	case check.Int, check.Role, check.Time, check.Duration:
		return "int64"
	case check.Float:
		return "float64"
	case check.String, check.Member:
		return "string"
	case check.List:
		return "[]" + fieldType(check.Type{Kind: t.Elem})
	}
	return "invalid"
}

// fieldType is the Go type of an attribute or argument of type t.
func fieldType(t check.Type) string {
	switch t.Kind {
	case check.Time:
		return "time.Time"
	case check.Duration:
		return "time.Duration"
	case check.Member:
		return "*Member"
	case check.List:
		return "[]" + fieldType(check.Type{Kind: t.Elem})
	}
	return goType(t)
}

// unparen removes the parentheses around a whole expression.
func unparen(s string) string {
	for strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		depth := 0
		whole := true
		for i, r := range s {
			switch r {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 && i != len(s)-1 {
					whole = false
				}
			}
			if !whole {
				break
			}
		}
		if !whole || strings.ContainsAny(s, "\"`'") {
			return s
		}
		s = s[1 : len(s)-1]
	}
	return s
}

var (
	tInt      = check.Type{Kind: check.Int}
	tFloat    = check.Type{Kind: check.Float}
	tBool     = check.Type{Kind: check.Bool}
	tString   = check.Type{Kind: check.String}
	tTime     = check.Type{Kind: check.Time}
	tDuration = check.Type{Kind: check.Duration}
)
