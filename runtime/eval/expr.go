// Package eval compiles type-checked expr-lang expressions into typed Go
// closures, the form in which Charter's runtime evaluates conditions,
// effects and measures: no interface boxing, no allocation, no reflection
// on the hot path.
//
//	x, err := eval.Compile(tree.Node, scope) // once, after checker.Check
//	if err != nil {
//		return err
//	}
//	env := &eval.Env{M: member, At: now.UnixNano()} // per call; reuse with Reset
//	fmt.Println(x.Bool(env))
//
// Example shows it whole, with the Layout, Record and Scope it needs.
//
// Values live in typed slots of a Record (see Layout); names resolve
// through a caller-supplied Scope to Refs. The semantics are expr-lang's,
// checked against expr-lang's own VM by the tests, with these differences,
// each where expr-lang would stop with a run-time error or has no meaning
// for Charter:
//
//   - x % 0 is 0 (expr-lang fails with "integer divide by zero"), and a
//     list index out of range reads the zero value (expr-lang fails), both
//     recording an error in Env.Err;
//   - times are nanoseconds since the Unix epoch, so time + duration
//     saturates at the years 1677 and 2262 instead of reaching further;
//   - a duration multiplies only by an int: d * 1.5 and d * d are rejected
//     (expr-lang types them as durations but computes a float);
//   - a constant divisor of 0 is a compile error;
//   - nil, maps, let, predicates (all, filter, map, ...), slicing and
//     methods are not supported: the checker refuses them (see
//     check.Supported), and Compile again if handed them.
//
// Division of ints is float division, as in expr-lang: x / 0 is ±Inf (0 / 0
// is NaN) and also records an error in Env.Err, so that a caller may treat
// it as one. Every comparison with NaN is false. Int overflow wraps, as in
// Go and expr-lang. a ?? b is a, since Charter values are never nil.
//
// Evaluation never allocates, except where an expression builds a new
// string: concatenation, and lower or upper of a string they change.
package eval

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

// Expr is a compiled expression. It is immutable and safe for concurrent
// use; the evaluators read only the Env they are given. Calling the
// evaluator of another type than Type panics, except that Float also
// evaluates int and role expressions, widening them.
type Expr struct {
	typ   check.Type
	konst bool
	b     func(*Env) bool
	i     func(*Env) int64
	f     func(*Env) float64
	s     func(*Env) string
	l     func(*Env) any
	// ref is set when the expression only loads a reference, so that the
	// operators around it can read the slot directly.
	ref *Ref
	// plan is what Derived.Plan reads of the expression (ladder.go);
	// nil for most.
	plan *exprPlan
}

// Type returns the expression's type.
func (x *Expr) Type() check.Type { return x.typ }

// Const reports whether the expression was folded to a constant.
func (x *Expr) Const() bool { return x.konst }

// Bool evaluates a bool expression.
func (x *Expr) Bool(e *Env) bool { return x.b(e) }

// BoolFunc returns the function Bool calls, for callers that keep it
// beside their own data to save a load per evaluation.
func (x *Expr) BoolFunc() func(*Env) bool { return x.b }

// Int evaluates an int, role (rank), time (nanoseconds since the Unix
// epoch) or duration (nanoseconds) expression.
func (x *Expr) Int(e *Env) int64 { return x.i(e) }

// Float evaluates a float expression, or an int or role one widened.
func (x *Expr) Float(e *Env) float64 { return x.f(e) }

// String evaluates a string or member expression.
func (x *Expr) String(e *Env) string { return x.s(e) }

// List evaluates a list expression: []int64 (int, time and duration
// elements), []float64, []string or []bool. The slice is shared: never
// modify it.
func (x *Expr) List(e *Env) any { return x.l(e) }

// Value evaluates the expression to a Go value, for traces and printing:
// int64, float64, bool, string, time.Time (UTC), time.Duration, or a slice.
// Unlike the typed evaluators it allocates.
func (x *Expr) Value(e *Env) any {
	switch x.typ.Kind {
	case check.Bool:
		return x.b(e)
	case check.Float:
		return x.f(e)
	case check.String, check.Member:
		return x.s(e)
	case check.List:
		return goList(x.typ.Elem, x.l(e))
	case check.Time:
		return stdlib.Time(x.i(e))
	case check.Duration:
		return time.Duration(x.i(e))
	}
	return x.i(e)
}

// Error is a compile error at a node of the expression; syntax.Expr.RangeOf
// turns the node into a source range.
type Error struct {
	Node ast.Node
	Msg  string
	// Limit marks an error recorded by an expression CompileEffect
	// compiled: a value past a limit the live state must not store.
	Limit bool
}

func (e *Error) Error() string { return e.Msg }

func errorf(n ast.Node, format string, args ...any) *Error {
	return &Error{Node: n, Msg: fmt.Sprintf(format, args...)}
}

