package serve_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/serve"
)

const at = "2026-01-15T09:00:00Z"

func fanclub(t *testing.T, name string) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileFiles("../../examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community(name)
	if c == nil {
		t.Fatalf("no community %s", name)
	}
	return c
}

func compile(t *testing.T, name, src string) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileSource(name+".charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return prog.Community(name)
}

// server starts h behind a real HTTP server on the loopback.
func server(t *testing.T, st serve.State, cfg serve.Config) (*serve.Handler, *httptest.Server) {
	t.Helper()
	h, err := serve.New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return h, ts
}

// do sends one request and returns the status and body.
func do(t *testing.T, ts *httptest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); path != "/metrics" && ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	return resp.StatusCode, string(data)
}

// doJSON is do that wants status want and decodes the body into out.
func doJSON(t *testing.T, ts *httptest.Server, method, path, body string, want int, out any) {
	t.Helper()
	code, resp := do(t, ts, method, path, body)
	if code != want {
		t.Fatalf("%s %s %s: status %d, want %d; body %s", method, path, body, code, want, resp)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(resp), out); err != nil {
			t.Fatalf("%s %s: response %q: %v", method, path, resp, err)
		}
	}
}

func TestScenario(t *testing.T) {
	st := runtime.NewState(fanclub(t, "FanClub"))
	var log bytes.Buffer
	_, ts := server(t, st, serve.Config{DecisionLog: &log})

	var j serve.Membership
	doJSON(t, ts, "POST", "/members", `{"id": "alice", "attributes": {"reputation": 10}}`, 201, &j)
	doJSON(t, ts, "POST", "/members", `{"id": "bob", "attributes": {"posts": 5, "last_seen": "2026-01-14T00:00:00Z"}}`, 201, &j)
	if j != (serve.Membership{ID: "bob", Members: 2}) {
		t.Errorf("join bob = %+v", j)
	}

	// Deciding applies nothing.
	var dd serve.DecisionJSON
	events := st.Events()
	code, body := do(t, ts, "POST", "/decide", `{"member": "alice", "action": "introduce", "at": "`+at+`"}`)
	if err := json.Unmarshal([]byte(body), &dd); err != nil || code != 200 || strings.Contains(body, "applied") {
		t.Fatalf("decide: %d %s", code, body)
	}
	if d := dd; !d.Allowed || d.At != at || d.Member != "alice" || st.Events() != events {
		t.Errorf("decide introduce = %+v; events %d → %d: want allowed, nothing applied", d, events, st.Events())
	}

	var d serve.Applied
	doJSON(t, ts, "POST", "/actions", `{"member": "alice", "action": "post", "args": {"length": 120, "topic": "hi"}, "at": "`+at+`"}`, 200, &d)
	if d.Allowed || d.Applied || !slices.Equal(d.Reasons, []string{"Say hello before your first post"}) || len(d.Rules) != 1 {
		t.Errorf("post before introducing = %+v, want denied by the first rule", d)
	}
	doJSON(t, ts, "POST", "/actions", `{"member": "alice", "action": "introduce", "at": "`+at+`"}`, 200, &d)
	doJSON(t, ts, "POST", "/actions", `{"member": "alice", "action": "post", "args": {"length": 120, "topic": "hi"}, "at": "2026-01-15T09:05:00Z"}`, 200, &d)
	if !d.Allowed || !d.Applied || !slices.Equal(d.Changes, []serve.Change{{Member: "alice", Kind: "role", From: "onlooker", To: "participant"}}) {
		t.Errorf("post = %+v, want applied with alice becoming a participant", d)
	}
	doJSON(t, ts, "POST", "/actions", `{"member": "alice", "action": "tip", "args": {"to": "bob", "amount": 4}, "at": "2026-01-15T09:10:00Z"}`, 200, &d)
	if !d.Applied {
		t.Fatalf("tip = %+v", d)
	}

	var m serve.MemberJSON
	doJSON(t, ts, "GET", "/members/bob", "", 200, &m)
	if m.ID != "bob" || m.Attributes["reputation"] != 5.0 || m.Attributes["last_seen"] != "2026-01-14T00:00:00Z" {
		t.Errorf("bob = %+v", m)
	}
	doJSON(t, ts, "PATCH", "/members/bob", `{"attributes": {"followers": 600, "reputation": 60}}`, 200, &m)
	if m.Attributes["followers"] != 600.0 {
		t.Errorf("bob after update = %+v", m)
	}

	var s serve.Standing
	doJSON(t, ts, "GET", "/members/bob/role?at="+at, "", 200, &s)
	if s.Role != "creator" || !slices.Equal(s.Badges, []string{"opinion_leader"}) {
		t.Errorf("bob's standing = %+v, want creator with opinion_leader", s)
	}
	// Forty days on, bob's last visit makes him inactive.
	doJSON(t, ts, "GET", "/members/bob/role?at=2026-02-24T00:00:00Z", "", 200, &s)
	if !slices.Equal(s.Badges, []string{"opinion_leader", "inactive"}) {
		t.Errorf("bob's badges 40 days on = %q", s.Badges)
	}
	var du serve.Duties
	doJSON(t, ts, "GET", "/members/bob/duties?at="+at, "", 200, &du)
	if len(du.Duties) != 1 || du.Duties[0].Action != "post" || du.Duties[0].Sanction != "demote" || du.Duties[0].Per != "168h0m0s" {
		t.Errorf("bob's duties = %+v, want post 1 per 7d else demote", du)
	}
	doJSON(t, ts, "GET", "/members/alice/duties?at="+at, "", 200, &du)
	if du.Duties == nil || len(du.Duties) != 0 {
		t.Errorf("alice's duties = %+v, want an empty list", du)
	}
	var ms serve.Messages
	doJSON(t, ts, "GET", "/members/bob/messages?at="+at, "", 200, &ms)
	// voices needs two opinion leaders: bob is one, so creators are nudged.
	want := []serve.MessageJSON{
		{Kind: "nudge", To: "creator", Text: "Host a topic this week: the group needs more voices"},
		{Kind: "offer", To: "creator", Text: "Reading lists and prompts"},
	}
	if !slices.Equal(ms.Messages, want) {
		t.Errorf("bob's messages = %+v, want %+v", ms.Messages, want)
	}

	var goals []serve.GoalJSON
	doJSON(t, ts, "GET", "/goals?at="+at, "", 200, &goals)
	if len(goals) != 3 || goals[0].Name != "engagement" || goals[0].Value != 1 || goals[1].Value != 1 || goals[2].Value != 2 {
		t.Errorf("goals = %+v", goals)
	}

	var health serve.Health
	doJSON(t, ts, "GET", "/healthz", "", 200, &health)
	if health != (serve.Health{Status: "ok", Community: "FanClub", Members: 2, Events: st.Events()}) {
		t.Errorf("healthz = %+v", health)
	}

	doJSON(t, ts, "DELETE", "/members/alice", "", 200, &j)
	if j != (serve.Membership{ID: "alice", Members: 1}) {
		t.Errorf("leave = %+v", j)
	}
	if _, ok := st.Member("alice"); ok {
		t.Error("alice is still in the state")
	}

	code, metrics := do(t, ts, "GET", "/metrics", "")
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	for _, want := range []string{
		`charter_decisions_total{action="introduce",endpoint="decide",verdict="allow"} 1`,
		`charter_decisions_total{action="post",endpoint="apply",verdict="deny"} 1`,
		`charter_decisions_total{action="post",endpoint="apply",verdict="allow"} 1`,
		`charter_denials_total{rule="first introduce then post (../../examples/fanclub/fanclub.charter:40:3)"} 1`,
		`charter_apply_seconds_count{outcome="applied"} 3`,
		`charter_apply_seconds_count{outcome="denied"} 1`,
		`charter_http_requests_total{code="201"} 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, grep(metrics, "charter_"))
		}
	}

	// One log line per decision, in order.
	var lines []serve.LogLine
	sc := bufio.NewScanner(&log)
	for sc.Scan() {
		var l serve.LogLine
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 5 {
		t.Fatalf("%d log lines, want 5", len(lines))
	}
	l := lines[1]
	if l.Endpoint != "apply" || l.Member != "alice" || l.Action != "post" || l.Verdict != "deny" || l.Applied ||
		!l.At.Equal(time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)) || l.Time.IsZero() ||
		len(l.Rules) != 1 || !strings.HasPrefix(l.Rules[0], "first introduce then post") {
		t.Errorf("log line 2 = %+v", l)
	}
	if l := lines[0]; l.Endpoint != "decide" || l.Verdict != "allow" || l.Applied {
		t.Errorf("log line 1 = %+v", l)
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestRefusals(t *testing.T) {
	st := runtime.NewState(fanclub(t, "FanClub"))
	_, ts := server(t, st, serve.Config{Limits: serve.Limits{MaxBody: 4096, MaxIDLen: 16, MaxMembers: 3}})
	for _, id := range []string{"alice", "bob"} {
		doJSON(t, ts, "POST", "/members", `{"id": "`+id+`"}`, 201, nil)
	}
	events := st.Events()
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string // in the message
		line, col                int    // 0: no position
	}{
		{"lone high surrogate", "POST", "/members", `{"id": "\ud800"}`, 400, `\ud800 is half of a surrogate pair`, 1, 9},
		{"lone high surrogate, another", "POST", "/members", `{"id": "\udbff"}`, 400, `\udbff is half`, 1, 9},
		{"lone low surrogate", "POST", "/members", "{\n  \"id\": \"x\\udc00\"}", 400, `\udc00 is half`, 2, 11},
		{"high surrogate then a letter", "POST", "/members", `{"id": "\ud800\u0041"}`, 400, `\ud800 is half`, 1, 9},
		{"surrogate in an argument", "POST", "/actions", `{"member": "alice", "action": "save", "args": {"item": "\udfff"}, "at": "` + at + `"}`, 400, `\udfff is half`, 1, 57},
		{"not UTF-8", "POST", "/members", "{\"id\": \"a\xffb\"}", 400, "not valid UTF-8 (byte 0xff)", 1, 10},
		{"control character", "POST", "/members", `{"id": "a\u0007b"}`, 400, `holds the control character U+0007`, 0, 0},
		{"id too long", "POST", "/members", `{"id": "abcdefghijklmnopq"}`, 400, `17 bytes long: at most 16`, 0, 0},
		{"no id", "POST", "/members", `{"attributes": {}}`, 400, `"id" is required`, 0, 0},
		{"duplicate key", "POST", "/members", "{\"id\": \"carol\",\n \"id\": \"dan\"}", 400, `duplicate key "id"`, 2, 2},
		{"duplicate attribute", "POST", "/members", `{"id": "carol", "attributes": {"posts": 1, "posts": 2}}`, 400, `duplicate key "posts" in "attributes"`, 1, 44},
		{"syntax error", "POST", "/members", "{\"id\": \"carol\",\n  x}", 400, "invalid character 'x'", 2, 3},
		{"cut short", "POST", "/members", `{"id": "carol"`, 400, "ends inside a value", 1, 15},
		{"not an object", "POST", "/members", `["carol"]`, 400, "want an object, got array", 1, 1},
		{"wrong field type", "POST", "/members", `{"id": 7}`, 400, `"id" must not be number`, 1, 8},
		{"unknown field", "POST", "/members", `{"id": "carol", "attrs": {}}`, 400, `unknown field "attrs"`, 1, 17},
		{"two values", "POST", "/members", `{"id": "carol"} {}`, 400, "more than one value", 1, 17},
		{"empty body", "POST", "/members", ``, 400, "empty body", 0, 0},
		{"too large", "POST", "/members", `{"id": "` + strings.Repeat("x", 5000) + `"}`, 413, "larger than 4096 bytes", 0, 0},
		{"unknown attribute", "POST", "/members", `{"id": "carol", "attributes": {"karma": 1}}`, 400, `unknown attribute "karma"`, 0, 0},
		{"not a whole number", "POST", "/members", `{"id": "carol", "attributes": {"posts": 2.5}}`, 400, "not a whole number", 0, 0},
		{"taken id", "POST", "/members", `{"id": "alice"}`, 409, `"alice" is already in FanClub`, 0, 0},
		{"history too far ahead", "POST", "/members", `{"id": "carol", "attributes": {"@history": {"introduce": ["2026-01-15T00:00:00Z"]}}}`, 201, "", 0, 0},
		{"full", "POST", "/members", `{"id": "dan"}`, 409, "FanClub is full: it holds 3 members", 0, 0},
		{"decide: no at", "POST", "/decide", `{"member": "alice", "action": "introduce"}`, 400, `"at" is required`, 0, 0},
		{"decide: bad at", "POST", "/decide", `{"member": "alice", "action": "introduce", "at": "2026-01-15"}`, 400, "RFC 3339", 0, 0},
		{"decide: unknown member", "POST", "/decide", `{"member": "zed", "action": "introduce", "at": "` + at + `"}`, 400, `member "zed": unknown member`, 0, 0},
		{"decide: unknown action", "POST", "/decide", `{"member": "alice", "action": "dance", "at": "` + at + `"}`, 400, `unknown action "dance"`, 0, 0},
		{"apply: missing argument", "POST", "/actions", `{"member": "alice", "action": "post", "args": {"length": 10}, "at": "` + at + `"}`, 400, "post needs argument topic", 0, 0},
		{"apply: unknown member argument", "POST", "/actions", `{"member": "alice", "action": "tip", "args": {"to": "zed", "amount": 1}, "at": "` + at + `"}`, 400, `argument to: member "zed"`, 0, 0},
		{"apply: no member", "POST", "/actions", `{"action": "introduce", "at": "` + at + `"}`, 400, `"member" and "action" are required`, 0, 0},
		{"member: unknown", "GET", "/members/zed", ``, 404, `member "zed": unknown member`, 0, 0},
		{"member: control character in the path", "GET", "/members/a%07b", ``, 400, "control character U+0007", 0, 0},
		{"role: no at", "GET", "/members/alice/role", ``, 400, `"at" is required`, 0, 0},
		{"duties: unknown", "GET", "/members/zed/duties?at=" + at, ``, 404, "unknown member", 0, 0},
		{"update: unknown attribute", "PATCH", "/members/alice", `{"attributes": {"karma": 1}}`, 400, `unknown attribute "karma"`, 0, 0},
		{"update: nothing", "PATCH", "/members/alice", `{}`, 400, `"attributes" is required`, 0, 0},
		{"update: unknown member", "PATCH", "/members/zed", `{"attributes": {"posts": 1}}`, 404, "unknown member", 0, 0},
		{"leave: unknown member", "DELETE", "/members/zed", ``, 404, "unknown member", 0, 0},
		{"goals: bad at", "GET", "/goals?at=tomorrow", ``, 400, "RFC 3339", 0, 0},
		{"goals: an offset's + unescaped", "GET", "/goals?at=2026-01-15T09:00:00+01:00", ``, 400, "write the + of an offset as %2B", 0, 0},
		{"goals: an offset's + escaped", "GET", "/goals?at=2026-01-15T09:00:00%2B01:00", ``, 200, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, ts, tt.method, tt.path, tt.body)
			if code != tt.status {
				t.Fatalf("status %d, want %d; body %s", code, tt.status, body)
			}
			if tt.status < 300 {
				return
			}
			var e serve.Error
			dec := json.NewDecoder(strings.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&e); err != nil {
				t.Fatalf("error body %q: %v", body, err)
			}
			if !strings.Contains(e.Error, tt.want) {
				t.Errorf("error %q, want it to contain %q", e.Error, tt.want)
			}
			if e.Line != tt.line || e.Column != tt.col {
				t.Errorf("position %d:%d, want %d:%d (%s)", e.Line, e.Column, tt.line, tt.col, e.Error)
			}
		})
	}
	// Only the accepted join changed the state.
	if st.Len() != 3 || st.Events() != events+1 {
		t.Errorf("refused requests changed the state: %s", st)
	}
	if code, body := do(t, ts, "GET", "/actions", ""); code != http.StatusMethodNotAllowed || !strings.Contains(body, "allowed: POST") {
		t.Errorf("GET /actions: %d %s, want 405 naming POST", code, body)
	}
	if code, body := do(t, ts, "GET", "/nowhere", ""); code != http.StatusNotFound || !strings.Contains(body, "GET /nowhere: no such endpoint") {
		t.Errorf("GET /nowhere: %d %s, want 404", code, body)
	}
}

// TestSurrogatesAreDistinct: before the body check, "\ud800" and
// "\udbff" both decoded to U+FFFD and named one member; a pair that
// makes a character is one member, spelt escaped or not.
func TestSurrogatesAreDistinct(t *testing.T) {
	st := runtime.NewState(fanclub(t, "FanClub"))
	_, ts := server(t, st, serve.Config{})
	doJSON(t, ts, "POST", "/members", `{"id": "\ud83d\ude00"}`, 201, nil)
	doJSON(t, ts, "POST", "/members", `{"id": "😀"}`, 409, nil)
	doJSON(t, ts, "POST", "/members", `{"id": "\\ud800"}`, 201, nil) // an escaped backslash: the six characters \ud800
	if _, ok := st.Member(`\ud800`); !ok {
		t.Errorf(`member \ud800 (six characters) missing: %v`, st.IDs())
	}
	if st.Len() != 2 {
		t.Errorf("%d members, want 2", st.Len())
	}
}

// TestClock: a question without "at" is asked at the clock's time, and
// the answer says which time that was.
func TestClock(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := runtime.NewState(fanclub(t, "FanClub"), runtime.Clock(clock))
	_, ts := server(t, st, serve.Config{Clock: clock})
	doJSON(t, ts, "POST", "/members", `{"id": "ann", "attributes": {"last_seen": "2026-02-20T00:00:00Z"}}`, 201, nil)
	var d serve.Applied
	doJSON(t, ts, "POST", "/actions", `{"member": "ann", "action": "introduce"}`, 200, &d)
	if d.At != "2026-03-01T12:00:00Z" || !d.Applied {
		t.Errorf("introduce without at = %+v, want applied at the clock's time", d)
	}
	var s serve.Standing
	doJSON(t, ts, "GET", "/members/ann/role", "", 200, &s)
	if s.At != "2026-03-01T12:00:00Z" || len(s.Badges) != 0 {
		t.Errorf("standing now = %+v, want no badge", s)
	}
	now = now.AddDate(0, 1, 0) // thirty-one days on: inactive
	doJSON(t, ts, "GET", "/members/ann/role", "", 200, &s)
	if !slices.Equal(s.Badges, []string{"inactive"}) {
		t.Errorf("standing a month on = %+v, want inactive", s)
	}
	// A given time still wins, within the skew the state allows.
	doJSON(t, ts, "POST", "/actions", `{"member": "ann", "action": "save", "args": {"item": "x"}, "at": "2026-01-01T00:00:00Z"}`, 200, &d)
	if d.At != "2026-01-01T00:00:00Z" {
		t.Errorf("at given: %+v", d)
	}
	code, body := do(t, ts, "POST", "/actions", `{"member": "ann", "action": "save", "args": {"item": "x"}, "at": "2027-01-01T00:00:00Z"}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "too far ahead") {
		t.Errorf("a time a year ahead: %d %s, want 422", code, body)
	}
}

func TestSubCommunityAdmits(t *testing.T) {
	st := runtime.NewState(fanclub(t, "WritingAdvisors"))
	_, ts := server(t, st, serve.Config{})
	code, body := do(t, ts, "POST", "/members", `{"id": "bob", "attributes": {"posts": 5}, "at": "`+at+`"}`)
	if code != http.StatusForbidden || !strings.Contains(body, "not admitted to WritingAdvisors") {
		t.Errorf("join with 5 posts: %d %s, want 403 naming the admit rule", code, body)
	}
	if code, body := do(t, ts, "POST", "/members", `{"id": "ann", "attributes": {"posts": 20}}`); code != 400 || !strings.Contains(body, `\"at\" is required`) {
		t.Errorf("join without at and without a clock: %d %s", code, body)
	}
	doJSON(t, ts, "POST", "/members", `{"id": "ann", "attributes": {"posts": 20}, "at": "`+at+`"}`, 201, nil)
}

func TestEffectFailureIsUnprocessable(t *testing.T) {
	c := compile(t, "Split", `community Split {
  member { portion: float = 1.0 }
  action split(ways: int)
  may split
  on split { portion /= ways }
}`)
	st := runtime.NewState(c)
	_, ts := server(t, st, serve.Config{})
	doJSON(t, ts, "POST", "/members", `{"id": "ann"}`, 201, nil)
	before := st.Events()
	code, body := do(t, ts, "POST", "/actions", `{"member": "ann", "action": "split", "args": {"ways": 0}, "at": "`+at+`"}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "division of portion by zero") {
		t.Errorf("split 0 ways: %d %s, want 422 naming the division", code, body)
	}
	if st.Events() != before {
		t.Error("a failed effect changed the state")
	}
}

func TestNew(t *testing.T) {
	st := runtime.NewState(fanclub(t, "FanClub"))
	if _, err := serve.New(nil, serve.Config{}); err == nil {
		t.Error("no state: no error")
	}
	if _, err := serve.New(st, serve.Config{Limits: serve.Limits{MaxIDLen: -1}}); err == nil || !strings.Contains(err.Error(), "MaxIDLen is negative") {
		t.Errorf("negative limit: %v", err)
	}
	for _, id := range []string{"ann", "bob", "cid"} {
		m, err := st.Community().Member(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := serve.New(st, serve.Config{Limits: serve.Limits{MaxMembers: 2}}); err == nil || !strings.Contains(err.Error(), "holds 3 members, more than MaxMembers 2") {
		t.Errorf("a state over MaxMembers: %v", err)
	}
	if _, err := serve.New(st, serve.Config{Limits: serve.Limits{MaxMembers: 3}}); err != nil {
		t.Errorf("a state at MaxMembers: %v", err)
	}
	h, err := serve.New(st, serve.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := h.Server(":0")
	if srv.ReadTimeout != serve.DefaultReadTimeout || srv.ReadHeaderTimeout != serve.DefaultReadTimeout ||
		srv.WriteTimeout != serve.DefaultWriteTimeout || srv.IdleTimeout != serve.DefaultIdleTimeout || srv.MaxHeaderBytes != 64<<10 {
		t.Errorf("server timeouts %v %v %v %v", srv.ReadTimeout, srv.ReadHeaderTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	if l := h.Config().Limits; l.MaxBody != serve.DefaultMaxBody || l.MaxMembers != serve.DefaultMaxMembers || l.MaxIDLen != serve.DefaultMaxIDLen {
		t.Errorf("limits %+v", l)
	}
}

// listen serves h.Server on a free loopback port and returns its address.
func listen(t *testing.T, h *serve.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := h.Server("")
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// closed reports whether the server closes conn within d, reading what
// it sends until then.
func closed(conn net.Conn, d time.Duration) (bool, string) {
	conn.SetReadDeadline(time.Now().Add(d))
	data, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false, string(data)
	}
	return true, string(data)
}

// TestReadTimeout: a client that sends its body too slowly is cut off.
func TestReadTimeout(t *testing.T) {
	h, err := serve.New(runtime.NewState(fanclub(t, "FanClub")), serve.Config{Limits: serve.Limits{ReadTimeout: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", listen(t, h))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /members HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":")
	start := time.Now()
	if ok, _ := closed(conn, 5*time.Second); !ok {
		t.Fatal("the server kept a slow body's connection open for 5s")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("closed after %v, want about 200ms", d)
	}
}

// TestIdleTimeout: a kept-alive connection with no next request is closed.
func TestIdleTimeout(t *testing.T) {
	h, err := serve.New(runtime.NewState(fanclub(t, "FanClub")), serve.Config{Limits: serve.Limits{IdleTimeout: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", listen(t, h))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	ok, resp := closed(conn, 5*time.Second)
	if !ok || !strings.HasPrefix(resp, "HTTP/1.1 200") {
		t.Errorf("closed %v after %q, want a 200 then the connection closed", ok, resp)
	}
}

// slowState answers goals after a delay, longer than the write timeout.
type slowState struct {
	*runtime.State
	delay time.Duration
}

func (s slowState) Goals(at time.Time) []runtime.GoalValue {
	time.Sleep(s.delay)
	return s.State.Goals(at)
}

// TestWriteTimeout: an answer that takes longer than the write timeout
// never reaches the client as a success.
func TestWriteTimeout(t *testing.T) {
	st := slowState{runtime.NewState(fanclub(t, "FanClub")), 400 * time.Millisecond}
	h, err := serve.New(st, serve.Config{Limits: serve.Limits{WriteTimeout: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	addr := listen(t, h)
	resp, err := http.Get("http://" + addr + "/goals?at=" + at)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a slow answer arrived: %s", resp.Status)
	}
	resp, err = http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("a quick answer failed: %v", err)
	}
	resp.Body.Close()
}

// TestConcurrentApplies tips back and forth from many clients at once:
// every tip applies, none is lost, and the total reputation is kept.
func TestConcurrentApplies(t *testing.T) {
	st := runtime.NewState(fanclub(t, "FanClub"))
	var log bytes.Buffer
	_, ts := server(t, st, serve.Config{DecisionLog: &syncWriter{w: &log}})
	const members, clients, tips = 8, 8, 25
	for i := range members {
		doJSON(t, ts, "POST", "/members", fmt.Sprintf(`{"id": "m%d", "attributes": {"reputation": 1000}}`, i), 201, nil)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients*tips)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range tips {
				body := fmt.Sprintf(`{"member": "m%d", "action": "tip", "args": {"to": "m%d", "amount": %d}, "at": "%s"}`, (c+i)%members, (c+i+1)%members, 1+i%3, at)
				resp, err := ts.Client().Post(ts.URL+"/actions", "application/json", strings.NewReader(body))
				if err != nil {
					errs <- err
					return
				}
				var d serve.Applied
				err = json.NewDecoder(resp.Body).Decode(&d)
				resp.Body.Close()
				if err != nil || !d.Applied {
					errs <- fmt.Errorf("tip %s: %+v %v", body, d, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := 0.0
	for i := range members {
		m, _ := st.Member(fmt.Sprintf("m%d", i))
		v, _ := st.Community().Get(m, "reputation")
		total += v.(float64)
	}
	if total != members*1000 || st.Events() != members+clients*tips {
		t.Errorf("total %v, events %d: want %d and %d", total, st.Events(), members*1000, members+clients*tips)
	}
	if n := strings.Count(log.String(), "\n"); n != clients*tips {
		t.Errorf("%d log lines, want %d", n, clients*tips)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestCancelled: a client gone before its apply runs changes nothing.
func TestCancelled(t *testing.T) {
	st := runtime.NewState(fanclub(t, "FanClub"))
	h, err := serve.New(st, serve.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	doJSONRec(t, h, rec, "POST", "/members", `{"id": "ann"}`, context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	events := st.Events()
	rec = httptest.NewRecorder()
	doJSONRec(t, h, rec, "POST", "/actions", `{"member": "ann", "action": "introduce", "at": "`+at+`"}`, ctx)
	if st.Events() != events || rec.Body.Len() != 0 {
		t.Errorf("a cancelled apply: events %d → %d, body %q", events, st.Events(), rec.Body)
	}
}

func doJSONRec(t *testing.T, h http.Handler, rec *httptest.ResponseRecorder, method, path, body string, ctx context.Context) {
	t.Helper()
	req := httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(body))
	h.ServeHTTP(rec, req)
}

// TestSanctions: a denial carries out its rule's sanction and the answer
// lists it; a member's standing shows a mute while it holds; a review
// carries out the sanctions of unmet duties, once per window.
func TestSanctions(t *testing.T) {
	c := compile(t, "Forum", `community Forum {
  member { posts: int }
  action post(links: int)
  action visit()
  roles {
    regular if posts >= 10
    newcomer otherwise
  }
  may post, visit
  must not post if links > 5 because "Spam" else mute 1d
  must visit 1 per 7d if role == regular because "Regulars visit weekly" else warn
  on post { posts += 1 }
}`)
	st := runtime.NewState(c)
	_, ts := server(t, st, serve.Config{})
	doJSON(t, ts, "POST", "/members", `{"id": "ann", "attributes": {"posts": 10}}`, 201, nil)
	doJSON(t, ts, "POST", "/members", `{"id": "bob"}`, 201, nil)

	var d serve.Applied
	doJSON(t, ts, "POST", "/actions", `{"member": "bob", "action": "post", "args": {"links": 9}, "at": "`+at+`"}`, 200, &d)
	if d.Allowed || len(d.Sanctioned) != 1 || d.Sanctioned[0].Sanction != "mute 1d" || d.Sanctioned[0].Until != "2026-01-16T09:00:00Z" || d.Sanctioned[0].Reason != "Spam" {
		t.Errorf("spam = %+v, want denied and bob muted for a day", d)
	}
	doJSON(t, ts, "POST", "/actions", `{"member": "bob", "action": "post", "args": {"links": 0}, "at": "2026-01-15T10:00:00Z"}`, 200, &d)
	if d.Allowed || len(d.Sanctioned) != 0 || !slices.Equal(d.Reasons, []string{"muted until 2026-01-16T09:00:00Z: Spam"}) {
		t.Errorf("a post while muted = %+v, want denied by the mute, without a new sanction", d)
	}
	var s serve.Standing
	doJSON(t, ts, "GET", "/members/bob/role?at=2026-01-15T10:00:00Z", "", 200, &s)
	if len(s.Sanctions) != 1 || s.Sanctions[0].Sanction != "mute 1d" {
		t.Errorf("bob's standing while muted = %+v", s)
	}
	doJSON(t, ts, "GET", "/members/bob/role?at=2026-01-17T00:00:00Z", "", 200, &s)
	if s.Sanctions == nil || len(s.Sanctions) != 0 {
		t.Errorf("bob's standing after the mute = %+v, want an empty list", s)
	}

	var rv serve.Review
	doJSON(t, ts, "POST", "/review", `{"at": "2026-01-20T00:00:00Z"}`, 200, &rv)
	if len(rv.Sanctions) != 1 || rv.Sanctions[0].Member != "ann" || rv.Sanctions[0].Sanction != "warn" || rv.Sanctions[0].Reason != "Regulars visit weekly" {
		t.Errorf("review = %+v, want ann warned", rv)
	}
	doJSON(t, ts, "POST", "/review", `{"at": "2026-01-21T00:00:00Z"}`, 200, &rv)
	if rv.Sanctions == nil || len(rv.Sanctions) != 0 {
		t.Errorf("a second review in the window = %+v, want none", rv)
	}
	if code, body := do(t, ts, "POST", "/review", `{}`); code != 400 || !strings.Contains(body, `\"at\" is required`) {
		t.Errorf("review without at and without a clock: %d %s", code, body)
	}
	code, metrics := do(t, ts, "GET", "/metrics", "")
	if code != 200 || !strings.Contains(metrics, "charter_review_sanctions_total 1") {
		t.Errorf("metrics: %s", grep(metrics, "review"))
	}
}

// TestReviewChanges: a review's answer lists the role changes its
// demotions caused, as an action's does, so a host that tells members of
// their new role hears of these too; none is an empty list.
func TestReviewChanges(t *testing.T) {
	c := compile(t, "Guild", `community Guild {
  member { posts: int }
  action visit()
  roles {
    leader  if posts >= 10
    regular if posts >= 1
    guest   otherwise
  }
  may visit
  must visit 1 per 7d if role == leader else demote
}`)
	st := runtime.NewState(c)
	_, ts := server(t, st, serve.Config{})
	doJSON(t, ts, "POST", "/members", `{"id": "lea", "attributes": {"posts": 10}}`, 201, nil)
	doJSON(t, ts, "POST", "/members", `{"id": "reg", "attributes": {"posts": 1}}`, 201, nil)
	code, body := do(t, ts, "POST", "/review", `{"at": "`+at+`"}`)
	want := `"changes": [
    {
      "member": "lea",
      "kind": "role",
      "from": "leader",
      "to": "regular"
    }
  ]`
	if code != 200 || !strings.Contains(body, want) || !strings.Contains(body, `"sanction": "demote"`) {
		t.Errorf("review: %d %s\nwant %s", code, body, want)
	}
	code, body = do(t, ts, "POST", "/review", `{"at": "`+at+`"}`)
	if code != 200 || !strings.Contains(body, `"changes": []`) {
		t.Errorf("a review that changes nothing: %d %s", code, body)
	}
}

// TestLift: DELETE /members/{id}/sanctions/{sanction} ends a mute or a
// removal; lifting what is not held is 404, and anything but mute or
// remove is 400.
func TestLift(t *testing.T) {
	c := compile(t, "Forum", `community Forum {
  member { posts: int }
  action post(links: int)
  may post
  must not post if links > 5 && links <= 50 because "Spam" else mute 1d
  must not post if links > 50 because "A link farm" else remove
}`)
	st := runtime.NewState(c)
	_, ts := server(t, st, serve.Config{})
	doJSON(t, ts, "POST", "/members", `{"id": "ann"}`, 201, nil)
	var d serve.Applied
	doJSON(t, ts, "POST", "/actions", `{"member": "ann", "action": "post", "args": {"links": 9}, "at": "`+at+`"}`, 200, &d)
	if len(d.Sanctioned) != 1 || d.Sanctioned[0].Sanction != "mute 1d" {
		t.Fatalf("spam = %+v, want ann muted", d)
	}
	var l serve.Lifted
	doJSON(t, ts, "DELETE", "/members/ann/sanctions/mute", "", 200, &l)
	if l != (serve.Lifted{ID: "ann", Lifted: "mute"}) {
		t.Errorf("lift = %+v", l)
	}
	doJSON(t, ts, "POST", "/actions", `{"member": "ann", "action": "post", "args": {"links": 0}, "at": "2026-01-15T10:00:00Z"}`, 200, &d)
	if !d.Allowed {
		t.Errorf("a post after the mute was lifted = %+v, want allowed", d)
	}
	if code, body := do(t, ts, "DELETE", "/members/ann/sanctions/mute", ""); code != 404 || !strings.Contains(body, "holds no mute") {
		t.Errorf("lifting a mute not held: %d %s", code, body)
	}
	if code, body := do(t, ts, "DELETE", "/members/ann/sanctions/warn", ""); code != 400 || !strings.Contains(body, "lifts mute or remove") {
		t.Errorf("lifting a warning: %d %s", code, body)
	}

	doJSON(t, ts, "POST", "/actions", `{"member": "ann", "action": "post", "args": {"links": 90}, "at": "2026-01-15T11:00:00Z"}`, 200, &d)
	if len(d.Sanctioned) != 1 || d.Sanctioned[0].Sanction != "remove" {
		t.Fatalf("a link farm = %+v, want ann removed", d)
	}
	if code, body := do(t, ts, "POST", "/members", `{"id": "ann"}`); code != 403 {
		t.Errorf("re-join after removal: %d %s, want 403", code, body)
	}
	doJSON(t, ts, "DELETE", "/members/ann/sanctions/remove", "", 200, &l)
	doJSON(t, ts, "POST", "/members", `{"id": "ann"}`, 201, nil)
	if code, _ := do(t, ts, "DELETE", "/members/ann/sanctions/remove", ""); code != 404 {
		t.Errorf("lifting a removal not held: %d, want 404", code)
	}
}

// TestNoReview: a state without reviews (a host's own, say) serves no
// /review.
func TestNoReview(t *testing.T) {
	_, ts := server(t, plainState{runtime.NewState(fanclub(t, "FanClub"))}, serve.Config{})
	if code, _ := do(t, ts, "POST", "/review", `{"at": "`+at+`"}`); code != http.StatusNotFound {
		t.Errorf("POST /review: %d, want 404", code)
	}
	if code, _ := do(t, ts, "DELETE", "/members/ann/sanctions/mute", ""); code != http.StatusNotFound {
		t.Errorf("DELETE a sanction of a state without Lift: %d, want 404", code)
	}
	var s serve.Standing
	doJSON(t, ts, "POST", "/members", `{"id": "ann"}`, 201, nil)
	doJSON(t, ts, "GET", "/members/ann/role?at="+at, "", 200, &s)
	if s.Sanctions == nil {
		t.Error("sanctions: null, want an empty list")
	}
}

// plainState has only the methods of serve.State.
type plainState struct{ s *runtime.State }

func (p plainState) Community() *runtime.Community           { return p.s.Community() }
func (p plainState) Join(id string, m *runtime.Member) error { return p.s.Join(id, m) }
func (p plainState) JoinAt(id string, m *runtime.Member, at time.Time) error {
	return p.s.JoinAt(id, m, at)
}
func (p plainState) Leave(id string) error                    { return p.s.Leave(id) }
func (p plainState) Update(id string, v map[string]any) error { return p.s.Update(id, v) }
func (p plainState) Member(id string) (*runtime.Member, bool) { return p.s.Member(id) }
func (p plainState) Len() int                                 { return p.s.Len() }
func (p plainState) Events() uint64                           { return p.s.Events() }
func (p plainState) Goals(at time.Time) []runtime.GoalValue   { return p.s.Goals(at) }
func (p plainState) Decide(id, a string, args runtime.Args, at time.Time) (runtime.Decision, error) {
	return p.s.Decide(id, a, args, at)
}
func (p plainState) Apply(ctx context.Context, id, a string, args runtime.Args, at time.Time) (runtime.Result, error) {
	return p.s.Apply(ctx, id, a, args, at)
}

// TestMembersInWhen: a member's duties and messages are asked of the
// state, so a when that reads the member count sees the state's.
func TestMembersInWhen(t *testing.T) {
	c := compile(t, "Club", `community Club {
  member { posts: int }
  action post()
  may post
  when members > 1 {
    must post 1 per 7d because "A busy club posts weekly"
    nudge "Say hello to the newcomers"
  }
}`)
	st := runtime.NewState(c)
	_, ts := server(t, st, serve.Config{})
	doJSON(t, ts, "POST", "/members", `{"id": "ann"}`, 201, nil)
	var du serve.Duties
	var ms serve.Messages
	doJSON(t, ts, "GET", "/members/ann/duties?at="+at, "", 200, &du)
	doJSON(t, ts, "GET", "/members/ann/messages?at="+at, "", 200, &ms)
	if len(du.Duties) != 0 || len(ms.Messages) != 0 {
		t.Errorf("one member: duties %+v, messages %+v, want none", du, ms)
	}
	doJSON(t, ts, "POST", "/members", `{"id": "bob"}`, 201, nil)
	doJSON(t, ts, "GET", "/members/ann/duties?at="+at, "", 200, &du)
	doJSON(t, ts, "GET", "/members/ann/messages?at="+at, "", 200, &ms)
	if len(du.Duties) != 1 || du.Duties[0].Reason != "A busy club posts weekly" || len(ms.Messages) != 1 || ms.Messages[0].Text != "Say hello to the newcomers" {
		t.Errorf("two members: duties %+v, messages %+v, want the when's", du, ms)
	}
}

// TestMemberCapUnderConcurrentJoins: the cap holds exactly when joins race.
func TestMemberCapUnderConcurrentJoins(t *testing.T) {
	st := runtime.NewState(fanclub(t, "FanClub"))
	_, ts := server(t, st, serve.Config{Limits: serve.Limits{MaxMembers: 5}})
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := ts.Client().Post(ts.URL+"/members", "application/json", strings.NewReader(fmt.Sprintf(`{"id": "m%d"}`, i)))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	n := map[int]int{}
	for c := range codes {
		n[c]++
	}
	if n[201] != 5 || n[409] != 15 || st.Len() != 5 {
		t.Errorf("statuses %v, %d members: want 5 joined and 15 refused", n, st.Len())
	}
}

// TestRegistry: a host's own registry receives the handler's metrics.
func TestRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	st := runtime.NewState(fanclub(t, "FanClub"))
	_, ts := server(t, st, serve.Config{Registry: reg})
	doJSON(t, ts, "POST", "/members", `{"id": "ann"}`, 201, nil)
	doJSON(t, ts, "POST", "/decide", `{"member": "ann", "action": "introduce", "at": "`+at+`"}`, 200, nil)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, mf := range mfs {
		if mf.GetName() == "charter_decisions_total" {
			found = len(mf.GetMetric()) == 1 && mf.GetMetric()[0].GetCounter().GetValue() == 1
		}
	}
	if !found {
		t.Errorf("the host's registry lacks one decision: %v", mfs)
	}
	if _, err := serve.New(st, serve.Config{Registry: reg}); err == nil {
		t.Error("a second handler on one registry: no error (its metrics would collide)")
	}
}
