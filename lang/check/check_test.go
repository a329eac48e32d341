package check_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// testFuncs declares the stdlib functions these tests use, so that package
// check is tested without importing stdlib.
var testFuncs = check.WithFunctions([]string{"days_since", "now"},
	expr.Function("days_since", nil, new(func(time.Time) int)),
	expr.Function("now", nil, new(func() time.Time)),
)

func checkSrc(t *testing.T, src string) (*check.Program, diag.List) {
	t.Helper()
	f, ds := syntax.Parse("t.charter", []byte(src))
	if len(ds) > 0 {
		t.Fatalf("parse: %v", ds)
	}
	return check.Check([]*syntax.File{f}, testFuncs)
}

func TestFanClubChecksClean(t *testing.T) {
	src, err := os.ReadFile("../../examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	prog, ds := checkSrc(t, string(src))
	for _, d := range ds {
		if d.Severity != diag.Info {
			t.Errorf("%v", d)
		}
	}
	club := prog.Community("FanClub")
	if club == nil {
		t.Fatal("no FanClub")
	}
	if got := len(club.Roles); got != 6 {
		t.Errorf("roles = %d, want 6", got)
	}
	if r := club.Role("leader"); r == nil || r.Rank != 5 {
		t.Errorf("leader rank = %+v, want 5", r)
	}
	if r := club.Role("onlooker"); r == nil || r.Rank != 0 || !r.Otherwise {
		t.Errorf("onlooker = %+v, want rank 0 otherwise", r)
	}
	if a := club.Attr("reputation"); a == nil || a.Default != 1.0 {
		t.Errorf("reputation default = %+v", a)
	}
	kinds := map[check.RuleKind]int{}
	for _, r := range club.Rules {
		kinds[r.Kind]++
	}
	want := map[check.RuleKind]int{check.May: 4, check.MustNot: 2, check.First: 1, check.Limit: 1, check.Duty: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%v rules = %d, want %d", k, kinds[k], n)
		}
	}
	wa := prog.Community("WritingAdvisors")
	if wa == nil || wa.Parent != club || wa.Admit == nil {
		t.Fatalf("WritingAdvisors not resolved: %+v", wa)
	}
	if g := wa.Goal("size"); g == nil || g.Title != "A close circle" || len(wa.Goals) != 3 {
		t.Errorf("size goal not overridden: %+v", wa.Goals)
	}
	if len(wa.Rules) != len(club.Rules) || len(wa.Attrs) != len(club.Attrs) {
		t.Errorf("rules or attributes not inherited")
	}
	var tip *check.Effect
	for _, e := range club.Effects {
		if e.Action.Name == "tip" {
			tip = e
		}
	}
	if tip == nil || len(tip.Assigns) != 2 || tip.Assigns[1].Param == nil || tip.Assigns[1].Param.Name != "to" {
		t.Errorf("tip effect = %+v", tip)
	}
}

const base = `community C {
  member {
    posts: int
    score: float
    name: string
    seen: time
  }
  action post(length: int)
  action tip(to: member, amount: int)
  roles {
    creator if posts >= 5
    onlooker otherwise
  }
  badge star if score > 10
  may post if length < 100 && role >= creator && star
  may tip
  on post { posts += 1; score += 0.5 }
  on tip { score -= amount; to.score += amount }
  goal g { measure share(star); target >= 0.5 }
  when !g.met { nudge creator "hi" }
}
`

func TestBaseIsClean(t *testing.T) {
	_, ds := checkSrc(t, base)
	for _, d := range ds {
		if d.Severity == diag.Error {
			t.Errorf("%v", d)
		}
	}
}

