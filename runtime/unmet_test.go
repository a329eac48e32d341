package runtime_test

import (
	"slices"
	"testing"

	"github.com/charterlang/charter/runtime"
)

// TestDefaultDenyShowsUnmetMays: a default deny carries every active may
// of the action with a because text, in declaration order (SPEC §10.1);
// Decide, DecideCall, Explain and the State agree.
func TestDefaultDenyShowsUnmetMays(t *testing.T) {
	src := `community Club {
  member { rep: int }
  action tip(amount: int)
  action talk()
  may tip if rep >= 10 because "Tipping opens at reputation 10"
  may tip if amount > 100
  may tip if amount <= 1 because "Anyone may tip 1"
  when !size.met {
    may tip if rep >= 5 because "While the club is small, reputation 5 tips"
  }
  may tip if size.value > 100 because "reads a goal"
  must not tip if amount > 1000 because "Tips are capped at 1000"
  goal size { measure members; target >= 3 }
}
community Open {
  default allow
  member { rep: int }
  action tip()
  may tip if rep >= 10 because "Tipping opens at reputation 10"
}
`
	prog, err := runtime.CompileSource("club.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Club")
	low := member(t, c, map[string]any{"rep": 2})
	tests := []struct {
		name    string
		m       *runtime.Member
		amount  int
		goals   runtime.Goals
		allowed bool
		byDef   bool
		reasons []string
	}{
		{"both unmet mays, no snapshot", low, 5, nil, false, true,
			[]string{"Tipping opens at reputation 10", "Anyone may tip 1"}},
		{"with a snapshot the when block and the goal reader are active", low, 5, c.Goals([]*runtime.Member{low}, t0), false, true,
			[]string{"Tipping opens at reputation 10", "Anyone may tip 1", "While the club is small, reputation 5 tips", "reads a goal"}},
		{"a may allows", low, 1, nil, true, false, []string{"Anyone may tip 1"}},
		{"a denial is not joined by unmet mays", low, 5000, nil, false, false, []string{"Tips are capped at 1000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := c.Call("tip", runtime.Args{"amount": tc.amount})
			if err != nil {
				t.Fatal(err)
			}
			d1 := c.DecideCall(tc.m, k, t0, tc.goals)
			d2, _ := c.Explain(tc.m, k, t0, tc.goals)
			for i, d := range []runtime.Decision{d1, d2} {
				if d.Allowed != tc.allowed || d.ByDefault != tc.byDef || !slices.Equal(d.Reasons(), tc.reasons) {
					t.Errorf("decision %d: %v, reasons %q; want allowed %v, by default %v, reasons %q", i, d, d.Reasons(), tc.allowed, tc.byDef, tc.reasons)
				}
			}
			if tc.goals == nil {
				d3, err := c.Decide(tc.m, "tip", runtime.Args{"amount": tc.amount}, t0)
				if err != nil || !slices.Equal(d3.Reasons(), tc.reasons) {
					t.Errorf("Decide: %v, %v; want reasons %q", d3.Reasons(), err, tc.reasons)
				}
			}
		})
	}
	d, err := c.Decide(low, "talk", nil, t0)
	if err != nil || d.Allowed || len(d.Rules) != 0 || !slices.Equal(d.Reasons(), []string{"default deny"}) {
		t.Errorf("talk, which no may lists: %v, %v; want default deny without rules", d, err)
	}
	if got, want := d1String(t, c, low), "deny tip (by default); may tip (club.charter:5:3): Tipping opens at reputation 10; may tip (club.charter:7:3): Anyone may tip 1"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}

	open := prog.Community("Open")
	d, err = open.Decide(member(t, open, map[string]any{"rep": 2}), "tip", nil, t0)
	if err != nil || !d.Allowed || len(d.Rules) != 0 || !slices.Equal(d.Reasons(), []string{"default allow"}) {
		t.Errorf("default allow: %v, %v; want allowed with no rules", d, err)
	}
}

func d1String(t *testing.T, c *runtime.Community, m *runtime.Member) string {
	t.Helper()
	d, err := c.Decide(m, "tip", runtime.Args{"amount": 5}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// TestNamedConditionsAreNotLabels: a named condition is read by rungs,
// badges and rules (SPEC §6.7), but Badges does not list it, as it lists
// a helper badge.
func TestNamedConditionsAreNotLabels(t *testing.T) {
	prog, err := runtime.CompileSource("club.charter", []byte(`community Club {
  member { posts: int; likes: int }
  let regular_counts = posts >= 10 && likes >= 5
  roles {
    regular if regular_counts
    nearly_regular if nearly
    newcomer otherwise
  }
  badge nearly if !regular_counts && posts >= 8
  action post()
  may post if regular_counts because "Regulars post"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Club")
	m := member(t, c, map[string]any{"posts": 10, "likes": 5})
	if got := c.Role(m, t0); got != "regular" {
		t.Errorf("role = %s, want regular", got)
	}
	if got := c.Badges(m, t0); len(got) != 0 {
		t.Errorf("badges = %v, want none: a named condition is not a label", got)
	}
	n := member(t, c, map[string]any{"posts": 8})
	if got := c.Badges(n, t0); !slices.Equal(got, []string{"nearly"}) {
		t.Errorf("badges = %v, want [nearly]", got)
	}
	if got := c.Role(n, t0); got != "nearly_regular" {
		t.Errorf("role = %s, want nearly_regular: a rung reads the badge", got)
	}
	if d, _ := c.Decide(n, "post", nil, t0); d.Allowed || !slices.Equal(d.Reasons(), []string{"Regulars post"}) {
		t.Errorf("decision = %v", d)
	}
}
