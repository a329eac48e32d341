package runtime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

// State is a live community: its members, the action history the rules
// need, and goals kept current as events arrive. All methods are safe for
// concurrent use; events are applied one at a time, in the order they
// acquire the state, so the result equals a sequential replay of that order.
//
// Goals are kept incrementally: an event changes the aggregates by the
// difference between the changed members' old and new contributions, in
// O(aggregates) per event for count, share, sum and avg and for `members`.
// min and max are kept under additions; when the member holding the
// current extreme moves away from it or leaves, the next read of the goals
// rescans the members. An aggregate whose member expression reads the time
// (days_since, now, ...) changes without events. When every such
// expression is monotone in the time, the state keeps the members in a heap
// by the time their contributions next change, and goals read at a later
// time re-evaluate only the members whose time has come (timegoals.go);
// otherwise, or at an earlier time, it rescans.
type State struct {
	c *Community

	mu sync.RWMutex
	st store // the members, column-wise
	// views are the members an event reads or writes (the actor and the
	// members its arguments name), as views of st; loaded counts those in use.
	views  []*view
	loaded int
	others []*Member   // resolve's member arguments, reused
	scan   eval.Record // a record view for scans of every member
	// spares are records an event writes its effects into before they are
	// swapped in; the records they replace become the next spares, so
	// applying an action copies into memory the state already has.
	spares []*eval.Record
	// marks and undo are an applied action's memory of the members as
	// they were (inplace.go).
	marks marks
	undo  []undo
	accs  []acc
	// tcon holds, when the community's time-reading aggregates are kept
	// incrementally, member k's contribution to each of them at goalsAt
	// (tcon[k*len(timeAggIdx)+p]); times orders the members by when those
	// contributions next change.
	tcon      []float64
	times     timeHeap
	past      pastGoals // goals at a time before goalsAt, once scheduled
	scheduled bool      // times holds every member (see currentGoals)
	forward   int       // rescans at later times in a row, while not scheduled
	goals     []GoalValue
	goalsAt   int64 // time of the goals (matters when aggregates read the time)
	events    uint64
	opts      stateOptions
	sanc      sanctions
	// latest is the latest event time the state has seen (applied actions
	// and histories given at join); seen is false until there is one.
	latest int64
	seen   bool
	// Buffers used under mu only, so that events do not allocate them.
	env, env2, env3 *eval.Env
	aggBuf          []float64
	goalBuf         []eval.GoalValue
	calls           []*Call // per action: the call Apply converts arguments into
}

// DefaultMaxSkew is how far, by default, an event may be dated after the
// host's clock (see MaxSkew and Clock).
const DefaultMaxSkew = 24 * time.Hour

// DefaultMaxGap is how far, by default, an event may be dated after the
// latest event time a state without a clock has seen. It is wide because
// that reference stands still while a community is quiet: a day's skew
// would refuse the next action of any community quiet for a day, while a
// year still refuses the far-future times that would hold a history slot
// for good.
const DefaultMaxGap = 366 * 24 * time.Hour

// A StateOption configures a State made by NewState or Restore.
type StateOption func(*stateOptions)

type stateOptions struct {
	skew    time.Duration
	skewSet bool // MaxSkew was given: it holds with or without a clock
	clock   func() time.Time
	// admitAll joins members without asking the admit conditions.
	admitAll bool
}

// MaxSkew sets how far after the state's reference time an event may be
// dated: Apply refuses an action, and Join a history time, dated later than
// reference + d. The reference is the host's clock when Clock gives one,
// else the latest event time the state has seen (none before the first
// event, which is then not checked). The default is DefaultMaxSkew with a
// clock and DefaultMaxGap without one; a negative d turns the check off. Without it one event dated in the far
// future would hold a kept history time for good (SPEC §11.2).
func MaxSkew(d time.Duration) StateOption {
	return func(o *stateOptions) { o.skew, o.skewSet = d, true }
}

// Clock gives the state the host's clock, read only to check how far ahead
// an event is (see MaxSkew); Charter's answers never read it (SPEC §12.1).
// Without a clock the reference is the latest event time, which stands
// still while the community is quiet, so the default skew is then
// DefaultMaxGap rather than DefaultMaxSkew.
func Clock(now func() time.Time) StateOption {
	return func(o *stateOptions) { o.clock = now }
}

// AdmitAll makes Join and JoinAt join every member without asking the
// community's admit conditions, as the state of a test block does (SPEC
// §6.18): a test states its members as they are, and asks about admission
// with `expect admit`. A host that decided admission itself may use it too.
func AdmitAll() StateOption {
	return func(o *stateOptions) { o.admitAll = true }
}

func newStateOptions(opts []StateOption) stateOptions {
	var o stateOptions
	for _, f := range opts {
		f(&o)
	}
	if !o.skewSet {
		o.skew = DefaultMaxGap
		if o.clock != nil {
			o.skew = DefaultMaxSkew
		}
	}
	return o
}

