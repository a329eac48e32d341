package lsp

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

const club = `community Club {
  member { posts: int; reputation: float = 1.0 }
  action post(length: int)
  roles {
    creator if posts >= 5
    reader otherwise
  }
  may post if length < 100 && role >= creator
  on post { posts += 1; reputation += 0.5 }
}
`

func TestLifecycle(t *testing.T) {
	c := newClient(t)
	if err := c.call("textDocument/hover", map[string]any{}, nil); err == nil || err.Code != codeNotInitialized {
		t.Fatalf("hover before initialize: %v, want code %d", err, codeNotInitialized)
	}
	res := c.initialize()
	caps := res["capabilities"].(map[string]any)
	if caps["positionEncoding"] != "utf-16" {
		t.Errorf("positionEncoding %v, want utf-16 when the client offers nothing", caps["positionEncoding"])
	}
	if err := c.call("initialize", map[string]any{}, nil); err == nil {
		t.Error("a second initialize was accepted")
	}
	if err := c.call("no/such/method", map[string]any{}, nil); err == nil || err.Code != codeMethodNotFound {
		t.Errorf("unknown method: %v", err)
	}
	c.shutdown()
}

func TestExitWithoutShutdown(t *testing.T) {
	c := newClient(t)
	c.initialize()
	c.notify("exit", nil)
	if err := <-c.done; err != ErrNoShutdown {
		t.Fatalf("Run: %v, want ErrNoShutdown", err)
	}
}

func TestNegotiatesUTF8(t *testing.T) {
	c := newClient(t)
	res := c.initialize("utf-16", "utf-8")
	if got := res["capabilities"].(map[string]any)["positionEncoding"]; got != "utf-8" {
		t.Fatalf("positionEncoding %v, want utf-8 when offered", got)
	}
	c.shutdown()
}

// TestDiagnosticsAsCheck: a directory's files check together, and each
// open file gets the diagnostics charter check gives, code and range.
func TestDiagnosticsAsCheck(t *testing.T) {
	child := "community Kids extends Club {\n  may post if postz > 1\n}\n"
	dir := workspaceDir(t, map[string]string{"club.charter": club, "kids.charter": child})
	c := newClient(t)
	c.initialize()
	uri := fileURI(dir + "/kids.charter")
	c.open(uri, child)
	ds := c.diagnostics(uri)
	if len(ds) != 1 {
		t.Fatalf("diagnostics %+v, want one", ds)
	}
	d := ds[0]
	if d.Code != "CH0104" || d.Severity != sevError || d.Range != (Range{Position{1, 14}, Position{1, 19}}) {
		t.Errorf("got %s %d %+v", d.Code, d.Severity, d.Range)
	}
	if !strings.HasPrefix(d.Message, "unknown name postz") || !strings.Contains(d.Message, "suggestion: did you mean posts?") {
		t.Errorf("message %q", d.Message)
	}
	// The quick fix replaces the name.
	var actions []CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "range": d.Range,
		"context": map[string]any{"diagnostics": ds}}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil {
		t.Fatalf("code actions %+v", actions)
	}
	edit := actions[0].Edit.Changes[uri]
	if len(edit) != 1 || edit[0].NewText != "posts" || edit[0].Range != d.Range {
		t.Errorf("quick fix %+v", edit)
	}

	// A change that fixes it clears the diagnostics; one that breaks the
	// syntax reports CH0002.
	c.change(uri, 2, strings.Replace(child, "postz", "posts", 1))
	if ds := c.diagnostics(uri); len(ds) != 0 {
		t.Errorf("after the fix: %+v", ds)
	}
	c.change(uri, 3, "community Kids extends Club {\n  may post if\n")
	ds = c.diagnostics(uri)
	if len(ds) == 0 || ds[0].Code != "CH0003" && ds[0].Code != "CH0002" {
		t.Errorf("half-typed: %+v", ds)
	}
	c.shutdown()
}

// TestDiagnosticsLints: warnings and the compiler's findings come as check
// gives them.
func TestDiagnosticsLints(t *testing.T) {
	src := "community A {\n  member { unused: int }\n  action post()\n  may post\n}\n"
	c := newClient(t)
	c.initialize()
	c.open("untitled:Untitled-1", src)
	ds := c.diagnostics("untitled:Untitled-1")
	if len(ds) != 1 || ds[0].Code != "CH0200" || ds[0].Severity != sevWarning {
		t.Fatalf("diagnostics %+v, want the unused-attribute lint", ds)
	}
	c.shutdown()
}

// TestNonASCIIPositions: ranges count UTF-16 units, or bytes once utf-8 is
// agreed, on a line with characters outside ASCII and outside the BMP.
func TestNonASCIIPositions(t *testing.T) {
	src := "community A {\n  purpose \"é𝄞\"; may pöst\n}\n"
	for _, enc := range []string{"utf-16", "utf-8"} {
		c := newClient(t)
		c.initialize(enc)
		c.open("untitled:a", src)
		ds := c.diagnostics("untitled:a")
		if len(ds) != 1 || ds[0].Code != "CH0105" {
			t.Fatalf("%s: %+v", enc, ds)
		}
		want := Range{Position{1, 21}, Position{1, 25}} // "é" is 1 unit, "𝄞" 2
		if enc == "utf-8" {
			want = Range{Position{1, 24}, Position{1, 29}} // 2 and 4 bytes, "ö" 2
		}
		if ds[0].Range != want {
			t.Errorf("%s: range %+v, want %+v", enc, ds[0].Range, want)
		}
		c.shutdown()
	}
}

