package eval

import (
	"fmt"
	"github.com/charterlang/charter/lang/check"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/stdlib"
)

// Supported reports, as an *Error naming the node, the first construct of
// the expression (in source order, outermost first) that Compile does not
// support, so that the checker can reject it before anything runs. Calls
// may name stdlib functions and the given aggregates (in goal measures:
// "count", "share", "sum", "avg", "min", "max").
//
// It checks what does not depend on names: node kinds, operators, the
// functions called. Compile reports the rest (unknown names, types that do
// not fit, list literals of non-constants, bad regular expressions,
// constant divisors of zero and constant indexes out of range).
func Supported(node ast.Node, aggregates ...string) error {
	if node == nil {
		return nil
	}
	if err := supported(node, aggregates); err != nil {
		return err
	}
	return nil
}

func supported(n ast.Node, aggregates []string) *Error {
	if msg := unsupported(n); msg != "" {
		return errorf(n, "%s", msg)
	}
	var name string
	switch n := n.(type) {
	case *ast.CallNode:
		name = n.Callee.(*ast.IdentifierNode).Value
	case *ast.BuiltinNode:
		name = n.Name
	}
	if name != "" && !slices.Contains(aggregates, name) {
		if _, ok := stdlib.Lookup(name); !ok {
			return errorf(n, "unknown function %s%s", name, suggest(name))
		}
	}
	for _, c := range children(n) {
		if err := supported(c, aggregates); err != nil {
			return err
		}
	}
	return nil
}

// unsupported says why Compile cannot compile node n itself (not its
// children), or returns "".
func unsupported(n ast.Node) string {
	switch n := n.(type) {
	case *ast.NilNode:
		return "nil is not a Charter value"
	case *ast.BytesNode:
		return "byte strings are not supported"
	case *ast.PointerNode, *ast.PredicateNode:
		return "predicates (# and .field inside all, filter, map, ...) are not supported"
	case *ast.VariableDeclaratorNode:
		return "let is not supported"
	case *ast.SequenceNode:
		return "sequences (a; b) are not supported"
	case *ast.MapNode, *ast.PairNode:
		return "maps are not supported"
	case *ast.SliceNode:
		return "slicing is not supported: it would build a new list at every evaluation"
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			return "$env is not supported"
		}
	case *ast.MemberNode:
		if n.Method {
			return "methods are not supported"
		}
		if _, isField := n.Property.(*ast.StringNode); isField {
			id, ok := n.Node.(*ast.IdentifierNode)
			if !ok {
				return "only name.field and list[i] are supported"
			}
			if id.Value == "$env" {
				return "$env is not supported"
			}
		}
	case *ast.CallNode:
		if m, ok := n.Callee.(*ast.MemberNode); ok && m.Method {
			return "methods are not supported"
		}
		if _, ok := n.Callee.(*ast.IdentifierNode); !ok {
			return "only functions can be called, by name"
		}
	case *ast.BuiltinNode:
		if n.Map != nil || n.Threshold != nil {
			return fmt.Sprintf("the optimized form of %s is not supported", n.Name)
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "|":
			return "operator | is not supported"
		}
	case *ast.ConstantNode:
		if _, _, ok := constantValue(n.Value); !ok {
			return fmt.Sprintf("a constant of type %T is not supported", n.Value)
		}
	}
	return ""
}

// children returns the direct children of n in source order.
func children(n ast.Node) []ast.Node {
	switch n := n.(type) {
	case *ast.UnaryNode:
		return []ast.Node{n.Node}
	case *ast.BinaryNode:
		return []ast.Node{n.Left, n.Right}
	case *ast.ChainNode:
		return []ast.Node{n.Node}
	case *ast.MemberNode:
		return []ast.Node{n.Node, n.Property}
	case *ast.CallNode:
		return n.Arguments
	case *ast.BuiltinNode:
		return n.Arguments
	case *ast.ConditionalNode:
		return []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.ArrayNode:
		return n.Nodes
	}
	return nil
}

// describe names a node kind for an error message.
func describe(n ast.Node) string {
	return strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."), "Node")
}

// hints are the better names for functions designers reach for.
var hints = map[string]string{
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
		hints[name] = "; expr-lang's list functions are not part of Charter (use x in list)"
	}
}

// suggest returns a hint for an unknown function name: a known better
// name, or the stdlib name within two edits.
func suggest(name string) string {
	if h, ok := hints[name]; ok {
		return h
	}
	best, bestD := "", 3
	for _, f := range stdlib.Functions {
		if d := check.Distance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	}
	if best != "" {
		return "; did you mean " + best + "?"
	}
	return ""
}
