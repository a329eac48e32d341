package eval

// Env is the state of one evaluation: the member, the action's arguments,
// the evaluation time and the goal snapshot. A compiled Expr is shared and
// immutable; everything that varies per call is here. An Env is not safe
// for concurrent use; give each goroutine its own and reuse it with Reset,
// which never allocates.
type Env struct {
	// M is the member the expression is about (the acting member).
	M *Record
	// Args are the arguments of the action being decided; nil outside
	// action conditions.
	Args *Record
	// Others are the members that member-typed parameters name, in the
	// order the scope's RefOther references number them.
	Others []*Record
	// At is the evaluation time, in nanoseconds since the Unix epoch.
	At int64
	// Goals are the current values of the community's goals, by goal index.
	Goals []GoalValue
	// Members is the number of members of the community.
	Members int64
	// Aggs are values computed by the caller before evaluation, such as
	// the goal aggregates a CallScope compiled to RefAgg references.
	Aggs []float64
	// Derived computes the member's role and badges; nil when the
	// community has neither.
	Derived *Derived

	// Err is the first evaluation error since Reset: a division or
	// remainder by zero, or a list index out of range. The expression
	// records it and goes on with a defined value (x / 0 is ±Inf or NaN,
	// x % 0 is 0, an index out of range reads the zero value), so a caller
	// that checks Err after evaluating can fail the question, and one that
	// does not gets the defined value. The error is an *Error naming the
	// node; recording it never allocates.
	Err error

	roleState  uint8
	role       int64
	badgeKnown uint64 // badges 0..63: computed, and held
	badgeSet   uint64
	moreKnown  []uint64 // badges from 64 on
	moreSet    []uint64

	// Me is the acting member's ID, which `me` reads; set with Others
	// (only an action with a member parameter compares identities). Last,
	// so that the fields every question reads keep their places.
	Me string
}

// GoalValue is a goal's state as conditions see it: `size.met`,
// `engagement.value`.
type GoalValue struct {
	Value, Target float64
	Met           bool
	Progress      float64
}

// Derived holds the compiled role ladder and badge conditions of a
// community, so that an Env computes a member's role and badges on first
// use, at most once per member.
type Derived struct {
	// Ladder is highest role first; the first rung whose condition holds
	// gives the member's role.
	Ladder []Rung
	// Fallback is the rank when no rung holds, and the rank a role
	// condition sees if it (wrongly) depends on the role itself.
	Fallback int64
	// Badges are the badge conditions, by badge index; nil entries never
	// hold.
	Badges []*Expr
	// With Demote, the int slot Demotions holds the member's demotions,
	// which take that many rungs off the ladder's rank, down to 0 (SPEC
	// §6.13); with DemoteTimed too, only while the evaluation time is
	// before the time in slot DemotedUntil.
	Demote, DemoteTimed     bool
	Demotions, DemotedUntil int

	// planned is the ladder as Plan prepared it, when isPlanned, and
	// otherwise the rank when none of its atoms' rungs holds.
	planned   []atom
	isPlanned bool
	otherwise int64
}

// Rung is one role of the ladder.
type Rung struct {
	Rank int64
	Cond *Expr // nil for `otherwise`
}

const (
	roleUnknown uint8 = iota
	roleComputing
	roleKnown
)

// Reset clears e for a new evaluation: the inputs become zero (Derived
// stays) and the role and badges computed for the previous member are
// forgotten. It keeps the memory e has grown, so it never allocates.
func (e *Env) Reset() {
	// Field by field rather than *e = Env{...}: copying the whole struct
	// was a sixth of the time of deciding an action.
	if len(e.Others) > 0 {
		clear(e.Others)
		e.Others = e.Others[:0]
		e.Me = ""
	}
	e.M, e.Args, e.At, e.Goals, e.Members, e.Aggs, e.Err = nil, nil, 0, nil, 0, nil, nil
	e.roleState, e.role, e.badgeKnown, e.badgeSet = roleUnknown, 0, 0, 0
	if len(e.moreKnown) > 0 {
		clear(e.moreKnown)
		clear(e.moreSet)
	}
}

// fail records err as e.Err unless an earlier error is there. A nil e is
// the constant folder's, which never divides by zero.
func (e *Env) fail(err *Error) {
	if e != nil && e.Err == nil {
		e.Err = err
	}
}

