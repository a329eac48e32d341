// Command embed serves a Charter community over HTTP: it compiles a rules
// file once, keeps the community's live state in memory, and answers
// joins, actions and goal questions as JSON.
//
// Run it from the repository root:
//
//	go run ./examples/embed -rules examples/fanclub/fanclub.charter -addr 127.0.0.1:8080
//
// The endpoints:
//
//	POST /members  {"id": "alice", "attributes": {"reputation": 10}}
//	POST /actions  {"member": "alice", "action": "post", "args": {"length": 120, "topic": "x"}, "at": "2026-01-15T09:00:00Z"}
//	GET  /goals?at=2026-01-15T09:00:00Z
//
// Every question carries its time: the engine never reads the clock, and
// neither does this server, so a request without `at` is refused rather
// than answered for "now". Malformed requests are answered with status 400
// and {"error": "..."}.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/charterlang/charter/runtime"
)

// maxBody bounds a request body: a join or an action is a few hundred bytes.
const maxBody = 1 << 20

func main() {
	rules := flag.String("rules", "examples/fanclub/fanclub.charter", "the Charter file or directory to compile (relative to the working directory)")
	name := flag.String("community", "FanClub", "the community to serve")
	addr := flag.String("addr", "127.0.0.1:8080", "the address to listen on")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "embed: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	club, err := load(*rules, *name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "embed: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{
		Addr:              *addr,
		Handler:           newServer(club),
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Printf("serving %s from %s on http://%s", club.Name, *rules, *addr)
	log.Fatal(srv.ListenAndServe())
}

// load compiles the rules at path and returns the community called name.
func load(path, name string) (*runtime.Community, error) {
	prog, err := runtime.CompileFiles(path)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", path, err)
	}
	c := prog.Community(name)
	if c == nil {
		var names []string
		for _, c := range prog.Communities() {
			names = append(names, c.Name)
		}
		return nil, fmt.Errorf("%s has no community %q (it has %s)", path, name, strings.Join(names, ", "))
	}
	return c, nil
}

// server is the HTTP face of one community's live state. The compiled
// community is immutable and the state does its own locking, so the
// handlers share both without further synchronisation.
type server struct {
	club  *runtime.Community
	state *runtime.State
	mux   *http.ServeMux
}

