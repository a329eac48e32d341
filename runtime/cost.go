package runtime

import (
	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
)

// Cost is a static upper bound, computed from the rules alone, on the work
// of deciding action: the number of expression nodes evaluated in the worst
// case (every rule's when and condition, the ladder and the badges they
// read), where a scan of a list or a string counts as many steps as the
// longest value the runtime accepts (eval.MaxListLen elements,
// eval.MaxStringLen bytes). Charter expressions have no loops and no
// recursion, so every decision finishes within this bound; a host that
// accepts rule files from untrusted users can refuse files whose cost it
// finds too high, as CEL's cost estimate allows.
func (c *Community) Cost(action string) (int64, error) {
	a, ok := c.actionByName[action]
	if !ok {
		return 0, c.unknownAction(action)
	}
	var total int64
	var readsRole bool
	badges := map[string]bool{}
	add := func(e *syntax.Expr) {
		if e == nil || e.Root == nil {
			return
		}
		total += exprCost(e.Root)
		exprast.Find(e.Root, func(n exprast.Node) bool {
			if id, ok := n.(*exprast.IdentifierNode); ok {
				if id.Value == "role" {
					readsRole = true
				}
				if c.def.Badge(id.Value) != nil {
					badges[id.Value] = true
				}
			}
			return false
		})
	}
	for _, r := range a.deciders {
		add(r.def.Cond)
		add(r.def.When)
		if r.Kind == check.First || r.Kind == check.Limit { // a history look-up
			total++
		}
	}
	for name := range badges {
		add(c.def.Badge(name).Cond) // may read role in turn
	}
	if readsRole {
		for _, r := range c.def.Roles {
			add(r.Cond)
		}
	}
	return total, nil
}

// exprCost counts the nodes of n, a scan of a list or string counting as
// its longest accepted length.
func exprCost(n exprast.Node) int64 {
	var cost int64
	exprast.Find(n, func(n exprast.Node) bool {
		cost++
		switch n := n.(type) {
		case *exprast.BinaryNode:
			switch n.Operator {
			case "in", "not in":
				if _, lit := n.Right.(*exprast.ArrayNode); !lit {
					cost += eval.MaxListLen
				}
			case "contains", "startsWith", "endsWith", "matches":
				cost += eval.MaxStringLen
			}
		case *exprast.CallNode:
			if id, ok := n.Callee.(*exprast.IdentifierNode); ok {
				switch id.Value {
				case "len", "lower", "upper", "trim", "starts_with", "ends_with":
					cost += eval.MaxStringLen
				}
			}
		}
		return false
	})
	return cost
}
