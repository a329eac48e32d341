package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charterlang/charter/runtime/serve"
)

func goalsArgs(members string, flags ...string) []string {
	return append([]string{"goals", fanclubFile, "--community", "FanClub", "--members", members, "--at", at0}, flags...)
}

func TestGoalsText(t *testing.T) {
	code, out, errOut := charterIn(t, "", goalsArgs(sampleMembers)...)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := "" +
		"GOAL        VALUE  OP  TARGET  MET  PROGRESS  TITLE\n" +
		"engagement  0.8    >=  0.4     yes  100%      Most members take part\n" +
		"voices      3      >=  2       yes  100%      Two or three opinion leaders activate the rest\n" +
		"size        15     <=  150     yes  100%      Stay within Dunbar's number\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
}

func TestGoalsUnmetAndRounded(t *testing.T) {
	// One participant of three, no opinion leader.
	members := `{"id": "a", "comments": 1}
{"id": "b"}
{"id": "c"}
`
	code, out, _ := charterIn(t, members, goalsArgs("-")...)
	want := "" +
		"GOAL        VALUE   OP  TARGET  MET  PROGRESS  TITLE\n" +
		"engagement  0.3333  >=  0.4     no   83.3333%  Most members take part\n" +
		"voices      0       >=  2       no   0%        Two or three opinion leaders activate the rest\n" +
		"size        3       <=  150     yes  100%      Stay within Dunbar's number\n"
	if code != exitOK || out != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", code, out, want)
	}
}

func TestGoalsJSON(t *testing.T) {
	code, out, errOut := charterIn(t, "", goalsArgs(sampleMembers, "--format", "json")...)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var goals []serve.GoalJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&goals); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	want := []serve.GoalJSON{
		{Name: "engagement", Title: "Most members take part", Value: 0.8, Op: ">=", Target: 0.4, Met: true, Progress: 1},
		{Name: "voices", Title: "Two or three opinion leaders activate the rest", Value: 3, Op: ">=", Target: 2, Met: true, Progress: 1},
		{Name: "size", Title: "Stay within Dunbar's number", Value: 15, Op: "<=", Target: 150, Met: true, Progress: 1},
	}
	if len(goals) != len(want) {
		t.Fatalf("got %d goals, want %d:\n%s", len(goals), len(want), out)
	}
	for i := range want {
		if goals[i] != want[i] {
			t.Errorf("goal %d: %+v, want %+v", i, goals[i], want[i])
		}
	}
	if strings.Contains(out, `\u003e`) {
		t.Errorf("operators are escaped:\n%s", out)
	}
}

func TestGoalsOfAnotherCommunity(t *testing.T) {
	// WritingAdvisors overrides size: a close circle of at most 20, counting
	// the 3 sample members it admits (creators with 20 posts or more).
	code, out, _ := charterIn(t, "", "goals", fanclubFile, "--community", "WritingAdvisors", "--members", sampleMembers, "--at", at0)
	if code != exitOK || !strings.Contains(out, "size        3      <=  20 ") {
		t.Errorf("exit %d, stdout:\n%s", code, out)
	}
}

