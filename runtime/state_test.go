package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

func TestSnapshotRestoreEqual(t *testing.T) {
	_, club := fanclub(t)
	st := runtime.NewState(club)
	ctx := context.Background()
	for i, v := range []map[string]any{{"reputation": 9.0}, {"posts": 7}, {"comments": 30, "last_seen": "2025-10-01T00:00:00Z"}} {
		if err := st.Join(fmt.Sprint("m", i), member(t, club, v)); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []struct {
		id, action string
		args       runtime.Args
	}{
		{"m0", "introduce", nil}, {"m0", "post", runtime.Args{"length": 1, "topic": "t"}},
		{"m0", "tip", runtime.Args{"to": "m1", "amount": 2}}, {"m2", "save", runtime.Args{"item": "x"}},
	} {
		if _, err := st.Apply(ctx, step.id, step.action, step.args, t0); err != nil {
			t.Fatal(err)
		}
	}
	snap := st.Snapshot()
	restored, err := runtime.Restore(club, snap)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(snap, restored.Snapshot()); diff != "" {
		t.Errorf("restore(snapshot(s)) differs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(st.Goals(t0), restored.Goals(t0)); diff != "" {
		t.Errorf("goals differ (-want +got):\n%s", diff)
	}
	// The JSON form round-trips too.
	data, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	restored2, err := runtime.Restore(club, fromJSON)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(snap, restored2.Snapshot()); diff != "" {
		t.Errorf("JSON round trip differs (-want +got):\n%s", diff)
	}
	if _, err := runtime.Restore(club, &runtime.Snapshot{Community: "Other"}); err == nil {
		t.Error("restoring another community's snapshot succeeded")
	}
}

// TestConcurrentApply: many goroutines applying to one state race-free; the
// result equals a sequential replay of the events in commit order.
func TestConcurrentApply(t *testing.T) {
	_, club := fanclub(t)
	// 8 goroutines x 100,000 events as SPEC's concurrency promise states;
	// -short keeps it to 8 x 2,000.
	const members, workers = 20, 8
	perWorker := 100_000
	if testing.Short() {
		perWorker = 2_000
	}
	build := func() *runtime.State {
		st := runtime.NewState(club)
		for i := 0; i < members; i++ {
			if err := st.Join(fmt.Sprint("m", i), member(t, club, map[string]any{"reputation": 50.0})); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	type event struct {
		id, action string
		args       runtime.Args
		at         time.Time
	}
	gen := func(w, i int) event {
		id := fmt.Sprint("m", (w*7+i)%members)
		at := t0.Add(time.Duration(i) * time.Minute)
		switch i % 4 {
		case 0:
			return event{id, "comment", runtime.Args{"on": "p"}, at}
		case 1:
			return event{id, "save", runtime.Args{"item": "x"}, at}
		case 2:
			return event{id, "tip", runtime.Args{"to": fmt.Sprint("m", (w+i)%members), "amount": 1}, at}
		}
		return event{id, "introduce", nil, at}
	}
	st := build()
	type done struct {
		seq uint64
		ev  event
	}
	var (
		mu      sync.Mutex
		applied []done
		snaps   []*runtime.Snapshot
		wg      sync.WaitGroup
	)
	ctx := context.Background()
	// Snapshots taken while the workers apply must each be a cut: the state
	// after some prefix of the committed events. The workers take them, at
	// fixed points of their own progress, so that every run (a short one on
	// a fast machine too) checks the same number, 8 a worker, each while
	// the other workers apply.
	snapEvery := perWorker / 8
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				ev := gen(w, i)
				res, err := st.Apply(ctx, ev.id, ev.action, ev.args, ev.at)
				if err != nil {
					t.Error(err)
					return
				}
				if res.Applied {
					mu.Lock()
					applied = append(applied, done{res.Seq, ev})
					mu.Unlock()
				}
				if i%1000 == 0 {
					_ = st.Goals(ev.at) // concurrent readers
				}
				if i%snapEvery == snapEvery/2 {
					snap := st.Snapshot()
					mu.Lock()
					snaps = append(snaps, snap)
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	if want := workers * 8; len(snaps) != want {
		t.Fatalf("the workers took %d snapshots, want %d", len(snaps), want)
	}
	// Replay the applied events in the order the state committed them,
	// comparing each snapshot taken on the way with the replay at its cut.
	sort.Slice(applied, func(i, j int) bool { return applied[i].seq < applied[j].seq })
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].Events < snaps[j].Events })
	replay := build()
	checkSnaps := func() {
		for len(snaps) > 0 && snaps[0].Events == replay.Events() {
			if diff := cmp.Diff(replay.Snapshot(), snaps[0]); diff != "" {
				t.Fatalf("snapshot at event %d is not the state after that prefix (-replay +snapshot):\n%s", snaps[0].Events, diff)
			}
			snaps = snaps[1:]
		}
	}
	checkSnaps()
	for _, d := range applied {
		res, err := replay.Apply(ctx, d.ev.id, d.ev.action, d.ev.args, d.ev.at)
		if err != nil || !res.Applied {
			t.Fatalf("replay of event %d: %v %+v", d.seq, err, res)
		}
		checkSnaps()
	}
	if len(snaps) > 0 {
		t.Errorf("%d snapshots match no prefix of the committed events (first at event %d)", len(snaps), snaps[0].Events)
	}
	if diff := cmp.Diff(replay.Snapshot(), st.Snapshot()); diff != "" {
		t.Errorf("concurrent state differs from its replay (-replay +concurrent):\n%s", diff)
	}
}

func TestApplyHonoursContext(t *testing.T) {
	_, club := fanclub(t)
	st := runtime.NewState(club)
	if err := st.Join("a", member(t, club, nil)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := st.Snapshot()
	if _, err := st.Apply(ctx, "a", "comment", runtime.Args{"on": "p"}, t0); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff(before, st.Snapshot()); diff != "" {
		t.Errorf("a cancelled apply changed the state:\n%s", diff)
	}
}

func TestApplyErrorsChangeNothing(t *testing.T) {
	prog, err := runtime.CompileSource("d.charter", []byte(`community D {
  member { x: float = 1.0; n: int }
  action halve(by: float)
  may halve
  on halve { n += 1; x /= by }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("D")
	st := runtime.NewState(c)
	m, _ := c.Member(nil)
	_ = st.Join("a", m)
	before := st.Snapshot()
	if _, err := st.Apply(context.Background(), "a", "halve", runtime.Args{"by": 0.0}, t0); err == nil {
		t.Fatal("division by zero applied")
	}
	if diff := cmp.Diff(before, st.Snapshot()); diff != "" {
		t.Errorf("a failed apply changed the state:\n%s", diff)
	}
}

// TestConcurrentTipsConservePoints: goroutines tipping each other at once
// never mint or lose points; the total is checked after every batch.
func TestConcurrentTipsConservePoints(t *testing.T) {
	prog, err := runtime.CompileFiles("../examples/exchange")
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Exchange")
	st := runtime.NewState(c)
	const n = 10
	for i := 0; i < n; i++ {
		m, err := c.Member(map[string]any{"points": 50})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Join(fmt.Sprint("m", i), m); err != nil {
			t.Fatal(err)
		}
	}
	total := func() int64 {
		var sum int64
		for _, id := range st.IDs() {
			m, _ := st.Member(id)
			p, _ := c.Get(m, "points")
			if p.(int64) < 0 {
				t.Fatalf("%s has %d points", id, p)
			}
			sum += p.(int64)
		}
		return sum
	}
	want := total()
	ctx := context.Background()
	for batch := 0; batch < 20; batch++ {
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					from, to := fmt.Sprint("m", (w+i)%n), fmt.Sprint("m", (w*3+i*7+1)%n)
					if from == to {
						continue
					}
					if _, err := st.Apply(ctx, from, "thank", runtime.Args{"to": to, "amount": 1 + i%9}, t0); err != nil {
						t.Error(err)
						return
					}
				}
			}(w)
		}
		wg.Wait()
		if got := total(); got != want {
			t.Fatalf("after batch %d the total is %d, want %d", batch, got, want)
		}
	}
}

// TestStateLeaveKeepsOthers checks the column-wise store: members leaving
// from the middle and the end move others into their places, and every
// remaining member keeps its attributes of every kind and its history.
func TestStateLeaveKeepsOthers(t *testing.T) {
	prog, err := runtime.CompileSource("store.charter", []byte(`community Store {
  default allow
  member {
    n:    int
    x:    float
    name: string
    tags: []string
    seen: time
  }
  action ping()
  action pong()
  limit ping 2 per 1d
  first ping then pong
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Store")
	st := runtime.NewState(c)
	ctx := context.Background()
	for i := range 6 {
		m, err := c.Member(map[string]any{
			"n": i, "x": float64(i) / 2, "name": fmt.Sprint("name", i),
			"tags": []string{fmt.Sprint("t", i), "shared"}, "seen": t0.Add(-time.Duration(i) * time.Hour),
		})
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint("m", i)
		if err := st.Join(id, m); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < i%3; j++ {
			if _, err := st.Apply(ctx, id, "ping", nil, t0.Add(time.Duration(i)*time.Second+time.Duration(j)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := map[string]runtime.MemberSnapshot{}
	for _, ms := range st.Snapshot().Members {
		before[ms.ID] = ms
	}
	for _, id := range []string{"m1", "m5", "m3"} {
		if err := st.Leave(id); err != nil {
			t.Fatal(err)
		}
		delete(before, id)
	}
	after := map[string]runtime.MemberSnapshot{}
	for _, ms := range st.Snapshot().Members {
		after[ms.ID] = ms
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("members after leaves differ (-want +got):\n%s", diff)
	}
	// The moved members are found by their IDs: m2 pinged twice and is at
	// its limit; m4 pinged once and may ping again; m0 never pinged, so it
	// may not pong.
	for _, tc := range []struct {
		id, action string
		allowed    bool
	}{{"m2", "ping", false}, {"m4", "ping", true}, {"m0", "pong", false}, {"m4", "pong", true}} {
		d, err := st.Decide(tc.id, tc.action, nil, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != tc.allowed {
			t.Errorf("%s %s: allowed = %v, want %v (%v)", tc.id, tc.action, d.Allowed, tc.allowed, d.Reasons())
		}
	}
	// A member joining into a vacated place starts with its own record and
	// an empty history.
	fresh, err := c.Member(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Join("new", fresh); err != nil {
		t.Fatal(err)
	}
	got, ok := st.Member("new")
	if !ok {
		t.Fatal("new member not found")
	}
	if diff := cmp.Diff(c.Values(fresh), c.Values(got)); diff != "" {
		t.Errorf("new member's values (-want +got):\n%s", diff)
	}
	if d, _ := st.Decide("new", "pong", nil, t0); d.Allowed {
		t.Errorf("new member may pong before pinging: its history is not empty")
	}
	if ids := st.IDs(); !cmp.Equal(ids, []string{"m0", "m2", "m4", "new"}) {
		t.Errorf("IDs = %v", ids)
	}
}

// TestHolds evaluates conditions as `expect that` steps write them, against
// a member of a live state, its goals and its member count.
func TestHolds(t *testing.T) {
	src := `community C {
  member { posts: int }
  action post()
  may post if true
  on post { posts += 1 }
  goal g { measure sum(posts); target >= 3 }
  test "t" {
    expect that posts == 2 && members == 2
    expect that g.met
    expect that posts + 1
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err == nil {
		t.Fatal("want the checker to reject the int condition")
	}
	// The int condition is there to reach Holds unchecked; drop it to compile.
	prog, err = runtime.CompileSource("c.charter", []byte(strings.Replace(src, "    expect that posts + 1\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("C")
	conds := syntax.Exprs(c.Checked().Tests[0])
	postsTwo, goalMet := conds[0], conds[1]
	file, _ := syntax.Parse("x.charter", []byte(src))
	var notBool *syntax.Expr
	for _, e := range syntax.Exprs(file) {
		if e.Src == "posts + 1" {
			notBool = e
		}
	}

	st := runtime.NewState(c)
	if err := st.Join("a", member(t, c, map[string]any{"posts": 1})); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Holds("a", postsTwo, t0); err != nil || got {
		t.Errorf("before: Holds(%s) = %v, %v; want false", postsTwo.Src, got, err)
	}
	if got, err := st.Holds("a", goalMet, t0); err != nil || got {
		t.Errorf("before: Holds(%s) = %v, %v; want false", goalMet.Src, got, err)
	}
	if err := st.Join("b", member(t, c, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), "a", "post", nil, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Holds("a", postsTwo, t0); err != nil || !got {
		t.Errorf("after: Holds(%s) = %v, %v; want true", postsTwo.Src, got, err)
	}
	if got, err := st.Holds("b", postsTwo, t0); err != nil || got {
		t.Errorf("b: Holds(%s) = %v, %v; want false", postsTwo.Src, got, err)
	}
	if _, err := st.Apply(context.Background(), "b", "post", nil, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Holds("b", goalMet, t0); err != nil || !got {
		t.Errorf("after: Holds(%s) = %v, %v; want true", goalMet.Src, got, err)
	}
	if _, err := st.Holds("nobody", postsTwo, t0); !errors.Is(err, runtime.ErrUnknownMember) {
		t.Errorf("unknown member: err = %v, want ErrUnknownMember", err)
	}
	if _, err := st.Holds("a", notBool, t0); err == nil || !strings.Contains(err.Error(), "condition is int, want bool") {
		t.Errorf("int condition: err = %v, want one saying it is not bool", err)
	}
}

// State.Duties and State.Messages read the state's member count, and a
// state with no goals still has a goal snapshot, so `when members > N`
// holds there; Community.Duties and Messages, without a state, read 0.
func TestStateDutiesAndMessagesCountMembers(t *testing.T) {
	prog, err := runtime.CompileSource("c.charter", []byte(`community Big {
  member { n: int }
  action visit()
  may visit
  when members > 2 {
    nudge "big"
    must visit 1 per 1d
  }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Big")
	st := runtime.NewState(c)
	for _, id := range []string{"a", "b", "c"} {
		m, err := c.Member(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	duties, err := st.Duties("a", at)
	if err != nil || len(duties) != 1 || duties[0].Action != "visit" {
		t.Errorf("State.Duties = %v, %v; want the visit duty", duties, err)
	}
	msgs, err := st.Messages("a", at)
	if err != nil || len(msgs) != 1 || msgs[0].Text != "big" {
		t.Errorf("State.Messages = %v, %v; want the nudge", msgs, err)
	}
	m, _ := st.Member("a")
	if got := c.Messages(m, at, c.Goals(nil, at)); len(got) != 0 {
		t.Errorf("Community.Messages without a state = %v, want none (members reads 0)", got)
	}
	if _, err := st.Duties("nobody", at); !errors.Is(err, runtime.ErrUnknownMember) {
		t.Errorf("State.Duties of an unknown member: %v", err)
	}
	if _, err := st.Messages("nobody", at); !errors.Is(err, runtime.ErrUnknownMember) {
		t.Errorf("State.Messages of an unknown member: %v", err)
	}
}
