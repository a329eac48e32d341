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
// searches, every compile error, and the lowered form of each operator and
// call (eval.Lowered: int or float comparison, which arithmetic, which
// membership test, which stdlib overload). eval's closures are built by
// switching on the same form, so the two cannot disagree on which applies;
// what is here is the Go each form is written as.

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
	c := &exprCompiler{g: g, src: src, scope: &scope{c: g.c, action: action, set: g.opts.Settings}, params: params}
	if err := check.Supported(src.Root, append(stdlib.Names(), "taken", "has")); err != nil {
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
		if id.Value == "taken" {
			return c.taken(n)
		}
		if id.Value == "has" {
			return c.has(n)
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

// has reads the Given field of the attribute, as eval's RefGiven reads
// its bit.
func (c *exprCompiler) has(n *ast.CallNode) (*expr, error) {
	ref, _, err := c.scope.Call("has", n.Arguments)
	if err != nil {
		return nil, c.errorf(n, "%v", err)
	}
	name := "has"
	if m, ok := n.Arguments[0].(*ast.MemberNode); ok {
		name = m.Node.(*ast.IdentifierNode).Value + ".has"
	}
	return c.ref(n, name, ref)
}

// taken counts the member's kept takings in the window, as eval's
// RefTaken does; the history keeps Action.Counted of them (g.keep).
func (c *exprCompiler) taken(n *ast.CallNode) (*expr, error) {
	ref, err := eval.TakenRef(c.g.c, n.Arguments)
	if err != nil {
		return nil, c.errorf(n, "%v", err)
	}
	c.uses.env, c.uses.at = true, true
	code := fmt.Sprintf("int64(e.m.hist.count(Action%s, e.at, %d))", c.g.names.action[ref.Index], int64(ref.Const.(time.Duration)))
	return &expr{typ: ref.Type, code: code, prec: precAtom}, nil
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
	case eval.RefMe:
		// A member is a *Member in generated code, and its identity the
		// pointer: the receiver is the acting member.
		return &expr{typ: t, code: "m", prec: precAtom}, nil
	case eval.RefOther, eval.RefOtherRole:
		obj, _, _ := strings.Cut(name, ".")
		local, ok := c.params[obj]
		if !ok {
			return nil, c.errorf(n, "parameter %s is not visible here", obj)
		}
		if ref.Kind == eval.RefOtherRole {
			// The ladder on the other member's record, as eval's
			// Env.OtherRole: a rung reads attributes and the time only.
			c.uses.env = true
			if c.g.ladderUse.at {
				c.uses.at = true
			}
			return &expr{typ: t, code: "(&env{m: " + local + ", at: e.at}).ladder()", prec: precAtom}, nil
		}
		a := c.g.c.Attrs[ref.Index]
		return load(t, local+"."+c.g.names.attr[a.Name]), nil
	case eval.RefGiven, eval.RefOtherGiven:
		// The field the host sets with the value (SPEC §17.7).
		a := c.g.c.Attrs[ref.Index]
		if a.Required {
			// Every member gives it (SPEC §7.7): no field for the host
			// to forget to set.
			return &expr{typ: t, code: "true", prec: precAtom}, nil
		}
		c.g.given[ref.Index] = true
		field := c.g.names.attr[a.Name] + "Given"
		if ref.Kind == eval.RefGiven {
			c.uses.env = true
			return &expr{typ: t, code: "e.m." + field, prec: precAtom}, nil
		}
		obj, _, _ := strings.Cut(name, ".")
		local, ok := c.params[obj]
		if !ok {
			return nil, c.errorf(n, "parameter %s is not visible here", obj)
		}
		return &expr{typ: t, code: local + "." + field, prec: precAtom}, nil
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

// lowering is the form eval chose for operator or call node n.
func (c *exprCompiler) lowering(n ast.Node) (eval.Lowered, error) {
	low, ok := c.typed.Lowering(n)
	if !ok {
		return eval.Lowered{}, c.unexpected(n)
	}
	return low, nil
}

// view reads x as type t, the type eval's form reads the operand as: an
// int read as a float widens.
func (c *exprCompiler) view(x *expr, t check.Type) *expr {
	if t.Kind == check.Float {
		return c.fview(x)
	}
	return x
}

func (c *exprCompiler) unary(n *ast.UnaryNode) (*expr, error) {
	low, err := c.lowering(n)
	if err != nil {
		return nil, err
	}
	x, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	code := x.code
	if x.prec < precUnary {
		code = "(" + code + ")"
	}
	switch low.Op {
	case eval.OpNot:
		return &expr{typ: low.Result, code: "!" + code, prec: precUnary}, nil
	case eval.OpNegInt, eval.OpNegFloat:
		return &expr{typ: low.Result, code: "-" + code, prec: precUnary}, nil
	case eval.OpIdentity:
		return x, nil
	}
	return nil, c.unexpected(n)
}

func (c *exprCompiler) binary(n *ast.BinaryNode) (*expr, error) {
	switch n.Operator {
	case "in":
		return c.in(n)
	case "??":
		return c.coalesce(n)
	}
	low, err := c.lowering(n)
	if err != nil {
		return nil, err
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	return c.lower(n, n.Operator, low, l, r)
}

// goOps are the forms written as one Go operator on their operands, read
// as eval's form reads them, with the operator's precedence.
var goOps = map[eval.Op]struct {
	op   string
	prec int
}{
	eval.OpAnd: {"&&", precAnd}, eval.OpOr: {"||", precOr},
	eval.OpAddInt: {"+", precAdd}, eval.OpSubInt: {"-", precAdd}, eval.OpMulInt: {"*", precMul},
	eval.OpAddFloat: {"+", precAdd}, eval.OpSubFloat: {"-", precAdd},
	// A divisor of 0 gives the IEEE result, as in eval (which also records
	// an error that decisions do not read); eval rejects a constant 0.
	eval.OpDivFloat: {"/", precMul},
	eval.OpConcat:   {"+", precAdd},
}

// goFuncs are the forms written as a call of one function on their
// operands; a name without a dot is a helper of the prelude.
var goFuncs = map[eval.Op]string{
	eval.OpPowFloat:        "math.Pow",
	eval.OpContains:        "strings.Contains",
	eval.OpHasPrefix:       "strings.HasPrefix",
	eval.OpHasSuffix:       "strings.HasSuffix",
	eval.OpAddTimeDuration: "addDuration",
	eval.OpSubTimeDuration: "subDuration",
	eval.OpSubTimes:        "subTimes",
}

// lower writes binary operator o of node n in its lowered form low.
func (c *exprCompiler) lower(n ast.Node, o string, low eval.Lowered, l, r *expr) (*expr, error) {
	l, r = c.view(l, low.In[0]), c.view(r, low.In[1])
	t := low.Result
	if g, ok := goOps[low.Op]; ok {
		if (low.Op == eval.OpAnd || low.Op == eval.OpOr) && l.konst {
			// The left side decides alone (then eval folded the node), or
			// hands over to the right.
			return r, nil
		}
		return binop(t, l, g.op, r, g.prec), nil
	}
	if fn, ok := goFuncs[low.Op]; ok {
		c.use(fn)
		return call(t, fn, l, r), nil
	}
	switch low.Op {
	case eval.OpCmpInt, eval.OpCmpFloat, eval.OpCmpBool, eval.OpCmpString:
		return binop(t, l, o, r, precCmp), nil
	case eval.OpMulFloat:
		// Converted explicitly so that no compiler fuses the product with
		// an addition (a fused multiply-add rounds once, eval's closures
		// twice).
		p := binop(t, l, "*", r, precMul)
		return &expr{typ: t, code: "float64(" + p.code + ")", prec: precAtom}, nil
	case eval.OpModInt:
		if r.konst {
			return binop(t, l, "%", r, precMul), nil // eval rejects a constant 0
		}
		c.g.need("mod")
		return call(t, "mod", l, r), nil
	case eval.OpAddDurationTime:
		c.g.need("addDuration")
		return call(t, "addDuration", r, l), nil
	case eval.OpMatches:
		return c.matches(l, r)
	}
	return nil, c.unexpected(n)
}

// use notes what a call of fn needs: its package's import, or the
// prelude's helper.
func (c *exprCompiler) use(fn string) {
	if pkg, _, ok := strings.Cut(fn, "."); ok {
		c.g.imports[pkg] = true
		return
	}
	c.g.need(fn)
}

func (c *exprCompiler) conditional(n *ast.ConditionalNode) (*expr, error) {
	low, err := c.lowering(n)
	if err != nil {
		return nil, err
	}
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
	t := low.Result
	a, b = c.retype(a, low.In[1]), c.retype(b, low.In[2])
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

// retype reads a branch of a ?: as type t, as eval's form reads it: an
// int branch of a float ?: reads its float view, and the empty list
// literal [] takes the list type of the other branch.
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
	low, err := c.lowering(n)
	if err != nil {
		return nil, err
	}
	xs := make([]*expr, len(args))
	for i, a := range args {
		x, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		xs[i] = c.view(x, low.In[i])
	}
	x, ok := c.callExpr(name, low.Sig, xs)
	if !ok {
		return nil, c.errorf(n, "%s has no Go form", low.Sig.String(name))
	}
	return x, nil
}

// callExpr writes the call of the stdlib overload eval chose, with
// arguments read as eval reads them (an int passed as a float widens). It
// mirrors eval's callExpr, with the Go each stdlib implementation runs;
// TestStdlibCovered checks that every overload has one.
func (c *exprCompiler) callExpr(name string, sig *stdlib.Sig, xs []*expr) (*expr, bool) {
	t := sig.Result
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
			return call(t, fn, xs[0]), true
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
		// Folded from the left, as eval folds the variadic arguments.
		r := xs[0]
		for _, a := range xs[1:] {
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
			return call(t, "clampFloat", xs...), true
		}
	case stdlib.Int3PredFn:
		if name == "between" {
			c.g.need("betweenInt")
			return call(t, "betweenInt", xs...), true
		}
	case stdlib.Float3PredFn:
		if name == "between" {
			c.g.need("betweenFloat")
			return call(t, "betweenFloat", xs...), true
		}
	}
	return nil, false
}

// matches compiles the regular expression once, into a package variable;
// eval has checked that its pattern is a constant that compiles.
func (c *exprCompiler) matches(l, r *expr) (*expr, error) {
	re := c.g.regexp(c.g.constValue(r).(string))
	return &expr{typ: tBool, code: re + ".MatchString(" + unparen(l.code) + ")", prec: precAtom}, nil
}

// in compiles `x in list`, `x in [a, b]` and `x in lo..hi` in the form
// eval chose.
func (c *exprCompiler) in(n *ast.BinaryNode) (*expr, error) {
	low, err := c.lowering(n)
	if err != nil {
		return nil, err
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	switch low.Op {
	case eval.OpInEach:
		// x == each element in turn, each comparison in the form eval
		// gave it.
		var out *expr
		for _, e := range n.Right.(*ast.ArrayNode).Nodes {
			x, err := c.compile(e)
			if err != nil {
				return nil, err
			}
			eqLow, msg := eval.LowerBinary("==", l.typ, x.typ)
			if eqLow.Op == eval.OpNone {
				return nil, c.errorf(e, "internal error: %s", msg)
			}
			eq, err := c.lower(e, "==", eqLow, l, x)
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
	case eval.OpInRangeInt, eval.OpInRangeFloat:
		r := n.Right.(*ast.BinaryNode)
		lo, err := c.compile(r.Left)
		if err != nil {
			return nil, err
		}
		hi, err := c.compile(r.Right)
		if err != nil {
			return nil, err
		}
		fn := map[eval.Op]string{eval.OpInRangeInt: "betweenInt", eval.OpInRangeFloat: "inRangeFloat"}[low.Op]
		c.g.need(fn)
		return call(tBool, fn, l, lo, hi), nil
	case eval.OpInInts, eval.OpInFloats, eval.OpInWidened, eval.OpInStrings, eval.OpInBools:
	default:
		return nil, c.unexpected(n)
	}
	var list *expr
	if r, ok := n.Right.(*ast.ArrayNode); ok {
		t, v, ok := c.typed.ConstList(r)
		if !ok {
			return nil, c.unexpected(n)
		}
		list = c.g.constant(t, v)
	} else if list, err = c.compile(n.Right); err != nil {
		return nil, err
	}
	x := c.view(l, low.In[0])
	switch {
	case low.Op == eval.OpInInts && list.typ.Elem == check.Time:
		c.g.need("containsTime")
		return call(tBool, "containsTime", list, x), nil
	case low.Op == eval.OpInInts && list.typ.Elem == check.Duration:
		// A duration list holds time.Duration.
		x = &expr{typ: x.typ, code: "time.Duration(" + unparen(x.code) + ")", prec: precAtom}
	case low.Op == eval.OpInWidened:
		c.g.need("containsWidened")
		return call(tBool, "containsWidened", list, x), nil
	}
	c.g.need("contains")
	return call(tBool, "contains", list, x), nil
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
