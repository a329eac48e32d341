package check

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// Constants (SPEC §6.4) are evaluated here and nowhere else: attribute
// defaults, the values and arguments of test steps, goal targets, the
// conditions lint finds constant, and the arguments of a call written as
// text (syntax.ParseCall, through Constant).

// constError says why an expression is not a constant; node is the part of
// the expression at fault.
type constError struct {
	node exprast.Node
	msg  string
}

func (e *constError) Error() string { return e.msg }

// notConstant finds the part of e that keeps it from being a constant: a
// name other than a duration literal, a call, or a range (expr-lang's
// optimizer folds a constant range into an array of every element, so
// 1..1000000000 would take seconds and gigabytes before anything could
// refuse it).
func notConstant(e *syntax.Expr) exprast.Node {
	if exprast.Find(e.Root, nonConstant) == nil { // the common case, in one walk
		return nil
	}
	var outermost func(n exprast.Node) exprast.Node
	outermost = func(n exprast.Node) exprast.Node { // so that a call is named whole
		if nonConstant(n) {
			return n
		}
		for _, c := range children(n) {
			if b := outermost(c); b != nil {
				return b
			}
		}
		return nil
	}
	return outermost(e.Root)
}

func nonConstant(n exprast.Node) bool {
	switch n := n.(type) {
	case *exprast.IdentifierNode:
		return !strings.HasPrefix(n.Value, "$")
	case *exprast.CallNode, *exprast.BuiltinNode, *exprast.PointerNode, *exprast.VariableDeclaratorNode:
		return true
	case *exprast.BinaryNode:
		return n.Operator == ".."
	}
	return false
}

// isConstant reports whether e reads no names but duration literals.
func isConstant(e *syntax.Expr) bool {
	return e.Root != nil && exprast.Find(e.Root, nonConstant) == nil
}

// evalConst is the constant evaluator. The value is in the untyped form of
// a constant: int64, float64, bool, string, time.Duration, or a []any of
// those. A *constError says that e is not a constant; other errors are
// expr-lang's, which syntax.Expr.Diagnostic places.
func evalConst(e *syntax.Expr) (any, error) {
	if n := notConstant(e); n != nil {
		what := exprSrc(e, n) + " is not a constant"
		if c, ok := n.(*exprast.CallNode); ok {
			what = exprSrc(e, c.Callee) + "(...) is a call, not a constant"
		}
		return nil, &constError{node: n, msg: what + ": a constant is a literal, a duration such as 7d, a list of them, or operators on them"}
	}
	var nested exprast.Node
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if a, ok := n.(*exprast.ArrayNode); ok {
			for _, x := range a.Nodes {
				if _, ok := x.(*exprast.ArrayNode); ok && nested == nil {
					nested = x
				}
			}
		}
		return nested != nil
	})
	if nested != nil {
		return nil, &constError{node: nested, msg: "lists hold single values, not lists"}
	}
	vals := map[string]any{}
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if id, ok := n.(*exprast.IdentifierNode); ok && strings.HasPrefix(id.Value, "$") {
			v, _ := syntax.DurationValue(id.Value[1:]) // the lexer refused durations that overflow
			vals[id.Value] = time.Duration(v)
		}
		return false
	})
	got, err := expr.Eval(e.Text, vals)
	if err != nil {
		return nil, err
	}
	v, err := untyped(got)
	if err != nil {
		return nil, &constError{node: e.Root, msg: err.Error()}
	}
	return v, nil
}

// untyped converts what expr-lang evaluates a constant to into the untyped
// form evalConst gives.
func untyped(v any) (any, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64, float64, bool, string, time.Duration:
		return x, nil
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			if _, ok := el.([]any); ok {
				return nil, errors.New("lists hold single values, not lists")
			}
			u, err := untyped(el)
			if err != nil {
				return nil, err
			}
			out[i] = u
		}
		return out, nil
	case nil:
		return nil, errors.New("nil is not a constant: Charter has no nil")
	}
	return nil, fmt.Errorf("%v is not a constant of a Charter type", v)
}

// span returns the source range of node n of e with everything below it:
// expr-lang places a binary node at its operator and a call at its name.
func span(e *syntax.Expr, n exprast.Node) diag.Range {
	r := e.RangeOf(n)
	for _, c := range children(n) {
		cr := span(e, c)
		if cr.Start.Offset < r.Start.Offset {
			r.Start = cr.Start
		}
		if cr.End.Offset > r.End.Offset {
			r.End = cr.End
		}
	}
	return r
}

