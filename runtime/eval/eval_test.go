package eval

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

type evalCase struct {
	src   string
	konst bool // Compile folds it to a constant
	alloc bool // it builds a new string, which allocates
}

// evalCases are evaluated by Compile and by expr-lang's own VM on the same
// values; the results must be equal.
var evalCases = []evalCase{
	// Literals and int/float arithmetic, with expr-lang's typing.
	{src: "1 + 2", konst: true},
	{src: "1 + 2.5", konst: true},
	{src: "1 + 2 * 3 - 4", konst: true},
	{src: "1_000 + 1e3", konst: true},
	{src: "7 / 2", konst: true},
	{src: "7 % 3", konst: true},
	{src: "-7 % 3", konst: true},
	{src: "7 % -3", konst: true},
	{src: "2 ** 10", konst: true},
	{src: "2 ^ 0.5", konst: true},
	{src: "-2 ** 2", konst: true},
	{src: "posts + comments"},
	{src: "posts - comments * 2"},
	{src: "(posts - comments) * 2"},
	{src: "posts / comments"},
	{src: "posts % comments"},
	{src: "neg % 4"},
	{src: "neg / 2"},
	{src: "posts * reputation"},
	{src: "-reputation / zero"},
	{src: "zero / zero"},
	{src: "posts ** 2"},
	{src: "-posts"},
	{src: "+posts"},
	{src: "-reputation"},
	{src: "big + 1"},
	{src: "big * 2"},
	{src: "-big - 2"},
	{src: "half * 3 + posts"},
	// Attributes and constants read directly (arithAttrs).
	{src: "posts - comments"},
	{src: "posts * comments"},
	{src: "posts - 3"},
	{src: "3 - posts"},
	{src: "2 * posts"},
	{src: "neg * 7"},
	{src: "big * big"},
	{src: "big + big"},
	{src: "posts + comments > 0"},
	{src: "neg - posts < -10"},

	// Comparisons: mixed numbers, strings, bools, times, durations.
	{src: "posts >= 50 && followers >= 100"},
	{src: "posts > 60"},
	{src: "posts >= 60"},
	{src: "posts < 60.5"},
	{src: "60 <= posts"},
	{src: "60.5 > posts"},
	{src: "posts == 60.0"},
	{src: "posts != 60"},
	{src: "posts == comments"},
	{src: "reputation >= 50"},
	{src: "reputation == 52.5"},
	{src: "50 < reputation"},
	{src: "reputation > posts"},
	{src: "1 < posts < 100"},
	{src: "1 < posts <= 60 < followers"},
	{src: "name == 'Ann'"},
	{src: "name < 'Bob'"},
	{src: "'Bob' > name"},
	{src: "name != topic"},
	{src: "'a' < 'b'", konst: true},
	{src: "introduced == true"},
	{src: "introduced != banned"},
	{src: "last_seen < now()"},
	{src: "last_seen > now() - $30d"},
	{src: "last_seen > now() - $60d"},
	{src: "joined < last_seen"},
	{src: "joined == joined"},
	{src: "window > $1d"},
	{src: "window == $36h"},
	{src: "$1d < $2d", konst: true},
	{src: "zero / zero == zero / zero"},
	{src: "zero / zero != zero / zero"},
	{src: "zero / zero < 1"},
	{src: "zero / zero >= 1"},

	// Logic, short-circuit and folding.
	{src: "introduced && !banned"},
	{src: "banned || posts > 5"},
	{src: "not banned"},
	{src: "banned and introduced"},
	{src: "introduced or banned"},
	{src: "true && posts > 1"},
	{src: "false || posts > 1"},
	{src: "false && posts > 1", konst: true},
	{src: "true || posts > 1", konst: true},
	{src: "!(1 > 2)", konst: true},

	// Strings.
	{src: "name + ' ' + topic", alloc: true},
	{src: "'a' + 'b'", konst: true},
	{src: "topic contains 'Go'"},
	{src: "topic startsWith 'Go'"},
	{src: "topic endsWith 'tips'"},
	{src: "topic not contains 'x'"},
	{src: "name contains empty"},
	{src: "name matches '^A'"},
	{src: "name matches 'n{2}'"},
	{src: "name not matches '^B'"},
	{src: "lower(topic)", alloc: true},
	{src: "lower(name) == 'ann'", alloc: true},
	{src: "upper(name)", alloc: true},
	{src: "trim('  x ')", konst: true},
	{src: "trim(topic, 'Gs')"},
	{src: "len(topic)"},
	{src: "len('héllo')", konst: true},
	{src: "len(tags)"},
	{src: "len(scores) + len(weights) + len(flags) + len(visits)"},
	{src: "len(empty) == 0"},
	{src: "starts_with(topic, 'Go')"},
	{src: "ends_with(topic, 'ips')"},
	{src: "topic | lower() | starts_with('go')", alloc: true},
	{src: "name | trim() | len()"},

	// in: lists, list literals, ranges.
	{src: "'go' in tags"},
	{src: "'rust' in tags"},
	{src: "'rust' not in tags"},
	{src: "5 in scores"},
	{src: "4 in scores"},
	{src: "5.0 in scores"},
	{src: "5.5 in scores"},
	{src: "1.5 in weights"},
	{src: "1 in weights"},
	{src: "true in flags"},
	{src: "false in flags"},
	{src: "now() - $1h in visits"},
	{src: "posts in [10, 60, 99]"},
	{src: "posts in [10, 20, 30]"},
	{src: "posts in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 60]"},
	{src: "posts in [1, 2.5]"},
	{src: "reputation in [52.5, 1]"},
	{src: "name in ['Ann', 'Bob']"},
	{src: "name in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'Ann']"},
	{src: "topic in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'Ann']"},
	{src: "posts in 50..70"},
	{src: "posts in 1..10"},
	{src: "posts in comments..followers"},
	{src: "reputation in 50..60"},
	{src: "60.0 in 50..70", konst: true},
	{src: "posts in [comments, followers]"},
	{src: "comments in [comments, followers]"},
	{src: "role in [leader, creator]"},
	{src: "role not in [leader]"},
	{src: "3 in [1, 2, 3]", konst: true},
	{src: "tags[0]"},
	{src: "tags[-1]"},
	{src: "tags?.[1]"},
	{src: "scores[1] + 1"},
	{src: "scores[amount - 6]"},
	{src: "weights[-1]"},
	{src: "flags[0]"},
	{src: "visits[1] < now()"},
	{src: "[10, 20, 30][1]", konst: true},
	{src: "posts ?? 1"},
	{src: "name ?? ''"},
	{src: "1..3", konst: true},
	{src: "[1, 2, 3]", konst: true},
	{src: "['a', 'b']", konst: true},

	// Time arithmetic and the time functions.
	{src: "now()"},
	{src: "now() - last_seen"},
	{src: "since(last_seen)"},
	{src: "until(joined)"},
	{src: "days_since(last_seen)"},
	{src: "days_since(last_seen) > 30"},
	{src: "days_since(joined) - days_since(last_seen)"},
	{src: "hours_since(last_seen)"},
	{src: "last_seen + $1d"},
	{src: "$1d + last_seen"},
	{src: "last_seen - $1d"},
	{src: "window + $1h"},
	{src: "window - $1h"},
	{src: "window * 2"},
	{src: "2 * window"},
	{src: "$7d * 2", konst: true},
	{src: "since(last_seen) > $30d"},
	{src: "between(last_seen, now() - $60d, now())"},
	{src: "least(last_seen, joined)"},
	{src: "greatest(window, $1d)"},

	// The other functions.
	{src: "abs(neg)"},
	{src: "abs(-reputation)"},
	{src: "abs(-3)", konst: true},
	{src: "clamp(posts, 0, 50)"},
	{src: "clamp(reputation, 0, 50)"},
	{src: "clamp(posts, 0, 50.5)"},
	{src: "clamp(posts, 100, 0)"},
	{src: "between(posts, 50, 60)"},
	{src: "between(reputation, 50, 52)"},
	{src: "between(zero / zero, 0, 1)"},
	{src: "least(posts, comments, followers)"},
	{src: "greatest(posts, reputation)"},
	{src: "least(posts, zero / zero)"},
	{src: "greatest(1, 2, 3, 4)", konst: true},
	{src: "floor(reputation)"},
	{src: "ceil(reputation)"},
	{src: "round(reputation)"},
	{src: "round(half)"},
	{src: "round(-half)"},
	{src: "floor(posts)"},

	// ?:
	{src: "posts > 50 ? 'big' : 'small'"},
	{src: "banned ? 1 : 2"},
	{src: "introduced ? reputation : 0"},
	{src: "banned ? posts : reputation"},
	{src: "posts > 1 ? posts : comments"},
	{src: "introduced ? last_seen : joined"},
	{src: "introduced ? tags : []"},
	{src: "banned ? tags : []"},
	{src: "posts in []", konst: true},
	{src: "true ? posts : 0"},
	{src: "false ? 1 : 2.5", konst: true},
	{src: "introduced ? banned : !banned"},

	// Roles, badges, goals, members, arguments and the other member.
	{src: "role"},
	{src: "role >= creator"},
	{src: "role > creator"},
	{src: "role <= commenter"},
	{src: "creator <= role"},
	{src: "role == creator"},
	{src: "role + 1"},
	{src: "leader > creator", konst: true},
	{src: "opinion_leader"},
	{src: "active && !opinion_leader"},
	{src: "role >= creator && active"},
	{src: "size.met"},
	{src: "!size.met"},
	{src: "size.value / size.target"},
	{src: "size.progress >= 0.5"},
	{src: "members <= 150"},
	{src: "members / 2"},
	{src: "amount <= reputation"},
	{src: "length > 5000"},
	{src: "length <= 5000"},
	{src: "length != 0"},
	{src: "!urgent"},
	{src: "not urgent && !banned"},
	{src: "subject == 'hi' && urgent"},
	{src: "to.reputation + amount"},
	{src: "to.name == 'Bob'"},
	{src: "to.reputation < reputation"},
}

