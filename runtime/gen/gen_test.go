package gen_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime/gen"

	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

var update = flag.Bool("update", false, "rewrite the generated packages under internal/")

// goldenPath is where the generated package of c is committed, relative to
// the repository root (gentest.Load's working directory).
func goldenPath(c gentest.Case) string {
	return filepath.Join("runtime", "gen", "internal", c.Package, c.Package+".go")
}

// TestGolden fails when a committed generated package differs from what
// Generate writes now; go test -update rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range gentest.Cases {
		t.Run(c.Package, func(t *testing.T) {
			src := gentest.Generate(t, c)
			path := goldenPath(c)
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
				t.Errorf("%s differs from what Generate writes: run go test ./runtime/gen -update and review the diff", path)
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	ls, _ := gentest.Load(t, gentest.Lookup(t, "fanclub"))
	for _, tc := range []struct {
		community, pkg, want string
	}{
		{"Nope", "x", `charter gen: unknown community "Nope"; the files declare FanClub, WritingAdvisors`},
		{"FanClub", "fan-club", `charter gen: package name "fan-club" is not a Go identifier`},
		{"FanClub", "", `charter gen: package name "" is not a Go identifier`},
	} {
		_, err := gen.Generate(ls.Program, tc.community, gen.Options{Package: tc.pkg})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Generate(%s, %q): %v, want %s", tc.community, tc.pkg, err, tc.want)
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
			"c.charter:3:2: error: charter gen: attribute daysActive and attribute days_active (c.charter:2:12) would both be the Go name DaysActive [CH0122]"},
		{"community C {\n  action set()\n  badge set if true\n}\n",
			"c.charter:3:3: error: charter gen: badge set and the generated type BadgeSet"},
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
