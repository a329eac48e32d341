package syntax

import (
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/diag"
)

func TestParseCall(t *testing.T) {
	c, ds := ParseCall("cli", "post(length: 2 * 5,\n  tags: [\"a\", 'b'], within: 7d)")
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if c.Action.Name != "post" || len(c.Args) != 3 {
		t.Fatalf("got %s with %d arguments, want post with 3", c.Action.Name, len(c.Args))
	}
	for i, want := range []string{"2 * 5", `["a", 'b']`, "7d"} {
		if got := c.Args[i].Value.Src; got != want {
			t.Errorf("argument %d is %q, want %q", i, got, want)
		}
	}
	if got, want := c.Args[1].Value.Pos, (diag.Pos{Filename: "cli", Offset: 28, Line: 2, Column: 9}); got != want {
		t.Errorf("tags at %v, want %v", got, want)
	}
	if got := c.CloseParen(); got.Line != 2 || got.Column != 31 {
		t.Errorf("closing parenthesis at %v, want 2:31", got)
	}
}

// TestParseCallErrors: the grammar's errors speak of the call's parts and
// point at the token where something else was wanted. (runtime's
// TestParseCallErrors covers every kind of error through the host API.)
func TestParseCallErrors(t *testing.T) {
	tests := []struct {
		src      string
		col      int
		code     diag.Code
		contains string
	}{
		{`post(length: )`, 14, diag.Syntax, `want a value for length, got ")"`},
		{`post(length 10)`, 13, diag.Syntax, `want : after argument name length, got "10"`},
		{`post(length: 10 topic: "x")`, 17, diag.ExprSyntax, `want , or ) after the value of length, got "topic"`},
		{`post(length: (1 + )`, 19, diag.ExprSyntax, `value of length: unexpected token Bracket(")")`},
		{`post(length: 1) x`, 17, diag.Syntax, `unexpected "x" after the call`},
		{`post(length: 1`, 15, diag.Syntax, "want , or ) after the value of length, got the end of the text"},
		{strings.Repeat(" ", MaxFileSize+1), 1, diag.LimitFile, "the limit is"},
	}
	for _, tc := range tests {
		c, ds := ParseCall("", tc.src)
		if c != nil || len(ds) != 1 {
			t.Errorf("ParseCall(%.40q) = %v, %v; want nil and one diagnostic", tc.src, c, ds)
			continue
		}
		if d := ds[0]; d.Range.Start.Column != tc.col || d.Code != tc.code || !strings.Contains(d.Message, tc.contains) {
			t.Errorf("ParseCall(%.40q): %v; want 1:%d: ...%s... [%s]", tc.src, d, tc.col, tc.contains, tc.code)
		}
	}
}
