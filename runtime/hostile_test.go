package runtime_test

import (
	"io"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/charterlang/charter/internal/hostile"
	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

// TestHostileShapesBoundedWork parses, checks and compiles the worst
// shapes of issue 16 items 1 and 2 that SPEC §13's limits allow
// (lang/check's TestWideSchemaBoundedWork has more of item 2's), and
// prints their diagnostics, and bounds the work of each step by what it
// allocates: counts that, unlike time, do not depend on what else the
// machine runs (BENCHMARKS.md has the timings). Each child once re-checked
// and recompiled every rule it inherited, and each expression rebuilt its
// environment from every attribute: a chain of 1,000 children of a
// 5,000-rule community took 7 GB. Parsing is bounded by its number of
// allocations, about one per token and node, and a few hundred per
// expression in expr-lang's parser: participle, which parsed every file
// until descent took over the ones that parse, made 3.4 to 15 times as
// many (1.7 for the wide chain, where expr-lang's parse of 2,000-node
// expressions is most of it), so a file falling back to it fails here.
func TestHostileShapesBoundedWork(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and compiles megabytes of rules")
	}
	const mb = 1 << 20
	const k = 1000
	const perDiag = 1 << 10 // bytes allocated printing one diagnostic
	for _, tc := range []struct {
		name        string
		src         []byte
		parseAllocs uint64 // heap allocations by syntax.Parse
		limit       uint64 // bytes allocated by check and compile
		errs        int    // errors expected (near-miss names)
	}{
		{"chain of 190 children of 5,000 rules", hostile.Chain(5000, 190), 180 * k, 200 * mb, 0},
		{"star of 190 children of 5,000 rules", hostile.Star(5000, 190), 180 * k, 200 * mb, 0},
		{"chain of 180 children declaring names", hostile.ChainDeclaring(5000, 180), 190 * k, 350 * mb, 0},
		{"chain of 1,000 children of 40 rules of 2,000 nodes", hostile.WideChain(40, 1000), 190 * k, 200 * mb, 0},
		{"60,000 attributes, 9,000 rules", hostile.Attrs(60000, 9000, false), 580 * k, 500 * mb, 0},
		{"60,000 attributes, 9,000 rules, 13 children declaring names", hostile.AttrsChain(60000, 9000, 13), 580 * k, 500 * mb, 0},
		{"60,000 attributes, 9,000 near-miss names", hostile.Attrs(60000, 9000, true), 580 * k, 600 * mb, 9000},
		{"60,000 attributes, 3,000 actions with parameters of their own", hostile.Params(60000, 3000), 620 * k, 500 * mb, 0},
		// Its cost was CPU, not allocation: each rung looked up among all.
		{"a ladder of 95,000 rungs", hostile.Rungs(95000), 2140 * k, 400 * mb, 0},
		{"174,000 unused attributes", hostile.UnusedAttrs(174000), 1050 * k, 500 * mb, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after goruntime.MemStats
			goruntime.ReadMemStats(&before)
			f, ds := syntax.Parse("h.charter", tc.src)
			goruntime.ReadMemStats(&after)
			allocs := after.Mallocs - before.Mallocs
			t.Logf("parse made %d allocations, %d MB", allocs, (after.TotalAlloc-before.TotalAlloc)/mb)
			if allocs > tc.parseAllocs {
				t.Errorf("parse made %d allocations, over the bound of %d", allocs, tc.parseAllocs)
			}
			if ds.HasErrors() {
				t.Fatalf("parse: %v", ds[0])
			}
			goruntime.ReadMemStats(&before)
			cp, ds := check.Check([]*syntax.File{f}, lang.Stdlib())
			var prog *runtime.Program
			var err error
			if !ds.HasErrors() {
				prog, err = runtime.Compile(cp)
			}
			goruntime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("check and compile allocated %d MB", alloc/mb)
			if alloc > tc.limit {
				t.Errorf("check and compile allocated %d MB, over the bound of %d MB", alloc/mb, tc.limit/mb)
			}
			// Printing is linear in the diagnostics: the line of each is
			// found through an index, and the output written out as it grows.
			goruntime.ReadMemStats(&before)
			if err := diag.WriteText(io.Discard, ds, map[string][]byte{"h.charter": tc.src}); err != nil {
				t.Fatal(err)
			}
			goruntime.ReadMemStats(&after)
			printed := after.TotalAlloc - before.TotalAlloc
			t.Logf("printing %d diagnostics allocated %d MB", len(ds), printed/mb)
			if bound := uint64(len(ds))*perDiag + mb; printed > bound {
				t.Errorf("printing %d diagnostics allocated %d MB, over the bound of %d MB", len(ds), printed/mb, bound/mb)
			}
			if n := len(ds.Errors()); n != tc.errs {
				t.Fatalf("%d errors, want %d; the first: %v", n, tc.errs, ds.Errors())
			}
			if tc.errs > 0 {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The last child decides with what it inherited: post takes no
			// arguments and the root's rules (and the ladder) allow it to a member
			// with a = 1,000,000.
			last := prog.Communities()[len(prog.Communities())-1]
			if last.Checked().Attr("a") == nil {
				return
			}
			m, err := last.Member(map[string]any{"a": 1000000})
			if err != nil {
				t.Fatal(err)
			}
			d, err := last.Decide(m, "post", nil, time.Unix(0, 0))
			if err != nil || !d.Allowed {
				t.Errorf("%s: post decided %v, %v; want allowed", last.Name, d, err)
			}
		})
	}
}

// TestAdmitChildDeclaredFirst: a child declared before its parent is
// compiled after it and linked to it, so admission asks the parent too.
// Communities were compiled in the order of declaration, and such a child
// had no compiled parent: it admitted members its parent refuses.
func TestAdmitChildDeclaredFirst(t *testing.T) {
	prog, err := runtime.CompileSource("a.charter", []byte(`community Kid extends Mom {
  admit if posts > 1
}
community Mom extends Gran {
  admit if posts > 5
}
community Gran {
  member { posts: int }
  action post()
  may post
}
`))
	if err != nil {
		t.Fatal(err)
	}
	if names := []string{prog.Communities()[0].Name, prog.Communities()[2].Name}; names[0] != "Kid" || names[1] != "Gran" {
		t.Errorf("communities in the order %v, want the order of declaration", names)
	}
	kid := prog.Community("Kid")
	m, err := kid.Member(map[string]any{"posts": 3})
	if err != nil {
		t.Fatal(err)
	}
	if kid.Admit(m, time.Unix(0, 0)) {
		t.Error("Kid admitted a member with 3 posts; its parent Mom admits only more than 5")
	}
}
