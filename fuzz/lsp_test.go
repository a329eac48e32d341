package fuzz

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/charterlang/charter/internal/lsp"
)

// FuzzLSP checks that the language server answers every request about any
// text, half-typed or hostile: over real framing it opens the text, waits
// for its diagnostics, asks for hover, definition, references, completion
// and rename preparation at positions all over it, symbols, formatting and
// code lenses, renames where it may, then truncates the text (as a user
// mid-edit leaves it) and asks again. No request may fail with an internal
// error (a recovered panic), and the session must end, by shutdown and
// exit, within a time limit: the server never panics or hangs.
func FuzzLSP(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	for _, s := range parserCorpus(f) {
		f.Add(s)
	}
	f.Add([]byte("community A {\n  may \n"))
	f.Add([]byte("community A {\n  member { é𝄞: int }\n  may x if é𝄞 >\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			session(t, src)
		}()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("the session did not end within 60s for:\n%q", src)
		}
	})
}

const uri = "untitled:fuzz.charter"

func session(t *testing.T, src []byte) {
	c := startServer(t)
	defer c.close()
	c.call("initialize", map[string]any{"capabilities": map[string]any{}})
	c.notify("initialized", map[string]any{})
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "charter", "version": 1, "text": string(src)}})
	c.waitDiagnostics()
	renamed := c.ask(string(src), true)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": string(src[:len(src)/2])}}})
	c.waitDiagnostics()
	c.ask(string(src[:len(src)/2]), renamed < 1)
	c.call("shutdown", nil)
	c.notify("exit", nil)
	if err := <-c.done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// ask sends the position requests over the text and returns how many
// renames it made (at most one).
func (c *fuzzClient) ask(text string, rename bool) int {
	doc := map[string]any{"uri": uri}
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": doc})
	c.call("textDocument/formatting", map[string]any{"textDocument": doc, "options": map[string]any{"tabSize": 2}})
	c.call("textDocument/codeLens", map[string]any{"textDocument": doc})
	renames := 0
	for _, at := range positions(text) {
		p := map[string]any{"textDocument": doc, "position": at}
		c.call("textDocument/hover", p)
		c.call("textDocument/definition", p)
		c.call("textDocument/completion", p)
		c.call("textDocument/references", map[string]any{"textDocument": doc, "position": at,
			"context": map[string]any{"includeDeclaration": true}})
		if ok := c.call("textDocument/prepareRename", p); ok && rename && renames == 0 {
			c.call("textDocument/rename", map[string]any{"textDocument": doc, "position": at, "newName": "renamed"})
			renames++
		}
	}
	return renames
}

// positions are where ask asks: the start of every token-like run of the
// text (a name, a number, an operator), the end of each line and past it,
// up to a bound. Run as a test over every seed, a sample of them keeps go
// test ./fuzz quick.
func positions(text string) []map[string]int {
	var out []map[string]int
	limit := 64
	if !fuzzing() {
		limit = 6
	}
	for line, l := range strings.Split(text, "\n") {
		units := 0
		prevWord := false
		for _, r := range l {
			word := r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
			if word != prevWord || !word && r != ' ' {
				out = append(out, map[string]int{"line": line, "character": units})
			}
			prevWord = word
			units += len(utf16.Encode([]rune{r}))
		}
		out = append(out, map[string]int{"line": line, "character": units}, map[string]int{"line": line, "character": units + 5})
	}
	if len(out) > limit {
		step := len(out)/limit + 1
		sampled := out[:0:0]
		for i := 0; i < len(out); i += step {
			sampled = append(sampled, out[i])
		}
		out = sampled
	}
	return out
}

type fuzzMsg struct {
	ID     *int            `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type fuzzClient struct {
	t    *testing.T
	w    *io.PipeWriter
	r    *bufio.Reader
	rc   *io.PipeReader
	id   int
	done chan error
}

func startServer(t *testing.T) *fuzzClient {
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	c := &fuzzClient{t: t, w: cw, r: bufio.NewReader(cr), rc: cr, done: make(chan error, 1)}
	go func() {
		err := lsp.NewServer(sr, sw).Run()
		sw.Close()
		c.done <- err
	}()
	return c
}

func (c *fuzzClient) close() {
	c.w.Close()
	c.rc.Close()
}

func (c *fuzzClient) send(v map[string]any) {
	v["jsonrpc"] = "2.0"
	body, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatal(err)
	}
}

func (c *fuzzClient) read() fuzzMsg {
	length := -1
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("reading from the server: %v", err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			length, _ = strconv.Atoi(v)
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		c.t.Fatal(err)
	}
	var m fuzzMsg
	if err := json.Unmarshal(body, &m); err != nil {
		c.t.Fatalf("server sent malformed JSON %q: %v", body, err)
	}
	return m
}

func (c *fuzzClient) notify(method string, params any) {
	c.send(map[string]any{"method": method, "params": params})
}

// call sends a request and reads until its response; it reports whether
// the request succeeded. An internal error fails the test: it is a panic
// the server recovered from.
func (c *fuzzClient) call(method string, params any) bool {
	c.id++
	c.send(map[string]any{"id": c.id, "method": method, "params": params})
	for {
		m := c.read()
		if m.ID == nil || m.Method != "" {
			continue
		}
		if *m.ID != c.id {
			c.t.Fatalf("%s: response for id %d, want %d", method, *m.ID, c.id)
		}
		if m.Error != nil && m.Error.Code == -32603 {
			c.t.Fatalf("%s: %s", method, m.Error.Message)
		}
		return m.Error == nil
	}
}

func (c *fuzzClient) waitDiagnostics() {
	for {
		if m := c.read(); m.Method == "textDocument/publishDiagnostics" {
			return
		}
	}
}

// parserCorpus returns the inputs FuzzParseFormat keeps under testdata: the
// crashers found so far, each a file in go test's corpus encoding.
func parserCorpus(f *testing.F) [][]byte {
	f.Helper()
	files, err := filepath.Glob("testdata/fuzz/FuzzParseFormat/*")
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if q, ok := strings.CutPrefix(line, "[]byte("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
				if err != nil {
					f.Fatalf("%s: %v", name, err)
				}
				out = append(out, []byte(s))
			}
		}
	}
	return out
}