func TestPositionConversion(t *testing.T) {
	tx := newText([]byte("ab\né𝄞x\n"))
	for _, tc := range []struct {
		off  int
		enc  encoding
		want Position
	}{
		{0, utf16Units, Position{0, 0}},
		{3, utf16Units, Position{1, 0}},
		{5, utf16Units, Position{1, 1}},  // after é
		{9, utf16Units, Position{1, 3}},  // after 𝄞
		{10, utf16Units, Position{1, 4}}, // after x
		{9, utf8Bytes, Position{1, 6}},
		{100, utf16Units, Position{2, 0}},
	} {
		if got := tx.position(tc.off, tc.enc); got != tc.want {
			t.Errorf("position(%d, %s) = %+v, want %+v", tc.off, tc.enc, got, tc.want)
		}
		if tc.off <= len(tx.src) {
			if back := tx.offset(tc.want, tc.enc); back != tc.off {
				t.Errorf("offset(%+v, %s) = %d, want %d", tc.want, tc.enc, back, tc.off)
			}
		}
	}
	// Inside a surrogate pair or a UTF-8 sequence: the start of the rune.
	if got := tx.offset(Position{1, 2}, utf16Units); got != 5 {
		t.Errorf("inside a surrogate pair: %d, want 5", got)
	}
	if got := tx.offset(Position{1, 1}, utf8Bytes); got != 3 {
		t.Errorf("inside é: %d, want 3", got)
	}
	// Past the end of a line: the end of the line.
	if got := tx.offset(Position{0, 99}, utf16Units); got != 2 {
		t.Errorf("past the line's end: %d, want 2", got)
	}
}

// TestQuickFixes: the suggestions that are edits become code actions
// whose edit, applied, leaves the file without the diagnostic.
func TestQuickFixes(t *testing.T) {
	for _, tc := range []struct {
		name, src, code, want string
	}{
		{"did you mean", "community A {\n  member { posts: int }\n  action post()\n  may post if postz > 1\n}\n",
			"CH0104", "may post if posts > 1"},
		{"a quoted duration", "community A {\n  member { quiet: duration }\n  action post()\n  may post if quiet > 1d\n  test \"t\" {\n    given member { quiet: \"7d\" }\n  }\n}\n",
			"CH0113", "given member { quiet: 7d }"},
		{"an unbounded transfer", "community A {\n  member { points: int }\n  action tip(to: member, amount: int)\n  may tip\n  on tip {\n    points -= amount\n    to.points += amount\n  }\n}\n",
			"CH0206", "  may tip\n  must not tip if amount <= 0\n  on tip {"},
	} {
		c := newClient(t)
		c.initialize()
		c.open("untitled:a", tc.src)
		ds := c.diagnostics("untitled:a")
		var d *Diagnostic
		for i := range ds {
			if ds[i].Code == tc.code {
				d = &ds[i]
			}
		}
		if d == nil || d.Data == nil || d.Data.Fix == nil {
			t.Fatalf("%s: no %s with a fix in %+v", tc.name, tc.code, ds)
		}
		var actions []CodeAction
		c.mustCall("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": "untitled:a"}, "range": d.Range,
			"context": map[string]any{"diagnostics": []Diagnostic{*d}}}, &actions)
		if len(actions) != 1 {
			t.Fatalf("%s: actions %+v", tc.name, actions)
		}
		fixed := apply(t, map[string]string{"untitled:a": tc.src}, *actions[0].Edit)["untitled:a"]
		if !strings.Contains(fixed, tc.want) {
			t.Errorf("%s: fixed text\n%s\nlacks %q", tc.name, fixed, tc.want)
		}
		c.change("untitled:a", 2, fixed)
		for _, d := range c.diagnostics("untitled:a") {
			if d.Code == tc.code {
				t.Errorf("%s: still %s after the fix: %s", tc.name, d.Code, d.Message)
			}
		}
		c.shutdown()
	}
}

// TestFraming: malformed JSON is answered with a parse error and the
// session goes on; a frame without Content-Length, or longer than the
// limit, ends it with an error.
func TestFraming(t *testing.T) {
	var out bytes.Buffer
	in := "Content-Length: 5\r\n\r\n{oops" + frameOf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`) +
		frameOf(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`) + frameOf(`{"jsonrpc":"2.0","method":"exit"}`)
	if err := NewServer(strings.NewReader(in), &out).Run(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(out.String(), `"code":-32700`) || !strings.Contains(out.String(), `"id":2,"jsonrpc":"2.0","result":null`) {
		t.Errorf("output:\n%s", out.String())
	}
	for _, bad := range []string{
		"Content-Type: x\r\n\r\n{}",
		fmt.Sprintf("Content-Length: %d\r\n\r\n", MaxMessage+1),
		"Content-Length: 10\r\n\r\n{}",
		"no colon\r\n\r\n",
	} {
		if err := NewServer(strings.NewReader(bad), io.Discard).Run(); err == nil || err == ErrNoShutdown {
			t.Errorf("%q: Run returned %v, want a framing error", bad, err)
		}
	}
}

func frameOf(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

// TestCloseClears: closing a file with diagnostics clears them.
func TestCloseClears(t *testing.T) {
	c := newClient(t)
	c.initialize()
	c.open("untitled:a", "community A { may x }")
	if ds := c.diagnostics("untitled:a"); len(ds) == 0 {
		t.Fatal("no diagnostics")
	}
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": "untitled:a"}})
	if ds := c.diagnostics("untitled:a"); len(ds) != 0 {
		t.Errorf("after close: %+v", ds)
	}
	c.shutdown()
}
