package gen_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/internal/gentest"
	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime/gen"
	"github.com/charterlang/charter/runtime/gen/internal/exprs"
	"github.com/charterlang/charter/runtime/gen/internal/wide"
)

var update = flag.Bool("update", false, "rewrite the committed generated packages (gentest.Goldens)")

// TestGolden fails when a committed generated package differs from what
// Generate writes now; go test ./runtime/gen -update rewrites them, bench's
// workloadgen included, so that a change to the generator cannot leave the
// bench module's copy stale unnoticed.
func TestGolden(t *testing.T) {
	for _, c := range gentest.Goldens {
		t.Run(c.Package, func(t *testing.T) {
			src := gentest.Generate(t, c)
			path := filepath.Join(gentest.Root(), c.Out)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, src, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./runtime/gen -update)", err)
			}
			if !bytes.Equal(old, src) {
				t.Errorf("%s differs from what Generate writes: run go test ./runtime/gen -update and review the diff", c.Out)
			}
		})
	}
}

// TestSameAsRuntime holds each committed generated package of this module
// against the runtime on random members, histories, times, arguments and
// goal snapshots. bench/workloadgen is held by the bench module's own
// TestSameAsRuntime.
func TestSameAsRuntime(t *testing.T) {
	for _, tc := range []struct {
		pkg       string
		newMember any
		opts      gentest.Options
	}{
		{"exprs", exprs.NewMember, gentest.Options{Seed: 1, Members: 3000, Never: []string{"1 > 2", "false"}}},
		// Post has 70 denying rules and a may, so its decisions keep their
		// rule bits in two words, and a large n denies by rules in both.
		{"wide", wide.NewMember, gentest.Options{Seed: 1}},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			gentest.Run(t, tc.pkg, tc.newMember, tc.opts)
		})
	}
}

// TestTwoWords checks the case the random members reach only by chance: a
// decision denied by every rule of post, in order across the word boundary.
func TestTwoWords(t *testing.T) {
	m := wide.NewMember()
	d := m.DecidePost(time.Time{}, nil, 70)
	rules := d.Rules()
	if d.Allowed || len(rules) != 70 {
		t.Fatalf("post(70): allowed %v with %d rules, want denied by 70", d.Allowed, len(rules))
	}
	for i, r := range rules {
		if want := fmt.Sprintf("n reached %d", i+1); r.Reason() != want {
			t.Errorf("rule %d: reason %q, want %q", i, r.Reason(), want)
		}
	}
	if first, ok := d.First(); !ok || first != rules[0] {
		t.Errorf("First() = %v, %v; want %v, true", first, ok, rules[0])
	}
	d = m.DecidePost(time.Time{}, nil, 65)
	if got := d.Rules(); len(got) != 65 || got[64].Reason() != "n reached 65" {
		t.Errorf("post(65): %d rules, want 65 ending with n reached 65", len(got))
	}
}

// TestExamples generates every community of every example, tests
// included, and type-checks each package with go/types: the examples are
// not committed as generated packages, so this is what holds the
// generator to them. The helpers and imports an example's package uses
// must also appear in a golden, so that the differential tests compare
// every one of them with the runtime: when this fails, copy the construct
// that needs it from the example into runtime/gen/testdata.
func TestExamples(t *testing.T) {
	t.Chdir(gentest.Root())
	dirs := map[string]bool{}
	err := filepath.WalkDir("examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".charter") {
			dirs[filepath.Dir(path)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, c := range gentest.Goldens {
		src, err := os.ReadFile(c.Out)
		if err != nil {
			t.Fatal(err)
		}
		for name := range emitted(t, c.Out, src) {
			covered[name] = true
		}
	}

	fset := token.NewFileSet()
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	n := 0
	for _, dir := range slices.Sorted(maps.Keys(dirs)) {
		ls, err := lang.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if ls.Diags.HasErrors() {
			t.Fatalf("%s: %v", dir, ls.Diags.Errors())
		}
		for _, c := range ls.Program.Communities {
			name := dir + ": " + c.Name
			src, err := gen.Generate(ls.Program, c.Name, gen.Options{Package: "example"})
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
			if err != nil {
				t.Errorf("%s: the generated code does not parse: %v", name, err)
				continue
			}
			if _, err := conf.Check("example", fset, []*ast.File{f}, nil); err != nil {
				t.Errorf("%s: the generated code does not type-check: %v", name, err)
			}
			for used := range emitted(t, name, src) {
				if !covered[used] {
					t.Errorf("%s uses %s, which no golden does: add the construct that needs it to runtime/gen/testdata", name, used)
				}
			}
			n++
		}
	}
	if n < len(dirs) {
		t.Errorf("%d communities generated from %d example directories", n, len(dirs))
	}
	t.Logf("%d communities of %d example directories generated and type-checked", n, len(dirs))
}

// emitted returns the imports and the top-level functions (the helpers
// that generated expressions call) of a generated file.
func emitted(t *testing.T, name string, src []byte) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, im := range f.Imports {
		out["import "+im.Path.Value] = true
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			out["func "+fd.Name.Name] = true
		}
	}
	return out
}