// exprSrc returns the source text of node n of e, as written.
func exprSrc(e *syntax.Expr, n exprast.Node) string {
	r := span(e, n)
	start, end := r.Start.Offset-e.Pos.Offset, r.End.Offset-e.Pos.Offset
	if start < 0 || end > len(e.Src) || start >= end {
		return e.Src
	}
	return e.Src[start:end]
}

// Constant evaluates e, which must be a constant (SPEC §6.4: it names
// nothing but duration literals and calls nothing). It is for constants
// given outside a source file, such as the arguments of a call written as
// text (syntax.ParseCall); the checker evaluates a source file's constants
// with the same evaluator and the model holds their values. The value is
// int64, float64, bool, string, time.Duration, or a []any of those. When
// e is not a constant, or does not evaluate, the diagnostic (with the
// given code) says why at the part of e at fault.
func Constant(e *syntax.Expr, code diag.Code) (any, *diag.Diagnostic) {
	if e == nil || e.Root == nil {
		d := diag.Diagnostic{Severity: diag.Error, Code: code, Message: "no value"}
		if e != nil {
			d.Range = e.Range()
		}
		return nil, &d
	}
	v, err := evalConst(e)
	if err == nil {
		return v, nil
	}
	var ce *constError
	if errors.As(err, &ce) {
		d := diag.Diagnostic{Severity: diag.Error, Code: code, Message: ce.msg, Range: span(e, ce.node)}
		return nil, &d
	}
	d := e.Diagnostic(code, err)
	return nil, &d
}

// constant checks that e is a constant of type want and returns its value
// in the Go representation Attr.Default documents.
func (b *builder) constant(e *syntax.Expr, want Type, what string, code diag.Code) (any, bool) {
	if e == nil || e.Root == nil {
		return nil, false
	}
	got, err := evalConst(e)
	if err != nil {
		if !isConstant(e) {
			b.errorf(code, e.Range(), "%s must be a constant: a literal, a duration or a list of literals", what)
		} else {
			b.errorf(code, e.Range(), "%s: %v", what, err)
		}
		return nil, false
	}
	v, err := convertConst(got, want)
	if err != nil {
		d := b.errorf(code, e.Range(), "%s: %v", what, err)
		if str, ok := got.(string); ok && (want.Kind == Duration || want.Kind == List && want.Elem == Duration) {
			if _, err := syntax.DurationValue(str); err == nil {
				d.Suggestion = fmt.Sprintf("write %s without quotes: %q is a string, %s a duration", str, str, str)
			}
		}
		return nil, false
	}
	return v, true
}

// convertConst converts an untyped constant to want's Go representation.
func convertConst(v any, want Type) (any, error) {
	bad := func() (any, error) {
		return nil, fmt.Errorf("%s is %s, not %s", constString(v), article(constKind(v)), article(want.String()))
	}
	switch want.Kind {
	case Int:
		if i, ok := v.(int64); ok {
			return i, nil
		}
	case Float:
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		}
	case Bool:
		if x, ok := v.(bool); ok {
			return x, nil
		}
	case String:
		if x, ok := v.(string); ok {
			return x, nil
		}
	case Duration:
		if x, ok := v.(time.Duration); ok {
			return x, nil
		}
	case Time:
		if x, ok := v.(string); ok {
			t, err := time.Parse(time.RFC3339, x)
			if err != nil {
				return nil, fmt.Errorf("%q is not an RFC 3339 time such as \"2026-01-02T15:04:05Z\"", x)
			}
			return t, nil
		}
	case List:
		xs, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := reflect.MakeSlice(reflect.TypeOf(zeroValue(want)), 0, len(xs))
		for _, x := range xs {
			c, err := convertConst(x, Type{Kind: want.Elem})
			if err != nil {
				return nil, err
			}
			out = reflect.Append(out, reflect.ValueOf(c))
		}
		return out.Interface(), nil
	}
	return bad()
}

// constKind names the Charter type of an untyped constant.
func constKind(v any) string {
	switch v.(type) {
	case int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case string:
		return "string"
	case time.Duration:
		return "duration"
	case []any:
		return "list"
	}
	return fmt.Sprintf("%T", v)
}

func constString(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// article puts "a" or "an" before a type name.
func article(name string) string {
	if name != "" && strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}
