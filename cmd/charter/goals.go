package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/charterlang/charter/runtime/serve"
)

func init() {
	register(&command{
		name:    "goals",
		summary: "compute the community's goals over its members",
		usage: `usage: charter goals FILE... --community NAME --members PATH --at TIME
                     [--max-members-size BYTES] [--set NAME=VALUE]...
                     [--format text|json]

Goals computes each goal of a community over a set of members at a time:
the measure's value, the target, whether it is met and the progress
towards it. A FILE is a Charter file or a directory of them, as for
charter check. For a community that extends another with an admit rule,
only the members it admits are counted: the lines are read as members
joining in file order at --at, each judged on those admitted before it
(so an admit that reads members or a goal sees the ones already in), as
a live state judges a join; charter roles lists the same members.

Flags:
  --community NAME  the community whose goals to compute (required)
  --members PATH    the members, as JSON Lines (required; - for standard
                    input), read as charter roles reads them
  --max-members-size BYTES
                    the most bytes --members may hold, blank lines and
                    line ends counted (default 268435456: 256 MiB); the
                    line that goes over is an error
  --at TIME         the evaluation time in RFC 3339, such as
                    2026-01-15T00:00:00Z (required: measures may read it
                    through roles and badges)
  --set NAME=VALUE  a value for the community's setting NAME in place of
                    its default (repeatable): 10, 2.5, true, 7d, or text
                    for a string (SPEC §6.4.1)
  --format text     a table with a header: GOAL VALUE OP TARGET MET
                    PROGRESS TITLE, one row per goal in declaration order;
                    numbers are rounded to 4 decimals, progress is a
                    percentage (the default)
  --format json     one JSON array of {"name", "title", "value", "op",
                    "target", "met", "progress"}, numbers unrounded and
                    progress from 0 to 1

Example:

  $ charter goals examples/fanclub --community FanClub \
      --members examples/fanclub/members.jsonl --at 2026-01-15T00:00:00Z
  GOAL        VALUE  OP  TARGET  MET  PROGRESS  TITLE
  engagement  0.8    >=  0.4     yes  100%      Most members take part
  voices      3      >=  2       yes  100%      Two or three opinion leaders activate the rest
  size        15     <=  150     yes  100%      Stay within Dunbar's number

Exit status: 0 success (met or not: the goals are the output), 1 the rule
files have errors, 2 usage errors and bad members lines, as for charter
roles. On an error, standard output is empty.
`,
		run: runGoals,
	})
}

func runGoals(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	q, code := parseMembersQuery(commands["goals"], args, stdin, stderr)
	if q == nil {
		return code
	}
	format := &q.format
	fail := func(err error) int {
		fmt.Fprintf(stderr, "charter goals: %v\n", err)
		return exitUsage
	}
	goals := q.goals()

	var out bytes.Buffer
	if *format == "json" {
		if err := encodeJSON(&out, serve.Goals(goals), "  "); err != nil {
			// Only an infinite value can fail: a sum that overflowed.
			return fail(err)
		}
	} else {
		tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "GOAL\tVALUE\tOP\tTARGET\tMET\tPROGRESS\tTITLE")
		for _, g := range goals {
			met := "no"
			if g.Met {
				met = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s%%\t%s\n", g.Name, round4(g.Value), g.Op, round4(g.Target), met, round4(g.Progress*100), g.Title)
		}
		tw.Flush()
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return fail(fmt.Errorf("writing the goals: %w", err))
	}
	return exitOK
}

// round4 prints x rounded to 4 decimals without trailing zeros: 2, 0.7333.
func round4(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) || math.Abs(x) >= 1e15 {
		return strconv.FormatFloat(x, 'g', -1, 64) // x*1e4 could overflow
	}
	r := math.Round(x*1e4) / 1e4
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
