package runtime_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const roundTripSrc = `community R {
  member {
    n: int
    f: float = 1.5
    b: bool
    s: string
    t: time
    d: duration
    ns: []int
    fs: []float
    ss: []string
    ts: []time
    ds: []duration
    bs: []bool
  }
  action hello()
  action act(x: int, y: float, word: string)
  action give(to: member, amount: float)
  may hello, act, give
  first hello then act
  limit act 3 per 1d
  must give 2 per 7d
  on act { n += x; f += y; s += word; b = !b; d += 1h; t = now() }
  on give { f -= amount; to.f += amount; to.s = s }
  goal total "Sum" {
    measure sum(f)
    target >= 0
  }
  goal most "Max" {
    measure max(n)
    target >= 0
  }
}
`

func roundTripClub(t testing.TB) *runtime.Community {
	t.Helper()
	p, err := runtime.CompileSource("r.charter", []byte(roundTripSrc))
	if err != nil {
		t.Fatal(err)
	}
	return p.Community("R")
}

// Strings and IDs a snapshot's JSON carries unchanged, and some it cannot.
var (
	goodStrings = []string{"", "a", "héllo wörld", "日本語", "tab\there", "nul\x00byte", "line\nbreak", `quote"back\slash`, "\u2028", "😀", "<&>"}
	badStrings  = []string{"\xff", "a\xc3", "\xed\xa0\x80"} // not UTF-8; the last is a surrogate
	goodIDs     = []string{"a", "b", "bob", "ünïcode", "日本", "with space", "😀", `q"uote`}
	badIDs      = []string{"", "nul\x00", "bell\a", "del\x7f", "c1\u0085", "\xff"}
)

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return 0
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return math.MaxFloat64 * (r.Float64() - 0.5)
	case 3:
		return math.SmallestNonzeroFloat64 * float64(r.IntN(5))
	}
	return (r.Float64() - 0.5) * 1e6
}

func randTime(r *rand.Rand) time.Time {
	switch r.IntN(4) {
	case 0:
		return time.Unix(0, math.MinInt64).UTC()
	case 1:
		return time.Unix(0, math.MaxInt64).UTC()
	}
	return time.Unix(0, r.Int64N(1<<62)-1<<61).UTC()
}

func randAttrs(r *rand.Rand) map[string]any {
	v := map[string]any{}
	if r.IntN(2) == 0 {
		v["n"] = r.Int64() - r.Int64()
	}
	if r.IntN(2) == 0 {
		v["f"] = randFloat(r)
	}
	v["b"] = r.IntN(2) == 0
	v["s"] = goodStrings[r.IntN(len(goodStrings))]
	v["t"] = randTime(r)
	v["d"] = time.Duration(r.Int64() - r.Int64())
	if r.IntN(2) == 0 {
		v["ns"] = []int64{math.MinInt64, 0, math.MaxInt64}
		v["fs"] = []float64{randFloat(r), randFloat(r)}
		v["ss"] = []string{goodStrings[r.IntN(len(goodStrings))]}
		v["ts"] = []time.Time{randTime(r)}
		v["ds"] = []time.Duration{math.MinInt64, math.MaxInt64}
		v["bs"] = []bool{true, false}
	}
	return v
}

