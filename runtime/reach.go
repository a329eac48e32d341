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

// reaches sets the reach of every effect's assignment from the names the
// role ladder, the badge conditions and the aggregates' arguments read,
// through the role and badges they read in turn. Only the attributes some
// effect writes are tracked, as bits, so that a community of many
// attributes, rungs or badges costs a walk of its expressions and a few
// words per condition. A name that is not an attribute (a goal, members,
// a local name) reads nothing an effect writes; one that shadows an
// attribute counts as the attribute, which only costs an evaluation.
func (cm *compiler) reaches() {
	c := cm.c
	// written numbers the attributes effects assign: bit w of a set.
	written := map[int]int{}
	for _, a := range c.actions {
		for _, as := range a.effect {
			if _, ok := written[as.attr]; !ok {
				written[as.attr] = len(written)
			}
		}
	}
	if len(written) == 0 {
		return
	}
	nw := (len(written) + 63) / 64
	nb := len(c.def.Badges)
	badgeIndex := make(map[string]int, nb)
	for i, b := range c.def.Badges {
		badgeIndex[b.Name] = i
	}
	var lets map[string]bool
	for _, l := range c.def.Lets {
		if lets == nil {
			lets = map[string]bool{}
		}
		lets[l.Name] = true
	}
	// An item (the role, a badge, an aggregate) reads the written
	// attributes in attrs, the role when role, and the badges in badges.
	type item struct {
		attrs  []uint64
		role   bool
		badges []int
	}
	callee := map[exprast.Node]bool{}
	read := func(it *item, root exprast.Node) {
		if root == nil {
			return
		}
		clear(callee)
		exprast.Find(root, func(n exprast.Node) bool {
			switch n := n.(type) {
			case *exprast.CallNode:
				callee[n.Callee] = true
			case *exprast.IdentifierNode:
				if callee[n] {
					break
				}
				if i, ok := c.layout.Lookup(n.Value); ok {
					if w, ok := written[i]; ok {
						it.attrs[w/64] |= 1 << uint(w%64)
					}
				}
				if n.Value == "role" {
					it.role = true
				}
				if b, ok := badgeIndex[n.Value]; ok {
					it.badges = append(it.badges, b)
				}
				if lets[n.Value] {
					// The checker expands named conditions in place;
					// should one be left, it may read any attribute.
					for w := range it.attrs {
						it.attrs[w] = ^uint64(0)
					}
				}
			}
			return false
		})
	}
	newItem := func() item { return item{attrs: make([]uint64, nw)} }
	role := newItem()
	for _, rung := range c.def.Roles {
		if rung.Cond != nil {
			read(&role, rung.Cond.Root)
		}
	}
	if d := c.derived; d != nil && d.Demote {
		// Demotions count in the rank (eval.Derived.demoted).
		for _, name := range []string{check.DemotionsAttr, check.DemotedUntilAttr} {
			if i, ok := c.layout.Lookup(name); ok {
				if w, ok := written[i]; ok {
					role.attrs[w/64] |= 1 << uint(w%64)
				}
			}
		}
	}
	badges := make([]item, nb)
	for i, b := range c.def.Badges {
		badges[i] = newItem()
		read(&badges[i], b.Cond.Root)
	}
	// What the role and badges read through one another, to a fixed
	// point (the checker allows few such reads; a cycle ends too).
	or := func(into, from []uint64) bool {
		changed := false
		for w := range into {
			if x := into[w] | from[w]; x != into[w] {
				into[w], changed = x, true
			}
		}
		return changed
	}
	through := func(it *item) bool {
		changed := false
		if it.role && it != &role {
			changed = or(it.attrs, role.attrs) || changed
		}
		for _, b := range it.badges {
			if &badges[b] != it {
				changed = or(it.attrs, badges[b].attrs) || changed
			}
		}
		return changed
	}
	for changed := true; changed; {
		changed = through(&role)
		for i := range badges {
			changed = through(&badges[i]) || changed
		}
	}
	aggs := make([]item, len(c.aggs))
	for j, a := range c.aggs {
		aggs[j] = newItem()
		read(&aggs[j], a.node)
		through(&aggs[j])
	}
	has := func(set []uint64, w int) bool { return set[w/64]>>uint(w%64)&1 != 0 }
	reachOf := make([]reach, len(written))
	for _, w := range written {
		r := reach{role: has(role.attrs, w), badges: make([]uint64, (nb+63)/64), aggs: make([]uint64, (len(c.aggs)+63)/64)}
		for i := range badges {
			if has(badges[i].attrs, w) {
				r.badges[i/64] |= 1 << uint(i%64)
			}
		}
		for j := range aggs {
			if has(aggs[j].attrs, w) {
				r.aggs[j/64] |= 1 << uint(j%64)
			}
		}
		reachOf[w] = r
	}
	for _, a := range c.actions {
		for _, as := range a.effect {
			as.reach = &reachOf[written[as.attr]]
		}
	}
}
