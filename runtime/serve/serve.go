// Package serve is a JSON HTTP API over a community's live state, for
// hosts not written in Go: `charter serve` runs it, and a Go host mounts
// it beside its own handlers.
//
//	h, err := serve.New(runtime.NewState(club, runtime.Clock(time.Now)), serve.Config{Clock: time.Now})
//	srv := h.Server("127.0.0.1:8080") // timeouts and limits set
//	err = srv.ListenAndServe()
//
// The handler answers joins, leaves and updates of members, decisions with
// and without applying them, a member's role, badges, duties and messages,
// the goals, /healthz and Prometheus metrics at /metrics. SPEC.md §17.9
// lists the endpoints, their JSON and their status codes.
//
// Every question has a time. A request gives it as "at"; without one, the
// handler uses Config.Clock, the host's clock, and without a clock "at" is
// required. Charter's answers read only the time they are given.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/charterlang/charter/runtime"
)

// State is what the handler needs of a live state. *runtime.State has
// it, and so does a durable state kept in a store.
type State interface {
	Community() *runtime.Community
	Join(id string, m *runtime.Member) error
	JoinAt(id string, m *runtime.Member, at time.Time) error
	Leave(id string) error
	Update(id string, values map[string]any) error
	Member(id string) (*runtime.Member, bool)
	Len() int
	Events() uint64
	Goals(at time.Time) []runtime.GoalValue
	Decide(id, action string, args runtime.Args, at time.Time) (runtime.Decision, error)
	Apply(ctx context.Context, id, action string, args runtime.Args, at time.Time) (runtime.Result, error)
}

// OverMaxMembersError is New's error for a state that already holds more
// members than Limits.MaxMembers: served, it would stay over the bound
// and refuse every join.
type OverMaxMembersError struct {
	Members, Max int
}

func (e *OverMaxMembersError) Error() string {
	return fmt.Sprintf("serve: the state holds %d members, more than MaxMembers %d", e.Members, e.Max)
}

// Reviewer is a state that carries out the sanctions of unmet duties
// (runtime.State.Review): with it the handler serves POST /review.
type Reviewer interface {
	Review(ctx context.Context, at time.Time) (runtime.ReviewResult, error)
}

// Lifter is a state that lifts the mutes and removals it carried out
// (runtime.State.Lift): with it the handler serves
// DELETE /members/{id}/sanctions/{sanction}.
type Lifter interface {
	Lift(id, sanction string) error
}

// SanctionHolder is a state that keeps the mutes and removals it carried
// out (runtime.State.Sanctions): with it a member's standing lists them.
type SanctionHolder interface {
	Sanctions(id string, at time.Time) []runtime.Sanctioned
}

// MemberQuestions is a state that answers a member's duties and messages
// itself, with its goals and member count (runtime.State.Duties and
// Messages). Without it the handler asks the community with the state's
// goals, and a `when` that reads `members` reads 0.
type MemberQuestions interface {
	Duties(id string, at time.Time) ([]runtime.Duty, error)
	Messages(id string, at time.Time) ([]runtime.Message, error)
}

