package runtime_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const goalsSrc = `community G {
  member {
    f: float
    n: int
    b: bool
    joined: time
  }
  goal total "Sum" {
    measure sum(f)
    target >= 0
  }
  goal mean "Avg" {
    measure avg(n)
    target >= 0
  }
  goal huge "Sum of products that overflow" {
    measure sum(f * 1e300)
    target >= 0
  }
  goal lowest "Min, with infinities" {
    measure min(f * 1e300)
    target >= 0
  }
  goal highest "Max, with NaN from 0/0" {
    measure max(f / n)
    target >= 0
  }
  goal many "Count" {
    measure count(b) + share(b)
    target >= 0
  }
  goal old "Reads the time" {
    measure sum(days_since(joined)) + share(hours_since(joined) > 12)
    target >= 0
  }
}
`

func goalsClub(t testing.TB) *runtime.Community {
	t.Helper()
	p, err := runtime.CompileSource("g.charter", []byte(goalsSrc))
	if err != nil {
		t.Fatal(err)
	}
	return p.Community("G")
}

func randGoalAttrs(r *rand.Rand, at time.Time) map[string]any {
	var f float64
	switch r.IntN(6) {
	case 0:
		f = math.MaxFloat64 * (r.Float64()*2 - 1)
	case 1:
		f = 0
	case 2:
		f = math.Copysign(0, -1)
	case 3:
		f = 0.1 * float64(r.IntN(10))
	default:
		f = (r.Float64() - 0.5) * math.Pow(2, float64(r.IntN(120)-60))
	}
	return map[string]any{
		"f":      f,
		"n":      r.Int64N(7) - 3,
		"b":      r.IntN(2) == 0,
		"joined": at.Add(-time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))),
	}
}

// rescan is Goals over every member of st, read back one by one in ID
// order (another order than the state's).
func rescan(t *testing.T, c *runtime.Community, st *runtime.State, at time.Time) []runtime.GoalValue {
	var ms []*runtime.Member
	for _, id := range st.IDs() {
		m, ok := st.Member(id)
		if !ok {
			t.Fatalf("member %q listed but not found", id)
		}
		ms = append(ms, m)
	}
	return c.Goals(ms, at)
}

// TestLiveGoalsEqualRescan: SPEC §11.4's MUST, exactly. Random joins,
// leaves and updates with values whose float sums drift, overflow, or are
// infinite or NaN for a while; after each, the live goals equal a rescan
// of the members bit for bit, and so do a restored state's and
// GoalsParallel's.
func TestLiveGoalsEqualRescan(t *testing.T) {
	c := goalsClub(t)
	for seed := range uint64(10) {
		r := rand.New(rand.NewPCG(seed, 6))
		st := runtime.NewState(c)
		at := t0
		var ids []string
		next := 0
		for step := range 400 {
			if r.IntN(4) == 0 {
				at = at.Add(time.Duration(r.Int64N(int64(6 * time.Hour))))
			}
			switch op := r.IntN(10); {
			case op < 4 || len(ids) == 0:
				id := fmt.Sprint("m", next)
				next++
				if err := st.Join(id, member(t, c, randGoalAttrs(r, at))); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			case op < 6:
				i := r.IntN(len(ids))
				if err := st.Leave(ids[i]); err != nil {
					t.Fatal(err)
				}
				ids = append(ids[:i], ids[i+1:]...)
			default:
				if err := st.Update(ids[r.IntN(len(ids))], randGoalAttrs(r, at)); err != nil {
					t.Fatal(err)
				}
			}
			live, want := st.Goals(at), rescan(t, c, st, at)
			if g, w := goalBits(live), goalBits(want); g != w {
				t.Fatalf("seed %d step %d: live goals\n%s\nwant (rescan)\n%s", seed, step, g, w)
			}
			if step%40 == 39 {
				var ms []*runtime.Member
				for _, id := range st.IDs() {
					m, _ := st.Member(id)
					ms = append(ms, m)
				}
				if g, w := goalBits(c.GoalsParallel(ms, at, 3)), goalBits(want); g != w {
					t.Fatalf("seed %d step %d: GoalsParallel\n%s\nwant\n%s", seed, step, g, w)
				}
				back, err := runtime.Restore(c, st.Snapshot())
				if err != nil {
					t.Fatal(err)
				}
				if g, w := goalBits(back.Goals(at)), goalBits(want); g != w {
					t.Fatalf("seed %d step %d: restored goals\n%s\nwant\n%s", seed, step, g, w)
				}
			}
		}
	}
}