// SetMember makes m the member e is about and forgets the role and badges
// of the previous one, keeping every other input (and Err).
func (e *Env) SetMember(m *Record) {
	e.M = m
	e.roleState = roleUnknown
	e.badgeKnown, e.badgeSet = 0, 0
	clear(e.moreKnown)
	clear(e.moreSet)
}

// SetRole tells e the member's role rank, known to the caller (cached from
// an earlier evaluation), so that the ladder is not evaluated again.
func (e *Env) SetRole(rank int64) {
	e.role, e.roleState = rank, roleKnown
}

// KnownRole returns the role rank if this evaluation computed or was told
// it, so that the caller can cache it.
func (e *Env) KnownRole() (int64, bool) {
	return e.role, e.roleState == roleKnown
}

// Role returns the member's role rank, computing it on first use.
func (e *Env) Role() int64 {
	if e.roleState == roleKnown {
		return e.role
	}
	return e.computeRole()
}

func (e *Env) computeRole() int64 {
	d := e.Derived
	if d == nil {
		return 0
	}
	if e.roleState == roleComputing {
		return d.Fallback // a role condition that reads role: the checker rejects it
	}
	if d.isPlanned {
		r := d.rank(e.M, e.At) // demotions applied
		e.role, e.roleState = r, roleKnown
		return r
	}
	e.roleState = roleComputing
	// The ladder, as in OtherRole: inline here, where every role is
	// computed, since a call cost Apply a tenth of the role's time.
	r := d.Fallback
	for _, rung := range d.Ladder {
		if rung.Cond == nil || rung.Cond.Bool(e) {
			r = rung.Rank
			break
		}
	}
	if d.Demote {
		r = d.demoted(e.M, e.At, r)
	}
	e.role, e.roleState = r, roleKnown
	return r
}

// demoted returns rank r less the demotions of the member whose record is
// m, down to 0 (SPEC §10.2), at time at.
func (d *Derived) demoted(m *Record, at int64, r int64) int64 {
	if n := m.I[d.Demotions]; n > 0 && (!d.DemoteTimed || at < m.I[d.DemotedUntil]) {
		r = max(r-n, 0) // r >= 0 and n > 0: no overflow
	}
	return r
}

// OtherRole returns the role rank of Others[p], the member a member
// parameter names, evaluating the ladder on its record. A rung reads only
// attributes and the time (§6.6), so the acting member's role and badges,
// and what e knows of them, are untouched.
func (e *Env) OtherRole(p int) int64 {
	d := e.Derived
	if d == nil {
		return 0
	}
	if d.isPlanned {
		return d.rank(e.Others[p], e.At) // demotions applied
	}
	m := e.M
	e.M = e.Others[p]
	r := d.Fallback
	for _, rung := range d.Ladder {
		if rung.Cond == nil || rung.Cond.Bool(e) {
			r = rung.Rank
			break
		}
	}
	if d.Demote {
		r = d.demoted(e.M, e.At, r)
	}
	e.M = m
	return r
}

// Badge reports whether the member holds badge i, computing it on first
// use.
func (e *Env) Badge(i int) bool {
	if uint(i) < 64 && e.badgeKnown>>uint(i)&1 != 0 {
		return e.badgeSet>>uint(i)&1 != 0
	}
	return e.computeBadge(i)
}

func (e *Env) computeBadge(i int) bool {
	d := e.Derived
	if d == nil || i < 0 || i >= len(d.Badges) {
		return false
	}
	known, set, bit := e.badgeWord(i)
	if *known&bit != 0 {
		return *set&bit != 0
	}
	// Marked known and not held before the condition runs, so a badge
	// whose condition (wrongly) reads itself sees false instead of looping.
	*known |= bit
	held := d.Badges[i] != nil && d.Badges[i].Bool(e)
	// The condition may have grown the words; look them up again.
	_, set, _ = e.badgeWord(i)
	if held {
		*set |= bit
	}
	return held
}

// badgeWord returns the words that hold badge i's bits.
func (e *Env) badgeWord(i int) (known, set *uint64, bit uint64) {
	if i < 64 {
		return &e.badgeKnown, &e.badgeSet, 1 << uint(i)
	}
	w := i/64 - 1
	if w >= len(e.moreKnown) {
		n := len(e.Derived.Badges)/64 + 1
		e.moreKnown = append(e.moreKnown, make([]uint64, n-len(e.moreKnown))...)
		e.moreSet = append(e.moreSet, make([]uint64, n-len(e.moreSet))...)
	}
	return &e.moreKnown[w], &e.moreSet[w], 1 << uint(i%64)
}