// Limits bound what one client can make the server hold or do. The zero
// value of a field takes its default.
type Limits struct {
	// MaxBody is the largest request body in bytes (default 1 MiB).
	MaxBody int64
	// MaxMembers is how many members the community may hold; a join
	// beyond it is refused with 409 (default 1,000,000), and New refuses
	// a state that already holds more.
	MaxMembers int
	// MaxIDLen is the longest member ID in bytes (default 256).
	MaxIDLen int
	// ReadTimeout bounds reading a whole request, headers and body
	// (default 10s); WriteTimeout bounds the time from the end of reading
	// the headers to the end of the answer (default 30s); IdleTimeout is
	// how long a kept-alive connection waits for its next request
	// (default 120s). Server sets them on the http.Server it makes.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

// Defaults of Limits.
const (
	DefaultMaxBody      = 1 << 20
	DefaultMaxMembers   = 1_000_000
	DefaultMaxIDLen     = 256
	DefaultReadTimeout  = 10 * time.Second
	DefaultWriteTimeout = 30 * time.Second
	DefaultIdleTimeout  = 120 * time.Second
)

// Config configures a Handler.
type Config struct {
	Limits
	// Clock is the host's clock, the time of a request that gives no
	// "at". Nil makes "at" required.
	Clock func() time.Time
	// DecisionLog, when not nil, receives one JSON line per decision
	// (SPEC §17.9): the time, the member, the action, the verdict and the
	// deciding rules, for audit. Lines are written whole, one Write each.
	DecisionLog io.Writer
	// Registry receives the handler's metrics, served at /metrics; nil
	// makes a registry of the handler's own with the Go and process
	// collectors.
	Registry *prometheus.Registry
	// ErrorLog receives errors no client can be told (a failed write of
	// an answer or of the decision log); nil is the log package's logger.
	ErrorLog *log.Logger
}

// ObserveCommit records one commit of a durable state's log in the
// charter_commit_seconds metric; pass it to store.OnCommit.
func (h *Handler) ObserveCommit(d time.Duration) { h.metrics.commitSeconds.Observe(d.Seconds()) }

// Handler is the HTTP face of one community's live state. It is safe for
// concurrent use: the state does its own locking, and the community is
// immutable.
type Handler struct {
	state   State
	c       *runtime.Community
	cfg     Config
	mux     *http.ServeMux
	metrics *metrics
	joinMu  sync.Mutex // makes the member cap exact under concurrent joins
	logMu   sync.Mutex
}

// New returns a handler over state.
func New(state State, cfg Config) (*Handler, error) {
	if state == nil || state.Community() == nil {
		return nil, errors.New("serve: no state")
	}
	l := &cfg.Limits
	for _, f := range []struct {
		name string
		neg  bool
	}{
		{"MaxBody", l.MaxBody < 0}, {"MaxMembers", l.MaxMembers < 0}, {"MaxIDLen", l.MaxIDLen < 0},
		{"ReadTimeout", l.ReadTimeout < 0}, {"WriteTimeout", l.WriteTimeout < 0}, {"IdleTimeout", l.IdleTimeout < 0},
	} {
		if f.neg {
			return nil, fmt.Errorf("serve: %s is negative: want a positive value, or zero for the default", f.name)
		}
	}
	setDefault(&l.MaxBody, DefaultMaxBody)
	setDefault(&l.MaxMembers, DefaultMaxMembers)
	setDefault(&l.MaxIDLen, DefaultMaxIDLen)
	setDefault(&l.ReadTimeout, DefaultReadTimeout)
	setDefault(&l.WriteTimeout, DefaultWriteTimeout)
	setDefault(&l.IdleTimeout, DefaultIdleTimeout)
	// A state already over the bound would be served over it, refusing
	// every join: the bound would silently not hold.
	if n := state.Len(); n > l.MaxMembers {
		return nil, &OverMaxMembersError{Members: n, Max: l.MaxMembers}
	}
	h := &Handler{state: state, c: state.Community(), cfg: cfg, mux: http.NewServeMux()}
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	h.metrics = m
	h.mux.HandleFunc("POST /members", h.join)
	h.mux.HandleFunc("GET /members/{id}", h.member)
	h.mux.HandleFunc("PATCH /members/{id}", h.update)
	h.mux.HandleFunc("DELETE /members/{id}", h.leave)
	h.mux.HandleFunc("GET /members/{id}/role", h.role)
	h.mux.HandleFunc("GET /members/{id}/duties", h.duties)
	h.mux.HandleFunc("GET /members/{id}/messages", h.messages)
	h.mux.HandleFunc("POST /decide", h.decide)
	h.mux.HandleFunc("POST /actions", h.apply)
	h.mux.HandleFunc("GET /goals", h.goals)
	if _, ok := state.(Reviewer); ok {
		h.mux.HandleFunc("POST /review", h.review)
	}
	if _, ok := state.(Lifter); ok {
		h.mux.HandleFunc("DELETE /members/{id}/sanctions/{sanction}", h.lift)
	}
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.Handle("GET /metrics", m.handler)
	return h, nil
}

func setDefault[T int | int64 | time.Duration](v *T, d T) {
	if *v == 0 {
		*v = d
	}
}

// Config returns the handler's configuration with the defaults filled in.
func (h *Handler) Config() Config { return h.cfg }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	if mh, pattern := h.mux.Handler(r); pattern == "" {
		h.unrouted(sw, r, mh)
	} else {
		h.mux.ServeHTTP(sw, r)
	}
	h.metrics.requests.WithLabelValues(fmt.Sprint(sw.status)).Inc()
}

