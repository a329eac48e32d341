package runtime

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

const muteSrc = `community Chat {
  member { posts: int }
  action post(links: int)
  action visit()
  may post, visit
  must not post if links > 5 because "Spam" else mute 1h
  must visit 1 per 1d if posts >= 3 else mute 2h
  on post { posts += 1 }
}
`

func muteChat(t testing.TB) *Community {
	t.Helper()
	p, err := CompileSource("chat.charter", []byte(muteSrc))
	if err != nil {
		t.Fatal(err)
	}
	return p.Community("Chat")
}

func joinAll(t testing.TB, s *State, c *Community, n int) {
	t.Helper()
	for i := range n {
		m, err := c.Member(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Join(fmt.Sprintf("m%d", i), m); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMutesPruned: a long-running community keeps only the mutes that
// may still hold, not every mute ever given. Over 100 days 50 members a
// day are muted for an hour; without pruning the state would hold 5,000
// mutes at the end. Apply's sweeps keep at most sweepEvery events' worth
// of lifted ones, and a review drops them all.
func TestMutesPruned(t *testing.T) {
	c := muteChat(t)
	s := NewState(c)
	joinAll(t, s, c, 5000)
	ctx := context.Background()
	day0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	most := 0
	for d := range 100 {
		at := day0.Add(time.Duration(d) * 24 * time.Hour)
		for i := d * 50; i < d*50+50; i++ {
			if res, err := s.Apply(ctx, fmt.Sprintf("m%d", i), "post", Args{"links": 9}, at); err != nil || len(res.Sanctions) != 1 {
				t.Fatalf("day %d: m%d: %+v, %v", d, i, res, err)
			}
		}
		// Another member's visit moves the latest event time on.
		if _, err := s.Apply(ctx, "m4999", "visit", nil, at.Add(12*time.Hour)); err != nil {
			t.Fatal(err)
		}
		most = max(most, len(s.sanc.mutes))
	}
	if most > sweepEvery+50 {
		t.Errorf("the state held %d mutes at most; want at most %d", most, sweepEvery+50)
	}
	if _, err := s.Review(ctx, day0.Add(100*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := len(s.sanc.mutes); n != 0 {
		t.Errorf("after a review past every mute: %d mutes held", n)
	}
}

// TestMuteSweepsChangeNoAnswer: whether and when the state sweeps its
// lifted mutes changes no answer. Two states take the same random events
// (times mostly moving on, some dated back); one sweeps after every event,
// the other only when a review does; after each event both give the same
// decisions and sanctions at times around the latest one, the same lifts,
// and the same snapshot.
func TestMuteSweepsChangeNoAnswer(t *testing.T) {
	c := muteChat(t)
	eager, lazy := NewState(c), NewState(c)
	const n = 6
	joinAll(t, eager, c, n)
	joinAll(t, lazy, c, n)
	lazy.sanc.sweepAt = math.MaxUint64
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	fewer := 0 // steps after which the swept state held fewer mutes
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var log []string
	for step := range 2000 {
		at = at.Add(time.Duration(r.IntN(40)) * time.Minute)
		when := at
		if r.IntN(5) == 0 {
			when = at.Add(-time.Duration(r.IntN(180)) * time.Minute)
		}
		id := fmt.Sprintf("m%d", r.IntN(n))
		var op string
		run := func(s *State) string {
			switch k := r.IntN(10); {
			case k < 5:
				op = fmt.Sprintf("%s post at %s", id, when.Format(time.TimeOnly))
				res, err := s.Apply(ctx, id, "post", Args{"links": 3 + r.IntN(5)}, when)
				return fmt.Sprint(res.Applied, res.Decision.Reasons(), names(res.Sanctions), err)
			case k < 8:
				op = fmt.Sprintf("%s visit at %s", id, when.Format(time.TimeOnly))
				res, err := s.Apply(ctx, id, "visit", nil, when)
				return fmt.Sprint(res.Applied, res.Decision.Reasons(), err)
			case k < 9:
				op = "review at " + at.Format(time.TimeOnly)
				res, err := s.Review(ctx, at)
				return fmt.Sprint(names(res.Sanctions), err)
			default:
				op = "lift " + id
				return fmt.Sprint(s.Lift(id, "mute"))
			}
		}
		seed := r.Uint64()
		r = rand.New(rand.NewPCG(seed, 3))
		a := run(eager)
		r = rand.New(rand.NewPCG(seed, 3))
		b := run(lazy)
		log = append(log, op)
		eager.mu.Lock()
		eager.pruneMutes()
		eager.mu.Unlock()
		lazy.sanc.sweepAt = math.MaxUint64
		if len(eager.sanc.mutes) < len(lazy.sanc.mutes) {
			fewer++
		}
		if a != b {
			t.Fatalf("step %d: %s: swept %s, not swept %s\n%s", step, op, a, b, strings.Join(log, "\n"))
		}
		for i := range n {
			id := fmt.Sprintf("m%d", i)
			for _, back := range []time.Duration{0, time.Minute, 30 * time.Minute, 2 * time.Hour, 3 * time.Hour} {
				q := at.Add(-back)
				da, _ := eager.Decide(id, "visit", nil, q)
				db, _ := lazy.Decide(id, "visit", nil, q)
				sa, sb := names(eager.Sanctions(id, q)), names(lazy.Sanctions(id, q))
				if fmt.Sprint(da.Allowed, da.Reasons(), sa) != fmt.Sprint(db.Allowed, db.Reasons(), sb) {
					t.Fatalf("step %d: %s: %s at %s: swept %v %v, not swept %v %v", step, op, id, q, da, sa, db, sb)
				}
			}
		}
		ja, _ := eager.MarshalJSON()
		jb, _ := lazy.MarshalJSON()
		if string(ja) != string(jb) {
			t.Fatalf("step %d: %s: snapshots differ:\n%s\n%s", step, op, ja, jb)
		}
	}
	if fewer < 100 {
		t.Errorf("the swept state held fewer mutes after %d steps of 2000: the test compares little", fewer)
	}
}

func names(scs []Sanctioned) []string {
	var out []string
	for _, sc := range scs {
		out = append(out, sc.Member+":"+sc.Sanction.String())
	}
	return out
}