func newServer(club *runtime.Community) *server {
	// The wall clock only bounds how far ahead a client may date an action
	// (one dated years ahead would hold a history slot until then); the
	// answers still read only the "at" each request gives.
	s := &server{club: club, state: runtime.NewState(club, runtime.Clock(time.Now)), mux: http.NewServeMux()}
	s.mux.HandleFunc("POST /members", s.join)
	s.mux.HandleFunc("POST /actions", s.act)
	s.mux.HandleFunc("GET /goals", s.goals)
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// joinRequest is the body of POST /members. Attributes are converted by
// the community's schema: a missing one takes its default, an unknown one
// or one of the wrong type is refused. "@history" may list when each
// action was taken, as charter eval's --member takes it. At, the time of
// joining, is required by a community that admits members by a condition
// (a sub-community's admit), which is judged at that time.
type joinRequest struct {
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes"`
	At         string         `json:"at"`
}

type joinResponse struct {
	ID      string `json:"id"`
	Members int    `json:"members"`
}

func (s *server) join(w http.ResponseWriter, r *http.Request) {
	var req joinRequest
	if !decode(w, r, &req) {
		return
	}
	if req.ID == "" {
		fail(w, http.StatusBadRequest, errors.New(`"id" is required`))
		return
	}
	m, err := s.club.Member(req.Attributes)
	if err != nil {
		fail(w, http.StatusBadRequest, fmt.Errorf("member %q: %w", req.ID, err))
		return
	}
	if req.At != "" || s.club.Admits() {
		at, err := parseAt(req.At)
		if err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		err = s.state.JoinAt(req.ID, m, at)
		if errors.Is(err, runtime.ErrNotAdmitted) {
			// The error names the admit condition that refused the member.
			fail(w, http.StatusForbidden, err)
			return
		}
		if err != nil {
			fail(w, http.StatusConflict, err) // an ID already taken
			return
		}
	} else if err := s.state.Join(req.ID, m); err != nil {
		// The only error left is an ID already taken.
		fail(w, http.StatusConflict, err)
		return
	}
	reply(w, http.StatusCreated, joinResponse{ID: req.ID, Members: s.state.Len()})
}

// actionRequest is the body of POST /actions. Args holds the action's
// arguments by parameter name; a member-typed parameter takes the other
// member's ID.
type actionRequest struct {
	Member string         `json:"member"`
	Action string         `json:"action"`
	Args   map[string]any `json:"args"`
	At     string         `json:"at"`
}

// decision is the answer to POST /actions: the decision and what applying
// it did.
type decision struct {
	Action    string   `json:"action"`
	Allowed   bool     `json:"allowed"`
	ByDefault bool     `json:"by_default"`
	Reasons   []string `json:"reasons"`
	Rules     []string `json:"rules"`
	Sanctions []string `json:"sanctions"`
	Applied   bool     `json:"applied"`
	Changes   []change `json:"changes"`
}

type change struct {
	Member string `json:"member"`
	Kind   string `json:"kind"` // "role", "badge+" or "badge-"
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

func (s *server) act(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if !decode(w, r, &req) {
		return
	}
	at, err := parseAt(req.At)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	if req.Member == "" || req.Action == "" {
		fail(w, http.StatusBadRequest, errors.New(`"member" and "action" are required`))
		return
	}
	// Checking the call first tells a bad request (unknown action, wrong
	// arguments) apart from an effect that cannot be applied.
	if _, err := s.club.Call(req.Action, req.Args); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	res, err := s.state.Apply(r.Context(), req.Member, req.Action, runtime.Args(req.Args), at)
	switch {
	case errors.Is(err, runtime.ErrUnknownMember):
		fail(w, http.StatusBadRequest, err)
		return
	case err != nil && r.Context().Err() != nil:
		return // the client went away: nobody reads the answer
	case err != nil:
		// An effect that would divide by zero or overflow a float, or a
		// time more than a day ahead of the clock: the request was well
		// formed, the state refused it unchanged.
		fail(w, http.StatusUnprocessableEntity, err)
		return
	}
	d := res.Decision
	out := decision{
		Action:    d.Action,
		Allowed:   d.Allowed,
		ByDefault: d.ByDefault,
		Reasons:   d.Reasons(),
		Rules:     []string{},
		Sanctions: []string{},
		Applied:   res.Applied,
		Changes:   []change{},
	}
	for _, rule := range d.Rules {
		out.Rules = append(out.Rules, rule.Label)
	}
	for _, sn := range d.Sanctions() {
		out.Sanctions = append(out.Sanctions, sn.String())
	}
	for _, ch := range res.Changes {
		out.Changes = append(out.Changes, change{Member: ch.Member, Kind: ch.Kind, From: ch.From, To: ch.To})
	}
	reply(w, http.StatusOK, out)
}

type goal struct {
	Name     string  `json:"name"`
	Title    string  `json:"title"`
	Value    float64 `json:"value"`
	Op       string  `json:"op"`
	Target   float64 `json:"target"`
	Met      bool    `json:"met"`
	Progress float64 `json:"progress"`
}

func (s *server) goals(w http.ResponseWriter, r *http.Request) {
	at, err := parseAt(r.URL.Query().Get("at"))
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	out := []goal{}
	for _, g := range s.state.Goals(at) {
		out = append(out, goal{Name: g.Name, Title: g.Title, Value: g.Value, Op: g.Op, Target: g.Target, Met: g.Met, Progress: g.Progress})
	}
	reply(w, http.StatusOK, out)
}

// parseAt reads the time of a question. It is required: defaulting to the
// wall clock would make answers depend on when a request happens to
// arrive, which Charter's evaluation never does.
func parseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New(`"at" is required: the time of the question in RFC 3339, such as 2026-01-15T09:00:00Z`)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf(`"at" must be an RFC 3339 time such as 2026-01-15T09:00:00Z, got %q`, s)
	}
	return t, nil
}

// decode reads one JSON object into v. Numbers stay json.Number so that
// the community's schema decides whether 3 is an int or a float, and
// fields v does not declare are refused rather than silently dropped.
// It answers a failure itself and reports whether v was read.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	err := decodeBody(w, r, v)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		fail(w, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d bytes", tooBig.Limit))
	case err != nil:
		fail(w, http.StatusBadRequest, err)
	}
	return err == nil
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty body: want a JSON object")
		}
		return fmt.Errorf("bad JSON: %w", err)
	}
	if dec.More() {
		return errors.New("bad JSON: more than one value in the body")
	}
	return nil
}

type errorBody struct {
	Error string `json:"error"`
}

func fail(w http.ResponseWriter, status int, err error) {
	reply(w, status, errorBody{Error: err.Error()})
}

func reply(w http.ResponseWriter, status int, v any) {
	// Marshal before writing the header, so that a value JSON cannot hold
	// (a goal measure that came out infinite) is a clean 500, not half a body.
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // goal operators are >= and <=, not \u003e=
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		body.Reset()
		_ = enc.Encode(errorBody{Error: fmt.Sprintf("encode response: %v", err)})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if _, err := w.Write(body.Bytes()); err != nil {
		log.Printf("write response: %v", err)
	}
}
