package runtime_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/runtime"
)

func TestParseCall(t *testing.T) {
	tests := []struct {
		src    string
		action string
		args   runtime.Args
	}{
		{`introduce()`, "introduce", runtime.Args{}},
		{` introduce ( ) `, "introduce", runtime.Args{}},
		{`post(length: 10, topic: "x")`, "post", runtime.Args{"length": int64(10), "topic": "x"}},
		{`post(length: 10, topic: "x",)`, "post", runtime.Args{"length": int64(10), "topic": "x"}},
		{"post(\n  length: 1_000, // a comment\n  topic: /* inline */ 'hi'\n)", "post", runtime.Args{"length": int64(1000), "topic": "hi"}},
		{`f(a: -3, b: +2.5, c: 1e3, d: 7d, e: -90m, f: 500ms)`, "f", runtime.Args{
			"a": int64(-3), "b": 2.5, "c": 1000.0, "d": 7 * 24 * time.Hour, "e": -90 * time.Minute, "f": 500 * time.Millisecond}},
		{`f(a: true, b: false, c: "a\tb", d: 'q"q', e: ` + "`raw\\n`" + `)`, "f", runtime.Args{
			"a": true, "b": false, "c": "a\tb", "d": `q"q`, "e": `raw\n`}},
		{`f(a: [], b: ["x", 'y',], c: [1, -2, 3.5], d: [1d, 2w])`, "f", runtime.Args{
			"a": []any{}, "b": []any{"x", "y"}, "c": []any{int64(1), int64(-2), 3.5}, "d": []any{24 * time.Hour, 14 * 24 * time.Hour}}},
		{`f(max: 9223372036854775807, min: -9223372036854775808)`, "f", runtime.Args{"max": int64(math.MaxInt64), "min": int64(math.MinInt64)}},
		{`écrire(thème: "été")`, "écrire", runtime.Args{"thème": "été"}},
	}
	for _, tc := range tests {
		action, args, err := runtime.ParseCall(tc.src)
		if err != nil {
			t.Errorf("ParseCall(%q): %v", tc.src, err)
			continue
		}
		if action != tc.action {
			t.Errorf("ParseCall(%q): action %q, want %q", tc.src, action, tc.action)
		}
		if diff := cmp.Diff(tc.args, args); diff != "" {
			t.Errorf("ParseCall(%q) args (-want +got):\n%s", tc.src, diff)
		}
	}
}

func TestParseCallErrors(t *testing.T) {
	tests := []struct {
		src      string
		line     int
		col      int
		contains string
	}{
		{``, 1, 1, "want an action call"},
		{`   `, 1, 4, "got nothing"},
		{`(x: 1)`, 1, 1, `got "("`},
		{`post`, 1, 5, "want ( after post"},
		{`post length: 1`, 1, 6, "want ( after post"},
		{`post(`, 1, 6, "want an argument name or ), got the end of the text"},
		{`post(length: )`, 1, 14, "want a value for length, got \")\""},
		{`post(length: , topic: "x")`, 1, 14, "want a value for length"},
		{`post(length 10)`, 1, 13, "want : after argument name length"},
		{`post(10)`, 1, 6, "want an argument name"},
		{`post(length: 10 topic: "x")`, 1, 17, `want , or ) after the value of length, got "topic"`},
		{`post(length: 10, topic: "x"`, 1, 28, "got the end of the text"},
		{`post(length: 10))`, 1, 17, "after the call"},
		{`post() comment()`, 1, 8, "give one call"},
		{`post(length: 10, length: 3)`, 1, 18, "length is given twice"},
		{`post(length: x)`, 1, 14, "x is not a constant"},
		{`post(length: nil)`, 1, 14, "nil is not a constant"},
		{`post(length: 1 + 2)`, 1, 16, "want , or ) after the value of length"},
		{`post(length: -"x")`, 1, 15, "- must be followed by a number or a duration"},
		{`post(length: -)`, 1, 15, "- must be followed by a number"},
		{`post(length: 9223372036854775808)`, 1, 14, "out of range for an int"},
		{`post(length: -9223372036854775809)`, 1, 15, "out of range: integers are 64-bit"},
		{`post(length: 1e999)`, 1, 14, "out of range for a float"},
		{`post(length: 99999999999999999w)`, 1, 14, "out of range"},
		{`post(tags: [1, [2]])`, 1, 16, "not lists"},
		{`post(tags: [1 2])`, 1, 15, "want , or ] in the list given to tags"},
		{`post(tags: [1,`, 1, 15, "want a value for tags, got the end of the text"},
		{`post(topic: "unterminated)`, 1, 13, "string not terminated"},
		{`post(topic: "bad \q")`, 1, 13, "malformed string"},
		{`post(length: 0x10)`, 1, 14, "malformed number"},
		{`post(length: @)`, 1, 14, "unexpected character '@'"},
		{"post(\n  length: )", 2, 11, "want a value for length"},
		{`écrire(thème: )`, 1, 15, "want a value for thème"}, // columns count characters
	}
	for _, tc := range tests {
		_, _, err := runtime.ParseCall(tc.src)
		var ce *runtime.CallError
		if !errors.As(err, &ce) {
			t.Errorf("ParseCall(%q): error %v, want a *CallError", tc.src, err)
			continue
		}
		if ce.Line != tc.line || ce.Column != tc.col || !strings.Contains(ce.Msg, tc.contains) {
			t.Errorf("ParseCall(%q): %v; want %d:%d: ...%s...", tc.src, err, tc.line, tc.col, tc.contains)
		}
		if !strings.HasPrefix(err.Error(), fmt.Sprintf("%d:%d: ", tc.line, tc.col)) {
			t.Errorf("ParseCall(%q): error %q does not start with its position", tc.src, err)
		}
	}
}

