package eval

import (
	"math"
	"regexp"
	"testing"
	"time"

	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/stdlib"
)

// at is the evaluation time of every test.
var at = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func typ(k check.Kind) check.Type    { return check.Type{Kind: k} }
func listOf(k check.Kind) check.Type { return check.Type{Kind: check.List, Elem: k} }

// binding is one name of the fixture: its Charter type and its value as
// expr-lang sees it.
type binding struct {
	name string
	typ  check.Type
	val  any
}

// The member of the fixture: a FanClub member who is a creator.
var memberAttrs = []binding{
	{"posts", typ(check.Int), 60},
	{"comments", typ(check.Int), 25},
	{"saves", typ(check.Int), 0},
	{"followers", typ(check.Int), 120},
	{"neg", typ(check.Int), -7},
	{"big", typ(check.Int), math.MaxInt64},
	{"reputation", typ(check.Float), 52.5},
	{"zero", typ(check.Float), 0.0},
	{"half", typ(check.Float), 0.5},
	{"introduced", typ(check.Bool), true},
	{"banned", typ(check.Bool), false},
	{"name", typ(check.String), "Ann"},
	{"topic", typ(check.String), "Go tips"},
	{"empty", typ(check.String), ""},
	{"last_seen", typ(check.Time), at.Add(-45*24*time.Hour - 3*time.Hour)},
	{"joined", typ(check.Time), at.Add(-400 * 24 * time.Hour)},
	{"window", typ(check.Duration), 36 * time.Hour},
	{"tags", listOf(check.String), []string{"go", "music"}},
	{"scores", listOf(check.Int), []int{3, 5, 8}},
	{"weights", listOf(check.Float), []float64{0.5, 1.5}},
	{"flags", listOf(check.Bool), []bool{true}},
	{"visits", listOf(check.Time), []time.Time{at.Add(-time.Hour), at.Add(-2 * time.Hour)}},
}

// The arguments of the action being decided: tip(to: member, amount: int)
// plus a few more types.
var argAttrs = []binding{
	{"amount", typ(check.Int), 7},
	{"length", typ(check.Int), 120},
	{"subject", typ(check.String), "hi"},
	{"urgent", typ(check.Bool), true},
}

// The ladder and the role constants, ranks as in check.RoleDef.
var roleRanks = []struct {
	name string
	rank int
	cond string
}{
	{"leader", 4, "posts >= 100 && followers >= 100"},
	{"creator", 3, "posts >= 5"},
	{"commenter", 2, "comments >= 20"},
	{"collector", 1, "saves >= 10"},
	{"onlooker", 0, ""},
}

var badgeConds = []struct{ name, cond string }{
	{"opinion_leader", "followers >= 500 && reputation >= 50"},
	{"active", "days_since(last_seen) < 60"},
}

// otherMember is `to`, the member a tip goes to, as expr-lang sees it.
type otherMember struct {
	Reputation float64 `expr:"reputation"`
	Name       string  `expr:"name"`
}

// goalState is a goal as expr-lang sees it.
type goalState struct {
	Value    float64 `expr:"value"`
	Target   float64 `expr:"target"`
	Met      bool    `expr:"met"`
	Progress float64 `expr:"progress"`
}