// unrouted answers a request no endpoint takes, as JSON like every other
// refusal: mh, the mux's own answer, tells a path it lacks (404) from a
// method the path does not take (405, with the methods it does).
func (h *Handler) unrouted(w http.ResponseWriter, r *http.Request, mh http.Handler) {
	probe := &probeWriter{header: http.Header{}}
	mh.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		allow := probe.header.Get("Allow")
		w.Header().Set("Allow", allow)
		h.fail(w, nil, refusef(http.StatusMethodNotAllowed, "%s %s: the method is not allowed here (allowed: %s)", r.Method, r.URL.Path, allow))
		return
	}
	h.fail(w, nil, refusef(http.StatusNotFound, "%s %s: no such endpoint", r.Method, r.URL.Path))
}

// probeWriter keeps the status and headers of an answer and drops its body.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.status = code }

// statusWriter remembers the status of an answer, for the metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Server returns an http.Server for h on addr with the handler's timeouts
// and a 64 KiB limit on request headers.
func (h *Handler) Server(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: h.cfg.ReadTimeout,
		ReadTimeout:       h.cfg.ReadTimeout,
		WriteTimeout:      h.cfg.WriteTimeout,
		IdleTimeout:       h.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          h.cfg.ErrorLog,
	}
}

// when reads the time of a question: given, or the clock's.
func (h *Handler) when(s string) (time.Time, *badInput) {
	if s == "" {
		if h.cfg.Clock != nil {
			return h.cfg.Clock(), nil
		}
		return time.Time{}, refusef(http.StatusBadRequest, `"at" is required: the time of the question in RFC 3339, such as 2026-01-15T09:00:00Z`)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		hint := ""
		if strings.Contains(s, " ") {
			hint = " (in a URL, write the + of an offset as %2B)"
		}
		return time.Time{}, refusef(http.StatusBadRequest, `"at" must be an RFC 3339 time such as 2026-01-15T09:00:00Z, got %q%s`, s, hint)
	}
	return t, nil
}

// checkID refuses an ID the server would not keep: empty, longer than
// MaxIDLen, not UTF-8 or holding a control character. (Lone surrogates
// never reach here: the body check refuses their escapes.)
func (h *Handler) checkID(what, id string) *badInput {
	switch {
	case id == "":
		return refusef(http.StatusBadRequest, "%s is required", what)
	case len(id) > h.cfg.MaxIDLen:
		return refusef(http.StatusBadRequest, "%s is %d bytes long: at most %d", what, len(id), h.cfg.MaxIDLen)
	case !utf8.ValidString(id):
		return refusef(http.StatusBadRequest, "%s %q is not valid UTF-8", what, id)
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return refusef(http.StatusBadRequest, "%s %q holds the control character %U", what, id, r)
		}
	}
	return nil
}

// pathMember finds the member the URL names.
func (h *Handler) pathMember(r *http.Request) (string, *runtime.Member, *badInput) {
	id := r.PathValue("id")
	if bad := h.checkID("the member id", id); bad != nil {
		return id, nil, bad
	}
	m, ok := h.state.Member(id)
	if !ok {
		return id, nil, refusef(http.StatusNotFound, "member %q: %v", id, runtime.ErrUnknownMember)
	}
	return id, m, nil
}

