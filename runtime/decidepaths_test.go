package runtime_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charterlang/charter/runtime"
)

// TestDecidePathsAgree: every way of asking for a decision maps the
// rules' outcome to the same Decision, for each kind of outcome: two
// rules deny, one denies, a may allows, the default denies with and
// without unmet mays, the default allows, and an action with more than 64
// denying rules. DecideCall (and Decide and a Scratch) decide in
// decideIn, a State in decideFast, both through outcome, and Explain in
// decide, which traces: this holds the two mappings to one meaning.
func TestDecidePathsAgree(t *testing.T) {
	var many strings.Builder
	for i := range 70 {
		fmt.Fprintf(&many, "  must not crowd if n == %d because \"not %d\"\n", i, i)
	}
	src := `community Club {
  member { rep: int }
  action tip(amount: int)
  action talk()
  action crowd(n: int)
  must not tip if amount > 1000 because "Tips are capped at 1000"
  must not tip if amount > 500 && rep < 5 because "Newcomers tip at most 500"
  may tip if amount <= 1 because "Anyone may tip 1"
  may tip if rep >= 10 because "Tipping opens at reputation 10"
  may crowd if n > 100
` + many.String() + `}
community Open {
  default allow
  member { rep: int }
  action tip(amount: int)
  must not tip if amount > 1000
}
`
	prog, err := runtime.CompileSource("club.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		community, action string
		args              runtime.Args
		want              string
	}{
		{"Club", "tip", runtime.Args{"amount": 2000}, "deny tip; must not tip (club.charter:6:3): Tips are capped at 1000; must not tip (club.charter:7:3): Newcomers tip at most 500"},
		{"Club", "tip", runtime.Args{"amount": 700}, "deny tip; must not tip (club.charter:7:3): Newcomers tip at most 500"},
		{"Club", "tip", runtime.Args{"amount": 1}, "allow tip; may tip (club.charter:8:3): Anyone may tip 1"},
		{"Club", "tip", runtime.Args{"amount": 5}, "deny tip (by default); may tip (club.charter:8:3): Anyone may tip 1; may tip (club.charter:9:3): Tipping opens at reputation 10"},
		{"Club", "talk", nil, "deny talk (by default)"},
		{"Club", "crowd", runtime.Args{"n": 3}, "deny crowd; must not crowd (club.charter:14:3): not 3"},
		{"Club", "crowd", runtime.Args{"n": 200}, "allow crowd; may crowd (club.charter:10:3): may crowd"},
		{"Club", "crowd", runtime.Args{"n": 80}, "deny crowd (by default)"},
		{"Open", "tip", runtime.Args{"amount": 5}, "allow tip (by default)"},
		{"Open", "tip", runtime.Args{"amount": 5000}, "deny tip; must not tip (club.charter:86:3): must not tip"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %s %v", tc.community, tc.action, tc.args), func(t *testing.T) {
			c := prog.Community(tc.community)
			m := member(t, c, map[string]any{"rep": 2})
			m.ID = "ann"
			k, err := c.Call(tc.action, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]runtime.Decision{"DecideCall": c.DecideCall(m, k, t0, nil)}
			got["Explain"], _ = c.Explain(m, k, t0, nil)
			got["Scratch"] = c.NewScratch().DecideCall(m, k, t0, nil)
			if got["Decide"], err = c.Decide(m, tc.action, tc.args, t0); err != nil {
				t.Fatal(err)
			}
			s := runtime.NewState(c)
			if err := s.Join("ann", m); err != nil {
				t.Fatal(err)
			}
			if got["State"], err = s.Decide("ann", tc.action, tc.args, t0); err != nil {
				t.Fatal(err)
			}
			want := got["DecideCall"].String()
			if want != tc.want {
				t.Errorf("DecideCall: %s\nwant:       %s", want, tc.want)
			}
			for how, d := range got {
				if d.String() != want {
					t.Errorf("%s: %s\nDecideCall: %s", how, d, want)
				}
			}
		})
	}
}
