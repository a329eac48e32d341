package check_test

import (
	"strings"
	"testing"

	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
)

func TestSupported(t *testing.T) {
	funcs := []string{"days_since", "lower", "upper", "starts_with", "trim", "least", "greatest"}
	measure := append([]string{"count", "share"}, funcs...)
	tests := []struct {
		src   string
		funcs []string
		msg   string // "" when supported
		node  string
	}{
		{src: "posts >= 50 && followers >= 100"},
		{src: "days_since(last_seen) > 30 ? lower(name) : upper(name)"},
		{src: "x in [1, 2] && y in 1..5 && z not in tags"},
		{src: "count(opinion_leader) >= 2", funcs: measure},
		{src: "share(role >= participant)", funcs: measure},
		{src: "count(opinion_leader) >= 2", msg: "unknown function count; count is a goal aggregate", node: "count(opinion_leader)"},
		{src: "posts > 1 && tags[0] == 'a' && (a ?? b)"},
		{src: "foo(1)", msg: "unknown function foo", node: "foo(1)"},
		{src: "upper(trimPrefix(s))", msg: "unknown function trimPrefix", node: "trimPrefix(s)"},
		{src: "upperr(s)", msg: "unknown function upperr; did you mean upper?", node: "upperr(s)"},
		{src: "filter(tags, # > 1)", msg: "unknown function filter"},
		{src: "x.y.z > 1", msg: "only name.field and list[i]", node: "x.y.z"},
		{src: "x.f() > 1", msg: "methods"},
		{src: "let a = 1; a", msg: "let"},
		{src: "{a: 1}", msg: "maps"},
		{src: "s[1:2]", msg: "slicing"},
		{src: "$env.posts", msg: "$env"},
		{src: "b'x' == b'x'", msg: "byte strings"},
		{src: "posts == nil", msg: "nil is not a Charter value", node: "nil"},
	}
	for _, tt := range tests {
		tree, err := parser.Parse(tt.src)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if tt.funcs == nil {
			tt.funcs = funcs
		}
		err = check.Supported(tree.Node, tt.funcs)
		if tt.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.src, err)
			}
			continue
		}
		ue, ok := err.(*check.UnsupportedError)
		if !ok || !strings.Contains(ue.Msg, tt.msg) {
			t.Errorf("%s: Supported = %v, want %q", tt.src, err, tt.msg)
			continue
		}
		if tt.node != "" && ue.Node.String() != tt.node {
			t.Errorf("%s: error at %s, want at %s", tt.src, ue.Node, tt.node)
		}
	}
}

// The checker itself refuses what Charter does not support, at the node,
// with no evaluator configured: that is what lets lang stand without
// runtime.
func TestCheckRefusesUnsupported(t *testing.T) {
	tests := []struct {
		old, new  string // replace old with new in base
		msg       string
		line, col int
	}{
		{"length < 100", "length < 100 && posts != nil", "nil is not a Charter value", 15, 40},
		{"length < 100", "(let n = 1; length > n)", "let is not supported", 15, 20},
		{"length < 100", "length in [1, 2][0:1]", "slicing is not supported", 15, 31},
		{"share(star)", "share(star && name[1:] == \"x\")", "slicing is not supported", 19, 38},
	}
	for _, tc := range tests {
		if !strings.Contains(base, tc.old) {
			t.Fatalf("base has no %q", tc.old)
		}
		src := strings.Replace(base, tc.old, tc.new, 1)
		_, ds := checkSrc(t, src)
		found := false
		for _, d := range ds {
			if d.Code != diag.ExprError || !strings.Contains(d.Message, tc.msg) {
				continue
			}
			found = true
			if d.Range.Start.Line != tc.line || d.Range.Start.Column != tc.col {
				t.Errorf("%s: %s at %d:%d, want %d:%d", tc.new, d.Message, d.Range.Start.Line, d.Range.Start.Column, tc.line, tc.col)
			}
		}
		if !found {
			t.Errorf("%s: no %s %q; got %v", tc.new, diag.ExprError, tc.msg, ds)
		}
	}
}
