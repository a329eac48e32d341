package eval

import (
	"fmt"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

// Op is the lowered form of an operator or call: which computation runs,
// on which representation of the operands. The compiler classifies each
// operator node once (LowerBinary, LowerUnary, LowerIn, LowerInRange) and
// builds its closure by switching on the Op; charter gen (runtime/gen)
// switches on the same Op, recorded in Typed, to write Go. A new operator
// or operand combination is one case in the classification, and the
// closures and the generated code cannot disagree on which form applies.
type Op uint8

const (
	OpNone Op = iota // not an operator form

	// Comparisons, == != < <= > >= by the node's operator.
	OpCmpInt    // on int64: ints and roles, times, durations
	OpCmpFloat  // on float64; an int operand widens
	OpCmpBool   // == and != of bools
	OpCmpString // byte-wise, of strings (and members, for == and !=)

	// Arithmetic. The int forms wrap on overflow, as in Go; their Result
	// is an int, or a duration for durations added, subtracted or
	// multiplied by an int.
	OpAddInt
	OpSubInt
	OpMulInt
	OpModInt // % of ints; a zero divisor gives 0 and records an error
	OpAddFloat
	OpSubFloat
	OpMulFloat
	OpDivFloat // / of numbers, always a float; a zero divisor gives the IEEE result and records an error
	OpPowFloat // ** and ^ of numbers, always a float
	OpConcat   // + of strings

	// Time arithmetic, on nanoseconds, through stdlib.AddDuration and
	// stdlib.SubTimes.
	OpAddTimeDuration // time + duration
	OpAddDurationTime // duration + time
	OpSubTimeDuration // time - duration
	OpSubTimes        // time - time, a duration

	// String operators.
	OpContains   // contains
	OpHasPrefix  // startsWith
	OpHasSuffix  // endsWith
	OpMatches    // matches, with a constant pattern compiled once
	OpAnd        // && and "and"
	OpOr         // || and "or"
	OpNot        // ! and "not"
	OpNegInt     // unary - of an int or role, an int
	OpNegFloat   // unary - of a float
	OpIdentity   // unary + of a number: the operand itself
	OpInInts     // x in a list of int64: ints, roles, times, durations
	OpInFloats   // a number in a float list; an int widens
	OpInWidened  // a float in an int list: each element widens
	OpInStrings  // a string in a string list
	OpInBools    // a bool in a bool list
	OpInEach     // x in [a, b, ...] of non-constant elements: x == each, in turn (LowerBinary "==")
	OpInRangeInt // an int in lo..hi: lo <= x <= hi
	// OpInRangeFloat is a float in lo..hi: whole, and lo <= x <= hi.
	OpInRangeFloat
	OpCall // a stdlib call of the overload Lowered.Sig
	OpCond // cond ? a : b, only the chosen branch evaluated
)

// Lowered is the lowered form of one operator node or call.
type Lowered struct {
	Op Op
	// In is the type each operand is read as, in order (for in: the
	// value, then the list): a float where an int operand widens, else
	// the operand's own type.
	In []check.Type
	// Result is the type of the result.
	Result check.Type
	// Sig is the stdlib overload an OpCall calls.
	Sig *stdlib.Sig
}

// binary is a Lowered for two operands read as l and r.
func binary(op Op, l, r, result check.Type) Lowered {
	return Lowered{Op: op, In: []check.Type{l, r}, Result: result}
}

// LowerBinary classifies binary operator op (a comparison, arithmetic, a
// logical or a string operator) on operands of types l and r. When no
// form applies, the Op is OpNone and msg says why, as a compile error.
func LowerBinary(op string, l, r check.Type) (low Lowered, msg string) {
	switch op {
	case "==", "!=":
		switch {
		case IsInteger(l) && IsInteger(r):
			return binary(OpCmpInt, l, r, tBool), ""
		case IsNumber(l) && IsNumber(r):
			return binary(OpCmpFloat, tFloat, tFloat, tBool), ""
		case l.Kind == check.Bool && r.Kind == check.Bool:
			return binary(OpCmpBool, l, r, tBool), ""
		case l == r && rep(l) == repString:
			return binary(OpCmpString, l, r, tBool), ""
		case l == r && (l.Kind == check.Time || l.Kind == check.Duration):
			return binary(OpCmpInt, l, r, tBool), ""
		}
		return Lowered{}, fmt.Sprintf("cannot compare %s with %s", l, r)
	case "<", ">", "<=", ">=":
		switch {
		case IsInteger(l) && IsInteger(r):
			return binary(OpCmpInt, l, r, tBool), ""
		case IsNumber(l) && IsNumber(r):
			return binary(OpCmpFloat, tFloat, tFloat, tBool), ""
		case l.Kind == check.String && r.Kind == check.String:
			return binary(OpCmpString, l, r, tBool), ""
		case l == r && (l.Kind == check.Time || l.Kind == check.Duration):
			return binary(OpCmpInt, l, r, tBool), ""
		}
		return Lowered{}, fmt.Sprintf("cannot order %s and %s with %s", l, r, op)
	case "+", "-", "*", "/", "%", "**", "^":
		return lowerArith(op, l, r)
	case "&&", "and", "||", "or":
		if l.Kind != check.Bool || r.Kind != check.Bool {
			return Lowered{}, fmt.Sprintf("operator %s needs bools, not %s and %s", op, l, r)
		}
		if op == "&&" || op == "and" {
			return binary(OpAnd, l, r, tBool), ""
		}
		return binary(OpOr, l, r, tBool), ""
	case "contains", "startsWith", "endsWith", "matches":
		if l.Kind != check.String || r.Kind != check.String {
			return Lowered{}, fmt.Sprintf("operator %s needs strings, not %s and %s", op, l, r)
		}
		o := map[string]Op{"contains": OpContains, "startsWith": OpHasPrefix, "endsWith": OpHasSuffix, "matches": OpMatches}[op]
		return binary(o, l, r, tBool), ""
	}
	return Lowered{}, fmt.Sprintf("operator %s is not supported", op)
}

// lowerArith classifies the arithmetic operators with expr-lang's typing:
// int op int is an int except for / and **, which are always floats; a
// float operand makes a float.
func lowerArith(op string, l, r check.Type) (Lowered, string) {
	switch {
	case op == "/" && IsNumber(l) && IsNumber(r):
		return binary(OpDivFloat, tFloat, tFloat, tFloat), ""
	case (op == "**" || op == "^") && IsNumber(l) && IsNumber(r):
		return binary(OpPowFloat, tFloat, tFloat, tFloat), ""
	case op == "%" && IsInteger(l) && IsInteger(r):
		return binary(OpModInt, l, r, tInt), ""
	case op == "%":
		return Lowered{}, fmt.Sprintf("operator %% needs ints, not %s and %s", l, r)
	case IsInteger(l) && IsInteger(r):
		o := map[string]Op{"+": OpAddInt, "-": OpSubInt, "*": OpMulInt}[op]
		return binary(o, l, r, tInt), ""
	case IsNumber(l) && IsNumber(r):
		o := map[string]Op{"+": OpAddFloat, "-": OpSubFloat, "*": OpMulFloat}[op]
		return binary(o, tFloat, tFloat, tFloat), ""
	case op == "+" && l.Kind == check.String && r.Kind == check.String:
		return binary(OpConcat, l, r, tString), ""
	case op == "+" && l.Kind == check.Time && r.Kind == check.Duration:
		return binary(OpAddTimeDuration, l, r, tTime), ""
	case op == "+" && l.Kind == check.Duration && r.Kind == check.Time:
		return binary(OpAddDurationTime, l, r, tTime), ""
	case op == "-" && l.Kind == check.Time && r.Kind == check.Duration:
		return binary(OpSubTimeDuration, l, r, tTime), ""
	case op == "-" && l.Kind == check.Time && r.Kind == check.Time:
		return binary(OpSubTimes, l, r, tDuration), ""
	case op == "+" && l.Kind == check.Duration && r.Kind == check.Duration:
		return binary(OpAddInt, l, r, tDuration), ""
	case op == "-" && l.Kind == check.Duration && r.Kind == check.Duration:
		return binary(OpSubInt, l, r, tDuration), ""
	case op == "*" && (l.Kind == check.Duration && IsInteger(r) || IsInteger(l) && r.Kind == check.Duration):
		return binary(OpMulInt, l, r, tDuration), ""
	case op == "*" && (l.Kind == check.Duration || r.Kind == check.Duration):
		return Lowered{}, fmt.Sprintf("a duration multiplies only by an int, not by %s", other(l, r))
	}
	return Lowered{}, fmt.Sprintf("invalid operation: %s %s %s", l, op, r)
}

// LowerUnary classifies unary operator op on an operand of type x.
func LowerUnary(op string, x check.Type) (Lowered, string) {
	one := func(o Op, in, result check.Type) Lowered {
		return Lowered{Op: o, In: []check.Type{in}, Result: result}
	}
	switch op {
	case "!", "not":
		if x.Kind != check.Bool {
			return Lowered{}, fmt.Sprintf("operator %s needs a bool, not %s", op, x)
		}
		return one(OpNot, x, tBool), ""
	case "-":
		switch {
		case IsInteger(x):
			return one(OpNegInt, x, tInt), ""
		case x.Kind == check.Float:
			return one(OpNegFloat, x, tFloat), ""
		}
		return Lowered{}, fmt.Sprintf("operator - needs a number, not %s", x)
	case "+":
		if !IsNumber(x) {
			return Lowered{}, fmt.Sprintf("operator + needs a number, not %s", x)
		}
		return one(OpIdentity, x, x), ""
	}
	return Lowered{}, fmt.Sprintf("operator %s is not supported", op)
}

// LowerIn classifies `x in list` for a value of type x and a list of type
// list.
func LowerIn(x, list check.Type) (Lowered, string) {
	elem := list.Elem
	switch {
	case IsInteger(x) && elem == check.Int, x.Kind == elem && (elem == check.Time || elem == check.Duration):
		return binary(OpInInts, x, list, tBool), ""
	case IsNumber(x) && elem == check.Float:
		return binary(OpInFloats, tFloat, list, tBool), ""
	case x.Kind == check.Float && elem == check.Int:
		return binary(OpInWidened, x, list, tBool), ""
	case x.Kind == check.String && elem == check.String:
		return binary(OpInStrings, x, list, tBool), ""
	case x.Kind == check.Bool && elem == check.Bool:
		return binary(OpInBools, x, list, tBool), ""
	}
	return Lowered{}, fmt.Sprintf("cannot look for a %s in a %s", x, list)
}

// LowerInRange classifies `x in lo..hi` for a value of type x; the ends
// are ints.
func LowerInRange(x check.Type) (Lowered, string) {
	in := []check.Type{x, tInt, tInt}
	switch {
	case IsInteger(x):
		return Lowered{Op: OpInRangeInt, In: in, Result: tBool}, ""
	case x.Kind == check.Float:
		return Lowered{Op: OpInRangeFloat, In: in, Result: tBool}, ""
	}
	return Lowered{}, fmt.Sprintf("cannot look for a %s in a range of ints", x)
}

// LowerCond classifies cond ? a : b for branches of types a and b (the
// empty list literal [] already given the other branch's list type): the
// ?: has their common type, and an int branch of a float ?: widens.
func LowerCond(a, b check.Type) (Lowered, string) {
	t, ok := unify(a, b)
	if !ok {
		return Lowered{}, fmt.Sprintf("the branches of ?: have different types, %s and %s", a, b)
	}
	return Lowered{Op: OpCond, In: []check.Type{tBool, t, t}, Result: t}, ""
}

// lowerCall is the lowered form of a call of overload sig: arguments read
// as the parameter types, so that an int passed as a float widens.
func lowerCall(sig *stdlib.Sig, args []check.Type) Lowered {
	in := make([]check.Type, len(args))
	for i := range args {
		p := sig.Params[min(i, len(sig.Params)-1)]
		in[i] = args[i]
		if p.Kind == check.Float {
			in[i] = p
		}
	}
	return Lowered{Op: OpCall, In: in, Result: sig.Result, Sig: sig}
}

// record keeps the lowered form of node n when compiling through
// CompileTyped.
func (c *compiler) record(n ast.Node, low Lowered) {
	if ts, ok := c.scope.(*typedScope); ok {
		ts.lowered[n] = low
	}
}
