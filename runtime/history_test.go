package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const historySrc = `community H {
  member { posts: int }
  action introduce()
  action post()
  may introduce, post
  first introduce then post
  limit post 1 per 1d
  must post 1 per 7d
}
`

func historyClub(t testing.TB) *runtime.Community {
	t.Helper()
	p, err := runtime.CompileSource("h.charter", []byte(historySrc))
	if err != nil {
		t.Fatal(err)
	}
	return p.Community("H")
}

var farFuture = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// One action dated in the far future used to hold the only kept time of
// `limit post 1 per 1d` for good: every later post was older than it, so
// dropped, and the limit never triggered again.
func TestFarFutureApplyIsRefused(t *testing.T) {
	c := historyClub(t)
	st := runtime.NewState(c)
	ctx := context.Background()
	if err := st.Join("a", member(t, c, nil)); err != nil {
		t.Fatal(err)
	}
	mustApply(t, st, "a", "introduce", t0)
	_, err := st.Apply(ctx, "a", "post", nil, farFuture)
	if !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Fatalf("apply in year 3000: err = %v, want ErrTooFarAhead", err)
	}
	if !strings.Contains(err.Error(), "2200-01-01T00:00:00Z is more than 366d after the latest event time 2026-01-01T12:00:00Z") {
		t.Errorf("error %q does not say what was wrong", err)
	}
	if st.Events() != 2 { // the join and the introduction
		t.Errorf("refused apply changed the state: %d events", st.Events())
	}
	day2 := t0.Add(20 * time.Hour)
	if res := mustApply(t, st, "a", "post", day2); !res.Applied {
		t.Fatalf("first post of the day denied: %v", res.Decision)
	}
	if res := mustApply(t, st, "a", "post", day2.Add(time.Hour)); res.Applied {
		t.Error("second post of the day allowed: the limit does not trigger")
	}
}

func TestSkewBoundsAndClock(t *testing.T) {
	c := historyClub(t)
	ctx := context.Background()
	fresh := func(opts ...runtime.StateOption) *runtime.State {
		st := runtime.NewState(c, opts...)
		if err := st.Join("a", member(t, c, nil)); err != nil {
			t.Fatal(err)
		}
		return st
	}
	// Without a clock: within the gap of the latest event, accepted; one ns
	// past it, refused.
	st := fresh()
	mustApply(t, st, "a", "introduce", t0)
	if _, err := st.Apply(ctx, "a", "post", nil, t0.Add(runtime.DefaultMaxGap)); err != nil {
		t.Errorf("apply at exactly the gap: %v", err)
	}
	if _, err := st.Apply(ctx, "a", "introduce", nil, t0.Add(2*runtime.DefaultMaxGap+time.Nanosecond)); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Errorf("apply one ns past the gap after the latest event: err = %v", err)
	}
	// With a clock: within the skew of the clock, accepted; past it, refused.
	clockAt := t0
	st = fresh(runtime.Clock(func() time.Time { return clockAt }))
	if _, err := st.Apply(ctx, "a", "post", nil, t0.Add(runtime.DefaultMaxSkew)); err != nil {
		t.Errorf("apply at exactly the skew of the clock: %v", err)
	}
	if _, err := st.Apply(ctx, "a", "introduce", nil, t0.Add(runtime.DefaultMaxSkew+time.Nanosecond)); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Errorf("apply one ns past the skew of the clock: err = %v", err)
	}
	// A clock is the reference from the first event on, and does not move
	// with the events.
	now := t0
	st = fresh(runtime.Clock(func() time.Time { return now }))
	if _, err := st.Apply(ctx, "a", "introduce", nil, farFuture); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Errorf("first apply in year 3000 with a clock: err = %v", err)
	}
	now = t0.Add(30 * 24 * time.Hour) // a quiet month: the clock moved on
	if _, err := st.Apply(ctx, "a", "introduce", nil, now); err != nil {
		t.Errorf("apply after a quiet month with a clock: %v", err)
	}
	// Without a clock, a quiet month is within the default gap, but not
	// within a day's skew the host asks for.
	st = fresh()
	mustApply(t, st, "a", "introduce", t0)
	if _, err := st.Apply(ctx, "a", "introduce", nil, now); err != nil {
		t.Errorf("apply a month after the latest event without a clock: %v", err)
	}
	st = fresh(runtime.MaxSkew(runtime.DefaultMaxSkew))
	mustApply(t, st, "a", "introduce", t0)
	if _, err := st.Apply(ctx, "a", "introduce", nil, now); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Errorf("apply a month after the latest event with a day's skew: err = %v", err)
	}
	st = fresh(runtime.MaxSkew(-1))
	mustApply(t, st, "a", "introduce", t0)
	if _, err := st.Apply(ctx, "a", "introduce", nil, farFuture); err != nil {
		t.Errorf("apply with the check off: %v", err)
	}
	st = fresh(runtime.MaxSkew(time.Hour))
	mustApply(t, st, "a", "introduce", t0)
	if _, err := st.Apply(ctx, "a", "introduce", nil, t0.Add(2*time.Hour)); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Errorf("apply 2h ahead with a 1h skew: err = %v", err)
	}
}

