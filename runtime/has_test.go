package runtime_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const hasSrc = `community Club {
  member {
    email:    string
    referrer: string
    verified: time
    joined:   time required
    posts:    int
    tier:     int = 1
  }
  action post()
  action verify()
  action refer(to: member)
  badge reachable if has(email)
  badge referred  if has(referrer)
  badge verified_ if has(verified)
  badge tiered    if has(tier) && tier > 0
  may post if has(email) because "give an email first"
  may verify
  may refer if !has(to.referrer)
  on verify { verified = now() }
  on refer  { to.referrer += "x" }
}
`

var hasAt = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func hasCommunity(t *testing.T) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileSource("club.charter", []byte(hasSrc))
	if err != nil {
		t.Fatal(err)
	}
	return prog.Community("Club")
}

// given reports which of the optional attributes the badges say m gave.
func given(c *runtime.Community, m *runtime.Member) []string {
	var out []string
	for _, b := range c.Badges(m, hasAt) {
		switch b {
		case "reachable":
			out = append(out, "email")
		case "referred":
			out = append(out, "referrer")
		case "verified_":
			out = append(out, "verified")
		case "tiered":
			out = append(out, "tier")
		}
	}
	return out
}

// TestHasRecords: each way a host gives a member gives exactly what it
// holds (SPEC §7.7): a map's keys, a JSON object's, a struct's fields
// but its nil pointers.
func TestHasRecords(t *testing.T) {
	c := hasCommunity(t)
	type plain struct {
		Email  string    `charter:"email"`
		Joined time.Time `charter:"joined"`
	}
	type optional struct {
		Email    *string    `charter:"email"`
		Referrer *string    `charter:"referrer"`
		Verified *time.Time `charter:"verified"`
		Joined   time.Time  `charter:"joined"`
	}
	mail := "ann@example.com"
	v := hasAt.Add(-time.Hour)
	mk := func(f func() (*runtime.Member, error)) *runtime.Member {
		t.Helper()
		m, err := f()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tc := range []struct {
		name string
		m    *runtime.Member
		want []string
	}{
		{"map of the required only", mk(func() (*runtime.Member, error) { return c.Member(map[string]any{"joined": hasAt}) }), nil},
		{"map with the default given", mk(func() (*runtime.Member, error) { return c.Member(map[string]any{"joined": hasAt, "tier": 1}) }), []string{"tier"}},
		{"map with an empty email", mk(func() (*runtime.Member, error) { return c.Member(map[string]any{"joined": hasAt, "email": ""}) }), []string{"email"}},
		{"JSON", mk(func() (*runtime.Member, error) {
			return c.MemberJSON([]byte(`{"joined": "2026-01-01T00:00:00Z", "referrer": "bob", "verified": "2026-02-01T00:00:00Z"}`))
		}), []string{"referrer", "verified"}},
		{"struct: every field", mk(func() (*runtime.Member, error) { return c.MemberFromStruct(&plain{Joined: hasAt}) }), []string{"email"}},
		{"struct by value", mk(func() (*runtime.Member, error) { return c.MemberFromStruct(plain{Joined: hasAt}) }), []string{"email"}},
		{"struct: nil pointers", mk(func() (*runtime.Member, error) { return c.MemberFromStruct(&optional{Joined: hasAt}) }), nil},
		{"struct: pointers set", mk(func() (*runtime.Member, error) {
			return c.MemberFromStruct(&optional{Email: &mail, Verified: &v, Joined: hasAt})
		}), []string{"email", "verified"}},
	} {
		if got := given(c, tc.m); !slices.Equal(got, tc.want) {
			t.Errorf("%s: given %v, want %v", tc.name, got, tc.want)
		}
	}

	// A refill gives what the new struct gives, not what the last did.
	m := mk(func() (*runtime.Member, error) { return c.MemberFromStruct(&optional{Email: &mail, Joined: hasAt}) })
	if err := c.FillFromStruct(m, &optional{Referrer: &mail, Joined: hasAt}); err != nil {
		t.Fatal(err)
	}
	if got := given(c, m); !slices.Equal(got, []string{"referrer"}) {
		t.Errorf("FillFromStruct of pointers: given %v, want [referrer]", got)
	}
	if err := c.FillFromStruct(m, &plain{Joined: hasAt}); err != nil {
		t.Fatal(err)
	}
	if got := given(c, m); !slices.Equal(got, []string{"email"}) {
		t.Errorf("FillFromStruct of a plain struct: given %v, want [email]", got)
	}
	if got, _ := c.Get(m, "email"); got != "" {
		t.Errorf("email after refill = %q, want the default", got)
	}

	// A nil pointer for a required attribute is a missing attribute.
	type nilRequired struct {
		Joined *time.Time `charter:"joined"`
	}
	if _, err := c.MemberFromStruct(&nilRequired{}); err == nil || !strings.Contains(err.Error(), "missing attribute joined, which Club requires of every member: field Joined is nil") {
		t.Errorf("nil required pointer: %v", err)
	}
	if m, err := c.MemberFromStruct(&nilRequired{Joined: &v}); err != nil || given(c, m) != nil {
		t.Errorf("required pointer set: %v, given %v", err, given(c, m))
	}

	// JSON null is not "not given": it is refused, naming the attribute.
	if _, err := c.MemberJSON([]byte(`{"joined": "2026-01-01T00:00:00Z", "email": null}`)); err == nil || !strings.Contains(err.Error(), "attribute email: want string, got null") {
		t.Errorf("null email: %v", err)
	}

	// The decision reads it too, with its reason.
	d, err := c.Decide(mk(func() (*runtime.Member, error) { return c.Member(map[string]any{"joined": hasAt}) }), "post", nil, hasAt)
	if err != nil || d.Allowed {
		t.Errorf("post without an email: %v, %v", d, err)
	}
	d, err = c.Decide(mk(func() (*runtime.Member, error) { return c.Member(map[string]any{"joined": hasAt, "email": "a@b.c"}) }), "post", nil, hasAt)
	if err != nil || !d.Allowed {
		t.Errorf("post with an email: %v, %v", d, err)
	}
}

// TestHasState: updates and effects give what they set, on the member
// they set it on; snapshots keep it, and a snapshot from before has
// restores with every value it holds given.
func TestHasState(t *testing.T) {
	c := hasCommunity(t)
	s := runtime.NewState(c, runtime.AdmitAll())
	for _, id := range []string{"ann", "bob", "cid"} {
		m, err := c.Member(map[string]any{"joined": "2026-01-01T00:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if err := s.Update("ann", map[string]any{"email": "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, "ann", "verify", nil, hasAt); err != nil {
		t.Fatal(err)
	}
	r, err := s.Apply(ctx, "ann", "refer", runtime.Args{"to": "bob"}, hasAt)
	if err != nil || !r.Applied {
		t.Fatalf("refer bob: %v, %v", r, err)
	}
	// bob's referrer is given now: referring bob again is not allowed.
	if d, err := s.Decide("cid", "refer", runtime.Args{"to": "bob"}, hasAt); err != nil || d.Allowed {
		t.Errorf("refer bob a second time: %v, %v", d, err)
	}
	want := map[string][]string{"ann": {"email", "verified"}, "bob": {"referrer"}, "cid": nil}
	check := func(what string, s *runtime.State) {
		t.Helper()
		for id, w := range want {
			m, _ := s.Member(id)
			if got := given(c, m); !slices.Equal(got, w) {
				t.Errorf("%s: %s gave %v, want %v", what, id, got, w)
			}
		}
	}
	check("live", s)

	snap := s.Snapshot()
	for _, ms := range snap.Members {
		if ms.ID == "cid" && !slices.Equal(ms.NotGiven, []string{"email", "posts", "referrer", "tier", "verified"}) {
			t.Errorf("cid's not_given = %v", ms.NotGiven)
		}
		if ms.ID == "ann" && !slices.Equal(ms.NotGiven, []string{"posts", "referrer", "tier"}) {
			t.Errorf("ann's not_given = %v", ms.NotGiven)
		}
	}
	data, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	read, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	back, err := runtime.Restore(c, read)
	if err != nil {
		t.Fatal(err)
	}
	check("restored", back)

	// A snapshot written before has existed has no not_given: every
	// value it holds counts as given.
	old := strings.ReplaceAll(string(data), `"not_given":`, `"was":`)
	var raw map[string]any
	if err := json.Unmarshal([]byte(old), &raw); err != nil {
		t.Fatal(err)
	}
	for _, m := range raw["members"].([]any) {
		delete(m.(map[string]any), "was")
	}
	oldData, _ := json.Marshal(raw)
	read, err = runtime.ReadSnapshot(oldData)
	if err != nil {
		t.Fatal(err)
	}
	back, err = runtime.Restore(c, read)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ann", "bob", "cid"} {
		m, _ := back.Member(id)
		if got := given(c, m); !slices.Equal(got, []string{"email", "referrer", "verified", "tier"}) {
			t.Errorf("old snapshot: %s gave %v, want every value given", id, got)
		}
	}

	// A not_given that does not fit is refused, naming the member.
	for _, tc := range []struct{ list, want string }{
		{`["emial"]`, `member "x": not_given: Club has no attribute "emial"`},
		{`["joined"]`, `member "x": not_given: attribute joined is required, so every member gives it`},
		{`["email", "email"]`, `member "x": not_given: email is listed twice`},
	} {
		src := `{"community": "Club", "events": 1, "members": [{"id": "x", "attributes": {"joined": "2026-01-01T00:00:00Z"}, "not_given": ` + tc.list + `}]}`
		snap, err := runtime.ReadSnapshot([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runtime.Restore(c, snap); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("not_given %s: %v, want %q", tc.list, err, tc.want)
		}
	}
}

// TestHasMigrate: a rule file that drops an attribute drops it from
// not_given; one that adds an attribute leaves it not given.
func TestHasMigrate(t *testing.T) {
	c := hasCommunity(t)
	src := `{"community": "Club", "events": 1, "members": [{"id": "x", "attributes": {"joined": "2026-01-01T00:00:00Z", "nickname": "", "email": ""}, "not_given": ["email", "nickname"]}]}`
	snap, err := runtime.ReadSnapshot([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Migrate(snap); err != nil {
		t.Fatal(err)
	}
	if got := snap.Members[0].NotGiven; !slices.Equal(got, []string{"email"}) {
		t.Errorf("not_given after migration = %v, want [email]", got)
	}
	s, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Member("x")
	if got := given(c, m); got != nil {
		t.Errorf("migrated member gave %v, want nothing (email not given, referrer and verified new)", got)
	}
}

// TestHasGoalsAndAdmit: has in an aggregate's argument follows updates
// in the live state, as a rescan does; an admit condition reads it of a
// member the parent built, whose given values the child keeps by name.
func TestHasGoalsAndAdmit(t *testing.T) {
	prog, err := runtime.CompileSource("club.charter", []byte(`community Club {
  member { email: string; posts: int }
  action post()
  may post
  goal reach { measure count(has(email)); target >= 1 }
}
community Circle extends Club {
  admit if has(email)
}
`))
	if err != nil {
		t.Fatal(err)
	}
	club, circle := prog.Community("Club"), prog.Community("Circle")
	s := runtime.NewState(club)
	for _, id := range []string{"ann", "bob"} {
		m, _ := club.Member(map[string]any{"posts": 1})
		if err := s.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	if g := s.Goals(hasAt)[0]; g.Value != 0 {
		t.Errorf("reach before any email = %v, want 0", g.Value)
	}
	if err := s.Update("bob", map[string]any{"email": ""}); err != nil {
		t.Fatal(err)
	}
	var ms []*runtime.Member
	for _, id := range s.IDs() {
		m, _ := s.Member(id)
		ms = append(ms, m)
	}
	if g, r := s.Goals(hasAt)[0], club.Goals(ms, hasAt)[0]; g.Value != 1 || r.Value != 1 {
		t.Errorf("reach after bob gave an email: state %v, rescan %v, want 1", g.Value, r.Value)
	}
	without, _ := club.Member(map[string]any{"posts": 3})
	with, _ := club.Member(map[string]any{"email": "a@b.c"})
	if circle.Admit(without, hasAt) || !circle.Admit(with, hasAt) {
		t.Errorf("Circle admits without an email: %v, with one: %v; want false, true", circle.Admit(without, hasAt), circle.Admit(with, hasAt))
	}
}

// TestHasInEffects: an effect value reads has before the effects of the
// action apply, of the actor and of the member a parameter names.
func TestHasInEffects(t *testing.T) {
	prog, err := runtime.CompileSource("club.charter", []byte(`community Club {
  member { email: string; points: int }
  action thank(to: member)
  may thank
  on thank { email = "x"; points += has(email) ? 1 : 10; to.points += has(to.email) ? 1 : 100 }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Club")
	s := runtime.NewState(c)
	ann, _ := c.Member(map[string]any{})
	bob, _ := c.Member(map[string]any{"email": "b@example.com"})
	if err := s.Join("ann", ann); err != nil {
		t.Fatal(err)
	}
	if err := s.Join("bob", bob); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, step := range []struct {
		actor, to string
		want      map[string]int64
	}{
		// ann gives no email yet: 10 for her; bob gave his: 1 for him.
		{"ann", "bob", map[string]int64{"ann": 10, "bob": 1}},
		// ann's email is given now, by the effect before.
		{"ann", "bob", map[string]int64{"ann": 11, "bob": 2}},
		{"bob", "ann", map[string]int64{"ann": 12, "bob": 3}},
	} {
		if _, err := s.Apply(ctx, step.actor, "thank", runtime.Args{"to": step.to}, hasAt); err != nil {
			t.Fatal(err)
		}
		for id, w := range step.want {
			m, _ := s.Member(id)
			if got, _ := c.Get(m, "points"); got != w {
				t.Errorf("after %s thanks %s: %s has %v points, want %d", step.actor, step.to, id, got, w)
			}
		}
	}
}