func TestCommunityParseCall(t *testing.T) {
	_, club := fanclub(t)
	k, err := club.ParseCall(`post(length: 10, topic: "x")`)
	if err != nil {
		t.Fatal(err)
	}
	intro := member(t, club, map[string]any{"@history": map[string]any{"introduce": []any{"2025-12-01T00:00:00Z"}}})
	if d := club.DecideCall(intro, k, t0, nil); !d.Allowed || d.Action != "post" {
		t.Errorf("decision %v, want allow post", d)
	}
	if d := club.DecideCall(member(t, club, nil), k, t0, nil); d.Allowed {
		t.Errorf("decision %v for a member who never introduced, want deny", d)
	}
	// A member parameter takes the other member's ID; an int is a float.
	if _, err := club.ParseCall(`tip(to: "bob", amount: 3)`); err != nil {
		t.Errorf("tip: %v", err)
	}

	tests := []struct {
		src      string
		col      int
		contains string
	}{
		{`shout(volume: 11)`, 1, `unknown action "shout": FanClub declares introduce, post, comment, save, invite, tip`},
		{`post(length: 10, topic: "x", mood: "ok")`, 30, `post has no parameter "mood" (parameters: length: int, topic: string)`},
		{`post(length: "long", topic: "x")`, 14, `argument length of post: want int, got string "long"`},
		{`post(length: 10.0, topic: "x")`, 14, "want int, got float 10"},
		{`post(length: 10, topic: 3)`, 25, "argument topic of post: want string, got int 3"},
		{`post(length: 10, topic: ["x"])`, 25, "want string, got a list"},
		{`post(length: 10)`, 16, "post needs argument topic (string)"},
		{`post(topic: "x")`, 16, "post needs argument length (int)"},
		{`tip(to: 7, amount: 1)`, 9, "argument to of tip: want member, got int 7"},
		{`comment(on: true)`, 13, "want string, got bool true"},
	}
	for _, tc := range tests {
		_, err := club.ParseCall(tc.src)
		var ce *runtime.CallError
		if !errors.As(err, &ce) {
			t.Errorf("ParseCall(%q): error %v, want a *CallError", tc.src, err)
			continue
		}
		if ce.Line != 1 || ce.Column != tc.col || !strings.Contains(ce.Msg, tc.contains) {
			t.Errorf("ParseCall(%q): %v; want 1:%d: ...%s...", tc.src, err, tc.col, tc.contains)
		}
	}
}

// FuzzParseCall checks that no text makes ParseCall panic, and that every
// error it returns is a *CallError with a position inside the text.
func FuzzParseCall(f *testing.F) {
	for _, s := range []string{`post(length: 10, topic: "x")`, `f(a: [1, -2.5, 7d], b: true,)`, `post(length: )`, "f(\n a: 'x' /* c */)", `f(a: -`, `é(`, `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _, err := runtime.ParseCall(src)
		if err == nil {
			return
		}
		var ce *runtime.CallError
		if !errors.As(err, &ce) {
			t.Fatalf("ParseCall(%q): %T %v, want a *CallError", src, err, err)
		}
		lines := strings.Count(src, "\n") + 1
		if ce.Line < 1 || ce.Line > lines || ce.Column < 1 {
			t.Fatalf("ParseCall(%q): position %d:%d outside the text", src, ce.Line, ce.Column)
		}
	})
}