// JoinRequest is the body of POST /members. Attributes are converted by
// the community's schema: a missing one takes its default, an unknown one
// or one of the wrong type is refused; "@history" lists when each action
// was taken. At is the time of joining, at which a community with an
// admit rule judges the member.
type JoinRequest struct {
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes"`
	At         string         `json:"at"`
}

// Membership is the answer to a join or a leave.
type Membership struct {
	ID      string `json:"id"`
	Members int    `json:"members"`
}

func (h *Handler) join(w http.ResponseWriter, r *http.Request) {
	var req JoinRequest
	body, bad := h.decodeBody(w, r, &req)
	if bad == nil {
		bad = h.joinDecoded(&req)
	}
	if bad != nil {
		h.fail(w, body, bad)
		return
	}
	h.reply(w, http.StatusCreated, Membership{ID: req.ID, Members: h.state.Len()})
}

func (h *Handler) joinDecoded(req *JoinRequest) *badInput {
	if bad := h.checkID(`"id"`, req.ID); bad != nil {
		return bad
	}
	m, err := h.c.Member(req.Attributes)
	if err != nil {
		return refusef(http.StatusBadRequest, "member %q: %w", req.ID, err)
	}
	h.joinMu.Lock()
	defer h.joinMu.Unlock()
	if n := h.state.Len(); n >= h.cfg.MaxMembers {
		return refusef(http.StatusConflict, "join %q: %s is full: it holds %d members, the server's limit", req.ID, h.c.Name, n)
	}
	if _, ok := h.state.Member(req.ID); ok {
		return refusef(http.StatusConflict, "join: member %q is already in %s", req.ID, h.c.Name)
	}
	if h.c.Admits() {
		t, bad := h.when(req.At)
		if bad != nil {
			return bad
		}
		err = h.state.JoinAt(req.ID, m, t)
	} else {
		if req.At != "" {
			if _, bad := h.when(req.At); bad != nil {
				return bad
			}
		}
		err = h.state.Join(req.ID, m)
	}
	switch {
	case errors.Is(err, runtime.ErrNotAdmitted), errors.Is(err, runtime.ErrRemoved):
		return refuse(http.StatusForbidden, err) // it names the admit rule, or the removal
	case err != nil:
		// A history time too far ahead, or a store that failed.
		return refuse(http.StatusUnprocessableEntity, err)
	}
	return nil
}

func (h *Handler) leave(w http.ResponseWriter, r *http.Request) {
	id, _, bad := h.pathMember(r)
	if bad == nil {
		if err := h.state.Leave(id); err != nil {
			bad = h.stateError(err)
		}
	}
	if bad != nil {
		h.fail(w, nil, bad)
		return
	}
	h.reply(w, http.StatusOK, Membership{ID: id, Members: h.state.Len()})
}

// UpdateRequest is the body of PATCH /members/{id}: the attributes to
// set, converted as a join converts them; every one is set, or none.
type UpdateRequest struct {
	Attributes map[string]any `json:"attributes"`
}

// MemberJSON is a member's attributes. Times are RFC 3339 strings and
// durations Go duration strings ("36h0m0s"), as in a snapshot.
type MemberJSON struct {
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes"`
}

func (h *Handler) member(w http.ResponseWriter, r *http.Request) {
	id, m, bad := h.pathMember(r)
	if bad != nil {
		h.fail(w, nil, bad)
		return
	}
	h.reply(w, http.StatusOK, h.memberJSON(id, m))
}

