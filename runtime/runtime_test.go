package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/runtime"
)

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func fanclub(t testing.TB) (*runtime.Program, *runtime.Community) {
	t.Helper()
	prog, err := runtime.CompileFiles("../examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	return prog, prog.Community("FanClub")
}

func member(t testing.TB, c *runtime.Community, v map[string]any) *runtime.Member {
	t.Helper()
	m, err := c.Member(v)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDecideRuleKinds(t *testing.T) {
	_, club := fanclub(t)
	post := runtime.Args{"length": 10, "topic": "x"}
	intro := map[string]any{"@history": map[string]any{"introduce": []any{"2025-12-01T00:00:00Z"}}}
	tests := []struct {
		name    string
		member  map[string]any
		action  string
		args    runtime.Args
		allowed bool
		reason  string
	}{
		{"first then: never introduced", map[string]any{}, "post", post, false, "Say hello before your first post"},
		{"first then: introduced", intro, "post", post, true, ""},
		{"must not: too long", intro, "post", runtime.Args{"length": 6000, "topic": "x"}, false, "Posts are capped at 5,000 characters"},
		{"may: comment", map[string]any{}, "comment", runtime.Args{"on": "p1"}, true, ""},
		{"may if: invite as onlooker", map[string]any{}, "invite", runtime.Args{"guest": "g"}, false, ""},
		{"may if: invite as creator", map[string]any{"posts": 6}, "invite", runtime.Args{"guest": "g"}, true, ""},
		{"may if: tip within reputation", map[string]any{"reputation": 5.0}, "tip", runtime.Args{"to": "bob", "amount": 3}, true, ""},
		{"may if: tip beyond reputation", map[string]any{"reputation": 5.0}, "tip", runtime.Args{"to": "bob", "amount": 6}, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := member(t, club, tc.member)
			d, err := club.Decide(m, tc.action, tc.args, t0)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tc.allowed {
				t.Fatalf("allowed = %v, want %v: %v", d.Allowed, tc.allowed, d)
			}
			if tc.reason != "" && !strings.Contains(strings.Join(d.Reasons(), "|"), tc.reason) {
				t.Errorf("reasons %q, want %q", d.Reasons(), tc.reason)
			}
		})
	}
}

func TestDenialsAreAllReported(t *testing.T) {
	_, club := fanclub(t)
	m := member(t, club, map[string]any{})
	d, err := club.Decide(m, "post", runtime.Args{"length": 9000, "topic": "x"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || len(d.Rules) != 2 {
		t.Fatalf("want two denying rules, got %v", d)
	}
}

func TestLimitWindow(t *testing.T) {
	_, club := fanclub(t)
	m := member(t, club, map[string]any{"@history": map[string]any{"introduce": []any{"2025-12-01T00:00:00Z"}}})
	for i := 0; i < 3; i++ {
		if err := club.Did(m, "post", t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	args := runtime.Args{"length": 10, "topic": "x"}
	d, _ := club.Decide(m, "post", args, t0.Add(3*time.Hour))
	if d.Allowed || !strings.Contains(d.Reasons()[0], "Newcomers post at most 3 times a day") {
		t.Fatalf("4th post in a day: %v", d)
	}
	d, _ = club.Decide(m, "post", args, t0.Add(24*time.Hour)) // the first post left the window (t-1d, t]
	if !d.Allowed {
		t.Fatalf("after a day: %v", d)
	}
}

func TestRolesBadgesDuties(t *testing.T) {
	_, club := fanclub(t)
	cases := []struct {
		v    map[string]any
		role string
	}{
		{map[string]any{}, "onlooker"},
		{map[string]any{"comments": 1}, "participant"},
		{map[string]any{"saves": 10}, "collector"},
		{map[string]any{"comments": 20}, "commenter"},
		{map[string]any{"posts": 5}, "creator"},
		{map[string]any{"posts": 50, "followers": 100}, "leader"},
	}
	for _, c := range cases {
		if got := club.Role(member(t, club, c.v), t0); got != c.role {
			t.Errorf("Role(%v) = %s, want %s", c.v, got, c.role)
		}
	}
	m := member(t, club, map[string]any{"followers": 600, "reputation": 60.0, "last_seen": "2025-11-01T00:00:00Z"})
	if got := fmt.Sprint(club.Badges(m, t0)); got != "[opinion_leader inactive]" {
		t.Errorf("badges = %s", got)
	}
	creator := member(t, club, map[string]any{"posts": 5})
	duties := club.Duties(creator, t0)
	if len(duties) != 1 || duties[0].Action != "post" || duties[0].Rule.Sanction == nil || duties[0].Rule.Sanction.Name != "demote" {
		t.Fatalf("duties = %+v", duties)
	}
	if err := club.Did(creator, "post", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if d := club.Duties(creator, t0); len(d) != 0 {
		t.Errorf("duty met but listed: %+v", d)
	}
	if d := club.Duties(member(t, club, nil), t0); len(d) != 0 {
		t.Errorf("onlooker has no duty, got %+v", d)
	}
}

func TestMemberErrors(t *testing.T) {
	_, club := fanclub(t)
	for _, v := range []map[string]any{
		{"posts": "three"},
		{"posts": 1.5},
		{"nope": 1},
		{"last_seen": "yesterday"},
		{"last_seen": "15/01/2026"},
		{"reputation": "x"},
		{"reputation": math.NaN()},
		{"reputation": math.Inf(1)},
		{"posts": json.Number("99999999999999999999999")},
		{"posts": nil},
		{"@history": map[string]any{"fly": []any{}}},
		{"@history": map[string]any{"post": []any{"not a time"}}},
	} {
		if _, err := club.Member(v); err == nil {
			t.Errorf("Member(%v): no error", v)
		}
	}
	m := member(t, club, nil)
	for _, tc := range []struct {
		action string
		args   runtime.Args
	}{
		{"fly", nil},
		{"post", runtime.Args{"length": 1}},
		{"post", runtime.Args{"length": "x", "topic": "t"}},
		{"post", runtime.Args{"length": 1, "topic": "t", "extra": 1}},
		{"tip", runtime.Args{"to": 3, "amount": 1}},
	} {
		if _, err := club.Decide(m, tc.action, tc.args, t0); err == nil {
			t.Errorf("Decide(%s, %v): no error", tc.action, tc.args)
		}
	}
}

func TestMemberJSONRefusesDuplicateKeys(t *testing.T) {
	_, club := fanclub(t)
	for _, tc := range []struct{ json, want string }{
		{"{\"posts\": 1,\n \"posts\": 2}", `member JSON: duplicate key "posts" at line 2, column 2`},
		{`{"@history": {"post": [], "post": []}}`, `member JSON: duplicate key "post" in "@history" at line 1, column 27`},
	} {
		_, err := club.MemberJSON([]byte(tc.json))
		if err == nil || err.Error() != tc.want {
			t.Errorf("MemberJSON(%s): error %v, want %q", tc.json, err, tc.want)
		}
	}
	if _, err := club.MemberJSON([]byte(`{"posts": 1, "reputation": 2}`)); err != nil {
		t.Errorf("no duplicate: %v", err)
	}
}

type fan struct {
	Posts      int     `charter:"posts"`
	Reputation float64 `charter:"reputation"`
	Name       string  // untagged: ignored
}

func TestMemberFromStruct(t *testing.T) {
	_, club := fanclub(t)
	m, err := club.MemberFromStruct(fan{Posts: 7, Reputation: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := club.Role(m, t0); got != "creator" {
		t.Errorf("role = %s", got)
	}
	type bad struct {
		X int `charter:"nope"`
	}
	if _, err := club.MemberFromStruct(bad{}); err == nil {
		t.Error("unknown tag accepted")
	}
}

func TestStateTransferAndRoles(t *testing.T) {
	_, club := fanclub(t)
	st := runtime.NewState(club)
	ctx := context.Background()
	if err := st.Join("alice", member(t, club, map[string]any{"reputation": 10.0})); err != nil {
		t.Fatal(err)
	}
	if err := st.Join("bob", member(t, club, nil)); err != nil {
		t.Fatal(err)
	}
	res, err := st.Apply(ctx, "alice", "tip", runtime.Args{"to": "bob", "amount": 4}, t0)
	if err != nil || !res.Applied {
		t.Fatalf("tip: %v %+v", err, res)
	}
	a, _ := st.Member("alice")
	b, _ := st.Member("bob")
	if ra, _ := club.Get(a, "reputation"); ra != 6.0 {
		t.Errorf("alice reputation = %v", ra)
	}
	if rb, _ := club.Get(b, "reputation"); rb != 5.0 {
		t.Errorf("bob reputation = %v", rb)
	}
	if _, err := st.Apply(ctx, "alice", "tip", runtime.Args{"to": "carol", "amount": 1}, t0); err == nil {
		t.Error("tip to an unknown member applied")
	}
	// Roles move as effects accumulate.
	if _, err := st.Apply(ctx, "alice", "introduce", runtime.Args{}, t0); err != nil {
		t.Fatal(err)
	}
	var changes []string
	for i := 0; i < 5; i++ {
		res, err := st.Apply(ctx, "alice", "post", runtime.Args{"length": 10, "topic": "x"}, t0.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Applied && i < 3 {
			t.Fatalf("post %d denied: %v", i, res.Decision)
		}
		for _, c := range res.Changes {
			changes = append(changes, c.String())
		}
	}
	if got := strings.Join(changes, ", "); got != "alice: onlooker → participant" {
		t.Errorf("changes = %q", got)
	}
}

func TestDunbarStopsInvitations(t *testing.T) {
	_, club := fanclub(t)
	st := runtime.NewState(club)
	creator := member(t, club, map[string]any{"posts": 10})
	for i := 0; i < 150; i++ {
		if err := st.Join(fmt.Sprint("m", i), creator); err != nil {
			t.Fatal(err)
		}
	}
	d, err := st.Decide("m0", "invite", runtime.Args{"guest": "x"}, t0)
	if err != nil || !d.Allowed {
		t.Fatalf("150 members: %v %v", d, err)
	}
	if err := st.Join("m150", creator); err != nil {
		t.Fatal(err)
	}
	d, _ = st.Decide("m0", "invite", runtime.Args{"guest": "x"}, t0)
	if d.Allowed || !strings.Contains(d.Reasons()[0], "Dunbar") {
		t.Fatalf("151 members: %v", d)
	}
	if err := st.Leave("m150"); err != nil {
		t.Fatal(err)
	}
	if d, _ = st.Decide("m0", "invite", runtime.Args{"guest": "x"}, t0); !d.Allowed {
		t.Fatalf("back to 150: %v", d)
	}
}

func TestNudgesOnlyWhileVoicesUnmet(t *testing.T) {
	_, club := fanclub(t)
	creator := member(t, club, map[string]any{"posts": 10})
	leader := member(t, club, map[string]any{"followers": 600, "reputation": 60.0})
	nudge := "Host a topic this week: the group needs more voices"
	has := func(goals []runtime.GoalValue, m *runtime.Member) bool {
		for _, msg := range club.Messages(m, t0, goals) {
			if msg.Text == nudge {
				return true
			}
		}
		return false
	}
	unmet := club.Goals([]*runtime.Member{creator, leader}, t0)
	if !has(unmet, creator) {
		t.Error("creator not nudged while voices unmet")
	}
	if has(unmet, leader) {
		t.Error("non-creator nudged")
	}
	met := club.Goals([]*runtime.Member{creator, leader, leader}, t0)
	if has(met, creator) {
		t.Error("creator nudged while voices met")
	}
}

func TestGoals(t *testing.T) {
	_, club := fanclub(t)
	ms := []*runtime.Member{
		member(t, club, nil),
		member(t, club, map[string]any{"comments": 1}),
		member(t, club, map[string]any{"posts": 5}),
		member(t, club, map[string]any{"followers": 600, "reputation": 60.0}),
	}
	gs := club.Goals(ms, t0)
	want := map[string]struct {
		value float64
		met   bool
	}{"engagement": {0.5, true}, "voices": {1, false}, "size": {4, true}}
	for _, g := range gs {
		w := want[g.Name]
		if g.Value != w.value || g.Met != w.met {
			t.Errorf("%s = %v met %v, want %v met %v", g.Name, g.Value, g.Met, w.value, w.met)
		}
	}
}

func TestAdmit(t *testing.T) {
	prog, club := fanclub(t)
	wa := prog.Community("WritingAdvisors")
	if wa.Admit(member(t, club, map[string]any{"posts": 19}), t0) {
		t.Error("19 posts admitted")
	}
	if !wa.Admit(member(t, club, map[string]any{"posts": 20}), t0) {
		t.Error("20 posts not admitted")
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	_, club := fanclub(t)
	st := runtime.NewState(club)
	ctx := context.Background()
	_ = st.Join("alice", member(t, club, map[string]any{"reputation": 3.0, "last_seen": "2025-12-24T10:00:00Z"}))
	_ = st.Join("bob", member(t, club, nil))
	_, _ = st.Apply(ctx, "alice", "introduce", runtime.Args{}, t0)
	_, _ = st.Apply(ctx, "alice", "post", runtime.Args{"length": 3, "topic": "t"}, t0)
	data, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := runtime.Restore(club, snap)
	if err != nil {
		t.Fatal(err)
	}
	data2, _ := st2.MarshalJSON()
	if string(data) != string(data2) {
		t.Errorf("round trip differs:\n%s\n%s", data, data2)
	}
	g1, g2 := fmt.Sprint(st.Goals(t0)), fmt.Sprint(st2.Goals(t0))
	if g1 != g2 {
		t.Errorf("goals differ: %s vs %s", g1, g2)
	}
}

// TestGoalRulesNeedASnapshot: without a goal snapshot, rules that read goals
// (under when, or in their condition) are inactive; with one they apply.
func TestGoalRulesNeedASnapshot(t *testing.T) {
	prog, err := runtime.CompileSource("g.charter", []byte(`community G {
  member { n: int }
  action post()
  may post
  must not post if !size.met because "full"
  goal size { measure members; target <= 1 }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("G")
	m := member(t, c, nil)
	k, err := c.Call("post", nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.DecideCall(m, k, t0, nil); !d.Allowed {
		t.Errorf("without a snapshot: %v", d)
	}
	full := c.Goals([]*runtime.Member{m, m}, t0)
	if d := c.DecideCall(m, k, t0, full); d.Allowed || d.Reasons()[0] != "full" {
		t.Errorf("with a snapshot of 2 members: %v", d)
	}
	if _, trace := c.Explain(m, k, t0, nil); len(trace) == 0 || !strings.Contains(trace[0].What, "no goal snapshot") {
		t.Errorf("trace = %+v", trace)
	}
}

func TestGoalsParallelEqualsGoals(t *testing.T) {
	_, club := fanclub(t)
	ms := genMembers(t, club, 5000)
	want := club.Goals(ms, t0)
	for _, parts := range []int{1, 2, 3, 7, 10000} {
		got := club.GoalsParallel(ms, t0, parts)
		for i := range want {
			if math.Abs(got[i].Value-want[i].Value) > 1e-9 || got[i].Met != want[i].Met {
				t.Errorf("parts %d: %s = %v, want %v", parts, want[i].Name, got[i].Value, want[i].Value)
			}
		}
	}
	if got := club.GoalsParallel(nil, t0, 4); got[2].Value != 0 {
		t.Errorf("no members: %+v", got)
	}
}

func TestFillFromStructAndCallSetters(t *testing.T) {
	_, club := fanclub(t)
	m, err := club.MemberFromStruct(fan{Posts: 7, Reputation: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := club.Did(m, "introduce", t0); err != nil {
		t.Fatal(err)
	}
	if err := club.FillFromStruct(m, &fan{Posts: 0, Reputation: 1}); err != nil {
		t.Fatal(err)
	}
	if got := club.Role(m, t0); got != "onlooker" {
		t.Errorf("role after refill = %s", got)
	}
	k, err := club.Call("post", runtime.Args{"length": 1, "topic": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if d := club.DecideCall(m, k, t0, nil); d.Allowed {
		t.Errorf("refill kept the history: %v", d)
	}
	if err := k.SetInt("length", 6000); err != nil {
		t.Fatal(err)
	}
	if d := club.DecideCall(m, k, t0, nil); len(d.Rules) != 2 {
		t.Errorf("length 6000 should add the cap denial: %v", d)
	}
	for _, err := range []error{k.SetInt("topic", 1), k.SetString("nope", "x"), k.SetFloat("length", math.NaN())} {
		if err == nil {
			t.Error("a bad setter call succeeded")
		}
	}
	if err := club.FillFromStruct(m, 3); err == nil {
		t.Error("FillFromStruct(3) succeeded")
	}
	src := &fan{Posts: 3, Reputation: 2}
	allocs := testing.AllocsPerRun(100, func() {
		_ = club.FillFromStruct(m, src)
		_ = k.SetInt("length", 10)
		club.DecideCall(m, k, t0, nil)
	})
	// Decisions take their Env from a sync.Pool, which -race empties at
	// random (see raceEnabled).
	if allocs != 0 && !raceEnabled {
		t.Errorf("refill + set + decide: %v allocs, want 0", allocs)
	}
	if err := club.FillFromStruct(m, &fan{Reputation: math.Inf(1)}); err == nil {
		t.Error("an infinite reputation was stored")
	}
}

func TestCost(t *testing.T) {
	prog, err := runtime.CompileSource("c.charter", []byte(`community C {
  member { tags: []string; n: int }
  action a(tag: string)
  action b()
  roles {
    top if n > 10
    low otherwise
  }
  may a if tag in tags
  may b if role >= top
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("C")
	ca, err := c.Cost("a")
	if err != nil {
		t.Fatal(err)
	}
	cb, err := c.Cost("b")
	if err != nil {
		t.Fatal(err)
	}
	if ca < 65536 || ca > 65536+10 {
		t.Errorf("cost of a = %d, want a list scan (65,536) plus a few nodes", ca)
	}
	if cb < 4 || cb > 20 {
		t.Errorf("cost of b = %d, want the rule and the ladder's few nodes", cb)
	}
	if _, err := c.Cost("nope"); err == nil {
		t.Error("cost of an unknown action")
	}
}

func TestHostValuesAreBounded(t *testing.T) {
	prog, err := runtime.CompileSource("c.charter", []byte("community C {\n  member { tags: []string; s: string }\n  action a()\n  may a if \"x\" in tags && s != \"\"\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("C")
	if _, err := c.Member(map[string]any{"tags": make([]any, 65537)}); err == nil || !strings.Contains(err.Error(), "at most 65536") {
		t.Errorf("a list of 65,537 elements: %v", err)
	}
	if _, err := c.Member(map[string]any{"s": strings.Repeat("x", 1<<20+1)}); err == nil {
		t.Error("a string over 1 MiB was accepted")
	}
}

// TestRoleCache: a member's role is cached only while it cannot change:
// refilling the member or changing it in a state forgets it, and a ladder
// that reads the time is never cached.
func TestRoleCache(t *testing.T) {
	_, club := fanclub(t)
	m, _ := club.MemberFromStruct(fan{Posts: 0})
	if got := club.Role(m, t0); got != "onlooker" {
		t.Fatalf("role = %s", got)
	}
	if err := club.FillFromStruct(m, &fan{Posts: 7}); err != nil {
		t.Fatal(err)
	}
	if got := club.Role(m, t0); got != "creator" {
		t.Errorf("after refill role = %s, want creator", got)
	}
	st := runtime.NewState(club)
	_ = st.Join("a", member(t, club, map[string]any{"posts": 4}))
	a, _ := st.Member("a")
	_ = club.Role(a, t0)
	if _, err := st.Apply(context.Background(), "a", "introduce", nil, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), "a", "post", runtime.Args{"length": 1, "topic": "t"}, t0); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.Decide("a", "invite", runtime.Args{"guest": "g"}, t0); !d.Allowed {
		t.Errorf("after the fifth post a is a creator and may invite: %v", d)
	}
	prog, err := runtime.CompileSource("t.charter", []byte(`community T {
  member { seen: time }
  roles {
    fresh if days_since(seen) < 7
    stale otherwise
  }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("T")
	tm := member(t, c, map[string]any{"seen": t0})
	if got := c.Role(tm, t0); got != "fresh" {
		t.Errorf("role at t0 = %s", got)
	}
	if got := c.Role(tm, t0.Add(30*24*time.Hour)); got != "stale" {
		t.Errorf("role 30 days later = %s, want stale (a time-dependent ladder is not cached)", got)
	}
}

// TestFillFromStructPaths checks that every way a struct reaches
// FillFromStruct (by pointer, read straight from memory; by value, through
// reflection; binding every attribute or only some) stores what Member
// stores for the same values, and that unbound attributes return to their
// defaults after a refill.
func TestFillFromStructPaths(t *testing.T) {
	prog, err := runtime.CompileSource("kinds.charter", []byte(`community Kinds {
  default allow
  member {
    n:     int = 5
    i64:   int
    x:     float = 0.5
    ok:    bool
    name:  string = "anon"
    seen:  time
    every: duration = 1h
  }
  action act()
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Kinds")
	type all struct {
		N     int           `charter:"n"`
		I64   int64         `charter:"i64"`
		X     float64       `charter:"x"`
		OK    bool          `charter:"ok"`
		Name  string        `charter:"name"`
		Seen  time.Time     `charter:"seen"`
		Every time.Duration `charter:"every"`
	}
	type some struct {
		N    int       `charter:"n"`
		Seen time.Time `charter:"seen"`
	}
	// Integer fields in the reverse of the record's order, and a run of
	// two (I64, N) after a field that breaks it: fill copies runs of
	// words that are adjacent in both, and must not join these.
	type reversed struct {
		Every time.Duration `charter:"every"`
		Seen  time.Time     `charter:"seen"`
		I64   int64         `charter:"i64"`
		N     int           `charter:"n"`
		OK    bool          `charter:"ok"`
		Name  string        `charter:"name"`
		X     float64       `charter:"x"`
	}
	rev := reversed{Every: time.Second, Seen: t0, I64: -7, N: 11, OK: true, Name: "r", X: 1.5}
	wantRev := map[string]any{"n": 11, "i64": int64(-7), "x": 1.5, "ok": true, "name": "r", "seen": t0, "every": time.Second}
	full := all{N: -3, I64: 1 << 40, X: 2.25, OK: true, Name: "zoë", Seen: t0, Every: 90 * time.Minute}
	wantFull := map[string]any{"n": -3, "i64": int64(1 << 40), "x": 2.25, "ok": true, "name": "zoë", "seen": t0, "every": 90 * time.Minute}
	part := some{N: 9, Seen: t0.Add(time.Hour)}
	wantPart := map[string]any{"n": 9, "seen": t0.Add(time.Hour)}
	m, err := c.Member(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		src  any
		want map[string]any
	}{
		{"all by pointer", &full, wantFull},
		{"some by pointer", &part, wantPart},
		{"all by value", full, wantFull},
		{"some by value", part, wantPart},
		{"all by pointer again", &full, wantFull},
		{"reversed by pointer", &rev, wantRev},
		{"reversed by value", rev, wantRev},
	} {
		if err := c.FillFromStruct(m, tc.src); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want, err := c.Member(tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.Values(want), c.Values(m)); diff != "" {
			t.Errorf("%s: values differ (-want +got):\n%s", tc.name, diff)
		}
	}
	// A time outside Charter's range is refused with the same error on
	// both paths, and the member is left with the defaults.
	far := all{Seen: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}
	errPtr, errVal := c.FillFromStruct(m, &far), c.FillFromStruct(m, far)
	if errPtr == nil || errVal == nil {
		t.Fatalf("a time in 3000 was stored: %v, %v", errPtr, errVal)
	}
	if errPtr.Error() != errVal.Error() || !strings.Contains(errPtr.Error(), "seen") {
		t.Errorf("errors differ or do not name the attribute:\n  by pointer: %v\n  by value:   %v", errPtr, errVal)
	}
	defaults, _ := c.Member(nil)
	if diff := cmp.Diff(c.Values(defaults), c.Values(m)); diff != "" {
		t.Errorf("after a failed fill (-defaults +got):\n%s", diff)
	}
}

// TestCallFromAnotherCommunity checks that a call prepared by one
// community and decided by another is decided by the other's rules (a
// parent's call asked of a child), and that a call the other cannot take
// is denied, or refused by ApplyCall, with the reason.
func TestCallFromAnotherCommunity(t *testing.T) {
	prog, err := runtime.CompileSource("two.charter", []byte(`community Parent {
  member { n: int }
  action post(length: int)
  may post if length < 10
}

community Child extends Parent {
  must not post if length > 5 because "child cap"
}

community Other {
  member { n: int }
  action wave()
  may wave
}
`))
	if err != nil {
		t.Fatal(err)
	}
	parent, child, other := prog.Community("Parent"), prog.Community("Child"), prog.Community("Other")
	k, err := parent.Call("post", runtime.Args{"length": 7})
	if err != nil {
		t.Fatal(err)
	}
	pm, err := parent.Member(nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := parent.DecideCall(pm, k, t0, nil); !d.Allowed {
		t.Fatalf("parent denies its own call: %v", d)
	}
	cm, err := child.Member(nil)
	if err != nil {
		t.Fatal(err)
	}
	d1 := child.DecideCall(cm, k, t0, nil)
	d2 := child.NewScratch().DecideCall(cm, k, t0, nil)
	d3, _ := child.Explain(cm, k, t0, nil)
	for _, d := range []runtime.Decision{d1, d2, d3} {
		if d.Allowed || len(d.Rules) != 1 || d.Rules[0].Reason != "child cap" {
			t.Errorf("child deciding the parent's call: %v, want denied by the child's cap", d)
		}
	}
	om, err := other.Member(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := other.DecideCall(om, k, t0, nil)
	if d.Allowed || len(d.Rules) != 1 || !strings.Contains(d.Rules[0].Reason, "post is not an action of Other") {
		t.Errorf("Other deciding post: %v, want denied with the reason", d)
	}
	st := runtime.NewState(other)
	if err := st.Join("o", om); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyCall(context.Background(), "o", k, t0); err == nil || !strings.Contains(err.Error(), "post is not an action of Other") {
		t.Errorf("ApplyCall of another community's call: %v", err)
	}
}

// TestDecideFirstOnly checks an action whose one rule besides its may is
// a first: no other rule reads the time, yet the first does (an earlier
// action counts only when taken by the question's time), so Decide,
// DecideCall, Scratch and Explain must all see that time.
func TestDecideFirstOnly(t *testing.T) {
	src := "community C {\n  member { x: int }\n  action intro()\n  action post()\n  may intro\n  may post\n  first intro then post because \"intro first\"\n}\n"
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("C")
	m := member(t, c, map[string]any{"@history": map[string]any{"intro": []any{t0.Add(-time.Hour).Format(time.RFC3339)}}})
	k, err := c.Call("post", runtime.Args{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at    time.Time
		allow bool
	}{{t0, true}, {t0.Add(-2 * time.Hour), false}} {
		d, err := c.Decide(m, "post", runtime.Args{}, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		d2 := c.DecideCall(m, k, tc.at, nil)
		d3 := c.NewScratch().DecideCall(m, k, tc.at, nil)
		d4, _ := c.Explain(m, k, tc.at, nil)
		for i, got := range []runtime.Decision{d, d2, d3, d4} {
			if got.Allowed != tc.allow {
				t.Errorf("at %v: decision %d (Decide, DecideCall, Scratch, Explain) allowed = %v, want %v", tc.at, i, got.Allowed, tc.allow)
			}
		}
	}
}

// TestDecideManyDenials checks that every denying rule is listed, in
// declaration order, both for an action with few rules and for one with
// more than 64 denying rules (decided by the slower path), and that
// Decide, Scratch, State.Decide and Explain agree with DecideCall on both.
func TestDecideManyDenials(t *testing.T) {
	for _, n := range []int{3, 70} {
		var src strings.Builder
		src.WriteString("community C {\n  member { x: int }\n  action act(n: int)\n  may act\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&src, "  must not act if n == %d || x == %d because \"r%d\"\n", i, i+1000, i)
		}
		src.WriteString("}\n")
		prog, err := runtime.CompileSource("c.charter", []byte(src.String()))
		if err != nil {
			t.Fatal(err)
		}
		c := prog.Community("C")
		// n == 1 denies by rule 1; x == 1000+last denies by the last rule.
		m := member(t, c, map[string]any{"x": 1000 + n - 1})
		k, err := c.Call("act", runtime.Args{"n": 1})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"r1", fmt.Sprintf("r%d", n-1)}
		d := c.DecideCall(m, k, t0, nil)
		if d.Allowed || !slices.Equal(d.Reasons(), want) {
			t.Errorf("%d rules: DecideCall = %v %v, want denied by %v", n, d.Allowed, d.Reasons(), want)
		}
		if d2 := c.NewScratch().DecideCall(m, k, t0, nil); !slices.Equal(d2.Reasons(), want) {
			t.Errorf("%d rules: Scratch.DecideCall = %v, want %v", n, d2.Reasons(), want)
		}
		if d3, _ := c.Explain(m, k, t0, nil); !slices.Equal(d3.Reasons(), want) {
			t.Errorf("%d rules: Explain = %v, want %v", n, d3.Reasons(), want)
		}
		if d4, err := c.Decide(m, "act", runtime.Args{"n": 1}, t0); err != nil || !slices.Equal(d4.Reasons(), want) {
			t.Errorf("%d rules: Decide = %v (%v), want %v", n, d4.Reasons(), err, want)
		}
		st := runtime.NewState(c)
		if err := st.Join("a", m); err != nil {
			t.Fatal(err)
		}
		if d5, err := st.Decide("a", "act", runtime.Args{"n": 1}, t0); err != nil || !slices.Equal(d5.Reasons(), want) {
			t.Errorf("%d rules: State.Decide = %v (%v), want %v", n, d5.Reasons(), err, want)
		}
		k0, _ := c.Call("act", runtime.Args{"n": -1})
		if d := c.DecideCall(member(t, c, nil), k0, t0, nil); !d.Allowed || d.ByDefault {
			t.Errorf("%d rules: no rule holds: %+v, want allowed by the may", n, d)
		}
	}
}

// TestFillFromStructComplete checks FillFromStruct's one-pass path, a
// pointer to a struct binding every attribute: the values, the emptied
// history and forgotten role, and the errors, after which m has defaults.
func TestFillFromStructComplete(t *testing.T) {
	_, club := fanclub(t)
	type full = fanRecord
	m := member(t, club, map[string]any{"posts": 60, "followers": 200, "@history": map[string]any{"introduce": []any{"2025-12-01T00:00:00Z"}}})
	if r := club.Role(m, t0); r != "leader" {
		t.Fatalf("role before refill = %s, want leader", r)
	}
	src := &full{Posts: 7, Comments: 3, Saves: 1, Followers: 40, Reputation: 2.5, Introduced: true, LastSeen: t0}
	if err := club.FillFromStruct(m, src); err != nil {
		t.Fatal(err)
	}
	// demotions is kept by the state for FanClub's demote sanction: a
	// struct without it fills it with 0.
	want := map[string]any{"posts": int64(7), "comments": int64(3), "saves": int64(1), "followers": int64(40), "reputation": 2.5, "introduced": true, "last_seen": t0, "demotions": int64(0)}
	if got := club.Values(m); !cmp.Equal(got, want) {
		t.Errorf("values after refill: %s", cmp.Diff(want, got))
	}
	if r := club.Role(m, t0); r != "creator" {
		t.Errorf("role after refill = %s, want creator (the cached leader forgotten)", r)
	}
	k, err := club.Call("post", runtime.Args{"length": 10, "topic": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if d := club.DecideCall(m, k, t0, nil); d.Allowed {
		t.Errorf("post allowed after refill: the history was not emptied (first introduce)")
	}
	// Kept times go with the bits: three posts today reach the
	// newcomers' limit, and a refill forgets them as well.
	newcomer := &full{Comments: 1}
	if err := club.FillFromStruct(m, newcomer); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"introduce", "post", "post", "post"} {
		if err := club.Did(m, a, t0.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if d := club.DecideCall(m, k, t0, nil); d.Allowed {
		t.Fatalf("a fourth post today allowed: %v", d)
	}
	if err := club.FillFromStruct(m, newcomer); err != nil {
		t.Fatal(err)
	}
	if err := club.Did(m, "introduce", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if d := club.DecideCall(m, k, t0, nil); !d.Allowed {
		t.Errorf("after a refill and an introduction, post denied: the kept times were not emptied: %v", d)
	}
	nm, err := club.MemberFromStruct(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := club.Values(nm); !cmp.Equal(got, want) {
		t.Errorf("MemberFromStruct: %s", cmp.Diff(want, got))
	}
	if d := club.DecideCall(nm, k, t0, nil); d.Allowed {
		t.Errorf("post allowed for a new member: its history is not empty")
	}
	for _, bad := range []*full{{Reputation: math.NaN()}, {LastSeen: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}} {
		if _, err := club.MemberFromStruct(bad); err == nil {
			t.Errorf("MemberFromStruct(%+v) succeeded", *bad)
		}
		bad.Posts = 9
		if err := club.FillFromStruct(m, bad); err == nil {
			t.Errorf("FillFromStruct(%+v) succeeded", *bad)
		}
		if got, _ := club.Get(m, "posts"); got != int64(0) {
			t.Errorf("after an error posts = %v, want the default 0", got)
		}
	}
}

// TestFillFromStructLongRun fills a struct whose six int fields are
// adjacent in both the struct and the record, and one whose order differs
// partway: fill copies adjacent words in runs of at most four, and must
// split and end them where the two orders part.
func TestFillFromStructLongRun(t *testing.T) {
	prog, err := runtime.CompileSource("six.charter", []byte(`community Six {
  default allow
  member { a: int; b: int; c: int; d: int; e: int; f: int }
  action act()
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Six")
	type inOrder struct {
		A int `charter:"a"`
		B int `charter:"b"`
		C int `charter:"c"`
		D int `charter:"d"`
		E int `charter:"e"`
		F int `charter:"f"`
	}
	type swapped struct {
		A int `charter:"a"`
		B int `charter:"b"`
		D int `charter:"d"`
		C int `charter:"c"`
		E int `charter:"e"`
		F int `charter:"f"`
	}
	want := map[string]any{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}
	for _, src := range []any{&inOrder{1, 2, 3, 4, 5, 6}, &swapped{A: 1, B: 2, C: 3, D: 4, E: 5, F: 6}} {
		m, err := c.MemberFromStruct(src)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := c.Member(want)
		if diff := cmp.Diff(c.Values(w), c.Values(m)); diff != "" {
			t.Errorf("%T: MemberFromStruct (-want +got):\n%s", src, diff)
		}
		if err := c.FillFromStruct(m, src); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.Values(w), c.Values(m)); diff != "" {
			t.Errorf("%T: FillFromStruct (-want +got):\n%s", src, diff)
		}
	}
}
