package runtime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/runtime/internal/statehook"
	"github.com/charterlang/charter/stdlib"
)

// Sanctioned is a sanction the live State applied to a member (SPEC
// §11.5): carried out (warn, mute, remove) or, for demote and the host's
// own sanctions, reported for the host to carry out.
type Sanctioned struct {
	Member   string
	Sanction *Sanction
	// Rule and Reason are the label and reason of the rule or duty
	// behind the sanction.
	Rule, Reason string
	At           time.Time
	// Until is when a mute lifts, or when a removal with a period lets the
	// member join again; zero otherwise.
	Until time.Time
}

func (sc Sanctioned) String() string {
	s := fmt.Sprintf("%s: %s at %s by %s", sc.Member, sc.Sanction, sc.At.Format(time.RFC3339Nano), sc.Rule)
	if !sc.Until.IsZero() {
		s += " until " + sc.Until.Format(time.RFC3339Nano)
	}
	return s
}

// ErrRemoved is returned (wrapped) by Join for a member a `remove`
// sanction removed, while re-joining is refused.
var ErrRemoved = errors.New("removed by a sanction")

// ErrNotHeld is returned (wrapped) by Lift for a sanction the member does
// not hold: nothing to lift.
var ErrNotHeld = errors.New("no such sanction held")

// mute is a member's mute: every action at a time in [from, until) is
// denied.
type mute struct {
	from, until  int64
	sanction     *Sanction
	rule, reason string
}

// removal is what the state keeps of a member a `remove` sanction removed.
type removal struct {
	at, until    int64
	forever      bool // remove without a period
	sanction     *Sanction
	rule, reason string
}

// markKey names one member's duty with a sanction: c.duties[duty].
type markKey struct {
	id   string
	duty int
}

// sanctions is what the State keeps of the sanctions it carried out. The
// maps stay nil until a sanction applies, and mutes becomes nil again when
// the sweeps empty it, so that Apply pays one nil test for them.
type sanctions struct {
	// mutes holds each member's mute until the state's latest event time
	// reaches its end (see lifted), and a little longer: Apply drops the
	// actor's lifted mute when it looks it up, Review and every sweepEvery
	// events the others (pruneMutes).
	mutes   map[string]*mute
	removed map[string]*removal
	// marks holds, per member and duty, the last time the duty's sanction
	// applied at a review: it applies once per unmet window.
	marks map[markKey]int64
	// sweepAt is the event count at which Apply next sweeps the mutes.
	sweepAt uint64
}

// sweepEvery is the least number of events between two sweeps of the
// mutes by Apply; a sweep costs a pass over the mutes, so sweeps at least
// as many events apart as there are mutes cost O(1) an event.
const sweepEvery = 1024

// warnSlots returns the slots of warnings and warned_at, and false when
// the community keeps no warnings.
func (c *Community) warnSlots() (n, at eval.Slot, ok bool) {
	i, ok1 := c.layout.Lookup(check.WarningsAttr)
	j, ok2 := c.layout.Lookup(check.WarnedAtAttr)
	if !ok1 || !ok2 {
		return n, at, false
	}
	n, at = c.layout.Slot(i), c.layout.Slot(j)
	return n, at, n.Type.Kind == check.Int && at.Type.Kind == check.Time
}

// mutedAt returns the mute that holds for member id at t, or nil.
func (s *State) mutedAt(id string, t int64) *mute {
	mu := s.sanc.mutes[id]
	if mu == nil || t < mu.from || t >= mu.until || s.lifted(mu) {
		return nil
	}
	return mu
}

// lifted reports whether the state has forgotten mute mu: its end is at
// or before the latest event time (SPEC §11.5). Once an event is dated at
// or after its end the mute holds at no time, not even for a question or
// an action dated inside it, as the history keeps only the times windows
// ending at the latest event need (§11.2). Defined by the latest event
// time, not by when a sweep happens to run, the answers do not depend on
// the sweeps, and a snapshot, which carries that time, and a durable
// store's replay give the same ones.
func (s *State) lifted(mu *mute) bool {
	return s.seen && mu.until <= s.latest
}

// muteOnApply returns the mute that holds for actor id at t, or nil,
// dropping the actor's mute when it has lifted and, every so many events,
// the other lifted ones. Apply calls it only when some member holds a
// mute.
func (s *State) muteOnApply(id string, t int64) *mute {
	mu := s.sanc.mutes[id]
	if mu != nil && s.lifted(mu) {
		delete(s.sanc.mutes, id)
		mu = nil
	}
	if s.events >= s.sanc.sweepAt || len(s.sanc.mutes) == 0 {
		s.pruneMutes()
	}
	if mu == nil || t < mu.from || t >= mu.until {
		return nil
	}
	return mu
}

