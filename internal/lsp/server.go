package lsp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// Server is a Charter language server speaking LSP over one stream pair.
// It handles one message at a time, in the order they arrive, so that
// every answer sees the text of every change sent before it; diagnostics
// are computed once the client pauses (when no message is waiting), so a
// burst of keystrokes costs one check, not one per keystroke.
type Server struct {
	in  io.Reader
	out io.Writer
	wmu sync.Mutex // serialises writes: the reader goroutine reports bad frames

	enc         encoding
	initialized bool
	shutdown    bool

	docs  map[string]*document // open documents, by load-set file name
	byURI map[string]*document
	// held is what the open documents hold, as docSize counts it.
	held int64
	ws   *workspace
	// dirty holds the load sets whose diagnostics are out of date.
	dirty map[string]bool
	// published holds the URIs whose last published diagnostics were not
	// empty, so that a fixed file is cleared.
	published map[string]bool
	// dirtySince is when dirty last became non-empty.
	dirtySince time.Time
}

// maxDelay bounds how long diagnostics wait for the client to pause.
const maxDelay = 200 * time.Millisecond

// MaxDocuments and MaxHeld bound what a client can make the server keep
// by opening documents, which MaxMessage bounds only one at a time: a
// client opening documents without end, or growing one by incremental
// changes, is refused rather than given the memory. MaxHeld counts each
// document's text and its line index (docSize); 64 MiB is eight load
// sets at lang.MaxLoadSize, far beyond what an editor keeps open. The
// files read from disk are cached up to MaxHeld too (workspace.read).
const (
	MaxDocuments = 1000
	MaxHeld      = 64 << 20
)

// docSize is what a document's text holds in memory: its bytes and, for
// its line index, 8 bytes per line, so that a text of newlines counts
// what it costs.
func docSize(t *text) int64 { return int64(len(t.src)) + 8*int64(len(t.lines)) }

// document is an open text document.
type document struct {
	uri     string
	name    string // the file name in the load set: a path, or the URI
	version int
	text    *text
}

// NewServer returns a server that reads requests from in and writes
// responses and notifications to out.
func NewServer(in io.Reader, out io.Writer) *Server {
	s := &Server{
		in: in, out: out,
		docs:      map[string]*document{},
		byURI:     map[string]*document{},
		dirty:     map[string]bool{},
		published: map[string]bool{},
	}
	s.ws = newWorkspace(s)
	return s
}

// ErrNoShutdown is what Run returns when the client sent exit without
// shutdown first, or the stream ended without exit: LSP's exit status 1.
var ErrNoShutdown = errors.New("exit without shutdown")

// Run serves until the client sends exit, or the input ends or breaks its
// framing. It returns nil after a shutdown request then exit.
func (s *Server) Run() error {
	type frame struct {
		body []byte
		err  error
	}
	frames := make(chan frame, 64)
	go func() {
		r := bufio.NewReader(s.in)
		for {
			body, err := readMessage(r)
			frames <- frame{body, err}
			if err != nil {
				close(frames)
				return
			}
		}
	}()
	for f := range frames {
		if f.err != nil {
			if f.err == io.EOF {
				return ErrNoShutdown
			}
			return f.err
		}
		if exit := s.handle(f.body); exit {
			if s.shutdown {
				return nil
			}
			return ErrNoShutdown
		}
		// Publish once the client pauses, or at the latest maxDelay after
		// a change, so that a client that never pauses still hears.
		if len(s.dirty) > 0 && s.dirtySince.IsZero() {
			s.dirtySince = time.Now()
		}
		if len(frames) == 0 || len(s.dirty) > 0 && time.Since(s.dirtySince) > maxDelay {
			s.publishDirty()
			s.dirtySince = time.Time{}
		}
	}
	return ErrNoShutdown
}

// handle processes one message and reports whether it was exit. A panic in
// a handler is the server's bug, not the client's: it is answered as an
// internal error and the server goes on.
func (s *Server) handle(body []byte) (exit bool) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		s.reply(nil, nil, &respError{Code: codeParseError, Message: "malformed JSON: " + err.Error()})
		return false
	}
	if m.Method == "" {
		return false // a response to a request of ours; nothing waits on it
	}
	if m.Method == "exit" {
		return true
	}
	defer func() {
		if v := recover(); v != nil {
			if m.isRequest() {
				s.reply(m.ID, nil, &respError{Code: codeInternalError, Message: fmt.Sprintf("internal error in %s: %v", m.Method, v)})
			} else {
				s.logf("internal error in %s: %v", m.Method, v)
			}
		}
	}()
	result, err := s.dispatch(&m)
	if m.isRequest() {
		var re *respError
		if err != nil && !errors.As(err, &re) {
			re = &respError{Code: codeRequestFailed, Message: err.Error()}
		}
		s.reply(m.ID, result, re)
	} else if err != nil {
		s.logf("%s: %v", m.Method, err)
	}
	return false
}

