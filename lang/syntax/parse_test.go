package syntax

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/lang/diag"
)

func TestParseFanClub(t *testing.T) {
	src, err := os.ReadFile("../../examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	f, ds := Parse("fanclub.charter", src)
	for _, d := range ds {
		t.Errorf("%v", d)
	}
	if len(f.Communities) != 2 {
		t.Fatalf("got %d communities, want 2", len(f.Communities))
	}
	for _, e := range Exprs(f) {
		t.Logf("%v %q", e.Pos, e.Src)
	}
}

// TestUnterminatedStringEndingInBackslash: a backslash as the file's last
// byte once made the lexer step past the end and loop forever.
func TestUnterminatedStringEndingInBackslash(t *testing.T) {
	for _, src := range []string{`"\`, `community A { purpose "abc\`, "community A { purpose '\\"} {
		done := make(chan diag.List, 1)
		go func() {
			_, ds := Parse("t.charter", []byte(src))
			done <- ds
		}()
		select {
		case ds := <-done:
			if len(ds) == 0 || ds[0].Code != diag.Lex {
				t.Errorf("%q: got %v, want a %s error", src, ds, diag.Lex)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: Parse does not return", src)
		}
	}
}

// TestPositions: nodes carry the diagnostics' position type, filled by the
// parser, and an expression places expr-lang's errors past the $ it inserts
// before each duration literal, counting characters, not bytes.
func TestPositions(t *testing.T) {
	src := "community Club {\n  action é(n: int)\n  may é if n > 7d +\n    * 2\n}\n"
	f, ds := Parse("c.charter", []byte(src))
	at := func(line, col int) diag.Pos {
		off := 0
		for l := 1; l < line; l++ {
			off += len(strings.SplitAfter(src, "\n")[l-1])
		}
		off += len(string([]rune(strings.SplitAfter(src, "\n")[line-1])[:col-1]))
		return diag.Pos{Filename: "c.charter", Offset: off, Line: line, Column: col}
	}
	com := f.Communities[0]
	if got, want := com.Name.Range(), (diag.Range{Start: at(1, 11), End: at(1, 15)}); got != want {
		t.Errorf("community name range %v, want %v", got, want)
	}
	act := com.Decls[0].(*Action)
	if got, want := act.Params[0].Name.Pos, at(2, 12); got != want {
		t.Errorf("parameter n at %#v, want %#v", got, want)
	}
	if len(ds) != 1 || ds[0].Code != diag.ExprSyntax {
		t.Fatalf("diagnostics %v, want one %s", ds, diag.ExprSyntax)
	}
	if got, want := ds[0].Range, (diag.Range{Start: at(4, 5), End: at(4, 5)}); got != want {
		t.Errorf("expression error at %v-%v, want %v (%v)", got.Start, got.End, want.Start, ds[0])
	}
}

// A syntax error that participle reports at a declaration's first word
// (wherever the mistake inside it was) suggests the declaration's form;
// other syntax errors keep their message alone.
func TestSyntaxErrorSuggestsForm(t *testing.T) {
	for _, tc := range []struct{ decl, suggest string }{
		{"limit post 3 per week", "limit is written limit ACTION N per DURATION"},
		{"must not * if x > 1", "must is written must not ACTION, ..."},
		{`test "t" { wait "10m" }`, "wait DURATION (unquoted, such as 10m)"},
		{"may post else warn", ""},
	} {
		src := "community A {\n  member { x: int }\n  action post()\n  " + tc.decl + "\n}\n"
		_, ds := Parse("a.charter", []byte(src))
		if len(ds) != 1 || ds[0].Code != diag.Syntax {
			t.Errorf("%s: diagnostics %v, want one CH0002", tc.decl, ds)
			continue
		}
		if got := ds[0].Suggestion; tc.suggest == "" && got != "" || !strings.Contains(got, tc.suggest) {
			t.Errorf("%s: suggestion %q, want one containing %q", tc.decl, got, tc.suggest)
		}
	}
}

// A syntax error inside a declaration points at the offending token, not at
// the declaration's first word where participle backtracks to (issue 14),
// and still suggests the declaration's form.
func TestSyntaxErrorAtOffendingToken(t *testing.T) {
	for _, tc := range []struct {
		src, msg, form string
		line, col      int
	}{
		{"community A {\n  action post()\n  must not * if true\n}\n", `unexpected token "*" in this must declaration`, "must is written", 3, 12},
		{"community A {\n  action post()\n  limit post 3 per week\n}\n", `unexpected token "week" in this limit declaration`, "limit is written", 3, 20},
		{"community A {\n  action a()\n  test \"t\" {\n    frobnicate a()\n  }\n}\n", `unexpected token "frobnicate" in this test block`, "each step one of", 4, 5},
	} {
		_, ds := Parse("a.charter", []byte(tc.src))
		if len(ds) != 1 {
			t.Fatalf("%q: %v, want one diagnostic", tc.src, ds)
		}
		d := ds[0]
		if d.Message != tc.msg || d.Range.Start.Line != tc.line || d.Range.Start.Column != tc.col || !strings.Contains(d.Suggestion, tc.form) {
			t.Errorf("%q:\n got %v (%s)\nwant %d:%d %s, suggesting %q", tc.src, d, d.Suggestion, tc.line, tc.col, tc.msg, tc.form)
		}
	}
}

// TestEndAfterInvalidUTF8: a comment holding invalid UTF-8 is a lexical
// error (CH0010) but still a token, which Parse keeps among the file's
// comments and ends the file with. Each invalid byte is one byte and one
// column, as the error's column counts it, not the three bytes of the
// U+FFFD that ranging over the string yields for it.
func TestEndAfterInvalidUTF8(t *testing.T) {
	src := []byte("community A {}\n// caf\xe9 \xff\xfe")
	f, ds := Parse("a.charter", src)
	if len(ds) == 0 || ds[0].Code != diag.Encoding {
		t.Fatalf("diagnostics %v, want CH0010", ds)
	}
	want := diag.Pos{Filename: "a.charter", Offset: len(src), Line: 2, Column: 11}
	if f.EndPos != want {
		t.Errorf("the file ends at %+v, want %+v", f.EndPos, want)
	}
	if len(f.Comments) != 1 || f.Comments[0].EndPos != want {
		t.Errorf("comments %+v, want one ending at %+v", f.Comments, want)
	}
	toks, _ := Lex("a.charter", src)
	for _, tok := range toks {
		if end := tok.End(); end.Offset > len(src) {
			t.Errorf("token %q ends at offset %d, past the source's %d bytes", tok.Value, end.Offset, len(src))
		}
	}
}
