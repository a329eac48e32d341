package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/graph"
)

func init() {
	register(&command{
		name:    "graph",
		summary: "draw a community's role ladder and badges (DOT or SVG)",
		usage: `usage: charter graph [--community NAME] [--format dot|svg] [-o FILE] FILE...

Graph draws one community's role ladder and badges: each rung and badge
with its condition as written, the named conditions they read, the
actions whose effects move members up (or down) the ladder and into (or
out of) badges, and the sanctions that move them down: demote, from each
rung the rule can apply at to the rung below, and remove (SPEC.md
§17.10). The analysis is static: an edge says what a rule can do, read
from the conditions and effects; an effect whose direction the rules do
not tell (+= amount, an ==) is drawn as such. A FILE is a Charter file or
a directory of them, as for charter check.

The output is Graphviz DOT, or an SVG image laid out by charter itself
(no Graphviz needed), on standard output or in -o FILE.

Flags:
  --community NAME  the community to draw (required when the files
                    declare more than one)
  --format FORMAT   dot or svg; by default svg when -o ends in .svg,
                    otherwise dot
  -o FILE           write to FILE instead of standard output

Examples:

  $ charter graph examples/fanclub --community FanClub -o fanclub.svg
  $ charter graph examples/fanclub --community FanClub | dot -Tpng -o fanclub.png

Exit status: 0 success, 1 the rule files have errors (printed as charter
check prints them, on standard error), 2 usage errors: a missing or
unknown flag or format, an unknown community, a community with neither
roles nor badges or with more edges than a diagram holds (20,000), paths
or an output file that cannot be read or written.
`,
		run: runGraph,
	})
}

func runGraph(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := commands["graph"]
	fs := newFlags(c, stderr)
	community := fs.String("community", "", "the community to draw")
	format := fs.String("format", "", "dot or svg")
	out := fs.String("o", "", "write to this file")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "charter graph: "+format+"\n", args...)
		return exitUsage
	}
	switch *format {
	case "dot", "svg":
	case "":
		*format = "dot"
		if strings.EqualFold(filepath.Ext(*out), ".svg") {
			*format = "svg"
		}
	default:
		return fail("--format %q: want dot or svg", *format)
	}
	if len(paths) == 0 {
		fmt.Fprint(stderr, "charter graph: no files given\n\n", c.usage)
		return exitUsage
	}

	// The front end alone: drawing reads the checked model, not a
	// compiled program.
	ls, err := lang.Load(paths...)
	if err != nil {
		return fail("%v", err)
	}
	if ls.Diags.HasErrors() {
		errs := ls.Diags.Errors()
		if err := diag.WriteText(stderr, errs, ls.Sources()); err != nil {
			return fail("writing diagnostics: %v", err)
		}
		fmt.Fprintf(stderr, "charter graph: the rule files have %s\n", plural(len(errs), "error"))
		return exitFindings
	}
	prog := ls.Program
	name := *community
	if name == "" {
		if len(prog.Communities) == 1 {
			name = prog.Communities[0].Name
		} else {
			return fail("--community is required; the files declare %s", checkedNames(prog))
		}
	}
	com := prog.Community(name)
	if com == nil {
		return fail("unknown community %q; the files declare %s", name, checkedNames(prog))
	}
	g, err := graph.Build(com)
	if err != nil {
		return fail("%v", err)
	}
	var buf bytes.Buffer
	if *format == "svg" {
		err = g.WriteSVG(&buf)
	} else {
		err = g.WriteDOT(&buf)
	}
	if err != nil {
		return fail("drawing community %s: %v", name, err)
	}
	if *out == "" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fail("writing the %s: %v", strings.ToUpper(*format), err)
		}
		return exitOK
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fail("%v", err)
	}
	return exitOK
}

// checkedNames lists the communities of a checked program, sorted.
func checkedNames(prog *check.Program) string {
	var names []string
	for _, c := range prog.Communities {
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		return "no communities"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