// NewState returns an empty live state of community c.
func NewState(c *Community, opts ...StateOption) *State {
	o := newStateOptions(opts)
	s := &State{
		c:    c,
		opts: o,
		st:   newStore(c),
		accs: make([]acc, len(c.aggs)),
		env:  &eval.Env{Derived: c.derived},
		env2: &eval.Env{Derived: c.derived},
		env3: &eval.Env{Derived: c.derived},
	}
	s.refresh()
	return s
}

// Community returns the community s runs.
func (s *State) Community() *Community { return s.c }

// Change is a role or badge change an event caused.
type Change struct {
	Member string
	// Kind is "role", "badge+" (badge gained) or "badge-" (badge lost).
	Kind     string
	From, To string
}

func (ch Change) String() string {
	switch ch.Kind {
	case "badge+":
		return fmt.Sprintf("%s: +%s", ch.Member, ch.To)
	case "badge-":
		return fmt.Sprintf("%s: -%s", ch.Member, ch.From)
	}
	return fmt.Sprintf("%s: %s → %s", ch.Member, ch.From, ch.To)
}

// Result is what Apply did.
type Result struct {
	Decision Decision
	// Applied is true when the action was allowed and its effects applied.
	Applied bool
	// Changes lists role and badge changes of the members the action touched.
	Changes []Change
	// Sanctions lists the sanctions a denial applied (SPEC §11.5): those
	// of the rules that denied, in order.
	Sanctions []Sanctioned
	// Seq is the event's place in the state's commit order (the value of
	// Events right after it); 0 when nothing was applied and no sanction
	// applied.
	Seq uint64
}

// ErrUnknownMember is returned (wrapped) for an ID the state does not hold.
var ErrUnknownMember = errors.New("unknown member")

// Join adds member m under id. m must have been built by this state's
// community; the state keeps its own copy. A community with an admit
// condition (its own or one it inherits the question of, SPEC §10.7) is
// joined with JoinAt, which judges admission at a time; Join refuses to
// join it without one, unless the state was made with AdmitAll.
func (s *State) Join(id string, m *Member) error {
	if s.c.admits && !s.opts.admitAll {
		return fmt.Errorf("join %q: %s admits members by a condition: join with JoinAt and the time of joining", id, s.c.Name)
	}
	return s.join(id, m, nil)
}

// JoinAt adds member m under id at time at, if the community admits m
// (SPEC §11.1): every admit condition of the community and of those it
// extends holds for m at at, judged on the members already in, without m
// (Community.AdmitAmong). A refusal is an error wrapping ErrNotAdmitted
// that names the condition, and changes nothing.
func (s *State) JoinAt(id string, m *Member, at time.Time) error {
	return s.join(id, m, &at)
}

// join is Join, judging admission at *at when at is not nil.
func (s *State) join(id string, m *Member, at *time.Time) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if m == nil {
		return fmt.Errorf("join %q: nil member", id)
	}
	if m.c != s.c {
		m = s.c.adopt(m)
	}
	// Members built from Go structs, or changed through a view, skip
	// Convert's checks; a string the snapshot could not give back would
	// make the state's own snapshot unreadable.
	if err := s.c.checkStrings(m.rec()); err != nil {
		return fmt.Errorf("join %q: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.find(id); ok {
		return fmt.Errorf("join: member %q is already in %s", id, s.c.Name)
	}
	if s.st.full() {
		return fmt.Errorf("join %q: %s holds %d members, the most a state can hold", id, s.c.Name, s.st.len())
	}
	if s.sanc.removed != nil { // a removed member re-joins only once its removal ends
		if err := s.rejoin(id, at); err != nil {
			return err
		}
	}
	if at != nil && s.c.admits && !s.opts.admitAll {
		if err := s.admitLocked(m, *at); err != nil {
			return fmt.Errorf("join %q: %w", id, err)
		}
	}
	latest, seen := s.latest, s.seen
	for _, a := range s.c.actions {
		for _, t := range m.hist.kept(&s.c.hist, a.index) {
			if t == noTime {
				continue
			}
			if err := s.checkAhead(t); err != nil {
				return fmt.Errorf("join %q: %s: %w", id, a.name, err)
			}
			if !seen || t > latest {
				latest, seen = t, true
			}
		}
	}
	s.latest, s.seen = latest, seen
	if s.sanc.removed != nil {
		delete(s.sanc.removed, id)
	}
	s.st.add(id, m)
	s.contribute(s.st.len()-1, m.rec(), +1)
	s.events++
	s.refresh()
	return nil
}

