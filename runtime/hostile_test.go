package runtime_test

import (
	goruntime "runtime"
	"testing"
	"time"

	"github.com/charterlang/charter/internal/hostile"
	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

// TestHostileShapesBoundedWork checks and compiles the worst shapes of
// issue 16 items 1 and 2 that SPEC §13's limits allow (lang/check's
// TestWideSchemaBoundedWork has more of item 2's), and bounds the
// bytes allocated doing it: a count of work that, unlike time, does not
// depend on what else the machine runs (BENCHMARKS.md has the timings).
// Each child once re-checked and recompiled every rule it inherited, and
// each expression rebuilt its environment from every attribute: a chain
// of 1,000 children of a 5,000-rule community took 7 GB.
func TestHostileShapesBoundedWork(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and compiles megabytes of rules")
	}
	const mb = 1 << 20
	for _, tc := range []struct {
		name  string
		src   []byte
		limit uint64 // bytes allocated by check and compile
		errs  int    // errors expected (near-miss names)
	}{
		{"chain of 190 children of 5,000 rules", hostile.Chain(5000, 190), 200 * mb, 0},
		{"star of 190 children of 5,000 rules", hostile.Star(5000, 190), 200 * mb, 0},
		{"chain of 180 children declaring names", hostile.ChainDeclaring(5000, 180), 350 * mb, 0},
		{"chain of 1,000 children of 40 rules of 2,000 nodes", hostile.WideChain(40, 1000), 200 * mb, 0},
		{"60,000 attributes, 9,000 rules", hostile.Attrs(60000, 9000, false), 500 * mb, 0},
		{"60,000 attributes, 9,000 rules, 13 children declaring names", hostile.AttrsChain(60000, 9000, 13), 500 * mb, 0},
		{"60,000 attributes, 9,000 near-miss names", hostile.Attrs(60000, 9000, true), 600 * mb, 9000},
		// Its cost was CPU, not allocation: each rung looked up among all.
		{"a ladder of 50,000 rungs", hostile.Rungs(50000), 300 * mb, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ds := syntax.Parse("h.charter", tc.src)
			if ds.HasErrors() {
				t.Fatalf("parse: %v", ds[0])
			}
			var before, after goruntime.MemStats
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
