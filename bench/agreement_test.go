package bench

import (
	"fmt"
	"testing"
)

// memberCount is how many members the agreement test and the benchmarks
// draw.
const memberCount = 400

// engines builds every engine under test, the reference first.
func engines(tb testing.TB) []Engine {
	tb.Helper()
	out := []Engine{Go{}}
	for _, mk := range []func() (Engine, error){
		func() (Engine, error) { return NewCharter() },
		func() (Engine, error) { return NewCharterArgs() },
		func() (Engine, error) { return NewCharterGen() },
		func() (Engine, error) { return NewCharterGenDecide() },
		func() (Engine, error) { return NewExpr() },
		func() (Engine, error) { return NewCEL() },
		func() (Engine, error) { return NewRego() },
		func() (Engine, error) { return NewCedar() },
	} {
		e, err := mk()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// disagreements compares e with the reference on calls and members and
// returns the first limit differences (all of them when limit is 0).
func disagreements(e Engine, calls []Call, members []Member, limit int) []string {
	var out []string
	full := func() bool { return limit > 0 && len(out) >= limit }
	ev, _ := e.(Evaluator)
	for _, c := range calls {
		wantOK, wantReason, _ := DecideRef(c.Member, c.Action, c.Length)
		if ok, reason := e.Decide(c.Member, c.Action, c.Length); ok != wantOK || reason != wantReason {
			out = append(out, fmt.Sprintf("Decide(%+v, %s, %d) = %v %q, want %v %q",
				*c.Member, c.Action, c.Length, ok, reason, wantOK, wantReason))
		}
		if full() {
			return out
		}
		if ev == nil {
			continue
		}
		if ok, reason := ev.DecideEval(ev.Prepare(c.Member, c.Action, c.Length)); ok != wantOK || reason != wantReason {
			out = append(out, fmt.Sprintf("DecideEval(%+v, %s, %d) = %v %q, want %v %q",
				*c.Member, c.Action, c.Length, ok, reason, wantOK, wantReason))
		}
		if full() {
			return out
		}
	}
	for i := range members {
		m := &members[i]
		if got, want := e.Role(m), RoleOf(m).String(); got != want {
			out = append(out, fmt.Sprintf("Role(%+v) = %q, want %q", *m, got, want))
		}
		if full() {
			return out
		}
	}
	return out
}

// TestAgreement is the precondition of every number in RESULTS.md: each
// engine gives the reference's allow or deny, reason and role on every
// generated member with every action and every length.
func TestAgreement(t *testing.T) {
	members := Members(memberCount)
	calls := AllCalls(members)
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			if _, ok := e.(Evaluator); !ok {
				t.Errorf("%s has no eval-only entry", e.Name())
			}
			for _, d := range disagreements(e, calls, members, 10) {
				t.Error(d)
			}
		})
	}
}

// TestAgreementCatchesADifference makes sure the comparison can fail: an
// engine that forgets one rule disagrees.
func TestAgreementCatchesADifference(t *testing.T) {
	members := Members(memberCount)
	d := disagreements(forgetful{}, AllCalls(members), members, 0)
	if len(d) == 0 {
		t.Fatal("an engine without the onlooker post rule agrees with the reference")
	}
}

// forgetful is the reference without "onlookers post short".
type forgetful struct{ Go }

func (forgetful) Decide(m *Member, action string, length int) (bool, string) {
	ok, reason, _ := DecideRef(m, action, length)
	if reason == ReasonOnlookerPost {
		return false, ReasonDefault
	}
	return ok, reason
}

// TestCoverage checks that the generated calls reach every rung of the
// ladder, every rule's reason, and both outcomes of every action, so that
// agreement means agreement on the whole workload.
func TestCoverage(t *testing.T) {
	members := Members(memberCount)
	roles := map[Role]int{}
	for i := range members {
		roles[RoleOf(&members[i])]++
	}
	for r := Onlooker; r <= Leader; r++ {
		if roles[r] == 0 {
			t.Errorf("no member is a %s", r)
		}
	}
	type outcome struct {
		action string
		ok     bool
		reason string
	}
	seen := map[outcome]int{}
	for _, c := range AllCalls(members) {
		ok, reason, _ := DecideRef(c.Member, c.Action, c.Length)
		seen[outcome{c.Action, ok, reason}]++
	}
	// Every rule of the workload, as the outcome it decides.
	want := []outcome{
		{"post", false, ReasonBanned}, {"post", false, ReasonIntroduce}, {"post", false, ReasonOnlookerPost},
		{"post", true, ""}, {"post", false, ReasonDefault},
		{"comment", false, ReasonBanned}, {"comment", false, ReasonCommentLong}, {"comment", true, ""},
		{"react", false, ReasonBanned}, {"react", true, ""},
		{"save", false, ReasonSaveLimit}, {"save", true, ""},
		{"invite", false, ReasonBanned}, {"invite", false, ReasonInviteNew}, {"invite", true, ""}, {"invite", false, ReasonDefault},
		{"pin", false, ReasonBanned}, {"pin", true, ""}, {"pin", false, ReasonDefault},
		{"delete", false, ReasonBanned}, {"delete", false, ReasonDeleteRep}, {"delete", true, ""}, {"delete", false, ReasonDefault},
		{"edit", false, ReasonBanned}, {"edit", false, ReasonEditLong}, {"edit", true, ""}, {"edit", false, ReasonDefault},
		{"report", false, ReasonReportRole}, {"report", false, ReasonReportNew}, {"report", true, ""},
		{"message", false, ReasonBanned}, {"message", false, ReasonIntroduce}, {"message", false, ReasonMessageLong},
		{"message", true, ""}, {"message", false, ReasonDefault},
		{"host", false, ReasonBanned}, {"host", false, ReasonHostNew}, {"host", true, ""}, {"host", false, ReasonDefault},
	}
	for _, o := range want {
		if seen[o] == 0 {
			t.Errorf("no generated call has outcome %+v", o)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("the calls reach %d outcomes, the list names %d: %v", len(seen), len(want), seen)
	}
	// Both may rules of message and of host must be reached on their own.
	var msgByRep, hostByCommenter bool
	for i := range members {
		m := &members[i]
		r := RoleOf(m)
		if ok, _, _ := DecideRef(m, "message", 0); ok && r < Participant {
			msgByRep = true
		}
		if ok, _, _ := DecideRef(m, "host", 0); ok && r == Commenter {
			hostByCommenter = true
		}
	}
	if !msgByRep || !hostByCommenter {
		t.Errorf("message allowed by reputation alone: %v; host allowed to a commenter: %v", msgByRep, hostByCommenter)
	}
}

// TestMembersDeterministic guards the fixed seed: the benchmarks of two
// runs measure the same calls.
func TestMembersDeterministic(t *testing.T) {
	a, b := Members(50), Members(50)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("member %d differs between runs: %+v, %+v", i, a[i], b[i])
		}
	}
	ca, cb := BenchCalls(a, 100), BenchCalls(b, 100)
	for i := range ca {
		if *ca[i].Member != *cb[i].Member || ca[i].Action != cb[i].Action || ca[i].Length != cb[i].Length {
			t.Fatalf("call %d differs between runs", i)
		}
	}
}