// fixture is one member, its arguments, the other member, goals and the
// scope that resolves them, in both expr-lang's form and the evaluator's.
type fixture struct {
	exprEnv map[string]any
	scope   Refs
	env     *Env
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{exprEnv: map[string]any{}, scope: Refs{}}
	f.env = &Env{At: at.UnixNano(), Members: 120}
	f.env.M = f.record(t, memberAttrs, RefAttr)
	f.env.Args = f.record(t, argAttrs, RefParam)
	other := f.record(t, []binding{{"reputation", typ(check.Float), 3.0}, {"name", typ(check.String), "Bob"}}, RefOther)
	f.env.Others = []*Record{other}
	f.exprEnv["to"] = otherMember{Reputation: 3, Name: "Bob"}

	goal := GoalValue{Value: 120, Target: 150, Met: true, Progress: 0.8}
	f.env.Goals = []GoalValue{goal}
	f.exprEnv["size"] = goalState(goal)
	f.scope["size.value"] = Ref{Kind: RefGoal, Type: typ(check.Float), Field: GoalValueField}
	f.scope["size.target"] = Ref{Kind: RefGoal, Type: typ(check.Float), Field: GoalTargetField}
	f.scope["size.met"] = Ref{Kind: RefGoal, Type: typ(check.Bool), Field: GoalMetField}
	f.scope["size.progress"] = Ref{Kind: RefGoal, Type: typ(check.Float), Field: GoalProgressField}
	f.scope["members"] = Ref{Kind: RefMembers, Type: typ(check.Int)}
	f.exprEnv["members"] = 120

	f.scope["role"] = Ref{Kind: RefRole, Type: typ(check.Role)}
	f.exprEnv["role"] = 3 // creator: posts >= 5
	for _, r := range roleRanks {
		f.scope[r.name] = Ref{Kind: RefConst, Type: typ(check.Role), Const: r.rank}
		f.exprEnv[r.name] = r.rank
	}
	for i, b := range badgeConds {
		f.scope[b.name] = Ref{Kind: RefBadge, Type: typ(check.Bool), Index: i}
	}
	f.exprEnv["opinion_leader"] = false
	f.exprEnv["active"] = true

	// The ladder and badges compile against the member's scope.
	d := &Derived{}
	for _, r := range roleRanks {
		rung := Rung{Rank: int64(r.rank)}
		if r.cond != "" {
			rung.Cond = f.compileRung(t, r.cond)
		}
		d.Ladder = append(d.Ladder, rung)
	}
	for _, b := range badgeConds {
		d.Badges = append(d.Badges, f.compile(t, b.cond))
	}
	d.Plan() // as the runtime does: BenchmarkClosures/RoleAtLeastFromLadder measures what it runs
	f.env.Derived = d
	return f
}

// record lays out bindings, fills a record and declares them.
func (f *fixture) record(t testing.TB, bs []binding, kind RefKind) *Record {
	t.Helper()
	names := make([]string, len(bs))
	types := make([]check.Type, len(bs))
	for i, b := range bs {
		names[i], types[i] = b.name, b.typ
	}
	l, err := NewLayout(names, types)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecord(l)
	for i, b := range bs {
		if err := l.Set(r, i, b.val); err != nil {
			t.Fatal(err)
		}
		ref := Ref{Kind: kind, Type: b.typ, Index: l.Slot(i).Index}
		if kind == RefOther {
			f.scope["to."+b.name] = ref
			continue
		}
		f.scope[b.name] = ref
		f.exprEnv[b.name] = b.val
	}
	return r
}

var durationLit = regexp.MustCompile(`\$[0-9_]+(ms|s|m|h|d|w)\b`)

// declareDurations adds the $7d identifiers of src to expr-lang's env, as
// the checker declares them.
func (f *fixture) declareDurations(src string) {
	for _, lit := range durationLit.FindAllString(src, -1) {
		d, ok := ParseDuration(lit[1:])
		if ok {
			f.exprEnv[lit] = time.Duration(d)
		}
	}
}

// check parses and type-checks src as Charter's checker does.
func (f *fixture) check(src string) (*parser.Tree, error) {
	f.declareDurations(src)
	cfg := stdlib.NewConfig(f.exprEnv)
	tree, err := parser.ParseWithConfig(src, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := checker.Check(tree, cfg); err != nil {
		return nil, err
	}
	return tree, nil
}

// compileRung is compile by CompileRung, for a rung of the ladder.
func (f *fixture) compileRung(t testing.TB, src string) *Expr {
	t.Helper()
	tree, err := f.check(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	x, err := CompileRung(tree.Node, f.scope)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return x
}

// compile checks and compiles src, failing the test on any error.
func (f *fixture) compile(t testing.TB, src string) *Expr {
	t.Helper()
	tree, err := f.check(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	x, err := Compile(tree.Node, f.scope)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return x
}