// TestErrors edits base and asserts the code and position of the finding.
func TestErrors(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string // replace old with new in base
		code      diag.Code
		line, col int
		suggest   string
	}{
		{"unknown type", "score: float", "score: flaot", diag.UnknownType, 4, 12, "float"},
		{"duplicate attr", "name: string", "posts: string", diag.Duplicate, 5, 5, ""},
		{"unknown action", "may tip\n", "may tipp\n", diag.UnknownAction, 16, 7, "tip"},
		{"unknown name", "role >= creator", "role >= creatr", diag.UnknownName, 15, 39, "creator"},
		{"param in role", "creator if posts >= 5", "creator if length", diag.UnknownName, 11, 16, ""},
		{"bad assign", "posts += 1;", "posts = \"x\";", diag.TypeMismatch, 17, 21, ""},
		{"otherwise not last", "    creator if posts >= 5\n    onlooker otherwise", "    onlooker otherwise\n    creator if posts >= 5", diag.BadOtherwise, 11, 5, ""},
		{"share needs bool", "share(star)", "share(posts)", diag.BadMeasure, 19, 26, ""},
		{"member in measure", "share(star)", "posts", diag.BadMeasure, 19, 20, ""},
		{"goal in role", "creator if posts >= 5", "creator if g.met", diag.UnknownName, 11, 16, ""},
		{"attr in when", "when !g.met", "when posts > 1", diag.BadWhen, 20, 8, ""},
		{"nudge unknown", "nudge creator", "nudge creater", diag.UnknownName, 20, 23, "creator"},
		{"assign param", "to.score += amount", "amount += 1", diag.BadEffect, 18, 29, ""},
		{"assign to non-member", "to.score += amount", "amount.score += 1", diag.BadEffect, 18, 29, ""},
		{"cond not bool", "may tip\n", "may tip if amount\n", diag.TypeMismatch, 16, 14, ""},
		{"reserved", "badge star", "badge members", diag.Reserved, 14, 9, ""},
		{"clash", "badge star if", "badge posts if", diag.Duplicate, 14, 9, ""},
		{"admit without parent", "may tip\n", "admit if true\n", diag.BadAdmit, 16, 3, ""},
		{"limit count", "may tip\n", "limit tip 0 per 1d\n", diag.BadCount, 16, 13, ""},
		{"mute needs duration", "may tip\n", "must not tip else mute\n", diag.BadSanction, 16, 21, ""},
		{"goal without target", "; target >= 0.5", "", diag.MissingPart, 19, 8, ""},
		{"non-constant default", "posts: int", "posts: int = score", diag.BadDefault, 3, 18, ""},
		{"default type", "posts: int", "posts: int = 1.5", diag.BadDefault, 3, 18, ""},
		{"test unknown role", "when !g.met", "test \"x\" { expect role nobody }\n  when !g.met", diag.BadTest, 20, 26, ""},
		{"test bad value", "when !g.met", "test \"x\" { given member { posts: \"a\" } }\n  when !g.met", diag.BadTest, 20, 36, ""},
		{"test missing arg", "when !g.met", "test \"x\" { expect allow post() }\n  when !g.met", diag.BadTest, 20, 27, ""},
		{"member arg undeclared", "when !g.met", "test \"x\" { do tip(to: \"bob\", amount: 1) }\n  when !g.met", diag.BadTest, 20, 25, ""},
		{"param across actions", "may tip\n", "may tip, post if amount > 1\n", diag.UnknownName, 16, 20, ""},
		{"duty sees no params", "may tip\n", "must post 1 per 1d if length > 1\n", diag.UnknownName, 16, 25, ""},
		{"type mismatch compare", "length < 100", "length < \"a\"", diag.TypeMismatch, 15, 22, ""},
		{"nested aggregate", "share(star)", "sum(count(star))", diag.BadMeasure, 19, 24, ""},
		{"target not constant", "target >= 0.5", "target >= members", diag.BadTarget, 19, 43, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("base has no %q", tc.old)
			}
			src := strings.Replace(base, tc.old, tc.new, 1)
			_, ds := checkSrc(t, src)
			for _, d := range ds {
				if d.Code == tc.code {
					if d.Range.Start.Line != tc.line || d.Range.Start.Column != tc.col {
						t.Errorf("%s at %d:%d, want %d:%d", d, d.Range.Start.Line, d.Range.Start.Column, tc.line, tc.col)
					}
					if tc.suggest != "" && !strings.Contains(d.Suggestion, tc.suggest) {
						t.Errorf("suggestion %q, want one naming %s", d.Suggestion, tc.suggest)
					}
					return
				}
			}
			t.Errorf("no %s diagnostic; got %v", tc.code, ds)
		})
	}
}

