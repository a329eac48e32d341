package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const sampleMembers = "../../examples/fanclub/members.jsonl"

func rolesArgs(members string, flags ...string) []string {
	return append([]string{"roles", fanclubFile, "--community", "FanClub", "--members", members, "--at", at0}, flags...)
}

func TestRolesSample(t *testing.T) {
	code, out, errOut := charterIn(t, "", rolesArgs(sampleMembers)...)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := strings.Join([]string{
		"alice\tleader\topinion_leader",
		"bruno\tleader\topinion_leader",
		"chen\tleader\t",
		"dana\tcreator\t",
		"emeka\tcreator\tinactive",
		"farah\tcommenter\t",
		"goran\tcommenter\t",
		"hana\tcollector\t",
		"ivan\tcollector\tinactive",
		"julia\tparticipant\t",
		"kofi\tparticipant\t",
		"lena\tonlooker\t",
		"mateo\tonlooker\tinactive",
		"nadia\tonlooker\t",
		"oscar\tparticipant\topinion_leader",
	}, "\n") + "\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
}

// The sample must show every role and badge of FanClub, so that the README
// example exercises them all.
func TestSampleCoversRolesAndBadges(t *testing.T) {
	_, out, _ := charterIn(t, "", rolesArgs(sampleMembers)...)
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		seen[f[1]] = true
		for _, b := range strings.Split(f[2], ",") {
			seen[b] = true
		}
	}
	for _, name := range []string{"leader", "creator", "commenter", "collector", "participant", "onlooker", "opinion_leader", "inactive"} {
		if !seen[name] {
			t.Errorf("no member of %s is %s", sampleMembers, name)
		}
	}
}

func TestRolesJSON(t *testing.T) {
	members := "{\"id\": \"ann\", \"posts\": 9, \"last_seen\": \"2026-01-14T00:00:00Z\"}\n{\"id\": \"ben\"}\n"
	code, out, errOut := charterIn(t, members, rolesArgs("-", "--format", "json")...)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per member, got:\n%s", out)
	}
	var ann, ben roleJSON
	if err := json.Unmarshal([]byte(lines[0]), &ann); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &ben); err != nil {
		t.Fatal(err)
	}
	if ann.ID != "ann" || ann.Role != "creator" || ann.Badges == nil || len(ann.Badges) != 0 {
		t.Errorf("ann: %+v, want creator with no badges", ann)
	}
	if ben.ID != "ben" || ben.Role != "onlooker" || len(ben.Badges) != 1 || ben.Badges[0] != "inactive" {
		t.Errorf("ben: %+v, want onlooker, inactive", ben)
	}
	if !strings.Contains(lines[0], `"badges":[]`) {
		t.Errorf("no badges must be [], not null: %s", lines[0])
	}
}

func TestRolesReadsLeniently(t *testing.T) {
	// A byte order mark, CRLF line ends, blank and whitespace-only lines.
	members := "\uFEFF{\"id\": \"ann\", \"posts\": 9}\r\n\r\n   \n\t{\"id\": \"ben\", \"comments\": 1}\r\n"
	code, out, errOut := charterIn(t, members, rolesArgs("-")...)
	if want := "ann\tcreator\tinactive\nben\tparticipant\tinactive\n"; code != exitOK || out != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	code, out, _ = charterIn(t, "", rolesArgs(tempFile(t, "empty.jsonl", ""))...)
	if code != exitOK || out != "" {
		t.Errorf("empty file: exit %d, stdout %q", code, out)
	}
}

// badMembers are members files whose line 3 is wrong, and what the error
// says after "members.jsonl:3".
var badMembers = []struct {
	name, line, want string
}{
	{"malformed JSON", `{"id": "c", "posts": }`, `:22: invalid JSON: invalid character '}' looking for beginning of value`},
	{"unclosed object", `{"id": "c"`, ": invalid JSON: the object is not closed"},
	{"not an object", `[1, 2]`, ": want a JSON object for a member, got array"},
	{"null", `null`, ": want a JSON object for a member, got null"},
	{"two values", `{"id": "c"} {"id": "d"}`, ": more than one JSON value on the line"},
	{"missing id", `{"posts": 1}`, `: missing "id"`},
	{"numeric id", `{"id": 7}`, `: "id" must be a string, got a number`},
	{"empty id", `{"id": ""}`, `: "id" is empty`},
	{"tab in id", `{"id": "c\td"}`, `: "id" "c\td" contains a control character`},
	{"duplicate id", `{"id": "a"}`, `: duplicate id "a" (first on line 1)`},
	{"unknown attribute", `{"id": "c", "karma": 3}`, `: member "c": unknown attribute "karma"`},
	{"wrong attribute type", `{"id": "c", "introduced": "yes"}`, `: member "c": attribute introduced: want bool, got a string "yes"`},
	{"fractional int", `{"id": "c", "posts": 2.5}`, `: member "c": attribute posts: want int`},
	{"bad time", `{"id": "c", "last_seen": "yesterday"}`, `: member "c": attribute last_seen: want time`},
	{"bad history", `{"id": "c", "@history": {"shout": []}}`, `: member "c": @history: unknown action "shout"`},
}

