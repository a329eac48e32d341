package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/chartertest"
)

func init() {
	register(&command{
		name:    "test",
		summary: "run the test blocks of rule files",
		usage: `usage: charter test [-v] [--each] PATH...

Test loads the Charter files named (files, or directories searched
recursively for *.charter, *_test.charter included), checks them, and runs
every test block of every community. Each test runs in a fresh live state
of its community, starting at 2026-01-01T00:00:00Z unless it says "at".

Each failure is printed with the position of the failing step and what was
expected and what happened; -v also lists the tests that passed. The last
line is "N passed, N failed".

--each loads each file as its own load set (with its NAME_test.charter,
when there is one), as charter check --each does: for unrelated variants
kept side by side that reuse community names. A unit whose files have
errors prints them and fails the run; the others' tests still run.

Exit status: 0 all tests passed, 1 a test failed or the files have errors
(printed as charter check prints them), 2 usage errors or unreadable paths.

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
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "charter test: no paths given; run 'charter help test'")
		return exitUsage
	}
	units := [][]string{paths}
	if *each {
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
		for _, r := range chartertest.Run(prog) {
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
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return exitUsage
	}
	if failed > 0 || broken {
		return exitFindings
	}
	return exitOK
}