func (h *Handler) memberJSON(id string, m *runtime.Member) MemberJSON {
	vals := h.c.Values(m)
	for k, v := range vals {
		switch v := v.(type) {
		case time.Duration:
			vals[k] = v.String()
		case []time.Duration:
			ds := make([]string, len(v))
			for i, d := range v {
				ds[i] = d.String()
			}
			vals[k] = ds
		}
	}
	return MemberJSON{ID: id, Attributes: vals}
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) {
	id, _, bad := h.pathMember(r)
	if bad != nil {
		h.fail(w, nil, bad)
		return
	}
	var req UpdateRequest
	body, bad := h.decodeBody(w, r, &req)
	if bad == nil && len(req.Attributes) == 0 {
		bad = refusef(http.StatusBadRequest, `"attributes" is required: the attributes to set`)
	}
	if bad == nil {
		if err := h.state.Update(id, req.Attributes); err != nil {
			bad = h.stateError(err)
			if bad.status == http.StatusUnprocessableEntity {
				bad.status = http.StatusBadRequest // an unknown attribute or a value of the wrong type
			}
		}
	}
	if bad != nil {
		h.fail(w, body, bad)
		return
	}
	m, ok := h.state.Member(id)
	if !ok { // it left between the update and now
		h.fail(w, nil, refusef(http.StatusNotFound, "member %q: %v", id, runtime.ErrUnknownMember))
		return
	}
	h.reply(w, http.StatusOK, h.memberJSON(id, m))
}