// admitLocked judges m's admission at time at on the members in the
// state, as Community.AdmitAmong would over them. The caller holds mu for
// writing.
func (s *State) admitLocked(m *Member, at time.Time) error {
	ns := nanos(at)
	var goals []eval.GoalValue
	if s.c.admitGroup {
		for _, g := range s.currentGoals(ns) {
			goals = append(goals, eval.GoalValue{Value: g.Value, Target: g.Target, Met: g.Met, Progress: g.Progress})
		}
	}
	return s.c.admission(m, ns, goals, int64(s.st.len()))
}

// Admitted returns, of candidates taken in order as members joining c at
// time at, the indexes of those c admits, each judged on those admitted
// before it as a live state's JoinAt judges it, and the refusal of each
// of the others (nil for an admitted one). The admitted members are c's
// members: charter goals and charter roles count them.
func (c *Community) Admitted(candidates []*Member, at time.Time) (in []int, refused []error) {
	refused = make([]error, len(candidates))
	if !c.admits {
		in = make([]int, len(candidates))
		for i := range in {
			in[i] = i
		}
		return in, refused
	}
	// A state keeps the goals of those admitted so far current, so each
	// candidate costs one join, not a scan of the ones before it, and is
	// judged by JoinAt itself. Its history-time check has nothing to guard
	// here: the candidates' histories are the host's data, read as given.
	s := NewState(c, MaxSkew(-1))
	for i, m := range candidates {
		if err := s.JoinAt(strconv.Itoa(i), m, at); err != nil {
			if e := errors.Unwrap(err); e != nil {
				err = e // the refusal, without the state's made-up ID
			}
			refused[i] = err
			continue
		}
		in = append(in, i)
	}
	return in, refused
}

// Leave removes member id.
func (s *State) Leave(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.find(id)
	if !ok {
		return fmt.Errorf("leave %q: %w", id, ErrUnknownMember)
	}
	s.leave(k)
	s.events++
	s.refresh()
	return nil
}

// Update sets attributes of member id, as Community.Member converts them,
// and gives them (SPEC §7.7). Either every value is stored or, on an
// error, none is.
func (s *State) Update(id string, values map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.find(id)
	if !ok {
		return fmt.Errorf("update %q: %w", id, ErrUnknownMember)
	}
	cur := &s.scan
	s.st.record(k, cur)
	rec := cur.Clone()
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		i, ok := s.c.layout.Lookup(k)
		if !ok {
			return fmt.Errorf("update %q: unknown attribute %q", id, k)
		}
		if err := s.c.layout.Set(rec, i, values[k]); err != nil {
			return fmt.Errorf("update %q: %w", id, err)
		}
		s.c.layout.Give(rec, i) // SPEC §7.7: an update gives what it sets
	}
	s.contribute(k, cur, -1)
	cur.CopyFrom(rec)
	s.contribute(k, cur, +1)
	s.events++
	s.refresh()
	return nil
}

// Member returns a copy of member id.
func (s *State) Member(id string) (*Member, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.st.find(id)
	if !ok {
		return nil, false
	}
	return s.st.member(s.c, k), true
}

// Len returns the number of members.
func (s *State) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.len()
}

// Events returns how many events (joins, leaves, updates and applied
// actions) the state has committed.
func (s *State) Events() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.events
}

// IDs returns the member IDs, sorted.
func (s *State) IDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := append([]string(nil), s.st.ids...)
	sort.Strings(ids)
	return ids
}

// contribute adds (sign +1) or removes (-1) rec's contributions to the
// aggregates; rec is member k's record. When the time-reading aggregates
// are kept incrementally (Community.timeInc), their contributions are the
// ones stored for k, and adding them schedules k for the time they next
// change (see timegoals.go).
func (s *State) contribute(k int, rec *eval.Record, sign int) {
	if len(s.c.aggs) == 0 {
		return
	}
	e := s.env2
	e.SetMember(rec)
	e.At = s.goalsAt
	if !s.c.timeInc { // the common case, on every event: nothing stored
		for i, a := range s.c.aggs {
			if v := a.contribution(e); sign > 0 {
				s.accs[i].add(a.kind, v)
			} else {
				s.accs[i].remove(a.kind, v)
			}
		}
		return
	}
	nt := len(s.c.timeAggIdx)
	p := 0
	for i, a := range s.c.aggs {
		timed := a.readsTime
		var v float64
		if timed && sign < 0 {
			v = s.tcon[k*nt+p] // what the aggregate holds for k
		} else {
			v = a.contribution(e)
		}
		if sign > 0 {
			s.accs[i].add(a.kind, v)
		} else {
			s.accs[i].remove(a.kind, v)
		}
		if timed {
			if sign > 0 {
				if k*nt+p == len(s.tcon) {
					s.tcon = append(s.tcon, v)
				} else {
					s.tcon[k*nt+p] = v
				}
			}
			p++
		}
	}
	if sign > 0 && s.scheduled {
		s.schedule(k, rec)
	}
}