func (s *Server) dispatch(m *message) (any, error) {
	if !s.initialized && m.Method != "initialize" {
		if m.isRequest() {
			return nil, &respError{Code: codeNotInitialized, Message: "the server is not initialized"}
		}
		return nil, nil // notifications before initialize are dropped
	}
	if s.shutdown && m.isRequest() {
		return nil, &respError{Code: codeInvalidRequest, Message: "the server is shut down"}
	}
	h, ok := handlers[m.Method]
	if !ok {
		if m.isRequest() {
			return nil, &respError{Code: codeMethodNotFound, Message: "method not supported: " + m.Method}
		}
		return nil, nil // unknown notifications ($/cancelRequest, ...) are ignored
	}
	return h(s, m.Params)
}

// handler answers one method; params is the raw "params" member.
type handler func(s *Server, params json.RawMessage) (any, error)

// handlers holds the methods served; each feature's file adds its own,
// with the capability that announces it.
var handlers = map[string]handler{}

// capabilities is what initialize announces, beside positionEncoding.
var capabilities = map[string]any{}

func serve(method string, h handler) { handlers[method] = h }

func init() {
	serve("initialize", (*Server).initialize)
	serve("initialized", func(*Server, json.RawMessage) (any, error) { return nil, nil })
	serve("shutdown", (*Server).shutdownRequest)
	serve("textDocument/didOpen", (*Server).didOpen)
	serve("textDocument/didChange", (*Server).didChange)
	serve("textDocument/didClose", (*Server).didClose)
	serve("textDocument/didSave", func(*Server, json.RawMessage) (any, error) { return nil, nil })
	serve("workspace/didChangeWatchedFiles", (*Server).didChangeWatched)
	capabilities["textDocumentSync"] = map[string]any{
		"openClose": true,
		"change":    1, // the full text on every change
	}
}

// decode unmarshals params, answering a malformed request as LSP says.
func decode[T any](params json.RawMessage) (*T, error) {
	v := new(T)
	if len(params) == 0 {
		return nil, &respError{Code: codeInvalidParams, Message: "missing params"}
	}
	if err := json.Unmarshal(params, v); err != nil {
		return nil, &respError{Code: codeInvalidParams, Message: "invalid params: " + err.Error()}
	}
	return v, nil
}

func (s *Server) initialize(params json.RawMessage) (any, error) {
	if s.initialized {
		return nil, &respError{Code: codeInvalidRequest, Message: "initialize sent twice"}
	}
	p, err := decode[InitializeParams](params)
	if err != nil {
		return nil, err
	}
	s.initialized = true
	if slices.Contains(p.Capabilities.General.PositionEncodings, "utf-8") {
		s.enc = utf8Bytes
	}
	caps := map[string]any{"positionEncoding": s.enc.String()}
	for k, v := range capabilities {
		caps[k] = v
	}
	return map[string]any{
		"capabilities": caps,
		"serverInfo":   map[string]any{"name": "charter"},
	}, nil
}

func (s *Server) shutdownRequest(json.RawMessage) (any, error) {
	s.shutdown = true
	return nil, nil
}

func (s *Server) didOpen(params json.RawMessage) (any, error) {
	p, err := decode[DidOpenParams](params)
	if err != nil {
		return nil, err
	}
	name := fileName(p.TextDocument.URI)
	d := &document{uri: p.TextDocument.URI, name: name, version: p.TextDocument.Version, text: newText([]byte(p.TextDocument.Text))}
	open, held := len(s.byURI), s.held
	old, reopened := s.byURI[d.uri]
	if reopened {
		open--
		held -= docSize(old.text)
	}
	if open >= MaxDocuments {
		s.showError("not opening %s: %d documents are open, the most the server follows (MaxDocuments): close some and open it again", d.uri, open)
		s.forget(old)
		return nil, nil
	}
	if n := docSize(d.text); held+n > MaxHeld {
		s.showError("not opening %s: its %s with the %s the open documents hold is over the %s the server follows (MaxHeld): close some and open it again", d.uri, mib(n), mib(held), mib(MaxHeld))
		s.forget(old)
		return nil, nil
	}
	if reopened {
		delete(s.docs, old.name)
	}
	s.docs[name] = d
	s.byURI[d.uri] = d
	s.held = held + docSize(d.text)
	s.changed(name)
	return nil, nil
}