func TestAgainstExprLang(t *testing.T) {
	f := newFixture(t)
	for _, tc := range evalCases {
		t.Run(tc.src, func(t *testing.T) {
			tree, err := f.check(tc.src)
			if err != nil {
				t.Fatalf("expr-lang's checker: %v", err)
			}
			x, err := Compile(tree.Node, f.scope)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			want := runExpr(t, f, tc.src)
			f.env.SetMember(f.env.M)
			got := x.Value(f.env)
			// expr-lang types a ?: of an int and a float as unknown and
			// returns either; Charter makes it a float.
			loose := tree.Node.Type().Kind() == reflect.Interface
			if !same(got, want, loose) {
				t.Errorf("got %#v (%s), expr-lang %#v", got, x.Type(), want)
			}
			if x.Const() != tc.konst {
				t.Errorf("Const() = %v, want %v", x.Const(), tc.konst)
			}
			// The same expression as lang/syntax parses it, without the
			// stdlib declared: now, len, abs, lower... are expr-lang
			// BuiltinNodes then.
			if bare, err := bareCheck(f, tc.src); err == nil {
				bx, err := Compile(bare.Node, f.scope)
				if err != nil {
					t.Fatalf("Compile of the builtin form: %v", err)
				}
				if got := bx.Value(f.env); !same(got, want, loose) {
					t.Errorf("builtin form: got %#v, expr-lang %#v", got, want)
				}
			}
		})
	}
}