func TestGoalsBadInput(t *testing.T) {
	bad := tempFile(t, "members.jsonl", "{\"id\": \"a\"}\n\n{\"id\": \"a\"}\n")
	code, out, errOut := charterIn(t, "", goalsArgs(bad)...)
	if want := "charter goals: " + bad + `:3: duplicate id "a" (first on line 1)` + "\n"; code != exitUsage || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing, %q", code, out, errOut, exitUsage, want)
	}
	code, out, errOut = charterIn(t, "", "goals", fanclubFile, "--community", "FanClub", "--members", sampleMembers)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "--at is required") {
		t.Errorf("missing --at: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = charterIn(t, "", "goals", badFile(t), "--community", "Club", "--members", sampleMembers, "--at", at0)
	if code != exitFindings || out != "" || !strings.Contains(errOut, ":3:3: error: ") {
		t.Errorf("rule file errors: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestHelpExamples runs the example of each command's help text, as a
// shell would from the repository root, and compares the output: the
// examples are what users copy first. A `$ cat FILE` example is written
// to FILE instead.
func TestHelpExamples(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"eval", "roles", "goals", "duties", "messages"} {
		t.Run(name, func(t *testing.T) {
			code, usage, _ := charterIn(t, "", "help", name)
			if code != exitOK || !strings.HasPrefix(usage, "usage: charter "+name) {
				t.Fatalf("help %s: exit %d:\n%s", name, code, usage)
			}
			dir := t.TempDir()
			if err := os.Symlink(filepath.Join(root, "examples"), filepath.Join(dir, "examples")); err != nil {
				t.Skip("no symlinks:", err)
			}
			t.Chdir(dir)
			ran := 0
			for _, ex := range shellExamples(usage) {
				args := shellWords(t, ex.command)
				if args[0] == "cat" {
					if err := os.WriteFile(args[1], []byte(ex.output), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				code, out, errOut := charterIn(t, "", args[1:]...)
				if code != exitOK || out != ex.output {
					t.Errorf("$ %s\nexit %d, stderr %q, stdout:\n%s\nthe help text says:\n%s", ex.command, code, errOut, out, ex.output)
				}
				ran++
			}
			if ran == 0 {
				t.Errorf("help %s has no example", name)
			}
		})
	}
}

type shellExample struct{ command, output string }

// shellExamples finds "  $ command" lines (continued by a trailing \) and
// the indented output lines after them.
func shellExamples(text string) []shellExample {
	var out []shellExample
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		cmd, ok := strings.CutPrefix(lines[i], "  $ ")
		if !ok {
			continue
		}
		for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
			i++
			cmd = strings.TrimSuffix(cmd, "\\") + " " + strings.TrimSpace(lines[i])
		}
		var ex strings.Builder
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && !strings.HasPrefix(lines[i+1], "  $ ") {
			i++
			ex.WriteString(lines[i][2:] + "\n")
		}
		out = append(out, shellExample{cmd, ex.String()})
	}
	return out
}

// shellWords splits a command line on spaces, keeping '...' together.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted = !quoted
			inWord = true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestGoalsCountOnlyAdmittedMembers: a sub-community's goals are over the
// members its admit rule lets in.
func TestGoalsCountOnlyAdmittedMembers(t *testing.T) {
	dir := t.TempDir()
	members := filepath.Join(dir, "m.jsonl")
	if err := os.WriteFile(members, []byte(`{"id": "a", "posts": 25}
{"id": "b", "posts": 30}
{"id": "c", "posts": 1}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"goals", "../../examples/fanclub/fanclub.charter", "--community", "WritingAdvisors", "--members", members, "--at", "2026-01-15T00:00:00Z", "--format", "json"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"name": "size",`) || !strings.Contains(stdout.String(), `"value": 2,`) {
		t.Errorf("size should count the 2 admitted members:\n%s", stdout.String())
	}
}

// An unmet goal never shows 100% (issue 14): at exactly its target, a `>`
// goal has a ratio of 1 but is not met.
func TestGoalsNeverFullWhenUnmet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "g.charter")
	src := "community G {\n  member { n: int }\n  goal many \"More than two\" {\n    measure members\n    target  > 2\n  }\n}\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := charterIn(t, "{\"id\": \"a\"}\n{\"id\": \"b\"}\n", "goals", p, "--community", "G", "--members", "-", "--at", at0)
	want := "GOAL  VALUE  OP  TARGET  MET  PROGRESS  TITLE\nmany  2      >   2       no   99.99%    More than two\n"
	if code != exitOK || errOut != "" || out != want {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
}

// TestGoalsAndRolesCountTheSameMembers: the lines are joins in file order,
// judged by the live state's admission: a circle that caps itself at two
// takes the first two it admits, and goals and roles count those two.
func TestGoalsAndRolesCountTheSameMembers(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "circle.charter")
	if err := os.WriteFile(rules, []byte(`community Club {
  member { posts: int }
  roles {
    writer if posts >= 5
    reader otherwise
  }
  goal size { measure members; target <= 150 }
}

community Circle extends Club {
  admit if role >= writer && members < 2
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	members := filepath.Join(dir, "m.jsonl")
	if err := os.WriteFile(members, []byte(`{"id": "a", "posts": 1}
{"id": "b", "posts": 9}
{"id": "c", "posts": 2}
{"id": "d", "posts": 7}
{"id": "e", "posts": 8}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	query := []string{rules, "--community", "Circle", "--members", members, "--at", "2026-01-15T00:00:00Z"}
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"roles"}, query...), strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("roles: exit %d: %s", code, stderr.String())
	}
	if got, want := stdout.String(), "b\twriter\t\nd\twriter\t\n"; got != want {
		t.Errorf("roles printed %q, want %q", got, want)
	}
	stdout.Reset()
	if code := run(append([]string{"goals", "--format", "json"}, query...), strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("goals: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"value": 2,`) {
		t.Errorf("size should count the 2 admitted members:\n%s", stdout.String())
	}
	// The parent has no admission: every line is a member.
	stdout.Reset()
	query[2] = "Club"
	if code := run(append([]string{"roles"}, query...), strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("roles of Club: exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 5 {
		t.Errorf("roles of Club printed %d lines, want 5:\n%s", n, stdout.String())
	}
}
