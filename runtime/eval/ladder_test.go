package eval

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/charterlang/charter/lang/check"
)

// TestPlannedLadder checks that a planned ladder (Derived.Plan) gives the
// rank the rungs' closures give, over random members with values at the
// edges of each comparison, and that ladders outside the plannable form
// are left to the closures.
func TestPlannedLadder(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rungs   []string // highest first; "" is otherwise
		planned bool
	}{
		{"fanclub", []string{"posts >= 50 && followers >= 100", "posts >= 5", "comments >= 20", "saves >= 10", "posts + comments > 0", ""}, true},
		{"every operator", []string{"posts == 3", "posts != 7 && comments < 2", "saves <= -1", "followers > 10", "neg >= 0", ""}, true},
		{"constant on the left", []string{"3 < posts", "10 >= comments", ""}, true},
		{"edges of int64", []string{"posts < -9223372036854775807 - 1", "comments > 9223372036854775807", "saves <= 9223372036854775807 && neg >= -9223372036854775807 - 1", ""}, true},
		{"sum that overflows", []string{"big + posts < 0", "posts + comments == 0", ""}, true},
		{"floats and ints", []string{"reputation >= 50.5 && posts > 1", "zero != 0.5", "half < 0.25", "reputation == 2", "reputation > 1", "reputation <= -3", ""}, true},
		{"bools", []string{"introduced && banned", "banned", "introduced && posts > 2", ""}, true},
		{"durations", []string{"window > $24h", "window <= $1h", ""}, true},
		{"two attributes", []string{"posts > 5", "last_seen >= joined", ""}, false},
		{"constant rungs", []string{"false", "1 > 2 && posts > 0", "true", "posts > 0", ""}, true},
		{"no otherwise", []string{"posts > 5", "comments > 5"}, true},
		{"only otherwise", []string{""}, true},
		{"or", []string{"posts > 5 || comments > 5", ""}, false},
		{"not", []string{"!banned", ""}, false},
		{"arithmetic beyond a sum", []string{"posts - comments > 0", "posts * 2 > 10", ""}, false},
		{"time", []string{"days_since(last_seen) > 30", ""}, false},
		{"badge", []string{"opinion_leader", ""}, false},
		{"unplannable below a plannable rung", []string{"posts > 5", "name == \"Ann\"", ""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			closures := &Derived{Fallback: 1}
			for i, src := range tc.rungs {
				rung := Rung{Rank: int64(len(tc.rungs) + 1 - i)}
				if src != "" {
					rung.Cond = f.compileRung(t, src)
				}
				closures.Ladder = append(closures.Ladder, rung)
			}
			planned := &Derived{Fallback: closures.Fallback, Ladder: closures.Ladder}
			planned.Plan()
			// Demotions (SPEC §6.13) apply to the planned rank as to the
			// closures': a third of the members none, a third untimed, a
			// third until a time around the question's.
			demotions, until := f.scope["saves"].Index, f.scope["last_seen"].Index
			for _, d := range []*Derived{closures, planned} {
				d.Demotions, d.DemotedUntil = demotions, until
			}
			if _, ok := planned.RankOf(f.env.M, f.env.At); ok != tc.planned {
				t.Fatalf("planned = %v, want %v", ok, tc.planned)
			}
			r := rand.New(rand.NewPCG(3, 4))
			edges := []int64{0, 1, -1, 2, 3, 5, 7, 9, 10, 11, 20, 50, 100, math.MinInt64, math.MaxInt64, math.MinInt64 + 1, math.MaxInt64 - 1}
			fedges := []float64{0, 0.25, 0.5, 1, 2, -3, 50.5, 51, math.Inf(1), math.Inf(-1), math.Copysign(0, -1)}
			m := f.env.M
			for n := 0; n < 3000; n++ {
				for _, b := range memberAttrs {
					ref := f.scope[b.name]
					switch b.typ.Kind {
					case check.Int:
						v := edges[r.IntN(len(edges))]
						if r.IntN(3) == 0 {
							v = r.Int64N(200) - 100
						}
						m.I[ref.Index] = v
					case check.Float:
						m.F[ref.Index] = fedges[r.IntN(len(fedges))]
					case check.Bool:
						m.I[ref.Index] = int64(r.IntN(2))
					}
				}
				demote := n % 3
				for _, d := range []*Derived{closures, planned} {
					d.Demote, d.DemoteTimed = demote > 0, demote > 1
				}
				m.I[until] = f.env.At + int64(r.IntN(3)-1)
				e := &Env{M: m, At: f.env.At, Derived: closures}
				want := e.Role()
				pe := &Env{M: m, At: f.env.At, Derived: planned}
				if got := pe.Role(); got != want {
					t.Fatalf("member %d (ints %v, floats %v): planned rank %d, closures %d", n, m.I, m.F, got, want)
				}
				if got, ok := planned.RankOf(m, f.env.At); ok && got != want {
					t.Fatalf("member %d: RankOf %d, closures %d", n, got, want)
				}
			}
		})
	}
}