// Every compiled expression runs without allocating, except those that
// build a string. A regexp reuses its matchers through a sync.Pool, which
// a garbage collection does not empty at once (it keeps a victim cache),
// so without -race the count is exact whatever the GC does.
func TestZeroAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("-race: sync.Pool drops regexp's matchers at random")
	}
	f := newFixture(t)
	for _, tc := range evalCases {
		if tc.alloc {
			continue
		}
		x := f.compile(t, tc.src)
		allocs := testing.AllocsPerRun(50, func() {
			f.env.SetMember(f.env.M) // role and badges are computed again
			evalTyped(x, f.env)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per run", tc.src, allocs)
		}
	}
}

// evalTyped runs the typed evaluator of x, which never boxes.
func evalTyped(x *Expr, e *Env) {
	switch rep(x.Type()) {
	case repBool:
		x.Bool(e)
	case repInt:
		x.Int(e)
	case repFloat:
		x.Float(e)
	case repString:
		x.String(e)
	default:
		x.List(e)
	}
}

// runExpr evaluates src with expr-lang's compiler and VM.
func runExpr(t *testing.T, f *fixture, src string) any {
	t.Helper()
	opts := append([]expr.Option{expr.Env(f.exprEnv)}, stdlib.ExprOptionsAt(at)...)
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		t.Fatalf("expr.Compile: %v", err)
	}
	out, err := expr.Run(prog, f.exprEnv)
	if err != nil {
		t.Fatalf("expr.Run: %v", err)
	}
	return out
}

