package fuzz

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// TestMain gives fuzzing a short minimisation time unless the command
// line sets one. Go minimises every new interesting input for up to 60 s
// by default, removing one byte, then every run of bytes, at a time: over
// a few kilobytes of Charter that is tens of thousands of checks, and a
// plain `go test -fuzz FuzzCheck -fuzztime 60s` spent its whole minute
// minimising (39 executions). fuzz/run.sh passes the same value.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if fuzzing() && !set {
		if err := flag.Set("test.fuzzminimizetime", minimizeTime.String()); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// minimizeTime is the minimisation time fuzzing gets by default.
const minimizeTime = 5 * time.Second

// fuzzing reports whether this run fuzzes (-fuzz given) rather than
// running the seeds as tests.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// maxSeed is the largest seed fuzzing starts from. Larger files are cut
// into pieces of about this size (see pieces): each execution then takes
// a fraction of a millisecond, and minimising what grows from a seed ends
// in seconds instead of minutes.
const maxSeed = 1536

// seeds returns the inputs the source-level targets start from: every
// .charter file under examples/ and under the testdata directories of
// lang/ (the broken ones the diagnostics tests use included) that is at
// most maxSeed bytes, and pieces of the larger ones. Run as tests, the
// larger files are seeds too, whole, so that `go test ./fuzz` still checks
// every example as it is.
func seeds(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, root := range []string{"../examples", "../lang"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			wanted := root == "../examples" || strings.Contains(filepath.ToSlash(path), "/testdata/")
			if d.IsDir() || !wanted || !strings.HasSuffix(path, ".charter") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if len(src) <= maxSeed || !fuzzing() {
				out = append(out, src)
			}
			if len(src) > maxSeed {
				out = append(out, pieces(src)...)
			}
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	if len(out) == 0 {
		f.Fatal("no seed files found")
	}
	return out
}

// pieces cuts a file that parses into files of about maxSeed bytes that
// parse too: each community alone, and a community too large for that in
// several, each keeping the declarations that give names (member, action,
// roles, badges, goals, default, use, admit) so that its rules and tests
// still check, with as many of the others as fit.
func pieces(src []byte) [][]byte {
	file, ds := syntax.Parse("f.charter", src)
	if ds.HasErrors() {
		return nil
	}
	text := func(r diag.Range) string { return string(src[r.Start.Offset:r.End.Offset]) }
	var out [][]byte
	add := func(s string) {
		if _, ds := syntax.Parse("f.charter", []byte(s)); !ds.HasErrors() {
			out = append(out, []byte(s))
		}
	}
	for _, c := range file.Communities {
		if c == nil || c.Name == nil {
			continue
		}
		if whole := text(c.Range()); len(whole) <= maxSeed {
			add(whole + "\n")
			continue
		}
		head := "community " + c.Name.Name
		if c.Extends != nil {
			head += " extends " + c.Extends.Name
		}
		head += " {\n"
		var names, rest []string
		for _, d := range c.Decls {
			t := "  " + text(d.(interface{ Range() diag.Range }).Range()) + "\n"
			switch d.(type) {
			case *syntax.Schema, *syntax.Action, *syntax.Roles, *syntax.Badge, *syntax.Goal,
				*syntax.Default, *syntax.Use, *syntax.Admit:
				names = append(names, t)
			default:
				rest = append(rest, t)
			}
		}
		base := head + strings.Join(names, "")
		piece := base
		for _, t := range rest {
			if len(piece)+len(t) > maxSeed && piece != base {
				add(piece + "}\n")
				piece = base
			}
			piece += t
		}
		add(piece + "}\n")
	}
	return out
}
