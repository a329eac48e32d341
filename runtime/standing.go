package runtime

import (
	"fmt"
	"time"

	"github.com/charterlang/charter/lang/check"
)

// Standing is where a member of a live state stands at a time: its role,
// its badges and the nudges and offers that reach it (SPEC §10.2, §10.3,
// §10.5), as State.Standings reports them.
type Standing struct {
	ID string
	// Role is the member's rank on the ladder, 0 the lowest (the index
	// into Community.RoleNames); 0 in a community without roles.
	Role int
	// Badges are the indices, in Checked().Badges, of the badges the
	// member holds.
	Badges []int
	// Messages are the indices, in Checked().Messages, of the nudges and
	// offers that reach the member.
	Messages []int
}

// Standings calls f with the standing of every member at time at, with
// the state's goals and member count at that time, in the order the state
// keeps its members (the same for the same sequence of operations; not
// sorted). It is one pass over the members under the state's lock, for a
// host that needs every member's role, badges and messages at once (a
// simulation reads them every simulated day): State.Member and
// Community.Role for each would copy every member. f must not call s, and
// must not keep the Standing or its slices, which the next call reuses.
func (s *State) Standings(at time.Time, f func(*Standing)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := nanos(at)
	var v view
	var st Standing
	for k := range s.st.len() {
		s.st.load(s.c, k, &v, s.st.ids[k])
		var e = s.env
		if k == 0 {
			e = s.bindMember(&v.m, ns) // goals and member count, once
		} else {
			e.SetMember(v.m.rec())
		}
		st.ID, st.Role = v.m.ID, 0
		st.Badges, st.Messages = st.Badges[:0], st.Messages[:0]
		if len(s.c.roleNames) > 0 {
			st.Role = int(e.Role())
		}
		for i := range s.c.badgeNames {
			if e.Badge(i) {
				st.Badges = append(st.Badges, i)
			}
		}
		for i, msg := range s.c.messages {
			if msg.reaches(e) {
				st.Messages = append(st.Messages, i)
			}
		}
		f(&st)
	}
	s.env.Reset()
}

// SetMember sets the member argument name of a prepared call to the
// member with ID id, which the live state resolves when the call is
// applied (State.ApplyCall): a host that applies one call shape to many
// members changes the argument without building Args.
func (k *Call) SetMember(name, id string) error {
	return k.setMember(name, id, nil)
}

// SetMemberHandle sets the member argument name of a prepared call to
// the member h names, as SetMember(name, h.ID()) does; a state applying
// the call finds the member through the handle (see Handle) instead of
// looking its ID up.
func (k *Call) SetMemberHandle(name string, h *Handle) error {
	if h == nil {
		return fmt.Errorf("argument %s of %s: nil member handle", name, k.act.name)
	}
	return k.setMember(name, h.id, h)
}

// setMember is SetMember, with the member's handle when h is not nil.
func (k *Call) setMember(name, id string, h *Handle) error {
	p := k.act.def.Param(name)
	if p == nil {
		return fmt.Errorf("%s has no parameter %q (parameters: %s)", k.act.name, name, paramList(k.act.def))
	}
	if p.Type.Kind != check.Member {
		return fmt.Errorf("argument %s of %s: want %s, got member", name, k.act.name, p.Type)
	}
	oi := k.act.otherIndex(p.Slot)
	k.others[oi], k.ids[oi] = nil, id
	k.args.S[k.act.args.Slot(p.Slot).Index] = id
	if h != nil && k.handles == nil {
		k.handles = make([]*Handle, len(k.ids))
	}
	if oi < len(k.handles) {
		k.handles[oi] = h
	}
	return nil
}
