package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

func init() {
	register(&command{
		name:    "roles",
		summary: "print the role and badges of each member",
		usage: `usage: charter roles FILE... --community NAME --members PATH --at TIME
                     [--max-members-size BYTES] [--set NAME=VALUE]...
                     [--format text|json]

Roles prints the role and the badges each member holds at a time. A FILE
is a Charter file or a directory of them, as for charter check. For a
community that extends another with an admit rule, only the members it
admits are listed, judged as charter goals judges them: the lines are
members joining in file order at --at, each judged on those admitted
before it.

Flags:
  --community NAME  the community whose roles and badges apply (required)
  --members PATH    the members, as JSON Lines (required; - for standard
                    input): one JSON object per line with an "id" string,
                    unique in the file, and the member's attributes, as
                    --member of charter eval takes them ("@history"
                    included). Blank lines are skipped
  --max-members-size BYTES
                    the most bytes --members may hold, blank lines and
                    line ends counted (default 268435456: 256 MiB); the
                    line that goes over is an error
  --at TIME         the evaluation time in RFC 3339, such as
                    2026-01-15T00:00:00Z (required: badges such as
                    "inactive" read it)
  --set NAME=VALUE  a value for the community's setting NAME in place of
                    its default (repeatable): 10, 2.5, true, 7d, or text
                    for a string (SPEC §6.4.1)
  --format text     one line per member, in input order:
                    ID<TAB>ROLE<TAB>BADGE,BADGE (the default; the badge
                    field is empty when the member holds none)
  --format json     one JSON object per line: {"id", "role", "badges"}

Example:

  $ cat members.jsonl
  {"id": "alice", "posts": 60, "followers": 600, "reputation": 80}
  {"id": "bob", "comments": 3}
  $ charter roles examples/fanclub --community FanClub \
      --members members.jsonl --at 2026-01-15T00:00:00Z
  alice	leader	opinion_leader,inactive
  bob	participant	inactive

Exit status: 0 success, 1 the rule files have errors (printed as charter
check prints them, on standard error), 2 usage errors: a missing or
unknown flag, an unknown community, a bad --at, or a bad members line,
reported as PATH:LINE: message (malformed JSON, a missing, empty or
duplicate id, an unknown attribute, a value of the wrong type). Every line
is read before anything is printed: on an error, standard output is empty.
`,
		run: runRoles,
	})
}

type roleJSON struct {
	ID     string   `json:"id"`
	Role   string   `json:"role"`
	Badges []string `json:"badges"`
}

func runRoles(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	q, code := parseMembersQuery(commands["roles"], args, stdin, stderr)
	if q == nil {
		return code
	}
	com, members, when, format := q.com, q.members, q.at, &q.format
	fail := func(err error) int {
		fmt.Fprintf(stderr, "charter roles: %v\n", err)
		return exitUsage
	}

	var out bytes.Buffer
	for _, m := range admittedLines(com, members, when) {
		role, badges := com.Role(m.m, when), com.Badges(m.m, when)
		if *format == "json" {
			if badges == nil {
				badges = []string{}
			}
			if err := encodeJSON(&out, roleJSON{ID: m.id, Role: role, Badges: badges}, ""); err != nil {
				return fail(err)
			}
			continue
		}
		fmt.Fprintf(&out, "%s\t%s\t%s\n", m.id, role, strings.Join(badges, ","))
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return fail(fmt.Errorf("writing the roles: %w", err))
	}
	return exitOK
}
