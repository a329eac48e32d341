package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/chartertest"
)

func init() {
	register(&command{
		name:    "test",
		summary: "run the test blocks of rule files",
		usage: `usage: charter test [-v] [--each] [--explain] [--cover [--threshold P] [--format text|json]] PATH...

Test loads the Charter files named (files, or directories searched
recursively for *.charter, *_test.charter included), checks them, and runs
every test block of every community. Each test runs in a fresh live state
of its community, starting at 2026-01-01T00:00:00Z unless it says "at".

Each failure is printed with the position of the failing step and what was
expected and what happened; -v also lists the tests that passed. The last
line is "N passed, N failed".

--explain says why a failing step found what it found: for expect role,
each rung of the ladder from the top down to the one held, its condition's
value and the values of its operands; for expect that, also the condition
of each badge among the operands, and of the badges that one reads; for
expect allow|deny, every condition the decision evaluated, in order.

--each loads each file as its own load set (with its NAME_test.charter,
when there is one), as charter check --each does: for unrelated variants
kept side by side that reuse community names. A unit whose files have
errors prints them and fails the run; the others' tests still run.

--cover then lists each declaration that no test exercised, by position,
and the share exercised ("coverage: 41 of 50 (82.0%)"); --format json prints
every item instead, exercised or not, with the counts. A declaration counts
once however many communities hold it. Exercised means, for what a test
observes of its live state (SPEC §17.5):
  rule (may, must not, first, limit)  it decided a do, try or expect allow|deny
  duty                                a member a step concerns owed it after a step
  rung, badge                         such a member held it after a step
  nudge, offer                        it reached such a member after a step
  goal                                it was seen met and, after another step, unmet
  effect (on A)                       a do or try applied A
"A member a step concerns" is the subject or a given member by name, not
the anonymous ones of given members N. --threshold P (0 to 100, implies
--cover) fails the run when less than P% is exercised, as opa test
--coverage --threshold does.

Exit status: 0 all tests passed, 1 a test failed, the files have errors
(printed as charter check prints them) or the coverage is below the
threshold, 2 usage errors or unreadable paths.

Example:

	charter test examples/
`,
		run: runTest,
	})
}

func runTest(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := commands["test"]
	fs := newFlags(c, stderr)
	verbose := fs.Bool("v", false, "also list the tests that passed")
	each := fs.Bool("each", false, "load each file as its own load set")
	explain := fs.Bool("explain", false, "say why a failing expect role, that or allow|deny found what it found")
	cover := fs.Bool("cover", false, "report the rules, rungs, badges, goals, effects and messages no test exercised")
	threshold := fs.Float64("threshold", 0, "fail below this percentage exercised, 0 to 100 (implies --cover)")
	format := fs.String("format", "text", "coverage output format: text or json")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "charter test: no paths given; run 'charter help test'")
		return exitUsage
	}
	thresholdSet := false
	fs.Visit(func(f *flag.Flag) { thresholdSet = thresholdSet || f.Name == "threshold" })
	if thresholdSet {
		if *threshold < 0 || *threshold > 100 || math.IsNaN(*threshold) {
			fmt.Fprintf(stderr, "charter test: --threshold %v: want a percentage from 0 to 100\n", *threshold)
			return exitUsage
		}
		*cover = true
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "charter test: --format %q: want text or json\n", *format)
		return exitUsage
	}
	if *format == "json" && !*cover {
		fmt.Fprintln(stderr, "charter test: --format json is for the coverage report: add --cover")
		return exitUsage
	}
	var covered chartertest.Coverage
	units := [][]string{paths}
	if *each {
		var err error
		if units, err = lang.Units(paths...); err != nil {
			fmt.Fprintf(stderr, "charter test: %v\n", err)
			return exitUsage
		}
	}
	var out bytes.Buffer
	passed, failed, broken := 0, 0, false
	for _, unit := range units {
		ls, prog, err := runtime.Load(unit...)
		if err != nil {
			fmt.Fprintf(stderr, "charter test: %v\n", err)
			return exitUsage
		}
		if ls.Diags.HasErrors() {
			if err := diag.WriteText(&out, ls.Diags.Errors(), ls.Sources()); err != nil {
				fmt.Fprintf(stderr, "charter test: %v\n", err)
				return exitUsage
			}
			broken = true
			continue
		}
		results, cov := chartertest.RunWith(prog, chartertest.Options{Cover: *cover, Explain: *explain})
		if cov != nil {
			covered.Items = append(covered.Items, cov.Items...)
		}
		for _, r := range results {
			if r.Passed {
				passed++
				if *verbose {
					fmt.Fprintf(&out, "ok   %s: %s/%q\n", r.Pos, r.Community, r.Name)
				}
				continue
			}
			failed++
			fmt.Fprintf(&out, "%s: FAIL %s/%q: %s\n", r.FailPos, r.Community, r.Name, r.Failure)
		}
	}
	if !broken || passed+failed > 0 {
		// A run that stopped at errors in one load set prints them alone,
		// as before --each; with units, the count covers the others.
		fmt.Fprintf(&out, "%d passed, %d failed\n", passed, failed)
	}
	below := false
	if *cover && !broken {
		below = thresholdSet && covered.Percent() < *threshold
		if *format == "json" {
			// The report goes alone on stdout, for tools; the test lines go to stderr.
			if _, err := stderr.Write(out.Bytes()); err != nil {
				return exitUsage
			}
			out.Reset()
			rep := struct {
				Items     []chartertest.Item `json:"items"`
				Covered   int                `json:"covered"`
				Total     int                `json:"total"`
				Percent   float64            `json:"percent"`
				Threshold *float64           `json:"threshold,omitempty"`
				Passed    int                `json:"passed"`
				Failed    int                `json:"failed"`
			}{covered.Items, covered.Covered(), len(covered.Items), covered.Percent(), nil, passed, failed}
			if rep.Items == nil {
				rep.Items = []chartertest.Item{}
			}
			if thresholdSet {
				rep.Threshold = threshold
			}
			enc := json.NewEncoder(&out)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				fmt.Fprintf(stderr, "charter test: %v\n", err)
				return exitUsage
			}
		} else {
			for _, it := range covered.Items {
				if !it.Exercised {
					fmt.Fprintf(&out, "%s: not exercised: %s %s: %s\n", it.At, it.Kind, it.Name, it.Why)
				}
			}
			fmt.Fprintf(&out, "coverage: %d of %d (%.1f%%)\n", covered.Covered(), len(covered.Items), covered.Percent())
			if below {
				fmt.Fprintf(&out, "coverage %.1f%% is below the threshold %g%%\n", covered.Percent(), *threshold)
			}
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return exitUsage
	}
	if failed > 0 || broken || below {
		return exitFindings
	}
	return exitOK
}
