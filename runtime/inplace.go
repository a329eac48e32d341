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
// event's touched list), what the event's effects can change of it (the
// need fields, from the attributes they write: see reach) and what that
// was before the effects.
type marks struct {
	needRole []bool
	needB    []uint64 // badge words per member
	needA    []uint64 // aggregate words per member
	roles    []int64
	badges   []bool    // len(badgeNames) per member
	cons     []float64 // len(aggs) per member, when no aggregate reads the time
}

// zeroed returns b resized to n zero elements, reusing its memory; a
// loop, since the slices are a few words and clear's call cost more.
func zeroed[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	var zero T
	for i := range b {
		b[i] = zero
	}
	return b
}

// sized returns b resized to n elements, reusing its memory; markBefore
// writes each element before markAfter reads it.
func sized[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// markBefore records, of each of touched, the role and badges that the
// effects (effect i writing member touched[tix[i]]) can change, at time
// at, and with cons the contributions to the aggregates they can change
// (no aggregate then reads the time, so one evaluation of the member
// serves both).
func (s *State) markBefore(touched []*Member, effects []*assign, tix []int, at int64, cons bool) {
	c := s.c
	if len(c.roleNames) == 0 && len(c.badgeNames) == 0 && (!cons || len(c.aggs) == 0) {
		return
	}
	mk := &s.marks
	nt, nb, na := len(touched), len(c.badgeNames), len(c.aggs)
	wb, wa := (nb+63)/64, (na+63)/64
	mk.needRole = zeroed(mk.needRole, nt)
	mk.needB = zeroed(mk.needB, nt*wb)
	mk.needA = zeroed(mk.needA, nt*wa)
	mk.roles = sized(mk.roles, nt)
	mk.badges = sized(mk.badges, nt*nb)
	mk.cons = sized(mk.cons, nt*na)
	for i, as := range effects {
		r, ti := as.reach, tix[i]
		mk.needRole[ti] = mk.needRole[ti] || r.role
		for w := range wb {
			mk.needB[ti*wb+w] |= r.badges[w]
		}
		for w := range wa {
			mk.needA[ti*wa+w] |= r.aggs[w]
		}
	}
	e := s.env2
	for ti, t := range touched {
		e.SetMember(t.rec())
		e.At = at
		if mk.needRole[ti] && len(c.roleNames) > 0 {
			mk.roles[ti] = e.Role()
		}
		for j := range nb {
			if mk.needB[ti*wb+j/64]>>uint(j%64)&1 != 0 {
				mk.badges[ti*nb+j] = e.Badge(j)
			}
		}
		if cons {
			for j, a := range c.aggs {
				if mk.needA[ti*wa+j/64]>>uint(j%64)&1 != 0 {
					mk.cons[ti*na+j] = a.contribution(e)
				}
			}
		}
	}
}

// markAfter appends to changes the role and badge changes of t, the i-th
// member of the event's touched list, from the marks to its record now,
// at time at, in the order State.changes gives them; with cons it moves
// the aggregates by the contributions that changed, and reports whether
// any did. What markBefore found the effects cannot change is not looked
// at: it is the same.
func (s *State) markAfter(i int, t *Member, at int64, cons bool, changes *[]Change) bool {
	c := s.c
	if len(c.roleNames) == 0 && len(c.badgeNames) == 0 && (!cons || len(c.aggs) == 0) {
		return false
	}
	mk := &s.marks
	nb, na := len(c.badgeNames), len(c.aggs)
	wb, wa := (nb+63)/64, (na+63)/64
	e := s.env2
	e.SetMember(t.rec())
	e.At = at
	if mk.needRole[i] && len(c.roleNames) > 0 {
		if r0, r1 := mk.roles[i], e.Role(); r0 != r1 {
			*changes = append(*changes, Change{Member: t.ID, Kind: "role", From: c.roleNames[r0], To: c.roleNames[r1]})
		}
	}
	for j, name := range c.badgeNames {
		if mk.needB[i*wb+j/64]>>uint(j%64)&1 == 0 {
			continue
		}
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
	for j, a := range c.aggs {
		if mk.needA[i*wa+j/64]>>uint(j%64)&1 == 0 {
			continue
		}
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
