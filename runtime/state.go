package runtime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
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
// (days_since, now, ...) changes without events, so it is rescanned when
// goals are read at a new time.
type State struct {
	c *Community

	mu sync.RWMutex
	st store // the members, column-wise
	// views are the members an event reads or writes (the actor and the
	// members its arguments name), as views of st; loaded counts those in use.
	views  []*view
	loaded int
	scan   eval.Record // a record view for scans of every member
	// spares are records an event writes its effects into before they are
	// swapped in; the records they replace become the next spares, so
	// applying an action copies into memory the state already has.
	spares  []*eval.Record
	accs    []acc
	goals   []GoalValue
	goalsAt int64 // time of the goals (matters when aggregates read the time)
	events  uint64
	// Buffers used under mu only, so that events do not allocate them.
	env, env2, env3 *eval.Env
	aggBuf          []float64
	goalBuf         []eval.GoalValue
	calls           []*Call // per action: the call Apply converts arguments into
}

// NewState returns an empty live state of community c.
func NewState(c *Community) *State {
	s := &State{
		c:    c,
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
	// Seq is the event's place in the state's commit order (the value of
	// Events right after it); 0 when nothing was applied.
	Seq uint64
}

// ErrUnknownMember is returned (wrapped) for an ID the state does not hold.
var ErrUnknownMember = errors.New("unknown member")

// Join adds member m under id at time at (the time matters only to goals
// that read it). m must have been built by this state's community; the
// state keeps its own copy.
func (s *State) Join(id string, m *Member) error {
	if id == "" {
		return fmt.Errorf("join: empty member id")
	}
	if m.c != s.c {
		m = s.c.adopt(m)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.index[id]; ok {
		return fmt.Errorf("join: member %q is already in %s", id, s.c.Name)
	}
	s.st.add(id, m)
	s.contribute(m.rec, +1)
	s.events++
	s.refresh()
	return nil
}

// Leave removes member id.
func (s *State) Leave(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.index[id]
	if !ok {
		return fmt.Errorf("leave %q: %w", id, ErrUnknownMember)
	}
	s.st.record(k, &s.scan)
	s.contribute(&s.scan, -1)
	s.st.remove(k)
	s.events++
	s.refresh()
	return nil
}

// Update sets attributes of member id, as Community.Member converts them.
// Either every value is stored or, on an error, none is.
func (s *State) Update(id string, values map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.index[id]
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
	}
	s.contribute(cur, -1)
	cur.CopyFrom(rec)
	s.contribute(cur, +1)
	s.events++
	s.refresh()
	return nil
}

// Member returns a copy of member id.
func (s *State) Member(id string) (*Member, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.st.index[id]
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
// aggregates.
func (s *State) contribute(rec *eval.Record, sign int) {
	if len(s.c.aggs) == 0 {
		return
	}
	e := s.env2
	e.SetMember(rec)
	e.At = s.goalsAt
	for i, a := range s.c.aggs {
		v := a.contribution(e)
		if sign > 0 {
			s.accs[i].add(a.kind, v)
		} else {
			s.accs[i].remove(a.kind, v)
		}
	}
}

// refresh recomputes the goal values from the aggregates.
func (s *State) refresh() {
	s.goals = s.c.goalValues(s.env2, s.accs, int64(s.st.len()), s.aggBuf, s.goals)
	s.aggBuf = s.env2.Aggs
}

// rescan recomputes the aggregates from every member at time at.
func (s *State) rescan(at int64) {
	for i := range s.accs {
		s.accs[i] = acc{}
	}
	s.goalsAt = at
	for k := range s.st.len() {
		s.st.record(k, &s.scan)
		s.contribute(&s.scan, +1)
	}
	s.refresh()
}

// currentGoals returns the goals at time at, rescanning when needed. The
// caller holds mu for writing.
func (s *State) currentGoals(at int64) []GoalValue {
	stale := s.c.timeAggs && at != s.goalsAt
	for i := range s.accs {
		stale = stale || s.accs[i].stale
	}
	if stale {
		s.rescan(at)
	}
	return s.goals
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
	m, others, err := s.resolve(id, k)
	if err != nil {
		return Decision{}, err
	}
	e := s.bind(m, k, others, nanos(at))
	return s.c.decideFast(e, m, k.act), nil
}

// resolve finds the acting member and the members that member-typed
// arguments name, as views of the store: the same member named twice is
// the same view. The caller holds mu for writing.
func (s *State) resolve(id string, k *Call) (*Member, []*Member, error) {
	s.loaded = 0
	m, ok := s.load(id)
	if !ok {
		return nil, nil, fmt.Errorf("member %q: %w", id, ErrUnknownMember)
	}
	var others []*Member
	if len(k.ids) > 0 {
		others = make([]*Member, len(k.ids))
	}
	for i, oid := range k.ids {
		o, ok := s.load(oid)
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
	k, ok := s.st.index[id]
	if !ok {
		return nil, false
	}
	for _, v := range s.views[:s.loaded] {
		if v.k == k {
			return &v.m, true
		}
	}
	if s.loaded == len(s.views) {
		s.views = append(s.views, &view{})
	}
	v := s.views[s.loaded]
	s.loaded++
	s.st.load(s.c, k, v)
	return &v.m, true
}

func (s *State) bind(m *Member, k *Call, others []*Member, at int64) *eval.Env {
	goals := s.currentGoals(at)
	e := s.env
	e.Reset()
	e.M, e.Args, e.At = m.rec, k.args, at
	for _, o := range others {
		e.Others = append(e.Others, o.rec)
	}
	e.Members = int64(s.st.len())
	s.goalBuf = s.goalBuf[:0]
	for _, g := range goals {
		s.goalBuf = append(s.goalBuf, eval.GoalValue{Value: g.Value, Target: g.Target, Met: g.Met, Progress: g.Progress})
	}
	e.Goals = s.goalBuf
	return e
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
	return s.applyLocked(ctx, id, k, at)
}

// ApplyCall is Apply with a call prepared by Community.Call, for hosts that
// apply the same call shape often: it skips converting the arguments.
// Member-typed arguments are member IDs, resolved when the call is applied.
func (s *State) ApplyCall(ctx context.Context, id string, k *Call, at time.Time) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	k, ok := s.c.adoptCall(k)
	if !ok {
		return Result{}, fmt.Errorf("apply: %s is not an action of %s with the parameters of the call (it was prepared by another community)", k.act.name, s.c.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applyLocked(ctx, id, k, at)
}

// applyLocked is Apply with s.mu held and the call prepared.
func (s *State) applyLocked(ctx context.Context, id string, k *Call, at time.Time) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	action := k.act.name
	m, others, err := s.resolve(id, k)
	if err != nil {
		return Result{}, err
	}
	ns := nanos(at)
	e := s.bind(m, k, others, ns)
	var res Result
	res.Decision = s.c.decideFast(e, m, k.act)
	if !res.Decision.Allowed {
		return res, nil
	}
	// New records for every member touched; a member named twice (or the
	// actor named as an argument) gets one record, changed in order.
	var touchedBuf [4]*Member
	var recsBuf [4]*eval.Record
	touched := append(touchedBuf[:0], m)
	newRecs := append(recsBuf[:0], s.spare(m.rec))
	recFor := func(x *Member) *eval.Record {
		for i, t := range touched {
			if t == x {
				return newRecs[i]
			}
		}
		touched = append(touched, x)
		newRecs = append(newRecs, s.spare(x.rec))
		return newRecs[len(newRecs)-1]
	}
	var targetsBuf [8]*eval.Record
	targets := targetsBuf[:0]
	for range k.act.effect {
		targets = append(targets, nil)
	}
	for i, as := range k.act.effect {
		if as.other < 0 {
			targets[i] = newRecs[0]
		} else {
			targets[i] = recFor(others[as.other])
		}
	}
	// Every right-hand side is evaluated against the state before the action.
	var valsBuf [8]value
	vals := valsBuf[:0]
	for _, as := range k.act.effect {
		vals = append(vals, evalValue(as, e))
	}
	for i, as := range k.act.effect {
		if err := as.apply(targets[i], vals[i]); err != nil {
			s.spares = append(s.spares, newRecs...)
			return Result{}, fmt.Errorf("%s: effect %s: %w", action, as.def.Decl.Pos, err)
		}
	}
	// Commit: role and badge changes, aggregates, records, history, goals.
	for i, t := range touched {
		res.Changes = append(res.Changes, s.changes(t.ID, t.rec, newRecs[i], ns)...)
		s.contribute(t.rec, -1)
		t.rec.CopyFrom(newRecs[i]) // t is a view: this writes the store
		s.spares = append(s.spares, newRecs[i])
		s.contribute(t.rec, +1)
	}
	m.hist.record(&s.c.hist, k.act.index, ns)
	s.events++
	s.refresh()
	res.Applied, res.Seq = true, s.events
	return res, nil
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

func evalValue(as *assign, e *eval.Env) value {
	switch as.slot.Type.Kind {
	case check.Float:
		return value{f: as.value.Float(e)}
	case check.String:
		return value{s: as.value.String(e)}
	case check.Bool:
		if as.value.Bool(e) {
			return value{i: 1}
		}
		return value{}
	}
	return value{i: as.value.Int(e)}
}

// apply stores v into rec according to the assignment's operator.
func (as *assign) apply(rec *eval.Record, v value) error {
	idx := as.slot.Index
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
				return fmt.Errorf("division of %s by zero", as.def.Attr.Name)
			}
			n = cur / v.f
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return fmt.Errorf("%s would become %v", as.def.Attr.Name, n)
		}
		rec.F[idx] = n
	case check.String:
		if as.op == "+=" {
			rec.S[idx] += v.s
		} else {
			rec.S[idx] = v.s
		}
	case check.List:
		return fmt.Errorf("effects on list attribute %s are not supported", as.def.Attr.Name)
	default: // int, bool, time, duration: in I
		cur := rec.I[idx]
		switch as.op {
		case "=":
			rec.I[idx] = v.i
		case "+=":
			rec.I[idx] = cur + v.i
		case "-=":
			rec.I[idx] = cur - v.i
		case "*=":
			rec.I[idx] = cur * v.i
		}
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
