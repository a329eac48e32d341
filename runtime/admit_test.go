package runtime_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/charterlang/charter/runtime"
)

// circles is a club with a circle that caps itself by its own size and
// one that reads its own goal, and a grandchild of the first.
const circles = `
community Club {
  member { posts: int }
  goal size { measure members; target <= 1000 }
}

community Circle extends Club {
  admit if posts >= 5 && members < 3
  goal busy { measure sum(posts); target <= 100 }
}

community Quiet extends Club {
  admit if busy.value + posts <= 20
  goal busy { measure sum(posts); target <= 20 }
}

community Inner extends Circle {
  admit if posts >= 10
}

community Capped extends Club {
  admit if size.value < 2
}

community Heavy extends Capped {
  goal size { measure sum(posts); target <= 1000 }
}
`

func circleProgram(t *testing.T) *runtime.Program {
	t.Helper()
	prog, err := runtime.CompileSource("circles.charter", []byte(circles))
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

func TestJoinAtRefusesWhomAdmitRejects(t *testing.T) {
	c := circleProgram(t).Community("Circle")
	st := runtime.NewState(c)
	err := st.JoinAt("ann", member(t, c, map[string]any{"posts": 4}), t0)
	if !errors.Is(err, runtime.ErrNotAdmitted) {
		t.Fatalf("join with 4 posts: %v, want ErrNotAdmitted", err)
	}
	for _, want := range []string{`join "ann"`, "not admitted to Circle", "admit if posts >= 5 && members < 3", "circles.charter:8:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not name %q", err, want)
		}
	}
	if st.Len() != 0 || st.Events() != 0 {
		t.Errorf("a refused join changed the state: %d members, %d events", st.Len(), st.Events())
	}
	if err := st.JoinAt("ann", member(t, c, map[string]any{"posts": 5}), t0); err != nil {
		t.Fatalf("join with 5 posts: %v", err)
	}
}

// TestCircleCapsItself: `members` in admit counts the members already in,
// without the one joining, so `members < 3` lets in exactly three.
func TestCircleCapsItself(t *testing.T) {
	c := circleProgram(t).Community("Circle")
	st := runtime.NewState(c)
	for _, id := range []string{"a", "b", "c"} {
		if err := st.JoinAt(id, member(t, c, map[string]any{"posts": 9}), t0); err != nil {
			t.Fatalf("join %s: %v", id, err)
		}
	}
	if err := st.JoinAt("d", member(t, c, map[string]any{"posts": 9}), t0); !errors.Is(err, runtime.ErrNotAdmitted) {
		t.Fatalf("fourth join: %v, want ErrNotAdmitted", err)
	}
	if err := st.Leave("a"); err != nil {
		t.Fatal(err)
	}
	if err := st.JoinAt("d", member(t, c, map[string]any{"posts": 9}), t0); err != nil {
		t.Fatalf("join after a leave: %v", err)
	}
	if st.Len() != 3 {
		t.Errorf("%d members, want 3", st.Len())
	}
}

// TestAdmitReadsGoalsOfThoseIn: the goal an admit reads is over the members
// already in; the joining member's own posts enter only through the
// condition as written.
func TestAdmitReadsGoalsOfThoseIn(t *testing.T) {
	c := circleProgram(t).Community("Quiet")
	st := runtime.NewState(c)
	for _, step := range []struct {
		id    string
		posts int
		ok    bool
	}{{"a", 8, true}, {"b", 8, true}, {"c", 5, false}, {"d", 4, true}, {"e", 1, false}} {
		err := st.JoinAt(step.id, member(t, c, map[string]any{"posts": step.posts}), t0)
		if (err == nil) != step.ok {
			t.Errorf("join %s with %d posts: %v, want admitted %v", step.id, step.posts, err, step.ok)
		}
	}
	if g := st.Goals(t0); g[1].Value != 20 {
		t.Errorf("busy = %v, want 20", g[1].Value)
	}
}

// TestAncestorAdmitReadsTheJoinedCommunity: Inner's admission asks Circle's
// admit too, and its `members` counts Inner's members.
func TestAncestorAdmitReadsTheJoinedCommunity(t *testing.T) {
	c := circleProgram(t).Community("Inner")
	st := runtime.NewState(c)
	if err := st.JoinAt("x", member(t, c, map[string]any{"posts": 7}), t0); err == nil || !strings.Contains(err.Error(), "admit if posts >= 10") {
		t.Errorf("7 posts: %v, want Inner's admit to refuse", err)
	}
	for _, id := range []string{"a", "b", "c"} {
		if err := st.JoinAt(id, member(t, c, map[string]any{"posts": 12}), t0); err != nil {
			t.Fatalf("join %s: %v", id, err)
		}
	}
	err := st.JoinAt("d", member(t, c, map[string]any{"posts": 12}), t0)
	if err == nil || !strings.Contains(err.Error(), "not admitted to Inner: admit if posts >= 5 && members < 3") {
		t.Errorf("fourth: %v, want Circle's admit, over Inner's members, to refuse", err)
	}
}

