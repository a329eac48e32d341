package eval

import (
	"math"
	"regexp"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

type ordered interface{ ~int64 | ~float64 | ~string }

// cmpFunc compares two evaluated operands.
func cmpFunc[T ordered](op string, l, r func(*Env) T) func(*Env) bool {
	switch op {
	case "==":
		return func(e *Env) bool { return l(e) == r(e) }
	case "!=":
		return func(e *Env) bool { return l(e) != r(e) }
	case "<":
		return func(e *Env) bool { return l(e) < r(e) }
	case "<=":
		return func(e *Env) bool { return l(e) <= r(e) }
	case ">":
		return func(e *Env) bool { return l(e) > r(e) }
	}
	return func(e *Env) bool { return l(e) >= r(e) }
}

// cmpConst compares an evaluated operand with a constant.
func cmpConst[T ordered](op string, l func(*Env) T, c T) func(*Env) bool {
	switch op {
	case "==":
		return func(e *Env) bool { return l(e) == c }
	case "!=":
		return func(e *Env) bool { return l(e) != c }
	case "<":
		return func(e *Env) bool { return l(e) < c }
	case "<=":
		return func(e *Env) bool { return l(e) <= c }
	case ">":
		return func(e *Env) bool { return l(e) > c }
	}
	return func(e *Env) bool { return l(e) >= c }
}

// cmpAttrInt compares an int attribute of the member with a constant
// without calling the attribute's closure: the commonest condition.
func cmpAttrInt(op string, i int, c int64) func(*Env) bool {
	switch op {
	case "==":
		return func(e *Env) bool { return e.M.I[i] == c }
	case "!=":
		return func(e *Env) bool { return e.M.I[i] != c }
	case "<":
		return func(e *Env) bool { return e.M.I[i] < c }
	case "<=":
		return func(e *Env) bool { return e.M.I[i] <= c }
	case ">":
		return func(e *Env) bool { return e.M.I[i] > c }
	}
	return func(e *Env) bool { return e.M.I[i] >= c }
}

// cmpArgInt is cmpAttrInt for an int argument of the action.
func cmpArgInt(op string, i int, c int64) func(*Env) bool {
	switch op {
	case "==":
		return func(e *Env) bool { return e.Args.I[i] == c }
	case "!=":
		return func(e *Env) bool { return e.Args.I[i] != c }
	case "<":
		return func(e *Env) bool { return e.Args.I[i] < c }
	case "<=":
		return func(e *Env) bool { return e.Args.I[i] <= c }
	case ">":
		return func(e *Env) bool { return e.Args.I[i] > c }
	}
	return func(e *Env) bool { return e.Args.I[i] >= c }
}

// cmpAttrFloat is cmpAttrInt for float attributes.
func cmpAttrFloat(op string, i int, c float64) func(*Env) bool {
	switch op {
	case "==":
		return func(e *Env) bool { return e.M.F[i] == c }
	case "!=":
		return func(e *Env) bool { return e.M.F[i] != c }
	case "<":
		return func(e *Env) bool { return e.M.F[i] < c }
	case "<=":
		return func(e *Env) bool { return e.M.F[i] <= c }
	case ">":
		return func(e *Env) bool { return e.M.F[i] > c }
	}
	return func(e *Env) bool { return e.M.F[i] >= c }
}

// cmpRole compares the member's role with a role constant: role >= creator.
func cmpRole(op string, c int64) func(*Env) bool {
	switch op {
	case "==":
		return func(e *Env) bool { return e.Role() == c }
	case "!=":
		return func(e *Env) bool { return e.Role() != c }
	case "<":
		return func(e *Env) bool { return e.Role() < c }
	case "<=":
		return func(e *Env) bool { return e.Role() <= c }
	case ">":
		return func(e *Env) bool { return e.Role() > c }
	}
	return func(e *Env) bool { return e.Role() >= c }
}

// flip turns `c op x` into `x flip(op) c`; it holds for NaN too, since
// both forms are then false (or true for !=).
func flip(op string) string {
	switch op {
	case "<":
		return ">"
	case "<=":
		return ">="
	case ">":
		return "<"
	case ">=":
		return "<="
	}
	return op
}

func compareInts(op string, l, r *Expr) *Expr {
	if l.konst && !r.konst {
		l, r, op = r, l, flip(op)
	}
	if r.konst {
		c := r.i(nil)
		if l.ref != nil {
			switch l.ref.Kind {
			case RefAttr:
				return boolExpr(cmpAttrInt(op, l.ref.Index, c))
			case RefParam:
				return boolExpr(cmpArgInt(op, l.ref.Index, c))
			case RefRole:
				return boolExpr(cmpRole(op, c))
			}
		}
		return boolExpr(cmpConst(op, l.i, c))
	}
	return boolExpr(cmpFunc(op, l.i, r.i))
}

// compareFloats compares numbers of which one at least is a float; ints
// widen, as in expr-lang.
func compareFloats(op string, l, r *Expr) *Expr {
	if l.konst && !r.konst {
		l, r, op = r, l, flip(op)
	}
	if r.konst {
		c := r.f(nil)
		if l.ref != nil && l.ref.Kind == RefAttr && l.typ.Kind == check.Float {
			return boolExpr(cmpAttrFloat(op, l.ref.Index, c))
		}
		return boolExpr(cmpConst(op, l.f, c))
	}
	return boolExpr(cmpFunc(op, l.f, r.f))
}

func compareStrings(op string, l, r *Expr) *Expr {
	if l.konst && !r.konst {
		l, r, op = r, l, flip(op)
	}
	if r.konst {
		return boolExpr(cmpConst(op, l.s, r.s(nil)))
	}
	return boolExpr(cmpFunc(op, l.s, r.s))
}

// compare builds the closure of a comparison form; op is its operator.
func compare(low Lowered, op string, l, r *Expr) *Expr {
	switch low.Op {
	case OpCmpInt:
		return compareInts(op, l, r)
	case OpCmpFloat:
		return compareFloats(op, l, r)
	case OpCmpString:
		return compareStrings(op, l, r)
	}
	// OpCmpBool
	lb, rb := l.b, r.b
	if op == "==" {
		return boolExpr(func(e *Env) bool { return lb(e) == rb(e) })
	}
	return boolExpr(func(e *Env) bool { return lb(e) != rb(e) })
}

// lower builds the closure of binary operator node n in its lowered form
// low: the comparisons, the logical operators (whose constant left side
// compiler.logical has handled), arithmetic and the string operators.
func lower(n *ast.BinaryNode, low Lowered, l, r *Expr) (*Expr, *Error) {
	li, ri := l.i, r.i
	lf, rf := l.f, r.f
	switch low.Op {
	case OpCmpInt, OpCmpFloat, OpCmpString, OpCmpBool:
		return compare(low, n.Operator, l, r), nil
	case OpAnd, OpOr:
		return andOr(low, l, r), nil
	case OpDivFloat:
		if r.konst && r.f(nil) == 0 {
			return nil, errorf(n, "division by zero")
		}
		zero := errorf(n, "division by zero")
		return floatExpr(func(e *Env) float64 {
			d := rf(e)
			if d == 0 {
				e.fail(zero) // and the IEEE result, as in expr-lang
			}
			return lf(e) / d
		}), nil
	case OpPowFloat:
		return floatExpr(func(e *Env) float64 { return math.Pow(lf(e), rf(e)) }), nil
	case OpModInt:
		if r.konst && r.i(nil) == 0 {
			return nil, errorf(n, "remainder of division by zero")
		}
		zero := errorf(n, "remainder of division by zero")
		return intExpr(tInt, func(e *Env) int64 {
			d := ri(e)
			if d == 0 {
				e.fail(zero)
				return 0 // where expr-lang panics
			}
			return li(e) % d
		}), nil
	case OpAddInt, OpSubInt, OpMulInt:
		t := low.Result
		if t.Kind == check.Int {
			if x := arithAttrs(n.Operator, l, r); x != nil {
				return x, nil
			}
		}
		switch low.Op {
		case OpAddInt:
			return intExpr(t, func(e *Env) int64 { return li(e) + ri(e) }), nil
		case OpSubInt:
			return intExpr(t, func(e *Env) int64 { return li(e) - ri(e) }), nil
		}
		return intExpr(t, func(e *Env) int64 { return li(e) * ri(e) }), nil
	case OpAddFloat:
		return floatExpr(func(e *Env) float64 { return lf(e) + rf(e) }), nil
	case OpSubFloat:
		return floatExpr(func(e *Env) float64 { return lf(e) - rf(e) }), nil
	case OpMulFloat:
		return floatExpr(func(e *Env) float64 { return lf(e) * rf(e) }), nil
	case OpConcat:
		// The only operator that allocates: a new string.
		ls, rs := l.s, r.s
		return stringExpr(tString, func(e *Env) string { return ls(e) + rs(e) }), nil
	case OpAddTimeDuration:
		return intExpr(tTime, func(e *Env) int64 { return stdlib.AddDuration(li(e), ri(e)) }), nil
	case OpAddDurationTime:
		return intExpr(tTime, func(e *Env) int64 { return stdlib.AddDuration(ri(e), li(e)) }), nil
	case OpSubTimeDuration:
		return intExpr(tTime, func(e *Env) int64 { return stdlib.SubDuration(li(e), ri(e)) }), nil
	case OpSubTimes:
		return intExpr(tDuration, func(e *Env) int64 { return stdlib.SubTimes(li(e), ri(e)) }), nil
	case OpContains, OpHasPrefix, OpHasSuffix:
		return stringOp(low, l, r), nil
	case OpMatches:
		return matches(n, l, r)
	}
	return nil, errorf(n, "internal: operator %s has no closure for its form %d", n.Operator, low.Op)
}

// arithAttrs is int +, - or * of two int attributes of the member, or of
// one and a constant, reading the slots directly (as cmpAttrInt does)
// rather than through their closures; nil for other operands.
func arithAttrs(op string, l, r *Expr) *Expr {
	if op != "+" && op != "-" && op != "*" {
		return nil
	}
	slot := func(x *Expr) (int, bool) {
		if x.ref != nil && x.ref.Kind == RefAttr && x.typ.Kind == check.Int {
			return x.ref.Index, true
		}
		return 0, false
	}
	i, lok := slot(l)
	j, rok := slot(r)
	switch {
	case lok && rok:
		switch op {
		case "+":
			return intExpr(tInt, func(e *Env) int64 { return e.M.I[i] + e.M.I[j] })
		case "-":
			return intExpr(tInt, func(e *Env) int64 { return e.M.I[i] - e.M.I[j] })
		}
		return intExpr(tInt, func(e *Env) int64 { return e.M.I[i] * e.M.I[j] })
	case lok && r.konst:
		c := r.i(nil)
		switch op {
		case "+":
			return intExpr(tInt, func(e *Env) int64 { return e.M.I[i] + c })
		case "-":
			return intExpr(tInt, func(e *Env) int64 { return e.M.I[i] - c })
		}
		return intExpr(tInt, func(e *Env) int64 { return e.M.I[i] * c })
	case l.konst && rok:
		c := l.i(nil)
		switch op {
		case "+":
			return intExpr(tInt, func(e *Env) int64 { return c + e.M.I[j] })
		case "-":
			return intExpr(tInt, func(e *Env) int64 { return c - e.M.I[j] })
		}
		return intExpr(tInt, func(e *Env) int64 { return c * e.M.I[j] })
	}
	return nil
}

// other is the operand type that is not a duration.
func other(a, b check.Type) check.Type {
	if a.Kind == check.Duration {
		return b
	}
	return a
}

func stringOp(low Lowered, l, r *Expr) *Expr {
	var fn func(string, string) bool
	switch low.Op {
	case OpContains:
		fn = strings.Contains
	case OpHasPrefix:
		fn = strings.HasPrefix
	default:
		fn = strings.HasSuffix
	}
	ls, rs := l.s, r.s
	if r.konst {
		c := rs(nil)
		return boolExpr(func(e *Env) bool { return fn(ls(e), c) })
	}
	return boolExpr(func(e *Env) bool { return fn(ls(e), rs(e)) })
}

// matches compiles the regular expression once; its pattern must be
// constant, so a bad pattern is a compile error and never a run-time one.
func matches(n *ast.BinaryNode, l, r *Expr) (*Expr, *Error) {
	if !r.konst {
		return nil, errorf(n.Right, "the pattern of matches must be a constant string")
	}
	re, err := regexp.Compile(r.s(nil))
	if err != nil {
		return nil, errorf(n.Right, "bad pattern: %v", err)
	}
	// The checker refuses a literal pattern past the limit; this refuses
	// one folded from a constant expression too.
	if msg := check.PatternTooLarge(r.s(nil)); msg != "" {
		return nil, errorf(n.Right, "%s", msg)
	}
	ls := l.s
	return boolExpr(func(e *Env) bool { return re.MatchString(ls(e)) }), nil
}

// in compiles `x in list`, `x in [a, b]` and `x in lo..hi`; neither of the
// last two builds a list at run time.
func (c *compiler) in(n *ast.BinaryNode) (*Expr, *Error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	switch r := n.Right.(type) {
	case *ast.ArrayNode:
		xs, err := c.elements(r)
		if err != nil {
			return nil, err
		}
		if len(xs) == 0 {
			return constant(tBool, false), nil
		}
		konst := true
		for _, x := range xs {
			konst = konst && x.konst
		}
		if konst {
			if t, v, ok := constList(xs); ok {
				return c.inList(n, l, constant(t, v))
			}
		}
		eqs := make([]func(*Env) bool, len(xs))
		for i, x := range xs {
			low, msg := LowerBinary("==", l.typ, x.typ)
			if low.Op == OpNone {
				return nil, errorf(r.Nodes[i], "%s", msg)
			}
			eqs[i] = compare(low, "==", l, x).b
		}
		c.record(n, Lowered{Op: OpInEach, In: []check.Type{l.typ}, Result: tBool})
		x := boolExpr(func(e *Env) bool {
			for _, eq := range eqs {
				if eq(e) {
					return true
				}
			}
			return false
		})
		if konst && l.konst {
			x = fold(x)
		}
		return x, nil
	case *ast.BinaryNode:
		if r.Operator == ".." {
			lo, hi, err := c.rangeEnds(r)
			if err != nil {
				return nil, err
			}
			x, err := c.inRange(n, l, lo, hi)
			if err == nil && l.konst && lo.konst && hi.konst {
				x = fold(x)
			}
			return x, err
		}
	}
	list, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	return c.inList(n, l, list)
}

// inRange is lo <= x <= hi for an int x; a float x must also be whole, as
// expr-lang compares it with each int of the range.
func (c *compiler) inRange(n *ast.BinaryNode, x, lo, hi *Expr) (*Expr, *Error) {
	low, msg := LowerInRange(x.typ)
	if low.Op == OpNone {
		return nil, errorf(n, "%s", msg)
	}
	c.record(n, low)
	a, b := lo.i, hi.i
	switch low.Op {
	case OpInRangeInt:
		xi := x.i
		return boolExpr(func(e *Env) bool { v := xi(e); return a(e) <= v && v <= b(e) }), nil
	}
	xf := x.f
	return boolExpr(func(e *Env) bool {
		v := xf(e)
		return v == math.Trunc(v) && float64(a(e)) <= v && v <= float64(b(e))
	}), nil
}

// setMin is the length from which a constant list is searched through a
// map rather than scanned.
const setMin = 9

func (c *compiler) inList(n *ast.BinaryNode, x, list *Expr) (*Expr, *Error) {
	if list.typ.Kind != check.List {
		return nil, errorf(n.Right, "in needs a list on its right, not %s", list.typ)
	}
	low, msg := LowerIn(x.typ, list.typ)
	if low.Op == OpNone {
		return nil, errorf(n, "%s", msg)
	}
	c.record(n, low)
	lf := list.l
	var out *Expr
	switch low.Op {
	case OpInInts:
		xi := x.i
		if list.konst {
			xs := lf(nil).([]int64)
			if len(xs) >= setMin {
				set := make(map[int64]struct{}, len(xs))
				for _, v := range xs {
					set[v] = struct{}{}
				}
				out = boolExpr(func(e *Env) bool { _, ok := set[xi(e)]; return ok })
				break
			}
			out = boolExpr(func(e *Env) bool { return containsInt(xs, xi(e)) })
			break
		}
		out = boolExpr(func(e *Env) bool { xs, _ := lf(e).([]int64); return containsInt(xs, xi(e)) })
	case OpInFloats:
		xf := x.f
		out = boolExpr(func(e *Env) bool {
			v := xf(e)
			xs, _ := lf(e).([]float64)
			for _, y := range xs {
				if y == v {
					return true
				}
			}
			return false
		})
	case OpInWidened:
		xf := x.f
		out = boolExpr(func(e *Env) bool {
			v := xf(e)
			xs, _ := lf(e).([]int64)
			for _, y := range xs {
				if float64(y) == v {
					return true
				}
			}
			return false
		})
	case OpInStrings:
		xs := x.s
		if list.konst {
			ss := lf(nil).([]string)
			if len(ss) >= setMin {
				set := make(map[string]struct{}, len(ss))
				for _, v := range ss {
					set[v] = struct{}{}
				}
				out = boolExpr(func(e *Env) bool { _, ok := set[xs(e)]; return ok })
				break
			}
		}
		out = boolExpr(func(e *Env) bool {
			v := xs(e)
			ss, _ := lf(e).([]string)
			for _, y := range ss {
				if y == v {
					return true
				}
			}
			return false
		})
	default: // OpInBools
		xb := x.b
		out = boolExpr(func(e *Env) bool {
			v := xb(e)
			bs, _ := lf(e).([]bool)
			for _, y := range bs {
				if y == v {
					return true
				}
			}
			return false
		})
	}
	if x.konst && list.konst {
		out = fold(out)
	}
	return out, nil
}

func containsInt(xs []int64, v int64) bool {
	for _, y := range xs {
		if y == v {
			return true
		}
	}
	return false
}