// stateError classifies an error of the state.
func (h *Handler) stateError(err error) *badInput {
	switch {
	case errors.Is(err, runtime.ErrUnknownMember):
		return refuse(http.StatusNotFound, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return refuse(http.StatusServiceUnavailable, err)
	}
	return refuse(http.StatusUnprocessableEntity, err)
}

// Standing is the answer to GET /members/{id}/role. Sanctions are the
// mutes and removals that hold at the time, when the state keeps them.
type Standing struct {
	ID        string           `json:"id"`
	At        string           `json:"at"`
	Role      string           `json:"role"`
	Badges    []string         `json:"badges"`
	Sanctions []SanctionedJSON `json:"sanctions"`
}

// SanctionedJSON is a sanction the state carried out (or, for demote and
// the host's own sanctions, reports for the host to carry out).
type SanctionedJSON struct {
	Member   string `json:"member"`
	Sanction string `json:"sanction"`
	Rule     string `json:"rule"`
	Reason   string `json:"reason"`
	At       string `json:"at"`
	Until    string `json:"until,omitempty"` // when a mute lifts or a removal lets the member rejoin
}

func sanctioned(scs []runtime.Sanctioned) []SanctionedJSON {
	out := []SanctionedJSON{}
	for _, sc := range scs {
		sj := SanctionedJSON{Member: sc.Member, Rule: sc.Rule, Reason: sc.Reason, At: stamp(sc.At)}
		if sc.Sanction != nil {
			sj.Sanction = sc.Sanction.String()
		}
		if !sc.Until.IsZero() {
			sj.Until = stamp(sc.Until)
		}
		out = append(out, sj)
	}
	return out
}

func (h *Handler) question(w http.ResponseWriter, r *http.Request) (string, *runtime.Member, time.Time, bool) {
	id, m, bad := h.pathMember(r)
	var t time.Time
	if bad == nil {
		t, bad = h.when(r.URL.Query().Get("at"))
	}
	if bad != nil {
		h.fail(w, nil, bad)
		return "", nil, t, false
	}
	return id, m, t, true
}

func (h *Handler) role(w http.ResponseWriter, r *http.Request) {
	id, m, t, ok := h.question(w, r)
	if !ok {
		return
	}
	badges := h.c.Badges(m, t)
	if badges == nil {
		badges = []string{}
	}
	out := Standing{ID: id, At: stamp(t), Role: h.c.Role(m, t), Badges: badges, Sanctions: []SanctionedJSON{}}
	if sh, ok := h.state.(SanctionHolder); ok {
		out.Sanctions = sanctioned(sh.Sanctions(id, t))
	}
	h.reply(w, http.StatusOK, out)
}

// DutyJSON is an unmet duty: `must Action Need per Per`, done Done times
// in the window.
type DutyJSON struct {
	Action   string `json:"action"`
	Need     int    `json:"need"`
	Per      string `json:"per"`
	Done     int    `json:"done"`
	Rule     string `json:"rule"`
	Reason   string `json:"reason"`
	Sanction string `json:"sanction,omitempty"`
}

// Duties is the answer to GET /members/{id}/duties.
type Duties struct {
	ID     string     `json:"id"`
	At     string     `json:"at"`
	Duties []DutyJSON `json:"duties"`
}

func (h *Handler) duties(w http.ResponseWriter, r *http.Request) {
	id, m, t, ok := h.question(w, r)
	if !ok {
		return
	}
	var ds []runtime.Duty
	if mq, ok := h.state.(MemberQuestions); ok {
		var err error
		if ds, err = mq.Duties(id, t); err != nil {
			h.fail(w, nil, h.stateError(err))
			return
		}
	} else {
		ds = h.c.DutiesWith(m, t, h.state.Goals(t))
	}
	out := Duties{ID: id, At: stamp(t), Duties: []DutyJSON{}}
	for _, d := range ds {
		dj := DutyJSON{Action: d.Action, Need: d.Need, Per: d.Per.String(), Done: d.Done}
		if d.Rule != nil {
			dj.Rule, dj.Reason = d.Rule.Label, d.Rule.Reason
			if d.Rule.Sanction != nil {
				dj.Sanction = d.Rule.Sanction.String()
			}
		}
		out.Duties = append(out.Duties, dj)
	}
	h.reply(w, http.StatusOK, out)
}

// MessageJSON is a nudge or an offer.
type MessageJSON struct {
	Kind string `json:"kind"` // "nudge" or "offer"
	To   string `json:"to,omitempty"`
	Text string `json:"text"`
}

// Messages is the answer to GET /members/{id}/messages.
type Messages struct {
	ID       string        `json:"id"`
	At       string        `json:"at"`
	Messages []MessageJSON `json:"messages"`
}

func (h *Handler) messages(w http.ResponseWriter, r *http.Request) {
	id, m, t, ok := h.question(w, r)
	if !ok {
		return
	}
	var msgs []runtime.Message
	if mq, ok := h.state.(MemberQuestions); ok {
		var err error
		if msgs, err = mq.Messages(id, t); err != nil {
			h.fail(w, nil, h.stateError(err))
			return
		}
	} else {
		msgs = h.c.Messages(m, t, h.state.Goals(t))
	}
	out := Messages{ID: id, At: stamp(t), Messages: []MessageJSON{}}
	for _, msg := range msgs {
		kind := "offer"
		if msg.Nudge {
			kind = "nudge"
		}
		out.Messages = append(out.Messages, MessageJSON{Kind: kind, To: msg.To, Text: msg.Text})
	}
	h.reply(w, http.StatusOK, out)
}

// ActionRequest is the body of POST /decide and POST /actions. Args
// holds the action's arguments by parameter name; a member-typed
// parameter takes the other member's ID.
type ActionRequest struct {
	Member string         `json:"member"`
	Action string         `json:"action"`
	Args   map[string]any `json:"args"`
	At     string         `json:"at"`
}

// DecisionJSON is the answer to POST /decide.
type DecisionJSON struct {
	Member    string   `json:"member"`
	Action    string   `json:"action"`
	At        string   `json:"at"`
	Allowed   bool     `json:"allowed"`
	ByDefault bool     `json:"by_default"`
	Reasons   []string `json:"reasons"`
	Rules     []string `json:"rules"`
	Sanctions []string `json:"sanctions"` // of the deciding rules
}

// Applied is the answer to POST /actions: the decision and what applying
// it did.
type Applied struct {
	DecisionJSON
	Applied bool     `json:"applied"`
	Changes []Change `json:"changes"`
	// Sanctioned lists the sanctions the state carried out on a denial
	// (SPEC §11.5).
	Sanctioned []SanctionedJSON `json:"sanctioned"`
}

// Change is a role or badge change an action or a review caused.
type Change struct {
	Member string `json:"member"`
	Kind   string `json:"kind"` // "role", "badge+" or "badge-"
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// action reads and checks an action request.
func (h *Handler) action(w http.ResponseWriter, r *http.Request) (*ActionRequest, time.Time, []byte, *badInput) {
	var req ActionRequest
	body, bad := h.decodeBody(w, r, &req)
	if bad != nil {
		return nil, time.Time{}, body, bad
	}
	t, bad := h.when(req.At)
	if bad != nil {
		return nil, t, body, bad
	}
	if req.Member == "" || req.Action == "" {
		return nil, t, body, refusef(http.StatusBadRequest, `"member" and "action" are required`)
	}
	// Checking the call first tells a bad request (unknown action, wrong
	// arguments) apart from an effect that cannot be applied.
	if _, err := h.c.Call(req.Action, req.Args); err != nil {
		return nil, t, body, refuse(http.StatusBadRequest, err)
	}
	return &req, t, body, nil
}

// requestError classifies an error of Decide or Apply: a member the
// request names but the state lacks is the request's fault.
func (h *Handler) requestError(err error) *badInput {
	if errors.Is(err, runtime.ErrUnknownMember) {
		return refuse(http.StatusBadRequest, err)
	}
	return h.stateError(err)
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request) {
	req, t, body, bad := h.action(w, r)
	if bad != nil {
		h.fail(w, body, bad)
		return
	}
	d, err := h.state.Decide(req.Member, req.Action, runtime.Args(req.Args), t)
	if err != nil {
		h.fail(w, body, h.requestError(err))
		return
	}
	h.decided("decide", req, t, d, false)
	h.reply(w, http.StatusOK, decisionJSON(req, t, d))
}

func (h *Handler) apply(w http.ResponseWriter, r *http.Request) {
	req, t, body, bad := h.action(w, r)
	if bad != nil {
		h.fail(w, body, bad)
		return
	}
	start := time.Now()
	res, err := h.state.Apply(r.Context(), req.Member, req.Action, runtime.Args(req.Args), t)
	outcome := "denied"
	switch {
	case err != nil:
		outcome = "error"
	case res.Applied:
		outcome = "applied"
	}
	h.metrics.applySeconds.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away: nobody reads the answer
		}
		// Besides an unknown member: an effect that would divide by zero
		// or overflow, or a time too far ahead of the clock: the request
		// was well formed, the state refused it unchanged.
		h.fail(w, body, h.requestError(err))
		return
	}
	h.decided("apply", req, t, res.Decision, res.Applied)
	out := Applied{DecisionJSON: decisionJSON(req, t, res.Decision), Applied: res.Applied, Changes: changes(res.Changes)}
	out.Sanctioned = sanctioned(res.Sanctions)
	h.reply(w, http.StatusOK, out)
}

