package runtime

import (
	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
)

// reach is what an effect writing one attribute of a member can change
// of that member: its role, its badges (bit i of badges for badge i) and
// its contribution to each aggregate (bit j of aggs for aggregate j).
//
// An applied action compares each touched member before and after its
// effects at one time, with one history (the action is recorded after the
// comparison), the same goals and the same member count: only the
// member's own attributes (and their given bits, which an assignment
// sets and has() reads) differ. So a role, badge or contribution whose
// conditions read none of the attributes the effects write cannot change,
// and the state skips evaluating it (State.markBefore).
type reach struct {
	role   bool
	badges []uint64
	aggs   []uint64
}

// reaches works out c.attrReach from the names the role ladder, the badge
// conditions and the aggregates' arguments read, through the role and
// badges they read in turn. A name that is not an attribute (a goal,
// members, a local name) reads nothing an effect writes; one that shadows
// an attribute counts as the attribute, which only costs an evaluation.
func (cm *compiler) reaches() {
	c := cm.c
	nb := len(c.def.Badges)
	badgeIndex := map[string]int{}
	for i, b := range c.def.Badges {
		badgeIndex[b.Name] = i
	}
	lets := map[string]bool{}
	for _, l := range c.def.Lets {
		lets[l.Name] = true
	}
	every := map[int]bool{}
	for i := range c.layout.Len() {
		every[i] = true
	}
	type reads struct {
		attrs  map[int]bool
		role   bool
		badges []int
	}
	direct := func(roots ...exprast.Node) reads {
		r := reads{attrs: map[int]bool{}}
		for _, root := range roots {
			if root == nil {
				continue
			}
			callee := map[exprast.Node]bool{}
			exprast.Find(root, func(n exprast.Node) bool {
				switch n := n.(type) {
				case *exprast.CallNode:
					callee[n.Callee] = true
				case *exprast.IdentifierNode:
					if callee[n] {
						break
					}
					if i, ok := c.layout.Lookup(n.Value); ok {
						r.attrs[i] = true
					}
					if n.Value == "role" {
						r.role = true
					}
					if b, ok := badgeIndex[n.Value]; ok {
						r.badges = append(r.badges, b)
					}
					if lets[n.Value] {
						// The checker expands named conditions in
						// place; should one be left, it may read any
						// attribute.
						r.attrs = every
					}
				}
				return false
			})
		}
		return r
	}
	var ladder []exprast.Node
	for _, rung := range c.def.Roles {
		if rung.Cond != nil {
			ladder = append(ladder, rung.Cond.Root)
		}
	}
	role := direct(ladder...)
	if d := c.derived; d != nil && d.Demote {
		// Demotions count in the rank (eval.Derived.demoted).
		for _, name := range []string{check.DemotionsAttr, check.DemotedUntilAttr} {
			if i, ok := c.layout.Lookup(name); ok {
				role.attrs[i] = true
			}
		}
	}
	badge := make([]reads, nb)
	for i, b := range c.def.Badges {
		badge[i] = direct(b.Cond.Root)
	}
	// full adds to into the attributes r reads through the role and the
	// badges, each followed once.
	var full func(r reads, into map[int]bool, seenRole bool, seenBadge []bool)
	full = func(r reads, into map[int]bool, seenRole bool, seenBadge []bool) {
		for i := range r.attrs {
			into[i] = true
		}
		if r.role && !seenRole {
			full(role, into, true, seenBadge)
		}
		for _, b := range r.badges {
			if !seenBadge[b] {
				seenBadge[b] = true
				full(badge[b], into, seenRole, seenBadge)
			}
		}
	}
	closure := func(r reads, isRole bool, isBadge int) map[int]bool {
		into := map[int]bool{}
		seen := make([]bool, nb)
		if isBadge >= 0 {
			seen[isBadge] = true
		}
		full(r, into, isRole, seen)
		return into
	}
	words := func(n int) int { return (n + 63) / 64 }
	c.attrReach = make([]reach, c.layout.Len())
	for i := range c.attrReach {
		c.attrReach[i] = reach{badges: make([]uint64, words(nb)), aggs: make([]uint64, words(len(c.aggs)))}
	}
	for i := range closure(role, true, -1) {
		c.attrReach[i].role = true
	}
	for b := range badge {
		for i := range closure(badge[b], false, b) {
			c.attrReach[i].badges[b/64] |= 1 << uint(b%64)
		}
	}
	for j, a := range c.aggs {
		for i := range closure(direct(a.node), false, -1) {
			c.attrReach[i].aggs[j/64] |= 1 << uint(j%64)
		}
	}
}