func TestJoinWithoutTimeRefusedWhereAdmitDecides(t *testing.T) {
	prog := circleProgram(t)
	c := prog.Community("Inner")
	m := member(t, c, map[string]any{"posts": 12})
	if err := runtime.NewState(c).Join("a", m); err == nil || !strings.Contains(err.Error(), "JoinAt") {
		t.Errorf("Join on Inner: %v, want a pointer to JoinAt", err)
	}
	// AdmitAll joins as the host says, as a test block's state does.
	st := runtime.NewState(c, runtime.AdmitAll())
	if err := st.JoinAt("a", member(t, c, map[string]any{"posts": 0}), t0); err != nil {
		t.Errorf("JoinAt with AdmitAll: %v", err)
	}
	if err := st.Join("b", m); err != nil {
		t.Errorf("Join with AdmitAll: %v", err)
	}
	// A community without admission joins as before.
	club := prog.Community("Club")
	if err := runtime.NewState(club).Join("a", member(t, club, nil)); err != nil {
		t.Errorf("Join on Club: %v", err)
	}
}

// TestRestoreDoesNotAskAdmitAgain: members in a snapshot were admitted
// when they joined.
func TestRestoreDoesNotAskAdmitAgain(t *testing.T) {
	c := circleProgram(t).Community("Circle")
	st := runtime.NewState(c)
	for _, id := range []string{"a", "b", "c"} {
		if err := st.JoinAt(id, member(t, c, map[string]any{"posts": 9}), t0); err != nil {
			t.Fatal(err)
		}
	}
	// Member "a" would not be admitted now; the circle is full too.
	if err := st.Update("a", map[string]any{"posts": 0}); err != nil {
		t.Fatal(err)
	}
	back, err := runtime.Restore(c, st.Snapshot())
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if back.Len() != 3 {
		t.Errorf("restored %d members, want 3", back.Len())
	}
}

// TestAdmittedIsTheStatesJoin: Admitted takes the candidates as joins, in
// order, and keeps those a state keeps; the goals over them are the
// state's.
func TestAdmittedIsTheStatesJoin(t *testing.T) {
	c := circleProgram(t).Community("Circle")
	posts := []int{9, 2, 9, 0, 7, 9, 5}
	var ms []*runtime.Member
	st := runtime.NewState(c)
	var want []int
	for i, p := range posts {
		m := member(t, c, map[string]any{"posts": p})
		ms = append(ms, m)
		if st.JoinAt(string(rune('a'+i)), m, t0) == nil {
			want = append(want, i)
		}
	}
	in, refused := c.Admitted(ms, t0)
	if len(in) != 3 || len(in) != len(want) {
		t.Fatalf("admitted %v, the state %v; want three", in, want)
	}
	for i := range in {
		if in[i] != want[i] {
			t.Errorf("admitted %v, the state %v", in, want)
		}
	}
	for i, err := range refused {
		admitted := false
		for _, j := range in {
			admitted = admitted || i == j
		}
		if (err == nil) != admitted || err != nil && !errors.Is(err, runtime.ErrNotAdmitted) {
			t.Errorf("candidate %d: refusal %v, admitted %v", i, err, admitted)
		}
	}
	var inMs []*runtime.Member
	for _, i := range in {
		inMs = append(inMs, ms[i])
	}
	got, live := c.Goals(inMs, t0), st.Goals(t0)
	for i := range got {
		if got[i] != live[i] {
			t.Errorf("goal %s: over the admitted %+v, the state's %+v", got[i].Name, got[i], live[i])
		}
	}
}

// TestAdmitAmongJudgesOnOthers: Admit is AdmitAmong with nobody in.
func TestAdmitAmongJudgesOnOthers(t *testing.T) {
	c := circleProgram(t).Community("Circle")
	m := member(t, c, map[string]any{"posts": 9})
	if !c.Admit(m, t0) {
		t.Error("Admit: refused with nobody in")
	}
	three := []*runtime.Member{m, m, m}
	if err := c.AdmitAmong(m, three[:2], t0); err != nil {
		t.Errorf("among two: %v", err)
	}
	if err := c.AdmitAmong(m, three, t0); !errors.Is(err, runtime.ErrNotAdmitted) {
		t.Errorf("among three: %v, want ErrNotAdmitted", err)
	}
	if err := c.AdmitAmong(nil, nil, t0); err == nil || errors.Is(err, runtime.ErrNotAdmitted) {
		t.Errorf("nil member: %v, want an error that is not a refusal", err)
	}
	if err := runtime.NewState(c).JoinAt("x", nil, t0); err == nil {
		t.Error("JoinAt of a nil member: no error")
	}
}

// TestAncestorAdmitReadsTheJoinedCommunitysGoal: Capped's admit reads goal
// size; in Heavy, which redeclares size as a sum of posts, it reads
// Heavy's, as every inherited declaration reads the child's (SPEC §9).
func TestAncestorAdmitReadsTheJoinedCommunitysGoal(t *testing.T) {
	prog := circleProgram(t)
	capped, heavy := prog.Community("Capped"), prog.Community("Heavy")
	one := func(c *runtime.Community, posts int) []*runtime.Member {
		return []*runtime.Member{member(t, c, map[string]any{"posts": posts})}
	}
	// In Capped, size counts members: one in, so 1 < 2 admits.
	if err := capped.AdmitAmong(member(t, capped, nil), one(capped, 5), t0); err != nil {
		t.Errorf("Capped with one member in: %v", err)
	}
	// In Heavy, size sums posts: 5 posts in, so 5 < 2 fails.
	if err := heavy.AdmitAmong(member(t, heavy, nil), one(heavy, 5), t0); !errors.Is(err, runtime.ErrNotAdmitted) {
		t.Errorf("Heavy with 5 posts in: %v, want ErrNotAdmitted", err)
	}
	if err := heavy.AdmitAmong(member(t, heavy, nil), one(heavy, 1), t0); err != nil {
		t.Errorf("Heavy with 1 post in: %v", err)
	}
}