// ReviewRequest is the body of POST /review: the time of the review.
type ReviewRequest struct {
	At string `json:"at"`
}

// Review is the answer to POST /review: the sanctions of unmet duties the
// review carried out, by member and then in the order of the duties, and
// the role and badge changes they caused (a demotion's new role).
type Review struct {
	At        string           `json:"at"`
	Sanctions []SanctionedJSON `json:"sanctions"`
	Changes   []Change         `json:"changes"`
}

func (h *Handler) review(w http.ResponseWriter, r *http.Request) {
	var req ReviewRequest
	body, bad := h.decodeBody(w, r, &req)
	var t time.Time
	if bad == nil {
		t, bad = h.when(req.At)
	}
	if bad != nil {
		h.fail(w, body, bad)
		return
	}
	res, err := h.state.(Reviewer).Review(r.Context(), t)
	if err != nil {
		if r.Context().Err() != nil {
			return
		}
		h.fail(w, body, h.stateError(err))
		return
	}
	h.metrics.reviewSanctions.Add(float64(len(res.Sanctions)))
	h.reply(w, http.StatusOK, Review{At: stamp(t), Sanctions: sanctioned(res.Sanctions), Changes: changes(res.Changes)})
}

// changes is the JSON of role and badge changes: [] for none.
func changes(chs []runtime.Change) []Change {
	out := make([]Change, 0, len(chs))
	for _, ch := range chs {
		out = append(out, Change{Member: ch.Member, Kind: ch.Kind, From: ch.From, To: ch.To})
	}
	return out
}

