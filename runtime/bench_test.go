package runtime_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/runtime"
)

// genMembers makes n FanClub members spread over every role and badge,
// deterministically.
func genMembers(b testing.TB, c *runtime.Community, n int) []*runtime.Member {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]*runtime.Member, n)
	for i := range out {
		m, err := c.Member(map[string]any{
			"posts":      r.IntN(60),
			"comments":   r.IntN(30),
			"saves":      r.IntN(15),
			"followers":  r.IntN(700),
			"reputation": float64(r.IntN(80)),
			"introduced": r.IntN(2) == 0,
			"last_seen":  t0.Add(-time.Duration(r.IntN(60*24)) * time.Hour),
		})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = m
	}
	return out
}

// BenchmarkDecideScratch is BenchmarkDecide through a Scratch the caller
// keeps, without the pool.
func BenchmarkDecideScratch(b *testing.B) {
	_, club := fanclub(b)
	m := member(b, club, map[string]any{"posts": 3, "reputation": 2.0, "@history": map[string]any{"introduce": []any{"2025-12-01T00:00:00Z"}}})
	k, err := club.Call("post", runtime.Args{"length": 120, "topic": "x"})
	if err != nil {
		b.Fatal(err)
	}
	s := club.NewScratch()
	if d := s.DecideCall(m, k, t0, nil); !d.Allowed {
		b.Fatalf("post denied: %v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.DecideCall(m, k, t0, nil)
	}
}

func BenchmarkDecide(b *testing.B) {
	_, club := fanclub(b)
	m := member(b, club, map[string]any{"posts": 3, "reputation": 2.0, "@history": map[string]any{"introduce": []any{"2025-12-01T00:00:00Z"}}})
	k, err := club.Call("post", runtime.Args{"length": 120, "topic": "x"})
	if err != nil {
		b.Fatal(err)
	}
	if d := club.DecideCall(m, k, t0, nil); !d.Allowed {
		b.Fatalf("post denied: %v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		club.DecideCall(m, k, t0, nil)
	}
}

// BenchmarkDecideArgs is the path README shows first: a new member from
// the host's struct and a decision on the action's name with its arguments
// in a map, nothing prepared (BenchmarkDecide is the prepared path).
func BenchmarkDecideArgs(b *testing.B) {
	_, club := fanclub(b)
	src := &fanRecord{Posts: 7, Comments: 3, Saves: 1, Followers: 40, Reputation: 2.5, Introduced: true, LastSeen: t0}
	b.ReportAllocs()
	for b.Loop() {
		m, err := club.MemberFromStruct(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := club.Decide(m, "post", runtime.Args{"length": 120, "topic": "x"}, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecideArgsParts times the parts of BenchmarkDecideArgs
// alone, to show where its time goes: the caller's Args map (built on the
// stack, as in the full path), MemberFromStruct, and Decide on a member
// already built; and the whole path with the member refilled, not new.
func BenchmarkDecideArgsParts(b *testing.B) {
	_, club := fanclub(b)
	src := &fanRecord{Posts: 7, Comments: 3, Saves: 1, Followers: 40, Reputation: 2.5, Introduced: true, LastSeen: t0}
	b.Run("args", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			argsLen(runtime.Args{"length": 120, "topic": "x"})
		}
	})
	b.Run("member", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := club.MemberFromStruct(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decide", func(b *testing.B) {
		m, err := club.MemberFromStruct(src)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := club.Decide(m, "post", runtime.Args{"length": 120, "topic": "x"}, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
	// refill is the whole path with the member kept and refilled
	// (FillFromStruct) instead of made anew: what a host that keeps one
	// member per goroutine pays, the Args map and the names as they are.
	b.Run("refill", func(b *testing.B) {
		m, err := club.MemberFromStruct(src)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := club.FillFromStruct(m, src); err != nil {
				b.Fatal(err)
			}
			if _, err := club.Decide(m, "post", runtime.Args{"length": 120, "topic": "x"}, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// argsLen keeps its map on the caller's stack, as Decide's does.
//
//go:noinline
func argsLen(a runtime.Args) int { return len(a) }

func BenchmarkDecideDenied(b *testing.B) {
	_, club := fanclub(b)
	m := member(b, club, nil)
	k, err := club.Call("post", runtime.Args{"length": 120, "topic": "x"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		club.DecideCall(m, k, t0, nil)
	}
}

func BenchmarkRole(b *testing.B) {
	_, club := fanclub(b)
	m := member(b, club, map[string]any{"comments": 3})
	b.ReportAllocs()
	for b.Loop() {
		club.Role(m, t0)
	}
}

func BenchmarkGoals1M(b *testing.B) {
	_, club := fanclub(b)
	ms := genMembers(b, club, 1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		club.Goals(ms, t0)
	}
}

func newState(b *testing.B, n int) (*runtime.State, *runtime.Community) {
	_, club := fanclub(b)
	st := runtime.NewState(club)
	for i, m := range genMembers(b, club, n) {
		if err := st.Join(fmt.Sprint("m", i), m); err != nil {
			b.Fatal(err)
		}
	}
	return st, club
}

// BenchmarkApply applies an allowed action with an effect and goals kept
// current.
func BenchmarkApply(b *testing.B) {
	st, _ := newState(b, 1000)
	ctx := context.Background()
	args := runtime.Args{"on": "p"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := st.Apply(ctx, "m7", "comment", args, t0.Add(time.Duration(i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkApplyCall applies a prepared call: no argument conversion.
func BenchmarkApplyCall(b *testing.B) {
	st, club := newState(b, 1000)
	ctx := context.Background()
	k, err := club.Call("comment", runtime.Args{"on": "p"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := st.ApplyCall(ctx, "m7", k, t0.Add(time.Duration(i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkGoalsIncremental compares keeping goals current with an event
// against recomputing them by a full scan, at 100,000 members.
func BenchmarkGoalsIncremental(b *testing.B) {
	const n = 100_000
	b.Run("apply", func(b *testing.B) {
		st, _ := newState(b, n)
		ctx := context.Background()
		args := runtime.Args{"on": "p"}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := st.Apply(ctx, "m7", "comment", args, t0); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("rescan", func(b *testing.B) {
		_, club := fanclub(b)
		ms := genMembers(b, club, n)
		b.ReportAllocs()
		for b.Loop() {
			club.Goals(ms, t0)
		}
	})
}

// BenchmarkGoals1MParallel scans 1,000,000 members in one part per core.
func BenchmarkGoals1MParallel(b *testing.B) {
	_, club := fanclub(b)
	ms := genMembers(b, club, 1_000_000)
	parts := goruntime.GOMAXPROCS(0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		club.GoalsParallel(ms, t0, parts)
	}
}

// BenchmarkStateMemory reports the heap bytes per member of a live state of
// 1,000,000 FanClub members, each with some history.
func BenchmarkStateMemory(b *testing.B) {
	_, club := fanclub(b)
	protos := genMembers(b, club, 1000)
	for b.Loop() {
		goruntime.GC()
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		st := runtime.NewState(club)
		ctx := context.Background()
		const n = 1_000_000
		for i := 0; i < n; i++ {
			id := fmt.Sprint("m", i)
			if err := st.Join(id, protos[i%len(protos)]); err != nil {
				b.Fatal(err)
			}
			if i%2 == 0 {
				if _, err := st.Apply(ctx, id, "introduce", nil, t0); err != nil {
					b.Fatal(err)
				}
			}
		}
		goruntime.GC()
		goruntime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/member")
		goruntime.KeepAlive(st)
	}
}

// BenchmarkCompile1000 compiles a checked community of 1,000 rules.
func BenchmarkCompile1000(b *testing.B) {
	var src strings.Builder
	src.WriteString("community Big {\n  member { posts: int; score: float; banned: bool }\n")
	for a := 0; a < 20; a++ {
		fmt.Fprintf(&src, "  action act%d(size: int)\n", a)
	}
	src.WriteString("  roles {\n    lead if posts >= 50\n    maker if posts >= 5\n    guest otherwise\n  }\n")
	for i := 0; i < 1000; i++ {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&src, "  may act%d if role >= maker && size < %d\n", i%20, i)
		case 1:
			fmt.Fprintf(&src, "  must not act%d if banned || score > %d.5\n", i%20, i)
		default:
			fmt.Fprintf(&src, "  limit act%d %d per 1d if role <= maker\n", i%20, 1+i%4)
		}
	}
	src.WriteString("}\n")
	ls := lang.LoadSources(map[string][]byte{"big.charter": []byte(src.String())})
	if ls.Diags.HasErrors() {
		b.Fatal(ls.Diags)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := runtime.Compile(ls.Program); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecideParallel decides from every core at once: with -cpu 1,2
// the time per decision falls with the cores, since the read path takes no
// shared lock (each goroutine has its own member and prepared call).
func BenchmarkDecideParallel(b *testing.B) {
	_, club := fanclub(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		m := member(b, club, map[string]any{"posts": 3, "reputation": 2.0, "@history": map[string]any{"introduce": []any{"2025-12-01T00:00:00Z"}}})
		k, err := club.Call("post", runtime.Args{"length": 120, "topic": "x"})
		if err != nil {
			b.Error(err)
			return
		}
		for pb.Next() {
			club.DecideCall(m, k, t0, nil)
		}
	})
}

// BenchmarkRoleParallel computes roles from every core at once.
func BenchmarkRoleParallel(b *testing.B) {
	_, club := fanclub(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		m := member(b, club, map[string]any{"comments": 3})
		for pb.Next() {
			club.Role(m, t0)
		}
	})
}

// BenchmarkApplyParallel applies from every core at once to one state.
// Events are serialised by the state's lock, so this shows the cost of
// contention rather than a speed-up.
func BenchmarkApplyParallel(b *testing.B) {
	st, club := newState(b, 1000)
	k, err := club.Call("comment", runtime.Args{"on": "p"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprint("m", n.Add(1))
		for pb.Next() {
			if _, err := st.ApplyCall(ctx, id, k, t0); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// fanRecord is a host's struct with every FanClub attribute.
type fanRecord struct {
	Posts      int       `charter:"posts"`
	Comments   int       `charter:"comments"`
	Saves      int       `charter:"saves"`
	Followers  int       `charter:"followers"`
	Reputation float64   `charter:"reputation"`
	Introduced bool      `charter:"introduced"`
	LastSeen   time.Time `charter:"last_seen"`
}

// BenchmarkFillFromStruct refills a reused member from a host struct that
// binds every attribute (one of them a time.Time, which converts).
func BenchmarkFillFromStruct(b *testing.B) {
	_, club := fanclub(b)
	m := member(b, club, nil)
	src := &fanRecord{Posts: 7, Comments: 3, Saves: 1, Followers: 40, Reputation: 2.5, Introduced: true, LastSeen: t0}
	b.ReportAllocs()
	for b.Loop() {
		if err := club.FillFromStruct(m, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyTimeGoal applies an action, each at a new time, to a state
// of 100,000 members whose goals read the time. "incremental": the goals'
// arguments are monotone in the time, so only the members whose
// contributions change by the new time are evaluated again (timegoals.go);
// "rescan": an argument that is not monotone (a weekday test), so every new
// time rescans every member, as every time-reading goal did before.
func BenchmarkApplyTimeGoal(b *testing.B) {
	for _, bc := range []struct{ name, measure string }{
		{"incremental", "share(now() - last_seen < 7d) + count(days_since(joined) < 30)"},
		{"rescan", "share(now() - last_seen < 7d) + count(days_since(joined) % 7 == 0)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			src := `community Timed {
  member { joined: time; last_seen: time; posts: int }
  action post()
  may post
  on post { posts += 1; last_seen = now() }
  goal active "Active members" {
    measure ` + bc.measure + `
    target >= 0.5
  }
}
`
			p, err := runtime.CompileSource("timed.charter", []byte(src))
			if err != nil {
				b.Fatal(err)
			}
			c := p.Community("Timed")
			st := runtime.NewState(c)
			const n = 100_000
			r := rand.New(rand.NewPCG(1, 2))
			ids := make([]string, n)
			for i := range n {
				ids[i] = fmt.Sprint("m", i)
				m, err := c.Member(map[string]any{
					"joined":    t0.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour)))),
					"last_seen": t0.Add(-time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))),
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := st.Join(ids[i], m); err != nil {
					b.Fatal(err)
				}
			}
			// Questions at later and later times make the state schedule
			// its members; that cost is paid once, before the timer.
			at := t0
			for range 100 {
				at = at.Add(time.Second)
				st.Goals(at)
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				at = at.Add(time.Second)
				if _, err := st.Apply(ctx, ids[i%n], "post", nil, at); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
