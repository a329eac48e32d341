package bench

import (
	_ "embed"
	"fmt"
	"time"

	"github.com/charterlang/charter/runtime"
)

//go:embed workload.charter
var charterSource []byte

// charterAt is the evaluation time of every question. No rule of the
// workload reads the time, and Charter never reads the clock itself.
var charterAt = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// Charter runs the workload on Charter's runtime: the community is
// compiled once. Decide refills a reused member from the host's struct
// (FillFromStruct, through its `charter` tags), sets the length of a
// prepared call of the action (Call.SetInt) and decides it (DecideCall):
// the runtime's allocation-free path, as expr's reused VM is expr's.
// Charter indexes the rules by action itself and reports every denying
// rule; the bench compares the first one's reason. Like the expr adapter's
// reused VM, a Charter value holds one scratch (member, prepared calls and
// runtime.Scratch), so it serves one goroutine at a time; a concurrent host
// keeps one scratch per goroutine, or takes one from a sync.Pool (12 ns a
// question more: the difference between the runtime's Scratch and pooled
// paths in BENCHMARKS.md).
type Charter struct {
	club *runtime.Community
	// hasLength says which actions declare the length parameter: Call
	// rejects an argument the action does not declare.
	hasLength map[string]bool
	s         *charterScratch
}

// charterScratch is one goroutine's reusable member, prepared calls and
// evaluation memory (runtime.Scratch, so that a question does not also
// take an environment from the runtime's own pool).
type charterScratch struct {
	m     *runtime.Member
	calls map[string]charterPrepared
	s     *runtime.Scratch
}

// charterPrepared is an action's prepared call, and whether the action
// declares the length parameter.
type charterPrepared struct {
	k         *runtime.Call
	hasLength bool
}

func (c *Charter) newScratch() *charterScratch {
	m, err := c.club.Member(nil)
	if err != nil {
		panic(err) // the empty record always converts
	}
	s := &charterScratch{m: m, calls: map[string]charterPrepared{}, s: c.club.NewScratch()}
	for _, a := range Actions {
		var args runtime.Args
		if c.hasLength[a] {
			args = runtime.Args{"length": 0}
		}
		k, err := c.club.Call(a, args)
		if err != nil {
			panic(err)
		}
		s.calls[a] = charterPrepared{k: k, hasLength: c.hasLength[a]}
	}
	return s
}

func NewCharter() (*Charter, error) {
	prog, err := runtime.CompileSource("workload.charter", charterSource)
	if err != nil {
		return nil, fmt.Errorf("charter: %w", err)
	}
	club := prog.Community("Bench")
	if club == nil {
		return nil, fmt.Errorf("charter: workload.charter has no community Bench")
	}
	cc := prog.Checked().Community("Bench")
	c := &Charter{club: club, hasLength: map[string]bool{}}
	for _, a := range Actions {
		ca := cc.Action(a)
		if ca == nil {
			return nil, fmt.Errorf("charter: workload.charter has no action %s", a)
		}
		c.hasLength[a] = ca.Param("length") != nil
	}
	c.s = c.newScratch()
	return c, nil
}

func (*Charter) Name() string { return "charter" }

// charterCall is Charter's natural prepared input: a member and a
// prepared call.
type charterCall struct {
	m *runtime.Member
	k *runtime.Call
}

func (c *Charter) prepare(m *Member, action string, length int) (charterCall, error) {
	rm, err := c.club.MemberFromStruct(m)
	if err != nil {
		return charterCall{}, fmt.Errorf("charter: member: %w", err)
	}
	var args runtime.Args
	if c.hasLength[action] {
		args = runtime.Args{"length": length}
	}
	k, err := c.club.Call(action, args)
	if err != nil {
		return charterCall{}, fmt.Errorf("charter: call: %w", err)
	}
	return charterCall{m: rm, k: k}, nil
}

func (c *Charter) Decide(m *Member, action string, length int) (bool, string) {
	s := c.s
	if err := c.club.FillFromStruct(s.m, m); err != nil {
		return false, "engine error: " + err.Error()
	}
	p, ok := s.calls[action]
	if !ok {
		return false, "engine error: unknown action " + action
	}
	if p.hasLength {
		if err := p.k.SetInt("length", int64(length)); err != nil {
			return false, "engine error: " + err.Error()
		}
	}
	return verdict(s.s.DecideCall(s.m, p.k, charterAt, nil))
}

func (c *Charter) eval(call charterCall) (bool, string) {
	return verdict(c.s.s.DecideCall(call.m, call.k, charterAt, nil))
}

// verdict is the allow or deny and the first reason of a decision.
func verdict(d runtime.Decision) (bool, string) {
	switch {
	case d.Allowed:
		return true, ""
	case d.ByDefault || len(d.Rules) == 0:
		return false, ReasonDefault
	}
	return false, d.Rules[0].Reason
}

func (c *Charter) Role(m *Member) string {
	s := c.s
	if err := c.club.FillFromStruct(s.m, m); err != nil {
		return "engine error: " + err.Error()
	}
	return s.s.Role(s.m, charterAt)
}

// Prepare builds the runtime member and the prepared call. An error is
// returned in place of the input, for DecideEval to report.
func (c *Charter) Prepare(m *Member, action string, length int) any {
	call, err := c.prepare(m, action, length)
	if err != nil {
		return err
	}
	return &call
}

func (c *Charter) DecideEval(in any) (bool, string) {
	call, ok := in.(*charterCall)
	if !ok {
		return false, fmt.Sprintf("engine error: %v", in)
	}
	return c.eval(*call)
}
