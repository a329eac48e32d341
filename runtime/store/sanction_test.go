package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/store"
)

// sanctionSrc has a rule for each sanction the state carries out, and
// duties with sanctions for reviews (runtime's sanction tests' forum).
const sanctionSrc = `community Forum {
  member { posts: int }
  action post(links: int)
  action visit()
  action report()
  roles {
    regular if posts >= 10
    newcomer otherwise
  }
  may post, visit, report
  must not post if links > 5 because "Spam" else warn
  must not post if links > 5 && warnings >= 2 because "Third strike" else mute 1d
  must not post if links > 50 because "Flood" else remove 30d
  must visit 1 per 7d if role == regular because "Regulars visit weekly" else warn
  must report 1 per 1d if role == regular else mute 2h
  on post { posts += 1 }
  goal warned { measure count(warnings > 0); target <= 0 }
}
`

// forumStore opens a new bbolt store of sanctionSrc's Forum at path.
func forumStore(t *testing.T, opts ...store.Option) (c *runtime.Community, path string, d *store.State) {
	t.Helper()
	p, err := runtime.CompileSource("forum.charter", []byte(sanctionSrc))
	if err != nil {
		t.Fatal(err)
	}
	c = p.Community("Forum")
	path = filepath.Join(t.TempDir(), "f.db")
	if d, err = store.Open(context.Background(), c, path, opts...); err != nil {
		t.Fatal(err)
	}
	return c, path, d
}

// Sanctions a denial applies, reviews and lifts are events of the log:
// after a crash the reopened state holds them as the in-memory one does.
func TestBoltSanctions(t *testing.T) {
	c, path, d := forumStore(t)
	ctx := context.Background()
	mem := runtime.NewState(c)
	type both interface {
		Join(string, *runtime.Member) error
		Apply(context.Context, string, string, runtime.Args, time.Time) (runtime.Result, error)
		Review(context.Context, time.Time) (runtime.ReviewResult, error)
		Lift(string, string) error
	}
	steps := func(s both) []string {
		var out []string
		note := func(v ...any) { out = append(out, fmt.Sprint(v...)) }
		for _, id := range []string{"ann", "bob", "cy"} {
			m, _ := c.Member(map[string]any{"posts": 12})
			note(s.Join(id, m))
		}
		for i := range 4 {
			res, err := s.Apply(ctx, "ann", "post", runtime.Args{"links": 9}, t0.Add(time.Duration(i)*time.Minute))
			note(res.Applied, res.Seq, res.Sanctions, err)
		}
		res, err := s.Apply(ctx, "bob", "post", runtime.Args{"links": 99}, t0)
		note(res.Applied, res.Seq, res.Sanctions, err)
		rev, err := s.Review(ctx, t0.Add(9*24*time.Hour))
		note(rev.Sanctions, rev.Changes, rev.Seq, err)
		note(s.Lift("ann", "mute"))
		note(s.Lift("bob", "remove"))
		note(s.Lift("cy", "remove")) // cy was not removed: an error, no event
		return out
	}
	got, want := steps(d), steps(mem)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("durable:\n%v\nin memory:\n%v", got, want)
	}
	store.Abandon(d)
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sameState(t, c, d, mem)
	if d.Events() != mem.Events() {
		t.Errorf("events %d, want %d", d.Events(), mem.Events())
	}
}