// pruneMutes drops every lifted mute, so that a long-running community
// keeps only the mutes that may still hold, and sets when Apply next
// sweeps.
func (s *State) pruneMutes() {
	for id, mu := range s.sanc.mutes {
		if s.lifted(mu) {
			delete(s.sanc.mutes, id)
		}
	}
	if len(s.sanc.mutes) == 0 {
		s.sanc.mutes = nil // Apply tests for nil
	}
	s.sanc.sweepAt = s.events + uint64(max(len(s.sanc.mutes), sweepEvery))
}

// decision is the decision of action while the mute holds.
func (mu *mute) decision(action string) Decision {
	r := &Rule{
		Kind:   check.MustNot,
		Label:  fmt.Sprintf("%s by %s", mu.sanction, mu.rule),
		Reason: fmt.Sprintf("muted until %s: %s", stdlib.Time(mu.until).Format(time.RFC3339Nano), mu.reason),
	}
	return Decision{Action: action, Rules: []*Rule{r}}
}

// hasSanction reports whether a rule among rules has a sanction.
func hasSanction(rules []*Rule) bool {
	for _, r := range rules {
		if r.Sanction != nil {
			return true
		}
	}
	return false
}

// pending is a sanction to apply to one member.
type pending struct {
	sanction     *Sanction
	rule, reason string
}

// punish applies the sanctions ps to member m (a view) at t, in order,
// removing the member last when one of them is remove (the longest of
// them, when several are); it appends what
// it did to out and the role and badge changes to changes. The caller
// counts the event and refreshes the goals.
func (s *State) punish(m *Member, ps []pending, t int64, out *[]Sanctioned, changes *[]Change) {
	var remove *pending
	for i := range ps {
		p := &ps[i]
		sc := Sanctioned{Member: m.ID, Sanction: p.sanction, Rule: p.rule, Reason: p.reason, At: stdlib.Time(t)}
		switch p.sanction.Name {
		case "warn":
			s.warn(m, t, changes)
		case "demote":
			if until, ok := s.demote(m, p.sanction, t, changes); ok && until != math.MaxInt64 {
				sc.Until = stdlib.Time(until)
			}
		case "mute":
			until := stdlib.AddDuration(t, int64(p.sanction.For))
			s.mute(m.ID, &mute{from: t, until: until, sanction: p.sanction, rule: p.rule, reason: p.reason})
			sc.Until = stdlib.Time(until)
		case "remove":
			// Of two removals on one occasion the longer holds: for
			// good (no period) over any period.
			if remove == nil || remove.sanction.For != 0 && (p.sanction.For == 0 || p.sanction.For > remove.sanction.For) {
				remove = p
			}
			if p.sanction.For > 0 {
				sc.Until = stdlib.Time(stdlib.AddDuration(t, int64(p.sanction.For)))
			}
		}
		*out = append(*out, sc)
	}
	if remove != nil {
		r := &removal{at: t, forever: remove.sanction.For == 0, sanction: remove.sanction, rule: remove.rule, reason: remove.reason}
		if !r.forever {
			r.until = stdlib.AddDuration(t, int64(remove.sanction.For))
		}
		id := m.ID
		k, _ := s.st.find(id)
		s.leave(k)
		if s.sanc.removed == nil {
			s.sanc.removed = map[string]*removal{}
		}
		s.sanc.removed[id] = r
	}
}

// warn counts a warning on member m (a view) at t.
func (s *State) warn(m *Member, t int64, changes *[]Change) {
	n, at, ok := s.c.warnSlots()
	if !ok {
		return // the checker gives every community with warn these slots
	}
	s.change(m, t, changes, func(rec *eval.Record) {
		if rec.I[n.Index] < math.MaxInt64 {
			rec.I[n.Index]++
		}
		rec.I[at.Index] = t
	})
}

// demote takes one more rung off member m's role (a view) at t. In a
// community whose demotions lift by time, it returns when they lift: a
// demotion in force at t is deepened and lasts until the later of its end
// and t+D (for good without D); one that has lifted starts again from one
// rung.
func (s *State) demote(m *Member, sn *Sanction, t int64, changes *[]Change) (until int64, timed bool) {
	d := s.c.derived
	if !d.Demote {
		return 0, false // the checker gives every community with demote roles and the slot
	}
	s.change(m, t, changes, func(rec *eval.Record) {
		n := &rec.I[d.Demotions]
		if !d.DemoteTimed {
			if *n < math.MaxInt64 {
				*n++
			}
			return
		}
		u := &rec.I[d.DemotedUntil]
		end := int64(math.MaxInt64) // for good
		if sn.For > 0 {
			end = stdlib.AddDuration(t, int64(sn.For))
		}
		if *n > 0 && t < *u {
			if *n < math.MaxInt64 {
				*n++
			}
			*u = max(*u, end)
		} else {
			*n, *u = 1, end
		}
		until = *u
	})
	return until, d.DemoteTimed
}

