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

// equality compiles == and !=: numbers (mixed int and float compare as
// floats), bools, strings, members, times and durations of the same type.
func equality(n ast.Node, op string, l, r *Expr) (*Expr, *Error) {
	lt, rt := l.typ, r.typ
	switch {
	case IsInteger(lt) && IsInteger(rt):
		return compareInts(op, l, r), nil
	case IsNumber(lt) && IsNumber(rt):
		return compareFloats(op, l, r), nil
	case lt.Kind == check.Bool && rt.Kind == check.Bool:
		lb, rb := l.b, r.b
		if op == "==" {
			return boolExpr(func(e *Env) bool { return lb(e) == rb(e) }), nil
		}
		return boolExpr(func(e *Env) bool { return lb(e) != rb(e) }), nil
	case lt == rt && rep(lt) == repString:
		return compareStrings(op, l, r), nil
	case lt == rt && (lt.Kind == check.Time || lt.Kind == check.Duration):
		return compareInts(op, l, r), nil
	}
	return nil, errorf(n, "cannot compare %s with %s", lt, rt)
}

// ordering compiles < <= > >=: numbers, strings (byte-wise), times and
// durations.
func ordering(n *ast.BinaryNode, l, r *Expr) (*Expr, *Error) {
	lt, rt := l.typ, r.typ
	switch {
	case IsInteger(lt) && IsInteger(rt):
		return compareInts(n.Operator, l, r), nil
	case IsNumber(lt) && IsNumber(rt):
		return compareFloats(n.Operator, l, r), nil
	case lt.Kind == check.String && rt.Kind == check.String:
		return compareStrings(n.Operator, l, r), nil
	case lt == rt && (lt.Kind == check.Time || lt.Kind == check.Duration):
		return compareInts(n.Operator, l, r), nil
	}
	return nil, errorf(n, "cannot order %s and %s with %s", lt, rt, n.Operator)
}

