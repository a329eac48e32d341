package check_test

import (
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/diag"
)

// TestStepsAboutOtherMembers: the steps of SPEC §6.18 that name another
// member, update one, give history or assert a reason and a sanction check
// clean when right, and each misuse is CH0113 (or CH0105 for an unknown
// action) at the offending token.
func TestStepsAboutOtherMembers(t *testing.T) {
	const head = `community C {
  member { posts: int; rep: int }
  action post()
  action tip(to: member)
  may post, tip
  on post { posts += 1 }
  must not tip if rep < 0 because "No debts" else mute 1d
  must post 1 per 7d because "A post a week" else warn
  test "x" {
    given member bob { rep: 1 } did post at "2025-12-31T00:00:00Z"
`
	clean := head + `    do bob: tip(to: me)
    try bob: tip(to: me) times 2
    update { posts: 2 }
    update bob { rep: 3 }
    expect bob: that rep == 3
    expect bob: deny tip(to: me) because "No debts" else mute 1d
    expect duty post because "A post a week" else warn
    expect bob: no duty post
  }
}
`
	if _, ds := checkSrc(t, clean); len(ds) > 0 {
		t.Fatalf("clean steps: %v", ds)
	}
	cases := []struct {
		name, step string
		code       diag.Code
		col        int
		msg        string
	}{
		{"unknown actor", `do cat: tip(to: me)`, diag.BadTest, 8, "no `given member cat {...}`"},
		{"member named me", `given member me {}`, diag.BadTest, 18, "me names the subject"},
		{"me as actor", `expect me: no duty post`, diag.BadTest, 12, "names no member"},
		{"unknown update target", `update cat { rep: 1 }`, diag.BadTest, 12, "no `given member cat"},
		{"update nothing", `update {}`, diag.BadTest, 5, "update changes no attribute"},
		{"update unknown attribute", `update { score: 1 }`, diag.BadTest, 14, "unknown attribute score"},
		{"update wrong type", `update bob { rep: "a" }`, diag.BadTest, 23, "rep"},
		{"did unknown action", `given member cat {} did shout at "2025-01-01T00:00:00Z"`, diag.UnknownAction, 29, "unknown action shout"},
		{"did bad time", `given member cat {} did post at "yesterday"`, diag.BadTest, 37, "did post at"},
		{"allow else", `expect allow post() else warn`, diag.BadTest, 30, "goes with `expect deny`"},
		{"deny else no rule", `expect deny tip(to: me) else remove`, diag.BadTest, 34, "has `else remove`"},
		{"deny else of a duty", `expect deny tip(to: me) else warn`, diag.BadTest, 34, "has `else warn`"},
		{"duty else no rule", `expect duty post else mute 1d`, diag.BadTest, 27, "has `else mute`"},
		{"no duty because", `expect no duty post because "A post a week"`, diag.BadTest, 12, "takes no because or else"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := head + "    " + tc.step + "\n  }\n}\n"
			_, ds := checkSrc(t, src)
			if len(ds) != 1 {
				t.Fatalf("%d diagnostics, want 1: %v", len(ds), ds)
			}
			d := ds[0]
			if d.Code != tc.code || d.Range.Start.Line != 11 || d.Range.Start.Column != tc.col || !strings.Contains(d.Message, tc.msg) {
				t.Errorf("got %v; want %s at 11:%d containing %q", d, tc.code, tc.col, tc.msg)
			}
		})
	}
}
