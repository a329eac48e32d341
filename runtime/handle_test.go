package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/charterlang/charter/runtime"
)

// handleTwins drives two states of c through the same random joins,
// leaves, reviews and actions: one applies through handles (ApplyCallTo),
// the other through IDs (ApplyCall). A handle means its ID, so the results,
// the errors and the final snapshots must be the same. The handles used
// include stale ones (of a member who left, of an ID that joined again)
// and ones made by another state (restored from a snapshot).
func handleTwins(t *testing.T, c *runtime.Community, seed uint64, call func(r *rand.Rand, ids []string) (string, runtime.Args)) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	ctx := context.Background()
	byH := runtime.NewState(c, runtime.MaxSkew(-1))
	byID := runtime.NewState(c, runtime.MaxSkew(-1))
	ids := make([]string, 12)
	for i := range ids {
		ids[i] = fmt.Sprintf("m%d", i)
	}
	handles := map[string][]*runtime.Handle{}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	same := func(step int, what string, e1, e2 error) {
		t.Helper()
		if errText(e1) != errText(e2) {
			t.Fatalf("step %d: %s: by handle %v, by ID %v", step, what, e1, e2)
		}
	}
	at := t0
	applied := 0
	for step := range 3000 {
		at = at.Add(time.Duration(r.IntN(90)) * time.Minute)
		id := ids[r.IntN(len(ids))]
		switch n := r.IntN(20); {
		case n < 3:
			v := map[string]any{}
			if c.Name == "Forum" && r.IntN(8) == 0 {
				v["posts"] = -1 // reports of such a member remove it
			}
			m1, err := c.Member(v)
			if err != nil {
				t.Fatal(err)
			}
			m2 := m1.Clone()
			same(step, "join", byH.JoinAt(id, m1, at), byID.JoinAt(id, m2, at))
			if h, err := byH.Handle(id); err == nil {
				handles[id] = append(handles[id], h)
			}
		case n < 4:
			same(step, "leave", byH.Leave(id), byID.Leave(id))
		case n < 5:
			s1, e1 := byH.Review(ctx, at)
			s2, e2 := byID.Review(ctx, at)
			same(step, "review", e1, e2)
			if diff := cmp.Diff(s2, s1, cmpopts.IgnoreUnexported(runtime.Rule{})); diff != "" {
				t.Fatalf("step %d: review differs (-by ID +by handle):\n%s", step, diff)
			}
		case n < 6:
			// A state restored from a snapshot makes handles that byH
			// does not keep: they must work there by their IDs.
			other, err := runtime.Restore(c, byH.Snapshot())
			if err != nil {
				t.Fatal(err)
			}
			if h, err := other.Handle(id); err == nil {
				handles[id] = append(handles[id], h)
			}
		default:
			name, args := call(r, ids)
			k, err := c.Call(name, args)
			if err != nil {
				t.Fatal(err)
			}
			if to, ok := args["to"].(string); ok && r.IntN(2) == 0 {
				// The member argument through a handle too: byH's own,
				// or one stale or another state's, which byID (not
				// its state) looks up by ID.
				th, err := byH.Handle(to)
				if hs := handles[to]; len(hs) > 0 && (err != nil || r.IntN(3) == 0) {
					th = hs[r.IntN(len(hs))]
				}
				if th == nil {
					th = mustHandle(t, byID, ids, to)
				}
				if err := k.SetMemberHandle("to", th); err != nil {
					t.Fatal(err)
				}
			}
			h, err := byH.Handle(id)
			if err == nil {
				if again, _ := byH.Handle(id); again != h {
					t.Fatalf("step %d: two handles of %s", step, id)
				}
				handles[id] = append(handles[id], h)
			} else if !errors.Is(err, runtime.ErrUnknownMember) {
				t.Fatalf("step %d: handle %s: %v", step, id, err)
			}
			if hs := handles[id]; len(hs) > 0 && r.IntN(3) == 0 {
				h = hs[r.IntN(len(hs))] // perhaps stale or another state's
			}
			if h == nil {
				h = mustHandle(t, byID, ids, id)
			}
			if h.ID() != id {
				t.Fatalf("handle of %s says %s", id, h.ID())
			}
			res1, e1 := byH.ApplyCallTo(ctx, h, k, at)
			res2, e2 := byID.ApplyCall(ctx, id, k, at)
			same(step, "apply "+name, e1, e2)
			if diff := cmp.Diff(res2, res1, cmpopts.IgnoreUnexported(runtime.Rule{})); diff != "" {
				t.Fatalf("step %d: %s %s differs (-by ID +by handle):\n%s", step, id, name, diff)
			}
			if res1.Applied {
				applied++
			}
		}
	}
	if applied < 150 {
		t.Fatalf("only %d actions applied: the test drives too little", applied)
	}
	t.Logf("%s, seed %d: %d actions applied", c.Name, seed, applied)
	if diff := cmp.Diff(byID.Snapshot(), byH.Snapshot()); diff != "" {
		t.Errorf("snapshots differ (-by ID +by handle):\n%s", diff)
	}
	if diff := cmp.Diff(byID.Goals(at), byH.Goals(at)); diff != "" {
		t.Errorf("goals differ (-by ID +by handle):\n%s", diff)
	}
}

