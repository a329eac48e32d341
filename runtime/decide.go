package runtime

import (
	"fmt"
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
	k, err := c.Call(action, args)
	if err != nil {
		return Decision{}, err
	}
	return c.DecideCall(m, k, at, nil), nil
}

// DecideCall decides a prepared call for m at time at, with goals as the
// snapshot `when` conditions read (nil: `when` blocks are inactive). It
// does not allocate when the decision is made by at most one rule.
//
// A call prepared by another community (a parent's call asked of a child)
// is decided by c's action of the same name and parameters, with c's
// rules; when c has no such action the call is denied with that reason.
func (c *Community) DecideCall(m *Member, k *Call, at time.Time, goals Goals) Decision {
	k, ok := c.adoptCall(k)
	if !ok {
		return c.foreignCall(k)
	}
	// decideCall's steps, repeated rather than called: the extra call
	// measured 4 ns of the 49 (BenchmarkDecide).
	pe := c.env()
	e := &pe.Env
	m = c.bindMember(pe, m, at, goals)
	e.Args = k.args
	c.bindOthers(e, k)
	var d Decision
	c.decide(&d, e, m, k.act, nil)
	c.keepRole(e, m)
	c.release(pe)
	return d
}

// decideCall is DecideCall in the clean environment pe, which the caller
// resets, writing the decision into *d.
func (c *Community) decideCall(d *Decision, pe *pooledEnv, m *Member, k *Call, at time.Time, goals Goals) {
	k, ok := c.adoptCall(k)
	if !ok {
		*d = c.foreignCall(k)
		return
	}
	e := &pe.Env
	m = c.bindMember(pe, m, at, goals)
	e.Args = k.args
	c.bindOthers(e, k)
	c.decide(d, e, m, k.act, nil)
	c.keepRole(e, m)
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
	pe.M, pe.At = m.rec, nanos(at)
	setGoals(pe, goals)
	c.seedRole(&pe.Env, m)
	return m
}

// seedRole tells e m's cached role, when the ladder does not read the time.
func (c *Community) seedRole(e *eval.Env, m *Member) {
	if !c.ladderTime {
		if r := m.role.Load(); r >= 0 {
			e.SetRole(r)
		}
	}
}

// keepRole caches the role e computed for m, when it does not depend on
// the time of the question.
func (c *Community) keepRole(e *eval.Env, m *Member) {
	if !c.ladderTime {
		if r, ok := e.KnownRole(); ok {
			m.role.Store(r)
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
	m, pe := c.memberEnv(m, at, goals)
	e := &pe.Env
	e.Args = k.args
	c.bindOthers(e, k)
	var trace []TraceStep
	var d Decision
	c.decide(&d, e, m, k.act, &trace)
	c.release(pe)
	return d, trace
}

func (c *Community) bindOthers(e *eval.Env, k *Call) {
	for _, o := range k.others {
		if o != nil {
			e.Others = append(e.Others, o.rec)
		} else {
			e.Others = append(e.Others, c.defaults) // stateless call naming a member by ID only
		}
	}
}

// decide is the decision algorithm of SPEC.md: every active must not whose
// condition holds, unmet first and reached limit denies; else the first
// active may whose condition holds allows; else the default.
// It writes the decision into *d rather than returning it: a Decision is
// nine words, and copying it through every caller was a sixth of a
// decision's time.
func (c *Community) decide(d *Decision, e *eval.Env, m *Member, a *action, trace *[]TraceStep) {
	*d = Decision{Action: a.name}
	for _, r := range a.deny {
		if !r.applies(e, trace) {
			continue
		}
		switch r.Kind {
		case check.First:
			done := m.hist.done(r.before)
			if trace != nil {
				*trace = append(*trace, TraceStep{Rule: r.Label, What: "already did " + c.actions[r.before].name, Value: done})
			}
			if done {
				continue
			}
		case check.Limit:
			n := m.hist.count(&c.hist, a.index, e.At, r.per)
			reached := n >= r.count
			if trace != nil {
				*trace = append(*trace, TraceStep{Rule: r.Label, What: fmt.Sprintf("%d of %d in %s", n, r.count, check.FormatDuration(time.Duration(r.per))), Value: reached})
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
	if trace != nil {
		verdict := "deny"
		if c.defaultAllow {
			verdict = "allow"
		}
		*trace = append(*trace, TraceStep{Rule: "default " + verdict, What: "no rule decided", Value: c.defaultAllow})
	}
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
	pe := c.env()
	r := c.computeRole(&pe.Env, m, at)
	c.release(pe)
	return r
}

// cachedRole returns m's cached rank, when the ladder does not read the
// time and m was asked about since its record last changed.
func (c *Community) cachedRole(m *Member) (int, bool) {
	if !c.ladderTime {
		if r := m.role.Load(); r >= 0 {
			return int(r), true
		}
	}
	return 0, false
}

// computeRole evaluates the ladder for m, in c's layout, in the clean
// environment e, which the caller resets, and caches the rank in m.
func (c *Community) computeRole(e *eval.Env, m *Member, at time.Time) int {
	e.M = m.rec
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
func (c *Community) DutiesWith(m *Member, at time.Time, goals Goals) []Duty {
	m, pe := c.memberEnv(m, at, goals)
	e := &pe.Env
	var out []Duty
	for _, a := range c.actions {
		for _, r := range a.duties {
			if !r.applies(e, nil) {
				continue
			}
			n := m.hist.count(&c.hist, a.index, e.At, r.per)
			if n < r.count {
				out = append(out, Duty{Action: a.name, Need: r.count, Per: time.Duration(r.per), Done: n, Rule: &r.Rule})
			}
		}
	}
	c.release(pe)
	return out
}

// Messages returns the nudges and offers that reach m at time at: those for
// everyone, for m's role or for a badge m holds, whose `when` condition (if
// any) holds on goals.
func (c *Community) Messages(m *Member, at time.Time, goals Goals) []Message {
	_, pe := c.memberEnv(m, at, goals)
	e := &pe.Env
	var out []Message
	for _, msg := range c.messages {
		switch {
		case msg.role >= 0 && e.Role() != int64(msg.role):
			continue
		case msg.badge >= 0 && !e.Badge(msg.badge):
			continue
		case msg.when != nil && (e.Goals == nil || !msg.when.Bool(e)):
			continue
		}
		out = append(out, msg.Message)
	}
	c.release(pe)
	return out
}

// Admit reports whether m may belong to c, a community that extends
// another: c's admit condition holds and so, recursively, does its
// parent's. A community without an admit condition admits every member.
func (c *Community) Admit(m *Member, at time.Time) bool {
	for x := c; x != nil; x = x.parent {
		if x.admit == nil {
			continue
		}
		xm := x.adopt(m)
		pe := x.env()
		pe.M, pe.At = xm.rec, nanos(at)
		ok := x.admit.Bool(&pe.Env)
		x.release(pe)
		if !ok {
			return false
		}
	}
	return true
}
