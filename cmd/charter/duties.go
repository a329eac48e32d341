package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/charterlang/charter/lang/check"
)

func init() {
	register(&command{
		name:    "duties",
		summary: "print the duties each member has not met",
		usage: `usage: charter duties FILE... --community NAME --members PATH --at TIME
                      [--max-members-size BYTES] [--set NAME=VALUE]...
                      [--format text|json]

Duties prints, for each member, every duty (must ACTION N per D) it has
not met at a time: the action, how many times it was done in the window
out of how many, the window, the rule's reason and its sanction. It asks
a live state holding the members given (those the community admits), so
duties under when see their goals and their number. A FILE is a Charter
file or a directory of them, as for charter check.

Flags:
  --community NAME  the community whose duties apply (required)
  --members PATH    the members, as JSON Lines (required; - for standard
                    input), read as charter roles reads them; a member's
                    "@history" gives the times it took each action
  --max-members-size BYTES
                    the most bytes --members may hold, blank lines and
                    line ends counted (default 268435456: 256 MiB); the
                    line that goes over is an error
  --at TIME         the evaluation time in RFC 3339, such as
                    2026-01-15T00:00:00Z (required: windows end there)
  --set NAME=VALUE  a value for the community's setting NAME in place of
                    its default (repeatable): 10, 2.5, true, 7d, or text
                    for a string (SPEC §6.4.1)
  --format text     one line per unmet duty, members in input order:
                    ID<TAB>ACTION<TAB>done N of M in D<TAB>REASON<TAB>SANCTION
                    (the sanction field is empty when the rule has no
                    else); a member with no unmet duty prints nothing
                    (the default)
  --format json     one JSON object per member, one per line:
                    {"id", "duties": [{"action", "done", "need", "per",
                    "reason", "sanction"}]}, "per" in Charter's duration
                    form ("7d") and "duties" empty when all are met

Example:

  $ charter duties examples/fanclub --community FanClub \
      --members examples/fanclub/members.jsonl --at 2026-01-15T00:00:00Z
  chen	post	done 0 of 1 in 1w	must post 1 per 1w	demote
  emeka	post	done 0 of 1 in 1w	must post 1 per 1w	demote

The rule has no because, so its reason is the rule itself.

Exit status: 0 success (met or not: the duties are the output), 1 the rule
files have errors, 2 usage errors and bad members lines, as for charter
roles. On an error, standard output is empty.
`,
		run: runDuties,
	})
}

type dutyJSON struct {
	Action   string `json:"action"`
	Done     int    `json:"done"`
	Need     int    `json:"need"`
	Per      string `json:"per"`
	Reason   string `json:"reason"`
	Sanction string `json:"sanction"`
}

type memberDutiesJSON struct {
	ID     string     `json:"id"`
	Duties []dutyJSON `json:"duties"`
}

func runDuties(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	q, code := parseMembersQuery(commands["duties"], args, stdin, stderr)
	if q == nil {
		return code
	}
	st, in, err := q.state()
	if err != nil {
		fmt.Fprintf(stderr, "charter duties: %v\n", err)
		return exitUsage
	}
	var out bytes.Buffer
	for _, m := range in {
		got, err := st.Duties(m.id, q.at)
		if err != nil {
			fmt.Fprintf(stderr, "charter duties: %v\n", err)
			return exitUsage
		}
		rows := []dutyJSON{}
		for _, d := range got {
			per := check.FormatDuration(d.Per)
			if d.Calendar != "" {
				per = "calendar " + d.Calendar
			}
			row := dutyJSON{Action: d.Action, Done: d.Done, Need: d.Need, Per: per, Reason: d.Rule.Reason}
			if d.Rule.Sanction != nil {
				row.Sanction = d.Rule.Sanction.String()
			}
			rows = append(rows, row)
		}
		if q.format == "json" {
			if err := encodeJSON(&out, memberDutiesJSON{ID: m.id, Duties: rows}, ""); err != nil {
				fmt.Fprintf(stderr, "charter duties: %v\n", err)
				return exitUsage
			}
			continue
		}
		for _, r := range rows {
			fmt.Fprintf(&out, "%s\t%s\tdone %d of %d in %s\t%s\t%s\n", m.id, r.Action, r.Done, r.Need, r.Per, r.Reason, r.Sanction)
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "charter duties: writing the duties: %v\n", err)
		return exitUsage
	}
	return exitOK
}
