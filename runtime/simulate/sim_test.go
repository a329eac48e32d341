package simulate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/simulate"
)

func loadExample(t testing.TB, rules, community, model string) (*runtime.Community, *simulate.Model) {
	t.Helper()
	prog, err := runtime.CompileFiles(rules)
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community(community)
	if c == nil {
		t.Fatalf("no community %s", community)
	}
	m, err := simulate.ReadModel(model, c)
	if err != nil {
		t.Fatal(err)
	}
	return c, m
}

func compile(t *testing.T, src, community string) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileSource("club.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return prog.Community(community)
}

func run(t *testing.T, c *runtime.Community, model string, days int, seed int64) *simulate.Series {
	t.Helper()
	m, err := simulate.ParseModel("model.json", []byte(model), c)
	if err != nil {
		t.Fatal(err)
	}
	s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: days, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDeterministic: the same seed gives the same series, byte for byte;
// another seed another one.
func TestDeterministic(t *testing.T) {
	c, m := loadExample(t, "../../examples/fanclub/fanclub.charter", "FanClub", "../../examples/fanclub/model.json")
	out := func(seed int64) string {
		s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: 40, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := simulate.WriteJSONL(&b, s); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	a, b, other := out(7), out(7), out(8)
	if a != b {
		t.Error("two runs with seed 7 differ")
	}
	if a == other {
		t.Error("seeds 7 and 8 give the same run")
	}
}

const ladder = `community Club {
  member { posts: int  warnings: int }
  action post(links: int)
  action visit()
  roles {
    regular if posts >= 3
    newcomer otherwise
  }
  badge spammer if warnings >= 1
  may post, visit
  must not post if links > 2 because "Spam" else warn
  must not post if warnings >= 2 because "Out" else remove
  on post { posts += 1 }
  goal size "Some members" { measure members; target >= 10 }
  nudge newcomer "Post something"
}`

// TestRolesSanctionsAndTransitions follows members up the ladder, warns
// the ones that post links, removes them at the second warning, and
// counts it all.
func TestRolesSanctionsAndTransitions(t *testing.T) {
	c := compile(t, ladder, "Club")
	s := run(t, c, `{
	  "members": {"initial": 50},
	  "behaviour": {"*": {"post": {"per_day": 2, "args": {"links": {"choice": [0, 5], "weights": [9, 1]}}}}}
	}`, 20, 1)
	if !reflect.DeepEqual(s.Roles, []string{"newcomer", "regular"}) || !reflect.DeepEqual(s.Badges, []string{"spammer"}) {
		t.Fatalf("roles %v, badges %v", s.Roles, s.Badges)
	}
	if len(s.Days) != 20 || s.Days[0].Day != 1 || !s.Days[0].Date.Equal(simulate.DefaultStart.Add(24*time.Hour)) {
		t.Fatalf("days: %d, first %+v", len(s.Days), s.Days[0])
	}
	var removed, warned, spam, attempts, allowed int
	for _, d := range s.Days {
		removed += d.Removed
		warned += d.Sanctions["warn"]
		attempts += d.Attempts
		allowed += d.Allowed
		for label, n := range d.Denials {
			if label == "must not post (club.charter:11:3)" {
				spam += n
			}
		}
		if d.Roles["newcomer"]+d.Roles["regular"] != d.Members {
			t.Errorf("day %d: roles %v do not add up to %d members", d.Day, d.Roles, d.Members)
		}
	}
	if removed == 0 || warned == 0 || spam == 0 || s.Days[0].Joined != 50 {
		t.Errorf("removed %d, warned %d, spam denials %d, joined on day 1 %d", removed, warned, spam, s.Days[0].Joined)
	}
	if last := s.Days[len(s.Days)-1]; last.Members != 50-removed || last.Goals[0].Value != float64(last.Members) || last.Goals[0].Met != (last.Members >= 10) {
		t.Errorf("last day %+v; %d removed", last, removed)
	}
	if s.Days[0].Messages["Post something"] == 0 {
		t.Errorf("no nudge counted on day 1: %v", s.Days[0].Messages)
	}
	tr := map[[2]string]int{}
	for _, x := range s.Transitions {
		tr[[2]string{x.From, x.To}] = x.Count
	}
	if tr[[2]string{simulate.Joined, "newcomer"}] != 50 || tr[[2]string{"newcomer", "regular"}] == 0 {
		t.Errorf("transitions %v", s.Transitions)
	}
	if left := tr[[2]string{"newcomer", simulate.Left}] + tr[[2]string{"regular", simulate.Left}]; left != removed {
		t.Errorf("%d transitions to %s, %d removed", left, simulate.Left, removed)
	}
}

// TestMessagesMultiplyRates: a nudge that triples posting makes the
// newcomers post about three times as often.
func TestMessagesMultiplyRates(t *testing.T) {
	c := compile(t, ladder, "Club")
	base := `"members": {"initial": 200}, "behaviour": {"newcomer": {"visit": {"per_day": 1}}}`
	plain := run(t, c, `{`+base+`}`, 1, 3)
	nudged := run(t, c, `{`+base+`, "messages": {"Post something": {"visit": 3}}}`, 1, 3)
	p, n := plain.Days[0].Attempts, nudged.Days[0].Attempts
	if p < 150 || p > 250 || n < 500 || n > 700 {
		t.Errorf("200 newcomers visited %d times a day, %d times nudged; want about 200 and 600", p, n)
	}
}

// TestLeaveAndJoin: members who never act leave after their days of
// inactivity; members join every day.
func TestLeaveAndJoin(t *testing.T) {
	c := compile(t, ladder, "Club")
	s := run(t, c, `{"members": {"initial": 10, "join_per_day": 2}, "leave": [{"who": "newcomer", "inactive_days": 3}]}`, 6, 1)
	want := []struct{ members, joined, left int }{
		{12, 12, 0}, {14, 2, 0}, {6, 2, 10}, {6, 2, 2}, {6, 2, 2}, {6, 2, 2},
	}
	for i, w := range want {
		d := s.Days[i]
		if d.Members != w.members || d.Joined != w.joined || d.Left != w.left {
			t.Errorf("day %d: %d members, %d joined, %d left; want %+v", d.Day, d.Members, d.Joined, d.Left, w)
		}
	}
}

// TestRefusedByAdmit: a sub-community's admit condition refuses the new
// members it does not take, and the day counts them.
func TestRefusedByAdmit(t *testing.T) {
	c := compile(t, ladder+`
community Circle extends Club {
  admit if posts >= 3
}`, "Circle")
	s := run(t, c, `{"members": {"initial": 100, "attributes": {"posts": {"uniform": [0, 5]}}}}`, 1, 1)
	d := s.Days[0]
	if d.Joined+d.Refused != 100 || d.Refused < 30 || d.Refused > 70 {
		t.Errorf("joined %d, refused %d of 100", d.Joined, d.Refused)
	}
}

// TestMemberArguments: a transfer to another member names a member of
// the pool the model gives, never the actor.
func TestMemberArguments(t *testing.T) {
	c, m := loadExample(t, "../../examples/exchange/exchange.charter", "Exchange", "../../examples/exchange/model.json")
	s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range s.Days {
		for label := range d.Denials {
			if strings.Contains(label, "to == me") {
				t.Errorf("day %d: a member named itself: %s", d.Day, label)
			}
		}
	}
}

// TestRoundTrip: JSON Lines read back give the series written.
func TestRoundTrip(t *testing.T) {
	c, m := loadExample(t, "../../examples/fanclub/fanclub.charter", "FanClub", "../../examples/fanclub/model.json")
	s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: 15, Seed: 2, Rules: "fanclub.charter", Model: "model.json"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := simulate.WriteJSONL(&b, s); err != nil {
		t.Fatal(err)
	}
	back, err := simulate.ReadJSONL(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, back) {
		t.Errorf("read back:\n%+v\nwant:\n%+v", back, s)
	}
}

func TestCSV(t *testing.T) {
	c := compile(t, ladder, "Club")
	s := run(t, c, `{
	  "members": {"initial": 5},
	  "behaviour": {"*": {"post": {"per_day": 2, "args": {"links": {"choice": [0, 5]}}}}}
	}`, 2, 1)
	var b bytes.Buffer
	if err := simulate.WriteCSV(&b, s); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	head := "day,date,members,joined,left,removed,refused,attempts,allowed,role:newcomer,role:regular,badge:spammer,goal:size,goal:size:met,"
	if !strings.HasPrefix(lines[0], head) || !strings.Contains(lines[0], "denied:must not post (club.charter:11:3),") || !strings.HasSuffix(lines[0], ",message:Post something") {
		t.Errorf("header:\n%s", lines[0])
	}
	if !strings.HasPrefix(lines[1], "1,2026-01-02T00:00:00Z,") {
		t.Errorf("first row: %s", lines[1])
	}
	for _, l := range lines[1:] {
		if strings.Count(l, ",") != strings.Count(lines[0], ",") {
			t.Errorf("row %q has another number of columns than the header", l)
		}
	}
}

func TestRunOptions(t *testing.T) {
	c := compile(t, ladder, "Club")
	m, err := simulate.ParseModel("m.json", []byte(`{"start": "2030-05-01T00:00:00Z"}`), c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: 0}); err == nil || !strings.Contains(err.Error(), "days must be from 1") {
		t.Errorf("0 days: %v", err)
	}
	s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: 1})
	if err != nil || !s.Start.Equal(time.Date(2030, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start %v, %v", s.Start, err)
	}
	other := compile(t, ladder, "Club")
	if _, err := simulate.Run(context.Background(), other, m, simulate.Options{Days: 1}); err == nil {
		t.Error("a model read for another community ran")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := simulate.Run(ctx, c, m, simulate.Options{Days: 1}); err == nil {
		t.Error("a cancelled run ran")
	}
}

// TestGoalNotANumber: a measure that divides by zero on a day gives a
// value JSON has no number for; the series still writes and reads back.
func TestGoalNotANumber(t *testing.T) {
	c := compile(t, `community Club {
  member { posts: int }
  action post()
  may post
  on post { posts += 1 }
  goal ratio "Posts per poster" { measure 1 / count(posts > 0); target >= 1 }
}`, "Club")
	s := run(t, c, `{"members": {"initial": 3}}`, 2, 1)
	if v := s.Days[0].Goals[0].Value; !math.IsInf(v, 1) {
		t.Fatalf("0/0 gave %v", v)
	}
	var b bytes.Buffer
	if err := simulate.WriteJSONL(&b, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"goals":[{"value":"+Inf","met":true}]`) {
		t.Errorf("JSON Lines:\n%s", b.String())
	}
	back, err := simulate.ReadJSONL(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(back.Days[1].Goals[0].Value, 1) {
		t.Errorf("read back %v", back.Days[1].Goals[0])
	}
}

func TestGoalDayJSON(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(-1), math.Inf(1), 2.5, 0} {
		data, err := json.Marshal(simulate.GoalDay{Value: v, Met: true})
		if err != nil {
			t.Fatal(err)
		}
		var g simulate.GoalDay
		if err := json.Unmarshal(data, &g); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if !g.Met || !(g.Value == v || math.IsNaN(v) && math.IsNaN(g.Value)) {
			t.Errorf("%v: wrote %s, read back %+v", v, data, g)
		}
	}
	var g simulate.GoalDay
	if err := json.Unmarshal([]byte(`{"value": "lots", "met": true}`), &g); err == nil {
		t.Error(`"lots" read as a goal value`)
	}
}

// TestReviewDemotionsCounted: a review's demotion is a transition, counted
// when the review makes it, so a member the same review (or the day's
// leave rules) then takes out leaves from the role it fell to, and a
// denial's demotion likewise.
func TestReviewDemotionsCounted(t *testing.T) {
	c := compile(t, `community Guild {
  member { posts: int }
  action visit()
  action post(links: int)
  roles {
    leader  if posts >= 5
    regular otherwise
  }
  may visit, post
  must not post if links > 0 else demote
  must visit 1 per 1d if role == leader else demote
  must visit 1 per 1d if role == leader && posts >= 9 else remove
}`, "Guild")
	tr := func(s *simulate.Series) map[[2]string]int {
		m := map[[2]string]int{}
		for _, x := range s.Transitions {
			m[[2]string{x.From, x.To}] = x.Count
		}
		return m
	}
	// 10 leaders fall to regular at the first review; 5 more fall and are
	// removed by it; the regulars, left idle, then leave.
	s := run(t, c, `{
	  "members": {"initial": [{"count": 10, "attributes": {"posts": 5}}, {"count": 5, "attributes": {"posts": 9}}]},
	  "leave": [{"who": "regular", "inactive_days": 0}]
	}`, 1, 1)
	got := tr(s)
	want := map[[2]string]int{
		{simulate.Joined, "leader"}: 15,
		{"leader", "regular"}:       15,
		{"regular", simulate.Left}:  15,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("transitions %v, want %v", got, want)
	}
	if d := s.Days[0]; d.Sanctions["demote"] != 15 || d.Removed != 5 || d.Left != 10 || d.Members != 0 {
		t.Errorf("day 1: %+v", d)
	}
	// A denied post demotes at once: the transition is the denial's.
	s = run(t, c, `{
	  "members": {"initial": [{"count": 20, "attributes": {"posts": 5}}]},
	  "behaviour": {"leader": {"post": {"per_day": 3, "args": {"links": 1}}}},
	  "leave": [{"who": "regular", "inactive_days": 0}]
	}`, 1, 2)
	got = tr(s)
	if n := got[[2]string{"leader", "regular"}]; n != 20 || got[[2]string{"regular", simulate.Left}] != 20 || got[[2]string{"leader", simulate.Left}] != 0 {
		t.Errorf("transitions %v: want 20 leaders to regular, then to %s", got, simulate.Left)
	}
}