// bareCheck parses and checks src with the configuration lang/syntax
// parses with: no stdlib declared.
func bareCheck(f *fixture, src string) (*parser.Tree, error) {
	cfg := conf.CreateNew()
	cfg.WithEnv(f.exprEnv)
	cfg.DisableIfOperator = true
	tree, err := parser.ParseWithConfig(src, cfg)
	if err != nil {
		return nil, err
	}
	_, err = checker.Check(tree, cfg)
	return tree, err
}

// same compares an evaluator result with expr-lang's, after bringing both
// to one representation; NaN equals NaN. With loose, an int equals the
// float of the same value.
func same(got, want any, loose bool) bool {
	got, want = normal(got), normal(want)
	if loose {
		if i, ok := want.(int64); ok {
			want = float64(i)
		}
		if i, ok := got.(int64); ok {
			got = float64(i)
		}
	}
	if isEmptySlice(got) && isEmptySlice(want) {
		return true // [] has no element type in expr-lang
	}
	if g, ok := got.(float64); ok {
		w, ok := want.(float64)
		return ok && (g == w || math.IsNaN(g) && math.IsNaN(w))
	}
	return reflect.DeepEqual(got, want)
}

func isEmptySlice(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Slice && rv.Len() == 0
}

func normal(v any) any {
	switch v := v.(type) {
	case int:
		return int64(v)
	case time.Time:
		return v.UTC()
	case []int:
		out := make([]int64, len(v))
		for i, x := range v {
			out[i] = int64(x)
		}
		return out
	case []time.Time:
		out := make([]time.Time, len(v))
		for i, x := range v {
			out[i] = x.UTC()
		}
		return out
	case []any:
		// A list literal: as Charter types it, ints and floats mixed
		// making a float list.
		out := make([]any, len(v))
		kinds := map[reflect.Kind]bool{}
		for i, x := range v {
			out[i] = normal(x)
			kinds[reflect.TypeOf(out[i]).Kind()] = true
		}
		switch {
		case len(kinds) == 1 && kinds[reflect.Int64]:
			xs := make([]int64, len(out))
			for i, x := range out {
				xs[i] = x.(int64)
			}
			return xs
		case len(kinds) == 1 && kinds[reflect.String]:
			xs := make([]string, len(out))
			for i, x := range out {
				xs[i] = x.(string)
			}
			return xs
		case len(kinds) == 1 && kinds[reflect.Bool]:
			xs := make([]bool, len(out))
			for i, x := range out {
				xs[i] = x.(bool)
			}
			return xs
		case kinds[reflect.Float64] && len(kinds) <= 2 && (len(kinds) == 1 || kinds[reflect.Int64]):
			xs := make([]float64, len(out))
			for i, x := range out {
				if n, ok := x.(int64); ok {
					xs[i] = float64(n)
				} else {
					xs[i] = x.(float64)
				}
			}
			return xs
		}
		return out
	}
	return v
}