// mustHandle returns a handle of id made by a state holding id: the
// member is not in the states under test, so some state must make one.
func mustHandle(t *testing.T, like *runtime.State, ids []string, id string) *runtime.Handle {
	t.Helper()
	s := runtime.NewState(like.Community(), runtime.AdmitAll())
	m, err := like.Community().Member(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Join(id, m); err != nil {
		t.Fatal(err)
	}
	h, err := s.Handle(id)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHandleMeansItsID(t *testing.T) {
	_, club := fanclub(t)
	topics := []string{"phones", "apps"}
	for seed := range uint64(4) {
		handleTwins(t, club, seed, func(r *rand.Rand, ids []string) (string, runtime.Args) {
			switch r.IntN(5) {
			case 0:
				return "introduce", nil
			case 1:
				return "post", runtime.Args{"length": r.IntN(6000), "topic": topics[r.IntN(2)]}
			case 2:
				return "comment", runtime.Args{"on": topics[r.IntN(2)]}
			case 3:
				return "save", runtime.Args{"item": "guide"}
			}
			return "tip", runtime.Args{"to": ids[r.IntN(len(ids))], "amount": r.IntN(4)}
		})
	}
	forum := sanctionForum(t)
	for seed := range uint64(4) {
		handleTwins(t, forum, seed, func(r *rand.Rand, ids []string) (string, runtime.Args) {
			switch r.IntN(4) {
			case 0:
				return "visit", nil
			case 1:
				return "report", nil
			}
			return "post", runtime.Args{"links": []int{0, 1, 6, 0, 1, 60}[r.IntN(6)]}
		})
	}
}

// TestHandleAfterLeave: a handle of a member who left is an unknown
// member, as its ID is, and names whoever joins again under the ID; the
// member moved into the leaver's place keeps working through its handle.
func TestHandleAfterLeave(t *testing.T) {
	_, club := fanclub(t)
	st := runtime.NewState(club)
	ctx := context.Background()
	for _, id := range []string{"a", "b", "c"} {
		if err := st.Join(id, member(t, club, nil)); err != nil {
			t.Fatal(err)
		}
	}
	ha, _ := st.Handle("a")
	hc, _ := st.Handle("c")
	if _, err := st.Handle("nobody"); !errors.Is(err, runtime.ErrUnknownMember) {
		t.Errorf("Handle(nobody) = %v, want ErrUnknownMember", err)
	}
	comment, err := club.Call("comment", runtime.Args{"on": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Leave("a"); err != nil { // c moves into a's place
		t.Fatal(err)
	}
	if _, err := st.ApplyCallTo(ctx, ha, comment, t0); !errors.Is(err, runtime.ErrUnknownMember) {
		t.Errorf("apply to a handle of a member who left: %v, want ErrUnknownMember", err)
	}
	if res, err := st.ApplyCallTo(ctx, hc, comment, t0); err != nil || !res.Applied {
		t.Fatalf("apply to c after a left: %+v, %v", res, err)
	}
	if m, _ := st.Member("c"); comments(club, m) != int64(1) {
		t.Errorf("c's comments = %v, want 1", comments(club, m))
	}
	if m, _ := st.Member("b"); comments(club, m) != int64(0) {
		t.Errorf("b's comments = %v, want 0", comments(club, m))
	}
	if err := st.Join("a", member(t, club, map[string]any{"comments": 10})); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyCallTo(ctx, ha, comment, t0); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Member("a"); comments(club, m) != int64(11) {
		t.Errorf("the new a's comments = %v, want 11", comments(club, m))
	}
	if _, err := st.ApplyCallTo(ctx, nil, comment, t0); err == nil {
		t.Error("apply to a nil handle succeeded")
	}

	// A member argument given by handle, then by ID: the ID counts.
	hb, _ := st.Handle("b")
	tip, err := club.Call("tip", runtime.Args{"to": "c", "amount": 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tip.SetMemberHandle("to", hb); err != nil {
		t.Fatal(err)
	}
	if got := tip.Args()["to"]; got != "b" {
		t.Errorf("to = %v after SetMemberHandle, want b", got)
	}
	if err := tip.SetMember("to", "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyCallTo(ctx, hc, tip, t0); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]float64{"b": 1, "c": 1} { // c tipped itself: -1 + 1
		m, _ := st.Member(id)
		if v, _ := club.Get(m, "reputation"); v != want {
			t.Errorf("%s's reputation = %v, want %v", id, v, want)
		}
	}
	if err := tip.SetMemberHandle("to", hb); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyCallTo(ctx, hc, tip, t0); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Member("b"); reputation(club, m) != 2.0 {
		t.Errorf("b's reputation = %v after a tip to its handle, want 2", reputation(club, m))
	}
	if err := tip.SetMemberHandle("amount", hb); err == nil {
		t.Error("SetMemberHandle of an int parameter succeeded")
	}
	if err := tip.SetMemberHandle("to", nil); err == nil {
		t.Error("SetMemberHandle with a nil handle succeeded")
	}
}

func reputation(c *runtime.Community, m *runtime.Member) any {
	v, _ := c.Get(m, "reputation")
	return v
}

func comments(c *runtime.Community, m *runtime.Member) any {
	v, _ := c.Get(m, "comments")
	return v
}

// TestHandleConcurrent: handles used by many goroutines while members
// leave and join again (run with -race).
func TestHandleConcurrent(t *testing.T) {
	_, club := fanclub(t)
	st := runtime.NewState(club)
	ctx := context.Background()
	const members = 16
	ids := make([]string, members)
	hs := make([]*runtime.Handle, members)
	for i := range ids {
		ids[i] = fmt.Sprint("m", i)
		if err := st.Join(ids[i], member(t, club, nil)); err != nil {
			t.Fatal(err)
		}
		hs[i], _ = st.Handle(ids[i])
	}
	comment, err := club.Call("comment", runtime.Args{"on": "x"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				h := hs[(w*7+i)%members]
				if _, err := st.ApplyCallTo(ctx, h, comment, t0); err != nil && !errors.Is(err, runtime.ErrUnknownMember) {
					t.Error(err)
					return
				}
				if _, err := st.Handle(ids[i%members]); err != nil && !errors.Is(err, runtime.ErrUnknownMember) {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 200 {
			id := ids[i%members]
			if err := st.Leave(id); err != nil {
				t.Error(err)
				return
			}
			if err := st.Join(id, member(t, club, nil)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	if st.Len() != members {
		t.Errorf("%d members, want %d", st.Len(), members)
	}
}
