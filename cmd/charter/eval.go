package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
)

func init() {
	register(&command{
		name:    "eval",
		summary: "decide one action of one member",
		usage: `usage: charter eval FILE... --community NAME --action CALL --at TIME
                    [--member JSON|@PATH] [--members PATH] [--as ID]
                    [--max-members-size BYTES]
                    [--explain] [--set NAME=VALUE]... [--format text|json]

Eval decides whether a member may take an action at a time, as the rules
of the community say, and prints the decision with the rules that made it.
A FILE is a Charter file or a directory of them, as for charter check.
--at is always required, even for rules that read no time: Charter never
reads the clock, so every answer is for a time you give.

Flags:
  --community NAME  the community that decides (required)
  --action CALL     the action call, written as in a test block:
                    'post(length: 10, topic: "hi")'. Arguments are
                    constants: numbers, strings, true, false, durations
                    such as 7d and lists such as ["a", "b"]; a member
                    parameter takes the other member's ID as a string,
                    a member of --members when a rule reads it
  --at TIME         the evaluation time in RFC 3339, such as
                    2026-01-15T00:00:00Z (required: eval never reads the
                    clock, and windows and days_since depend on it)
  --member JSON     the member as a JSON object of attributes; missing
                    attributes take their defaults (the default is {}).
                    Write @PATH to read the object from a file, @- from
                    standard input. The "@history" key lists when the
                    member took each action:
                    {"posts": 3, "@history": {"introduce": ["2026-01-02T10:00:00Z"]}}
  --members PATH    the other members, as JSON Lines (- for standard
                    input), read as charter roles reads them: the goals
                    are computed over those the community admits (as
                    charter goals does), so that rules under when and
                    conditions that read goals decide as they would in a
                    State holding them. The --member need not be among
                    them. A member argument names one of them by id, so
                    that rules such as 'to.points > 0' read it
  --max-members-size BYTES
                    the most bytes --members may hold, blank lines and
                    line ends counted (default 268435456: 256 MiB); the
                    line that goes over is an error
  --as ID           the acting member's id, which rules such as
                    'to != me' compare: with --member, the id of that
                    member; without it, the member of --members with
                    this id
  --explain         also print every condition evaluated, in order
  --set NAME=VALUE  a value for the community's setting NAME in place of
                    its default (repeatable): 10, 2.5, true, 7d, or text
                    for a string (SPEC §6.4.1)
  --format text     the decision, then for each deciding rule its label,
                    reason and sanction (the default)
  --format json     one JSON object: {"action", "allowed", "byDefault",
                    "rules": [{"label", "kind", "reason", "sanction"}],
                    "trace": [{"rule", "what", "value"}]} (trace only with
                    --explain; sanction only when the rule has one)

Without --members, rules inside a when block are inactive and goal fields
read as unmet: a single member gives no goal values for them to read.

Example:

  $ charter eval examples/fanclub --community FanClub \
      --member '{"posts": 2}' --action 'post(length: 10, topic: "hi")' \
      --at 2026-01-15T00:00:00Z
  deny post
    rule: first introduce then post (examples/fanclub/fanclub.charter:40:3)
    reason: Say hello before your first post

Exit status: 0 a decision was made (allow or deny: the decision is the
output, not a failure), 1 the rule files have errors (printed as charter
check prints them, on standard error), 2 usage errors: a missing or
unknown flag, an unknown community or action, a malformed call or member,
an argument or attribute of the wrong type, a bad --at. Nothing is printed
on standard output unless the decision is made.
`,
		run: runEval,
	})
}

// decisionJSON is the --format json form of a decision.
type decisionJSON struct {
	Action    string      `json:"action"`
	Allowed   bool        `json:"allowed"`
	ByDefault bool        `json:"byDefault"`
	Rules     []ruleJSON  `json:"rules"`
	Trace     []traceJSON `json:"trace,omitempty"`
}

type ruleJSON struct {
	Label    string `json:"label"`
	Kind     string `json:"kind"`
	Reason   string `json:"reason"`
	Sanction string `json:"sanction,omitempty"`
}

type traceJSON struct {
	Rule  string `json:"rule"`
	What  string `json:"what"`
	Value bool   `json:"value"`
}