func goalBits(gs []runtime.GoalValue) string {
	s := ""
	for _, g := range gs {
		s += fmt.Sprintf("%s: value %v (%#x) met %v progress %v\n", g.Name, g.Value, math.Float64bits(g.Value), g.Met, g.Progress)
	}
	return s
}

// One infinite contribution made a sum NaN for good: removing it left
// Inf - Inf. Now the goal comes back when the member leaves.
func TestInfiniteContributionLeaves(t *testing.T) {
	c := goalsClub(t)
	st := runtime.NewState(c)
	for i, f := range []float64{1, 2, math.MaxFloat64} {
		if err := st.Join(fmt.Sprint("m", i), member(t, c, map[string]any{"f": f, "n": 1})); err != nil {
			t.Fatal(err)
		}
	}
	huge := func() float64 { return st.Goals(t0)[2].Value }
	if v := huge(); !math.IsInf(v, 1) {
		t.Fatalf("huge with MaxFloat64 * 1e300 = %v, want +Inf", v)
	}
	if err := st.Leave("m2"); err != nil {
		t.Fatal(err)
	}
	if v, want := huge(), 3e300; v != want {
		t.Errorf("huge after the infinite member left = %v, want %v", v, want)
	}
	// Float sums drift: 0.1 + 0.2 - 0.1 - 0.2 is not 0 in float64.
	st = runtime.NewState(c)
	for i, f := range []float64{0.1, 0.2} {
		if err := st.Join(fmt.Sprint("m", i), member(t, c, map[string]any{"f": f})); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		if err := st.Update(fmt.Sprint("m", i), map[string]any{"f": 0.0}); err != nil {
			t.Fatal(err)
		}
	}
	if v := st.Goals(t0)[0].Value; v != 0 {
		t.Errorf("total after 0.1 and 0.2 were updated to 0 = %v, want 0", v)
	}
}

const timeGoalsSrc = `community TG {
  member {
    joined: time
    last: time
    posts: int
    score: float
  }
  action ping()
  action post(to: member)
  may ping, post
  on ping { last = now() }
  on post { posts += 1; to.last = now(); score += 0.25 }
  badge fresh if days_since(joined) < 7
  goal fresh_share "Share of fresh members" {
    measure share(fresh)
    target >= 0.1
  }
  goal quiet "Quiet members" {
    measure count(now() - last > 36h && posts < 5)
    target <= 3
  }
  goal age "Total age" {
    measure sum(days_since(joined)) + avg(hours_since(last) / 24.0)
    target >= 0
  }
  goal oldest "Oldest" {
    measure max(days_since(joined)) - min(hours_since(last))
    target >= 0
  }
  goal mix "Mix" {
    measure sum(score - hours_since(joined) / 3)
    target >= 0
  }
}
`