// Division or remainder by zero and an index out of range record an error
// in Env.Err and carry on with a defined value; expr-lang fails where
// Charter's value differs from its own.
func TestEvaluationErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		src, node, msg string
		want           any
		exprFails      bool
	}{
		{"posts % saves", "posts % saves", "remainder of division by zero", int64(0), true},
		{"neg % (saves * 2)", "neg % (saves * 2)", "remainder of division by zero", int64(0), true},
		{"posts / saves", "posts / saves", "division by zero", math.Inf(1), false},
		{"-reputation / zero", "-reputation / zero", "division by zero", math.Inf(-1), false},
		{"tags[2]", "tags[2]", "list index out of range", "", true},
		{"scores[-4] + 1", "scores[-4]", "list index out of range", int64(1), true},
		{"tags[posts] == ''", "tags[posts]", "list index out of range", true, true},
	}
	for _, tt := range tests {
		x := f.compile(t, tt.src)
		f.env.Err = nil
		if got := x.Value(f.env); !same(got, tt.want, false) {
			t.Errorf("%s = %#v, want %#v", tt.src, got, tt.want)
		}
		var ce *Error
		if !errorAs(f.env.Err, &ce) || ce.Msg != tt.msg || ce.Node.String() != tt.node {
			t.Errorf("%s: Env.Err = %v, want %q at %s", tt.src, f.env.Err, tt.msg, tt.node)
		}
		if allocs := testing.AllocsPerRun(20, func() { f.env.Err = nil; evalTyped(x, f.env) }); allocs != 0 {
			t.Errorf("%s: recording the error allocates %v times", tt.src, allocs)
		}
		opts := append([]expr.Option{expr.Env(f.exprEnv)}, stdlib.ExprOptionsAt(at)...)
		prog, err := expr.Compile(tt.src, opts...)
		if err == nil {
			_, err = expr.Run(prog, f.exprEnv)
		}
		if (err != nil) != tt.exprFails {
			t.Errorf("%s: expr-lang's error %v; revisit the documented difference", tt.src, err)
		}
	}
	// The first error stays; Reset clears it.
	f.env.Err = nil
	f.compile(t, "tags[5] == '' && posts / saves > 1").Bool(f.env)
	if f.env.Err == nil || f.env.Err.(*Error).Msg != "list index out of range" {
		t.Errorf("Env.Err = %v, want the first error", f.env.Err)
	}
	f.env.Reset()
	if f.env.Err != nil {
		t.Error("Reset kept Err")
	}
}

