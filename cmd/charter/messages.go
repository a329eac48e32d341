package main

import (
	"bytes"
	"fmt"
	"io"
)

func init() {
	register(&command{
		name:    "messages",
		summary: "print the nudges and offers that reach each member",
		usage: `usage: charter messages FILE... --community NAME --members PATH --at TIME
                        [--max-members-size BYTES] [--set NAME=VALUE]...
                        [--format text|json]

Messages prints, for each member, the nudges and offers that reach it at a
time: those for everyone, for its role or for a badge it holds, whose when
condition holds in a live state holding the members given (those the
community admits: their goals and their number). A FILE is a Charter file
or a directory of them, as for charter check.

Flags:
  --community NAME  the community whose messages apply (required)
  --members PATH    the members, as JSON Lines (required; - for standard
                    input), read as charter roles reads them
  --max-members-size BYTES
                    the most bytes --members may hold, blank lines and
                    line ends counted (default 268435456: 256 MiB); the
                    line that goes over is an error
  --at TIME         the evaluation time in RFC 3339, such as
                    2026-01-15T00:00:00Z (required: roles, badges and
                    goals may read it)
  --set NAME=VALUE  a value for the community's setting NAME in place of
                    its default (repeatable): 10, 2.5, true, 7d, or text
                    for a string (SPEC §6.4.1)
  --format text     one line per message, members in input order and
                    messages in declaration order:
                    ID<TAB>nudge|offer<TAB>TO<TAB>TEXT, TO being the role
                    or badge addressed, or "everyone"; a member no
                    message reaches prints nothing (the default)
  --format json     one JSON object per member, one per line:
                    {"id", "messages": [{"kind", "to", "text"}]}, "to"
                    empty for everyone and "messages" empty when none
                    reaches the member

Example:

  $ cat few.jsonl
  {"id": "dana", "posts": 12}
  {"id": "lena"}
  $ charter messages examples/fanclub --community FanClub \
      --members few.jsonl --at 2026-01-15T00:00:00Z
  dana	nudge	creator	Host a topic this week: the group needs more voices
  dana	offer	creator	Reading lists and prompts
  lena	offer	onlooker	Replays of live events

With no opinion leader among them, the voices goal is unmet and its when
sends creators the nudge.

Exit status: 0 success, 1 the rule files have errors, 2 usage errors and
bad members lines, as for charter roles. On an error, standard output is
empty.
`,
		run: runMessages,
	})
}

type messageJSON struct {
	Kind string `json:"kind"`
	To   string `json:"to"`
	Text string `json:"text"`
}

type memberMessagesJSON struct {
	ID       string        `json:"id"`
	Messages []messageJSON `json:"messages"`
}

func runMessages(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	q, code := parseMembersQuery(commands["messages"], args, stdin, stderr)
	if q == nil {
		return code
	}
	st, in, err := q.state()
	if err != nil {
		fmt.Fprintf(stderr, "charter messages: %v\n", err)
		return exitUsage
	}
	var out bytes.Buffer
	for _, m := range in {
		got, err := st.Messages(m.id, q.at)
		if err != nil {
			fmt.Fprintf(stderr, "charter messages: %v\n", err)
			return exitUsage
		}
		rows := []messageJSON{}
		for _, msg := range got {
			kind := "offer"
			if msg.Nudge {
				kind = "nudge"
			}
			rows = append(rows, messageJSON{Kind: kind, To: msg.To, Text: msg.Text})
		}
		if q.format == "json" {
			if err := encodeJSON(&out, memberMessagesJSON{ID: m.id, Messages: rows}, ""); err != nil {
				fmt.Fprintf(stderr, "charter messages: %v\n", err)
				return exitUsage
			}
			continue
		}
		for _, r := range rows {
			to := r.To
			if to == "" {
				to = "everyone"
			}
			fmt.Fprintf(&out, "%s\t%s\t%s\t%s\n", m.id, r.Kind, to, r.Text)
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "charter messages: writing the messages: %v\n", err)
		return exitUsage
	}
	return exitOK
}
