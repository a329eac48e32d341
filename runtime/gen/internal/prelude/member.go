package prelude

import (
	"math"
	"strconv"
	"time"
)

// charter gen writes this String for Role and Badge too, renamed.

// String returns the name the rule files give it.
func (x Action) String() string {
	if x >= 0 && int(x) < len(actionNames) {
		return actionNames[x]
	}
	return "Action(" + strconv.Itoa(int(x)) + ")"
}

// NewMember returns a member whose attributes have their declared defaults
// (the type's zero value when none is declared) and whose history is empty.
func NewMember() *Member {
	m := defaultMember
	return &m
}

// Reset gives m its declared defaults and an empty history again. Default
// lists are shared between members: replace them, never change them in place.
func (m *Member) Reset() { *m = defaultMember }

// Record notes in m's history that it took action a at time at, as the
// runtime does after an allowed action (runtime.Community.Did).
func (m *Member) Record(a Action, at time.Time) { m.hist.record(a, nanos(at)) }

// Done reports whether m's history holds action a, at any time (first rules
// ask whether it was done by the time of the question).
func (m *Member) Done(a Action) bool { return m.hist.done(a) }

// GoalValue is one goal's state as conditions read it: name.value,
// name.target, name.met and name.progress.
type GoalValue struct {
	Value, Target float64
	Met           bool
	Progress      float64
}

// BadgeSet is a set of badges, one bit per badge.
type BadgeSet [badgeWords]uint64

// Has reports whether b is in the set.
func (s BadgeSet) Has(b Badge) bool {
	return b >= 0 && int(b) < len(badgeNames) && s[b/64]&(1<<(b%64)) != 0
}

// Names returns the names of the badges in the set, in declaration order, as
// runtime.Community.Badges lists them (nil for none).
func (s BadgeSet) Names() []string {
	var out []string
	for b := range Badge(len(badgeNames)) {
		if s.Has(b) {
			out = append(out, b.String())
		}
	}
	return out
}

// rank returns the member's rank. The checker keeps role and badges out of
// rung conditions, so the ladder never reads the rank it computes.
func (e *env) rank() int64 {
	if !e.roleKnown {
		e.role, e.roleKnown = e.ladder(), true
	}
	return e.role
}

var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// nanos is a time as the runtime reads it: nanoseconds since the Unix epoch,
// the zero time.Time being the epoch; times out of range saturate.
func nanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return 0
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}