// TestBoltForgetsLiftedMutes: a mute the state has forgotten (the latest
// event reached its end) is forgotten alike by a reopened store, from the
// log after a crash and from the snapshot after a compaction: the
// back-dated action it no longer denies replays as applied, the lift of it
// is refused and not logged, and the answers at a time inside it agree.
func TestBoltForgetsLiftedMutes(t *testing.T) {
	c, path, d := forumStore(t, store.CompactEvery(0))
	ctx := context.Background()
	mem := runtime.NewState(c)
	inside := t0.Add(12 * time.Hour)
	type both interface {
		Join(string, *runtime.Member) error
		Apply(context.Context, string, string, runtime.Args, time.Time) (runtime.Result, error)
		Lift(string, string) error
		Sanctions(string, time.Time) []runtime.Sanctioned
		Events() uint64
	}
	steps := func(s both) []string {
		var out []string
		note := func(v ...any) { out = append(out, fmt.Sprint(v...)) }
		for _, id := range []string{"ann", "bob"} {
			m, _ := c.Member(map[string]any{"warnings": 2})
			note(s.Join(id, m))
		}
		res, err := s.Apply(ctx, "ann", "post", runtime.Args{"links": 9}, t0) // muted for a day
		note(res.Seq, res.Sanctions, err)
		note(s.Sanctions("ann", inside))
		res, err = s.Apply(ctx, "bob", "visit", nil, t0.Add(25*time.Hour)) // past ann's mute
		note(res.Applied, res.Seq, err)
		note(s.Sanctions("ann", inside))
		note(s.Lift("ann", "mute"), s.Events())
		res, err = s.Apply(ctx, "ann", "visit", nil, inside)
		note(res.Applied, res.Seq, err)
		return out
	}
	got, want := steps(d), steps(mem)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("durable:\n%v\nin memory:\n%v", got, want)
	}
	check := func(d *store.State) {
		t.Helper()
		sameState(t, c, d, mem)
		if d.Events() != mem.Events() || len(d.Sanctions("ann", inside)) != 0 {
			t.Errorf("events %d, want %d; ann's sanctions %v", d.Events(), mem.Events(), d.Sanctions("ann", inside))
		}
	}
	store.Abandon(d) // the log replays
	var err error
	if d, err = store.Open(ctx, c, path, store.CompactEvery(0)); err != nil {
		t.Fatal(err)
	}
	check(d)
	if err := d.Compact(ctx); err != nil { // the snapshot restores
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if d, err = store.Open(ctx, c, path); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	check(d)
}

// A binary before mutes were forgotten (SPEC §11.5) logged the lift of a
// mute that had ended as an event; this one refuses such a lift
// (ErrNotHeld). Its log must still replay after a crash, each event
// counted, or the store would not open at all.
func TestBoltReplaysOldLiftOfEndedMute(t *testing.T) {
	c, path, d := forumStore(t, store.CompactEvery(0))
	ctx := context.Background()
	for _, id := range []string{"ann", "bob"} {
		m, _ := c.Member(map[string]any{"warnings": 2})
		if err := d.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := d.Apply(ctx, "ann", "post", runtime.Args{"links": 9}, t0); err != nil || len(res.Sanctions) == 0 {
		t.Fatalf("ann's spam: %v, %v; want a mute", res, err)
	}
	if _, err := d.Apply(ctx, "bob", "visit", nil, t0.Add(25*time.Hour)); err != nil { // past ann's mute
		t.Fatal(err)
	}
	if err := d.Lift("ann", "mute"); !errors.Is(err, runtime.ErrNotHeld) {
		t.Fatalf("lift of an ended mute: %v, want ErrNotHeld", err)
	}
	if err := store.LogRaw(d, []byte(`{"op":"lift","id":"ann","sanction":"mute"}`)); err != nil {
		t.Fatal(err)
	}
	store.Abandon(d)
	d, err := store.Open(ctx, c, path, store.CompactEvery(0))
	if err != nil {
		t.Fatalf("reopening a log with an old lift: %v", err)
	}
	defer d.Close()
	if d.Events() != 5 { // two joins, two applies, the old lift
		t.Errorf("events %d, want 5", d.Events())
	}
	if res, err := d.Apply(ctx, "ann", "visit", nil, t0.Add(26*time.Hour)); err != nil || !res.Applied || res.Seq != 6 {
		t.Errorf("ann's visit after the replay: %+v, %v", res, err)
	}
}
