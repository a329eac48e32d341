package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

// sanctionSrc has a rule for each sanction the state carries out, and
// duties with sanctions for reviews.
const sanctionSrc = `community Forum {
  member { posts: int }
  action post(links: int)
  action visit()
  action report()
  roles {
    regular if posts >= 10
    newcomer otherwise
  }
  may post, visit, report
  must not post if links > 5 because "Spam" else warn
  must not post if links > 5 && warnings >= 2 because "Third strike" else mute 1d
  must not post if links > 50 because "Flood" else remove 30d
  must not report if posts < 0 else remove
  must not visit if posts == 7 else review
  must visit 1 per 7d if role == regular because "Regulars visit weekly" else warn
  must report 1 per 1d if role == regular else mute 2h
  on post { posts += 1 }
  goal warned { measure count(warnings > 0); target <= 0 }
}
`

func sanctionForum(t *testing.T) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileSource("forum.charter", []byte(sanctionSrc))
	if err != nil {
		t.Fatal(err)
	}
	return prog.Community("Forum")
}

func join(t *testing.T, st *runtime.State, c *runtime.Community, id string, v map[string]any) {
	t.Helper()
	m, err := c.Member(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Join(id, m); err != nil {
		t.Fatal(err)
	}
}

func names(scs []runtime.Sanctioned) []string {
	var out []string
	for _, sc := range scs {
		out = append(out, sc.Member+":"+sc.Sanction.String())
	}
	return out
}

func TestMuteByApply(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "ann", map[string]any{"warnings": 2})
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

	// Asking changes nothing: neither Community.Decide nor State.Decide
	// applies the sanctions it reports.
	d, err := st.Decide("ann", "post", runtime.Args{"links": 6}, at)
	if err != nil || d.Allowed || len(d.Sanctions()) != 2 {
		t.Fatalf("State.Decide = %v, %v", d, err)
	}
	ev := st.Events()
	res, err := st.Apply(ctx, "ann", "post", runtime.Args{"links": 6}, at)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied || strings.Join(names(res.Sanctions), " ") != "ann:warn ann:mute 1d" {
		t.Fatalf("Apply = %+v", res)
	}
	if res.Seq != ev+1 || st.Events() != ev+1 {
		t.Errorf("Seq %d, Events %d; want %d", res.Seq, st.Events(), ev+1)
	}
	if until := res.Sanctions[1].Until; !until.Equal(at.Add(24 * time.Hour)) {
		t.Errorf("mute until %v", until)
	}
	m, _ := st.Member("ann")
	if got, _ := c.Get(m, "warnings"); got != int64(3) {
		t.Errorf("warnings = %v, want 3", got)
	}
	if got, _ := c.Get(m, "warned_at"); !got.(time.Time).Equal(at) {
		t.Errorf("warned_at = %v", got)
	}
	if g := st.Goals(at)[0]; g.Value != 1 {
		t.Errorf("goal warned = %v, want 1", g.Value)
	}

	// Muted: every action is denied by the mute, in Apply and Decide, with
	// no new sanction; the plain community decides as before.
	for _, when := range []time.Time{at, at.Add(time.Hour), at.Add(24*time.Hour - 1)} {
		for _, call := range []struct {
			action string
			args   runtime.Args
		}{{"post", runtime.Args{"links": 6}}, {"visit", nil}, {"report", nil}} {
			res, err := st.Apply(ctx, "ann", call.action, call.args, when)
			if err != nil {
				t.Fatal(err)
			}
			want := "muted until 2026-03-02T09:00:00Z: Third strike"
			if res.Applied || len(res.Sanctions) != 0 || res.Seq != 0 || len(res.Decision.Rules) != 1 || res.Decision.Reasons()[0] != want {
				t.Fatalf("%s at %v while muted: %+v", call.action, when, res)
			}
			if l := res.Decision.Rules[0].Label; !strings.HasPrefix(l, "mute 1d by must not post (forum.charter:12:3)") {
				t.Errorf("label %q", l)
			}
			d, _ := st.Decide("ann", call.action, call.args, when)
			if d.Allowed || d.Reasons()[0] != want {
				t.Errorf("State.Decide while muted: %v", d)
			}
		}
	}
	pm, _ := st.Member("ann")
	if d, _ := c.Decide(pm, "visit", nil, at); !d.Allowed {
		t.Errorf("Community.Decide on the plain member: %v, want allowed", d)
	}
	if got := names(st.Sanctions("ann", at.Add(time.Hour))); len(got) != 1 || got[0] != "ann:mute 1d" {
		t.Errorf("Sanctions = %v", got)
	}
	// The mute lifts by time alone; an action dated before it is not muted.
	if res, _ := st.Apply(ctx, "ann", "visit", nil, at.Add(24*time.Hour)); !res.Applied {
		t.Errorf("after the mute: %+v", res)
	}
	if res, _ := st.Apply(ctx, "ann", "report", nil, at.Add(-time.Hour)); !res.Applied {
		t.Errorf("before the mute: %+v", res)
	}
	if got := st.Sanctions("ann", at.Add(24*time.Hour)); len(got) != 0 {
		t.Errorf("Sanctions after the mute = %v", got)
	}
}

