package check_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/charterlang/charter/internal/hostile"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// checkAlloc parses and checks src and returns the diagnostics and the
// bytes the check allocated (parsing aside): a count of work that, unlike
// time, does not depend on what else the machine runs.
func checkAlloc(t *testing.T, src []byte) (diag.List, uint64) {
	t.Helper()
	f, ds := syntax.Parse("h.charter", src)
	if ds.HasErrors() {
		t.Fatalf("parse: %v", ds[0])
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, ds = check.Check([]*syntax.File{f}, testFuncs)
	runtime.ReadMemStats(&after)
	return ds, after.TotalAlloc - before.TotalAlloc
}

func codes(ds diag.List) map[diag.Code]int {
	n := map[diag.Code]int{}
	for _, d := range ds {
		n[d.Code]++
	}
	return n
}

// TestWideSchemaBoundedWork holds the shapes of issue 16 item 2 to bounded
// work: 60,000 attributes read by 9,000 rules, the same rules each naming a
// distinct unknown name one letter from an attribute's, and 3,000 actions
// with parameters of their own, each with a rule and an effect. Each
// expression once built its environment from every attribute (74 s, and 4
// minutes with the unknown names, whose did-you-mean searches met every
// attribute): tens of gigabytes allocated. The bounds here are a few times
// what the check allocates now.
func TestWideSchemaBoundedWork(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and checks megabytes of rules")
	}
	const mb = 1 << 20
	for _, tc := range []struct {
		name  string
		src   []byte
		limit uint64
		want  map[diag.Code]int
	}{
		{"attrs", hostile.Attrs(60000, 9000, false), 400 * mb, map[diag.Code]int{diag.UnusedAttr: 51000}},
		{"nearmiss", hostile.Attrs(60000, 9000, true), 400 * mb, map[diag.Code]int{diag.UnknownName: 9000, diag.UnusedAttr: 60000}},
		{"params", hostile.Params(60000, 3000), 400 * mb, map[diag.Code]int{diag.UnusedAttr: 57000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, alloc := checkAlloc(t, tc.src)
			got := codes(ds)
			for code, n := range tc.want {
				if got[code] != n {
					t.Errorf("%d diagnostics %s, want %d", got[code], code, n)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("diagnostics by code: %v, want %v", got, tc.want)
			}
			t.Logf("check allocated %d MB", alloc/mb)
			if alloc > tc.limit {
				t.Errorf("check allocated %d MB, over the bound of %d MB", alloc/mb, tc.limit/mb)
			}
			if tc.name == "nearmiss" {
				// The first searches run; the work bound ends them later.
				var first, last *diag.Diagnostic
				for i := range ds {
					if ds[i].Code == diag.UnknownName {
						if first == nil {
							first = &ds[i]
						}
						last = &ds[i]
					}
				}
				if first == nil || first.Suggestion != "did you mean a00000?" {
					t.Errorf("first unknown name %v, want one suggesting a00000", first)
				}
				if last == nil || last.Suggestion != "" {
					t.Errorf("last unknown name %v, want no suggestion: the search bound is spent", last)
				}
			}
		})
	}
}

// TestInheritedRecheckedWhereNamesChange: a child checks again only the
// inherited expressions that read a name it binds differently, and reports
// them as before; what it inherits unchanged is not reported again, and an
// attribute it redeclares counts as read by the inherited expressions that
// read it.
func TestInheritedRecheckedWhereNamesChange(t *testing.T) {
	_, ds := checkSrc(t, `community P {
  member {
    posts: int
    score: int
  }
  action post(n: int)
  may post if n > posts
  badge vip if score > 3
  must not post if vip
}
community C extends P {
  action post(m: int)
}
community D extends P {
  member {
    score: int
  }
}
community E extends D {}
`)
	var got []string
	for _, d := range ds {
		if d.Severity != diag.Info {
			got = append(got, fmt.Sprintf("%d:%d %s %s", d.Range.Start.Line, d.Range.Start.Column, d.Code, d.Message))
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "11:11 CH0104 may rule inherited from t.charter:7:15 does not check in C: unknown name n") {
		t.Errorf("diagnostics = %q, want only C's inherited rule reading n", got)
	}
}

// TestLayeredChildEnvironments holds what a child that declares a few
// names sees when its environments are layered on its parent's (the
// names it adds laid on the parent's for each expression): its own names
// with their types, in did-you-mean, in when and measure checks, in a
// member parameter's fields, two generations down, and a clash that makes
// the child build its environment whole.
func TestLayeredChildEnvironments(t *testing.T) {
	// Filler attributes make the parent's environments wide enough that
	// the children layer theirs on them rather than build them whole.
	var filler strings.Builder
	for i := range 100 {
		fmt.Fprintf(&filler, "    f%d: int\n", i)
	}
	root := `community Root {
  member {
    posts: int
    score: float
` + filler.String() + `  }
  action post(length: int)
  action tip(to: member, amount: int)
  roles {
    creator if posts >= 5
    onlooker otherwise
  }
  badge star if score > 10
  may post if length < 100 && role >= creator && star
}
`
	const kid = `community Kid extends Root {
  member {
    karma: int
  }
  badge shiny if karma > 3 && score > 1
  goal g { measure share(shiny); target >= 0.5 }
  RULE
}
community Grand extends Kid {
  member {
    stars: int
  }
  badge bright if stars > 1 && karma > 0
  goal karma2 { measure count(karma > 1); target >= 1 }
  may post if stars + karma + posts > 2 && bright && g.met
}
`
	var goals strings.Builder
	for i := range 14 {
		fmt.Fprintf(&goals, "goal h%d { measure count(karma > %d); target >= 1 }\n  ", i, i)
	}
	manyGoals := goals.String()
	for _, tc := range []struct {
		name, rule string
		code       diag.Code // zero: no error
		suggest    string
	}{
		// Fourteen goals make the rule context too many names to lay on
		// the parent's, so it is built whole from the layered member one.
		{"a context built whole over a layered one", manyGoals + "may post if karma > posts && shiny && h13.met", "", ""},
		{"own and inherited names", "may post if karma > posts && shiny && star && role >= creator", "", ""},
		{"own name's type", `may post if karma < "x"`, diag.TypeMismatch, ""},
		{"did you mean an own name", "may post if karmma > 1", diag.UnknownName, "karma"},
		{"own attribute in when", "when karma > 1 { nudge creator \"hi\" }", diag.BadWhen, ""},
		{"own attribute in a measure", "goal h { measure karma; target >= 0.5 }", diag.BadMeasure, ""},
		{"own attribute of a member parameter", "on tip { to.karma += amount }", "", ""},
		{"own attribute of a member parameter, wrong type", "on tip { to.karma += 0.5 }", diag.TypeMismatch, ""},
		{"own badge clashes with an inherited role", "may post if karma > 1\n  badge creator if karma > 1", diag.Duplicate, ""},
		{"own parameter clashes with an inherited attribute", "action vote(posts: int)", diag.Duplicate, ""},
		{"own parameter shares an inherited parameter's name", "action vote(amount: int)\n  may vote if amount > karma", "", ""},
		{"own badge is reserved", "badge members if karma > 1", diag.Reserved, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := checkSrc(t, root+strings.Replace(kid, "RULE", tc.rule, 1))
			errs := ds.Errors()
			if tc.code == "" {
				if len(errs) > 0 {
					t.Fatalf("want no error, got %v", errs)
				}
				return
			}
			for _, d := range errs {
				if d.Code == tc.code {
					if tc.suggest != "" && !strings.Contains(d.Suggestion, tc.suggest) {
						t.Errorf("suggestion %q, want one naming %s", d.Suggestion, tc.suggest)
					}
					return
				}
			}
			t.Errorf("no %s error; got %v", tc.code, errs)
		})
	}
}
