package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fanclubFile = "../../examples/fanclub/fanclub.charter"

// charterIn is charter with standard input.
func charterIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// tempFile writes a file in a fresh temporary directory and returns its path.
func tempFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	at0        = "2026-01-15T00:00:00Z"
	introduced = `{"posts": 2, "@history": {"introduce": ["2026-01-02T10:00:00Z"]}}`
	postCall   = `post(length: 10, topic: "hi")`
)

// evalArgs is an eval command line for FanClub with the flags given last.
func evalArgs(flags ...string) []string {
	return append([]string{"eval", fanclubFile, "--community", "FanClub", "--at", at0}, flags...)
}

func TestEvalAllowAndDeny(t *testing.T) {
	label := func(what, pos string) string { return what + " (" + fanclubFile + ":" + pos + ")" }
	tests := []struct {
		name   string
		member string
		action string
		want   string
	}{
		{"may allows", introduced, postCall,
			"allow post\n  rule: " + label("may post", "36:3") + "\n  reason: may post\n"},
		{"first denies", `{"posts": 2}`, postCall,
			"deny post\n  rule: " + label("first introduce then post", "40:3") + "\n  reason: Say hello before your first post\n"},
		{"every denying rule", `{}`, `post(length: 6000, topic: "hi")`,
			"deny post\n" +
				"  rule: " + label("must not post", "39:3") + "\n  reason: Posts are capped at 5,000 characters\n" +
				"  rule: " + label("first introduce then post", "40:3") + "\n  reason: Say hello before your first post\n"},
		{"default decides", `{"reputation": 1.0}`, `tip(to: "bob", amount: 5)`, "deny tip (by default)\n"},
		{"member parameter and float attribute", `{"reputation": 9.5}`, `tip(to: "bob", amount: 5)`,
			"allow tip\n  rule: " + label("may tip", "38:3") + "\n  reason: may tip\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := charterIn(t, "", evalArgs("--member", tc.member, "--action", tc.action)...)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, errOut)
			}
			if out != tc.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tc.want)
			}
		})
	}
}

func TestEvalSanction(t *testing.T) {
	rules := tempFile(t, "club.charter", `community Club {
  default allow
  action post(length: int)
  must not post if length > 100 because "Too long" else mute 1h
}
`)
	code, out, errOut := charterIn(t, "", "eval", rules, "--community", "Club", "--at", at0, "--action", "post(length: 200)")
	want := "deny post\n  rule: must not post (" + rules + ":4:3)\n  reason: Too long\n  sanction: mute 1h\n"
	if code != exitOK || out != want {
		t.Errorf("exit %d, stdout:\n%s\nstderr %q; want 0 and:\n%s", code, out, errOut, want)
	}
	code, out, _ = charterIn(t, "", "eval", rules, "--community", "Club", "--at", at0, "--action", "post(length: 20)", "--format", "json")
	var d decisionJSON
	if err := json.Unmarshal([]byte(out), &d); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if !d.Allowed || !d.ByDefault || len(d.Rules) != 0 {
		t.Errorf("got %+v, want allowed by default with no rules", d)
	}
}

func TestEvalExplain(t *testing.T) {
	code, out, _ := charterIn(t, "", evalArgs("--member", introduced, "--action", postCall, "--explain")...)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		"allow post",
		"  rule: may post (" + fanclubFile + ":36:3)",
		"  reason: may post",
		"  [false] must not post (" + fanclubFile + ":39:3): length > 5000",
		"  [true] first introduce then post (" + fanclubFile + ":40:3): already did introduce",
		"  [true] limit post 3 per 1d (" + fanclubFile + ":41:3): role <= participant",
	}
	if len(lines) < len(want) {
		t.Fatalf("stdout:\n%s\nwant at least:\n%s", out, strings.Join(want, "\n"))
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d: %q, want %q", i+1, lines[i], w)
		}
	}
	// Without --explain there is no trace.
	_, plain, _ := charterIn(t, "", evalArgs("--member", introduced, "--action", postCall)...)
	if strings.Contains(plain, "[") {
		t.Errorf("trace without --explain:\n%s", plain)
	}
}