// Lifted is the answer to DELETE /members/{id}/sanctions/{sanction}: the
// member and the sanction lifted.
type Lifted struct {
	ID     string `json:"id"`
	Lifted string `json:"lifted"`
}

// lift ends a member's mute or removal (runtime.State.Lift): a
// moderator's mistake undone, an appeal granted. The member need not be
// in the state: a removed one is not.
func (h *Handler) lift(w http.ResponseWriter, r *http.Request) {
	id, sanction := r.PathValue("id"), r.PathValue("sanction")
	bad := h.checkID("the member id", id)
	if bad == nil && sanction != "mute" && sanction != "remove" {
		bad = refusef(http.StatusBadRequest, "sanction %q: the state lifts mute or remove; warnings and demotions are attributes, set with PATCH /members/{id}", sanction)
	}
	if bad == nil {
		if err := h.state.(Lifter).Lift(id, sanction); err != nil {
			if errors.Is(err, runtime.ErrNotHeld) {
				bad = refuse(http.StatusNotFound, err)
			} else {
				bad = h.stateError(err)
			}
		}
	}
	if bad != nil {
		h.fail(w, nil, bad)
		return
	}
	h.reply(w, http.StatusOK, Lifted{ID: id, Lifted: sanction})
}

func decisionJSON(req *ActionRequest, t time.Time, d runtime.Decision) DecisionJSON {
	out := DecisionJSON{
		Member:    req.Member,
		Action:    d.Action,
		At:        stamp(t),
		Allowed:   d.Allowed,
		ByDefault: d.ByDefault,
		Reasons:   d.Reasons(),
		Rules:     []string{},
		Sanctions: []string{},
	}
	for _, rule := range d.Rules {
		out.Rules = append(out.Rules, rule.Label)
	}
	for _, sn := range d.Sanctions() {
		out.Sanctions = append(out.Sanctions, sn.String())
	}
	return out
}

// GoalJSON is one goal's state.
type GoalJSON struct {
	Name     string  `json:"name"`
	Title    string  `json:"title"`
	Value    float64 `json:"value"`
	Op       string  `json:"op"`
	Target   float64 `json:"target"`
	Met      bool    `json:"met"`
	Progress float64 `json:"progress"`
}

// Goals is goals as GET /goals answers them, and `charter goals
// --format json` prints them: never null, an empty list when there are
// none.
func Goals(goals []runtime.GoalValue) []GoalJSON {
	out := make([]GoalJSON, len(goals))
	for i, g := range goals {
		out[i] = GoalJSON{Name: g.Name, Title: g.Title, Value: g.Value, Op: g.Op, Target: g.Target, Met: g.Met, Progress: g.Progress}
	}
	return out
}

func (h *Handler) goals(w http.ResponseWriter, r *http.Request) {
	t, bad := h.when(r.URL.Query().Get("at"))
	if bad != nil {
		h.fail(w, nil, bad)
		return
	}
	h.reply(w, http.StatusOK, Goals(h.state.Goals(t)))
}

// Health is the answer to GET /healthz.
type Health struct {
	Status    string `json:"status"`
	Community string `json:"community"`
	Members   int    `json:"members"`
	Events    uint64 `json:"events"`
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	h.reply(w, http.StatusOK, Health{Status: "ok", Community: h.c.Name, Members: h.state.Len(), Events: h.state.Events()})
}

func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }
