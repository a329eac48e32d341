// Package fuzz holds the fuzz targets of the Charter front end.
//
//	go test ./fuzz/ -fuzz FuzzParseFormat -fuzztime 60s
package fuzz

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/format"
	"github.com/charterlang/charter/lang/syntax"
)

// FuzzParseFormat checks that the parser and the formatter never panic and
// that, for any file that parses, the formatter keeps the syntax tree,
// keeps every comment and is idempotent.
func FuzzParseFormat(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	for _, s := range []string{
		"",
		"\x00\x01\x02\xff\xfe",
		"community A { purpose \"\xc3\x28\" }",
		"community A { badge b if " + strings.Repeat("(", 200) + "x" + strings.Repeat(")", 200) + " }",
		"community A { badge b if " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + " }",
		"community A { on a { x = 1 // c\n } } /* unterminated",
		"\uFEFFcommunity A {\r\n  may a // c\r\n}\r\n",
		"community A { badge b if a &&\n // c\n b }",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, ds := syntax.Parse("fuzz.charter", src)
		if ds.HasErrors() {
			format.Source(file) // what was parsed of a broken file prints without panicking
			return
		}
		out := format.Source(file)
		again, ds := syntax.Parse("fuzz.charter", out)
		if ds.HasErrors() {
			t.Fatalf("formatted text does not parse: %v\nsource:\n%s\nformatted:\n%s", ds, src, out)
		}
		if d := format.EqualAST(file, again); d != "" {
			t.Fatalf("formatting changed the syntax tree (-source +formatted):\n%s\nsource:\n%s\nformatted:\n%s", d, src, out)
		}
		if a, b := comments(file), comments(again); a != b {
			t.Fatalf("formatting changed the comments:\n%q\n%q\nsource:\n%s\nformatted:\n%s", a, b, src, out)
		}
		if twice := format.Source(again); !bytes.Equal(twice, out) {
			t.Fatalf("formatting is not idempotent:\nsource:\n%s\nonce:\n%s\ntwice:\n%s", src, out, twice)
		}
	})
}

func comments(f *syntax.File) string {
	var b strings.Builder
	for _, c := range f.Comments {
		b.WriteString(strings.ReplaceAll(c.Text, "\r\n", "\n"))
		b.WriteByte(0)
	}
	return b.String()
}