// wrong is installed for the evaluators of the other types, so that a
// mistaken call says what happened.
func wrong[T any](t check.Type, want string) func(*Env) T {
	return func(*Env) T { panic("eval: " + want + " evaluator called on a " + t.String() + " expression") }
}

// wrongs are the five wrong evaluators of one type.
type wrongs struct {
	b func(*Env) bool
	i func(*Env) int64
	f func(*Env) float64
	s func(*Env) string
	l func(*Env) any
}

func newWrongs(t check.Type) *wrongs {
	return &wrongs{wrong[bool](t, "Bool"), wrong[int64](t, "Int"), wrong[float64](t, "Float"), wrong[string](t, "String"), wrong[any](t, "List")}
}

// wrongByType holds the wrong evaluators of every type, made once: made
// per expression they were five of the six allocations of each
// (BenchmarkCompile1000).
var wrongByType = func() (w [check.Role + 1][check.Role + 1]*wrongs) {
	for k := range w {
		for e := range w[k] {
			w[k][e] = newWrongs(check.Type{Kind: check.Kind(k), Elem: check.Kind(e)})
		}
	}
	return w
}()

// newExpr returns an expression of type t with every evaluator set to
// panic; the caller sets the right one.
func newExpr(t check.Type) *Expr {
	var w *wrongs
	if t.Kind >= 0 && t.Kind <= check.Role && t.Elem >= 0 && t.Elem <= check.Role {
		w = wrongByType[t.Kind][t.Elem]
	} else {
		w = newWrongs(t) // a kind added to check and not to the table
	}
	return &Expr{typ: t, b: w.b, i: w.i, f: w.f, s: w.s, l: w.l}
}

func boolExpr(f func(*Env) bool) *Expr {
	x := newExpr(tBool)
	x.b = f
	return x
}

// intExpr returns an int-represented expression; int and role ones also
// evaluate as floats.
func intExpr(t check.Type, f func(*Env) int64) *Expr {
	x := newExpr(t)
	x.i = f
	if t.Kind == check.Int || t.Kind == check.Role {
		x.f = func(e *Env) float64 { return float64(f(e)) }
	}
	return x
}

func floatExpr(f func(*Env) float64) *Expr {
	x := newExpr(tFloat)
	x.f = f
	return x
}

func stringExpr(t check.Type, f func(*Env) string) *Expr {
	x := newExpr(t)
	x.s = f
	return x
}

func listExpr(t check.Type, f func(*Env) any) *Expr {
	x := newExpr(t)
	x.l = f
	return x
}

// constant returns a constant expression of type t holding v in its
// runtime form (int64, float64, bool, string or typed slice).
func constant(t check.Type, v any) *Expr {
	var x *Expr
	switch v := v.(type) {
	case bool:
		x = boolExpr(func(*Env) bool { return v })
	case int64:
		x = intExpr(t, func(*Env) int64 { return v })
		if t.Kind == check.Int || t.Kind == check.Role {
			fv := float64(v)
			x.f = func(*Env) float64 { return fv }
		}
	case float64:
		x = floatExpr(func(*Env) float64 { return v })
	case string:
		x = stringExpr(t, func(*Env) string { return v })
	default:
		x = listExpr(t, func(*Env) any { return v })
	}
	x.konst = true
	return x
}

// fold evaluates a pure expression whose operands are all constant.
func fold(x *Expr) *Expr {
	var v any
	switch rep(x.typ) {
	case repBool:
		v = x.b(nil)
	case repInt:
		v = x.i(nil)
	case repFloat:
		v = x.f(nil)
	case repString:
		v = x.s(nil)
	default:
		v = x.l(nil)
	}
	return constant(x.typ, v)
}

var (
	tInt      = check.Type{Kind: check.Int}
	tFloat    = check.Type{Kind: check.Float}
	tBool     = check.Type{Kind: check.Bool}
	tString   = check.Type{Kind: check.String}
	tTime     = check.Type{Kind: check.Time}
	tDuration = check.Type{Kind: check.Duration}
)

// representation is how a type's values are held by the closures.
type representation int

const (
	repInvalid representation = iota
	repBool
	repInt
	repFloat
	repString
	repList
)

func rep(t check.Type) representation {
	switch t.Kind {
	case check.Bool:
		return repBool
	case check.Int, check.Role, check.Time, check.Duration:
		return repInt
	case check.Float:
		return repFloat
	case check.String, check.Member:
		return repString
	case check.List:
		return repList
	}
	return repInvalid
}

// IsNumber reports whether t is a number in expr-lang's sense: int (role
// is an int in expressions) or float. charter gen types its code by it too.
func IsNumber(t check.Type) bool {
	return t.Kind == check.Int || t.Kind == check.Role || t.Kind == check.Float
}

// IsInteger reports whether t is an int in expressions: int or role.
func IsInteger(t check.Type) bool { return t.Kind == check.Int || t.Kind == check.Role }
