package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/charterlang/charter/internal/lsp"
)

func init() {
	register(&command{
		name:    "lsp",
		summary: "serve the Language Server Protocol to an editor",
		usage: `usage: charter lsp [--stdio]

Lsp speaks the Language Server Protocol on standard input and output, for
editors: diagnostics as you type (the codes, ranges and messages of charter
check), quick fixes for its suggestions that are edits, hover, go to
definition, find references, document symbols, formatting, completion,
rename, and a code lens that runs a file's tests. An editor starts it; it
is not meant to be run by hand. --stdio, which some editors add, is
accepted: standard input and output are the only transport.

The load set of an open file is the directory holding it, searched as
charter check searches a directory, with the editor's unsaved text in place
of what is on disk.

Exit status: 0 after the editor's shutdown and exit, 1 when the input ends
or the editor exits without shutdown, 2 usage errors.
`,
		run: runLSP,
	})
}

func runLSP(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := commands["lsp"]
	fs := newFlags(c, stderr)
	// Clients such as vscode-languageclient add --stdio; it is the only
	// transport there is.
	fs.Bool("stdio", true, "serve on standard input and output (the only transport)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "charter lsp: unexpected argument %q; it takes none\n", fs.Arg(0))
		return exitUsage
	}
	if err := lsp.NewServer(stdin, stdout).Run(); err != nil {
		if !errors.Is(err, lsp.ErrNoShutdown) {
			fmt.Fprintf(stderr, "charter lsp: %v\n", err)
		}
		return exitFindings
	}
	return exitOK
}
