package bench_test

import (
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/gen/internal/bench"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "bench", bench.NewMember, gentest.Options{Seed: 1})
}

// member is a participant who may post: what most of the bench workload's
// questions are about.
func member() *bench.Member {
	m := bench.NewMember()
	m.Posts, m.Comments, m.DaysActive, m.Reputation, m.Introduced = 3, 12, 40, 30, true
	return m
}

var at = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

func TestNoAllocs(t *testing.T) {
	m := member()
	calls := []bench.Call{
		{Action: bench.ActionPost, Post: bench.PostArgs{Length: 120}},
		{Action: bench.ActionHost},
		{Action: bench.ActionMessage, Message: bench.MessageArgs{Length: 5000}},
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
	k := bench.Call{Action: bench.ActionPost, Post: bench.PostArgs{Length: 120}}
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
	var calls []bench.Call
	for _, a := range []bench.Action{bench.ActionPost, bench.ActionComment, bench.ActionReact, bench.ActionSave,
		bench.ActionInvite, bench.ActionPin, bench.ActionDelete, bench.ActionEdit, bench.ActionReport,
		bench.ActionMessage, bench.ActionHost} {
		calls = append(calls, bench.Call{Action: a, Post: bench.PostArgs{Length: 120}, Comment: bench.CommentArgs{Length: 80},
			Edit: bench.EditArgs{Length: 300}, Message: bench.MessageArgs{Length: 40}})
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
	_, prog := gentest.Load(b, gentest.Lookup(b, "bench"))
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
	for a := bench.ActionPost; a <= bench.ActionHost; a++ {
		got, ok := bench.ActionNamed(a.String())
		if !ok || got != a {
			t.Errorf("ActionNamed(%q) = %v, %v; want %v", a.String(), got, ok, a)
		}
		n++
	}
	if n != 11 {
		t.Errorf("%d actions, want the workload's 11", n)
	}
	for _, name := range []string{"", "Post", "posts", "nope"} {
		if a, ok := bench.ActionNamed(name); ok {
			t.Errorf("ActionNamed(%q) = %v: not an action", name, a)
		}
	}
}