// What expr-lang's checker accepts but the evaluator rejects, with a
// message that says why and the node at fault.
func TestCompileRejects(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		src, msg, node string
	}{
		{"window * 1.5", "a duration multiplies only by an int", "window * 1.5"},
		{"window * window", "a duration multiplies only by an int", "window * window"},
		{"1.5 * window > $1h", "multiplies only by an int", "1.5 * window"},
		{"name matches topic", "pattern of matches must be a constant", "topic"},
		{"name matches '(' + ''", "bad pattern", `"(" + ""`},
		{"[posts, comments] == [1, 2]", "must hold constants", "posts"},
		{"1..100000000 == [1]", "more than", "1..100000000"},
		{"posts..100 == [1]", "constant ends", "posts..100"},
		{"all(tags, # == 'go')", "unknown function all; expr-lang's list functions", "all(tags, # == \"go\")"},
		{"filter(tags, true) == tags", "unknown function filter", ""},
		{"7 / 0", "division by zero", "7 / 0"},
		{"posts / (1 - 1)", "division by zero", "posts / (1 - 1)"},
		{"posts % 0", "remainder of division by zero", "posts % 0"},
		{"[1, 2][5]", "list index out of range", "[1, 2][5]"},
		{"posts ?? 'x'", "different types", "posts ?? \"x\""},
		{"let x = 1; x", "let is not supported", ""},
		{"{'a': 1} == {'a': 1}", "maps are not supported", ""},
		{"last_seen.Year() > 2000", "methods are not supported", ""},
		{"tags[0:1] == tags", "slicing is not supported", ""},
		{"posts == nil", "nil is not a Charter value", "nil"},
		{"posts in [1, 'a']", "cannot compare int with string", `"a"`},
	}
	for _, tt := range tests {
		tree, err := f.check(tt.src)
		if err != nil {
			t.Errorf("%s: expr-lang's checker rejects it already: %v", tt.src, err)
			continue
		}
		_, err = Compile(tree.Node, f.scope)
		var ce *Error
		if err == nil || !errorAs(err, &ce) {
			t.Errorf("%s: Compile error %v, want an *Error", tt.src, err)
			continue
		}
		if !strings.Contains(ce.Msg, tt.msg) {
			t.Errorf("%s: error %q, want it to say %q", tt.src, ce.Msg, tt.msg)
		}
		if tt.node != "" && (ce.Node == nil || ce.Node.String() != tt.node) {
			t.Errorf("%s: error at %v, want at %s", tt.src, ce.Node, tt.node)
		}
	}
}

// Compile may be handed an expression no checker has seen: what Charter
// does not support is an *Error at the node, in the checker's words, and
// never a panic (several of these would fail a type assertion in node).
func TestCompileUncheckedUnsupported(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ src, node string }{
		{"x.y.z > 1", "x.y.z"},
		{"posts.f() > 1", "posts.f()"},
		{"$env.posts > 1", "$env.posts"},
		{"b'x' == b'x'", "b\"x\""},
		{"filter(tags, # > 1) == tags", "filter(tags, # > 1)"},
		{"upper(trimPrefix(name)) == ''", "trimPrefix(name)"},
		{"(let n = 1; n) == 1", ""},
		{"{'a': 1}.a == 1", ""},
		{"posts == nil", "nil"},
		{"tags[0:1] == tags", "tags[0:1]"},
	}
	funcs := funcNames()
	for _, tt := range tests {
		tree, err := parser.Parse(tt.src)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		want := check.Supported(tree.Node, funcs)
		if want == nil {
			t.Errorf("%s: check.Supported accepts it", tt.src)
			continue
		}
		_, err = Compile(tree.Node, f.scope)
		var ce *Error
		if !errorAs(err, &ce) {
			t.Errorf("%s: Compile error %v, want an *Error", tt.src, err)
			continue
		}
		if ce.Msg != want.Error() {
			t.Errorf("%s: Compile says %q, the checker %q", tt.src, ce.Msg, want)
		}
		if tt.node != "" && (ce.Node == nil || ce.Node.String() != tt.node) {
			t.Errorf("%s: error at %v, want at %s", tt.src, ce.Node, tt.node)
		}
	}
}

func errorAs(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func TestCompileNameErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ src, msg string }{
		{"postz > 1", "unknown name postz"},
		{"to.karma > 1", "unknown field to.karma"},
		{"dayz_since(last_seen)", "unknown function dayz_since; did you mean days_since?"},
		{"max(posts, 1)", "use greatest(a, b)"},
		{"count(introduced)", "goal aggregate"},
		{"days_since(posts)", "days_since cannot take (int); it takes days_since(t time) int"},
		{"posts + name", "invalid operation: int + string"},
		{"name > 1", "cannot order string and int"},
		{"-name", "needs a number"},
		{"!posts", "needs a bool"},
		{"posts && true", "needs bools"},
		{"posts ? 1 : 2", "must be a bool"},
		{"introduced ? 1 : 'a'", "different types"},
		{"last_seen + last_seen", "invalid operation: time + time"},
		{"posts % 1.5", "needs ints"},
		{"name contains 1", "needs strings"},
		{"tags == tags", "cannot compare"},
		{"name in scores", "cannot look for"},
		{"posts in name", "in needs a list"},
		{"posts[0]", "only lists can be indexed"},
		{"tags[1.5]", "a list index must be an int"},
	}
	parse := func(src string) *parser.Tree {
		tree, err := parser.ParseWithConfig(src, stdlib.NewConfig(nil))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		return tree
	}
	for _, tt := range tests {
		// Unchecked trees: Compile does its own type inference.
		_, err := Compile(parse(tt.src).Node, f.scope)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want it to say %q", tt.src, err, tt.msg)
		}
	}
}