// arith compiles the arithmetic operators with expr-lang's typing: int op
// int is an int (wrapping on overflow, as in Go) except for / and **,
// which are always floats; a float operand makes a float.
func arith(n *ast.BinaryNode, l, r *Expr) (*Expr, *Error) {
	op, lt, rt := n.Operator, l.typ, r.typ
	switch {
	case op == "/" && IsNumber(lt) && IsNumber(rt):
		if r.konst && r.f(nil) == 0 {
			return nil, errorf(n, "division by zero")
		}
		lf, rf := l.f, r.f
		zero := errorf(n, "division by zero")
		return floatExpr(func(e *Env) float64 {
			d := rf(e)
			if d == 0 {
				e.fail(zero) // and the IEEE result, as in expr-lang
			}
			return lf(e) / d
		}), nil
	case (op == "**" || op == "^") && IsNumber(lt) && IsNumber(rt):
		lf, rf := l.f, r.f
		return floatExpr(func(e *Env) float64 { return math.Pow(lf(e), rf(e)) }), nil
	case op == "%" && IsInteger(lt) && IsInteger(rt):
		if r.konst && r.i(nil) == 0 {
			return nil, errorf(n, "remainder of division by zero")
		}
		li, ri := l.i, r.i
		zero := errorf(n, "remainder of division by zero")
		return intExpr(tInt, func(e *Env) int64 {
			d := ri(e)
			if d == 0 {
				e.fail(zero)
				return 0 // where expr-lang panics
			}
			return li(e) % d
		}), nil
	case op == "%":
		return nil, errorf(n, "operator %% needs ints, not %s and %s", lt, rt)
	case IsInteger(lt) && IsInteger(rt):
		if x := arithAttrs(op, l, r); x != nil {
			return x, nil
		}
		li, ri := l.i, r.i
		switch op {
		case "+":
			return intExpr(tInt, func(e *Env) int64 { return li(e) + ri(e) }), nil
		case "-":
			return intExpr(tInt, func(e *Env) int64 { return li(e) - ri(e) }), nil
		case "*":
			return intExpr(tInt, func(e *Env) int64 { return li(e) * ri(e) }), nil
		}
	case IsNumber(lt) && IsNumber(rt):
		lf, rf := l.f, r.f
		switch op {
		case "+":
			return floatExpr(func(e *Env) float64 { return lf(e) + rf(e) }), nil
		case "-":
			return floatExpr(func(e *Env) float64 { return lf(e) - rf(e) }), nil
		case "*":
			return floatExpr(func(e *Env) float64 { return lf(e) * rf(e) }), nil
		}
	case op == "+" && lt.Kind == check.String && rt.Kind == check.String:
		// The only operator that allocates: a new string.
		ls, rs := l.s, r.s
		return stringExpr(tString, func(e *Env) string { return ls(e) + rs(e) }), nil
	}
	li, ri := l.i, r.i
	switch {
	case op == "+" && lt.Kind == check.Time && rt.Kind == check.Duration:
		return intExpr(tTime, func(e *Env) int64 { return stdlib.AddDuration(li(e), ri(e)) }), nil
	case op == "+" && lt.Kind == check.Duration && rt.Kind == check.Time:
		return intExpr(tTime, func(e *Env) int64 { return stdlib.AddDuration(ri(e), li(e)) }), nil
	case op == "-" && lt.Kind == check.Time && rt.Kind == check.Duration:
		return intExpr(tTime, func(e *Env) int64 { return stdlib.AddDuration(li(e), -ri(e)) }), nil
	case op == "-" && lt.Kind == check.Time && rt.Kind == check.Time:
		return intExpr(tDuration, func(e *Env) int64 { return stdlib.SubTimes(li(e), ri(e)) }), nil
	case op == "+" && lt.Kind == check.Duration && rt.Kind == check.Duration:
		return intExpr(tDuration, func(e *Env) int64 { return li(e) + ri(e) }), nil
	case op == "-" && lt.Kind == check.Duration && rt.Kind == check.Duration:
		return intExpr(tDuration, func(e *Env) int64 { return li(e) - ri(e) }), nil
	case op == "*" && (lt.Kind == check.Duration && IsInteger(rt) || IsInteger(lt) && rt.Kind == check.Duration):
		return intExpr(tDuration, func(e *Env) int64 { return li(e) * ri(e) }), nil
	case op == "*" && (lt.Kind == check.Duration || rt.Kind == check.Duration):
		return nil, errorf(n, "a duration multiplies only by an int, not by %s", other(lt, rt))
	}
	return nil, errorf(n, "invalid operation: %s %s %s", lt, op, rt)
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

func stringOp(n *ast.BinaryNode, l, r *Expr) (*Expr, *Error) {
	if l.typ.Kind != check.String || r.typ.Kind != check.String {
		return nil, errorf(n, "operator %s needs strings, not %s and %s", n.Operator, l.typ, r.typ)
	}
	var fn func(string, string) bool
	switch n.Operator {
	case "contains":
		fn = strings.Contains
	case "startsWith":
		fn = strings.HasPrefix
	default:
		fn = strings.HasSuffix
	}
	ls, rs := l.s, r.s
	if r.konst {
		c := rs(nil)
		return boolExpr(func(e *Env) bool { return fn(ls(e), c) }), nil
	}
	return boolExpr(func(e *Env) bool { return fn(ls(e), rs(e)) }), nil
}

// matches compiles the regular expression once; its pattern must be
// constant, so a bad pattern is a compile error and never a run-time one.
func matches(n *ast.BinaryNode, l, r *Expr) (*Expr, *Error) {
	if l.typ.Kind != check.String || r.typ.Kind != check.String {
		return nil, errorf(n, "operator matches needs strings, not %s and %s", l.typ, r.typ)
	}
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
				return inList(n, l, constant(t, v))
			}
		}
		eqs := make([]func(*Env) bool, len(xs))
		for i, x := range xs {
			eq, err := equality(r.Nodes[i], "==", l, x)
			if err != nil {
				return nil, err
			}
			eqs[i] = eq.b
		}
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
			x, err := inRange(n, l, lo, hi)
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
	return inList(n, l, list)
}

// inRange is lo <= x <= hi for an int x; a float x must also be whole, as
// expr-lang compares it with each int of the range.
func inRange(n *ast.BinaryNode, x, lo, hi *Expr) (*Expr, *Error) {
	a, b := lo.i, hi.i
	switch {
	case IsInteger(x.typ):
		xi := x.i
		return boolExpr(func(e *Env) bool { v := xi(e); return a(e) <= v && v <= b(e) }), nil
	case x.typ.Kind == check.Float:
		xf := x.f
		return boolExpr(func(e *Env) bool {
			v := xf(e)
			return v == math.Trunc(v) && float64(a(e)) <= v && v <= float64(b(e))
		}), nil
	}
	return nil, errorf(n, "cannot look for a %s in a range of ints", x.typ)
}

// setMin is the length from which a constant list is searched through a
// map rather than scanned.
const setMin = 9

func inList(n *ast.BinaryNode, x, list *Expr) (*Expr, *Error) {
	if list.typ.Kind != check.List {
		return nil, errorf(n.Right, "in needs a list on its right, not %s", list.typ)
	}
	elem := list.typ.Elem
	lf := list.l
	var out *Expr
	switch {
	case IsInteger(x.typ) && elem == check.Int, x.typ.Kind == elem && (elem == check.Time || elem == check.Duration):
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
	case IsNumber(x.typ) && elem == check.Float:
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
	case x.typ.Kind == check.Float && elem == check.Int:
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
	case x.typ.Kind == check.String && elem == check.String:
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
	case x.typ.Kind == check.Bool && elem == check.Bool:
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
	default:
		return nil, errorf(n, "cannot look for a %s in a %s", x.typ, list.typ)
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