func TestRolesBadLines(t *testing.T) {
	for _, tc := range badMembers {
		t.Run(tc.name, func(t *testing.T) {
			p := tempFile(t, "members.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\"}\n"+tc.line+"\n{\"id\": \"z\"}\n")
			code, out, errOut := charterIn(t, "", rolesArgs(p)...)
			if code != exitUsage || out != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, exitUsage)
			}
			if want := "charter roles: " + p + ":3" + tc.want; !strings.HasPrefix(errOut, want) {
				t.Errorf("stderr %q\nwant     %q...", errOut, want)
			}
		})
	}
}

func TestRolesUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing --at", []string{"roles", fanclubFile, "--community", "FanClub", "--members", sampleMembers}, "--at is required"},
		{"bad --at", rolesArgs(sampleMembers, "--at", "15/01/2026"), `--at "15/01/2026": want an RFC 3339 time`},
		{"missing --members", []string{"roles", fanclubFile, "--community", "FanClub", "--at", at0}, "--members is required"},
		{"unreadable members", rolesArgs("/does/not/exist.jsonl"), "open /does/not/exist.jsonl"},
		{"unknown community", []string{"roles", fanclubFile, "--community", "fanclub", "--members", sampleMembers, "--at", at0},
			`unknown community "fanclub"; the files declare FanClub, WritingAdvisors`},
		{"bad format", rolesArgs(sampleMembers, "--format", "csv"), `unknown format "csv"`},
		{"line too long", rolesArgs(tempFile(t, "long.jsonl", "{\"id\": \"a\"}\n"+strings.Repeat(" ", maxMemberLine+1)+"\n")),
			":2: line is longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := charterIn(t, "", tc.args...)
			if code != exitUsage || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing, and %q", code, out, errOut, exitUsage, tc.want)
			}
		})
	}
}

// endless is a members stream that never ends: a line, over and over.
type endless struct{ line []byte }

func (e endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], e.line)
	}
	return n, nil
}

// TestMembersTotalBound holds a members stream to --max-members-size:
// the line that takes the total over it is the error, with its number and
// the flag to raise, and nothing is printed; a stream of exactly the size
// is read.
func TestMembersTotalBound(t *testing.T) {
	three := "{\"id\": \"a\"}\n{\"id\": \"b\"}\n{\"id\": \"c\"}\n" // 36 bytes
	over := func(t *testing.T, wantLine string, code int, out, errOut string) {
		t.Helper()
		want := wantLine + ": the members come to more than"
		if code != exitUsage || out != "" || !strings.Contains(errOut, want) || !strings.Contains(errOut, "--max-members-size") {
			t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing, and %q naming the flag", code, out, errOut, exitUsage, want)
		}
	}
	t.Run("exactly the size", func(t *testing.T) {
		code, out, errOut := charterIn(t, "", rolesArgs(tempFile(t, "m.jsonl", three), "--max-members-size", "36")...)
		if code != exitOK || strings.Count(out, "\n") != 3 {
			t.Errorf("exit %d, stdout %q, stderr %q; want the three members", code, out, errOut)
		}
	})
	t.Run("one byte over", func(t *testing.T) {
		code, out, errOut := charterIn(t, "", rolesArgs(tempFile(t, "m.jsonl", three), "--max-members-size", "35")...)
		over(t, "m.jsonl:3", code, out, errOut)
	})
	t.Run("the last line without its newline", func(t *testing.T) {
		code, out, errOut := charterIn(t, "", rolesArgs(tempFile(t, "m.jsonl", strings.TrimSuffix(three, "\n")), "--max-members-size", "34")...)
		over(t, "m.jsonl:3", code, out, errOut)
	})
	t.Run("blank lines count", func(t *testing.T) {
		code, out, errOut := charterIn(t, strings.Repeat("\n", 1000), rolesArgs("-", "--max-members-size", "100")...)
		over(t, "stdin:101", code, out, errOut)
	})
	for _, cmd := range []string{"goals", "duties", "messages"} {
		t.Run(cmd, func(t *testing.T) {
			args := rolesArgs(tempFile(t, "m.jsonl", three), "--max-members-size", "20")
			args[0] = cmd
			code, out, errOut := charterIn(t, "", args...)
			over(t, "m.jsonl:2", code, out, errOut)
		})
	}
	t.Run("eval", func(t *testing.T) {
		code, out, errOut := charterIn(t, "", "eval", fanclubFile, "--community", "FanClub", "--action", "introduce()", "--at", at0,
			"--members", tempFile(t, "m.jsonl", three), "--max-members-size", "20")
		over(t, "m.jsonl:2", code, out, errOut)
	})
	t.Run("an endless stream", func(t *testing.T) {
		// Before the bound, this read until memory ran out.
		var stdout, stderr bytes.Buffer
		code := run(rolesArgs("-", "--max-members-size", "1000000"), endless{[]byte("\n")}, &stdout, &stderr)
		over(t, "stdin:1000001", code, stdout.String(), stderr.String())
	})
	for _, v := range []string{"0", "-1"} {
		t.Run("--max-members-size "+v, func(t *testing.T) {
			code, out, errOut := charterIn(t, "", rolesArgs(tempFile(t, "m.jsonl", three), "--max-members-size", v)...)
			if code != exitUsage || out != "" || !strings.Contains(errOut, "want a positive number of bytes") {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}
