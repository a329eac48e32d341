package runtime

import (
	"reflect"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
)

// Cost is a static upper bound, computed from the rules alone, on the work
// of deciding action and applying its effects: the number of expression
// nodes evaluated in the worst case (every rule's when and condition, the
// effects' values, the ladder and the badges they read), where work on a
// list or a string counts as many steps as its longest possible length.
// A list scan counts eval.MaxListLen; a string the host gives counts
// eval.MaxStringLen bytes, a concatenation the sum of its operands' bounds
// (it copies them), and a `matches` the input's bound times the size of
// the pattern's program (Go's regexp is linear in both). In an effect a
// string past eval.MaxStringLen is refused before it is built, so a
// concatenation there copies at most that much and bounds stop at half as
// much again (what lower and upper may build before the refusal). Charter expressions have no loops and no
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
	otherRoles := int64(0) // p.role reads: each evaluates the ladder on p's record
	badges := map[string]bool{}
	add := func(e *syntax.Expr, effect bool) {
		if e == nil || e.Root == nil {
			return
		}
		total = satAdd(total, exprCost(e.Root, effect))
		exprast.Find(e.Root, func(n exprast.Node) bool {
			if m, ok := n.(*exprast.MemberNode); ok {
				if id, ok := m.Node.(*exprast.IdentifierNode); ok {
					if p := a.def.Param(id.Value); p != nil && p.Type.Kind == check.Member {
						if s, ok := m.Property.(*exprast.StringNode); ok && s.Value == "role" {
							otherRoles++
						}
					}
				}
			}
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
		add(r.def.Cond, false)
		add(r.def.When, false)
		if r.Kind == check.First || r.Kind == check.Limit { // a history look-up
			total++
		}
	}
	for _, as := range a.effect {
		add(as.def.Value, true)
		total++ // the assignment
		if as.slot.Type.Kind == check.String && as.op == "+=" {
			total += eval.MaxStringLen // the appended copy, refused past the limit
		}
		if as.slot.Type.Kind == check.List && as.op != "=" {
			total += eval.MaxListLen // a member added or removed: the list is searched and copied
		}
	}
	for name := range badges {
		add(c.def.Badge(name).Cond, false) // may read role in turn
	}
	if readsRole || otherRoles > 0 {
		var ladder int64
		for _, r := range c.def.Roles {
			if r.Cond != nil && r.Cond.Root != nil {
				ladder = satAdd(ladder, exprCost(r.Cond.Root, false))
			}
		}
		if readsRole {
			total = satAdd(total, ladder)
		}
		total = satAdd(total, satMul(otherRoles, ladder))
	}
	return total, nil
}

// exprCost counts the nodes of n, and for each node that works on a list
// or string the length it may work on. In an effect (effect set), strings
// are bounded by eval.MaxStringLen.
func exprCost(n exprast.Node, effect bool) int64 {
	var cost int64
	exprast.Find(n, func(n exprast.Node) bool {
		cost = satAdd(cost, 1)
		switch n := n.(type) {
		case *exprast.BinaryNode:
			switch n.Operator {
			case "in", "not in":
				if _, lit := n.Right.(*exprast.ArrayNode); !lit {
					cost = satAdd(cost, eval.MaxListLen)
				}
			case "contains", "startsWith", "endsWith":
				cost = satAdd(cost, strBound(n.Left, effect))
			case "matches":
				cost = satAdd(cost, satMul(patternInsts(n.Right), strBound(n.Left, effect)))
			case "+":
				if isString(n) {
					k := strBound(n, effect)
					if effect { // a longer result is refused before it is built
						k = min(k, eval.MaxStringLen)
					}
					cost = satAdd(cost, k)
				}
			}
		case *exprast.CallNode:
			if id, ok := n.Callee.(*exprast.IdentifierNode); ok && len(n.Arguments) > 0 {
				switch id.Value {
				case "len", "lower", "upper", "trim", "starts_with", "ends_with":
					if isString(n.Arguments[0]) { // len of a list takes one step
						cost = satAdd(cost, strBound(n.Arguments[0], effect))
					}
				}
			}
		}
		return false
	})
	return cost
}

// strBound bounds the length in bytes of the string n evaluates to.
func strBound(n exprast.Node, effect bool) int64 {
	var b int64
	switch n := n.(type) {
	case *exprast.StringNode:
		return int64(len(n.Value))
	case *exprast.ChainNode:
		return strBound(n.Node, effect)
	case *exprast.BinaryNode:
		if n.Operator != "+" {
			return eval.MaxStringLen
		}
		b = satAdd(strBound(n.Left, effect), strBound(n.Right, effect))
	case *exprast.ConditionalNode:
		b = max(strBound(n.Exp1, effect), strBound(n.Exp2, effect))
	case *exprast.CallNode:
		id, ok := n.Callee.(*exprast.IdentifierNode)
		if !ok || len(n.Arguments) == 0 {
			return eval.MaxStringLen
		}
		switch id.Value {
		case "lower", "upper": // a letter's other case may take half as many bytes again
			x := strBound(n.Arguments[0], effect)
			b = satAdd(x, x/2+1)
		case "trim":
			b = strBound(n.Arguments[0], effect)
		default:
			return eval.MaxStringLen
		}
	default:
		return eval.MaxStringLen
	}
	if effect {
		// A longer value is refused as soon as it is seen; lower and upper
		// may build one half as long again before that.
		b = min(b, eval.MaxStringLen+eval.MaxStringLen/2)
	}
	return b
}

// patternInsts is the program size of a constant pattern, or the largest
// the checker allows when the pattern is not a literal.
func patternInsts(n exprast.Node) int64 {
	if s, ok := n.(*exprast.StringNode); ok {
		if k, err := check.PatternInsts(s.Value); err == nil {
			return int64(k)
		}
	}
	return check.MaxPatternInsts
}

func isString(n exprast.Node) bool {
	t := n.Type()
	return t != nil && t.Kind() == reflect.String
}

// satAdd and satMul saturate at the largest int64, so that a bound never
// wraps to a small number.
func satAdd(a, b int64) int64 {
	if s, ok := eval.AddInt(a, b); ok {
		return s
	}
	return 1<<63 - 1
}

func satMul(a, b int64) int64 {
	if p, ok := eval.MulInt(a, b); ok {
		return p
	}
	return 1<<63 - 1
}