// refresh recomputes the goal values from the aggregates.
func (s *State) refresh() {
	s.goals = s.c.goalValues(s.env2, s.accs, int64(s.st.len()), s.aggBuf, s.goals)
	s.aggBuf = s.env2.Aggs
}

// rescan recomputes the aggregates from every member at time at, and
// with schedule also when each member's time-reading contributions next
// change (which costs a binary search over the time per member).
func (s *State) rescan(at int64, schedule bool) {
	for i := range s.accs {
		sum := s.accs[i].sum
		if sum != nil {
			*sum = exactSum{} // keep the allocation: time-reading goals rescan often
		}
		s.accs[i] = acc{sum: sum}
	}
	s.goalsAt = at
	s.tcon = s.tcon[:0]
	s.times.reset()
	s.scheduled = schedule && s.c.timeInc
	for k := range s.st.len() {
		s.st.record(k, &s.scan)
		s.contribute(k, &s.scan, +1)
	}
	s.refresh()
}

// rebuildAfter is how many rescans at later and later times the state makes
// before it schedules the members (a rescan's cost many times over) to keep
// the time-reading goals incremental: then a host that asks at times going
// back and forth pays at most about twice what rescanning always would.
const rebuildAfter = 64

// currentGoals returns the goals at time at, moving the time-reading
// aggregates forward or rescanning when needed. The caller holds mu for
// writing.
func (s *State) currentGoals(at int64) []GoalValue {
	if s.scheduled && at < s.goalsAt {
		return s.goalsBefore(at) // keeps the heap for the later times
	}
	if s.c.timeAggs && at != s.goalsAt {
		if s.scheduled && at > s.goalsAt {
			s.advance(at)
		} else {
			if at > s.goalsAt {
				s.forward++
			} else {
				s.forward = 0
			}
			s.rescan(at, s.forward >= rebuildAfter)
		}
	}
	if s.stale() {
		if s.scheduled {
			s.restale()
		} else {
			s.rescan(at, false)
		}
	}
	return s.goals
}

func (s *State) stale() bool {
	for i := range s.accs {
		if s.accs[i].stale {
			return true
		}
	}
	return false
}

// Goals returns every goal's value at time at.
func (s *State) Goals(at time.Time) []GoalValue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]GoalValue(nil), s.currentGoals(nanos(at))...)
}

