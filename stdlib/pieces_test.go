package stdlib_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/chartertest"
	"github.com/charterlang/charter/stdlib"
)

// TestPieces runs the tests of testdata/pieces.charter, which uses every
// standard piece.
func TestPieces(t *testing.T) {
	prog, err := runtime.CompileFiles("testdata/pieces.charter")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, c := range prog.Checked().Communities {
		for _, d := range c.Decl.Decls {
			if u, ok := d.(interface{ Name() string }); ok {
				used[strings.TrimPrefix(u.Name(), "std.")] = true
			}
		}
	}
	for _, name := range stdlib.PieceNames() {
		if !used[name] {
			t.Errorf("std.%s is not used by testdata/pieces.charter", name)
		}
	}
	for _, r := range chartertest.Run(prog) {
		if !r.Passed {
			t.Errorf("%v", r)
		}
	}
}

// TestTipsConservePoints: tips between members in a live state never
// change the total of points.
func TestTipsConservePoints(t *testing.T) {
	prog, err := runtime.CompileFiles("testdata/pieces.charter")
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Market")
	st := runtime.NewState(c)
	ids := []string{"a", "b", "c", "d"}
	for _, id := range ids {
		m, _ := c.Member(nil)
		if err := st.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	total := func() int64 {
		var sum int64
		for _, id := range ids {
			m, _ := st.Member(id)
			p, _ := c.Get(m, "points")
			sum += p.(int64)
		}
		return sum
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 200; i++ {
		from, to := ids[i%4], ids[(i*7+1)%4]
		if from == to {
			continue
		}
		if _, err := st.Apply(context.Background(), from, "tip", runtime.Args{"to": to, "amount": 1 + i%5}, at); err != nil {
			t.Fatal(err)
		}
		if got := total(); got != 40 {
			t.Fatalf("after tip %d the total is %d, want 40", i, got)
		}
	}
}

func TestPieceErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"community A { use std.dunbr }", "unknown standard piece std.dunbr"},
		{"community A { use dunbar }", "use names a standard piece as std.NAME"},
		{"community A { member { points: string }\n use std.exchange }", "attribute points is inherited from std.exchange as int and cannot change type to string"},
	} {
		ls, err := lang.Load(writeTemp(t, tc.src))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ls.Diags.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, ls.Diags, tc.want)
		}
	}
}

// TestDunbarStopsAtTheNumber: in a live state, the member who takes the
// group to 149 may still invite; once the 150th is in, nobody may, and the
// nudge reaches the stewards only. The goal stays met at 150 and is unmet
// at 151, which a host's own joins can reach.
func TestDunbarStopsAtTheNumber(t *testing.T) {
	prog, err := runtime.CompileFiles("testdata/pieces.charter")
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Group")
	st := runtime.NewState(c)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	join := func(id string, admin bool) {
		m, err := c.Member(map[string]any{"is_admin": admin})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	join("admin", true)
	for i := 1; i < 149; i++ {
		join(fmt.Sprint("m", i), false)
	}
	nudged := func(id string) bool {
		m, _ := st.Member(id)
		for _, msg := range c.Messages(m, at, st.Goals(at)) {
			if strings.HasPrefix(msg.Text, "The group has reached") {
				return true
			}
		}
		return false
	}
	for _, step := range []struct {
		members       int
		allowed, met  bool
		nudged, other bool
	}{{149, true, true, false, false}, {150, false, true, true, false}, {151, false, false, true, false}} {
		if st.Len() != step.members {
			t.Fatalf("%d members, want %d", st.Len(), step.members)
		}
		d, err := st.Decide("admin", "invite", runtime.Args{"guest": "x"}, at)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != step.allowed {
			t.Errorf("at %d members: invite allowed %v, want %v (%v)", step.members, d.Allowed, step.allowed, d.Reasons())
		}
		if g := st.Goals(at)[0]; g.Met != step.met {
			t.Errorf("at %d members: dunbar_stable met %v, want %v", step.members, g.Met, step.met)
		}
		if nudged("admin") != step.nudged || nudged("m1") != step.other {
			t.Errorf("at %d members: admin nudged %v, member nudged %v; want %v, %v", step.members, nudged("admin"), nudged("m1"), step.nudged, step.other)
		}
		join(fmt.Sprint("m", step.members), false)
	}
}
