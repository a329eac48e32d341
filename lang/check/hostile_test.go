package check_test

import (
	"runtime"
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