func TestEvalJSON(t *testing.T) {
	code, out, errOut := charterIn(t, "", evalArgs("--member", `{}`, "--action", `post(length: 6000, topic: "x")`, "--format", "json", "--explain")...)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var d decisionJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if d.Action != "post" || d.Allowed || d.ByDefault || len(d.Rules) != 2 {
		t.Fatalf("got %+v, want post denied by two rules", d)
	}
	if r := d.Rules[0]; r.Kind != "must not" || r.Reason != "Posts are capped at 5,000 characters" || !strings.HasPrefix(r.Label, "must not post (") {
		t.Errorf("first rule %+v", r)
	}
	if d.Rules[1].Kind != "first" {
		t.Errorf("second rule kind %q, want first", d.Rules[1].Kind)
	}
	if len(d.Trace) == 0 || d.Trace[0].What != "length > 5000" || !d.Trace[0].Value {
		t.Errorf("trace %+v, want the length condition first, true", d.Trace)
	}
	if strings.Contains(out, `\u003c`) || strings.Contains(out, `\u003e`) {
		t.Errorf("comparison operators are escaped:\n%s", out)
	}
	_, out, _ = charterIn(t, "", evalArgs("--member", introduced, "--action", postCall, "--format", "json")...)
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["trace"]; ok {
		t.Errorf("trace present without --explain: %s", out)
	}
	if raw["allowed"] != true {
		t.Errorf("allowed = %v, want true", raw["allowed"])
	}
}

func TestEvalMemberFromFile(t *testing.T) {
	p := tempFile(t, "m.json", introduced+"\n")
	for _, tc := range []struct{ arg, stdin string }{{"@" + p, ""}, {"@-", introduced}} {
		code, out, errOut := charterIn(t, tc.stdin, evalArgs("--member", tc.arg, "--action", postCall)...)
		if code != exitOK || !strings.HasPrefix(out, "allow post\n") {
			t.Errorf("--member %s: exit %d, stdout %q, stderr %q; want allow", tc.arg, code, out, errOut)
		}
	}
}

func TestEvalFlagsAnywhere(t *testing.T) {
	code, out, _ := charterIn(t, "", "eval", "--community", "FanClub", "--action", postCall, fanclubFile, "--at", at0, "--member", introduced)
	if code != exitOK || !strings.HasPrefix(out, "allow post") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}

func TestEvalBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown community", []string{"eval", fanclubFile, "--community", "Nope", "--at", at0, "--action", postCall},
			`unknown community "Nope"; the files declare FanClub, WritingAdvisors`},
		{"no community", []string{"eval", fanclubFile, "--at", at0, "--action", postCall},
			"--community is required; the files declare FanClub, WritingAdvisors"},
		{"unknown action", evalArgs("--action", "shout()"),
			`--action: 1:1: unknown action "shout": FanClub declares introduce, post`},
		{"malformed call", evalArgs("--action", "post(length: )"), `--action: 1:14: want a value for length, got ")"`},
		{"missing argument", evalArgs("--action", "post(length: 1)"), "--action: 1:15: post needs argument topic (string)"},
		{"unknown parameter", evalArgs("--action", `post(length: 1, topic: "x", mood: 1)`), `--action: 1:29: post has no parameter "mood"`},
		{"wrong argument type", evalArgs("--action", `post(length: "long", topic: "x")`),
			`--action: 1:14: argument length of post: want int, got a string "long"`},
		{"no action", evalArgs(), "--action is required"},
		{"wrong attribute type", evalArgs("--member", `{"posts": "many"}`, "--action", postCall),
			`--member: attribute posts: want int, got a string "many"`},
		{"fractional int attribute", evalArgs("--member", `{"posts": 1.5}`, "--action", postCall), "--member: attribute posts: want int"},
		{"unknown attribute", evalArgs("--member", `{"karma": 1}`, "--action", postCall), `--member: unknown attribute "karma"`},
		{"bad JSON", evalArgs("--member", `{"posts": `, "--action", postCall), "--member: member JSON:"},
		{"empty member", evalArgs("--member", ``, "--action", postCall), "--member is empty"},
		{"bad history", evalArgs("--member", `{"@history": {"post": ["soon"]}}`, "--action", postCall), "--member: @history.post[0]:"},
		{"missing member file", evalArgs("--member", "@/does/not/exist.json", "--action", postCall), "--member: open /does/not/exist.json"},
		{"missing --at", []string{"eval", fanclubFile, "--community", "FanClub", "--action", postCall}, "--at is required"},
		{"bad --at", []string{"eval", fanclubFile, "--community", "FanClub", "--action", postCall, "--at", "2026-01-15"},
			`--at "2026-01-15": want an RFC 3339 time`},
		{"bad format", evalArgs("--action", postCall, "--format", "yaml"), `unknown format "yaml"`},
		{"unknown flag", evalArgs("--action", postCall, "--verbose"), "flag provided but not defined: -verbose"},
		{"no files", []string{"eval", "--community", "FanClub", "--at", at0, "--action", postCall}, "no rule files given"},
		{"missing file", []string{"eval", "nope.charter", "--community", "FanClub", "--at", at0, "--action", postCall}, "nope.charter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := charterIn(t, "", tc.args...)
			if code != exitUsage || out != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, exitUsage)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tc.want)
			}
			if !strings.HasPrefix(errOut, "charter eval: ") && !strings.Contains(tc.want, "flag") {
				t.Errorf("stderr %q does not name the command", errOut)
			}
		})
	}
}

func TestEvalRuleFileErrors(t *testing.T) {
	bad := badFile(t)
	code, out, errOut := charterIn(t, "", "eval", bad, "--community", "Club", "--at", at0, "--action", "post()")
	if code != exitFindings || out != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, exitFindings)
	}
	if !strings.HasPrefix(errOut, bad+":3:3: error: ") || !strings.Contains(errOut, "allow post\n") {
		t.Errorf("stderr %q, want the diagnostic with its source line", errOut)
	}
	if !strings.HasSuffix(errOut, "charter eval: the rule files have 1 error\n") {
		t.Errorf("stderr %q, want the count last", errOut)
	}
}

// TestEvalBetweenMembers: --members gives the members a member argument
// names, so that rules reading their attributes decide, and --as the
// acting member's id, which rules comparing members need. Without them
// the call is denied with the reason, never decided on defaults.
func TestEvalBetweenMembers(t *testing.T) {
	rules := tempFile(t, "tips.charter", `community Tips {
  member { points: int }
  action tip(to: member)
  may tip if to.points < points
  must not tip if to == me because "not yourself"
}
`)
	members := tempFile(t, "members.jsonl", `{"id": "ann", "points": 5}
{"id": "bob", "points": 1}
`)
	base := []string{"eval", rules, "--community", "Tips", "--at", at0}
	for _, tc := range []struct {
		name  string
		flags []string
		code  int
		out   string
		err   string
	}{
		{"members and as", []string{"--members", members, "--as", "ann", "--action", `tip(to: "bob")`}, 0, "allow tip\n", ""},
		{"not yourself", []string{"--members", members, "--as", "ann", "--action", `tip(to: "ann")`}, 0, "deny tip\n", ""},
		{"richer other", []string{"--members", members, "--as", "bob", "--action", `tip(to: "ann")`}, 0, "deny tip (by default)\n", ""},
		{"member with as", []string{"--member", `{"points": 9}`, "--as", "cat", "--members", members, "--action", `tip(to: "ann")`}, 0, "allow tip\n", ""},
		{"member without as", []string{"--member", `{"points": 9}`, "--members", members, "--action", `tip(to: "ann")`}, 0, "deny tip\n", ""},
		{"no members", []string{"--member", `{"points": 9}`, "--as", "cat", "--action", `tip(to: "ann")`}, 0, "deny tip\n", ""},
		{"unknown argument", []string{"--members", members, "--as", "ann", "--action", `tip(to: "zed")`}, 2, "", `--action: argument to of tip: no member "zed" in`},
		{"unknown actor", []string{"--members", members, "--as", "zed", "--action", `tip(to: "ann")`}, 2, "", `--as: no member "zed" in`},
		{"as alone", []string{"--as", "ann", "--action", `tip(to: "ann")`}, 2, "", "--as names a member of --members, or the id of --member"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := charterIn(t, "", append(base, tc.flags...)...)
			if code != tc.code || !strings.HasPrefix(out, tc.out) || tc.out == "" && out != "" || !strings.Contains(errOut, tc.err) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout starting %q, stderr holding %q", code, out, errOut, tc.code, tc.out, tc.err)
			}
		})
	}
	// Without --members the reason says why the call was not decided.
	_, out, _ := charterIn(t, "", append(base, "--member", `{"points": 9}`, "--as", "cat", "--action", `tip(to: "ann")`)...)
	if !strings.Contains(out, `reason: argument to of tip: a rule of tip reads to's attributes, and an ID ("ann") names no member outside a State`) {
		t.Errorf("without --members: %q", out)
	}
}

