package format_test

import (
	"testing"

	"github.com/charterlang/charter/lang/format"
	"github.com/charterlang/charter/lang/syntax"
)

// Expr prints a condition on one line with the formatter's spacing:
// comments go, line breaks become spaces, names stay as written.
func TestExprOneLine(t *testing.T) {
	cases := []struct{ src, want string }{
		{"posts>=5", "posts >= 5"},
		{"posts >= 50 &&\n      followers >= 100 // both\n", "posts >= 50 && followers >= 100"},
		{"!tl2_counts&&days_since( last_seen )>30", "!tl2_counts && days_since(last_seen) > 30"},
		{"role in [ leader,creator ]", "role in [leader, creator]"},
		{`bio contains "<a & b>"`, `bio contains "<a & b>"`},
		{"taken(post,7d)>=-1", "taken(post, 7d) >= -1"},
		{"a /* why */ - -1", "a - -1"},
	}
	for _, c := range cases {
		src := "community C { member { x: int } may a if " + c.src + "\n}"
		f, ds := syntax.Parse("c.charter", []byte(src))
		if ds.HasErrors() {
			t.Fatalf("%q: %v", c.src, ds)
		}
		var e *syntax.Expr
		for _, x := range syntax.Exprs(f) {
			e = x
		}
		if e == nil {
			t.Fatalf("%q: no expression", c.src)
		}
		if got := format.Expr(e); got != c.want {
			t.Errorf("Expr(%q) = %q, want %q", c.src, got, c.want)
		}
	}
	if got := format.Expr(nil); got != "" {
		t.Errorf("Expr(nil) = %q", got)
	}
}