// change applies f to member m's record (a view) at t, keeping the goals
// current and noting role and badge changes.
func (s *State) change(m *Member, t int64, changes *[]Change, f func(*eval.Record)) {
	k, _ := s.st.find(m.ID)
	before := s.spare(m.rec())
	s.contribute(k, m.rec(), -1)
	f(m.rec())
	s.contribute(k, m.rec(), +1)
	m.forgetRole()
	*changes = append(*changes, s.changes(m.ID, before, m.rec(), t)...)
	s.spares = append(s.spares, before)
}

// mute gives member id the mute mu, joined with the one it holds when
// the two overlap or touch, else the one that ends later. A lifted mute
// (see lifted) is none: one dated so far back that it ends before the
// latest event is not kept, and one the member held that has lifted is
// not joined with the new one.
func (s *State) mute(id string, mu *mute) {
	if s.lifted(mu) {
		return
	}
	if s.sanc.mutes == nil {
		s.sanc.mutes = map[string]*mute{}
	}
	cur := s.sanc.mutes[id]
	switch {
	case cur == nil || s.lifted(cur):
	case mu.from <= cur.until && cur.from <= mu.until: // overlap or touch: one interval
		if cur.until > mu.until {
			cur.from = min(cur.from, mu.from)
			return
		}
		mu.from = min(cur.from, mu.from)
	case cur.until > mu.until:
		return
	}
	s.sanc.mutes[id] = mu
}

// leave removes member k and forgets its mute and review marks. The
// caller counts the event and refreshes the goals.
func (s *State) leave(k int) {
	id := s.st.ids[k]
	s.st.record(k, &s.scan)
	s.contribute(k, &s.scan, -1)
	s.st.remove(k)
	s.forgetTimes(k)
	if s.sanc.mutes != nil {
		delete(s.sanc.mutes, id)
	}
	if s.sanc.marks != nil {
		for i := range s.c.duties {
			delete(s.sanc.marks, markKey{id, i})
		}
	}
}

// rejoin refuses the join of a member a removal holds out at the join's
// time (JoinAt), or else at the state's reference time. The caller holds
// mu.
func (s *State) rejoin(id string, at *time.Time) error {
	r := s.sanc.removed[id]
	if r == nil {
		return nil
	}
	ref, ok := s.reference()
	if at != nil {
		ref, ok = nanos(*at), true
	}
	if r.forever || !ok || ref < r.until {
		msg := fmt.Sprintf("join %q: removed from %s at %s by %s", id, s.c.Name, stdlib.Time(r.at).Format(time.RFC3339Nano), r.rule)
		if r.forever {
			return fmt.Errorf("%s for good: %w", msg, ErrRemoved)
		}
		return fmt.Errorf("%s until %s: %w", msg, stdlib.Time(r.until).Format(time.RFC3339Nano), ErrRemoved)
	}
	return nil
}

// reference returns the state's reference time (SPEC §11.2): the clock,
// else the latest event time; false before the first event.
func (s *State) reference() (int64, bool) {
	if s.opts.clock != nil {
		return nanos(s.opts.clock()), true
	}
	return s.latest, s.seen
}

// Sanctions returns the sanctions that hold for member id at time at: its
// mute, when at falls in it and the state has not forgotten it (its end is
// after the latest event time, SPEC §11.5), and its removal, while
// re-joining is refused (at is before its end, or it has none).
func (s *State) Sanctions(id string, at time.Time) []Sanctioned {
	t := nanos(at)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Sanctioned
	if mu := s.mutedAt(id, t); mu != nil {
		out = append(out, Sanctioned{Member: id, Sanction: mu.sanction, Rule: mu.rule, Reason: mu.reason, At: stdlib.Time(mu.from), Until: stdlib.Time(mu.until)})
	}
	if r := s.sanc.removed[id]; r != nil && (r.forever || t < r.until) {
		sc := Sanctioned{Member: id, Sanction: r.sanction, Rule: r.rule, Reason: r.reason, At: stdlib.Time(r.at)}
		if !r.forever {
			sc.Until = stdlib.Time(r.until)
		}
		out = append(out, sc)
	}
	return out
}

// ReviewResult is what Review did: the counterpart, for a review, of the
// Result of Apply.
type ReviewResult struct {
	// Sanctions lists the sanctions applied, by member ID and then in the
	// order of the duties.
	Sanctions []Sanctioned
	// Changes lists the role and badge changes the sanctions caused (a
	// demotion's fall down the ladder, a warning that a role or badge
	// condition reads), in the order of the sanctions.
	Changes []Change
	// Seq is the review's place in the state's commit order (the value of
	// Events right after it); 0 when no sanction applied.
	Seq uint64
}

