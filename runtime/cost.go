package runtime

import (
	"reflect"
	"unicode/utf8"

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
// (it copies them), lower and upper the bound of what they build (half as
// long again as their argument, or three times its invalid UTF-8: see
// strBound), and a `matches` the input's bound times the size of the
// pattern's program (Go's regexp is linear in both). In an effect a
// string past eval.MaxStringLen is refused before it is built, so a
// concatenation there copies at most that much and a string's bound stops
// at half as much again (what lower and upper may build before the
// refusal). Charter expressions have no loops and no
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
	inRule, inEffect := newCoster(c.def, false), newCoster(c.def, true)
	add := func(e *syntax.Expr, effect bool) {
		if e == nil || e.Root == nil {
			return
		}
		k := inRule
		if effect {
			k = inEffect
		}
		total = satAdd(total, k.exprCost(e.Root))
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
				ladder = satAdd(ladder, inRule.exprCost(r.Cond.Root))
			}
		}
		if readsRole {
			total = satAdd(total, ladder)
		}
		total = satAdd(total, satMul(otherRoles, ladder))
	}
	return total, nil
}

// coster counts the cost of expressions (exprCost) and bounds their
// strings (strBound).
type coster struct {
	// effect is set in an effect's value, whose strings past
	// eval.MaxStringLen are refused (eval.CompileEffect).
	effect bool
	// stored bounds the bytes of invalid UTF-8 a string attribute or
	// setting may hold. A host's strings and an effect's stored ones are
	// valid UTF-8 (refused otherwise), and so is a declared default since
	// a literal's escape may not name a byte above 0x7F (SPEC §2.8); it
	// is counted all the same, so that the bound does not rest on that.
	stored int64
}

// newCoster returns the coster of community c's expressions.
func newCoster(c *check.Community, effect bool) coster {
	k := coster{effect: effect}
	for _, as := range [][]*check.Attr{c.Attrs, c.Settings} {
		for _, a := range as {
			if v, ok := a.Default.(string); ok {
				k.stored = max(k.stored, invalidBytes(v))
			}
		}
	}
	return k
}

// exprCost counts the nodes of n, and for each node that works on a list
// or string the length it may work on.
func (k coster) exprCost(n exprast.Node) int64 {
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
				cost = satAdd(cost, k.strLen(n.Left))
			case "matches":
				cost = satAdd(cost, satMul(patternInsts(n.Right), k.strLen(n.Left)))
			case "+":
				if isString(n) {
					b := k.strLen(n)
					if k.effect { // a longer result is refused before it is built
						b = min(b, eval.MaxStringLen)
					}
					cost = satAdd(cost, b)
				}
			}
		case *exprast.CallNode:
			if id, ok := n.Callee.(*exprast.IdentifierNode); ok && len(n.Arguments) > 0 {
				switch id.Value {
				case "len", "trim", "starts_with", "ends_with":
					if isString(n.Arguments[0]) { // len of a list takes one step
						cost = satAdd(cost, k.strLen(n.Arguments[0]))
					}
				case "lower", "upper": // they read their argument and build a string
					cost = satAdd(cost, k.strLen(n))
				}
			}
		}
		return false
	})
	return cost
}

// strLen bounds the length in bytes of the string n evaluates to.
func (k coster) strLen(n exprast.Node) int64 {
	b, _ := k.strBound(n)
	return b
}

// strBound bounds the length in bytes of the string n evaluates to (b),
// and the bytes of invalid UTF-8 in what it was built from (bad).
//
// Case mapping is what makes a string longer than its parts: Go's
// strings.ToLower and ToUpper (lower and upper) map a valid rune to one
// at most half as long again (U+023A 'Ⱥ', 2 bytes, to U+2C65, 3 bytes; no
// rune grows more, however often its case changes, and ASCII stays ASCII)
// but replace each byte of invalid UTF-8 by U+FFFD, 3 bytes: their result
// is at most 1.5 b + 1.5 bad bytes long. Every string an expression sees
// is valid UTF-8 today (a host's and a stored one are checked, and a
// literal's escape may not name a byte above 0x7F: SPEC §2.8), so bad is
// 0 but for a node built otherwise; the bound stays sound should that
// change.
// Concatenating two strings makes no invalid byte that was not in one of
// them (a valid rune of either decodes the same in the whole), and trim
// returns a substring cut at decoded runes. bad is not lowered by a case
// mapping, so that it bounds the invalid bytes of whatever string a
// chain of them started from.
func (k coster) strBound(n exprast.Node) (b, bad int64) {
	switch n := n.(type) {
	case *exprast.StringNode:
		b, bad = int64(len(n.Value)), invalidBytes(n.Value)
	case *exprast.ChainNode:
		return k.strBound(n.Node)
	case *exprast.IdentifierNode, *exprast.MemberNode:
		// An attribute, setting or parameter: the host's value, an
		// effect's or a declared default.
		b, bad = eval.MaxStringLen, min(eval.MaxStringLen, k.stored)
	case *exprast.BinaryNode:
		if n.Operator != "+" {
			return eval.MaxStringLen, eval.MaxStringLen
		}
		lb, lbad := k.strBound(n.Left)
		rb, rbad := k.strBound(n.Right)
		b, bad = satAdd(lb, rb), satAdd(lbad, rbad)
	case *exprast.ConditionalNode:
		b1, bad1 := k.strBound(n.Exp1)
		b2, bad2 := k.strBound(n.Exp2)
		b, bad = max(b1, b2), max(bad1, bad2)
	case *exprast.CallNode:
		id, ok := n.Callee.(*exprast.IdentifierNode)
		if !ok || len(n.Arguments) == 0 {
			return eval.MaxStringLen, eval.MaxStringLen
		}
		switch id.Value {
		case "lower", "upper":
			x, xbad := k.strBound(n.Arguments[0])
			b, bad = satAdd(satAdd(x, x/2+1), satAdd(xbad, xbad/2+1)), xbad
		case "trim":
			b, bad = k.strBound(n.Arguments[0])
		default:
			return eval.MaxStringLen, eval.MaxStringLen
		}
	default:
		return eval.MaxStringLen, eval.MaxStringLen
	}
	if k.effect {
		// Every string of an effect is a chain of lower, upper and trim
		// over one of at most eval.MaxStringLen bytes, since a longer
		// concatenation is refused before it is built (yielding its left
		// operand); the chain makes it at most half as long again, and 3
		// bytes of each invalid one.
		bad = min(bad, eval.MaxStringLen)
		b = min(b, satAdd(eval.MaxStringLen+eval.MaxStringLen/2, bad+bad/2+1))
	}
	return b, bad
}

// invalidBytes counts the bytes of s that are not part of valid UTF-8:
// those lower and upper replace by U+FFFD.
func invalidBytes(s string) int64 {
	var n int64
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && size == 1 {
			n++
		}
		s = s[size:]
	}
	return n
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
