package runtime

import (
	"errors"
	"fmt"
	"math/bits"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

// Goals is a snapshot of goal values that rules under `when` read; the
// live State passes its current one. A nil snapshot makes every `when`
// block inactive.
type Goals []GoalValue

func nanos(at time.Time) int64 {
	ns, ok := stdlib.Nanos(at)
	if !ok {
		if at.Before(time.Unix(0, 0)) {
			return -1 << 63
		}
		return 1<<63 - 1
	}
	return ns
}

// pooledEnv is an evaluation environment with a buffer for goal snapshots
// that survives eval.Env's Reset, so that pooled environments never allocate.
type pooledEnv struct {
	eval.Env
	goals []eval.GoalValue
	// calls holds, by action index, the call Decide converts its Args
	// into, made on first use, so that Decide allocates no Call.
	calls []*Call
}

// call returns pe's call of a, which c declares.
func (pe *pooledEnv) call(c *Community, a *action) *Call {
	if pe.calls == nil {
		pe.calls = make([]*Call, len(c.actions))
	}
	k := pe.calls[a.index]
	if k == nil {
		k = a.newCall()
		pe.calls[a.index] = k
	}
	return k
}

// env takes an environment from c's pool; release resets it and returns it.
func (c *Community) env() *pooledEnv { return c.envs.Get().(*pooledEnv) }

func (c *Community) release(pe *pooledEnv) {
	pe.Reset()
	c.envs.Put(pe)
}

// setGoals points pe at the goal snapshot g (nil: no snapshot, so `when`
// blocks are inactive).
func setGoals(pe *pooledEnv, g Goals) {
	if g == nil {
		pe.Goals = nil
		return
	}
	pe.goals = pe.goals[:0]
	for _, v := range g {
		pe.goals = append(pe.goals, eval.GoalValue{Value: v.Value, Target: v.Target, Met: v.Met, Progress: v.Progress})
	}
	pe.Goals = pe.goals
}

// Decide decides whether m may take action with args at time at, without a
// goal snapshot (rules under `when` are inactive; see DecideCall).
func (c *Community) Decide(m *Member, action string, args Args, at time.Time) (Decision, error) {
	a, ok := c.actionByName[action]
	if !ok {
		return Decision{}, c.unknownAction(action)
	}
	// The arguments go into a call the pooled environment keeps, not a
	// new one: a Call and its record were four of this path's allocations.
	pe := c.env()
	k := pe.call(c, a)
	if err := k.fill(args); err != nil {
		c.release(pe)
		return Decision{}, err
	}
	if len(k.others) > 0 {
		if err := a.missing(m, k); err != nil {
			clear(k.others)
			c.release(pe)
			return Decision{}, err
		}
	}
	d := c.decideIn(pe, m, k, at, nil)
	clear(k.others) // the pool must not keep members alive
	clear(k.ids)
	c.envs.Put(pe)
	return d, nil
}

// DecideCall decides a prepared call for m at time at, with goals as the
// snapshot `when` conditions read (nil: `when` blocks are inactive). It
// does not allocate when the decision is made by at most one rule.
//
// A call prepared by another community (a parent's call asked of a child)
// is decided by c's action of the same name and parameters, with c's
// rules; when c has no such action the call is denied with that reason.
func (c *Community) DecideCall(m *Member, k *Call, at time.Time, goals Goals) Decision {
	return c.decideIn(nil, m, k, at, goals) // small enough to inline: no copy of the Decision
}

// decideIn is DecideCall in the clean environment pe, which it resets; a
// nil pe means one from c's pool, returned to it. Its answers are returned
// as composite literals, never from a Decision variable: Go copies a
// Decision held in a variable through memory with 16-byte moves that wait
// for the narrower stores of its fields to retire (a store-forwarding
// stall, bench/RESULTS.md), at every level that holds one.
func (c *Community) decideIn(pe *pooledEnv, m *Member, k *Call, at time.Time, goals Goals) Decision {
	pooled := pe == nil
	if pooled {
		pe = c.env()
	}
	a := k.act
	if a.index >= len(c.actions) || c.actions[a.index] != a || len(a.deny) > 64 {
		d := c.decideOther(pe, m, k, at, goals)
		c.finish(pe, pooled)
		return d
	}
	if m.c != c {
		m = c.adopt(m)
	}
	e := &pe.Env
	e.M, e.Args = m.rec(), k.args
	if a.readsTime {
		e.At = nanos(at) // else no rule of a reads it: skip the conversion
	}
	if goals != nil {
		setGoals(pe, goals)
	}
	if len(k.others) > 0 {
		if err := a.missing(m, k); err != nil {
			c.finish(pe, pooled)
			return refused(a, err)
		}
		c.bindOthers(e, m, k)
	}
	c.seedRole(e, m)
	allowed, byDefault, rules := c.outcome(e, m, a)
	c.keepRole(e, m)
	c.finish(pe, pooled)
	return Decision{Action: a.name, Allowed: allowed, ByDefault: byDefault, Rules: rules}
}

// unmetMays returns the mays of a with a because text that are active in
// e: when no rule decided a call of a, the reasons a default deny gives
// (SPEC §10.1). It allocates only for two or more.
func unmetMays(e *eval.Env, a *action) []*Rule {
	var out []*Rule
	for _, r := range a.unmet {
		if !r.active(e) {
			continue
		}
		if out == nil {
			out = r.self
		} else {
			out = append(out[:len(out):len(out)], &r.Rule)
		}
	}
	return out
}

// active reports whether r is active in e: not under a when whose
// condition is false or, without a goal snapshot, unknown, and not reading
// goals without one.
func (r *rule) active(e *eval.Env) bool {
	if (r.goals || r.when != nil) && e.Goals == nil {
		return false
	}
	return r.when == nil || r.when.Bool(e)
}

// finish resets pe after a question and, when pooled, returns it to the
// pool.
func (c *Community) finish(pe *pooledEnv, pooled bool) {
	pe.Reset()
	if pooled {
		c.envs.Put(pe)
	}
}

// decideOther is decideIn for the calls its fast path leaves out: a call
// prepared by another community, and an action with more than 64 denying
// rules. The caller resets pe.
func (c *Community) decideOther(pe *pooledEnv, m *Member, k *Call, at time.Time, goals Goals) Decision {
	k, ok := c.adoptCall(k)
	if !ok {
		return c.foreignCall(k)
	}
	if err := k.act.missing(m, k); err != nil {
		return refused(k.act, err)
	}
	m = c.bindMember(pe, m, at, goals)
	e := &pe.Env
	e.Args = k.args
	c.bindOthers(e, m, k)
	d := c.decideFast(e, m, k.act)
	c.keepRole(e, m)
	return d
}

// memberEnv returns m in c's layout and a pooled environment about it at
// time at with the goal snapshot goals, seeded with m's cached role. The
// caller releases the environment.
func (c *Community) memberEnv(m *Member, at time.Time, goals Goals) (*Member, *pooledEnv) {
	pe := c.env()
	return c.bindMember(pe, m, at, goals), pe
}

// bindMember points the clean environment pe at m (in c's layout, which it
// returns), at time at, with the goal snapshot goals and m's cached role.
func (c *Community) bindMember(pe *pooledEnv, m *Member, at time.Time, goals Goals) *Member {
	m = c.adopt(m)
	pe.M, pe.At = m.rec(), nanos(at)
	setGoals(pe, goals)
	c.seedRole(&pe.Env, m)
	return m
}

// seedRole tells e m's cached role, when the ladder does not read the time.
func (c *Community) seedRole(e *eval.Env, m *Member) {
	if !c.ladderTime {
		if r := m.role.Load(); r > 0 {
			e.SetRole(r - 1)
		}
	}
}

// keepRole caches the role e computed for m, when it does not depend on
// the time of the question. It stores only a changed rank: an atomic store
// is a locked exchange, which a member asked about again need not pay.
func (c *Community) keepRole(e *eval.Env, m *Member) {
	if !c.ladderTime {
		if r, ok := e.KnownRole(); ok && m.role.Load() != r+1 {
			m.role.Store(r + 1)
		}
	}
}

// Explain is DecideCall that also returns the trace: every condition
// evaluated, in order, with its value.
func (c *Community) Explain(m *Member, k *Call, at time.Time, goals Goals) (Decision, []TraceStep) {
	k, ok := c.adoptCall(k)
	if !ok {
		return c.foreignCall(k), nil
	}
	if err := k.act.missing(m, k); err != nil {
		return refused(k.act, err), nil
	}
	m, pe := c.memberEnv(m, at, goals)
	e := &pe.Env
	e.Args = k.args
	c.bindOthers(e, m, k)
	var trace []TraceStep
	var d Decision
	c.decide(&d, e, m, k.act, &trace)
	c.release(pe)
	return d, trace
}

// bindOthers gives e the members the member arguments of k name, in c's
// layout, and the actor m's ID for me. An argument given by ID alone
// binds the defaults: missing has refused the call if a rule reads it.
func (c *Community) bindOthers(e *eval.Env, m *Member, k *Call) {
	e.Me = m.ID
	for _, o := range k.others {
		switch {
		case o == nil:
			e.Others = append(e.Others, c.defaults)
		case o.c != c:
			e.Others = append(e.Others, c.adopt(o).rec())
		default:
			e.Others = append(e.Others, o.rec())
		}
	}
}

// missing explains why a call of a without a State cannot be decided:
// a rule reads the attributes of a member given by ID alone, which names
// no member outside a State, or compares members and the actor or a
// member argument has no ID. Deciding it with the defaults, or with ""
// for an ID, would answer a question nobody asked (SPEC §10.1).
func (a *action) missing(m *Member, k *Call) error {
	if a.readsOther == nil && !a.identity {
		return nil
	}
	for i, o := range k.others {
		name := a.def.Params[a.others[i]].Name
		if a.readsOther != nil && a.readsOther[i] && o == nil {
			return fmt.Errorf("argument %s of %s: a rule of %s reads %s's attributes, and an ID (%q) names no member outside a State: give the member, not its ID", name, a.name, a.name, name, k.ids[i])
		}
		if a.identity && k.ids[i] == "" {
			return fmt.Errorf("argument %s of %s: a rule of %s compares members by ID, and the member given has none: set its ID", name, a.name, a.name)
		}
	}
	if a.identity && m.ID == "" {
		return fmt.Errorf("%s: a rule of %s compares members by ID, and the acting member has none: set its ID", a.name, a.name)
	}
	return nil
}

// refused is the decision on a call missing refuses: denied, with the
// reason, by no rule of the community.
func refused(a *action, err error) Decision {
	return Decision{Action: a.name, Rules: []*Rule{{Kind: check.MustNot, Label: "call of " + a.name + " without the members its rules read", Reason: err.Error()}}}
}

// decideFast is decide without a trace, in the environment e bound to m
// and a call of a.
func (c *Community) decideFast(e *eval.Env, m *Member, a *action) Decision {
	if len(a.deny) > 64 {
		var d Decision
		c.decide(&d, e, m, a, nil)
		return d
	}
	allowed, byDefault, rules := c.outcome(e, m, a)
	return Decision{Action: a.name, Allowed: allowed, ByDefault: byDefault, Rules: rules}
}

// outcome decides a call of a, which has at most 64 denying rules, in e:
// the fields of its Decision but the action. It is the one place the
// fast paths (decideIn, decideFast) map the rules' outcome to a decision;
// decide is the same with a trace. It returns the fields, not a Decision,
// which Go cannot keep in registers (seven words): handed over as a value
// it goes through memory with the 16-byte moves that stall (see
// decideIn), where three results come back in registers for the caller's
// own composite literal.
//
// While it evaluates, the denying rules are bits rather than a growing
// slice, so that little stays live across the calls of the conditions,
// which spill and reload every live register.
func (c *Community) outcome(e *eval.Env, m *Member, a *action) (allowed, byDefault bool, rules []*Rule) {
	var deny uint64
	for i, r := range a.deny {
		if r.plain {
			if r.test == nil || r.test(e) {
				deny |= 1 << uint(i)
			}
		} else if c.denies(r, e, m, a) {
			deny |= 1 << uint(i)
		}
	}
	switch {
	case deny&(deny-1) != 0:
		return false, false, deniedBy(a, deny)
	case deny != 0:
		return false, false, a.deny[bits.TrailingZeros64(deny)].self
	}
	for _, r := range a.may {
		if r.plain {
			if r.test == nil || r.test(e) {
				return true, false, r.self
			}
		} else if r.applies(e, nil) {
			return true, false, r.self
		}
	}
	if !c.defaultAllow && a.unmet != nil {
		return false, true, unmetMays(e, a)
	}
	return c.defaultAllow, true, nil
}

// deniedBy returns the rules of a that deny a call when two or more do:
// the bits of deny (see outcome).
func deniedBy(a *action, deny uint64) []*Rule {
	rules := make([]*Rule, 0, bits.OnesCount64(deny))
	for ; deny != 0; deny &= deny - 1 {
		rules = append(rules, &a.deny[bits.TrailingZeros64(deny)].Rule)
	}
	return rules
}

// denies reports whether the denying rule r, which is not plain, denies.
func (c *Community) denies(r *rule, e *eval.Env, m *Member, a *action) bool {
	if !r.applies(e, nil) {
		return false
	}
	switch r.Kind {
	case check.First:
		return !m.hist.doneBy(&c.hist, r.before, e.At)
	case check.Limit:
		return m.hist.count(&c.hist, a.index, e.At, c.window(r, e.At)) >= r.count
	}
	return true
}

// decide is the decision algorithm of SPEC.md: every active must not whose
// condition holds, unmet first and reached limit denies; else the first
// active may whose condition holds allows; else the default. It records
// every condition it evaluates in *trace; decideFast is the same without a
// trace.
func (c *Community) decide(d *Decision, e *eval.Env, m *Member, a *action, trace *[]TraceStep) {
	*d = Decision{Action: a.name}
	for _, r := range a.deny {
		if !r.applies(e, trace) {
			continue
		}
		switch r.Kind {
		case check.First:
			done := m.hist.doneBy(&c.hist, r.before, e.At)
			if trace != nil {
				*trace = append(*trace, TraceStep{Rule: r.Label, What: "already did " + c.actions[r.before].name, Value: done})
			}
			if done {
				continue
			}
		case check.Limit:
			n := m.hist.count(&c.hist, a.index, e.At, c.window(r, e.At))
			reached := n >= r.count
			if trace != nil {
				*trace = append(*trace, TraceStep{Rule: r.Label, What: fmt.Sprintf("%d of %d in %s", n, r.count, r.def.Window()), Value: reached})
			}
			if !reached {
				continue
			}
		}
		if d.Rules == nil {
			d.Rules = r.self
		} else {
			d.Rules = append(d.Rules[:len(d.Rules):len(d.Rules)], &r.Rule)
		}
	}
	if d.Rules != nil {
		return
	}
	for _, r := range a.may {
		if r.applies(e, trace) {
			d.Allowed, d.Rules = true, r.self
			return
		}
	}
	d.Allowed, d.ByDefault = c.defaultAllow, true
	if !c.defaultAllow && a.unmet != nil {
		d.Rules = unmetMays(e, a)
	}
	if trace != nil {
		verdict := "deny"
		if c.defaultAllow {
			verdict = "allow"
		}
		*trace = append(*trace, TraceStep{Rule: "default " + verdict, What: "no rule decided", Value: c.defaultAllow})
	}
}

// window is the length of r's window ending at time at, for history's
// count, which counts takings in (at - window, at]: r's duration, or for
// a calendar window the time since its period began in c's zone, so that
// the window is [start of the period, at] (SPEC §6.12).
func (c *Community) window(r *rule, at int64) int64 {
	if r.cal == check.NoCalendar {
		return r.per
	}
	return at - r.cal.Start(at, c.zone) + 1
}

// applies reports whether r is active (its when condition holds) and its
// condition holds.
func (r *rule) applies(e *eval.Env, trace *[]TraceStep) bool {
	if r.goals && e.Goals == nil {
		if trace != nil {
			*trace = append(*trace, TraceStep{Rule: r.Label, What: r.what + " (reads goals; no goal snapshot)", Value: false})
		}
		return false
	}
	if r.when != nil {
		if e.Goals == nil {
			if trace != nil {
				*trace = append(*trace, TraceStep{Rule: r.Label, What: "when " + r.whenS + " (no goal snapshot)", Value: false})
			}
			return false
		}
		ok := r.when.Bool(e)
		if trace != nil {
			*trace = append(*trace, TraceStep{Rule: r.Label, What: "when " + r.whenS, Value: ok})
		}
		if !ok {
			return false
		}
	}
	if r.test == nil {
		return true
	}
	ok := r.test(e)
	if trace != nil {
		*trace = append(*trace, TraceStep{Rule: r.Label, What: r.what, Value: ok})
	}
	return ok
}

// Role returns m's role at time at, or "" when the community has no roles.
func (c *Community) Role(m *Member, at time.Time) string {
	if len(c.roleNames) == 0 {
		return ""
	}
	return c.roleNames[c.RoleRank(m, at)]
}

// RoleRank returns m's role as its rank on the ladder (0 is the lowest).
func (c *Community) RoleRank(m *Member, at time.Time) int {
	m = c.adopt(m)
	if r, ok := c.cachedRole(m); ok {
		return r
	}
	if r, ok := c.plannedRole(m, at); ok {
		return r
	}
	pe := c.env()
	r := c.computeRole(&pe.Env, m, at)
	c.release(pe)
	return r
}

// cachedRole returns m's cached rank, when the ladder does not read the
// time and m was asked about since its record last changed.
func (c *Community) cachedRole(m *Member) (int, bool) {
	if !c.ladderTime {
		if r := m.role.Load(); r > 0 {
			return int(r - 1), true
		}
	}
	return 0, false
}

// plannedRole walks the ladder as data when eval planned it (a ladder of
// attributes compared with constants, which reads nothing an environment
// holds, and the time only for timed demotions), caching the rank in m
// when it does not depend on the time: no environment is taken from the
// pool, which was a third of an uncached Role (BenchmarkRoleUncached).
func (c *Community) plannedRole(m *Member, at time.Time) (int, bool) {
	var ns int64
	if c.ladderTime {
		ns = nanos(at) // a timed demotion reads it (ladderTime includes DemoteTimed)
	}
	r, ok := c.derived.RankOf(m.rec(), ns)
	if !ok {
		return 0, false
	}
	if !c.ladderTime && m.role.Load() != r+1 {
		m.role.Store(r + 1)
	}
	return int(r), true
}

// computeRole evaluates the ladder for m, in c's layout, in the clean
// environment e, which the caller resets, and caches the rank in m.
func (c *Community) computeRole(e *eval.Env, m *Member, at time.Time) int {
	e.M = m.rec()
	if c.ladderTime {
		e.At = nanos(at) // else no rung reads it: skip the conversion
	}
	r := e.Role()
	c.keepRole(e, m)
	return int(r)
}

// RoleNames returns the roles, lowest first (index = rank).
func (c *Community) RoleNames() []string { return append([]string(nil), c.roleNames...) }

// Badges returns the badges m holds at time at, in declaration order.
func (c *Community) Badges(m *Member, at time.Time) []string {
	m, pe := c.memberEnv(m, at, nil)
	var out []string
	for i, b := range c.badgeNames {
		if pe.Badge(i) {
			out = append(out, b)
		}
	}
	c.release(pe)
	return out
}

// Duties returns the duties m has not met at time at: each `must A N per D`
// whose condition holds while m took A fewer than N times in (at-D, at].
// Without a goal snapshot, duties under when, or whose condition reads
// goals, do not count (see DutiesWith).
func (c *Community) Duties(m *Member, at time.Time) []Duty {
	return c.DutiesWith(m, at, nil)
}

// DutiesWith is Duties with a goal snapshot, so duties under `when` count.
//
// Without a live state `members` reads 0 in a duty's condition or `when`;
// State.Duties reads the state's member count.
func (c *Community) DutiesWith(m *Member, at time.Time, goals Goals) []Duty {
	m, pe := c.memberEnv(m, at, goals)
	out := c.dutiesIn(m, &pe.Env)
	c.release(pe)
	return out
}

// dutiesIn lists m's unmet duties in e, an environment bound to m.
func (c *Community) dutiesIn(m *Member, e *eval.Env) []Duty {
	var out []Duty
	for _, a := range c.actions {
		for _, r := range a.duties {
			if !r.applies(e, nil) {
				continue
			}
			per := c.window(r, e.At)
			n := m.hist.count(&c.hist, a.index, e.At, per)
			if n < r.count {
				out = append(out, Duty{Action: a.name, Need: r.count, Per: time.Duration(per), Calendar: r.def.Calendar.String(), Done: n, Rule: &r.Rule})
			}
		}
	}
	return out
}

// Messages returns the nudges and offers that reach m at time at: those for
// everyone, for m's role or for a badge m holds, whose `when` condition (if
// any) holds on goals.
//
// Without a live state `members` reads 0 in a `when` condition;
// State.Messages reads the state's member count.
func (c *Community) Messages(m *Member, at time.Time, goals Goals) []Message {
	_, pe := c.memberEnv(m, at, goals)
	out := c.messagesIn(&pe.Env)
	c.release(pe)
	return out
}

// messagesIn lists the messages that reach the member e is bound to.
func (c *Community) messagesIn(e *eval.Env) []Message {
	var out []Message
	for _, msg := range c.messages {
		if msg.reaches(e) {
			out = append(out, msg.Message)
		}
	}
	return out
}

// ErrNotAdmitted is returned (wrapped) for a member that a community's
// admit condition, or an admit condition of a community it extends,
// refuses (SPEC §10.7).
var ErrNotAdmitted = errors.New("not admitted")

// Admits reports whether joining c asks an admit condition, c's own or
// that of a community it extends: such a community is joined with
// State.JoinAt, which judges admission at a time.
func (c *Community) Admits() bool { return c.admits }

// Admit reports whether m may belong to c, a community that extends
// another, as the first member to join it at time at: c's admit condition
// holds and so, recursively, does its parent's, with no member in yet (an
// admit that reads `members` reads 0, and goals are those of no members).
// A community without an admit condition admits every member. AdmitAmong
// judges m against members already in; State.JoinAt asks the same.
func (c *Community) Admit(m *Member, at time.Time) bool {
	return c.AdmitAmong(m, nil, at) == nil
}

// AdmitAmong returns nil when m may join c at time at with members already
// in c, and otherwise an error wrapping ErrNotAdmitted that names the
// admit condition that refused m. An admit that reads `members` or a goal
// reads them over members, without m: admission is judged on the
// community m would join, so a circle caps itself with
// `admit if members < 20`.
func (c *Community) AdmitAmong(m *Member, members []*Member, at time.Time) error {
	if !c.admits {
		return nil
	}
	if m == nil {
		return fmt.Errorf("admit to %s: nil member", c.Name)
	}
	var goals []eval.GoalValue
	if c.admitGroup {
		for _, g := range c.Goals(members, at) {
			goals = append(goals, eval.GoalValue{Value: g.Value, Target: g.Target, Met: g.Met, Progress: g.Progress})
		}
	}
	return c.admission(m, nanos(at), goals, int64(len(members)))
}

// admission is the one test of who is in a community: m is admitted to c
// at time at when every admit condition of c and of the communities it
// extends holds, each evaluated with its own community's declarations and
// reading the goals and member count of c, the community being joined
// (goals over the members already in, so that m's own contribution cannot
// decide m's admission). An ancestor's goal is read by its index, which is
// the same in c: a child keeps its parent's goals in their places (§9).
func (c *Community) admission(m *Member, at int64, goals []eval.GoalValue, members int64) error {
	for x := c; x != nil; x = x.parent {
		if x.admit == nil {
			continue
		}
		xm := x.adopt(m)
		pe := x.env()
		pe.M, pe.At = xm.rec(), at
		pe.Goals, pe.Members = goals, members
		ok := x.admit.Bool(&pe.Env)
		pe.Goals = nil
		x.release(pe)
		if !ok {
			a := x.def.Admit
			return fmt.Errorf("%w to %s: admit if %s (%s) does not hold", ErrNotAdmitted, c.Name, a.Src, a.Pos)
		}
	}
	return nil
}
