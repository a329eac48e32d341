package runtime_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/eval"
)

const betweenSrc = `community Tips {
  member { points: int; trusted: bool }
  roles {
    patron if points >= 100
    regular if points >= 10
    guest otherwise
  }
  action tip(to: member, amount: int)
  action vouch(for: member)
  action swap(a: member, b: member)
  may tip if amount > 0
  must not tip if to == me because "No tipping yourself"
  must not tip if to.role == guest && !to.trusted because "Tip members past their first steps"
  may vouch if for.points < points && for != me
  may swap if a != b
  on tip { points -= amount; to.points += amount }
}
`

func betweenCommunity(t *testing.T) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileSource("tips.charter", []byte(betweenSrc))
	if err != nil {
		t.Fatal(err)
	}
	return prog.Community("Tips")
}

var betweenAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestRulesBetweenMembersInState: in a State a rule compares the actor
// with a member argument and reads the other member's attributes and role,
// which the State resolves from the ID.
func TestRulesBetweenMembersInState(t *testing.T) {
	c := betweenCommunity(t)
	s := runtime.NewState(c)
	for id, v := range map[string]map[string]any{
		"ann": {"points": 50},
		"bob": {"points": 20},
		"cat": {"points": 0},
		"dan": {"points": 0, "trusted": true},
	} {
		m, err := c.Member(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		actor, action string
		args          runtime.Args
		allowed       bool
		reason        string
	}{
		{"ann", "tip", runtime.Args{"to": "bob", "amount": 5}, true, ""},
		{"ann", "tip", runtime.Args{"to": "ann", "amount": 5}, false, "No tipping yourself"},
		{"ann", "tip", runtime.Args{"to": "cat", "amount": 5}, false, "Tip members past their first steps"},
		{"ann", "tip", runtime.Args{"to": "dan", "amount": 5}, true, ""},
		{"cat", "tip", runtime.Args{"to": "cat", "amount": 5}, false, "No tipping yourself; Tip members past their first steps"},
		{"ann", "vouch", runtime.Args{"for": "bob"}, true, ""},
		{"bob", "vouch", runtime.Args{"for": "ann"}, false, "default deny"},
		{"ann", "vouch", runtime.Args{"for": "ann"}, false, "default deny"},
		{"ann", "swap", runtime.Args{"a": "bob", "b": "cat"}, true, ""},
		{"ann", "swap", runtime.Args{"a": "bob", "b": "bob"}, false, "default deny"},
	} {
		d, err := s.Decide(tc.actor, tc.action, tc.args, betweenAt)
		if err != nil {
			t.Fatalf("%s %s %v: %v", tc.actor, tc.action, tc.args, err)
		}
		if d.Allowed != tc.allowed || !d.Allowed && strings.Join(d.Reasons(), "; ") != tc.reason {
			t.Errorf("%s %s %v: allowed %v %q, want %v %q", tc.actor, tc.action, tc.args, d.Allowed, d.Reasons(), tc.allowed, tc.reason)
		}
	}
	// bob goes from regular to patron: to.role reads the member as it is now.
	if _, err := s.Apply(context.Background(), "ann", "tip", runtime.Args{"to": "dan", "amount": 9}, betweenAt); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Apply(context.Background(), "bob", "tip", runtime.Args{"to": "dan", "amount": 1}, betweenAt); err != nil || !r.Applied {
		t.Fatalf("tip dan once a regular: %v %v", r, err)
	}
	_, err := s.Decide("ann", "tip", runtime.Args{"to": "eve", "amount": 1}, betweenAt)
	if !errors.Is(err, runtime.ErrUnknownMember) || !strings.Contains(err.Error(), `argument to: member "eve"`) {
		t.Errorf("tip to an unknown member: %v, want ErrUnknownMember naming the argument", err)
	}
}

// TestRulesBetweenMembersWithoutState: without a State the host gives the
// other member as a *Member. An ID alone is refused when a rule reads that
// member's attributes, and so is a member without an ID when a rule
// compares members: an error from Decide, a denial with the reason from
// DecideCall and Explain. Never the defaults, never "" == "".
func TestRulesBetweenMembersWithoutState(t *testing.T) {
	c := betweenCommunity(t)
	mk := func(id string, v map[string]any) *runtime.Member {
		m, err := c.Member(v)
		if err != nil {
			t.Fatal(err)
		}
		m.ID = id
		return m
	}
	ann, bob, cat := mk("ann", map[string]any{"points": 50}), mk("bob", map[string]any{"points": 20}), mk("cat", nil)
	for _, tc := range []struct {
		name    string
		m       *runtime.Member
		action  string
		args    runtime.Args
		allowed bool
		err     string
	}{
		{"to another", ann, "tip", runtime.Args{"to": bob, "amount": 5}, true, ""},
		{"to oneself", ann, "tip", runtime.Args{"to": ann, "amount": 5}, false, ""},
		{"to a guest", ann, "tip", runtime.Args{"to": cat, "amount": 5}, false, ""},
		{"to a clone of oneself", ann, "tip", runtime.Args{"to": ann.Clone(), "amount": 5}, false, ""},
		{"by ID only", ann, "tip", runtime.Args{"to": "bob", "amount": 5}, false, `argument to of tip: a rule of tip reads to's attributes, and an ID ("bob") names no member outside a State: give the member, not its ID`},
		{"identity by IDs", ann, "swap", runtime.Args{"a": "bob", "b": "cat"}, true, ""},
		{"same ID", ann, "swap", runtime.Args{"a": "bob", "b": "bob"}, false, ""},
		{"no ID", ann, "swap", runtime.Args{"a": "bob", "b": mk("", nil)}, false, "argument b of swap: a rule of swap compares members by ID, and the member given has none: set its ID"},
		{"actor without ID", mk("", map[string]any{"points": 50}), "vouch", runtime.Args{"for": bob}, false, "vouch: a rule of vouch compares members by ID, and the acting member has none: set its ID"},
	} {
		d, err := c.Decide(tc.m, tc.action, tc.args, betweenAt)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: Decide error %v, want %q", tc.name, err, tc.err)
			}
			k, err := c.Call(tc.action, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			for how, d := range map[string]runtime.Decision{"DecideCall": c.DecideCall(tc.m, k, betweenAt, nil), "Explain": first(c.Explain(tc.m, k, betweenAt, nil))} {
				if d.Allowed || len(d.Reasons()) != 1 || d.Reasons()[0] != tc.err {
					t.Errorf("%s: %s %v %q, want denied with the reason %q", tc.name, how, d.Allowed, d.Reasons(), tc.err)
				}
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d.Allowed != tc.allowed {
			t.Errorf("%s: allowed %v (%q), want %v", tc.name, d.Allowed, d.Reasons(), tc.allowed)
		}
	}
}

func first(d runtime.Decision, _ []runtime.TraceStep) runtime.Decision { return d }

// TestCostOfAnotherMembersRole: each p.role evaluates the ladder on p's
// record, so it costs the ladder's nodes, as role does for the actor.
func TestCostOfAnotherMembersRole(t *testing.T) {
	c := betweenCommunity(t)
	tip, err := c.Cost("tip")
	if err != nil {
		t.Fatal(err)
	}
	swap, _ := c.Cost("swap")
	// tip: amount > 0 (3 nodes), to == me (3), to.role == guest &&
	// !to.trusted (10: a member node counts its object and property), the
	// two effects (a value and the assignment: 2 + 2), and the ladder
	// (3 + 3) once for to.role.
	if want := int64(3 + 3 + 10 + 4 + 6); tip != want {
		t.Errorf("Cost(tip) = %d, want %d", tip, want)
	}
	if swap != 3 {
		t.Errorf("Cost(swap) = %d, want 3", swap)
	}
}

// TestResolveMembers: a host without a State resolves the IDs of a call's
// member arguments with a lookup of its own; an ID it does not know is an
// error naming the argument.
func TestResolveMembers(t *testing.T) {
	c := betweenCommunity(t)
	ann, err := c.Member(map[string]any{"points": 50})
	if err != nil {
		t.Fatal(err)
	}
	ann.ID = "ann"
	bob, _ := c.Member(map[string]any{"points": 20})
	byID := map[string]*runtime.Member{"ann": ann, "bob": bob}
	lookup := func(id string) (*runtime.Member, bool) { m, ok := byID[id]; return m, ok }
	k, err := c.Call("tip", runtime.Args{"to": "bob", "amount": 5})
	if err != nil {
		t.Fatal(err)
	}
	if d := c.DecideCall(ann, k, betweenAt, nil); d.Allowed {
		t.Fatalf("tip by ID without a lookup: allowed")
	}
	if err := k.ResolveMembers(lookup); err != nil {
		t.Fatal(err)
	}
	if d := c.DecideCall(ann, k, betweenAt, nil); !d.Allowed {
		t.Errorf("tip to bob, resolved: %v", d.Reasons())
	}
	k, _ = c.Call("tip", runtime.Args{"to": "ann", "amount": 5})
	if err := k.ResolveMembers(lookup); err != nil {
		t.Fatal(err)
	}
	if d := c.DecideCall(ann, k, betweenAt, nil); d.Allowed || d.Reasons()[0] != "No tipping yourself" {
		t.Errorf("tip to ann by ann, resolved: %v %v", d.Allowed, d.Reasons())
	}
	k, _ = c.Call("tip", runtime.Args{"to": "zed", "amount": 5})
	if err := k.ResolveMembers(lookup); err == nil || err.Error() != `argument to of tip: no member "zed"` {
		t.Errorf("unknown ID: %v", err)
	}
}

// TestDistinctMembers: a []string attribute counts distinct members. +=
// adds a member's ID once, -= removes it, = [] empties the list; a list
// may not grow past eval.MaxListLen, and a block that fails changes no
// list, since effects apply to copies.
func TestDistinctMembers(t *testing.T) {
	prog, err := runtime.CompileSource("f.charter", []byte(`community Forum {
  member { flaggers: []string; n: float }
  action flag(author: member)
  action unflag(author: member)
  action review(author: member)
  action both(author: member, d: float)
  may flag, unflag, review, both
  badge hidden if len(flaggers) >= 3
  on flag { author.flaggers += me }
  on unflag { author.flaggers -= me }
  on review { author.flaggers = [] }
  on both { author.flaggers += me; n /= d }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Forum")
	s := runtime.NewState(c)
	join := func(id string, v map[string]any) {
		m, err := c.Member(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"ann", "bob", "cat", "dan"} {
		join(id, nil)
	}
	ctx := context.Background()
	apply := func(actor, action string, args runtime.Args) error {
		_, err := s.Apply(ctx, actor, action, args, betweenAt)
		return err
	}
	flaggers := func(id string) []string {
		m, _ := s.Member(id)
		return c.Values(m)["flaggers"].([]string)
	}
	for _, actor := range []string{"ann", "ann", "bob", "ann"} {
		if err := apply(actor, "flag", runtime.Args{"author": "dan"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(flaggers("dan"), ","); got != "ann,bob" {
		t.Fatalf("after ann, ann, bob, ann flag dan: %q, want ann,bob", got)
	}
	dan, _ := s.Member("dan")
	if c.Badges(dan, betweenAt) != nil {
		t.Errorf("dan hidden by two members")
	}
	if err := apply("cat", "flag", runtime.Args{"author": "dan"}); err != nil {
		t.Fatal(err)
	}
	dan, _ = s.Member("dan")
	if b := c.Badges(dan, betweenAt); len(b) != 1 || b[0] != "hidden" {
		t.Errorf("dan flagged by three members: badges %v", b)
	}
	// A failing block changes no list: cat is not added.
	if err := apply("cat", "both", runtime.Args{"author": "ann", "d": 0.0}); err == nil {
		t.Errorf("n /= 0 applied")
	}
	if got := flaggers("ann"); len(got) != 0 {
		t.Errorf("a failed block left ann's flaggers %v", got)
	}
	if err := apply("ann", "unflag", runtime.Args{"author": "dan"}); err != nil {
		t.Fatal(err)
	}
	if err := apply("ann", "unflag", runtime.Args{"author": "dan"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(flaggers("dan"), ","); got != "bob,cat" {
		t.Errorf("after ann unflags dan twice: %q, want bob,cat", got)
	}
	if err := apply("bob", "review", runtime.Args{"author": "dan"}); err != nil {
		t.Fatal(err)
	}
	if got := flaggers("dan"); got == nil || len(got) != 0 {
		t.Errorf("after a review: %#v, want an empty list", got)
	}
	// The limit of a list a host gives holds for one an effect grows.
	full := make([]string, eval.MaxListLen)
	for i := range full {
		full[i] = "x" + strconv.Itoa(i)
	}
	join("eve", map[string]any{"flaggers": full})
	err = apply("ann", "flag", runtime.Args{"author": "eve"})
	if err == nil || !strings.Contains(err.Error(), "would hold more than 65536 elements") {
		t.Errorf("a 65537th flagger: %v", err)
	}
	if n := len(flaggers("eve")); n != eval.MaxListLen {
		t.Errorf("eve has %d flaggers after a refused flag", n)
	}
	if err := apply("ann", "flag", runtime.Args{"author": "ann"}); err != nil {
		t.Fatal(err) // no rule keeps a member from flagging itself here
	}
	if got := flaggers("ann"); len(got) != 1 || got[0] != "ann" {
		t.Errorf("ann flags herself: %v", got)
	}
	// Adding to a list searches and copies it: the longest list's worth.
	if cost, _ := c.Cost("flag"); cost != 1+1+eval.MaxListLen {
		t.Errorf("Cost(flag) = %d, want %d", cost, 2+eval.MaxListLen)
	}
}
