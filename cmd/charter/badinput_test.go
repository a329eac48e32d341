package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBadInputMatrix runs the CLI over every kind of bad input SPEC.md
// ("Bad input") lists and checks the exit status, that nothing is printed
// as if it were a result, and that the error names a position or the thing
// that was wrong.
func TestBadInputMatrix(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	club := "../../examples/fanclub/fanclub.charter"
	n := 0
	members := func(lines string) string {
		n++
		return write(fmt.Sprintf("m%d.jsonl", n), []byte(lines))
	}
	at := "--at=2026-01-15T00:00:00Z"
	// Each given members step is within its own limit, but together they
	// would have charter test join 2,000,000 members.
	crowd := "community Crowd {\n  member { n: int }\n  test \"a\" {\n    given members 1000000 {}\n  }\n  test \"b\" {\n    given members 1000000 {}\n  }\n}\n"
	pos := regexp.MustCompile(`:\d+:\d+:`)
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string // a substring of stdout+stderr
		posed  bool   // the message carries file:line:col
	}{
		{"empty file", []string{"check", write("empty.charter", nil)}, 0, "", false},
		{"binary", []string{"check", write("bin.charter", []byte{0, 1, 2, 0xff, 0xfe})}, 1, "CH0010", true},
		{"invalid UTF-8", []string{"check", write("utf.charter", []byte("community A { purpose \"\xc3\x28\" }"))}, 1, "CH0010", true},
		{"BOM", []string{"check", write("bom.charter", []byte("\uFEFFcommunity A { purpose \"x\" }\n"))}, 0, "", false},
		{"CRLF", []string{"check", write("crlf.charter", []byte("community A {\r\n  purpose \"x\"\r\n}\r\n"))}, 0, "", false},
		{"10 MB file", []string{"check", write("big.charter", bytes.Repeat([]byte("// padding line\n"), 10<<20/16))}, 1, "CH0004", true},
		{"10,000-deep parentheses", []string{"check", write("deep.charter", []byte("community A { member { x: int }; action a(); may a if "+strings.Repeat("(", 10000)+"x > 1"+strings.Repeat(")", 10000)+" }"))}, 1, "CH0005", true},
		{"100,000-char identifier", []string{"check", write("long.charter", []byte("community "+strings.Repeat("a", 100000)+" {}"))}, 1, "CH0009", true},
		{"unknown community", []string{"eval", club, "--community", "Nope", "--action", "introduce()", at}, 2, "Nope", false},
		{"unknown action", []string{"eval", club, "--community", "FanClub", "--action", "fly()", at}, 2, "fly", false},
		{"malformed action call", []string{"eval", club, "--community", "FanClub", "--action", "post(length: )", at}, 2, "1:14", false},
		{"wrong argument type", []string{"eval", club, "--community", "FanClub", "--action", `post(length: "long", topic: "x")`, at}, 2, "length", false},
		{"wrong attribute type", []string{"eval", club, "--community", "FanClub", "--member", `{"posts": "many"}`, "--action", "introduce()", at}, 2, "posts", false},
		{"NaN float", []string{"roles", club, "--community", "FanClub", "--members", members(`{"id": "a", "reputation": NaN}` + "\n"), at}, 2, "m1.jsonl:1", false},
		{"huge integer", []string{"eval", club, "--community", "FanClub", "--member", `{"posts": 99999999999999999999999}`, "--action", "introduce()", at}, 2, "posts", false},
		{"float into int", []string{"eval", club, "--community", "FanClub", "--member", `{"posts": 1.5}`, "--action", "introduce()", at}, 2, "posts", false},
		{"null for an attribute", []string{"eval", club, "--community", "FanClub", "--member", `{"posts": null}`, "--action", "introduce()", at}, 2, "leave the key out", false},
		{"odd time format", []string{"eval", club, "--community", "FanClub", "--member", `{"last_seen": "15/01/2026"}`, "--action", "introduce()", at}, 2, "last_seen", false},
		{"odd --at", []string{"eval", club, "--community", "FanClub", "--action", "introduce()", "--at", "yesterday"}, 2, "--at", false},
		{"missing --at", []string{"eval", club, "--community", "FanClub", "--action", "introduce()"}, 2, "--at", false},
		{"malformed JSON line", []string{"roles", club, "--community", "FanClub", "--members", members("{\"id\": \"a\"}\n{\"id\": \"b\",\n"), at}, 2, "m2.jsonl:2", false},
		{"duplicate member id", []string{"roles", club, "--community", "FanClub", "--members", members("{\"id\": \"a\"}\n{\"id\": \"a\"}\n"), at}, 2, "m3.jsonl:2", false},
		{"duplicate key in a member line", []string{"roles", club, "--community", "FanClub", "--members", members("{\"id\": \"a\"}\n{\"id\": \"b\", \"posts\": 1, \"posts\": 2}\n"), at}, 2, `m4.jsonl:2:25: duplicate key "posts"`, false},
		{"duplicate key in --member", []string{"eval", club, "--community", "FanClub", "--member", `{"posts": 1, "reputation": 2, "posts": 3}`, "--action", "introduce()", at}, 2, `duplicate key "posts" at line 1, column 31`, false},
		{"duplicate id key", []string{"roles", club, "--community", "FanClub", "--members", members(`{"id": "a", "id": "b"}` + "\n"), at}, 2, `m5.jsonl:1:13: duplicate key "id"`, false},
		{"duties without --members", []string{"duties", club, "--community", "FanClub", at}, 2, "--members is required", false},
		{"messages with a bad line", []string{"messages", club, "--community", "FanClub", "--members", members("{\"id\": \"a\", \"posts\": \"x\"}\n"), at}, 2, "m6.jsonl:1", false},
		{"duties with a bad --format", []string{"duties", club, "--community", "FanClub", "--members", members("{\"id\": \"a\"}\n"), at, "--format", "xml"}, 2, "unknown format", false},
		{"members over --max-members-size", []string{"roles", club, "--community", "FanClub", "--members", members("{\"id\": \"a\"}\n{\"id\": \"b\"}\n"), "--max-members-size", "20", at}, 2, "m8.jsonl:2: the members come to more than 20 bytes", false},
		{"tests over the file's limit, checked", []string{"check", write("crowd_test.charter", []byte(crowd))}, 1, "CH0012", true},
		{"tests over the file's limit, tested", []string{"test", write("crowd2_test.charter", []byte(crowd))}, 1, "CH0012", true},
		{"load set over 8 MiB", []string{"check", bigSet(t)}, 1, "CH0011", true},
		{"missing file", []string{"check", filepath.Join(dir, "nope.charter")}, 2, "nope.charter", false},
		{"unknown flag", []string{"check", "--frobnicate", club}, 2, "frobnicate", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(tc.args, strings.NewReader(""), &stdout, &stderr)
			all := stdout.String() + stderr.String()
			if got != tc.status {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", got, tc.status, stdout.String(), stderr.String())
			}
			if tc.status == 2 && stdout.Len() > 0 {
				t.Errorf("usage/input error printed a result: %q", stdout.String())
			}
			if tc.stderr != "" && !strings.Contains(all, tc.stderr) {
				t.Errorf("output %q does not mention %q", all, tc.stderr)
			}
			if tc.posed && !pos.MatchString(all) {
				t.Errorf("output %q has no file:line:col", all)
			}
		})
	}
}

// bigSet returns a directory of rule files each under the 2 MiB file
// limit, together over the load set's 8 MiB.
func bigSet(t *testing.T) string {
	dir := t.TempDir()
	chunk := bytes.Repeat([]byte("// a comment line that pads the file out\n"), 2_000_000/41)
	for i := 0; i < 5; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.charter", i)), chunk, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLSPHeaderWithoutEnd: charter lsp given a header line that never ends
// (charter lsp < /dev/zero) breaks the framing at once, exit 1, rather
// than reading the line until memory runs out.
func TestLSPHeaderWithoutEnd(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"lsp"}, endless{[]byte{0}}, &stdout, &stderr)
	if code != exitFindings || !strings.Contains(stderr.String(), "header line longer than 1024 bytes") {
		t.Errorf("exit %d, stderr %q; want 1 and the header line refused", code, stderr.String())
	}
}
