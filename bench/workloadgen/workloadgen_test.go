package workloadgen_test

import (
	"testing"
	"time"

	"github.com/charterlang/charter/bench/workloadgen"
	"github.com/charterlang/charter/internal/gentest"
	"github.com/charterlang/charter/runtime"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots, as
// runtime/gen's TestSameAsRuntime holds its goldens; runtime/gen's
// TestGolden fails when this package is stale.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "workloadgen", workloadgen.NewMember, gentest.Options{Seed: 1})
}

// member is a participant who may post: what most of the bench workload's
// questions are about.
func member() *workloadgen.Member {
	m := workloadgen.NewMember()
	m.Posts, m.Comments, m.DaysActive, m.Reputation, m.Introduced = 3, 12, 40, 30, true
	return m
}

var at = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

func TestNoAllocs(t *testing.T) {
	m := member()
	calls := []workloadgen.Call{
		{Action: workloadgen.ActionPost, Post: workloadgen.PostArgs{Length: 120}},
		{Action: workloadgen.ActionHost},
		{Action: workloadgen.ActionMessage, Message: workloadgen.MessageArgs{Length: 5000}},
	}
	for _, k := range calls {
		if n := testing.AllocsPerRun(100, func() { _ = m.Decide(at, nil, &k) }); n != 0 {
			t.Errorf("Decide %s: %v allocations", k.Action, n)
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = m.Decide(at, nil, &k).First() }); n != 0 {
			t.Errorf("Decide %s, First: %v allocations", k.Action, n)
		}
		if n := testing.AllocsPerRun(100, func() { _, _, _ = m.Check(at, nil, &k) }); n != 0 {
			t.Errorf("Check %s: %v allocations", k.Action, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = m.Role(at) }); n != 0 {
		t.Errorf("Role: %v allocations", n)
	}
}

// BenchmarkCheckPost is BenchmarkDecidePost through Check: the verdict and
// the first deciding rule only.
func BenchmarkCheckPost(b *testing.B) {
	m := member()
	k := workloadgen.Call{Action: workloadgen.ActionPost, Post: workloadgen.PostArgs{Length: 120}}
	for b.Loop() {
		_, _, _ = m.Check(at, nil, &k)
	}
}

func BenchmarkDecidePost(b *testing.B) {
	m := member()
	for b.Loop() {
		_ = m.DecidePost(at, nil, 120)
	}
}

// BenchmarkDecide asks every action of the workload in turn, through the
// generic Decide.
func BenchmarkDecide(b *testing.B) {
	m := member()
	var calls []workloadgen.Call
	for _, a := range []workloadgen.Action{workloadgen.ActionPost, workloadgen.ActionComment, workloadgen.ActionReact, workloadgen.ActionSave,
		workloadgen.ActionInvite, workloadgen.ActionPin, workloadgen.ActionDelete, workloadgen.ActionEdit, workloadgen.ActionReport,
		workloadgen.ActionMessage, workloadgen.ActionHost} {
		calls = append(calls, workloadgen.Call{Action: a, Post: workloadgen.PostArgs{Length: 120}, Comment: workloadgen.CommentArgs{Length: 80},
			Edit: workloadgen.EditArgs{Length: 300}, Message: workloadgen.MessageArgs{Length: 40}})
	}
	i := 0
	for b.Loop() {
		_ = m.Decide(at, nil, &calls[i%len(calls)])
		i++
	}
}

func BenchmarkRole(b *testing.B) {
	m := member()
	for b.Loop() {
		_ = m.Role(at)
	}
}

// BenchmarkRuntimeDecideCall is the runtime's answer to the question of
// BenchmarkDecidePost, for comparison.
func BenchmarkRuntimeDecideCall(b *testing.B) {
	_, prog := gentest.Load(b, gentest.Lookup(b, "workloadgen"))
	c := prog.Community("Bench")
	m, err := c.Member(map[string]any{"posts": 3, "comments": 12, "days_active": 40, "reputation": 30.0, "introduced": true})
	if err != nil {
		b.Fatal(err)
	}
	k, err := c.Call("post", runtime.Args{"length": 120})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		_ = c.DecideCall(m, k, at, nil)
	}
}

// TestActionNamed checks that every action is found by its name, and that
// another name is not an action.
func TestActionNamed(t *testing.T) {
	n := 0
	for a := workloadgen.ActionPost; a <= workloadgen.ActionHost; a++ {
		got, ok := workloadgen.ActionNamed(a.String())
		if !ok || got != a {
			t.Errorf("ActionNamed(%q) = %v, %v; want %v", a.String(), got, ok, a)
		}
		n++
	}
	if n != 11 {
		t.Errorf("%d actions, want the workload's 11", n)
	}
	for _, name := range []string{"", "Post", "posts", "nope"} {
		if a, ok := workloadgen.ActionNamed(name); ok {
			t.Errorf("ActionNamed(%q) = %v: not an action", name, a)
		}
	}
}
