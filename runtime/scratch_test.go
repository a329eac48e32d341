package runtime_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/charterlang/charter/runtime"
)

// TestScratchAnswersEqual checks that questions asked through one reused
// Scratch get the answers of the Community's own methods, whatever the
// Scratch was asked before: members of every role, every action, with and
// without a goal snapshot.
func TestScratchAnswersEqual(t *testing.T) {
	_, club := fanclub(t)
	members := genMembers(t, club, 300)
	calls := []*runtime.Call{}
	for _, c := range []struct {
		action string
		args   runtime.Args
	}{
		{"introduce", nil}, {"post", runtime.Args{"length": 600, "topic": "t"}}, {"post", runtime.Args{"length": 20, "topic": "t"}},
		{"comment", runtime.Args{"on": "x"}}, {"save", runtime.Args{"item": "x"}}, {"invite", runtime.Args{"guest": "g"}},
		{"tip", runtime.Args{"to": "someone", "amount": 3}},
	} {
		k, err := club.Call(c.action, c.args)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, k)
	}
	full := club.Goals(members, t0) // 300 members: invitations are closed...
	open := club.Goals(members[:5], t0)
	s := club.NewScratch()
	roles := map[string]bool{}
	differ := 0 // decisions that the goal snapshot changes
	// Role questions one after another, then decisions.
	for i, m := range members {
		at := t0.Add(time.Duration(i) * time.Hour)
		// A fresh copy has no cached role, so both sides evaluate the ladder.
		want, got := club.Role(m.Clone(), at), s.Role(m.Clone(), at)
		if want != got {
			t.Errorf("member %d: Scratch.Role = %q, want %q", i, got, want)
		}
		if r1, r2 := club.RoleRank(m, at), s.RoleRank(m, at); r1 != r2 {
			t.Errorf("member %d: Scratch.RoleRank = %d, want %d", i, r2, r1)
		}
		roles[want] = true
	}
	for i, m := range members {
		at := t0.Add(time.Duration(i) * time.Hour)
		for _, k := range calls {
			if a, b := club.DecideCall(m, k, at, full), club.DecideCall(m, k, at, open); a.Allowed != b.Allowed {
				differ++
			}
			for _, goals := range []runtime.Goals{nil, full, open} {
				want := club.DecideCall(m.Clone(), k, at, goals)
				got := s.DecideCall(m.Clone(), k, at, goals)
				if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(runtime.Rule{})); diff != "" {
					t.Fatalf("member %d, %s: Scratch.DecideCall differs (-want +got):\n%s", i, want.Action, diff)
				}
			}
		}
	}
	if differ == 0 {
		t.Errorf("no decision depends on the goal snapshot: the test needs one that does")
	}
	if len(roles) < 4 {
		t.Errorf("the members reach only roles %v: the test needs more of the ladder", roles)
	}
}