// TestSnapshotRoundTripProperty: any state reached by random joins,
// updates, applies and leaves writes a snapshot that restores, in Go and
// through JSON, to a state with the same snapshot and goals; what a
// snapshot could not carry is refused when it enters.
func TestSnapshotRoundTripProperty(t *testing.T) {
	c := roundTripClub(t)
	ctx := context.Background()
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 16))
		st := runtime.NewState(c, runtime.MaxSkew(-1))
		at := t0
		var ids []string
		for step := range 300 {
			at = at.Add(time.Duration(r.IntN(int(12 * time.Hour))))
			switch op := r.IntN(10); {
			case op < 3:
				id := goodIDs[r.IntN(len(goodIDs))] + fmt.Sprint(r.IntN(5))
				m, err := c.Member(randAttrs(r))
				if err != nil {
					t.Fatalf("seed %d step %d: %v", seed, step, err)
				}
				if err := st.Join(id, m); err == nil {
					ids = append(ids, id)
				} else if !strings.Contains(err.Error(), "already") {
					t.Fatalf("seed %d step %d: join %q: %v", seed, step, id, err)
				}
			case op == 3 && len(ids) > 0:
				i := r.IntN(len(ids))
				if err := st.Leave(ids[i]); err != nil {
					t.Fatal(err)
				}
				ids = append(ids[:i], ids[i+1:]...)
			case op == 4 && len(ids) > 0:
				if err := st.Update(ids[r.IntN(len(ids))], randAttrs(r)); err != nil {
					t.Fatalf("seed %d step %d: update: %v", seed, step, err)
				}
			case len(ids) > 0:
				id := ids[r.IntN(len(ids))]
				var err error
				switch r.IntN(3) {
				case 0:
					_, err = st.Apply(ctx, id, "hello", nil, at)
				case 1:
					_, err = st.Apply(ctx, id, "act", runtime.Args{"x": r.Int64() - r.Int64(), "y": randFloat(r), "word": goodStrings[r.IntN(len(goodStrings))]}, at)
				case 2:
					_, err = st.Apply(ctx, id, "give", runtime.Args{"to": ids[r.IntN(len(ids))], "amount": randFloat(r)}, at)
				}
				_ = err // an effect may overflow: an error that changes nothing
			}
			if step%50 == 49 {
				checkRoundTrip(t, c, st, at, fmt.Sprintf("seed %d step %d", seed, step))
			}
		}
	}
}

func checkRoundTrip(t *testing.T, c *runtime.Community, st *runtime.State, at time.Time, where string) {
	t.Helper()
	want, err := st.MarshalJSON()
	if err != nil {
		t.Fatalf("%s: marshal: %v", where, err)
	}
	snap, err := runtime.ReadSnapshot(want)
	if err != nil {
		t.Fatalf("%s: read back the state's own snapshot: %v\n%s", where, err, want)
	}
	for _, s := range []*runtime.Snapshot{st.Snapshot(), snap} {
		back, err := runtime.Restore(c, s)
		if err != nil {
			t.Fatalf("%s: restore the state's own snapshot: %v", where, err)
		}
		got, err := back.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: snapshot after restore differs:\nwant %s\ngot  %s", where, want, got)
		}
		if g, w := goalBits(back.Goals(at)), goalBits(st.Goals(at)); g != w {
			t.Fatalf("%s: goals after restore\n%s\nwant\n%s", where, g, w)
		}
	}
}

// What a snapshot could not give back does not enter the state.
func TestJoinRefusesWhatSnapshotsCannotCarry(t *testing.T) {
	c := roundTripClub(t)
	ctx := context.Background()
	st := runtime.NewState(c)
	for _, id := range badIDs {
		if err := st.Join(id, member(t, c, nil)); err == nil {
			t.Errorf("join with id %q succeeded", id)
		}
	}
	for _, s := range badStrings {
		if _, err := c.Member(map[string]any{"s": s}); err == nil || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("member with string %q: err = %v", s, err)
		}
		if _, err := c.Member(map[string]any{"ss": []string{"ok", s}}); err == nil {
			t.Errorf("member with list string %q succeeded", s)
		}
	}
	type rec struct {
		S string `charter:"s"`
	}
	m, err := c.MemberFromStruct(rec{S: "\xff"})
	if err == nil {
		if err := st.Join("a", m); err == nil || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("join of a struct-built member with invalid UTF-8: err = %v", err)
		}
	}
	if err := st.Join("a", member(t, c, nil)); err != nil {
		t.Fatal(err)
	}
	if err := st.Update("a", map[string]any{"s": "\xff"}); err == nil {
		t.Error("update with invalid UTF-8 succeeded")
	}
	mustApply(t, st, "a", "hello", t0)
	k, err := c.Call("act", runtime.Args{"x": 1, "y": 1.0, "word": "ok"})
	if err != nil {
		t.Fatal(err)
	}
	// A prepared call refuses the string as an Args map does, so that
	// nothing reaches the effect that would store it.
	if err := k.SetString("word", "\xff"); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("SetString of invalid UTF-8: err = %v", err)
	}
	if _, err := st.Apply(ctx, "a", "act", runtime.Args{"x": 1, "y": 1.0, "word": "\xff"}, t0); err == nil {
		t.Error("apply with an invalid UTF-8 argument stored into the state succeeded")
	}
	// A string an effect grows past what a host may give would make the
	// state's own snapshot unreadable.
	big := strings.Repeat("x", 700_000)
	if _, err := st.Apply(ctx, "a", "act", runtime.Args{"x": 1, "y": 1.0, "word": big}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, "a", "act", runtime.Args{"x": 1, "y": 1.0, "word": big}, t0); err == nil {
		t.Error("effect growing a string past 1 MiB succeeded")
	}
	checkRoundTrip(t, c, st, t0, "after refusals")
}

