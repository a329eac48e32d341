package format

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// TestGolden formats each testdata/NAME.charter and compares the result
// with NAME.golden.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.charter")
	if err != nil || len(inputs) < 6 {
		t.Fatalf("want at least 6 inputs in testdata, got %d (%v)", len(inputs), err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, ds := Bytes(in, src)
			if len(ds) > 0 {
				t.Fatalf("diagnostics:\n%v", ds)
			}
			golden := strings.TrimSuffix(in, ".charter") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("formatting %s differs from %s:\n%s", in, golden, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + ":\n  want: " + strconvQuote(wl) + "\n  got:  " + strconvQuote(gl) + "\n")
			shown++
		}
	}
	return b.String()
}

// TestFanClubIsCanonical: the brief's example is written in the canonical
// layout, byte for byte.
func TestFanClubIsCanonical(t *testing.T) {
	name := "../../examples/fanclub/fanclub.charter"
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	got, ds := Bytes(name, src)
	if len(ds) > 0 {
		t.Fatalf("diagnostics:\n%v", ds)
	}
	if !bytes.Equal(got, src) {
		t.Errorf("the brief's example is not canonical:\n%s", lineDiff(string(src), string(got)))
	}
}

// corpus returns every example and testdata file with its source.
func corpus(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	add := func(path string) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[path] = src
	}
	err := filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".charter") {
			add(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pat := range []string{"testdata/*.charter", "testdata/*.golden"} {
		paths, _ := filepath.Glob(pat)
		for _, p := range paths {
			add(p)
		}
	}
	return files
}

// TestProperties checks, for every file of the corpus, that formatting
// keeps the syntax tree and every comment, and that formatting the output
// again changes nothing.
func TestProperties(t *testing.T) {
	for name, src := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			f, ds := syntax.Parse(name, src)
			if ds.HasErrors() {
				t.Fatalf("diagnostics:\n%v", ds)
			}
			out := Source(f)
			g, ds := syntax.Parse(name, out)
			if ds.HasErrors() {
				t.Fatalf("the output does not parse:\n%v\n%s", ds, out)
			}
			if d := EqualAST(f, g); d != "" {
				t.Errorf("the output means something else (-source +output):\n%s", d)
			}
			if !slices.Equal(commentTexts(f), commentTexts(g)) {
				t.Errorf("comments changed:\n source: %q\n output: %q", commentTexts(f), commentTexts(g))
			}
			if again := Source(g); !bytes.Equal(again, out) {
				t.Errorf("formatting is not idempotent:\n%s", lineDiff(string(out), string(again)))
			}
		})
	}
}

func commentTexts(f *syntax.File) []string {
	var out []string
	for _, c := range f.Comments {
		out = append(out, strings.ReplaceAll(c.Text, "\r\n", "\n"))
	}
	return out
}

func TestBytesSyntaxError(t *testing.T) {
	out, ds := Bytes("bad.charter", []byte("community A {\n  may\n}\n"))
	if out != nil {
		t.Errorf("got output %q for a file with a syntax error", out)
	}
	if !ds.HasErrors() || ds[0].Code != diag.Syntax || ds[0].Range.Start.Line != 3 {
		t.Errorf("want a %s error on line 3, got %v", diag.Syntax, ds)
	}
}

// TestLayout pins single rules of the layout.
func TestLayout(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty file", "", ""},
		{"only comments", "// a\n\n\n/* b */\n", "// a\n\n/* b */\n"},
		{"expression spacing", "community A { badge b if !x&&-y<-1||f( a,b )[0]>=c.d?e:[ 1,2 ][1:] }",
			"community A { badge b if !x && -y < -1 || f(a, b)[0] >= c.d ? e : [1, 2][1:] }\n"},
		{"signs", "community A { badge b if - -x > -(+1) && !!y }",
			"community A { badge b if - -x > -(+1) && !!y }\n"},
		{"binary minus after a call", "community A { badge b if f(x)-1>a-b }",
			"community A { badge b if f(x) - 1 > a - b }\n"},
		{"blank lines collapse", "community A {\n\n\n  may a\n\n\n\n  may b\n\n}\n",
			"community A {\n  may a\n\n  may b\n}\n"},
		{"block expands when written on lines", "community A { on a {\nx = 1 } }",
			"community A {\n  on a {\n    x = 1\n  }\n}\n"},
		{"one-line block keeps one line", "community A {\n  on a {x=1;y=2}\n}",
			"community A {\n  on a { x = 1; y = 2 }\n}\n"},
		{"trailing comment keeps its distance", "community A {\n  may a             // why\n}\n",
			"community A {\n  may a             // why\n}\n"},
		{"trailing comment after long code", "community A {\n        may a, b, c // why\n}\n",
			"community A {\n  may a, b, c // why\n}\n"},
		{"trailing comments line up", "community A {\n  may a // one\n  may bbbbbb // two\n}\n",
			"community A {\n  may a      // one\n  may bbbbbb // two\n}\n"},
		{"may aligns only lines with a condition", "community A {\n  may a\n  may bbb if x\n  may c if y\n}\n",
			"community A {\n  may a\n  may bbb if x\n  may c   if y\n}\n"},
		{"blank line ends an alignment run", "community A {\n  badge a if x\n\n  badge bbb if y\n}\n",
			"community A {\n  badge a if x\n\n  badge bbb if y\n}\n"},
		{"comment line does not end a run", "community A {\n  badge a if x\n  // c\n  badge bbb if y\n}\n",
			"community A {\n  badge a   if x\n  // c\n  badge bbb if y\n}\n"},
		{"multi-line item ends a run", "community A {\n  badge a if x &&\n y\n  badge bbb if y\n}\n",
			"community A {\n  badge a if x &&\n    y\n  badge bbb if y\n}\n"},
		{"semicolon kept before a word that continues an expression",
			"community A {\n  member {\n    x: int = 1;\n    or: int\n  }\n}\n",
			"community A {\n  member {\n    x:  int = 1;\n    or: int\n  }\n}\n"},
		{"touching tokens expr-lang reads as one stay touching", "community A { badge a if x ?b\"y\" : z }",
			"community A { badge a if x ? b\"y\" : z }\n"},
		{"bom and crlf", "\uFEFFcommunity A {\r\n  may a // c\r\n}\r\n", "community A {\n  may a // c\n}\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ds := Bytes("t.charter", []byte(c.in))
			if len(ds) > 0 {
				t.Fatalf("diagnostics:\n%v", ds)
			}
			if string(got) != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
			again, _ := Bytes("t.charter", got)
			if !bytes.Equal(again, got) {
				t.Errorf("not idempotent:\n%s", again)
			}
		})
	}
}

// TestEqualAST: the comparison sees changes of meaning and ignores layout.
func TestEqualAST(t *testing.T) {
	parse := func(src string) *syntax.File {
		f, ds := syntax.Parse("t.charter", []byte(src))
		if ds.HasErrors() {
			t.Fatalf("%v", ds)
		}
		return f
	}
	base := parse("community A {\n  badge b if x > 1 && y\n}\n")
	if d := EqualAST(base, parse("community A { badge b if x>1&&\n y } // c")); d != "" {
		t.Errorf("layout counted as a difference:\n%s", d)
	}
	for _, other := range []string{
		"community A { badge b if x > 2 && y }",
		"community A { badge c if x > 1 && y }",
		"community A { badge b if (x > 1) && y }",
		"community B { badge b if x > 1 && y }",
	} {
		if EqualAST(base, parse(other)) == "" {
			t.Errorf("no difference found with %q", other)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func strconvQuote(s string) string { return strconv.Quote(s) }