// Review checks every member's duties at time at, as a community's daily
// job would, and applies the sanction of each unmet duty that has one,
// once per unmet window: not again while the last time it applied to that
// member for that duty lies after at minus the duty's period (SPEC
// §11.5). Every member's duties are found before any sanction applies,
// with the state's goals at at. It returns the sanctions applied and the
// role and badge changes they caused. A time later than the state's skew
// allows (see MaxSkew) is an error, as for Apply.
func (s *State) Review(ctx context.Context, at time.Time) (ReviewResult, error) {
	if err := ctx.Err(); err != nil {
		return ReviewResult{}, err
	}
	if len(s.c.duties) == 0 {
		return ReviewResult{}, nil
	}
	t := nanos(at)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkAhead(t); err != nil {
		return ReviewResult{}, fmt.Errorf("review: %w", err)
	}
	goals := s.currentGoals(t)
	if s.goalBuf == nil {
		s.goalBuf = make([]eval.GoalValue, 0, len(goals)) // non-nil: see bindMember
	}
	s.goalBuf = s.goalBuf[:0]
	for _, g := range goals {
		s.goalBuf = append(s.goalBuf, eval.GoalValue{Value: g.Value, Target: g.Target, Met: g.Met, Progress: g.Progress})
	}
	type due struct {
		id string
		ps []pending
		ks []markKey
	}
	var dues []due
	e := s.env
	// The members are read in the store's order, which walks memory
	// rather than a sorted copy of the IDs through the index; finding
	// the dues changes nothing, and they apply in ID order below.
	for i := range s.st.len() {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return ReviewResult{}, err
			}
		}
		s.loaded = 0
		m, _ := s.loadAt(i, true)
		id := m.ID
		e.Reset()
		e.M, e.At, e.Members, e.Goals = m.rec(), t, int64(s.st.len()), s.goalBuf
		var d due
		for j, r := range s.c.duties {
			if !r.applies(e, nil) || m.hist.count(&s.c.hist, r.action, t, r.per) >= r.count {
				continue
			}
			key := markKey{id, j}
			if last, ok := s.sanc.marks[key]; ok {
				from, ok := eval.SubInt(t, r.per)
				if !ok || last > from {
					continue
				}
			}
			d.ps = append(d.ps, pending{r.Sanction, r.Label, r.Reason})
			d.ks = append(d.ks, key)
		}
		if len(d.ps) > 0 {
			d.id = id
			dues = append(dues, d)
		}
	}
	e.Reset()
	if len(dues) == 0 {
		s.pruneMutes()
		return ReviewResult{}, nil
	}
	slices.SortFunc(dues, func(a, b due) int { return strings.Compare(a.id, b.id) })
	if s.sanc.marks == nil {
		s.sanc.marks = map[markKey]int64{}
	}
	var res ReviewResult
	for _, d := range dues {
		for _, k := range d.ks {
			s.sanc.marks[k] = t
		}
		s.loaded = 0
		m, _ := s.load(d.id)
		s.punish(m, d.ps, t, &res.Sanctions, &res.Changes)
	}
	if !s.seen || t > s.latest {
		s.latest, s.seen = t, true
	}
	s.events++
	// A review passes over every member anyway: a pass over the mutes
	// costs no more, and frees those of members who no longer act.
	s.pruneMutes()
	s.refresh()
	res.Seq = s.events
	return res, nil
}

// statehook.CountEvent counts, on a durable store's replay, an event an
// older binary logged that this one refuses (see runtime/store).
func init() {
	statehook.CountEvent = func(x any) {
		s := x.(*State)
		s.mu.Lock()
		s.events++
		s.mu.Unlock()
	}
}

// Lift ends the sanction that holds member id: "mute" its mute, "remove"
// the removal that refuses its re-join. It is the host's way to undo a
// sanction (a moderator's mistake, an appeal); warnings and demotions,
// which are attributes, the host lowers with Update. Lifting a sanction
// that is not held, a mute the state has forgotten among them (SPEC
// §11.5), is an error. A lift counts as an event.
func (s *State) Lift(id, sanction string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch sanction {
	case "mute":
		mu := s.sanc.mutes[id]
		if mu == nil || s.lifted(mu) {
			// A lifted mute holds at no time, so there is nothing to
			// lift; forgetting it changes no answer.
			delete(s.sanc.mutes, id)
			return fmt.Errorf("lift: member %q holds no mute: %w", id, ErrNotHeld)
		}
		delete(s.sanc.mutes, id)
	case "remove":
		if s.sanc.removed[id] == nil {
			return fmt.Errorf("lift: %q was not removed: %w", id, ErrNotHeld)
		}
		delete(s.sanc.removed, id)
	default:
		return fmt.Errorf("lift: %q is not a sanction the state holds: want mute or remove", sanction)
	}
	s.events++
	return nil
}
