package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/serve"
)

type (
	joinResponse = serve.Membership
	decision     = serve.Applied
	change       = serve.Change
	goal         = serve.GoalJSON
	errorBody    = serve.Error
)

// mustServer is newServer for a test.
func mustServer(t *testing.T, c *runtime.Community) *server {
	t.Helper()
	s, err := newServer(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const at = "2026-01-15T09:00:00Z"

// fanclub compiles the fan club the server serves by default; tests run in
// this package's directory, so the path is relative to it.
func fanclub(t *testing.T) *runtime.Community {
	t.Helper()
	c, err := load("../fanclub/fanclub.charter", "FanClub")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// compile builds a community from source, for behaviour the fan club lacks.
func compile(t *testing.T, name, src string) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileSource(name+".charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return prog.Community(name)
}

// call sends one request through the handler and returns the status and
// the raw body.
func call(t *testing.T, h http.Handler, method, path, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	return rec.Code, rec.Body.String()
}

// callJSON is call that also decodes the body into out, and fails the test
// unless the status is want.
func callJSON(t *testing.T, h http.Handler, method, path, body string, want int, out any) {
	t.Helper()
	code, resp := call(t, h, method, path, body)
	if code != want {
		t.Fatalf("%s %s %s: status %d, want %d; body %s", method, path, body, code, want, resp)
	}
	if err := json.Unmarshal([]byte(resp), out); err != nil {
		t.Fatalf("%s %s: response %q: %v", method, path, resp, err)
	}
}

func act(t *testing.T, h http.Handler, body string) decision {
	t.Helper()
	var d decision
	callJSON(t, h, "POST", "/actions", body, http.StatusOK, &d)
	return d
}

func TestFanClubScenario(t *testing.T) {
	s := mustServer(t, fanclub(t))

	var j joinResponse
	callJSON(t, s, "POST", "/members", `{"id": "alice", "attributes": {"reputation": 10}}`, http.StatusCreated, &j)
	if j.ID != "alice" || j.Members != 1 {
		t.Errorf("join alice = %+v, want alice and 1 member", j)
	}
	callJSON(t, s, "POST", "/members", `{"id": "bob"}`, http.StatusCreated, &j)
	if j.Members != 2 {
		t.Errorf("join bob: %d members, want 2", j.Members)
	}

	// Say hello before your first post.
	d := act(t, s, `{"member": "alice", "action": "post", "args": {"length": 120, "topic": "hello"}, "at": "`+at+`"}`)
	if d.Allowed || d.Applied || d.ByDefault {
		t.Errorf("post before introducing = %+v, want denied by a rule and not applied", d)
	}
	if !slices.Equal(d.Reasons, []string{"Say hello before your first post"}) {
		t.Errorf("reasons = %q", d.Reasons)
	}
	if len(d.Rules) != 1 || !strings.HasPrefix(d.Rules[0], "first introduce then post (") {
		t.Errorf("rules = %q, want the first rule's label", d.Rules)
	}
	if d.Sanctions == nil || len(d.Sanctions) != 0 || d.Changes == nil || len(d.Changes) != 0 {
		t.Errorf("sanctions %v, changes %v: want empty lists", d.Sanctions, d.Changes)
	}

	d = act(t, s, `{"member": "alice", "action": "introduce", "at": "`+at+`"}`)
	if !d.Allowed || !d.Applied || len(d.Rules) != 1 || !strings.HasPrefix(d.Rules[0], "may ") {
		t.Errorf("introduce = %+v, want allowed by a may and applied", d)
	}

	// The first post makes alice a participant.
	d = act(t, s, `{"member": "alice", "action": "post", "args": {"length": 120, "topic": "hello"}, "at": "2026-01-15T09:05:00Z"}`)
	if !d.Allowed || !d.Applied {
		t.Fatalf("post after introducing = %+v, want allowed and applied", d)
	}
	wantChange := change{Member: "alice", Kind: "role", From: "onlooker", To: "participant"}
	if !slices.Equal(d.Changes, []change{wantChange}) {
		t.Errorf("changes = %+v, want %+v", d.Changes, wantChange)
	}

	// A tip moves reputation from alice (10 + 0.5 for the post) to bob.
	d = act(t, s, `{"member": "alice", "action": "tip", "args": {"to": "bob", "amount": 4}, "at": "2026-01-15T09:10:00Z"}`)
	if !d.Allowed || !d.Applied {
		t.Fatalf("tip = %+v, want allowed and applied", d)
	}
	for id, want := range map[string]float64{"alice": 6.5, "bob": 5.0} {
		m, ok := s.state.Member(id)
		if !ok {
			t.Fatalf("member %s missing", id)
		}
		if got, _ := s.club.Get(m, "reputation"); got != want {
			t.Errorf("%s's reputation = %v, want %v", id, got, want)
		}
	}

	// No rule allows a tip above one's reputation: the default denies it.
	d = act(t, s, `{"member": "alice", "action": "tip", "args": {"to": "bob", "amount": 100}, "at": "2026-01-15T09:15:00Z"}`)
	if d.Allowed || d.Applied || !d.ByDefault || !slices.Equal(d.Reasons, []string{"default deny"}) || d.Rules == nil || len(d.Rules) != 0 {
		t.Errorf("tip above reputation = %+v, want denied by default with no rules", d)
	}

	code, body := call(t, s, "GET", "/goals?at="+at, "")
	if code != http.StatusOK || !strings.Contains(body, `"op": ">="`) {
		t.Errorf("goals: %d %s, want 200 with operators written as is", code, body)
	}
	var goals []goal
	if err := json.Unmarshal([]byte(body), &goals); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		value float64
		met   bool
	}{
		"engagement": {0.5, true}, // alice of alice and bob
		"voices":     {0, false},
		"size":       {2, true},
	}
	if len(goals) != len(want) {
		t.Fatalf("goals = %+v, want %d", goals, len(want))
	}
	for _, g := range goals {
		w, ok := want[g.Name]
		if !ok || g.Value != w.value || g.Met != w.met || g.Title == "" || g.Op == "" {
			t.Errorf("goal %+v, want value %v met %v", g, w.value, w.met)
		}
	}
}

func TestSanctionsAreReported(t *testing.T) {
	c := compile(t, "Group", `community Group {
  member { posts: int }
  action post(is_ad: bool)
  may post
  must not post if is_ad because "No ads" else mute 1d
  on post { posts += 1 }
}`)
	s := mustServer(t, c)
	var j joinResponse
	callJSON(t, s, "POST", "/members", `{"id": "ann"}`, http.StatusCreated, &j)
	d := act(t, s, `{"member": "ann", "action": "post", "args": {"is_ad": true}, "at": "`+at+`"}`)
	if d.Allowed || !slices.Equal(d.Sanctions, []string{"mute 1d"}) || !slices.Equal(d.Reasons, []string{"No ads"}) {
		t.Errorf("ad = %+v, want denied with sanction mute 1d", d)
	}
}

func TestEffectFailureIsUnprocessable(t *testing.T) {
	c := compile(t, "Split", `community Split {
  member { portion: float = 1.0 }
  action split(ways: int)
  may split
  on split { portion /= ways }
}`)
	s := mustServer(t, c)
	var j joinResponse
	callJSON(t, s, "POST", "/members", `{"id": "ann"}`, http.StatusCreated, &j)
	before := s.state.Events()
	code, body := call(t, s, "POST", "/actions", `{"member": "ann", "action": "split", "args": {"ways": 0}, "at": "`+at+`"}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "division of portion by zero") {
		t.Errorf("split 0 ways: %d %s, want 422 naming the division", code, body)
	}
	if s.state.Events() != before {
		t.Errorf("a failed effect changed the state")
	}
}

func TestInfiniteGoalIsAServerError(t *testing.T) {
	c := compile(t, "Ratio", `community Ratio {
  member { posts: int }
  action post()
  may post
  on post { posts += 1 }
  goal ratio { measure sum(posts) / count(posts > 100); target >= 1 }
}`)
	s := mustServer(t, c)
	var j joinResponse
	callJSON(t, s, "POST", "/members", `{"id": "ann", "attributes": {"posts": 3}}`, http.StatusCreated, &j)
	var e errorBody
	callJSON(t, s, "GET", "/goals?at="+at, "", http.StatusInternalServerError, &e)
	if !strings.Contains(e.Error, "encode response") {
		t.Errorf("error = %q", e.Error)
	}
}

func TestErrors(t *testing.T) {
	s := mustServer(t, fanclub(t))
	for _, id := range []string{"alice", "bob"} {
		var j joinResponse
		callJSON(t, s, "POST", "/members", `{"id": "`+id+`"}`, http.StatusCreated, &j)
	}
	before := s.state.Events()
	actAt := func(body string) string { return strings.Replace(body, "}$", `, "at": "`+at+`"}`, 1) }
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string // in the error message
	}{
		{"join: bad JSON", "POST", "/members", `{"id": "carol"`, 400, "bad JSON"},
		{"join: empty body", "POST", "/members", ``, 400, "empty body"},
		{"join: not an object", "POST", "/members", `["carol"]`, 400, "bad JSON"},
		{"join: unknown field", "POST", "/members", `{"id": "carol", "attrs": {}}`, 400, `unknown field "attrs"`},
		{"join: two values", "POST", "/members", `{"id": "carol"} {"id": "dan"}`, 400, "more than one value"},
		{"join: no id", "POST", "/members", `{"attributes": {"posts": 1}}`, 400, `"id" is required`},
		{"join: unknown attribute", "POST", "/members", `{"id": "carol", "attributes": {"karma": 1}}`, 400, `unknown attribute "karma"`},
		{"join: wrong type", "POST", "/members", `{"id": "carol", "attributes": {"posts": "many"}}`, 400, "posts"},
		{"join: not a whole number", "POST", "/members", `{"id": "carol", "attributes": {"posts": 2.5}}`, 400, "not a whole number"},
		{"join: bad time", "POST", "/members", `{"id": "carol", "attributes": {"last_seen": "yesterday"}}`, 400, "RFC 3339"},
		{"join: taken id", "POST", "/members", `{"id": "alice"}`, 409, "already"},
		{"join: too large", "POST", "/members", `{"id": "` + strings.Repeat("x", serve.DefaultMaxBody) + `"}`, 413, "larger than"},
		{"action: bad JSON", "POST", "/actions", `{"member": `, 400, "bad JSON"},
		{"action: unknown field", "POST", "/actions", actAt(`{"member": "alice", "action": "introduce", "when": "now"}$`), 400, `unknown field "when"`},
		{"action: no at", "POST", "/actions", `{"member": "alice", "action": "introduce"}`, 400, `"at" is required`},
		{"action: bad at", "POST", "/actions", `{"member": "alice", "action": "introduce", "at": "2026-01-15"}`, 400, "RFC 3339"},
		{"action: no member", "POST", "/actions", actAt(`{"action": "introduce"}$`), 400, `"member" and "action" are required`},
		{"action: unknown member", "POST", "/actions", actAt(`{"member": "carol", "action": "introduce"}$`), 400, `member "carol": unknown member`},
		{"action: unknown member argument", "POST", "/actions", actAt(`{"member": "alice", "action": "tip", "args": {"to": "carol", "amount": 1}}$`), 400, `argument to: member "carol": unknown member`},
		{"action: unknown action", "POST", "/actions", actAt(`{"member": "alice", "action": "dance"}$`), 400, `unknown action "dance"`},
		{"action: wrong argument type", "POST", "/actions", actAt(`{"member": "alice", "action": "post", "args": {"length": "ten", "topic": "x"}}$`), 400, "argument length of post"},
		{"action: member argument not a string", "POST", "/actions", actAt(`{"member": "alice", "action": "tip", "args": {"to": 7, "amount": 1}}$`), 400, "argument to"},
		{"action: missing argument", "POST", "/actions", actAt(`{"member": "alice", "action": "post", "args": {"length": 10}}$`), 400, "post needs argument topic"},
		{"action: extra argument", "POST", "/actions", actAt(`{"member": "alice", "action": "introduce", "args": {"loudly": true}}$`), 400, `no parameter "loudly"`},
		{"goals: no at", "GET", "/goals", ``, 400, `"at" is required`},
		{"goals: bad at", "GET", "/goals?at=tomorrow", ``, 400, "RFC 3339"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e errorBody
			callJSON(t, s, tt.method, tt.path, tt.body, tt.status, &e)
			if !strings.Contains(e.Error, tt.want) {
				t.Errorf("error = %q, want it to contain %q", e.Error, tt.want)
			}
		})
	}
	if s.state.Events() != before || s.state.Len() != 2 {
		t.Errorf("failed requests changed the state: %s", s.state)
	}

	// Only the declared methods are served.
	if code, _ := call(t, s, "GET", "/actions", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /actions: status %d, want 405", code)
	}
}

func TestLoad(t *testing.T) {
	if _, err := load("../fanclub/fanclub.charter", "Nope"); err == nil || !strings.Contains(err.Error(), "FanClub, WritingAdvisors") {
		t.Errorf("unknown community: err = %v, want the communities listed", err)
	}
	if _, err := load("../fanclub/missing.charter", "FanClub"); err == nil {
		t.Error("missing file: no error")
	}
}

// TestSubCommunityAdmits: a sub-community's joins are judged by its admit
// rule at the time the request gives, and a refusal says which rule.
func TestSubCommunityAdmits(t *testing.T) {
	c, err := load("../fanclub/fanclub.charter", "WritingAdvisors")
	if err != nil {
		t.Fatal(err)
	}
	s := mustServer(t, c)
	if code, body := call(t, s, "POST", "/members", `{"id": "ann", "attributes": {"posts": 20}}`); code != http.StatusBadRequest || !strings.Contains(body, `\"at\" is required`) {
		t.Errorf("join without at: %d %s, want 400 asking for at", code, body)
	}
	code, body := call(t, s, "POST", "/members", `{"id": "bob", "attributes": {"posts": 5}, "at": "`+at+`"}`)
	if code != http.StatusForbidden || !strings.Contains(body, "not admitted to WritingAdvisors") || !strings.Contains(body, "admit if") {
		t.Errorf("join with 5 posts: %d %s, want 403 naming the admit rule", code, body)
	}
	var j joinResponse
	callJSON(t, s, "POST", "/members", `{"id": "ann", "attributes": {"posts": 20}, "at": "`+at+`"}`, http.StatusCreated, &j)
	if j.Members != 1 {
		t.Errorf("join ann: %+v, want 1 member", j)
	}
}
