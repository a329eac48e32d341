package check

import (
	"fmt"
	"slices"
	"time"

	exprast "github.com/expr-lang/expr/ast"
)

// Charter's expressions are expr-lang's minus what a compiled rule cannot
// afford or has no meaning for. The checker refuses those here, by node
// kind, operator and function name, so that every later stage (the
// runtime's evaluator, charter gen) sees only what it supports.

// An UnsupportedError names a construct of an expression that Charter
// does not support.
type UnsupportedError struct {
	Node exprast.Node
	Msg  string
}

func (e *UnsupportedError) Error() string { return e.Msg }

// Supported reports, as an *UnsupportedError, the first construct of the
// expression at node (in source order, outermost first) that Charter does
// not support, or returns nil. Calls may name only funcs (the stdlib, and
// in goal measures the aggregates "count", "share", "sum", "avg", "min"
// and "max"); an unknown name is reported with a better one when there is
// one.
//
// It checks what does not depend on names or types: node kinds,
// operators, the functions called. The checker and the compilers after it
// report the rest.
func Supported(node exprast.Node, funcs []string) error {
	if node == nil {
		return nil
	}
	if err := supported(node, funcs); err != nil {
		return err
	}
	return nil
}

func supported(n exprast.Node, funcs []string) *UnsupportedError {
	if msg := Unsupported(n); msg != "" {
		return &UnsupportedError{Node: n, Msg: msg}
	}
	var name string
	switch n := n.(type) {
	case *exprast.CallNode:
		name = n.Callee.(*exprast.IdentifierNode).Value
	case *exprast.BuiltinNode:
		name = n.Name
	}
	if name != "" && !slices.Contains(funcs, name) {
		return &UnsupportedError{Node: n, Msg: UnknownFunction(name, funcs)}
	}
	for _, c := range operands(n) {
		if err := supported(c, funcs); err != nil {
			return err
		}
	}
	return nil
}

// Unsupported says why Charter does not support node n itself (not its
// operands), or returns "". A compiler that may be handed an unchecked
// expression asks it of each node, to fail with the checker's words.
func Unsupported(n exprast.Node) string {
	switch n := n.(type) {
	case *exprast.NilNode:
		return "nil is not a Charter value"
	case *exprast.BytesNode:
		return "byte strings are not supported"
	case *exprast.PointerNode, *exprast.PredicateNode:
		return "predicates (# and .field inside all, filter, map, ...) are not supported"
	case *exprast.VariableDeclaratorNode:
		return "let is not supported"
	case *exprast.SequenceNode:
		return "sequences (a; b) are not supported"
	case *exprast.MapNode, *exprast.PairNode:
		return "maps are not supported"
	case *exprast.SliceNode:
		return "slicing is not supported: it would build a new list at every evaluation"
	case *exprast.IdentifierNode:
		if n.Value == "$env" {
			return "$env is not supported"
		}
	case *exprast.MemberNode:
		if n.Method {
			return "methods are not supported"
		}
		if _, isField := n.Property.(*exprast.StringNode); isField {
			id, ok := n.Node.(*exprast.IdentifierNode)
			if !ok {
				return "only name.field and list[i] are supported"
			}
			if id.Value == "$env" {
				return "$env is not supported"
			}
		}
	case *exprast.CallNode:
		if m, ok := n.Callee.(*exprast.MemberNode); ok && m.Method {
			return "methods are not supported"
		}
		if _, ok := n.Callee.(*exprast.IdentifierNode); !ok {
			return "only functions can be called, by name"
		}
	case *exprast.BuiltinNode:
		if n.Map != nil || n.Threshold != nil {
			return fmt.Sprintf("the optimized form of %s is not supported", n.Name)
		}
	case *exprast.BinaryNode:
		if n.Operator == "|" {
			return "operator | is not supported"
		}
	case *exprast.ConstantNode:
		if !constantSupported(n.Value) {
			return fmt.Sprintf("a constant of type %T is not supported", n.Value)
		}
	}
	return ""
}

// constantSupported reports whether a ConstantNode (which only expr-lang's
// optimizer makes) holds a value of a Charter type. The evaluator still
// refuses a time outside the years it can represent.
func constantSupported(v any) bool {
	switch v.(type) {
	case int, int64, float64, bool, string, time.Duration, time.Time,
		[]int, []float64, []string, []bool:
		return true
	}
	return false
}

// operands returns the direct operands of n in source order: what the
// walk descends into (a call's callee is not one; Unsupported judged it).
func operands(n exprast.Node) []exprast.Node {
	switch n := n.(type) {
	case *exprast.UnaryNode:
		return []exprast.Node{n.Node}
	case *exprast.BinaryNode:
		return []exprast.Node{n.Left, n.Right}
	case *exprast.ChainNode:
		return []exprast.Node{n.Node}
	case *exprast.MemberNode:
		return []exprast.Node{n.Node, n.Property}
	case *exprast.CallNode:
		return n.Arguments
	case *exprast.BuiltinNode:
		return n.Arguments
	case *exprast.ConditionalNode:
		return []exprast.Node{n.Cond, n.Exp1, n.Exp2}
	case *exprast.ArrayNode:
		return n.Nodes
	}
	return nil
}

// UnknownFunction is the message for a call of name, which funcs does not
// hold: it names the better function designers reach for, or the one of
// funcs within two edits.
func UnknownFunction(name string, funcs []string) string {
	return "unknown function " + name + functionHint(name, funcs)
}

// functionHints are the better names for functions designers reach for.
var functionHints = map[string]string{
	"min":        "; use least(a, b) to compare values (min(e) is a goal aggregate, only in measures)",
	"max":        "; use greatest(a, b) to compare values (max(e) is a goal aggregate, only in measures)",
	"count":      "; count is a goal aggregate, only in measures",
	"share":      "; share is a goal aggregate, only in measures",
	"sum":        "; sum is a goal aggregate, only in measures",
	"avg":        "; avg is a goal aggregate, only in measures",
	"hasPrefix":  "; did you mean starts_with?",
	"hasSuffix":  "; did you mean ends_with?",
	"startsWith": "; did you mean starts_with? (or the operator: s startsWith \"x\")",
	"endsWith":   "; did you mean ends_with? (or the operator: s endsWith \"x\")",
	"trimSpace":  "; did you mean trim?",
	"toLower":    "; did you mean lower?",
	"toUpper":    "; did you mean upper?",
}

func init() {
	// expr-lang's list functions take predicates, which Charter leaves out.
	for _, name := range []string{"all", "any", "none", "one", "filter", "map", "find", "findIndex",
		"findLast", "findLastIndex", "groupBy", "sortBy", "reduce"} {
		functionHints[name] = "; expr-lang's list functions are not part of Charter (use x in list)"
	}
}

func functionHint(name string, funcs []string) string {
	if h, ok := functionHints[name]; ok {
		return h
	}
	best, bestD := "", 3
	for _, f := range funcs {
		if d := Distance(name, f); d < bestD {
			best, bestD = f, d
		}
	}
	if best != "" {
		return "; did you mean " + best + "?"
	}
	return ""
}