// Decide decides without applying: member id taking action with args at
// time at, with the state's current goals.
func (s *State) Decide(id, action string, args Args, at time.Time) (Decision, error) {
	k, err := s.c.Call(action, args)
	if err != nil {
		return Decision{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, others, err := s.resolve(id, nil, k)
	if err != nil {
		return Decision{}, err
	}
	t := nanos(at)
	if s.sanc.mutes != nil {
		if mu := s.mutedAt(id, t); mu != nil {
			return mu.decision(k.act.name), nil
		}
	}
	e := s.bind(m, k, others, t)
	return s.c.decideFast(e, m, k.act), nil
}

// Holds reports whether cond, a boolean expression over the community's
// names as an `expect that` step of a test block writes it, is true of
// member id at time at, with the state's goals and member count. cond is
// an expression of the parsed files, such as the condition of such a step
// in c.Checked().Tests, which the checker has vetted; it is compiled here,
// and one that names what the community lacks or is not boolean is an
// error.
func (s *State) Holds(id string, cond *syntax.Expr, at time.Time) (bool, error) {
	if cond == nil {
		return false, fmt.Errorf("holds: no condition")
	}
	if cond.Err != nil {
		return false, *cond.Err
	}
	cm := &compiler{c: s.c}
	x, err := cm.expr(cond, nil)
	if err != nil {
		return false, err
	}
	if x.Type().Kind != check.Bool {
		return false, fmt.Errorf("%s: condition is %s, want bool", cond.Range().Start, x.Type())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.member(id)
	if err != nil {
		return false, err
	}
	e := s.bindMember(m, nanos(at))
	defer e.Reset()
	return x.Bool(e), nil
}

// member loads a view of member id for one question; the caller holds
// s.mu.
func (s *State) member(id string) (*Member, error) {
	s.loaded = 0
	m, ok := s.load(id)
	if !ok {
		return nil, fmt.Errorf("member %q: %w", id, ErrUnknownMember)
	}
	return m, nil
}

// resolve finds the acting member id (which h, when not nil, is a handle
// of) and the members that member-typed arguments name, as views of the
// store: the same member named twice is the same view. The caller holds mu
// for writing.
func (s *State) resolve(id string, h *Handle, k *Call) (*Member, []*Member, error) {
	s.loaded = 0
	m, ok := s.find(id, h)
	if !ok {
		return nil, nil, fmt.Errorf("member %q: %w", id, ErrUnknownMember)
	}
	var others []*Member
	if len(k.ids) > 0 {
		// The state's buffer: the views live until the next event too.
		if len(k.ids) > cap(s.others) {
			s.others = make([]*Member, len(k.ids))
		}
		others = s.others[:len(k.ids)]
	}
	for i, oid := range k.ids {
		var oh *Handle
		if i < len(k.handles) && k.handles[i] != nil && k.handles[i].id == oid {
			oh = k.handles[i]
		}
		o, ok := s.find(oid, oh)
		if !ok {
			p := k.act.def.Params[k.act.others[i]].Name
			return nil, nil, fmt.Errorf("argument %s: member %q: %w", p, oid, ErrUnknownMember)
		}
		others[i] = o
	}
	return m, others, nil
}

// load returns a view of member id, reusing the view of this event that
// already shows it.
func (s *State) load(id string) (*Member, bool) {
	k, ok := s.st.find(id)
	return s.loadAt(k, ok)
}

// find is load for member id, which h (when not nil) is a handle of.
func (s *State) find(id string, h *Handle) (*Member, bool) {
	if h != nil && h.s == s && h.k >= 0 {
		// The handle holds the store's own ID string: the view takes it
		// from there rather than from the store's ID array, one cache
		// miss fewer for each event.
		return s.loadAs(h.k, h.id), true
	}
	return s.load(id)
}

// loadAt is load for the member at index k of the store, when ok.
func (s *State) loadAt(k int, ok bool) (*Member, bool) {
	if !ok {
		return nil, false
	}
	return s.loadAs(k, ""), true
}

// loadAs is loadAt for a member the store holds at k, with ID id (read
// from the store when "").
func (s *State) loadAs(k int, id string) *Member {
	for _, v := range s.views[:s.loaded] {
		if v.k == k {
			return &v.m
		}
	}
	if s.loaded == len(s.views) {
		s.views = append(s.views, &view{})
	}
	v := s.views[s.loaded]
	s.loaded++
	if id == "" {
		id = s.st.ids[k]
	}
	s.st.load(s.c, k, v, id)
	return &v.m
}

func (s *State) bind(m *Member, k *Call, others []*Member, at int64) *eval.Env {
	e := s.bindMember(m, at)
	e.Args = k.args
	for _, o := range others {
		e.Others = append(e.Others, o.rec())
	}
	if len(others) > 0 {
		e.Me = m.ID
	}
	return e
}

// bindMember points the state's environment at m at time at, with the
// state's goals and member count.
func (s *State) bindMember(m *Member, at int64) *eval.Env {
	goals := s.currentGoals(at)
	e := s.env
	e.Reset()
	e.M, e.At = m.rec(), at
	e.Members = int64(s.st.len())
	if s.goalBuf == nil {
		// A nil snapshot means "no goals known" and turns every when
		// off; a state always knows its goals, even when it has none.
		s.goalBuf = make([]eval.GoalValue, 0, len(goals))
	}
	s.goalBuf = s.goalBuf[:0]
	for _, g := range goals {
		s.goalBuf = append(s.goalBuf, eval.GoalValue{Value: g.Value, Target: g.Target, Met: g.Met, Progress: g.Progress})
	}
	e.Goals = s.goalBuf
	return e
}

// Duties returns the duties member id has not met at time at (SPEC §10.4),
// with the state's goals and member count as Apply and Review see them:
// a duty under `when members > 100` counts here, where Community.Duties,
// which has no member count, reads members as 0.
func (s *State) Duties(id string, at time.Time) ([]Duty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.member(id)
	if err != nil {
		return nil, err
	}
	e := s.bindMember(m, nanos(at))
	defer e.Reset()
	return s.c.dutiesIn(m, e), nil
}

// Messages returns the nudges and offers that reach member id at time at
// (SPEC §10.5), with the state's goals and member count.
func (s *State) Messages(id string, at time.Time) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.member(id)
	if err != nil {
		return nil, err
	}
	e := s.bindMember(m, nanos(at))
	defer e.Reset()
	return s.c.messagesIn(e), nil
}

// Apply decides whether member id may take action with args at time at
// and, if allowed, applies the action's effects atomically (to the actor
// and to any member a member-typed argument names: all of them or none),
// records it in the actor's history and updates the goals. A denied action
// changes nothing and is not an error. Errors (unknown member or action,
// bad arguments, an effect that would store a non-finite number or divide
// by zero, a cancelled ctx) leave the state unchanged.
func (s *State) Apply(ctx context.Context, id, action string, args Args, at time.Time) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	a, ok := s.c.actionByName[action]
	if !ok {
		return Result{}, s.c.unknownAction(action)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The arguments are converted into this state's scratch call for the
	// action: events are serialised anyway, and it saves allocating a call.
	if s.calls == nil {
		s.calls = make([]*Call, len(s.c.actions))
	}
	k := s.calls[a.index]
	if k == nil {
		k = a.newCall()
		s.calls[a.index] = k
	}
	if err := k.fill(args); err != nil {
		return Result{}, err
	}
	var res Result
	if err := s.applyLocked(ctx, id, nil, k, at, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// ApplyCall is Apply with a call prepared by Community.Call, for hosts that
// apply the same call shape often: it skips converting the arguments.
// Member-typed arguments are member IDs, resolved when the call is applied.
func (s *State) ApplyCall(ctx context.Context, id string, k *Call, at time.Time) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return s.applyCall(ctx, id, nil, k, at)
}

// applyCall is ApplyCall and ApplyCallTo once the context is checked: h is
// the handle of member id, or nil.
func (s *State) applyCall(ctx context.Context, id string, h *Handle, k *Call, at time.Time) (Result, error) {
	k, ok := s.c.adoptCall(k)
	if !ok {
		return Result{}, fmt.Errorf("apply: %s is not an action of %s with the parameters of the call (it was prepared by another community)", k.act.name, s.c.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var res Result
	if err := s.applyLocked(ctx, id, h, k, at, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// applyLocked is Apply with s.mu held and the call prepared, for member
// id, which h (when not nil) is a handle of, into *res, which the caller
// drops on an error: a Result is too large for registers, and returned
// by value it was copied twice an event (6% of charter simulate).
func (s *State) applyLocked(ctx context.Context, id string, h *Handle, k *Call, at time.Time, res *Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	action := k.act.name
	m, others, err := s.resolve(id, h, k)
	if err != nil {
		return err
	}
	ns := nanos(at)
	if err := s.checkAhead(ns); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if s.sanc.mutes != nil {
		if mu := s.muteOnApply(id, ns); mu != nil {
			res.Decision = mu.decision(action)
			return nil
		}
	}
	e := s.bind(m, k, others, ns)
	res.Decision = s.c.decideFast(e, m, k.act)
	if !res.Decision.Allowed {
		if hasSanction(res.Decision.Rules) {
			s.sanctionDenied(res, m, ns)
		}
		return nil
	}
	// The members the effects write: the actor and those its member
	// arguments name, each once (a member named twice, or the actor named
	// as an argument, is one view, changed in order). The effects write
	// the store in place; an undo log takes back those applied when a
	// later one fails, so that a failed action changes nothing.
	var touchedBuf [4]*Member
	touched := append(touchedBuf[:0], m)
	var targetsBuf [8]*eval.Record
	var tixBuf [8]int
	targets, tix := targetsBuf[:0], tixBuf[:0]
	for _, as := range k.act.effect {
		x := m
		if as.other >= 0 {
			x = others[as.other]
		}
		ti := slices.Index(touched, x)
		if ti < 0 {
			ti = len(touched)
			touched = append(touched, x)
		}
		targets, tix = append(targets, x.rec()), append(tix, ti)
	}
	// Every right-hand side is evaluated against the state before the action.
	var valsBuf [8]value
	vals := valsBuf[:0]
	for _, as := range k.act.effect {
		v, err := evalValue(as, e)
		if err != nil {
			return fmt.Errorf("%s: effect %s: %w", action, as.def.Decl.Pos, err)
		}
		vals = append(vals, v)
	}
	// What the role and badge changes and the goals need of the members
	// before: when no aggregate reads the time, one evaluation of each
	// member serves both, and an aggregate is touched only when a
	// member's contribution to it changes.
	fast := !s.c.timeAggs
	s.markBefore(touched, k.act.effect, tix, ns, fast)
	if !fast {
		for _, t := range touched {
			s.contribute(s.viewIndex(t), t.rec(), -1)
		}
	}
	undo := s.undo[:0]
	for i, as := range k.act.effect {
		undo = append(undo, saveSlot(targets[i], as))
		err := as.apply(targets[i], vals[i])
		if err == nil && as.slot.Type.Kind == check.String && !utf8.ValidString(targets[i].S[as.slot.Index]) {
			// Arguments set through Call.SetString or the fast path of
			// Call.fill are not checked for UTF-8 (apply bounds the
			// length); what the state stores must be what its snapshot
			// can give back.
			err = fmt.Errorf("%s would not be valid UTF-8", as.def.Attr.Name)
		}
		if err != nil {
			for j := len(undo) - 1; j >= 0; j-- {
				undo[j].restore()
			}
			clear(undo)
			s.undo = undo[:0]
			if !fast {
				for _, t := range touched {
					s.contribute(s.viewIndex(t), t.rec(), +1)
				}
			}
			return fmt.Errorf("%s: effect %s: %w", action, as.def.Decl.Pos, err)
		}
	}
	clear(undo) // hold no strings or lists the effects replaced
	s.undo = undo[:0]
	// Commit: role and badge changes, aggregates, history, goals.
	changed := !fast
	for i, t := range touched {
		t.forgetRole()
		if s.markAfter(i, t, ns, fast, &res.Changes) {
			changed = true
		}
		if !fast {
			s.contribute(s.viewIndex(t), t.rec(), +1)
		}
	}
	m.hist.record(&s.c.hist, k.act.index, ns)
	if !s.seen || ns > s.latest {
		s.latest, s.seen = ns, true
	}
	s.events++
	if changed {
		// Unchanged aggregates and member count give the same goals.
		s.refresh()
	}
	res.Applied, res.Seq = true, s.events
	return nil
}

// sanctionDenied applies the sanctions of the rules that denied res's
// action to its actor m at t (SPEC §11.5).
func (s *State) sanctionDenied(res *Result, m *Member, t int64) {
	var ps []pending
	for _, r := range res.Decision.Rules {
		if r.Sanction != nil {
			ps = append(ps, pending{r.Sanction, r.Label, r.Reason})
		}
	}
	s.punish(m, ps, t, &res.Sanctions, &res.Changes)
	if !s.seen || t > s.latest {
		s.latest, s.seen = t, true
	}
	s.events++
	s.refresh()
	res.Seq = s.events
}

// checkID refuses a member ID a snapshot could not carry: empty, longer
// than a host string may be, not UTF-8, or with control characters.
func checkID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("empty member id")
	case len(id) > eval.MaxStringLen:
		return fmt.Errorf("member id of %d bytes: at most %d", len(id), eval.MaxStringLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("member id %q is not valid UTF-8", id)
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return fmt.Errorf("member id %q holds the control character %U", id, r)
		}
	}
	return nil
}

// checkStrings refuses a record whose strings a snapshot could not give
// back: longer than a host string may be, or not UTF-8.
func (c *Community) checkStrings(rec *eval.Record) error {
	for i := 0; i < c.layout.Len(); i++ {
		slot := c.layout.Slot(i)
		var ss []string
		switch slot.Type.Kind {
		case check.String:
			ss = rec.S[slot.Index : slot.Index+1]
		case check.List:
			ss, _ = rec.L[slot.Index].([]string)
		}
		for _, x := range ss {
			if len(x) > eval.MaxStringLen {
				return fmt.Errorf("%s: a string value may be at most %d bytes, got %d", c.layout.Name(i), eval.MaxStringLen, len(x))
			}
			if !utf8.ValidString(x) {
				return fmt.Errorf("%s: a string value must be valid UTF-8", c.layout.Name(i))
			}
		}
	}
	return nil
}

// ErrTooFarAhead is returned (wrapped) for an event dated later than the
// state's MaxSkew allows.
var ErrTooFarAhead = errors.New("event time too far ahead")

// checkAhead refuses a time more than the skew after the reference.
func (s *State) checkAhead(t int64) error {
	if s.opts.skew < 0 {
		return nil
	}
	var ref int64
	what := "the latest event time"
	switch {
	case s.opts.clock != nil:
		ref, what = nanos(s.opts.clock()), "the clock"
	case s.seen:
		ref = s.latest
	default:
		return nil
	}
	if lim := stdlib.AddDuration(ref, int64(s.opts.skew)); t > lim {
		return fmt.Errorf("%w: %s is more than %s after %s %s", ErrTooFarAhead,
			stdlib.Time(t).Format(time.RFC3339Nano), check.FormatDuration(s.opts.skew), what, stdlib.Time(ref).Format(time.RFC3339Nano))
	}
	return nil
}

// spare returns a record holding a copy of rec, from the spares when there
// is one.
func (s *State) spare(rec *eval.Record) *eval.Record {
	if n := len(s.spares); n > 0 {
		r := s.spares[n-1]
		s.spares = s.spares[:n-1]
		r.CopyFrom(rec)
		return r
	}
	return rec.Clone()
}

// changes compares the role and badges of one member before and after.
func (s *State) changes(id string, before, after *eval.Record, at int64) []Change {
	c := s.c
	if len(c.roleNames) == 0 && len(c.badgeNames) == 0 {
		return nil
	}
	a, b := s.env2, s.env3
	a.SetMember(before)
	a.At = at
	b.SetMember(after)
	b.At = at
	var out []Change
	if len(c.roleNames) > 0 {
		if r0, r1 := a.Role(), b.Role(); r0 != r1 {
			out = append(out, Change{Member: id, Kind: "role", From: c.roleNames[r0], To: c.roleNames[r1]})
		}
	}
	for i, name := range c.badgeNames {
		h0, h1 := a.Badge(i), b.Badge(i)
		switch {
		case !h0 && h1:
			out = append(out, Change{Member: id, Kind: "badge+", To: name})
		case h0 && !h1:
			out = append(out, Change{Member: id, Kind: "badge-", From: name})
		}
	}
	return out
}

// value is an effect's computed right-hand side.
type value struct {
	i int64
	f float64
	s string
}

// evalValue evaluates an effect's right-hand side. Effect values are
// compiled by eval.CompileEffect, so one that leaves the int range or grows
// a string past the limit records a limit error in e.Err, and the effect
// is refused; the other errors an expression records (x % 0 is 0) keep
// their defined values, as in conditions.
func evalValue(as *assign, e *eval.Env) (value, error) {
	saved := e.Err
	e.Err = nil
	var v value
	switch as.slot.Type.Kind {
	case check.Float:
		v.f = as.value.Float(e)
	case check.String:
		v.s = as.value.String(e)
	case check.Bool:
		if as.value.Bool(e) {
			v.i = 1
		}
	case check.List:
		// x = [] has no value; x += m and x -= m the ID of the member m.
		// The checker allows no other list effect.
		if as.value != nil {
			if as.value.Type().Kind != check.Member {
				return v, fmt.Errorf("effects on list attribute %s take a member, not %s", as.def.Attr.Name, as.value.Type())
			}
			v.s = as.value.String(e)
		}
	default:
		v.i = as.value.Int(e)
	}
	err := e.Err
	e.Err = saved
	if eval.IsLimit(err) {
		return v, fmt.Errorf("value of %s: %w", as.def.Attr.Name, err)
	}
	if len(v.s) > eval.MaxStringLen { // CompileEffect records these; kept in case a path does not
		return v, fmt.Errorf("%s would be %d bytes, more than the limit of %d", as.def.Attr.Name, len(v.s), eval.MaxStringLen)
	}
	return v, nil
}

// apply stores v into rec according to the assignment's operator. It
// checks the result against the limits of a stored value before building
// it: a string of at most eval.MaxStringLen bytes, an int or duration in
// the 64-bit range, a finite float.
func (as *assign) apply(rec *eval.Record, v value) error {
	// An assignment gives its attribute (SPEC §7.7), whatever the operator;
	// on an error the record is dropped, so the bit may be set first.
	rec.I[as.givenWord] |= as.givenBit
	idx := as.slot.Index
	name := as.def.Attr.Name
	switch as.slot.Type.Kind {
	case check.Float:
		cur := rec.F[idx]
		var n float64
		switch as.op {
		case "=":
			n = v.f
		case "+=":
			n = cur + v.f
		case "-=":
			n = cur - v.f
		case "*=":
			n = cur * v.f
		case "/=":
			if v.f == 0 {
				return fmt.Errorf("division of %s by zero", name)
			}
			n = cur / v.f
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return fmt.Errorf("%s would become %v", name, n)
		}
		rec.F[idx] = n
	case check.String:
		if as.op == "+=" {
			if n := len(rec.S[idx]) + len(v.s); n > eval.MaxStringLen {
				return fmt.Errorf("%s would be %d bytes, more than the limit of %d", name, n, eval.MaxStringLen)
			}
			rec.S[idx] += v.s
		} else {
			rec.S[idx] = v.s
		}
	case check.List:
		return as.applyList(rec, idx, v.s)
	default: // int, bool, time, duration: in I
		cur := rec.I[idx]
		n, ok := v.i, true
		switch as.op {
		case "+=":
			n, ok = eval.AddInt(cur, v.i)
		case "-=":
			n, ok = eval.SubInt(cur, v.i)
		case "*=":
			n, ok = eval.MulInt(cur, v.i)
		}
		if !ok {
			if as.slot.Type.Kind == check.Duration {
				return fmt.Errorf("%s %s %v would leave the 64-bit range of duration (it is %v)", name, as.op, time.Duration(v.i), time.Duration(cur))
			}
			return fmt.Errorf("%s %s %d would leave the 64-bit range of int (it is %d)", name, as.op, v.i, cur)
		}
		rec.I[idx] = n
	}
	return nil
}

// applyList applies a list effect (§6.14): = empties the list; += adds
// the member ID id to a []string unless it is there, -= removes it. The
// list is never changed in place, since the record it came from may still
// hold it (effects apply to copies, all or nothing).
func (as *assign) applyList(rec *eval.Record, idx int, id string) error {
	name := as.def.Attr.Name
	if as.op == "=" {
		rec.L[idx] = eval.EmptyList(as.slot.Type.Elem)
		return nil
	}
	ids, ok := rec.L[idx].([]string)
	if !ok {
		return fmt.Errorf("%s %s a member: %s is not a list of strings", name, as.op, name)
	}
	i := slices.Index(ids, id)
	switch {
	case as.op == "+=" && i < 0:
		if len(ids) >= eval.MaxListLen {
			return fmt.Errorf("%s += %q would hold more than %d elements", name, id, eval.MaxListLen)
		}
		rec.L[idx] = append(slices.Clip(ids), id)
	case as.op == "-=" && i >= 0:
		rec.L[idx] = slices.Delete(slices.Clone(ids), i, i+1)
	}
	return nil
}

// String describes the state briefly, for debugging.
func (s *State) String() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d members, %d events", s.c.Name, s.st.len(), s.events)
	return b.String()
}
