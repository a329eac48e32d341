package eval

import (
	"fmt"
	"math"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

// CompileEffect compiles the value of an effect. It is Compile, except that
// what would make a value the live state must not store records a limit
// error (an *Error whose Limit is set) in Env.Err instead of passing
// silently: int and duration +, -, * and unary - past the 64-bit range
// (which Compile wraps, as in Go), abs of the least int, and a string that
// concatenation, lower, upper or trim would make longer than MaxStringLen
// bytes. A limit error replaces an earlier error of another kind in Env.Err,
// so that the caller, which must refuse the effect, always sees it.
//
// A string past the limit is never built: concatenation checks the lengths
// of its operands first and then yields its left operand, so an expression
// such as s + s + s ... allocates at most MaxStringLen bytes per step.
// Conditions keep Compile's semantics (evaluation never fails, §10.8); only
// effects, whose values are stored, refuse what cannot be stored.
func CompileEffect(node ast.Node, scope Scope) (*Expr, error) {
	return compileWith(&compiler{checked: true}, node, scope)
}

// IsLimit reports whether err is a limit error recorded by an expression
// CompileEffect compiled.
func IsLimit(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Limit
}

// failLimit records err, a limit error, as e.Err unless a limit error is
// there already.
func (e *Env) failLimit(err *Error) {
	if e == nil || IsLimit(e.Err) {
		return
	}
	e.Err = err
}

// tooLong is the message of a string past MaxStringLen.
var tooLong = fmt.Sprintf("the string would be longer than the limit of %d bytes", MaxStringLen)

func limitf(n ast.Node, msg string) *Error {
	return &Error{Node: n, Msg: msg, Limit: true}
}

// checkedArith is lower for the int, duration and string operators whose
// result CompileEffect bounds; ok is false for the others, which lower
// compiles as usual.
func checkedArith(n *ast.BinaryNode, low Lowered, l, r *Expr) (x *Expr, ok bool) {
	li, ri := l.i, r.i
	switch low.Op {
	case OpConcat:
		ls, rs := l.s, r.s
		long := limitf(n, tooLong)
		return stringExpr(tString, func(e *Env) string {
			a, b := ls(e), rs(e)
			if len(a)+len(b) > MaxStringLen {
				e.failLimit(long)
				return a
			}
			return a + b
		}), true
	case OpAddInt, OpSubInt, OpMulInt:
		what := "int"
		if low.Result.Kind == check.Duration {
			what = "duration"
		}
		return intExpr(low.Result, checkedIntOp(n, n.Operator, li, ri, what)), true
	}
	return nil, false
}

// checkedIntOp is l op r on int64 that records a limit error, naming what
// the values are, when the result leaves the 64-bit range.
func checkedIntOp(n ast.Node, op string, l, r func(*Env) int64, what string) func(*Env) int64 {
	over := limitf(n, what+" overflow: the result is outside the 64-bit range")
	switch op {
	case "+":
		return func(e *Env) int64 {
			s, ok := AddInt(l(e), r(e))
			if !ok {
				e.failLimit(over)
			}
			return s
		}
	case "-":
		return func(e *Env) int64 {
			d, ok := SubInt(l(e), r(e))
			if !ok {
				e.failLimit(over)
			}
			return d
		}
	}
	return func(e *Env) int64 {
		a, b := l(e), r(e)
		p, ok := MulInt(a, b)
		if !ok {
			e.failLimit(over)
		}
		return p
	}
}

// AddInt, SubInt and MulInt are a+b, a-b and a*b, wrapped as in Go, and
// whether the result is exact (did not leave the 64-bit range).
func AddInt(a, b int64) (int64, bool) { s := a + b; return s, (s^a)&(s^b) >= 0 }

// SubInt: see AddInt.
func SubInt(a, b int64) (int64, bool) { d := a - b; return d, (a^b)&(a^d) >= 0 }

// MulInt: see AddInt.
func MulInt(a, b int64) (int64, bool) {
	p := a * b
	if a == 0 || b == 0 {
		return p, true
	}
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return p, false
	}
	return p, p/b == a
}

// checkedNeg is unary minus of an int that records a limit error for the
// least int, which has no positive counterpart.
func checkedNeg(n ast.Node, x func(*Env) int64) func(*Env) int64 {
	over := limitf(n, "int overflow: the least int has no negative")
	return func(e *Env) int64 {
		v := x(e)
		if v == math.MinInt64 {
			e.failLimit(over)
		}
		return -v
	}
}

// checkedCall bounds the stdlib calls whose result can leave a limit: abs
// of the least int, and lower, upper or trim of a string (lower and upper
// can lengthen one: some letters take more bytes in the other case). It
// returns x for the others.
func checkedCall(n ast.Node, sig *stdlib.Sig, x *Expr) *Expr {
	switch sig.Impl.(type) {
	case stdlib.IntFn:
		over := limitf(n, "int overflow: the least int has no absolute value")
		xi := x.i
		return intExpr(x.typ, func(e *Env) int64 {
			v := xi(e)
			if v < 0 { // abs gave the least int back
				e.failLimit(over)
			}
			return v
		})
	case stdlib.StringFn, stdlib.String2Fn:
		long := limitf(n, tooLong)
		xs := x.s
		return stringExpr(x.typ, func(e *Env) string {
			s := xs(e)
			if len(s) > MaxStringLen {
				e.failLimit(long)
			}
			return s
		})
	}
	return x
}

// foldChecked folds x, whose operands are constant, unless evaluating it
// records a limit error: then x stays unfolded, so that each evaluation
// records the error and the effect is refused when it is applied.
func foldChecked(x *Expr) *Expr {
	var probe Env
	switch rep(x.typ) {
	case repInt:
		x.i(&probe)
	case repString:
		x.s(&probe)
	default:
		return fold(x)
	}
	if IsLimit(probe.Err) {
		return x
	}
	return fold(x)
}
