package runtime

import (
	"math"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
)

// An applied action writes its effects into the store in place. What the
// commit needs of the members as they were (their role and badges, to
// report changes; their contributions to the aggregates) is read before
// the effects run, into the state's marks, and an undo log restores the
// slots the effects wrote when one of them fails. Copying each touched
// record out and back cost more than the effects themselves.

// marks hold, for each member an event touches (by its place in the
// event's touched list), what it was before the effects.
type marks struct {
	roles  []int64
	badges []bool    // len(badgeNames) per member
	cons   []float64 // len(aggs) per member, when no aggregate reads the time
}

// markBefore records the role and badges of each of touched at time at
// and, with cons, its contribution to each aggregate (which then does not
// read the time, so one evaluation of the member serves both).
func (s *State) markBefore(touched []*Member, at int64, cons bool) {
	c := s.c
	mk := &s.marks
	mk.roles, mk.badges, mk.cons = mk.roles[:0], mk.badges[:0], mk.cons[:0]
	if len(c.roleNames) == 0 && len(c.badgeNames) == 0 && (!cons || len(c.aggs) == 0) {
		return
	}
	e := s.env2
	for _, t := range touched {
		e.SetMember(t.rec)
		e.At = at
		if len(c.roleNames) > 0 {
			mk.roles = append(mk.roles, e.Role())
		}
		for i := range c.badgeNames {
			mk.badges = append(mk.badges, e.Badge(i))
		}
		if cons {
			for _, a := range c.aggs {
				mk.cons = append(mk.cons, a.contribution(e))
			}
		}
	}
}

// markAfter appends to changes the role and badge changes of t, the i-th
// member of the event's touched list, from the marks to its record now,
// at time at, in the order State.changes gives them; with cons it moves
// the aggregates by the contributions that changed, and reports whether
// any did.
func (s *State) markAfter(i int, t *Member, at int64, cons bool, changes *[]Change) bool {
	c := s.c
	if len(c.roleNames) == 0 && len(c.badgeNames) == 0 && (!cons || len(c.aggs) == 0) {
		return false
	}
	mk := &s.marks
	e := s.env2
	e.SetMember(t.rec)
	e.At = at
	if len(c.roleNames) > 0 {
		if r0, r1 := mk.roles[i], e.Role(); r0 != r1 {
			*changes = append(*changes, Change{Member: t.ID, Kind: "role", From: c.roleNames[r0], To: c.roleNames[r1]})
		}
	}
	nb := len(c.badgeNames)
	for j, name := range c.badgeNames {
		h0, h1 := mk.badges[i*nb+j], e.Badge(j)
		switch {
		case !h0 && h1:
			*changes = append(*changes, Change{Member: t.ID, Kind: "badge+", To: name})
		case h0 && !h1:
			*changes = append(*changes, Change{Member: t.ID, Kind: "badge-", From: name})
		}
	}
	if !cons {
		return false
	}
	changed := false
	na := len(c.aggs)
	for j, a := range c.aggs {
		old, v := mk.cons[i*na+j], a.contribution(e)
		if math.Float64bits(old) == math.Float64bits(v) {
			continue // the aggregate holds the same
		}
		// Adding first keeps a growing extreme of min or max from
		// being marked stale.
		s.accs[j].add(a.kind, v)
		s.accs[j].remove(a.kind, old)
		changed = true
	}
	// Leave e as contribute leaves it: refresh evaluates the measures in
	// it, and they read no member.
	e.At = s.goalsAt
	return changed
}

// undo is what an effect overwrote: its record's given word and the slot
// it assigns.
type undo struct {
	rec   *eval.Record
	as    *assign
	given int64
	i     int64
	f     float64
	s     string
	l     any
}

// saveSlot returns what as is about to overwrite in rec.
func saveSlot(rec *eval.Record, as *assign) undo {
	u := undo{rec: rec, as: as, given: rec.I[as.givenWord]}
	idx := as.slot.Index
	switch as.slot.Type.Kind {
	case check.Float:
		u.f = rec.F[idx]
	case check.String:
		u.s = rec.S[idx]
	case check.List:
		u.l = rec.L[idx]
	default:
		u.i = rec.I[idx]
	}
	return u
}

// restore puts back what saveSlot saved.
func (u *undo) restore() {
	rec, idx := u.rec, u.as.slot.Index
	switch u.as.slot.Type.Kind {
	case check.Float:
		rec.F[idx] = u.f
	case check.String:
		rec.S[idx] = u.s
	case check.List:
		rec.L[idx] = u.l
	default:
		rec.I[idx] = u.i
	}
	rec.I[u.as.givenWord] = u.given
}
