package bench

//go:generate go run github.com/charterlang/charter/cmd/charter gen --community Bench --package workloadgen -o workloadgen/workloadgen.go workload.charter

import (
	"fmt"

	"github.com/charterlang/charter/bench/workloadgen"
)

// CharterGen runs the workload on the Go code `charter gen` generated from
// workload.charter (package workloadgen; TestGeneratedUpToDate fails when
// it is stale): the same rules as the Charter engine, compiled ahead of
// time instead of at run time. Decide copies the host's struct into a
// generated Member on the stack and asks Member.Check, which gives the
// verdict and the first deciding rule (all the bench compares) and stops at
// the first denial, as the other engines do; nothing is shared, so a
// CharterGen is safe for concurrent use without a pool.
type CharterGen struct {
	proto workloadgen.Member // the declared defaults and an empty history
}

func NewCharterGen() (*CharterGen, error) {
	for _, name := range Actions {
		if _, ok := workloadgen.ActionNamed(name); !ok {
			return nil, fmt.Errorf("charter-gen: workloadgen has no action %s", name)
		}
	}
	return &CharterGen{proto: *workloadgen.NewMember()}, nil
}

func (*CharterGen) Name() string { return "charter-gen" }

// fill sets the attributes of gm, a copy of the prototype, from m.
func fill(gm *workloadgen.Member, m *Member) {
	gm.Posts, gm.Comments, gm.Saves, gm.DaysActive = int64(m.Posts), int64(m.Comments), int64(m.Saves), int64(m.DaysActive)
	gm.Reputation, gm.Introduced, gm.Banned = m.Reputation, m.Introduced, m.Banned
}

// call sets k, a zero Call, to the generated Call of action with the length
// argument, which only post, comment, edit and message declare. It fills k
// in place: a Call returned by value is stored field by field and then
// copied whole, which stalls on store forwarding (11 ns a decision here).
func call(k *workloadgen.Call, action string, length int) bool {
	a, ok := workloadgen.ActionNamed(action)
	if !ok {
		return false
	}
	k.Action = a
	switch a {
	case workloadgen.ActionPost:
		k.Post.Length = int64(length)
	case workloadgen.ActionComment:
		k.Comment.Length = int64(length)
	case workloadgen.ActionEdit:
		k.Edit.Length = int64(length)
	case workloadgen.ActionMessage:
		k.Message.Length = int64(length)
	}
	return true
}

func (g *CharterGen) Decide(m *Member, action string, length int) (bool, string) {
	var k workloadgen.Call
	if !call(&k, action, length) {
		return false, "engine error: unknown action " + action
	}
	gm := g.proto
	fill(&gm, m)
	return genVerdict(gm.Check(charterAt, nil, &k))
}

// genVerdict turns Check's answer into the bench's: "" when allowed, the
// first denying rule's reason, or the default's.
func genVerdict(allowed bool, first workloadgen.Rule, byRule bool) (bool, string) {
	switch {
	case allowed:
		return true, ""
	case !byRule:
		return false, ReasonDefault
	}
	return false, first.Reason()
}

func (g *CharterGen) Role(m *Member) string {
	gm := g.proto
	fill(&gm, m)
	return gm.Role(charterAt).String()
}

// genCall is the generated code's natural prepared input: a member and a
// call.
type genCall struct {
	m workloadgen.Member
	k workloadgen.Call
}

func (g *CharterGen) Prepare(m *Member, action string, length int) any {
	var k workloadgen.Call
	if !call(&k, action, length) {
		return fmt.Errorf("charter-gen: unknown action %s", action)
	}
	c := &genCall{m: g.proto, k: k}
	fill(&c.m, m)
	return c
}

func (g *CharterGen) DecideEval(in any) (bool, string) {
	c, ok := in.(*genCall)
	if !ok {
		return false, fmt.Sprintf("engine error: %v", in)
	}
	return genVerdict(c.m.Check(charterAt, nil, &c.k))
}

// CharterGenDecide is CharterGen asking Member.Decide instead of Check:
// every deciding rule of the action, in a Decision like the runtime's, of
// which the bench reports the first. It shows what a host pays for all the
// reasons rather than the first.
type CharterGenDecide struct{ CharterGen }

func NewCharterGenDecide() (*CharterGenDecide, error) {
	g, err := NewCharterGen()
	if err != nil {
		return nil, err
	}
	return &CharterGenDecide{*g}, nil
}

func (*CharterGenDecide) Name() string { return "charter-gen-decide" }

func (g *CharterGenDecide) Decide(m *Member, action string, length int) (bool, string) {
	var k workloadgen.Call
	if !call(&k, action, length) {
		return false, "engine error: unknown action " + action
	}
	gm := g.proto
	fill(&gm, m)
	d := gm.Decide(charterAt, nil, &k)
	return decisionVerdict(&d)
}

func (g *CharterGenDecide) DecideEval(in any) (bool, string) {
	c, ok := in.(*genCall)
	if !ok {
		return false, fmt.Sprintf("engine error: %v", in)
	}
	d := c.m.Decide(charterAt, nil, &c.k)
	return decisionVerdict(&d)
}

// decisionVerdict turns a generated Decision into the bench's answer.
func decisionVerdict(d *workloadgen.Decision) (bool, string) {
	if d.Allowed {
		return true, ""
	}
	if r, ok := d.First(); ok {
		return false, r.Reason()
	}
	return false, ReasonDefault
}