func TestGenerateErrors(t *testing.T) {
	t.Chdir(gentest.Root())
	ls, err := lang.Load("examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		community, pkg, want string
	}{
		{"Nope", "x", `unknown community "Nope"; the files declare FanClub, WritingAdvisors`},
		{"FanClub", "fan-club", `package name "fan-club" is not a Go identifier`},
		{"FanClub", "", `package name "" is not a Go identifier`},
	} {
		_, err := gen.Generate(ls.Program, tc.community, gen.Options{Package: tc.pkg})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Generate(%s, %q): %v, want %s", tc.community, tc.pkg, err, tc.want)
		}
	}
}

// TestGenerateSettings: Options.Settings are converted as WithSettings
// converts them and compiled in as constants; what is not a setting, or
// not of its type, is an error naming the setting.
func TestGenerateSettings(t *testing.T) {
	t.Chdir(gentest.Root())
	ls, err := lang.Load("runtime/gen/testdata/exprs.charter")
	if err != nil {
		t.Fatal(err)
	}
	src, err := gen.Generate(ls.Program, "Exprs", gen.Options{Package: "exprs", Settings: map[string]any{"cap": 41.0, "rate": 2, "grace": 3 * time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("a > 41 && float64(f*2.0) > 10.0")) {
		t.Errorf("cap 41 and rate 2 are not compiled in")
	}
	if !bytes.Contains(src, []byte("10800000000")) {
		t.Errorf("grace 3h is not compiled in")
	}
	for _, tc := range []struct {
		set  map[string]any
		want string
	}{
		{map[string]any{"cap": 4.5}, "setting cap: want int, got"},
		{map[string]any{"grace": true}, "setting grace: want duration, got"},
		{map[string]any{"n": 1}, "community Exprs has no setting n"},
	} {
		_, err := gen.Generate(ls.Program, "Exprs", gen.Options{Package: "exprs", Settings: tc.set})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Settings %v: %v, want an error with %q", tc.set, err, tc.want)
		}
	}
}

// TestNameClash checks that two declarations that would share a Go name
// are an error at the second one.
func TestNameClash(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"community C {\n  member { days_active: int\n daysActive: int }\n}\n",
			"c.charter:3:2: error: attribute daysActive and attribute days_active (c.charter:2:12) would both be the Go name DaysActive [CH0122]"},
		{"community C {\n  action set()\n  badge set if true\n}\n",
			"c.charter:3:3: error: badge set and the generated type BadgeSet"},
		{"community C {\n  member { email: string\n email_given: bool }\n  action a()\n  may a if has(email) || email_given\n}\n",
			"c.charter:2:12: error: has(email) and attribute email_given would both be the Go name EmailGiven [CH0122]"},
	} {
		p := filepath.Join(t.TempDir(), "c.charter")
		if err := os.WriteFile(p, []byte(tc.src), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Chdir(filepath.Dir(p))
		ls, err := lang.Load("c.charter")
		if err != nil || ls.Diags.HasErrors() {
			t.Fatalf("%v %v", err, ls.Diags)
		}
		_, err = gen.Generate(ls.Program, "C", gen.Options{Package: "c"})
		var d diag.Diagnostic
		if !errors.As(err, &d) || !strings.HasPrefix(d.Error(), tc.want) {
			t.Errorf("%q: %v, want a diagnostic %s", tc.src, err, tc.want)
		}
	}
}

// TestHasFields checks the Given fields of has (SPEC §17.7): one for
// each attribute a has reads, none for a required attribute, which every
// member gives, so that has of it is true without the host's help.
func TestHasFields(t *testing.T) {
	src := "community C {\n  member { email: string\n joined: time required\n nick: string }\n  action a(to: member)\n  may a if has(email) && has(joined) && has(to.nick)\n}\n"
	p := filepath.Join(t.TempDir(), "c.charter")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(p))
	ls, err := lang.Load("c.charter")
	if err != nil || ls.Diags.HasErrors() {
		t.Fatalf("%v %v", err, ls.Diags)
	}
	out, err := gen.Generate(ls.Program, "C", gen.Options{Package: "c"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"EmailGiven bool", "NickGiven  bool", "e.m.EmailGiven && true && to.NickGiven"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("generated code lacks %q", want)
		}
	}
	if strings.Contains(string(out), "JoinedGiven") {
		t.Errorf("generated code has a field for required joined")
	}
}
