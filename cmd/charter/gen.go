package main

import (
	"errors"
	"fmt"
	"go/token"
	"io"
	"os"
	"strings"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/gen"
)

func init() {
	register(&command{
		name:    "gen",
		summary: "compile a community into a standalone Go package",
		usage: `usage: charter gen [--community NAME] [--package PKG] [-o FILE] FILE...
                  [--set NAME=VALUE]...

Gen compiles one community ahead of time into a Go source file that
imports only the standard library: a Member struct with a field per
attribute and the history the rules read, the role ladder, the badges, and
a decision method per action that answers as the runtime does, without
allocating (SPEC.md §17.7). A FILE is a Charter file or a directory of
them, as for charter check.

Flags:
  --community NAME  the community to generate (required when the files
                    declare more than one)
  --package PKG     the Go package name (default: the community's name in
                    lower case)
  --set NAME=VALUE  a value for the community's setting NAME in place of
                    its default (repeatable), as for charter eval: the
                    generated code holds every setting as a constant
  -o FILE           write the Go source to FILE instead of standard output

Example:

  $ charter gen examples/fanclub/fanclub.charter --community FanClub \
      --package fanclub -o fanclub/fanclub.go

Exit status: 0 success, 1 the rule files have errors, or declare what
charter gen cannot generate (printed as charter check prints them, on
standard error), 2 usage errors: a missing or unknown flag, an unknown
community, a package name that is not a Go identifier, paths or an output
file that cannot be read or written.
`,
		run: runGen,
	})
}

func runGen(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := commands["gen"]
	fs := newFlags(c, stderr)
	community := fs.String("community", "", "the community to generate")
	pkg := fs.String("package", "", "the Go package name")
	out := fs.String("o", "", "write the Go source to this file")
	var sets setFlags
	fs.Var(&sets, "set", "a setting's value, name=value (repeatable)")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "charter gen: "+format+"\n", args...)
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprint(stderr, "charter gen: no files given\n\n", c.usage)
		return exitUsage
	}

	ls, prog, err := runtime.Load(paths...)
	if err != nil {
		return fail("%v", err)
	}
	if ls.Diags.HasErrors() {
		errs := ls.Diags.Errors()
		if err := diag.WriteText(stderr, errs, ls.Sources()); err != nil {
			return fail("writing diagnostics: %v", err)
		}
		fmt.Fprintf(stderr, "charter gen: the rule files have %s\n", plural(len(errs), "error"))
		return exitFindings
	}
	name := *community
	if name == "" {
		if cs := prog.Communities(); len(cs) == 1 {
			name = cs[0].Name
		} else {
			return fail("--community is required; the files declare %s", communityNames(prog))
		}
	}
	com := prog.Community(name)
	if com == nil {
		return fail("unknown community %q; the files declare %s", name, communityNames(prog))
	}
	// The settings are converted as the runtime converts them, and the
	// generated code holds them as constants.
	if com, err = sets.apply(com); err != nil {
		return fail("%v", err)
	}
	if *pkg == "" {
		*pkg = strings.ToLower(name)
		if !token.IsIdentifier(*pkg) {
			return fail("%q is not a Go package name: give one with --package", *pkg)
		}
	}
	if !token.IsIdentifier(*pkg) || *pkg == "_" {
		return fail("--package %q is not a Go identifier", *pkg)
	}

	src, err := gen.Generate(ls.Program, name, gen.Options{Package: *pkg, Settings: com.Settings()})
	if err != nil {
		var d diag.Diagnostic
		if !errors.As(err, &d) {
			return fail("%v", err)
		}
		if err := diag.WriteText(stderr, diag.List{d}, ls.Sources()); err != nil {
			return fail("writing diagnostics: %v", err)
		}
		fmt.Fprintf(stderr, "charter gen: cannot generate community %s\n", name)
		return exitFindings
	}
	if *out == "" {
		if _, err := stdout.Write(src); err != nil {
			return fail("writing the Go source: %v", err)
		}
		return exitOK
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		return fail("%v", err)
	}
	return exitOK
}
