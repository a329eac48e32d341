package fuzz

import (
	"errors"
	"testing"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime/gen"
)

// FuzzGenerate checks that charter gen never panics on a file that checks
// without errors, and that each community either generates (gofmt-ed Go,
// which Generate's own go/format pass would reject if it did not parse) or
// fails with a positioned diagnostic inside the file.
func FuzzGenerate(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, cds, ok := checkSource(src)
		if !ok || cds.HasErrors() {
			return
		}
		for _, c := range prog.Communities {
			out, err := gen.Generate(prog, c.Name, gen.Options{Package: "fuzzed"})
			if err == nil {
				if len(out) == 0 {
					t.Fatalf("%s: empty output", c.Name)
				}
				continue
			}
			var d diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("%s: an error that is not a diagnostic: %v", c.Name, err)
			}
			if p := d.Range.Start; p.Filename == "f.charter" && (p.Line < 1 || p.Offset < 0 || p.Offset > len(src)) {
				t.Fatalf("%s: diagnostic outside the file: %v", c.Name, d)
			}
		}
	})
}
