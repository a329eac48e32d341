package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shown waits for the next window/showMessage and returns its type and
// message.
func (c *client) shown() (int, string) {
	c.t.Helper()
	var p struct {
		Type    int
		Message string
	}
	take := func(m *message) bool {
		if m.Method != "window/showMessage" {
			return false
		}
		if err := json.Unmarshal(m.Params, &p); err != nil {
			c.t.Fatal(err)
		}
		return true
	}
	for i, m := range c.notes {
		if take(m) {
			c.notes = append(c.notes[:i], c.notes[i+1:]...)
			return p.Type, p.Message
		}
	}
	for {
		m := c.next()
		if take(m) {
			return p.Type, p.Message
		}
		c.notes = append(c.notes, m)
	}
}

// symbols asks for uri's document symbols: an error when the server does
// not follow the document.
func (c *client) symbols(uri string) *respError {
	c.t.Helper()
	return c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri}}, nil)
}

// TestOpenDocumentsBounded: a client opening documents without end is
// refused the one past MaxDocuments, with an error shown in the editor,
// and the server keeps answering; closing one makes room.
func TestOpenDocumentsBounded(t *testing.T) {
	c := newClient(t)
	c.initialize()
	uri := func(i int) string { return fmt.Sprintf("untitled:Untitled-%d", i) }
	for i := range MaxDocuments {
		c.open(uri(i), "community A {}\n")
		// Taking each document's diagnostics keeps the server from
		// blocking on a client that does not read.
		c.diagnostics(uri(i))
	}
	c.open(uri(MaxDocuments), "community A {}\n")
	typ, msg := c.shown()
	want := fmt.Sprintf("not opening %s: %d documents are open, the most the server follows (MaxDocuments)", uri(MaxDocuments), MaxDocuments)
	if typ != 1 || !strings.Contains(msg, want) {
		t.Errorf("showMessage %d %q, want an error with %q", typ, msg, want)
	}
	if err := c.symbols(uri(MaxDocuments)); err == nil || !strings.Contains(err.Message, "is not open") {
		t.Errorf("the refused document: %v, want it not open", err)
	}
	// Opening one already open again is not one more.
	c.open(uri(0), "community B {}\n")
	if err := c.symbols(uri(0)); err != nil {
		t.Errorf("a document opened again at the limit: %v", err)
	}
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri(1)}})
	c.open(uri(MaxDocuments), "community A {}\n")
	if err := c.symbols(uri(MaxDocuments)); err != nil {
		t.Errorf("after a close: %v", err)
	}
	c.shutdown()
}

// TestOpenBytesBounded: the open documents hold at most MaxHeld, their
// text and 8 bytes a line; a document that would go over is not opened,
// and one a change would take over is no longer followed. Closing makes
// room.

func TestOpenBytesBounded(t *testing.T) {
	c := newClient(t)
	c.initialize()
	const big = 15 << 20 // under MaxMessage with its JSON
	uri := func(i int) string { return fmt.Sprintf("untitled:big-%d", i) }
	text := strings.Repeat("x", big)
	for i := range 4 {
		c.open(uri(i), text)
	}
	if err := c.symbols(uri(3)); err != nil {
		t.Fatalf("60 MiB open: %v", err)
	}
	// 1 MiB of newlines holds 9 MiB with its line index: over.
	c.open("untitled:lines", strings.Repeat("\n", 1<<20))
	typ, msg := c.shown()
	if typ != 1 || !strings.Contains(msg, "not opening untitled:lines: its 9.0 MiB with the 60.0 MiB the open documents hold is over the 64.0 MiB the server follows (MaxHeld)") {
		t.Errorf("showMessage %d %q, want the 9 MiB refused", typ, msg)
	}
	if err := c.symbols("untitled:lines"); err == nil {
		t.Error("the refused document is open")
	}
	c.open("untitled:small", "community A {}\n")
	if err := c.symbols("untitled:small"); err != nil {
		t.Fatalf("a small document under the limit: %v", err)
	}
	c.change("untitled:small", 2, strings.Repeat("y", 5<<20))
	typ, msg = c.shown()
	if typ != 1 || !strings.Contains(msg, "no longer following untitled:small: with this change the open documents would hold 65.0 MiB, over the 64.0 MiB") {
		t.Errorf("showMessage %d %q, want the change refused", typ, msg)
	}
	if err := c.symbols("untitled:small"); err == nil || !strings.Contains(err.Message, "is not open") {
		t.Errorf("the document a change took over the limit: %v, want it not open", err)
	}
	// What the dropped document held is free again, and so is what a
	// closed one held.
	c.open("untitled:small", strings.Repeat("y", 3<<20))
	if err := c.symbols("untitled:small"); err != nil {
		t.Errorf("63 MiB: %v", err)
	}
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri(0)}})
	c.open("untitled:lines", strings.Repeat("\n", 1<<20))
	if err := c.symbols("untitled:lines"); err != nil {
		t.Errorf("after a close: %v", err)
	}
	c.shutdown()
}

// TestDiskCacheBounded: the files read from disk for the load sets of
// documents since closed stay cached, up to MaxHeld: a client opening and
// closing a document in one directory after another does not make the
// server keep every directory's files.
func TestDiskCacheBounded(t *testing.T) {
	// Each directory holds four files just under MaxFileSize: 8 MiB, the
	// most a load set reads (lang.MaxLoadSize).
	line := "// " + strings.Repeat("x", 60) + "\n"
	file := strings.Repeat(line, (2<<20-64)/len(line))
	const dirs = 9 // 72 MiB, over MaxHeld
	root := t.TempDir()
	c := newClient(t)
	c.initialize()
	for i := range dirs {
		dir := filepath.Join(root, fmt.Sprint("d", i))
		files := map[string]string{}
		for k := range 4 {
			files[fmt.Sprintf("f%d.charter", k)] = file
		}
		for name, src := range files {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		uri := fileURI(filepath.Join(dir, "doc.charter"))
		c.open(uri, "community A {}\n")
		c.diagnostics(uri)
		c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	}
	c.shutdown()
	held := int64(0)
	for _, f := range c.srv.ws.disk {
		held += int64(len(f.src))
	}
	if held > MaxHeld || held < 8<<20-256 {
		t.Errorf("the disk cache holds %s after %d directories of 8 MiB, want at most MaxHeld (%s) and the last directory's files", mib(held), dirs, mib(MaxHeld))
	}
	if held != c.srv.ws.diskHeld {
		t.Errorf("the disk cache holds %d bytes, counted as %d", held, c.srv.ws.diskHeld)
	}
}
