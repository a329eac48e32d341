package runtime_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/lang/diag"
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
		// A negative duration is written 0s - d, as anywhere else (SPEC §6.4).
		{`f(a: -3, b: +2.5, c: 1e3, d: 7d, e: 0s - 90m, f: 500ms)`, "f", runtime.Args{
			"a": int64(-3), "b": 2.5, "c": 1000.0, "d": 7 * 24 * time.Hour, "e": -90 * time.Minute, "f": 500 * time.Millisecond}},
		// Arguments are constants as in a test block: operators on literals too.
		{`f(a: 1 + 2, b: 2 * 7d, c: "a" + "b", d: !false)`, "f", runtime.Args{
			"a": int64(3), "b": 14 * 24 * time.Hour, "c": "ab", "d": true}},
		{`f(a: true, b: false, c: "a\tb", d: 'q"q', e: ` + "`raw\\n`" + `)`, "f", runtime.Args{
			"a": true, "b": false, "c": "a\tb", "d": `q"q`, "e": `raw\n`}},
		{`f(a: [], b: ["x", 'y',], c: [1, -2, 3.5], d: [1d, 2w])`, "f", runtime.Args{
			"a": []any{}, "b": []any{"x", "y"}, "c": []any{int64(1), int64(-2), 3.5}, "d": []any{24 * time.Hour, 14 * 24 * time.Hour}}},
		// 9223372036854775808 is no int literal (SPEC §2.6), so the least
		// int64 is written as in a rule file.
		{`f(max: 9223372036854775807, min: -9223372036854775807 - 1)`, "f", runtime.Args{"max": int64(math.MaxInt64), "min": int64(math.MinInt64)}},
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
		code     diag.Code
		contains string
	}{
		{``, 1, 1, diag.Syntax, "want an action call"},
		{`   `, 1, 4, diag.Syntax, "got nothing"},
		{`(x: 1)`, 1, 1, diag.Syntax, `got "("`},
		{`post`, 1, 5, diag.Syntax, "want ( after post"},
		{`post length: 1`, 1, 6, diag.Syntax, "want ( after post"},
		{`post(`, 1, 6, diag.Syntax, "want an argument name or ), got the end of the text"},
		{`post(length: )`, 1, 14, diag.Syntax, "want a value for length, got \")\""},
		{`post(length: , topic: "x")`, 1, 14, diag.Syntax, "want a value for length"},
		{`post(length 10)`, 1, 13, diag.Syntax, "want : after argument name length"},
		{`post(10)`, 1, 6, diag.Syntax, "want an argument name"},
		{`post(length: 10 topic: "x")`, 1, 17, diag.ExprSyntax, `want , or ) after the value of length, got "topic"`},
		{`post(length: 10, topic: "x"`, 1, 28, diag.Syntax, "got the end of the text"},
		{`post(length: 10))`, 1, 17, diag.Syntax, "after the call"},
		{`post() comment()`, 1, 8, diag.Syntax, "give one call"},
		{`post(length: 10, length: 3)`, 1, 18, diag.BadCall, "length is given twice"},
		{`post(length: x)`, 1, 14, diag.BadCall, "x is not a constant"},
		{`post(length: nil)`, 1, 14, diag.BadCall, "nil is not a constant"},
		{`post(length: 1 + x)`, 1, 18, diag.BadCall, "value of length: x is not a constant"},
		{`post(length: len("x"))`, 1, 14, diag.BadCall, "len(...) is a call, not a constant"},
		{`post(length: -"x")`, 1, 14, diag.BadCall, "value of length: invalid operation: - string"},
		{`post(length: -90m)`, 1, 14, diag.BadCall, "invalid operation: - duration"},
		{`post(length: -)`, 1, 15, diag.ExprSyntax, `want a value for length after "-", got ")"`},
		{`post(length: 9223372036854775808)`, 1, 14, diag.ExprSyntax, "invalid integer literal"},
		{`post(length: -9223372036854775808)`, 1, 15, diag.ExprSyntax, "invalid integer literal"},
		{`post(length: -9223372036854775809)`, 1, 15, diag.Lex, "out of range: integers are 64-bit"},
		{`post(length: 1e999)`, 1, 14, diag.ExprSyntax, "invalid float literal"},
		{`post(length: 99999999999999999w)`, 1, 14, diag.Lex, "out of range"},
		{`post(tags: [1, [2]])`, 1, 16, diag.BadCall, "not lists"},
		{`post(tags: [1 2])`, 1, 15, diag.ExprSyntax, "want , or ] in the list given to tags"},
		{`post(tags: [1,`, 1, 15, diag.ExprSyntax, "want a value for tags after \",\", got the end of the text"},
		{`post(topic: "unterminated)`, 1, 13, diag.Lex, "string not terminated"},
		{`post(topic: "bad \q")`, 1, 13, diag.Lex, "malformed string"},
		{`post(length: 0x10)`, 1, 14, diag.Lex, "malformed number"},
		{`post(length: @)`, 1, 14, diag.Lex, "unexpected character '@'"},
		{"post(\n  length: )", 2, 11, diag.Syntax, "want a value for length"},
		{`écrire(thème: )`, 1, 15, diag.Syntax, "want a value for thème"}, // columns count characters
	}
	for _, tc := range tests {
		_, _, err := runtime.ParseCall(tc.src)
		var ds diag.List
		if !errors.As(err, &ds) || len(ds) == 0 {
			t.Errorf("ParseCall(%q): error %v, want a diag.List", tc.src, err)
			continue
		}
		d := ds[0]
		if d.Range.Start.Line != tc.line || d.Range.Start.Column != tc.col || d.Code != tc.code || !strings.Contains(d.Message, tc.contains) {
			t.Errorf("ParseCall(%q): %v; want %d:%d: ...%s... [%s]", tc.src, d, tc.line, tc.col, tc.contains, tc.code)
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
		code     diag.Code
		contains string
	}{
		{`shout(volume: 11)`, 1, diag.UnknownAction, `unknown action "shout": FanClub declares introduce, post, comment, save, invite, tip`},
		{`post(length: 10, topic: "x", mood: "ok")`, 30, diag.BadCall, `post has no parameter "mood" (parameters: length: int, topic: string)`},
		{`post(length: "long", topic: "x")`, 14, diag.BadCall, `argument length of post: want int, got a string "long"`},
		{`post(length: 10.0, topic: "x")`, 14, diag.BadCall, "want int, got a float 10"},
		{`post(length: 10, topic: 3)`, 25, diag.BadCall, "argument topic of post: want string, got an int 3"},
		{`post(length: 10, topic: ["x"])`, 25, diag.BadCall, "want string, got a list"},
		{`post(length: 10)`, 16, diag.BadCall, "post needs argument topic (string)"},
		{`post(topic: "x")`, 16, diag.BadCall, "post needs argument length (int)"},
		{`tip(to: 7, amount: 1)`, 9, diag.BadCall, "argument to of tip: want member, got an int 7"},
		{`comment(on: true)`, 13, diag.BadCall, "want string, got a bool true"},
	}
	for _, tc := range tests {
		_, err := club.ParseCall(tc.src)
		var ds diag.List
		if !errors.As(err, &ds) || len(ds) != 1 {
			t.Errorf("ParseCall(%q): error %v, want a diag.List of one", tc.src, err)
			continue
		}
		if d := ds[0]; d.Range.Start.Line != 1 || d.Range.Start.Column != tc.col || d.Code != tc.code || !strings.Contains(d.Message, tc.contains) {
			t.Errorf("ParseCall(%q): %v; want 1:%d: ...%s... [%s]", tc.src, d, tc.col, tc.contains, tc.code)
		}
	}
}

// FuzzParseCall checks that no text makes ParseCall panic, and that every
// error it returns is a diag.List of errors with codes and positions inside
// the text.
func FuzzParseCall(f *testing.F) {
	for _, s := range []string{`post(length: 10, topic: "x")`, `f(a: [1, -2.5, 7d], b: true,)`, `post(length: )`, "f(\n a: 'x' /* c */)", `f(a: -`, `é(`, `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _, err := runtime.ParseCall(src)
		if err == nil {
			return
		}
		var ds diag.List
		if !errors.As(err, &ds) || !ds.HasErrors() {
			t.Fatalf("ParseCall(%q): %T %v, want a diag.List with an error", src, err, err)
		}
		lines := strings.Count(src, "\n") + 1
		for _, d := range ds {
			if p := d.Range.Start; p.Line < 1 || p.Line > lines || p.Column < 1 || p.Offset > len(src) || d.Code == "" {
				t.Fatalf("ParseCall(%q): %v: position %d:%d outside the text, or no code", src, d, p.Line, p.Column)
			}
		}
	})
}