func TestReadSnapshotIsStrict(t *testing.T) {
	c := roundTripClub(t)
	st := runtime.NewState(c)
	if err := st.Join("a", member(t, c, nil)); err != nil {
		t.Fatal(err)
	}
	good, err := st.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.ReadSnapshot(good); err != nil {
		t.Fatalf("the state's own snapshot: %v", err)
	}
	for name, data := range map[string]string{
		"misspelled members": strings.Replace(string(good), `"members"`, `"member"`, 1),
		"unknown field":      strings.Replace(string(good), `"events"`, `"evnts"`, 1),
		"unknown member key": strings.Replace(string(good), `"attributes"`, `"attribs"`, 1),
		"trailing object":    string(good) + `{}`,
		"trailing garbage":   string(good) + ` x`,
		"null":               `null`,
		"no community":       `{"events": 0, "members": []}`,
		"empty":              ``,
		"duplicate members":  strings.Replace(string(good), `"members"`, `"members":[],"members"`, 1),
	} {
		if _, err := runtime.ReadSnapshot([]byte(data)); err == nil {
			t.Errorf("%s: ReadSnapshot accepted %s", name, data)
		}
	}
	if _, err := runtime.ReadSnapshot(append(good, " \n\t"...)); err != nil {
		t.Errorf("trailing white space: %v", err)
	}
	if _, err := runtime.Restore(c, nil); err == nil {
		t.Error("Restore(c, nil) succeeded")
	}
}

// A snapshot keeps the state's reference time: an action whose time no
// rule keeps moves it, and the restored state accepts what the original
// does.
func TestSnapshotKeepsLatest(t *testing.T) {
	c := roundTripClub(t)
	s := runtime.NewState(c)
	m, _ := c.Member(nil)
	if err := s.Join("ann", m); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// act keeps its times (a limit counts it); hello keeps none.
	if res, err := s.Apply(context.Background(), "ann", "hello", nil, at); err != nil || !res.Applied {
		t.Fatal(res, err)
	}
	if res, err := s.Apply(context.Background(), "ann", "act", runtime.Args{"x": 1, "y": 0.5, "word": "a"}, at); err != nil || !res.Applied {
		t.Fatal(res, err)
	}
	for range 20 {
		at = at.Add(300 * 24 * time.Hour)
		if res, err := s.Apply(context.Background(), "ann", "hello", nil, at); err != nil || !res.Applied {
			t.Fatal(res, err)
		}
	}
	data, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"latest":"`+at.Format(time.RFC3339Nano)+`"`) {
		t.Errorf("snapshot without the latest time %v: %.300s", at, data)
	}
	snap, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	next := at.Add(300 * 24 * time.Hour)
	for _, st := range []*runtime.State{s, r} {
		if _, err := st.Apply(context.Background(), "ann", "hello", nil, next); err != nil {
			t.Errorf("a hello 300 days after the last: %v", err)
		}
	}
}
