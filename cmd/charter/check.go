package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
)

func init() {
	register(&command{
		name:    "check",
		summary: "parse, type-check and lint rule files",
		usage: `usage: charter check [--format text|json|sarif] [--strict] [--each] [-v] PATH...

Check parses, type-checks and lints the Charter files named. A PATH is a
file or a directory, searched recursively for *.charter files (files and
directories whose names begin with "." are skipped). Test files
(*_test.charter) are checked too.

Diagnostics go to standard output; a clean run prints nothing in the text
format, "[]" in the JSON format and a log without results in SARIF.

Flags:
  --format text   file:line:col: severity: message [CODE], the source line
                  and a caret under the column (the default)
  --format json   one JSON array, an object per diagnostic
  --format sarif  a SARIF 2.1.0 log for code-scanning services
  --strict        treat warnings as errors for the exit status
  --each          check each file as its own load set (with its
                  NAME_test.charter, when there is one), for unrelated
                  variants kept side by side that reuse community names;
                  without it, the files named are one load set and a name
                  declared twice is an error
  -v              also show info diagnostics: what the checker decided, such
                  as which inherited declarations a community overrides

Exit status: 0 no errors (warnings allowed unless --strict), 1 errors found,
2 usage errors, paths that cannot be read or directories without .charter
files.
`,
		run: runCheck,
	})
}

func runCheck(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := commands["check"]
	fs := newFlags(c, stderr)
	format := fs.String("format", "text", "output format: text, json or sarif")
	strict := fs.Bool("strict", false, "treat warnings as errors for the exit status")
	verbose := fs.Bool("v", false, "also show info diagnostics")
	each := fs.Bool("each", false, "check each file as its own load set")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(stderr, "charter check: unknown format %q: use text, json or sarif\n", *format)
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprint(stderr, "charter check: no paths given\n\n", c.usage)
		return exitUsage
	}

	units := [][]string{paths}
	if *each {
		var err error
		if units, err = lang.Units(paths...); err != nil {
			fmt.Fprintf(stderr, "charter check: %v\n", err)
			return exitUsage
		}
	}
	var ds diag.List
	sources := map[string][]byte{}
	for _, unit := range units {
		// runtime.Load also compiles, so that check reports what the
		// evaluator would reject when the files run.
		ls, _, err := runtime.Load(unit...)
		if err != nil {
			fmt.Fprintf(stderr, "charter check: %v\n", err)
			return exitUsage
		}
		ds = append(ds, ls.Diags...)
		maps.Copy(sources, ls.Sources())
	}
	if !*verbose {
		ds = withoutInfo(ds)
	}
	var err error
	switch *format {
	case "text":
		err = diag.WriteText(stdout, ds, sources)
	case "json":
		err = diag.WriteJSON(stdout, ds)
	case "sarif":
		err = diag.WriteSARIF(stdout, relativeNames(ds), toolVersion())
	}
	if err != nil {
		fmt.Fprintf(stderr, "charter check: writing diagnostics: %v\n", err)
		return exitUsage
	}
	errs, warns := count(ds, diag.Error), count(ds, diag.Warning)
	if *format == "text" && errs+warns > 0 {
		// On stderr, so that stdout holds nothing but the diagnostics.
		fmt.Fprintf(stderr, "%s, %s\n", plural(errs, "error"), plural(warns, "warning"))
	}
	return checkStatus(ds, *strict)
}

// checkStatus is the exit status for the diagnostics of a load: findings
// when there are errors, or warnings under --strict. Info diagnostics
// never count.
func checkStatus(ds diag.List, strict bool) int {
	if ds.HasErrors() || strict && count(ds, diag.Warning) > 0 {
		return exitFindings
	}
	return exitOK
}

func count(ds diag.List, sev diag.Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

func withoutInfo(ds diag.List) diag.List {
	infos := count(ds, diag.Info)
	if infos == 0 {
		return ds
	}
	out := make(diag.List, 0, len(ds)-infos)
	for _, d := range ds {
		if d.Severity != diag.Info {
			out = append(out, d)
		}
	}
	return out
}

// parseInterspersed parses flags that may come before, between or after the
// paths, as in `charter check examples/ --format json`; an argument "--"
// ends the flags.
// parseArgs parses a command's flags and paths as parseInterspersed does.
// When ok is false the command returns code at once: exitOK after -h or
// --help (the usage is printed), exitUsage after a bad flag (the flag
// package has said which).
func parseArgs(fs *flag.FlagSet, args []string) (paths []string, code int, ok bool) {
	paths, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, exitOK, false
	case err != nil:
		return nil, exitUsage, false
	}
	return paths, exitOK, true
}

func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(paths, rest...), nil
		}
		if len(rest) == 0 {
			return paths, nil
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// relativeNames rewrites absolute file names under the working directory
// as relative ones: code-scanning services resolve SARIF locations against
// the repository root, which is where CI runs charter.
func relativeNames(ds diag.List) diag.List {
	wd, err := os.Getwd()
	if err != nil {
		return ds
	}
	out := make(diag.List, len(ds))
	for i, d := range ds {
		for _, p := range []*diag.Pos{&d.Range.Start, &d.Range.End} {
			if !filepath.IsAbs(p.Filename) {
				continue
			}
			rel, err := filepath.Rel(wd, p.Filename)
			if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				p.Filename = rel
			}
		}
		out[i] = d
	}
	return out
}

// toolVersion is the module version charter was built from, or "" for a
// development build.
func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return ""
	}
	return bi.Main.Version
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
