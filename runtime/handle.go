package runtime

import (
	"context"
	"fmt"
	"time"
)

// A Handle names a member of a State by its ID and remembers where the
// state keeps that member, for a host that applies many events to the same
// members (a simulation, a replay): ApplyCallTo with a handle skips hashing
// and looking up the ID, which at 100,000 members was a quarter of the
// cost of an event.
//
// A handle means exactly its ID: ApplyCallTo(ctx, h, k, at) does what
// ApplyCall(ctx, h.ID(), k, at) does, in every case. The remembered place
// is only a shortcut, kept by the state that made the handle: when that
// member leaves (or is removed), the handle goes back to looking its ID up,
// and so finds a member who joins again under the ID; given to another
// state (one restored from a snapshot, say), it looks its ID up there.
// Ask the new state for handles to have the shortcut again.
//
// A handle may be used by any goroutine; the state reads and updates its
// shortcut under its own lock.
type Handle struct {
	id string
	s  *State // the state whose store k indexes
	k  int    // the member's index in s.st; -1 once it left s
}

// ID returns the member ID h names.
func (h *Handle) ID() string { return h.id }

// Handle returns the handle of member id, the same one each time while the
// member stays. An ID the state does not hold is an error wrapping
// ErrUnknownMember.
func (s *State) Handle(id string) (*Handle, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.find(id)
	if !ok {
		return nil, fmt.Errorf("member %q: %w", id, ErrUnknownMember)
	}
	h := s.st.handles[k]
	if h == nil {
		h = &Handle{id: s.st.ids[k], s: s, k: k}
		s.st.handles[k] = h
	}
	return h, nil
}

// ApplyCallTo is ApplyCall for the member h names.
func (s *State) ApplyCallTo(ctx context.Context, h *Handle, k *Call, at time.Time) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if h == nil {
		return Result{}, fmt.Errorf("apply: nil member handle")
	}
	return s.applyCall(ctx, h.id, h, k, at)
}