// TestTimeGoalsEqualRescan: goals that read the time, kept incrementally
// as events come at new times, equal a rescan of the members at every
// step. Seeds 0, 3, 6 only go forward in time, so the state soon
// schedules the members and moves the goals by its heap; seeds 1, 4, 7
// also go back and ask ahead of the events, which rescans; seeds 2, 5 go
// forward for 150 steps, then back and forth, so that a scheduled state
// is asked about the past.
func TestTimeGoalsEqualRescan(t *testing.T) {
	p, err := runtime.CompileSource("tg.charter", []byte(timeGoalsSrc))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Community("TG")
	ctx := context.Background()
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 7))
		st := runtime.NewState(c, runtime.MaxSkew(-1))
		at := t0
		var ids []string
		next := 0
		attrs := func() map[string]any {
			return map[string]any{
				"joined": at.Add(-time.Duration(r.Int64N(int64(20 * 24 * time.Hour)))),
				"last":   at.Add(-time.Duration(r.Int64N(int64(4 * 24 * time.Hour)))),
				"posts":  r.IntN(8),
				"score":  float64(r.IntN(100)) / 8,
			}
		}
		for step := range 500 {
			wild := seed%3 == 1 || seed%3 == 2 && step >= 150
			switch r.IntN(12) {
			case 0:
				if !wild {
					break
				}
				at = at.Add(-time.Duration(r.Int64N(int64(48 * time.Hour))))
			case 1, 2, 3, 4:
				// Steps short enough, when not wild, that few members
				// change per step and the state keeps its heap; long
				// ones make it rescan instead.
				step := 30 * time.Hour
				if !wild {
					step = 5 * time.Minute
				}
				at = at.Add(time.Duration(r.Int64N(int64(step))))
			case 5:
				at = at.Add(time.Duration(r.Int64N(int64(time.Minute))))
			}
			switch op := r.IntN(10); {
			case op < 3 || len(ids) == 0:
				id := fmt.Sprint("m", next)
				next++
				if err := st.Join(id, member(t, c, attrs())); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			case op == 3:
				i := r.IntN(len(ids))
				if err := st.Leave(ids[i]); err != nil {
					t.Fatal(err)
				}
				ids = append(ids[:i], ids[i+1:]...)
			case op == 4:
				if err := st.Update(ids[r.IntN(len(ids))], attrs()); err != nil {
					t.Fatal(err)
				}
			case op < 7:
				if _, err := st.Apply(ctx, ids[r.IntN(len(ids))], "ping", nil, at); err != nil {
					t.Fatal(err)
				}
			default:
				args := runtime.Args{"to": ids[r.IntN(len(ids))]}
				if _, err := st.Apply(ctx, ids[r.IntN(len(ids))], "post", args, at); err != nil {
					t.Fatal(err)
				}
			}
			q := at
			if wild && r.IntN(3) == 0 {
				q = at.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour))))
			}
			live, want := st.Goals(q), rescan(t, c, st, q)
			if g, w := goalBits(live), goalBits(want); g != w {
				t.Fatalf("seed %d step %d at %s: live goals\n%s\nwant (rescan)\n%s", seed, step, q, g, w)
			}
		}
	}
}

// A contribution changes at an exact nanosecond; the state moves its
// goals across that instant exactly, once it keeps them by its heap.
func TestTimeGoalChangesAtItsInstant(t *testing.T) {
	src := `community E {
  member { joined: time }
  goal fresh "Fresh" {
    measure count(days_since(joined) < 1)
    target >= 1
  }
}
`
	p, err := runtime.CompileSource("e.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Community("E")
	st := runtime.NewState(c)
	if err := st.Join("a", member(t, c, map[string]any{"joined": t0})); err != nil {
		t.Fatal(err)
	}
	for i := range 100 { // questions at later times in a row: the state schedules
		st.Goals(t0.Add(time.Duration(i)))
	}
	for _, tc := range []struct {
		at   time.Time
		want float64
	}{
		{t0.Add(24*time.Hour - 1), 1},
		{t0.Add(24 * time.Hour), 0},
		{t0.Add(24*time.Hour - 1), 1}, // back: a scan of the past
		{t0.Add(48 * time.Hour), 0},
	} {
		if got := st.Goals(tc.at)[0].Value; got != tc.want {
			t.Errorf("fresh at %s = %v, want %v", tc.at.Format(time.RFC3339Nano), got, tc.want)
		}
	}
}