// A history given at join is checked as Apply's times are, and its times
// count as events the state has seen.
func TestJoinHistoryIsChecked(t *testing.T) {
	c := historyClub(t)
	st := runtime.NewState(c)
	if err := st.Join("a", member(t, c, map[string]any{runtime.HistoryKey: map[string]any{"post": []any{t0}}})); err != nil {
		t.Fatal(err)
	}
	far := member(t, c, map[string]any{runtime.HistoryKey: map[string]any{"introduce": []any{farFuture.Format(time.RFC3339)}}})
	if err := st.Join("b", far); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Fatalf("join with a year-3000 history: err = %v", err)
	}
	if st.Len() != 1 {
		t.Errorf("refused join added a member: %d members", st.Len())
	}
	near := member(t, c, map[string]any{runtime.HistoryKey: map[string]any{"introduce": []any{t0.Add(time.Hour)}}})
	if err := st.Join("c", near); err != nil {
		t.Fatalf("join with a history an hour after the latest event: %v", err)
	}
	st = runtime.NewState(c, runtime.Clock(func() time.Time { return t0 }))
	if err := st.Join("b", far); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Errorf("first join with a year-3000 history, with a clock: err = %v", err)
	}
}

// Takings dated after the question's time do not count: not for `first`,
// not for limits, not for duties.
func TestLaterTakingsDoNotCount(t *testing.T) {
	c := historyClub(t)
	st := runtime.NewState(c)
	if err := st.Join("a", member(t, c, nil)); err != nil {
		t.Fatal(err)
	}
	mustApply(t, st, "a", "post", t0.Add(-time.Hour)) // denied: not introduced; sets no time
	mustApply(t, st, "a", "introduce", t0.Add(20*time.Hour))
	d, err := st.Decide("a", "post", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed {
		t.Error("post at t0 allowed by an introduction 20h later")
	}
	d, _ = st.Decide("a", "post", nil, t0.Add(21*time.Hour))
	if !d.Allowed {
		t.Errorf("post after the introduction denied: %v", d)
	}
	// The earliest time survives a snapshot, in Go and in JSON.
	data, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"first":"2026-01-02T08:00:00Z"`) {
		t.Errorf("snapshot lacks the earliest time: %s", data)
	}
	snap, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	back, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := back.Decide("a", "post", nil, t0); d.Allowed {
		t.Error("after restore, post at t0 allowed by an introduction 20h later")
	}
	// Stateless questions read the history the host gives the same way.
	m := member(t, c, map[string]any{runtime.HistoryKey: map[string]any{
		"introduce": []any{t0.Add(time.Hour)}, "post": []any{t0.Add(time.Hour)},
	}})
	if d, _ := c.Decide(m, "post", nil, t0); d.Allowed {
		t.Error("stateless: post at t0 allowed by a later introduction")
	}
	if duties := c.Duties(m, t0); len(duties) != 1 || duties[0].Done != 0 {
		t.Errorf("duties at t0 with a post an hour later = %+v, want post unmet, 0 done", duties)
	}
	if d, _ := c.Decide(m, "post", nil, t0.Add(2*time.Hour)); d.Allowed {
		t.Error("limit 1 per 1d: second post allowed")
	}
}

// A snapshot's members may have acted far apart in time; restoring it
// does not refuse any of them.
func TestRestoreSpreadHistories(t *testing.T) {
	c := historyClub(t)
	st := runtime.NewState(c, runtime.Clock(func() time.Time { return t0.Add(365 * 24 * time.Hour) }))
	for i, at := range []time.Time{t0, t0.Add(100 * 24 * time.Hour), t0.Add(300 * 24 * time.Hour)} {
		id := string(rune('a' + i))
		if err := st.Join(id, member(t, c, nil)); err != nil {
			t.Fatal(err)
		}
		mustApply(t, st, id, "introduce", at)
	}
	if _, err := runtime.Restore(c, st.Snapshot()); err != nil {
		t.Fatalf("restore: %v", err)
	}
}

func mustApply(t testing.TB, st *runtime.State, id, action string, at time.Time) runtime.Result {
	t.Helper()
	res, err := st.Apply(context.Background(), id, action, nil, at)
	if err != nil {
		t.Fatalf("apply %s %s at %s: %v", id, action, at, err)
	}
	return res
}

// Times before 1970 are negative nanoseconds; the first one a state sees
// is still its latest event time.
func TestLatestBefore1970(t *testing.T) {
	c := historyClub(t)
	st := runtime.NewState(c)
	old := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := st.Join("a", member(t, c, map[string]any{runtime.HistoryKey: map[string]any{"post": []any{old}}})); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), "a", "introduce", nil, time.Unix(0, 0).Add(time.Hour)); !errors.Is(err, runtime.ErrTooFarAhead) {
		t.Errorf("apply ten years after the only event: err = %v", err)
	}
}

// A snapshot's "first" later than a kept time of the same action must not
// hide that taking: the earliest of the two is the earliest taking.
func TestRestoreFirstIsTheEarliest(t *testing.T) {
	p, err := runtime.CompileSource("f.charter", []byte(`community F {
  member { n: int }
  action a()
  action b()
  may a, b
  first a then b
  limit a 1 per 1d
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Community("F")
	st := runtime.NewState(c)
	if err := st.Join("x", member(t, c, nil)); err != nil {
		t.Fatal(err)
	}
	mustApply(t, st, "x", "a", t0)
	data, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	first := `"first":"` + t0.UTC().Format(time.RFC3339) + `"`
	later := `"first":"` + t0.Add(240*time.Hour).UTC().Format(time.RFC3339) + `"`
	if !strings.Contains(string(data), first) {
		t.Fatalf("snapshot lacks %s: %s", first, data)
	}
	snap, err := runtime.ReadSnapshot([]byte(strings.Replace(string(data), first, later, 1)))
	if err != nil {
		t.Fatal(err)
	}
	back, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := back.Decide("x", "b", nil, t0.Add(time.Hour)); !d.Allowed {
		t.Errorf("b an hour after a kept taking of a denied: %v", d)
	}
}
