package prelude

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/charterlang/charter/stdlib"
)

var ints = []int64{math.MinInt64, math.MinInt64 + 1, -7, -1, 0, 1, 7, math.MaxInt64 - 1, math.MaxInt64}

// TestMod checks mod against Go's %, and that a divisor of 0 reads 0 as
// eval's closure does.
func TestMod(t *testing.T) {
	for _, a := range ints {
		for _, b := range ints {
			want := int64(0)
			if b != 0 {
				want = a % b
			}
			if got := mod(a, b); got != want {
				t.Errorf("mod(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
		if got := mod(a, 0); got != 0 {
			t.Errorf("mod(%d, 0) = %d, want 0", a, got)
		}
	}
}

func TestInRangeFloat(t *testing.T) {
	for _, tc := range []struct {
		x      float64
		lo, hi int64
		want   bool
	}{
		{2, 1, 3, true}, {2.5, 1, 3, false}, {1, 1, 3, true}, {3, 1, 3, true}, {0, 1, 3, false},
		{math.NaN(), 1, 3, false}, {math.Inf(1), 1, math.MaxInt64, false}, {-0.0, 0, 0, true},
	} {
		if got := inRangeFloat(tc.x, tc.lo, tc.hi); got != tc.want {
			t.Errorf("inRangeFloat(%v, %d, %d) = %t, want %t", tc.x, tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestListHelpers(t *testing.T) {
	xs := []int64{4, 5, 6}
	for i, want := range map[int64]int64{0: 4, 2: 6, -1: 6, -3: 4, 3: 0, -4: 0, math.MinInt64: 0} {
		if got := elem(xs, i); got != want {
			t.Errorf("elem(%v, %d) = %d, want %d", xs, i, got, want)
		}
	}
	if got := elem([]string(nil), 0); got != "" {
		t.Errorf("elem of an empty list = %q, want the zero value", got)
	}
	if !contains(xs, 5) || contains(xs, 7) || contains([]bool{}, false) {
		t.Error("contains is not v in xs")
	}
	if !containsWidened(xs, 5.0) || containsWidened(xs, 5.5) {
		t.Error("containsWidened is not a float v in a list of ints")
	}
	at := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	ts := []time.Time{{}, at}
	if !containsTime(ts, nanos(at)) || !containsTime(ts, 0) || containsTime(ts, 1) {
		t.Error("containsTime does not read times as nanos does")
	}
}

func TestNanos(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want int64
	}{
		{time.Time{}, 0},
		{time.Unix(0, 0), 0},
		{time.Unix(1, 5), 1e9 + 5},
		{time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), math.MinInt64},
		{time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64},
		{time.Unix(0, math.MaxInt64), math.MaxInt64},
	} {
		if got := nanos(tc.t); got != tc.want {
			t.Errorf("nanos(%v) = %d, want %d", tc.t, got, tc.want)
		}
		if ns, ok := stdlib.Nanos(tc.t); ok && !tc.t.IsZero() && ns != tc.want {
			t.Errorf("nanos(%v) = %d, the runtime reads %d", tc.t, tc.want, ns)
		}
	}
}

// TestHistory checks that a history keeps the latest keep[a] takings in
// order, whatever order they are recorded in, and counts them in a window.
func TestHistory(t *testing.T) {
	m := NewMember()
	if m.Posts != 1 || m.Done(ActionPost) || m.Done(ActionSave) {
		t.Fatalf("NewMember: %+v", m)
	}
	at := time.Unix(100, 0)
	m.Record(ActionPost, at)
	if !m.Done(ActionPost) || m.Done(ActionSave) {
		t.Error("Record(post): Done is wrong")
	}
	if n := m.hist.count(ActionPost, nanos(at), 1e9); n != 0 {
		t.Errorf("post keeps no takings, counted %d", n)
	}
	// post's earliest taking is kept for first rules: a question before
	// it does not count it, one after an earlier taking does.
	if m.hist.doneBy(ActionPost, 99e9) || !m.hist.doneBy(ActionPost, 100e9) {
		t.Error("doneBy(post) around its only taking at 100s is wrong")
	}
	m.Record(ActionPost, time.Unix(50, 0))
	m.Record(ActionPost, time.Unix(200, 0))
	if m.hist.doneBy(ActionPost, 49e9) || !m.hist.doneBy(ActionPost, 50e9) {
		t.Error("doneBy(post) after an earlier taking at 50s is wrong")
	}
	if m.hist.doneBy(ActionSave, 1e18) {
		t.Error("doneBy(save) before any save")
	}
	for _, s := range []int64{50, 90, 70, 10} {
		m.Record(ActionSave, time.Unix(s, 0))
	}
	if got, want := m.hist.times[off[ActionSave]:][:keep[ActionSave]], []int64{70e9, 90e9}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want the latest two in order %v", got, want)
	}
	for _, tc := range []struct{ at, per int64 }{{90e9, 20e9}, {90e9, 21e9}, {80e9, 100e9}, {100e9, 10e9}} {
		want := 0
		for _, s := range []int64{70e9, 90e9} {
			if s > tc.at-tc.per && s <= tc.at {
				want++
			}
		}
		if got := m.hist.count(ActionSave, tc.at, tc.per); got != want {
			t.Errorf("count at %d per %d = %d, want %d", tc.at, tc.per, got, want)
		}
	}
	m.Reset()
	if m.Done(ActionSave) || m.hist.times[0] != noTime {
		t.Error("Reset left history")
	}
}

func TestDecision(t *testing.T) {
	var d Decision
	d.Action = ActionPost
	if d.ruled() || len(d.Rules()) != 0 {
		t.Fatal("a new Decision has rules")
	}
	if _, ok := d.First(); ok {
		t.Error("First of no rule is true")
	}
	d.add(1)
	d.add(0)
	if !d.ruled() || !slices.Equal(d.Rules(), []Rule{0, 1}) {
		t.Errorf("Rules = %v, want [0 1]", d.Rules())
	}
	if r, ok := d.First(); !ok || r != 0 {
		t.Errorf("First = %v, %v", r, ok)
	}
	if got := d.Reasons(); !slices.Equal(got, []string{"banned", "may post"}) {
		t.Errorf("Reasons = %q", got)
	}
	if got := d.Sanctions(); len(got) != 1 || got[0].String() != "mute 36h" {
		t.Errorf("Sanctions = %v", got)
	}
	want := "deny post; must not post (c.charter:3:3): banned (else mute 36h); may post (c.charter:4:3): may post"
	if got := d.String(); got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	d = Decision{Action: ActionSave, Allowed: true, ByDefault: true}
	if got := d.Reasons(); !slices.Equal(got, []string{"default allow"}) || d.String() != "allow save (by default)" {
		t.Errorf("a default allow: %q, %q", got, d.String())
	}
	if r := Rule(0); r.Kind() != "must not" || r.Label() != "must not post (c.charter:3:3)" || r.Sanction().Name != "mute" {
		t.Errorf("Rule 0 reads %q %q %v", r.Kind(), r.Label(), r.Sanction())
	}
}

func TestEnumString(t *testing.T) {
	for x, want := range map[Action]string{ActionPost: "post", ActionSave: "save", -1: "Action(-1)", 2: "Action(2)"} {
		if got := x.String(); got != want {
			t.Errorf("Action(%d).String() = %q, want %q", int(x), got, want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		36 * time.Hour: "36h", 90 * time.Minute: "90m", 14 * 24 * time.Hour: "2w", 24 * time.Hour: "1d",
		time.Second: "1s", 1500 * time.Millisecond: "1500ms", 0: "0ms",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestBadgeSetAndRank(t *testing.T) {
	var s BadgeSet
	s[0] |= 1 << 1
	if s.Has(0) || !s.Has(1) || s.Has(2) || s.Has(-1) || !slices.Equal(s.Names(), []string{"old"}) {
		t.Errorf("BadgeSet{old}: Has and Names disagree: %v", s.Names())
	}
	if (BadgeSet{}).Names() != nil {
		t.Error("the empty set's Names is not nil")
	}
	e := env{m: NewMember()}
	if e.rank() != 2 || e.rank() != 2 || e.ladders != 1 {
		t.Errorf("rank ran the ladder %d times, want once", e.ladders)
	}
}
