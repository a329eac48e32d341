package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestCover: --cover lists what no test exercised, with the share;
// --threshold fails the run below it and passes at or above it; JSON
// carries every item; bad flags are usage errors.
func TestTestCover(t *testing.T) {
	const file = "testdata/cover.charter"
	code, out, errOut := charter(t, "test", "--cover", file)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"cover.charter:6:5: not exercised: rung star:",
		"cover.charter:10:3: not exercised: badge gold:",
		"cover.charter:12:3: not exercised: rule must not shout: no decision",
		"cover.charter:14:3: not exercised: rule must post 1 per 1w: no member",
		"cover.charter:16:3: not exercised: effect on shout:",
		"cover.charter:17:3: not exercised: goal size:",
		"cover.charter:19:3: not exercised: offer \"You shine\":",
		"coverage: 4 of 13 (30.8%)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, exercised := range []string{"rung reader", "rule may post", "effect on post", "nudge \"Say something\""} {
		if strings.Contains(out, exercised) {
			t.Errorf("output lists exercised %s:\n%s", exercised, out)
		}
	}
	if code, out, _ := charter(t, "test", "--threshold", "31", file); code != exitFindings || !strings.Contains(out, "below the threshold 31%") {
		t.Errorf("--threshold 31: exit %d, output %q; want 1 and the threshold named", code, out)
	}
	if code, _, _ := charter(t, "test", "--threshold", "30", file); code != exitOK {
		t.Errorf("--threshold 30: exit %d, want 0", code)
	}
	code, out, _ = charter(t, "test", "--cover", "--format", "json", file)
	var rep struct {
		Items []struct {
			Kind, Name, Pos string
			Exercised       bool
		}
		Covered, Total int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK {
		t.Fatalf("json: exit %d, %v: %s", code, err, out)
	}
	if rep.Covered != 4 || rep.Total != 13 || len(rep.Items) != 13 {
		t.Errorf("json: %d of %d, %d items; want 4 of 13", rep.Covered, rep.Total, len(rep.Items))
	}
	for _, args := range [][]string{
		{"test", "--threshold", "101", file},
		{"test", "--threshold", "-1", file},
		{"test", "--threshold", "NaN", file},
		{"test", "--format", "json", file},
		{"test", "--cover", "--format", "xml", file},
	} {
		if code, _, errOut := charter(t, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
}

// TestTestExplain: --explain adds the ladder to a failing expect role.
func TestTestExplain(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.charter")
	src := "community C {\n  member { posts: int }\n  roles {\n    creator if posts >= 2\n    reader otherwise\n  }\n  test \"r\" { expect role creator }\n}\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := charter(t, "test", "--explain", p)
	want := "expected role creator, got reader\n    rung creator if posts >= 2: false: posts is 0\n    rung reader otherwise: held, no rung above it held\n0 passed, 1 failed\n"
	if code != exitFindings || !strings.HasSuffix(out, want) {
		t.Errorf("exit %d, output %q; want 1 ending in %q", code, out, want)
	}
}
