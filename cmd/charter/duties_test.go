package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A community whose duty and nudge live under goals, so that the commands
// must compute the member set's goals to show them.
const dutiesClub = `community Club {
  default allow
  member { helps: bool }
  action answer()
  action greet()
  roles {
    helper if helps
    guest  otherwise
  }
  goal helpers "At least two helpers" {
    measure count(role == helper)
    target  >= 2
  }
  when !helpers.met {
    must answer 2 per 1d if role == helper because "Few helpers: each answers twice a day" else mute 1h
    nudge helper "We need more helpers: invite one"
  }
  must greet 1 per 7d else warn
  offer "Welcome"
}
`

func writeClub(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "club.charter")
	if err := os.WriteFile(p, []byte(dutiesClub), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDutiesFollowTheMembersGoals(t *testing.T) {
	club := writeClub(t)
	args := func(format string) []string {
		return []string{"duties", club, "--community", "Club", "--members", "-", "--at", at0, "--format", format}
	}
	// One helper: the goal is unmet, so the duty under when holds.
	one := `{"id": "ann", "helps": true, "@history": {"answer": ["2026-01-14T12:00:00Z"], "greet": ["2026-01-14T12:00:00Z"]}}` + "\n" + `{"id": "bob"}` + "\n"
	code, out, errOut := charterIn(t, one, args("text")...)
	want := "ann\tanswer\tdone 1 of 2 in 1d\tFew helpers: each answers twice a day\tmute 1h\n" +
		"bob\tgreet\tdone 0 of 1 in 1w\tmust greet 1 per 1w\twarn\n"
	if code != exitOK || errOut != "" || out != want {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	// Two helpers meet the goal: the duty under when is gone.
	two := one + `{"id": "cy", "helps": true, "@history": {"greet": ["2026-01-14T12:00:00Z"]}}` + "\n"
	code, out, errOut = charterIn(t, two, args("json")...)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one line per member, got:\n%s", out)
	}
	var got []memberDutiesJSON
	for _, l := range lines {
		var m memberDutiesJSON
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	if got[0].ID != "ann" || got[0].Duties == nil || len(got[0].Duties) != 0 {
		t.Errorf("ann with the goal met: %+v, want no duty (and [] not null)", got[0])
	}
	if d := got[1].Duties; len(d) != 1 || d[0] != (dutyJSON{Action: "greet", Done: 0, Need: 1, Per: "1w", Reason: "must greet 1 per 1w", Sanction: "warn"}) {
		t.Errorf("bob: %+v", got[1])
	}
}

func TestMessagesFollowTheMembersGoals(t *testing.T) {
	club := writeClub(t)
	args := []string{"messages", club, "--community", "Club", "--members", "-", "--at", at0}
	code, out, errOut := charterIn(t, `{"id": "ann", "helps": true}`+"\n"+`{"id": "bob"}`+"\n", args...)
	want := "ann\tnudge\thelper\tWe need more helpers: invite one\n" +
		"ann\toffer\teveryone\tWelcome\n" +
		"bob\toffer\teveryone\tWelcome\n"
	if code != exitOK || errOut != "" || out != want {
		t.Errorf("one helper: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	code, out, errOut = charterIn(t, `{"id": "ann", "helps": true}`+"\n"+`{"id": "cy", "helps": true}`+"\n", append(args, "--format", "json")...)
	want = `{"id":"ann","messages":[{"kind":"offer","to":"","text":"Welcome"}]}` + "\n" +
		`{"id":"cy","messages":[{"kind":"offer","to":"","text":"Welcome"}]}` + "\n"
	if code != exitOK || errOut != "" || out != want {
		t.Errorf("two helpers: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
}