// --members gives the goals a decision under `when` reads (issue 14): the
// size goal unmet past 150 members turns invitations off.
func TestEvalWithMembersGoals(t *testing.T) {
	var crowd strings.Builder
	for i := range 151 {
		fmt.Fprintf(&crowd, "{\"id\": \"m%d\"}\n", i)
	}
	args := func(members string) []string {
		return []string{"eval", fanclubFile, "--community", "FanClub", "--member", `{"posts": 9}`,
			"--action", `invite(guest: "x")`, "--at", at0, "--members", members}
	}
	code, out, errOut := charterIn(t, crowd.String(), args("-")...)
	if code != exitOK || !strings.HasPrefix(out, "deny invite\n  rule: must not invite") || !strings.Contains(out, "Dunbar's number") {
		t.Errorf("151 members: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	code, out, errOut = charterIn(t, "", args(sampleMembers)...)
	if code != exitOK || !strings.HasPrefix(out, "allow invite\n") {
		t.Errorf("the 15 sample members: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	// Without --members the when block is inactive: the rule does not deny.
	code, out, _ = charterIn(t, "", args(sampleMembers)[:len(args(sampleMembers))-2]...)
	if code != exitOK || !strings.HasPrefix(out, "allow invite\n") {
		t.Errorf("no --members: exit %d, stdout:\n%s", code, out)
	}
	code, out, errOut = charterIn(t, "{}", "eval", fanclubFile, "--community", "FanClub", "--member", "@-", "--members", "-", "--action", "introduce()", "--at", at0)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "both read standard input") {
		t.Errorf("two readers of stdin: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = charterIn(t, "{\"id\": \"a\", \"posts\": \"x\"}\n", args("-")...)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "--members: stdin:1: member \"a\": attribute posts") {
		t.Errorf("a bad members line: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestEvalHas: --member gives exactly the keys it holds (SPEC §7.7), an
// empty string included, and a JSON null is refused rather than read as
// a value left out.
func TestEvalHas(t *testing.T) {
	file := tempFile(t, "has.charter", `community Club {
  member { email: string }
  action post()
  may post if has(email) because "give an email first"
}
`)
	for _, tc := range []struct {
		member string
		code   int
		want   string
	}{
		{`{}`, exitOK, "reason: give an email first\n"},
		{`{"email": ""}`, exitOK, "allow post\n"},
		{`{"email": null}`, exitUsage, "attribute email: want string, got null"},
	} {
		code, out, errOut := charterIn(t, "", "eval", file, "--community", "Club", "--at", at0, "--member", tc.member, "--action", "post()")
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("--member %s: exit %d, stdout %q, stderr %q; want %d and %q", tc.member, code, out, errOut, tc.code, tc.want)
		}
	}
}