// A scope that disagrees with the environment the checker used is caught.
func TestCompileCatchesTypeDisagreement(t *testing.T) {
	f := newFixture(t)
	tree, err := f.check("posts + 1")
	if err != nil {
		t.Fatal(err)
	}
	scope := Refs{"posts": {Kind: RefAttr, Type: typ(check.Float), Index: 0}} // the env says int
	if _, err := Compile(tree.Node, scope); err == nil || !strings.Contains(err.Error(), "internal") {
		t.Errorf("Compile error %v, want a type disagreement", err)
	}
}

func TestBadRefs(t *testing.T) {
	tree, err := parser.Parse("x")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []Ref{
		{Kind: RefAttr},
		{Kind: RefAttr, Type: typ(check.Float), Index: -1},
		{Kind: RefBadge, Type: typ(check.Int)},
		{Kind: RefGoal, Type: typ(check.Bool), Field: GoalValueField},
		{Kind: RefGoal, Type: typ(check.Float), Field: 9},
		{Kind: RefConst, Type: typ(check.Int), Const: "seven"},
		{Kind: RefMembers, Type: typ(check.Float)},
		{Kind: RefAgg, Type: typ(check.String)},
		{Kind: RefRole, Type: typ(check.String)},
		{Kind: 99, Type: typ(check.Int)},
	} {
		if _, err := Compile(tree.Node, Refs{"x": ref}); err == nil {
			t.Errorf("Compile accepted the reference %+v", ref)
		}
	}
}

// aggScope stands for the goals code: it compiles count(c) itself and
// hands the value over through Env.Aggs.
type aggScope struct {
	Refs
	args [][]string
}

func (s *aggScope) Call(name string, args []ast.Node) (Ref, bool, error) {
	switch name {
	case "count":
		s.args = append(s.args, []string{args[0].String()})
		return Ref{Kind: RefAgg, Type: typ(check.Int), Index: 0}, true, nil
	case "share":
		return Ref{Kind: RefAgg, Type: typ(check.Float), Index: 1}, true, nil
	case "avg":
		return Ref{}, false, errors.New("avg needs a number")
	}
	return Ref{}, false, nil
}

func TestCallScope(t *testing.T) {
	f := newFixture(t)
	s := &aggScope{Refs: f.scope}
	env := &Env{Aggs: []float64{3, 0.25}, Members: 12}
	tests := []struct {
		src  string
		want any
	}{
		{"count(opinion_leader) >= 2", true},
		{"count(opinion_leader) * 2", int64(6)},
		{"share(role >= creator) * members", 3.0},
		{"share(introduced) >= 0.4 || count(active) > 5", false},
		{"abs(-count(active))", int64(3)}, // stdlib calls still work
	}
	for _, tt := range tests {
		tree, err := parser.Parse(tt.src)
		if err != nil {
			t.Fatal(err)
		}
		x, err := Compile(tree.Node, s)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := x.Value(env); got != tt.want {
			t.Errorf("%s = %#v, want %#v", tt.src, got, tt.want)
		}
	}
	if len(s.args) == 0 || s.args[0][0] != "opinion_leader" {
		t.Errorf("Call saw the arguments %v", s.args)
	}
	tree, _ := parser.Parse("avg(posts) > 1")
	if _, err := Compile(tree.Node, s); err == nil || !strings.Contains(err.Error(), "avg needs a number") {
		t.Errorf("the scope's error was lost: %v", err)
	}
}

