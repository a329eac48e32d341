package fuzz

import (
	"testing"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
)

// FuzzCheck checks that the checker never panics on a file that parses, and
// that every diagnostic has a valid position inside the file.
func FuzzCheck(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, ds := syntax.Parse("f.charter", src)
		if ds.HasErrors() {
			return
		}
		_, cds := check.Check([]*syntax.File{file}, lang.Stdlib())
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, d := range cds {
			p := d.Range.Start
			if p.Filename == "f.charter" && (p.Line < 1 || p.Line > lines || p.Column < 1 || p.Offset < 0 || p.Offset > len(src)) {
				t.Fatalf("diagnostic outside the file (%d lines, %d bytes): %v", lines, len(src), d)
			}
			if d.Range.End.Offset < p.Offset && d.Range.End.Filename == p.Filename {
				t.Fatalf("diagnostic ends before it starts: %v", d)
			}
		}
	})
}
