package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/chartertest"
)

func init() {
	register(&command{
		name:    "test",
		summary: "run the test blocks of rule files",
		usage: `usage: charter test [-v] PATH...

Test loads the Charter files named (files, or directories searched
recursively for *.charter, *_test.charter included), checks them, and runs
every test block of every community. Each test runs in a fresh live state
of its community, starting at 2026-01-01T00:00:00Z unless it says "at".

Each failure is printed with the position of the failing step and what was
expected and what happened; -v also lists the tests that passed. The last
line is "N passed, N failed".

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
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "charter test: no paths given; run 'charter help test'")
		return exitUsage
	}
	ls, prog, err := runtime.Load(fs.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "charter test: %v\n", err)
		return exitUsage
	}
	if ls.Diags.HasErrors() {
		if err := diag.WriteText(stdout, ls.Diags.Errors(), ls.Sources()); err != nil {
			fmt.Fprintf(stderr, "charter test: %v\n", err)
			return exitUsage
		}
		return exitFindings
	}
	var out bytes.Buffer
	passed, failed := 0, 0
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
	fmt.Fprintf(&out, "%d passed, %d failed\n", passed, failed)
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return exitUsage
	}
	if failed > 0 {
		return exitFindings
	}
	return exitOK
}
