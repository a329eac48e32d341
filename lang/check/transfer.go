package check

import (
	"strings"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// lintTransfers warns about an effect that moves a quantity between two
// members by a parameter that no rule bounds below (CH0206): in
//
//	may tip if amount <= reputation
//	on tip { reputation -= amount; to.reputation += amount }
//
// a tip of -100 takes 100 from the member tipped. A transfer is a pair of
// assignments of one effect to the same attribute of two different members
// (the actor and a member parameter, or two member parameters), one `+=`
// and one `-=`, whose values are both the same numeric parameter p. SPEC
// §14.3 (CH0206) says when a rule bounds p below; see boundedBelow.
func (b *builder) lintTransfers(own func(syntax.Decl) bool) {
	com := b.com
	for _, e := range com.Effects {
		if e.Decl == nil || !own(e.Decl) {
			continue
		}
		reported := map[string]bool{}
		for i, x := range e.Assigns {
			p := transferParam(e.Action, x)
			if p == "" {
				continue
			}
			for _, y := range e.Assigns[:i] {
				if y.Attr != x.Attr || y.Param == x.Param || y.Op == x.Op || transferParam(e.Action, y) != p {
					continue
				}
				key := p + "\x00" + x.Attr.Name
				if reported[key] || b.boundedBelow(e.Action, p) {
					continue
				}
				reported[key] = true
				to := x
				if y.Op == "+=" {
					to = y
				}
				d := b.warnf(diag.UnboundedTransfer, x.Decl.Range(),
					"on %s moves %s between %s and %s by %s, but no rule of %s bounds %s below: a negative %s takes %s from %s",
					e.Action.Name, x.Attr.Name, holder(y), holder(x), p, e.Action.Name, p, p, x.Attr.Name, holder(to))
				d.Suggestion = "add `must not " + e.Action.Name + " if " + p + " <= 0`"
			}
		}
	}
}

// holder names the member an assignment changes.
func holder(a *Assign) string {
	if a.Param == nil {
		return "the actor"
	}
	return "`" + a.Param.Name + "`"
}

// transferParam returns the name of the numeric parameter of a that is the
// whole value of the `+=` or `-=` assignment x, or "".
func transferParam(a *Action, x *Assign) string {
	if x.Op != "+=" && x.Op != "-=" || x.Value == nil || x.Value.Root == nil {
		return ""
	}
	id, ok := x.Value.Root.(*exprast.IdentifierNode)
	if !ok {
		return ""
	}
	p := a.Param(id.Value)
	if p == nil || (p.Type.Kind != Int && p.Type.Kind != Float && p.Type.Kind != Duration) {
		return ""
	}
	return p.Name
}

// boundedBelow reports whether the rules of action a keep its parameter p
// from being negative: a `must not a` outside `when` with no condition, or
// with a condition one of whose `||` operands is `p < e` or `p <= e` (or
// `e > p`, `e >= p`); or, under default deny, no `may a` at all or every
// `may a` with a condition one of whose `&&` operands is `p > e` or `p >=
// e` (or `e < p`, `e <= p`, `between(p, e, hi)`, `p in e..hi`). Here e is
// an expression that does not read p and is either not a constant (the
// checker cannot know its sign, and trusts it) or a constant number or
// duration that is not negative.
func (b *builder) boundedBelow(a *Action, p string) bool {
	var mays []*Rule
	for _, r := range b.com.Rules {
		if !governs(r, a) {
			continue
		}
		switch r.Kind {
		case MustNot:
			if r.When != nil {
				continue // only while a goal condition holds
			}
			if r.Cond == nil || r.Cond.Root == nil {
				return true // a is never allowed
			}
			for _, d := range operandsOf(r.Cond.Root, "||", "or") {
				if compares(d, p, "<", "<=") {
					return true
				}
			}
		case May:
			mays = append(mays, r)
		}
	}
	if b.com.DefaultAllow {
		return false
	}
	for _, r := range mays {
		if r.Cond == nil || r.Cond.Root == nil {
			return false
		}
		bounded := false
		for _, c := range operandsOf(r.Cond.Root, "&&", "and") {
			if compares(c, p, ">", ">=") || rangeFrom(c, p) {
				bounded = true
				break
			}
		}
		if !bounded {
			return false
		}
	}
	return true // every way to be allowed bounds p (or there is none)
}

func governs(r *Rule, a *Action) bool {
	for _, x := range r.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// operandsOf splits n at the top-level binary operators op1/op2 (&& and
// `and`, or || and `or`).
func operandsOf(n exprast.Node, op1, op2 string) []exprast.Node {
	if bn, ok := n.(*exprast.BinaryNode); ok && (bn.Operator == op1 || bn.Operator == op2) {
		return append(operandsOf(bn.Left, op1, op2), operandsOf(bn.Right, op1, op2)...)
	}
	return []exprast.Node{n}
}

// mirror is the operator of a comparison with its operands swapped.
var mirror = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}

// compares reports whether n is `p op e` with op one of ops, or `e op' p`
// with op' its mirror, e being a bound (see isBound).
func compares(n exprast.Node, p string, ops ...string) bool {
	bn, ok := n.(*exprast.BinaryNode)
	if !ok {
		return false
	}
	for _, op := range ops {
		if bn.Operator == op && isParam(bn.Left, p) && isBound(bn.Right, p) {
			return true
		}
		if bn.Operator == mirror[op] && isParam(bn.Right, p) && isBound(bn.Left, p) {
			return true
		}
	}
	return false
}

// rangeFrom reports whether n is `between(p, e, hi)` or `p in e..hi` with e
// a bound.
func rangeFrom(n exprast.Node, p string) bool {
	switch n := n.(type) {
	case *exprast.CallNode:
		id, ok := n.Callee.(*exprast.IdentifierNode)
		return ok && id.Value == "between" && len(n.Arguments) == 3 && isParam(n.Arguments[0], p) && isBound(n.Arguments[1], p)
	case *exprast.BinaryNode:
		r, ok := n.Right.(*exprast.BinaryNode)
		return ok && n.Operator == "in" && r.Operator == ".." && isParam(n.Left, p) && isBound(r.Left, p)
	}
	return false
}

func isParam(n exprast.Node, p string) bool {
	id, ok := n.(*exprast.IdentifierNode)
	return ok && id.Value == p
}

// isBound reports whether e can serve as a lower bound of p: it does not
// read p, and it reads some other name (the checker trusts it) or is a
// constant number or duration that is not negative.
func isBound(e exprast.Node, p string) bool {
	readsP, readsName := false, false
	exprast.Find(e, func(n exprast.Node) bool {
		if id, ok := n.(*exprast.IdentifierNode); ok {
			if id.Value == p {
				readsP = true
			} else if !strings.HasPrefix(id.Value, "$") {
				readsName = true
			}
		}
		if _, ok := n.(*exprast.MemberNode); ok {
			readsName = true // p.attr or a goal field
		}
		return false
	})
	if readsP {
		return false
	}
	if readsName {
		return true
	}
	v, ok := constNumber(e)
	return ok && v >= 0
}

// constNumber is the value of a literal number or duration, possibly
// negated; ok is false for any other expression.
func constNumber(n exprast.Node) (float64, bool) {
	switch n := n.(type) {
	case *exprast.IntegerNode:
		return float64(n.Value), true
	case *exprast.FloatNode:
		return n.Value, true
	case *exprast.IdentifierNode:
		if lit, ok := strings.CutPrefix(n.Value, "$"); ok {
			if d, err := syntax.DurationValue(lit); err == nil {
				return float64(d), true
			}
		}
	case *exprast.UnaryNode:
		v, ok := constNumber(n.Node)
		switch n.Operator {
		case "-":
			return -v, ok
		case "+":
			return v, ok
		}
	}
	return 0, false
}
