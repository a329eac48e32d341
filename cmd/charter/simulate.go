package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charterlang/charter/internal/numfmt"
	"github.com/charterlang/charter/runtime/simulate"
	"github.com/charterlang/charter/runtime/simulate/report"
)

func init() {
	register(&command{
		name:    "simulate",
		summary: "run a community forward under a behaviour model",
		usage: `usage: charter simulate FILE... --community NAME --model MODEL --out DIR
                        [--days N] [--seed N] [--start TIME] [--set NAME=VALUE]...

Simulate runs a community forward in time on a live state, as a host
would run it, with members who behave as the behaviour model MODEL says:
how often each role and badge tries each action and with which
arguments, how many join a day, who leaves after how long inactive, and
how nudges and offers change what members do (the format is documented
in the package runtime/simulate and in README.md). Each day the rules
decide every try, effects move members up and down the ladder, duties are
reviewed and sanctions applied. A FILE is a Charter file or a directory
of them, as for charter check.

It writes to DIR (made if missing):
  series.csv    one row per day: members, joins, leaves, removals,
                attempts, allowed, members per role and badge, each
                goal's value and whether it is met, denials by rule,
                sanctions by kind and messages by text (the columns are
                listed in the documentation of simulate.CSVHeader)
  series.jsonl  the same as JSON Lines: a header line with the names,
                one line per day, and a last line with the conversions
                between roles
  report.html   the run as one self-contained page: a summary, the goals,
                and charts of the roles over time, each goal against its
                target, the rules that deny most and the conversions
                between roles
  roles.svg, goals.svg, denials.svg, transitions.svg
                each chart on its own, for a README or a slide

The run is deterministic: the same files, model, flags and seed give the
same output, and the simulated time never reads the clock. On a terminal,
a run longer than a second shows its progress on standard error.

Flags:
  --community NAME  the community to run (required)
  --model MODEL     the behaviour model, a JSON file (required)
  --out DIR         the directory to write to (required)
  --days N          the number of days to simulate (default 180)
  --seed N          the seed of the run's random numbers (default 1)
  --start TIME      the start of day 1 in RFC 3339 (default: the model's
                    "start", else 2026-01-01T00:00:00Z)
  --set NAME=VALUE  a value for the community's setting NAME (repeatable)

Example:

  $ charter simulate examples/fanclub --community FanClub \
      --model examples/fanclub/model.json --days 180 --seed 1 --out sim
  180 days of FanClub: 320 joined, 57 left, 263 members at the end; 18,563
  tries, 17,384 allowed; wrote series.csv, series.jsonl, report.html,
  roles.svg, goals.svg, denials.svg, transitions.svg in sim

Exit status: 0 success, 1 the rule files have errors or the run failed
(an effect the state refused), 2 usage errors, a bad model and files
that cannot be read or written.
`,
		run: runSimulate,
	})
}

func runSimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := commands["simulate"]
	fs := newFlags(c, stderr)
	community := fs.String("community", "", "the community to run")
	modelPath := fs.String("model", "", "the behaviour model (JSON)")
	out := fs.String("out", "", "the directory to write to")
	days := fs.Int("days", 180, "the number of days")
	seed := fs.Int64("seed", 1, "the seed")
	startFlag := fs.String("start", "", "the start of day 1, RFC 3339")
	var sets setFlags
	fs.Var(&sets, "set", "a setting's value, name=value (repeatable)")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(stderr, "charter simulate: %v\n", err)
		return code
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "charter simulate: no rule files given\n\n%s", c.usage)
		return exitUsage
	}
	switch {
	case *modelPath == "":
		return fail(exitUsage, errors.New("--model is required: give the behaviour model, a JSON file"))
	case *out == "":
		return fail(exitUsage, errors.New("--out is required: give the directory to write the series to"))
	case *days < 1 || *days > 36600:
		return fail(exitUsage, fmt.Errorf("--days %d: give a number of days from 1 to 36600", *days))
	}
	var start time.Time
	var err error
	if *startFlag != "" {
		if start, err = time.Parse(time.RFC3339, *startFlag); err != nil {
			return fail(exitUsage, fmt.Errorf("--start %q: want a time in RFC 3339, such as 2026-01-01T00:00:00Z", *startFlag))
		}
	}
	com, code := openCommunity(c.name, paths, *community, stderr)
	if com == nil {
		return code
	}
	if com, err = sets.apply(com); err != nil {
		return fail(exitUsage, err)
	}
	model, err := simulate.ReadModel(*modelPath, com)
	if err != nil {
		return fail(exitUsage, err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail(exitUsage, err)
	}
	bar := newProgressBar(stderr, isTerminal(stderr), time.Now)
	series, err := simulate.Run(context.Background(), com, model, simulate.Options{
		Days: *days, Seed: *seed, Start: start,
		Rules: strings.Join(paths, " "), Model: *modelPath,
		Progress: bar.update,
	})
	bar.done()
	if err != nil {
		return fail(exitFindings, err)
	}
	var written []string
	write := func(name string, f func(io.Writer, *simulate.Series) error) error {
		var buf bytes.Buffer
		if err := f(&buf, series); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		p := filepath.Join(*out, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			return err
		}
		written = append(written, p)
		return nil
	}
	if err := write("series.csv", simulate.WriteCSV); err != nil {
		return fail(exitUsage, err)
	}
	if err := write("series.jsonl", simulate.WriteJSONL); err != nil {
		return fail(exitUsage, err)
	}
	if err := write("report.html", report.Write); err != nil {
		return fail(exitUsage, err)
	}
	for _, ch := range report.Charts(series) {
		svg := ch.SVG
		if err := write(ch.Name+".svg", func(w io.Writer, _ *simulate.Series) error {
			_, err := w.Write(svg)
			return err
		}); err != nil {
			return fail(exitUsage, err)
		}
	}
	last := series.Days[len(series.Days)-1]
	var attempts, allowed, joined, left int
	for _, d := range series.Days {
		attempts += d.Attempts
		allowed += d.Allowed
		joined += d.Joined
		left += d.Left + d.Removed
	}
	fmt.Fprintf(stdout, "%s of %s: %s joined, %s left, %s at the end; %s tries, %s allowed; wrote %s in %s\n",
		plural(len(series.Days), "day"), series.Community, numfmt.Int(int64(joined)), numfmt.Int(int64(left)), plural(last.Members, "member"),
		numfmt.Int(int64(attempts)), numfmt.Int(int64(allowed)), strings.Join(names(written), ", "), *out)
	return exitOK
}

// names returns the file names of paths.
func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}