// mib writes n bytes in MiB, for the limits' messages.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// showError tells the user of a limit the server holds to, in the editor
// (window/showMessage, type Error): the notification that ran into it has
// no answer to carry an error.
func (s *Server) showError(format string, args ...any) {
	s.notify("window/showMessage", map[string]any{"type": 1, "message": "charter lsp: " + fmt.Sprintf(format, args...)})
}

func (s *Server) didChange(params json.RawMessage) (any, error) {
	p, err := decode[DidChangeParams](params)
	if err != nil {
		return nil, err
	}
	d, ok := s.byURI[p.TextDocument.URI]
	if !ok {
		return nil, fmt.Errorf("change to %s, which is not open", p.TextDocument.URI)
	}
	was := d.text
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			d.text = newText([]byte(c.Text))
			continue
		}
		// Incremental changes are not announced, but cost little to apply.
		start, end := d.text.offset(c.Range.Start, s.enc), d.text.offset(c.Range.End, s.enc)
		if end < start {
			start, end = end, start
		}
		src := slices.Concat(d.text.src[:start], []byte(c.Text), d.text.src[end:])
		d.text = newText(src)
	}
	// The client has the changed text whatever the server does: keeping
	// the old one would answer every later question from a text the
	// client no longer has, so the document is no longer followed.
	if held := s.held - docSize(was) + docSize(d.text); held > MaxHeld {
		d.text = was
		s.showError("no longer following %s: with this change the open documents would hold %s, over the %s the server follows (MaxHeld): close some, then close it and open it again", d.uri, mib(held), mib(MaxHeld))
		s.forget(d)
		return nil, nil
	}
	s.held += docSize(d.text) - docSize(was)
	d.version = p.TextDocument.Version
	s.changed(d.name)
	return nil, nil
}

func (s *Server) didClose(params json.RawMessage) (any, error) {
	p, err := decode[DidCloseParams](params)
	if err != nil {
		return nil, err
	}
	d, ok := s.byURI[p.TextDocument.URI]
	if !ok {
		return nil, nil
	}
	s.forget(d)
	return nil, nil
}

// forget drops the open document d (none when nil) and what it held:
// the file on disk (if any) now stands for it in its load set, and an
// editor shows no diagnostics for a file the server does not follow.
func (s *Server) forget(d *document) {
	if d == nil {
		return
	}
	delete(s.byURI, d.uri)
	delete(s.docs, d.name)
	s.held -= docSize(d.text)
	s.changed(d.name)
	if s.published[d.uri] {
		s.notify("textDocument/publishDiagnostics", PublishDiagnosticsParams{URI: d.uri, Diagnostics: []Diagnostic{}})
		delete(s.published, d.uri)
	}
}

func (s *Server) didChangeWatched(json.RawMessage) (any, error) {
	// Which files changed matters little: every load set is loaded again,
	// and read afresh (a file rewritten at the same size within the
	// clock's resolution would fool the cache).
	s.ws.forgetDisk()
	s.ws.sets = map[string]*analysis{}
	for n := range s.docs {
		s.dirty[s.ws.keyOf(n)] = true
	}
	return nil, nil
}

// changed drops every load set that holds the file name, and marks the
// open documents in them for new diagnostics.
func (s *Server) changed(name string) {
	for key := range s.ws.sets {
		if inLoadSet(key, name) || key == s.ws.keyOf(name) {
			delete(s.ws.sets, key)
		}
	}
	for n := range s.docs {
		if key := s.ws.keyOf(n); inLoadSet(key, name) || key == s.ws.keyOf(name) {
			s.dirty[key] = true
		}
	}
}

// reply sends the response to request id.
func (s *Server) reply(id json.RawMessage, result any, err *respError) {
	m := map[string]any{"jsonrpc": "2.0", "id": id}
	if id == nil {
		m["id"] = nil
	}
	if err != nil {
		m["error"] = err
	} else {
		m["result"] = result
	}
	s.send(m)
}

// notify sends a notification.
func (s *Server) notify(method string, params any) {
	s.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

func (s *Server) send(v any) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// A client that stopped reading ends the session through its input;
	// nothing better can be done with a write error here.
	_ = writeMessage(s.out, v)
}

// logf sends a window/logMessage at log level.
func (s *Server) logf(format string, args ...any) {
	s.notify("window/logMessage", map[string]any{"type": 4, "message": fmt.Sprintf(format, args...)})
}