// A compiled expression is shared by goroutines, each with its own Env.
func TestConcurrentUse(t *testing.T) {
	f := newFixture(t)
	x := f.compile(t, "role >= creator && active && name matches '^A' && days_since(last_seen) > 30")
	done := make(chan bool)
	for range 4 {
		go func() {
			env := *f.env
			ok := true
			for range 200 {
				env.SetMember(env.M)
				ok = ok && x.Bool(&env)
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("a goroutine saw false")
		}
	}
}

// Whatever expr-lang parses, Compile reports an error or compiles
// something that evaluates without panicking.
func FuzzCompile(f *testing.F) {
	for _, tc := range evalCases {
		f.Add(tc.src)
	}
	fx := newFixture(f)
	cfg := stdlib.NewConfig(fx.exprEnv)
	f.Fuzz(func(t *testing.T, src string) {
		tree, err := parser.ParseWithConfig(src, cfg)
		if err != nil {
			return
		}
		if err := check.Supported(tree.Node, funcNames()); err != nil {
			return
		}
		_, _ = checker.Check(tree, cfg) // types the nodes when it can
		x, err := Compile(tree.Node, fx.scope)
		if err != nil {
			return
		}
		env := *fx.env
		evalTyped(x, &env)
		x.Value(&env)
	})
}

// Where both accept an expression, the evaluator and expr-lang's VM agree.
func FuzzAgainstExprLang(f *testing.F) {
	for _, tc := range evalCases {
		f.Add(tc.src)
	}
	fx := newFixture(f)
	opts := append([]expr.Option{expr.Env(fx.exprEnv)}, stdlib.ExprOptionsAt(at)...)
	cfg := stdlib.NewConfig(fx.exprEnv)
	f.Fuzz(func(t *testing.T, src string) {
		if strings.Contains(src, "..") || strings.Contains(src, "$") {
			return // expr-lang builds ranges in memory; $ names need declaring
		}
		tree, err := parser.ParseWithConfig(src, cfg)
		if err != nil {
			return
		}
		if _, err := checker.Check(tree, cfg); err != nil {
			return
		}
		x, err := Compile(tree.Node, fx.scope)
		if err != nil {
			return
		}
		prog, err := expr.Compile(src, opts...)
		if err != nil {
			return
		}
		want, err := expr.Run(prog, fx.exprEnv)
		if err != nil {
			return
		}
		env := *fx.env
		got := x.Value(&env)
		if !same(got, want, tree.Node.Type().Kind() == reflect.Interface) {
			t.Errorf("%s: got %#v, expr-lang %#v", src, got, want)
		}
	})
}

// TestWrongEvaluator checks that an evaluator of another type, shared by
// every expression of a type since they are made once, still names the
// expression's type when called by mistake.
func TestWrongEvaluator(t *testing.T) {
	for _, tc := range []struct {
		typ  check.Type
		call func(x *Expr)
		want string
	}{
		{check.Type{Kind: check.Bool}, func(x *Expr) { x.Int(nil) }, "eval: Int evaluator called on a bool expression"},
		{check.Type{Kind: check.List, Elem: check.String}, func(x *Expr) { x.Int(nil) }, "eval: Int evaluator called on a []string expression"},
		{check.Type{Kind: check.Int}, func(x *Expr) { x.Bool(nil) }, "eval: Bool evaluator called on a int expression"},
		{check.Type{Kind: check.Kind(99)}, func(x *Expr) { x.String(nil) }, "eval: String evaluator called on a"},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, tc.want) {
					t.Errorf("%v: panic %q, want %q", tc.typ, msg, tc.want)
				}
			}()
			tc.call(newExpr(tc.typ))
		}()
	}
}