func TestSanctionReported(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	join(t, st, c, "bob", map[string]any{"posts": 7})
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	res, err := st.Apply(context.Background(), "bob", "visit", nil, at)
	if err != nil || len(res.Sanctions) != 1 || res.Sanctions[0].Sanction.Name != "review" || res.Sanctions[0].Reason != "must not visit" {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	if got := st.Sanctions("bob", at); len(got) != 0 {
		t.Errorf("a reported sanction holds nothing: %v", got)
	}
}

func TestRemove(t *testing.T) {
	c := sanctionForum(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := now
	st := runtime.NewState(c, runtime.Clock(func() time.Time { return clock }))
	ctx := context.Background()
	join(t, st, c, "cat", nil)
	join(t, st, c, "dan", map[string]any{"posts": -1})
	res, err := st.Apply(ctx, "cat", "post", runtime.Args{"links": 60}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(res.Sanctions), " "); got != "cat:warn cat:remove 30d" {
		t.Fatalf("sanctions %s", got)
	}
	if _, ok := st.Member("cat"); ok || st.Len() != 1 {
		t.Fatalf("cat is still a member")
	}
	if got := st.Sanctions("cat", now); len(got) != 1 || !got[0].Until.Equal(now.Add(30*24*time.Hour)) {
		t.Errorf("Sanctions = %v", got)
	}
	m, _ := c.Member(nil)
	err = st.Join("cat", m)
	if !errors.Is(err, runtime.ErrRemoved) || !strings.Contains(err.Error(), "until 2026-03-31T09:00:00Z") {
		t.Errorf("re-join: %v", err)
	}
	clock = now.Add(30 * 24 * time.Hour)
	if err := st.Join("cat", m); err != nil {
		t.Errorf("re-join after the period: %v", err)
	}
	if got := st.Sanctions("cat", clock); len(got) != 0 {
		t.Errorf("Sanctions after re-joining = %v", got)
	}
	// remove without a period holds for good.
	if res, err := st.Apply(ctx, "dan", "report", nil, now); err != nil || len(res.Sanctions) != 1 {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	clock = now.Add(100 * 365 * 24 * time.Hour)
	if err := st.Join("dan", m); !errors.Is(err, runtime.ErrRemoved) || !strings.Contains(err.Error(), "for good") {
		t.Errorf("re-join: %v", err)
	}
}

func TestReview(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "eve", map[string]any{"posts": 10})
	join(t, st, c, "fay", map[string]any{"posts": 10})
	join(t, st, c, "gus", nil) // owes nothing
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, err := st.Apply(ctx, "fay", "visit", nil, at.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	rev, err := st.Review(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(names(rev.Sanctions), " "); s != "eve:warn eve:mute 2h fay:mute 2h" {
		t.Fatalf("review: %s", s)
	}
	ev := st.Events()
	if rev.Seq != ev {
		t.Errorf("review's Seq %d, want %d", rev.Seq, ev)
	}
	again, err := st.Review(ctx, at)
	if err != nil || len(again.Sanctions) != 0 || again.Seq != 0 || st.Events() != ev {
		t.Fatalf("second review at the same time: %v, %v (events %d, want %d)", again, err, st.Events(), ev)
	}
	// A day later only the daily duty's window is new.
	rev, _ = st.Review(ctx, at.Add(24*time.Hour))
	if s := strings.Join(names(rev.Sanctions), " "); s != "eve:mute 2h fay:mute 2h" {
		t.Errorf("review a day later: %s", s)
	}
	rev, _ = st.Review(ctx, at.Add(7*24*time.Hour))
	if s := strings.Join(names(rev.Sanctions), " "); s != "eve:warn eve:mute 2h fay:warn fay:mute 2h" {
		t.Errorf("review a week later: %s", s)
	}
	m, _ := st.Member("eve")
	if w, _ := c.Get(m, "warnings"); w != int64(2) {
		t.Errorf("eve's warnings = %v", w)
	}
}

func TestMuteJoin(t *testing.T) {
	// A member holds one mute: overlapping mutes join, a shorter one
	// inside a longer one changes nothing.
	c := sanctionForum(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "hal", map[string]any{"posts": 10})
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, err := st.Review(ctx, at); err != nil { // mute 2h from the daily duty
		t.Fatal(err)
	}
	if _, err := st.Review(ctx, at.Add(25*time.Hour)); err != nil { // another, apart from the first
		t.Fatal(err)
	}
	got := st.Sanctions("hal", at.Add(25*time.Hour))
	if len(got) != 1 || !got[0].At.Equal(at.Add(25*time.Hour)) || !got[0].Until.Equal(at.Add(27*time.Hour)) {
		t.Errorf("Sanctions = %v", got)
	}
	if got := st.Sanctions("hal", at.Add(time.Hour)); len(got) != 0 {
		t.Errorf("the earlier mute was replaced by the later one: %v", got)
	}
}

func TestSanctionsSnapshot(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "ann", map[string]any{"warnings": 2})
	join(t, st, c, "eve", map[string]any{"posts": 10})
	join(t, st, c, "cat", nil)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, call := range []struct {
		id   string
		args runtime.Args
	}{{"ann", runtime.Args{"links": 6}}, {"cat", runtime.Args{"links": 60}}} {
		if _, err := st.Apply(ctx, call.id, "post", call.args, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Review(ctx, at); err != nil {
		t.Fatal(err)
	}
	data, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"removed":[{"id":"cat","at":"2026-03-01T09:00:00Z","until":"2026-03-31T09:00:00Z"`,
		`"mute":{"from":"2026-03-01T09:00:00Z","until":"2026-03-02T09:00:00Z","for":"24h0m0s","rule":"must not post (forum.charter:12:3)","reason":"Third strike"}`,
		`"reviewed":[{"duty":"must visit 1 per 1w","at":"2026-03-01T09:00:00Z"},{"duty":"must report 1 per 1d","at":"2026-03-01T09:00:00Z"}]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("snapshot lacks %s:\n%s", want, data)
		}
	}
	snap, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	restored, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := restored.MarshalJSON()
	if string(again) != string(data) {
		t.Errorf("restore(snapshot) differs:\n%s\n%s", data, again)
	}
	// The restored state carries the sanctions out as the first did.
	if res, _ := restored.Apply(ctx, "ann", "visit", nil, at.Add(time.Hour)); res.Applied {
		t.Errorf("the restored mute does not hold: %+v", res)
	}
	if got, _ := restored.Review(ctx, at.Add(time.Hour)); len(got.Sanctions) != 0 {
		t.Errorf("the restored review marks do not hold: %v", got)
	}
	m, _ := c.Member(nil)
	if err := restored.Join("cat", m); !errors.Is(err, runtime.ErrRemoved) {
		t.Errorf("the restored removal does not hold: %v", err)
	}

	// A snapshot from before sanctions restores as it did; sanctions'
	// fields are as strict as the rest.
	old := `{"community":"Forum","events":1,"members":[{"id":"ann","attributes":{"posts":3}}]}`
	if snap, err := runtime.ReadSnapshot([]byte(old)); err != nil {
		t.Errorf("old snapshot: %v", err)
	} else if _, err := runtime.Restore(c, snap); err != nil {
		t.Errorf("old snapshot: %v", err)
	}
	for _, bad := range []struct{ json, want string }{
		{`{"community":"Forum","events":1,"members":[{"id":"ann","attributes":{},"sanctions":{"muted":{}}}]}`, `unknown field "muted"`},
		{`{"community":"Forum","events":1,"members":[],"removed":[{"id":"x","at":"2026-01-01T00:00:00Z","rule":"r","reason":"r","by":1}]}`, `unknown field "by"`},
	} {
		if _, err := runtime.ReadSnapshot([]byte(bad.json)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ReadSnapshot(%s) = %v, want %s", bad.json, err, bad.want)
		}
	}
	for _, bad := range []struct{ json, want string }{
		{`{"community":"Forum","events":1,"members":[{"id":"ann","attributes":{},"sanctions":{"reviewed":[{"duty":"must visit 9 per 1w","at":"2026-01-01T00:00:00Z"}]}}]}`, `no duty "must visit 9 per 1w"`},
		{`{"community":"Forum","events":1,"members":[{"id":"ann","attributes":{},"sanctions":{"mute":{"from":"2026-01-02T00:00:00Z","until":"2026-01-01T00:00:00Z","for":"1h","rule":"r","reason":"r"}}}]}`, `is not after from`},
		{`{"community":"Forum","events":1,"members":[{"id":"ann","attributes":{},"sanctions":{"mute":{"from":"2026-01-01T00:00:00Z","until":"2026-01-02T00:00:00Z","for":"1 day","rule":"r","reason":"r"}}}]}`, `want a positive Go duration`},
		{`{"community":"Forum","events":1,"members":[{"id":"ann","attributes":{}}],"removed":[{"id":"ann","at":"2026-01-01T00:00:00Z","rule":"r","reason":"r"}]}`, `"ann" is also a member`},
		{`{"community":"Forum","events":1,"members":[],"removed":[{"id":"x","at":"2026-01-02T00:00:00Z","until":"2026-01-01T00:00:00Z","rule":"r","reason":"r"}]}`, `until is not after at`},
	} {
		snap, err := runtime.ReadSnapshot([]byte(bad.json))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runtime.Restore(c, snap); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Restore(%s) = %v, want %s", bad.json, err, bad.want)
		}
	}
}

func TestAnyCoversActionsAddedLater(t *testing.T) {
	prog, err := runtime.CompileSource("group.charter", []byte(`community Group {
  member { banned: bool }
  action post(length: int)
  default allow
  must not any if banned because "Banned" else mute 1d
}
community Later extends Group {
  action invite(guest: string)
  action post(length: int, topic: string)
}
`))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, name := range []string{"Group", "Later"} {
		c := prog.Community(name)
		banned, _ := c.Member(map[string]any{"banned": true})
		free, _ := c.Member(nil)
		calls := map[string]runtime.Args{"post": {"length": 1}}
		if name == "Later" {
			calls = map[string]runtime.Args{"post": {"length": 1, "topic": "t"}, "invite": {"guest": "x"}}
		}
		for action, args := range calls {
			d, err := c.Decide(banned, action, args, at)
			if err != nil || d.Allowed || d.Reasons()[0] != "Banned" || d.Rules[0].Label != "must not any (group.charter:5:3)" || d.Sanctions()[0].String() != "mute 1d" {
				t.Errorf("%s: banned %s: %v, %v", name, action, d, err)
			}
			if d, _ := c.Decide(free, action, args, at); !d.Allowed {
				t.Errorf("%s: %s: %v", name, action, d)
			}
		}
	}
}

func TestDemote(t *testing.T) {
	prog, err := runtime.CompileSource("forum.charter", []byte(`community Forum {
  member { posts: int }
  action review_flags()
  action post()
  roles {
    leader   if posts >= 100
    regular  if posts >= 10
    newcomer otherwise
  }
  may review_flags, post
  must not post if posts == 50 else demote
  must review_flags 1 per 7d if role == leader else demote
  goal leaders { measure count(role == leader); target >= 1 }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Forum")
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "lea", map[string]any{"posts": 100})
	join(t, st, c, "new", map[string]any{"posts": 50})
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if g := st.Goals(at)[0]; g.Value != 1 {
		t.Fatalf("leaders = %v", g.Value)
	}
	rev, err := st.Review(ctx, at)
	if err != nil || strings.Join(names(rev.Sanctions), " ") != "lea:demote" {
		t.Fatalf("review: %v, %v", names(rev.Sanctions), err)
	}
	// The review reports the role change its demotion caused, as Apply
	// does for a denial's.
	if len(rev.Changes) != 1 || rev.Changes[0].String() != "lea: leader → regular" || rev.Seq != st.Events() {
		t.Errorf("review's changes %v, seq %d (events %d)", rev.Changes, rev.Seq, st.Events())
	}
	m, _ := st.Member("lea")
	if r := c.Role(m, at); r != "regular" {
		t.Errorf("role after demote = %s, want regular", r)
	}
	if g := st.Goals(at)[0]; g.Value != 0 {
		t.Errorf("leaders after demote = %v, want 0", g.Value)
	}
	// No longer a leader, the member owes no review: a week on changes nothing.
	if got, _ := st.Review(ctx, at.Add(8*24*time.Hour)); len(got.Sanctions) != 0 || len(got.Changes) != 0 {
		t.Errorf("second review: %v %v", names(got.Sanctions), got.Changes)
	}
	// A plain member answers from its record: the same role.
	plain, _ := c.Member(map[string]any{"posts": 100, "demotions": 1})
	if r := c.Role(plain, at); r != "regular" {
		t.Errorf("plain member with demotions 1: %s", r)
	}
	for _, tc := range []struct {
		d    int64
		want string
	}{{0, "leader"}, {2, "newcomer"}, {9, "newcomer"}, {-3, "leader"}} {
		plain, _ := c.Member(map[string]any{"posts": 100, "demotions": tc.d})
		if r := c.Role(plain, at); r != tc.want {
			t.Errorf("demotions %d: %s, want %s", tc.d, r, tc.want)
		}
	}
	// Apply of a denied action demotes too, and reports the role change.
	res, err := st.Apply(ctx, "new", "post", nil, at)
	if err != nil || len(res.Sanctions) != 1 || len(res.Changes) != 1 || res.Changes[0].String() != "new: regular → newcomer" {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	// The host lifts a demotion by lowering demotions.
	if err := st.Update("lea", map[string]any{"demotions": 0}); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Member("lea"); c.Role(m, at) != "leader" {
		t.Errorf("after the host lifts it: %s", c.Role(m, at))
	}
}

// TestFillFromStructKept checks that a host's struct without the
// attributes the state keeps for sanctions refills them with 0: FanClub's
// demote gives it demotions, which fanRecord predates.
func TestFillFromStructKept(t *testing.T) {
	_, club := fanclub(t)
	m := member(t, club, map[string]any{"posts": 60, "followers": 200, "demotions": 2})
	if r := club.Role(m, t0); r != "commenter" {
		t.Fatalf("role with demotions 2 = %s, want commenter", r)
	}
	for i := 0; i < 2; i++ { // the binding is made, then reused
		if err := club.FillFromStruct(m, &fanRecord{Posts: 60, Followers: 200}); err != nil {
			t.Fatal(err)
		}
		if d, _ := club.Get(m, "demotions"); d != int64(0) || club.Role(m, t0) != "leader" {
			t.Errorf("after refill: demotions %v, role %s", d, club.Role(m, t0))
		}
		if err := club.Did(m, "post", t0); err != nil {
			t.Fatal(err)
		}
		m = member(t, club, map[string]any{"demotions": 2})
	}
}

// TestSanctionsConcurrent runs refused actions, reviews, snapshots and
// sanction queries at once; go test -race checks the locking.
func TestSanctionsConcurrent(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	ids := []string{"a", "b", "c", "d"}
	for _, id := range ids {
		join(t, st, c, id, map[string]any{"posts": 10})
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			defer func() { done <- true }()
			for i := 0; i < 50; i++ {
				when := at.Add(time.Duration(i) * time.Hour)
				switch g {
				case 0:
					_, _ = st.Apply(ctx, ids[i%4], "post", runtime.Args{"links": 6 + i%60}, when)
				case 1:
					_, _ = st.Review(ctx, when)
				case 2:
					_ = st.Sanctions(ids[i%4], when)
					_, _ = st.Decide(ids[i%4], "visit", nil, when)
				case 3:
					_ = st.Snapshot()
				}
			}
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

func TestLift(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "ann", map[string]any{"warnings": 2})
	join(t, st, c, "cat", nil)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	_, _ = st.Apply(ctx, "ann", "post", runtime.Args{"links": 6}, at)
	_, _ = st.Apply(ctx, "cat", "post", runtime.Args{"links": 60}, at)
	for _, bad := range [][2]string{{"cat", "mute"}, {"ann", "remove"}, {"ann", "warn"}} {
		if err := st.Lift(bad[0], bad[1]); err == nil {
			t.Errorf("Lift(%s, %s) succeeded", bad[0], bad[1])
		}
	}
	if err := st.Lift("ann", "mute"); err != nil {
		t.Fatal(err)
	}
	if res, _ := st.Apply(ctx, "ann", "visit", nil, at.Add(time.Hour)); !res.Applied {
		t.Errorf("after lifting the mute: %+v", res)
	}
	if err := st.Lift("cat", "remove"); err != nil {
		t.Fatal(err)
	}
	m, _ := c.Member(nil)
	if err := st.Join("cat", m); err != nil {
		t.Errorf("join after lifting the removal: %v", err)
	}
}

func TestDemoteFor(t *testing.T) {
	prog, err := runtime.CompileSource("forum.charter", []byte(`community Forum {
  member { posts: int }
  action review_flags()
  action post(links: int)
  roles {
    leader   if posts >= 100
    regular  if posts >= 10
    newcomer otherwise
  }
  may review_flags, post
  must not post if links > 5 else demote 3d
  must not post if links > 50 else demote
  goal leaders { measure count(role == leader); target >= 1 }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Forum")
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "lea", map[string]any{"posts": 100})
	join(t, st, c, "reg", map[string]any{"posts": 10})
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	roleAt := func(id string, when time.Time) string {
		m, _ := st.Member(id)
		return c.Role(m, when)
	}
	goalsAgree := func(when time.Time) {
		t.Helper()
		var ms []*runtime.Member
		for _, id := range st.IDs() {
			m, _ := st.Member(id)
			ms = append(ms, m)
		}
		if got, want := st.Goals(when)[0].Value, c.Goals(ms, when)[0].Value; got != want {
			t.Errorf("at %v: state goal %v, rescan %v", when, got, want)
		}
	}
	res, err := st.Apply(ctx, "lea", "post", runtime.Args{"links": 6}, at)
	if err != nil || len(res.Sanctions) != 1 || !res.Sanctions[0].Until.Equal(at.Add(3*day)) {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
	goalsAgree(at)
	if r := roleAt("lea", at.Add(3*day-1)); r != "regular" {
		t.Errorf("during the demotion: %s", r)
	}
	goalsAgree(at.Add(3*day - 1))
	if r := roleAt("lea", at.Add(3*day)); r != "leader" {
		t.Errorf("after it lifts: %s", r)
	}
	goalsAgree(at.Add(3 * day))
	// Two in force deepen and last to the later end; one after a lift
	// starts again from one rung.
	_, _ = st.Apply(ctx, "lea", "post", runtime.Args{"links": 6}, at.Add(4*day))
	res, _ = st.Apply(ctx, "lea", "post", runtime.Args{"links": 6}, at.Add(5*day))
	if !res.Sanctions[0].Until.Equal(at.Add(8 * day)) {
		t.Errorf("deepened until %v", res.Sanctions[0].Until)
	}
	if r := roleAt("lea", at.Add(5*day)); r != "newcomer" {
		t.Errorf("two rungs: %s", r)
	}
	goalsAgree(at.Add(5 * day))
	if r := roleAt("lea", at.Add(8*day)); r != "leader" {
		t.Errorf("after both lift: %s", r)
	}
	goalsAgree(at.Add(8 * day))
	_, _ = st.Apply(ctx, "lea", "post", runtime.Args{"links": 6}, at.Add(9*day))
	if m, _ := st.Member("lea"); roleAt("lea", at.Add(9*day)) != "regular" {
		d, _ := c.Get(m, "demotions")
		t.Errorf("after a lift a demote takes one rung: %s (demotions %v)", roleAt("lea", at.Add(9*day)), d)
	}
	// A demote without a period holds for good, and reports no end.
	res, _ = st.Apply(ctx, "reg", "post", runtime.Args{"links": 60}, at)
	if len(res.Sanctions) != 2 || !res.Sanctions[1].Until.IsZero() {
		t.Fatalf("sanctions %v", res.Sanctions)
	}
	if r := roleAt("reg", at.Add(100*365*day)); r != "newcomer" {
		t.Errorf("for good: %s", r)
	}
	goalsAgree(at.Add(100 * 365 * day))
}

// TestSanctionsBetweenMembers: a rule reading another member's role sees
// that member's demotion; JoinAt judges a removal at the join's time.
func TestSanctionsBetweenMembers(t *testing.T) {
	prog, err := runtime.CompileSource("forum.charter", []byte(`community Forum {
  member { posts: int }
  action review(author: member)
  action post(links: int)
  roles {
    leader   if posts >= 100
    newcomer otherwise
  }
  may review, post
  must not review if author.role >= leader because "Leaders are reviewed by staff"
  must not post if links > 5 else demote 1d
  must not post if links > 50 else remove 7d
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Forum")
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "lea", map[string]any{"posts": 100})
	join(t, st, c, "bob", nil)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if d, _ := st.Decide("bob", "review", runtime.Args{"author": "lea"}, at); d.Allowed {
		t.Fatalf("review of a leader allowed")
	}
	if _, err := st.Apply(ctx, "lea", "post", runtime.Args{"links": 6}, at); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.Decide("bob", "review", runtime.Args{"author": "lea"}, at.Add(time.Hour)); !d.Allowed {
		t.Errorf("review of a demoted leader: %v", d)
	}
	if d, _ := st.Decide("bob", "review", runtime.Args{"author": "lea"}, at.Add(24*time.Hour)); d.Allowed {
		t.Errorf("review once the demotion lifted: %v", d)
	}
	if _, err := st.Apply(ctx, "bob", "post", runtime.Args{"links": 60}, at); err != nil {
		t.Fatal(err)
	}
	m, _ := c.Member(nil)
	if err := st.JoinAt("bob", m, at.Add(7*24*time.Hour-1)); !errors.Is(err, runtime.ErrRemoved) {
		t.Errorf("JoinAt before the end: %v", err)
	}
	if err := st.JoinAt("bob", m, at.Add(7*24*time.Hour)); err != nil {
		t.Errorf("JoinAt at the end: %v", err)
	}
}

func TestTwoRemovals(t *testing.T) {
	prog, err := runtime.CompileSource("forum.charter", []byte(`community Forum {
  member { posts: int }
  action post(links: int)
  may post
  must not post if links > 5 else remove 1d
  must not post if links > 50 else remove 30d
  must not post if links > 500 else remove
  must not post if links > 5000 else remove 2d
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Forum")
	st := runtime.NewState(c)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		links int
		until time.Time // zero: for good
	}{{60, at.Add(30 * 24 * time.Hour)}, {6000, time.Time{}}} {
		join(t, st, c, "ann", nil)
		if _, err := st.Apply(context.Background(), "ann", "post", runtime.Args{"links": tc.links}, at); err != nil {
			t.Fatal(err)
		}
		got := st.Sanctions("ann", at)
		if len(got) != 1 || !got[0].Until.Equal(tc.until) {
			t.Errorf("links %d: %v, want until %v", tc.links, got, tc.until)
		}
		if err := st.Lift("ann", "remove"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFillFromStructKeptMany refills a member from a struct that leaves
// out all four attributes a community with warn and a timed demote keeps:
// with the given word, five fixed words, which FillFromStruct's one-step
// path stores two at a time and the rest in a loop. Each must be reset on
// every refill, and has must see the struct's fields as given.
func TestFillFromStructKeptMany(t *testing.T) {
	prog, err := runtime.CompileSource("kept.charter", []byte(`community Kept {
  member { posts: int; score: int }
  action post(links: int)
  roles {
    regular if posts >= 10
    newcomer otherwise
  }
  may post
  must not post if links > 5 else warn
  must not post if links > 50 else demote 7d
  badge scored if has(score)
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Kept")
	type keptRec struct {
		Posts int `charter:"posts"`
		Score int `charter:"score"`
	}
	kept := map[string]any{"warnings": 2, "warned_at": t0, "demotions": 1, "demoted_until": t0.Add(time.Hour)}
	for i := 0; i < 3; i++ { // the binding is made, then reused by the one-step path
		m := member(t, c, map[string]any{"posts": 3, "warnings": 2, "warned_at": t0, "demotions": 1, "demoted_until": t0.Add(time.Hour)})
		if got := c.Badges(m, t0); len(got) != 0 {
			t.Fatalf("score not given: badges %v, want none", got)
		}
		if err := c.FillFromStruct(m, &keptRec{Posts: 12, Score: 4}); err != nil {
			t.Fatal(err)
		}
		for name := range kept {
			v, _ := c.Get(m, name)
			if v != int64(0) && v != time.Unix(0, 0).UTC() {
				t.Errorf("round %d: after refill %s = %v, want its zero", i, name, v)
			}
		}
		if p, _ := c.Get(m, "posts"); p != int64(12) {
			t.Errorf("round %d: posts = %v, want 12", i, p)
		}
		if got := c.Badges(m, t0); len(got) != 1 || got[0] != "scored" {
			t.Errorf("round %d: badges %v, want [scored] (score given by the struct)", i, got)
		}
	}
}

// TestReviewInIDOrder: Review reads the members in the order the state
// keeps them (joins, and a leave moving the last into the gap), and
// applies the sanctions in ID order all the same.
func TestReviewInIDOrder(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	for _, id := range []string{"zed", "amy", "kit", "bob", "max"} {
		join(t, st, c, id, map[string]any{"posts": 10})
	}
	if err := st.Leave("amy"); err != nil { // max moves into amy's place
		t.Fatal(err)
	}
	got, err := st.Review(context.Background(), time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := "bob:warn bob:mute 2h kit:warn kit:mute 2h max:warn max:mute 2h zed:warn zed:mute 2h"
	if s := strings.Join(names(got.Sanctions), " "); s != want {
		t.Errorf("review: %s\nwant %s", s, want)
	}
}

// TestMuteForgotten: once the state's latest event time reaches a mute's
// end the state forgets the mute (SPEC §11.5): it holds at no time, even
// for a question or an action dated inside it, it cannot be lifted, and
// a snapshot leaves it out. Before that it holds, and a snapshot keeps it.
// A state restored from a snapshot taken at any step answers as the state
// it was taken of.
func TestMuteForgotten(t *testing.T) {
	c := sanctionForum(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	join(t, st, c, "ann", map[string]any{"warnings": 2})
	join(t, st, c, "bob", nil)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	inside := at.Add(12 * time.Hour)
	end := at.Add(24 * time.Hour)
	if res, _ := st.Apply(ctx, "ann", "post", runtime.Args{"links": 6}, at); len(res.Sanctions) != 2 {
		t.Fatalf("no mute: %+v", res)
	}
	// answers are the questions a host may ask about ann's mute, at a
	// time inside it and at its end.
	answers := func(s *runtime.State) string {
		var b strings.Builder
		for _, when := range []time.Time{inside, end} {
			d, err := s.Decide("ann", "visit", nil, when)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%v %v %v; ", d.Allowed, d.Reasons(), names(s.Sanctions("ann", when)))
		}
		return b.String()
	}
	same := func(step string, want string) {
		t.Helper()
		if got := answers(st); got != want {
			t.Errorf("%s: %s\nwant %s", step, got, want)
		}
		data, err := st.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		snap, err := runtime.ReadSnapshot(data)
		if err != nil {
			t.Fatal(err)
		}
		restored, err := runtime.Restore(c, snap)
		if err != nil {
			t.Fatal(err)
		}
		if got := answers(restored); got != want {
			t.Errorf("%s: restored from its snapshot: %s\nwant %s", step, got, want)
		}
		if held := strings.Contains(string(data), `"mute":`); held != strings.HasPrefix(want, "false") {
			t.Errorf("%s: snapshot holds a mute: %v\n%s", step, held, data)
		}
	}
	muted := "false [muted until 2026-03-02T09:00:00Z: Third strike] [ann:mute 1d]; true [may visit] []; "
	free := "true [may visit] []; true [may visit] []; "
	same("muted", muted)
	// An event before the end, even by another member, leaves the mute.
	if res, _ := st.Apply(ctx, "bob", "visit", nil, end.Add(-time.Nanosecond)); !res.Applied {
		t.Fatalf("bob's visit: %+v", res)
	}
	same("an event before the end", muted)
	// bob's visit at the end moves the latest event time to it: ann's
	// mute is forgotten, though ann did nothing.
	if res, _ := st.Apply(ctx, "bob", "visit", nil, end); !res.Applied {
		t.Fatalf("bob's visit: %+v", res)
	}
	same("an event at the end", free)
	if res, _ := st.Apply(ctx, "ann", "visit", nil, inside); !res.Applied {
		t.Errorf("an action dated inside the forgotten mute: %+v", res)
	}
	if err := st.Lift("ann", "mute"); !errors.Is(err, runtime.ErrNotHeld) {
		t.Errorf("Lift of a forgotten mute = %v, want ErrNotHeld", err)
	}
	same("after", free)

	// A mute dated so far back that it ends before the latest event is
	// reported, and held at no time; a new mute does not join a
	// forgotten one that it touches.
	res, _ := st.Apply(ctx, "ann", "post", runtime.Args{"links": 6}, at.Add(-24*time.Hour))
	if len(res.Sanctions) != 2 || !res.Sanctions[1].Until.Equal(at) {
		t.Fatalf("a back-dated mute: %+v", res)
	}
	if got := st.Sanctions("ann", at.Add(-time.Hour)); len(got) != 0 {
		t.Errorf("a mute that ended before the latest event holds: %v", got)
	}
	if res, _ := st.Apply(ctx, "ann", "post", runtime.Args{"links": 6}, end); len(res.Sanctions) != 2 {
		t.Fatalf("no mute: %+v", res)
	}
	if got := st.Sanctions("ann", end); len(got) != 1 || !got[0].At.Equal(end) {
		t.Errorf("the new mute = %v, want one from %v", got, end)
	}

	// A snapshot written before mutes were forgotten may hold one that
	// has lifted: it restores without it, and without an error.
	old := `{"community":"Forum","events":3,"latest":"2026-03-05T00:00:00Z","members":[{"id":"ann","attributes":{"warnings":3},` +
		`"sanctions":{"mute":{"from":"2026-03-01T09:00:00Z","until":"2026-03-02T09:00:00Z","for":"24h0m0s","rule":"r","reason":"Third strike"}}}]}`
	snap, err := runtime.ReadSnapshot([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	restored, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	if got := restored.Sanctions("ann", inside); len(got) != 0 {
		t.Errorf("an old snapshot's lifted mute holds: %v", got)
	}
	if data, _ := restored.MarshalJSON(); strings.Contains(string(data), `"mute"`) {
		t.Errorf("an old snapshot's lifted mute is written again: %s", data)
	}
}

// BenchmarkApplyMuted applies an allowed action in a community of 1,000
// members each muted once, an hour apart, every mute long lifted: the cost
// of mutes to an event. The state forgets the lifted mutes (SPEC §11.5),
// so its events cost what they cost in a state that never muted.
func BenchmarkApplyMuted(b *testing.B) {
	prog, err := runtime.CompileSource("forum.charter", []byte(sanctionSrc))
	if err != nil {
		b.Fatal(err)
	}
	c := prog.Community("Forum")
	st := runtime.NewState(c)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		m, _ := c.Member(map[string]any{"warnings": 2})
		id := fmt.Sprint("m", i)
		if err := st.Join(id, m); err != nil {
			b.Fatal(err)
		}
		if res, err := st.Apply(ctx, id, "post", runtime.Args{"links": 6}, at.Add(time.Duration(i)*time.Hour)); err != nil || len(res.Sanctions) != 2 {
			b.Fatal(res, err)
		}
	}
	at = at.Add(2000 * time.Hour)
	args := runtime.Args{"links": 0}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if res, err := st.Apply(ctx, "m7", "post", args, at.Add(time.Duration(i))); err != nil || !res.Applied {
			b.Fatal(res, err)
		}
		i++
	}
}
