package lsp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// client drives a Server over real framing through a pair of pipes, as an
// editor would.
type client struct {
	t      testing.TB
	w      *io.PipeWriter
	msgs   chan *message
	nextID int
	// notes holds notifications read while waiting for something else.
	notes []*message
	done  chan error
	// srv is the server, for a test to look at once done has answered.
	srv *Server
}

const timeout = 10 * time.Second

func newClient(t testing.TB) *client {
	cr, sw := io.Pipe() // server to client
	sr, cw := io.Pipe() // client to server
	c := &client{t: t, w: cw, msgs: make(chan *message, 256), done: make(chan error, 1)}
	srv := NewServer(sr, sw)
	c.srv = srv
	go func() {
		err := srv.Run()
		sw.Close()
		c.done <- err
	}()
	go func() {
		r := bufio.NewReader(cr)
		for {
			body, err := readMessage(r)
			if err != nil {
				close(c.msgs)
				return
			}
			m := new(message)
			if err := json.Unmarshal(body, m); err != nil {
				panic(fmt.Sprintf("server sent malformed JSON %q: %v", body, err))
			}
			c.msgs <- m
		}
	}()
	t.Cleanup(func() {
		cw.Close()
		cr.Close()
	})
	return c
}

func (c *client) next() *message {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatal("the server closed its output")
		}
		return m
	case <-time.After(timeout):
		c.t.Fatal("no message from the server within", timeout)
	}
	return nil
}

func (c *client) send(v any) {
	c.t.Helper()
	if err := writeMessage(c.w, v); err != nil {
		c.t.Fatal(err)
	}
}

// call sends a request and returns its raw result; a response error fails
// the test unless wantErr is given.
func (c *client) call(method string, params any, result any) *respError {
	c.t.Helper()
	c.nextID++
	id := c.nextID
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	for {
		m := c.next()
		if m.Method != "" {
			c.notes = append(c.notes, m)
			continue
		}
		if string(m.ID) != fmt.Sprint(id) {
			c.t.Fatalf("response to %s for id %s, want %d", method, m.ID, id)
		}
		if m.Error != nil {
			return m.Error
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				c.t.Fatalf("%s: result %s: %v", method, m.Result, err)
			}
		}
		return nil
	}
}

func (c *client) mustCall(method string, params any, result any) {
	c.t.Helper()
	if err := c.call(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// diagnostics waits for the next publishDiagnostics for uri.
func (c *client) diagnostics(uri string) []Diagnostic {
	c.t.Helper()
	for i, m := range c.notes {
		if p, ok := c.published(m, uri); ok {
			c.notes = append(c.notes[:i], c.notes[i+1:]...)
			return p.Diagnostics
		}
	}
	for {
		m := c.next()
		if p, ok := c.published(m, uri); ok {
			return p.Diagnostics
		}
		c.notes = append(c.notes, m)
	}
}

func (c *client) published(m *message, uri string) (*PublishDiagnosticsParams, bool) {
	if m.Method != "textDocument/publishDiagnostics" {
		return nil, false
	}
	var p PublishDiagnosticsParams
	if err := json.Unmarshal(m.Params, &p); err != nil {
		c.t.Fatal(err)
	}
	return &p, p.URI == uri
}

func (c *client) initialize(encodings ...string) map[string]any {
	c.t.Helper()
	var res map[string]any
	params := map[string]any{"capabilities": map[string]any{"general": map[string]any{"positionEncodings": encodings}}}
	c.mustCall("initialize", params, &res)
	c.notify("initialized", map[string]any{})
	return res
}

func (c *client) open(uri, src string) {
	c.t.Helper()
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "charter", "version": 1, "text": src}})
}

func (c *client) change(uri string, version int, src string) {
	c.t.Helper()
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []any{map[string]any{"text": src}}})
}

// shutdown ends the session properly and checks that Run returned nil.
func (c *client) shutdown() {
	c.t.Helper()
	c.mustCall("shutdown", nil, nil)
	c.notify("exit", nil)
	select {
	case err := <-c.done:
		if err != nil {
			c.t.Fatalf("Run after shutdown and exit: %v", err)
		}
	case <-time.After(timeout):
		c.t.Fatal("the server did not stop after exit")
	}
}

// workspace writes files into a temporary directory and returns it.
func workspaceDir(t testing.TB, files map[string]string) string {
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// at returns the position of the n-th (from 0) occurrence of marker in
// src, plus off characters, counted in UTF-16 units.
func at(src, marker string, n, off int) Position {
	i := -1
	for k := 0; k <= n; k++ {
		j := strings.Index(src[i+1:], marker)
		if j < 0 {
			panic("marker " + marker + " not found")
		}
		i += 1 + j
	}
	return newText([]byte(src)).position(i, utf16Units).add(off)
}

func (p Position) add(n int) Position { p.Character += n; return p }

// diagnosticsUntil waits for diagnostics of uri that satisfy ok, skipping
// earlier ones: publishing waits for the client to pause, so a quick
// client may get one set for several changes, after later responses.
func (c *client) diagnosticsUntil(uri string, ok func([]Diagnostic) bool) []Diagnostic {
	c.t.Helper()
	for {
		if ds := c.diagnostics(uri); ok(ds) {
			return ds
		}
	}
}