func TestExtends(t *testing.T) {
	src := `community A extends B { purpose "a" }
community B extends C { purpose "b" }
community C extends A { purpose "c" }
community D extends Nope { purpose "d" }
community A { purpose "again" }
`
	_, ds := checkSrc(t, src)
	var codes []string
	for _, d := range ds {
		codes = append(codes, string(d.Code)+" "+d.Message)
	}
	got := strings.Join(codes, "\n")
	for _, want := range []string{"A -> B -> C -> A", "extends Nope", "community A is already declared"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestLints(t *testing.T) {
	src := `community C {
  default allow
  member { posts: int; unused: int }
  action post()
  roles {
    a if true
    b if posts > 1
    c otherwise
  }
  may post
  must not post if 1 > 2
}
`
	_, ds := checkSrc(t, src)
	want := map[diag.Code]bool{diag.UnusedAttr: false, diag.UnreachableRole: false, diag.ConstCondition: false, diag.PointlessMay: false}
	for _, d := range ds {
		if d.Severity == diag.Error {
			t.Errorf("unexpected error %v", d)
		}
		if _, ok := want[d.Code]; ok {
			want[d.Code] = true
		}
	}
	for c, seen := range want {
		if !seen {
			t.Errorf("no %s warning in %v", c, ds)
		}
	}
}

// TestUnusedAttrCountsChildren: an attribute a child community reads is used.
func TestUnusedAttrCountsChildren(t *testing.T) {
	_, ds := checkSrc(t, `community P { member { a: int; b: int; c: int; d: int }; action x(); may x }
community C extends P { admit if a > 0; badge big if b > 1; on x { c += 1 } }
`)
	var unused []string
	for _, d := range ds {
		if d.Code == diag.UnusedAttr {
			unused = append(unused, d.Message)
		}
	}
	if len(unused) != 1 || !strings.Contains(unused[0], "attribute d ") {
		t.Errorf("unused = %q, want only d", unused)
	}
}

// TestInheritedExpressionsAreRechecked: a child that replaces the ladder
// an inherited rule reads is an error at the child, naming the rule.
func TestInheritedExpressionsAreRechecked(t *testing.T) {
	_, ds := checkSrc(t, `community P {
  member { posts: int }
  action invite()
  roles { creator if posts > 5; reader otherwise }
  may invite if role >= creator
}
community C extends P {
  roles { boss if posts > 50; pleb otherwise }
}
community Fine extends P {
  roles { creator if posts > 50; reader otherwise }
}
`)
	var errs []string
	for _, d := range ds.Errors() {
		errs = append(errs, fmt.Sprintf("%d:%d %s %s", d.Range.Start.Line, d.Range.Start.Column, d.Code, d.Message))
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "7:11 CH0104 may rule inherited from t.charter:5:17 does not check in C") {
		t.Errorf("errors = %q", errs)
	}
}

// TestRuleReason checks the reason of each rule kind when it decides each
// of its actions: the because text, or the sentence of SPEC.md §10.1.
func TestRuleReason(t *testing.T) {
	prog, diags := checkSrc(t, `community R {
  member { n: int }
  action hello()
  action post()
  action ping()
  may post, ping
  must not post if n > 3
  must not ping if n > 3 because "too many"
  first hello then post
  limit post 3 per 1d
  must post 1 per 7d
}
`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	c := prog.Community("R")
	var got []string
	for _, r := range c.Rules {
		for _, a := range r.Actions {
			got = append(got, r.Reason(a))
		}
	}
	want := []string{
		"may post", "may ping", "must not post", "too many",
		"first hello then post: hello not done yet", "limit post 3 per 1d reached", "must post 1 per 1w", // durations are written in their largest whole unit
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
}

// TestTextsShowEachCommunitysTargets: a text's {goal.target} is written
// with the goals of the community the text ends up in, so a child that
// redeclares the goal reads its own number and the parent keeps its own.
func TestTextsShowEachCommunitysTargets(t *testing.T) {
	prog, diags := checkSrc(t, `community P {
  action invite(guest: string)
  goal size { measure members; target <= 150 }
  may invite
  when size.value >= size.target {
    must not invite because "Full at {size.target} {braces} {a.b}"
    nudge "{size.target} reached"
  }
}

community C extends P {
  goal size { measure members; target <= 20.5 }
}

community D extends C {}
`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, tc := range []struct{ com, n string }{{"P", "150"}, {"C", "20.5"}, {"D", "20.5"}} {
		c := prog.Community(tc.com)
		var because string
		for _, r := range c.Rules {
			if r.Kind == check.MustNot {
				because = r.Because
			}
		}
		if want := "Full at " + tc.n + " {braces} {a.b}"; because != want {
			t.Errorf("%s: because %q, want %q", tc.com, because, want)
		}
		if got, want := c.Messages[0].Text, tc.n+" reached"; got != want {
			t.Errorf("%s: nudge %q, want %q", tc.com, got, want)
		}
	}
}

// A time compared with an RFC 3339 string (as a default or a test value
// writes a time) is a type error whose suggestion says how a condition
// reads a time; a string that is no time gets no suggestion.
func TestQuotedTimeSuggestion(t *testing.T) {
	for _, tc := range []struct{ cond, suggest string }{
		{`due < "2026-01-15T00:00:00Z"`, `"2026-01-15T00:00:00Z" is a string, and expressions have no time constants: compare the time with now()`},
		{`"2026-01-15T10:00:00+01:00" == due`, `"2026-01-15T10:00:00+01:00" is a string`},
		{`due < "soon"`, ""},
	} {
		src := "community A {\n  member { due: time }\n  action a()\n  may a if " + tc.cond + "\n}\n"
		_, ds := checkSrc(t, src)
		var found bool
		for _, d := range ds {
			if d.Code != diag.TypeMismatch {
				continue
			}
			found = true
			if tc.suggest == "" && d.Suggestion != "" || !strings.Contains(d.Suggestion, tc.suggest) {
				t.Errorf("%s: suggestion %q, want %q", tc.cond, d.Suggestion, tc.suggest)
			}
		}
		if !found {
			t.Errorf("%s: no CH0107 in %v", tc.cond, ds)
		}
	}
}

// A community whose parent is not in the load set is reported once, at
// its extends, and not checked further: its names come from the parent,
// and each would be one more error. A test file given without the file it
// tests is told what to give.
func TestUnknownParentOnce(t *testing.T) {
	body := " {\n  test \"t\" {\n    given member { posts: 1 }\n    do post()\n    expect role creator\n  }\n}\n"
	for _, tc := range []struct{ file, src, suggest string }{
		{"club_test.charter", "community ClubTests extends Club" + body,
			"if Club is declared in club.charter beside this test file, give both files or their directory"},
		{"a.charter", "community ClubTests extends Club" + body, ""},
		{"club_test.charter", "community Clubs {}\ncommunity ClubTests extends Club" + body, "did you mean Clubs?"},
		{"club_test.charter", "community ClubTests extends Club" + body + "community Deeper extends ClubTests {\n  may post\n}\n",
			"club.charter"},
	} {
		f, ds := syntax.Parse(tc.file, []byte(tc.src))
		if len(ds) > 0 {
			t.Fatalf("parse: %v", ds)
		}
		_, ds = check.Check([]*syntax.File{f}, testFuncs)
		if len(ds) != 1 || ds[0].Code != diag.UnknownParent {
			t.Errorf("%s: %v, want one CH0101", tc.file, ds)
			continue
		}
		if got := ds[0].Suggestion; tc.suggest == "" && got != "" || !strings.Contains(got, tc.suggest) {
			t.Errorf("%s: suggestion %q, want %q", tc.file, got, tc.suggest)
		}
	}
}
