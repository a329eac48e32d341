package format

import (
	"bytes"
	"slices"
	"testing"

	"github.com/charterlang/charter/lang/syntax"
)

// TestTrickyInputs checks the formatter's properties on inputs that put
// comments, line breaks and separators in odd places.
func TestTrickyInputs(t *testing.T) {
	for _, src := range []string{
		"community A\n// c\n{ may a }",
		"community A { may a } // c\n// d",
		"community A { on a { x = 1 } } // c",
		"community A { purpose `two\nlines` }",
		"community A { purpose `two\nlines` // c\n may a }",
		"community A { badge b if x == `a\nb` }",
		"community A { badge b if x == `a\nb` && y; badge cc if z }",
		"community A { action a(x: int /* c */, y: int) }",
		"community A { action a(x: int, // c\n y: int) }",
		"community A { action a(\n  x: int,\n  y: int,\n) }",
		"community A { may a /* x */ /* y */\n may b }",
		"community A { may a /* x */ /* y */ may b }",
		"community A {\n  may a /* x\n y */ may b\n}",
		"community A { /* a */ /* b */\n may b }",
		"community A {\n  /* a */ /* b */ may b\n}",
		"community A {\n  may\n  /* a */ /* b */ b\n}",
		"community A {\n  may\n  // a\n  /* b */ b\n}",
		"/* a */ /* b */ // c\ncommunity A {}",
		"community A { must not a else // c\n warn }",
		"community A { badge b if\n // c\n x }",
		"community A { badge b if x /* c */ }",
		"community A { badge b if x >\n /* c */ 1 }",
		"community A { badge b if x\n /* c */ && y }",
		"community A { badge b if f(\n // c\n x) }",
		"community A { test \"t\" { do a(x: 1, // c\n y: 2) } }",
		"community A { test \"t\" { given member { a: [\n1,\n2] } } }",
		"community A {\n\n// c\n\n}\n",
		"community A {\n  may a\n\n  // c\n\n}\n",
		"community A { member { a: int = 0. ,\n b: int } }",
		"community A { member { a: int = x ?\n 1 : 2; b: int } }",
		"community A { member { a: int = -\n1 } }",
		"community A { roles { a if x;\n or if y } }",
		"community A{}community B{};;community C{}",
		"community A { goal g { measure x\n target >= 1 // c\n } }",
		"community A { may a,/*c*/b }",
		"community A {\n\tmay a\t// tab\n\tmay bb\t\t// tabs\n}",
		"community A { badge 创作者 if x // c\n badge b if y // d\n}",
		"community A { badge b if a ?? b ?. c }",
		"community A { badge b if x[1:] == y[:2] && z[:] != nil }",
		"community A { badge b if x::y }",
		"community A { badge b if (let x = 1; x > 0) }",
		"community A { badge b if -(-x) > - -1 }",
		"community A { badge b if !(!x) && not not y }",
		"community A { badge b if {a: 1}.a > 0 }",
		"community A { badge b if [\n] == [] }",
		"community A { badge b if f(x)\n .y }",
	} {
		f, ds := syntax.Parse("t.charter", []byte(src))
		if ds.HasErrors() {
			t.Logf("skipping %q: %v", src, ds)
			continue
		}
		out := Source(f)
		g, ds := syntax.Parse("t.charter", out)
		if ds.HasErrors() {
			t.Errorf("%q: output does not parse: %v\n%s", src, ds, out)
			continue
		}
		if d := EqualAST(f, g); d != "" {
			t.Errorf("%q: output means something else:\n%s\n%s", src, d, out)
		}
		if !slices.Equal(commentTexts(f), commentTexts(g)) {
			t.Errorf("%q: comments changed:\n%s", src, out)
		}
		if again := Source(g); !bytes.Equal(again, out) {
			t.Errorf("%q: not idempotent:\nonce:\n%s\ntwice:\n%s", src, out, again)
		}
		if testing.Verbose() {
			t.Logf("%q:\n%s", src, out)
		}
	}
}

// Brackets opened on one line give one level of indentation to the lines
// inside them, not one per bracket (SPEC §15, issue 14).
func TestContinuationCountsLinesNotBrackets(t *testing.T) {
	src := "community A {\n  member { x: int; y: int }\n  action a()\n  may a if max(min(abs(\n  x), y), 1) > 2 && (x > 1 ||\n        y > 2)\n}\n"
	want := "community A {\n  member { x: int; y: int }\n  action a()\n  may a if max(min(abs(\n    x), y), 1) > 2 && (x > 1 ||\n    y > 2)\n}\n"
	got, ds := Bytes("a.charter", []byte(src))
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
