package fuzz

import (
	"testing"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// checkSource parses src as f.charter and, when it parses, checks it with
// the standard library; ok is false for a file with syntax errors.
func checkSource(src []byte) (*check.Program, diag.List, bool) {
	file, ds := syntax.Parse("f.charter", src)
	if ds.HasErrors() {
		return nil, nil, false
	}
	prog, cds := check.Check([]*syntax.File{file}, lang.Stdlib())
	return prog, cds, true
}

// FuzzCheck checks that the checker never panics on a file that parses, and
// that every diagnostic has a valid position inside the file.
func FuzzCheck(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, cds, ok := checkSource(src)
		if !ok {
			return
		}
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
