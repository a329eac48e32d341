package gen

import (
	"os"
	"strings"
	"testing"
)

// TestPreludeCopied checks that every declaration of the prelude reaches a
// golden verbatim, so that the prelude holds no code that generated
// packages do not, and that what they hold is what internal/prelude
// compiles and tests.
func TestPreludeCopied(t *testing.T) {
	decls, err := preludeDecls()
	if err != nil {
		t.Fatal(err)
	}
	var goldens []string
	for _, path := range []string{"internal/exprs/exprs.go", "internal/wide/wide.go", "../../bench/workloadgen/workloadgen.go"} {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		goldens = append(goldens, string(src))
	}
	if len(decls) < 40 {
		t.Errorf("the prelude has %d declarations: the embedded files are missing some", len(decls))
	}
	for name, src := range decls {
		found := false
		for _, g := range goldens {
			found = found || strings.Contains(g, src)
		}
		if !found {
			t.Errorf("no golden holds the prelude's %s as written", name)
		}
	}
}
