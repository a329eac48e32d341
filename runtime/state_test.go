package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
	const members, workers, perWorker = 20, 8, 400
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
		wg      sync.WaitGroup
	)
	ctx := context.Background()
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
				_ = st.Goals(ev.at) // concurrent readers
				_ = st.Snapshot()
			}
		}(w)
	}
	wg.Wait()
	// Replay the applied events in the order the state committed them.
	sort.Slice(applied, func(i, j int) bool { return applied[i].seq < applied[j].seq })
	replay := build()
	for _, d := range applied {
		res, err := replay.Apply(ctx, d.ev.id, d.ev.action, d.ev.args, d.ev.at)
		if err != nil || !res.Applied {
			t.Fatalf("replay of event %d: %v %+v", d.seq, err, res)
		}
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