func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := commands["eval"]
	fs := newFlags(c, stderr)
	community := fs.String("community", "", "the community that decides")
	action := fs.String("action", "", "the action call, such as 'post(length: 10)'")
	at := fs.String("at", "", "the evaluation time, RFC 3339")
	memberArg := fs.String("member", "{}", "the member as a JSON object, or @path")
	membersPath := fs.String("members", "", "the members whose goals apply, as JSON Lines, - for stdin")
	as := fs.String("as", "", "the acting member's id (with --members alone: the member of --members)")
	explain := fs.Bool("explain", false, "print every condition evaluated")
	format := fs.String("format", "text", "output format: text or json")
	maxSize := fs.Int64("max-members-size", defaultMaxMembersSize, "the most bytes --members may hold")
	var sets setFlags
	fs.Var(&sets, "set", "a setting's value, name=value (repeatable)")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "charter eval: "+format+"\n", args...)
		return exitUsage
	}
	if err := checkFormat(*format); err != nil {
		return fail("%v", err)
	}
	if err := checkMaxSize(*maxSize); err != nil {
		return fail("%v", err)
	}
	if len(paths) == 0 {
		fmt.Fprint(stderr, "charter eval: no rule files given\n\n", c.usage)
		return exitUsage
	}
	if *action == "" {
		return fail(`--action is required: give the call, such as --action 'post(length: 10, topic: "hi")'`)
	}
	when, err := parseAt(*at)
	if err != nil {
		return fail("%v", err)
	}
	// Read the member before loading, so that an unreadable @file is
	// reported whatever the rule files hold.
	data, err := readArg(*memberArg, stdin)
	if err != nil {
		return fail("--member: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(`--member is empty: give a JSON object such as {"posts": 3}`)
	}

	memberGiven := false
	fs.Visit(func(f *flag.Flag) { memberGiven = memberGiven || f.Name == "member" })
	if *as != "" && *membersPath == "" && !memberGiven {
		return fail("--as names a member of --members, or the id of --member: give one of them")
	}

	com, code := openCommunity("eval", paths, *community, stderr)
	if com == nil {
		return code
	}
	if com, err = sets.apply(com); err != nil {
		return fail("%v", err)
	}
	var goals runtime.Goals
	var byID map[string]*runtime.Member
	if *membersPath != "" {
		if *membersPath == "-" && *memberArg == "@-" {
			return fail("--member @- and --members - both read standard input: give one of them as a file")
		}
		members, err := readMembersFile(*membersPath, stdin, com, *maxSize)
		if err != nil {
			return fail("--members: %v", err)
		}
		goals = admittedGoals(com, members, when)
		byID = make(map[string]*runtime.Member, len(members))
		for _, l := range members {
			byID[l.id] = l.m
		}
	}
	var m *runtime.Member
	if *as != "" && !memberGiven {
		if m = byID[*as]; m == nil {
			return fail("--as: no member %q in %s", *as, *membersPath)
		}
	} else {
		if m, err = com.MemberJSON(data); err != nil {
			return fail("--member: %v", err)
		}
		m.ID = *as
	}
	call, err := com.ParseCall(*action)
	if err != nil {
		return fail("--action: %s", callProblem(err))
	}
	if byID != nil {
		// Member arguments name members of --members, whose attributes
		// rules such as to.points > 0 read (SPEC §6.5).
		lookup := func(id string) (*runtime.Member, bool) { m, ok := byID[id]; return m, ok }
		if err := call.ResolveMembers(lookup); err != nil {
			return fail("--action: %v in %s", err, *membersPath)
		}
	}
	var d runtime.Decision
	var trace []runtime.TraceStep
	if *explain {
		d, trace = com.Explain(m, call, when, goals)
	} else {
		d = com.DecideCall(m, call, when, goals)
	}

	var out bytes.Buffer
	if *format == "json" {
		err = writeDecisionJSON(&out, d, trace, *explain)
	} else {
		writeDecisionText(&out, d, trace)
	}
	if err != nil {
		return fail("%v", err)
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return fail("writing the decision: %v", err)
	}
	return exitOK
}

func writeDecisionText(w *bytes.Buffer, d runtime.Decision, trace []runtime.TraceStep) {
	verdict := "deny"
	if d.Allowed {
		verdict = "allow"
	}
	fmt.Fprintf(w, "%s %s", verdict, d.Action)
	if d.ByDefault {
		w.WriteString(" (by default)")
	}
	w.WriteByte('\n')
	for _, r := range d.Rules {
		fmt.Fprintf(w, "  rule: %s\n  reason: %s\n", r.Label, oneLine(r.Reason))
		if r.Sanction != nil {
			fmt.Fprintf(w, "  sanction: %s\n", r.Sanction)
		}
	}
	for _, s := range trace {
		fmt.Fprintf(w, "  [%t] %s: %s\n", s.Value, s.Rule, oneLine(s.What))
	}
}

// oneLine keeps a reason or condition that spans lines on one output line,
// so that every output line starts with what it is.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func writeDecisionJSON(w *bytes.Buffer, d runtime.Decision, trace []runtime.TraceStep, explain bool) error {
	out := decisionJSON{Action: d.Action, Allowed: d.Allowed, ByDefault: d.ByDefault, Rules: []ruleJSON{}}
	for _, r := range d.Rules {
		rj := ruleJSON{Label: r.Label, Kind: r.Kind.String(), Reason: r.Reason}
		if r.Sanction != nil {
			rj.Sanction = r.Sanction.String()
		}
		out.Rules = append(out.Rules, rj)
	}
	if explain {
		out.Trace = []traceJSON{}
		for _, s := range trace {
			out.Trace = append(out.Trace, traceJSON{Rule: s.Rule, What: s.What, Value: s.Value})
		}
	}
	return encodeJSON(w, out, "  ")
}

// encodeJSON writes v and a newline; indent "" writes one line. HTML
// escaping is off: conditions such as "role <= participant" stay readable.
func encodeJSON(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}

// callProblem says what is wrong with the --action text: each diagnostic as
// line:column in the text, message and code, without the severity, which
// is always error here.
func callProblem(err error) string {
	var ds diag.List
	if !errors.As(err, &ds) {
		return err.Error()
	}
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = fmt.Sprintf("%s: %s [%s]", d.Range.Start, d.Message, d.Code)
	}
	return strings.Join(lines, "\n")
}
