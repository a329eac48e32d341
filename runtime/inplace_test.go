package runtime_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/runtime"
)

// inplaceSrc has effects on the actor and on a member argument, of every
// kind of slot, that fail now and then (x /= 0, an int that overflows, a
// list past its limit is not reachable here), with roles, badges and goals
// of every aggregate reading what the effects write. %s is an extra goal.
const inplaceSrc = `community P {
  member {
    f: float
    n: int
    b: bool
    s: string
    seen: time
    fans: []string
    note: string
  }
  action bump(by: float, k: int, to: member, word: string)
  action mark(to: member)
  action quiet()
  may bump, mark, quiet
  on bump { n += k; f /= by; to.f += by; to.n *= k; s = word; to.note = word; b = k > 2 }
  on mark { to.fans += me; n += 1; to.seen = now() }
  on quiet { note = "q" }
  roles {
    lead if n >= 10 && has(seen)
    fan  if len(fans) > 0
    some if n > 0
    none otherwise
  }
  badge loud if f > 5.0
  badge named if has(note) && s != ""
  badge star if role >= some && f > 1.0
  goal total { measure sum(f); target >= 0 }
  goal mean { measure avg(n); target >= 0 }
  goal lowest { measure min(f); target >= 0 }
  goal highest { measure max(f / n); target >= 0 }
  goal leads { measure count(role >= fan) + share(loud); target >= 0 }
  goal titled { measure count(named); target >= 1 }
  goal stars { measure count(star); target >= 1 }
  %s
}
`

// TestApplyInPlaceEqualsReference: an applied action's effects, written
// in place, and its reported changes and goals are what a copy of the
// members before and after says: role and badge changes as
// Community.Role and Community.Badges see them, goals equal to a rescan
// bit for bit, and a failed action changes nothing, its snapshot equal to
// the one before. With and without an aggregate that reads the time (two
// ways to keep goals).
func TestApplyInPlaceEqualsReference(t *testing.T) {
	for _, extra := range []string{"", `goal recent { measure share(hours_since(seen) < 30); target >= 0 }`} {
		p, err := runtime.CompileSource("p.charter", fmt.Appendf(nil, inplaceSrc, extra))
		if err != nil {
			t.Fatal(err)
		}
		c := p.Community("P")
		for seed := range uint64(6) {
			applyReference(t, c, seed)
		}
	}
}

func applyReference(t *testing.T, c *runtime.Community, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 9))
	st := runtime.NewState(c, runtime.MaxSkew(-1))
	ctx := context.Background()
	at := t0
	var ids []string
	applied, failed := 0, 0
	for step := range 600 {
		at = at.Add(time.Duration(r.IntN(5)) * time.Hour)
		if len(ids) < 3 || r.IntN(8) == 0 {
			id := fmt.Sprint("m", len(ids))
			m, err := c.Member(map[string]any{"f": float64(r.IntN(9) - 3), "n": r.IntN(5)})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Join(id, m); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
			continue
		}
		id, to := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
		var name string
		var args runtime.Args
		switch r.IntN(4) {
		case 0, 1:
			k := []int64{0, 1, 3, 1 << 40}[r.IntN(4)]
			name, args = "bump", runtime.Args{"by": []float64{0, 0.5, 2, -1}[r.IntN(4)], "k": k, "to": to, "word": []string{"", "x"}[r.IntN(2)]}
		case 2:
			name, args = "mark", runtime.Args{"to": to}
		default:
			name = "quiet"
		}
		touched := []string{id}
		if to, ok := args["to"].(string); ok && to != id {
			touched = append(touched, to)
		}
		type standing struct {
			role   string
			badges []string
		}
		stand := func() []standing {
			var out []standing
			for _, x := range touched {
				m, _ := st.Member(x)
				out = append(out, standing{c.Role(m, at), c.Badges(m, at)})
			}
			return out
		}
		before, snap := stand(), st.Snapshot()
		res, err := st.Apply(ctx, id, name, args, at)
		if err != nil {
			failed++
			if diff := cmp.Diff(snap, st.Snapshot()); diff != "" {
				t.Fatalf("seed %d step %d: failed %s (%v) changed the state:\n%s", seed, step, name, err, diff)
			}
		} else if res.Applied {
			applied++
			after := stand()
			var want []runtime.Change
			for i, x := range touched {
				b, a := before[i], after[i]
				if b.role != a.role {
					want = append(want, runtime.Change{Member: x, Kind: "role", From: b.role, To: a.role})
				}
				for _, bg := range c.Checked().Badges {
					h0, h1 := slices.Contains(b.badges, bg.Name), slices.Contains(a.badges, bg.Name)
					switch {
					case !h0 && h1:
						want = append(want, runtime.Change{Member: x, Kind: "badge+", To: bg.Name})
					case h0 && !h1:
						want = append(want, runtime.Change{Member: x, Kind: "badge-", From: bg.Name})
					}
				}
			}
			if diff := cmp.Diff(want, res.Changes); diff != "" {
				t.Fatalf("seed %d step %d: %s %v: changes (-want +got):\n%s", seed, step, name, args, diff)
			}
		}
		live, want := st.Goals(at), rescan(t, c, st, at)
		if g, w := goalBits(live), goalBits(want); g != w {
			t.Fatalf("seed %d step %d: after %s: live goals\n%s\nwant (rescan)\n%s", seed, step, name, g, w)
		}
	}
	if applied < 100 || failed < 20 {
		t.Fatalf("seed %d: %d applied, %d failed: the test drives too little", seed, applied, failed)
	}
}

// TestFailedEffectOnTwoMembers: a failure in a later effect takes back the
// earlier ones on both members, given bits and lists included, and the
// next action sees the members as they were.
func TestFailedEffectOnTwoMembers(t *testing.T) {
	p, err := runtime.CompileSource("p.charter", fmt.Appendf(nil, inplaceSrc, ""))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Community("P")
	st := runtime.NewState(c)
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		m, err := c.Member(map[string]any{"f": 8.0, "n": 2})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Apply(ctx, "a", "mark", runtime.Args{"to": "b"}, t0); err != nil {
		t.Fatal(err)
	}
	snap, goals := st.Snapshot(), st.Goals(t0)
	// n += k and f /= 0 on a, then the rest on b: the division fails
	// after a's n changed.
	if _, err := st.Apply(ctx, "a", "bump", runtime.Args{"by": 0.0, "k": 3, "to": "b", "word": "w"}, t0); err == nil {
		t.Fatal("division by zero applied")
	}
	// b's n *= k overflows after a's effects and b's f applied.
	if _, err := st.Apply(ctx, "a", "bump", runtime.Args{"by": 1.0, "k": int64(math.MaxInt64), "to": "b", "word": "w"}, t0); err == nil {
		t.Fatal("overflow applied")
	}
	if diff := cmp.Diff(snap, st.Snapshot()); diff != "" {
		t.Fatalf("failed actions changed the state:\n%s", diff)
	}
	if diff := cmp.Diff(goals, st.Goals(t0)); diff != "" {
		t.Fatalf("failed actions changed the goals:\n%s", diff)
	}
	res, err := st.Apply(ctx, "a", "bump", runtime.Args{"by": 2.0, "k": 1, "to": "b", "word": "w"}, t0)
	if err != nil || !res.Applied {
		t.Fatalf("bump: %+v, %v", res, err)
	}
	// a: n 3 (after mark) → 4, f 8 → 4 (loses loud), s = "w" but no
	// note (not named); b: f 8 → 10 (loud still), note given but s empty.
	want := []runtime.Change{{Member: "a", Kind: "badge-", From: "loud"}}
	if diff := cmp.Diff(want, res.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	a, _ := st.Member("a")
	if v, _ := c.Get(a, "n"); v != int64(4) {
		t.Errorf("a's n = %v, want 4", v)
	}
	b, _ := st.Member("b")
	if v, _ := c.Get(b, "fans"); !slices.Equal(v.([]string), []string{"a"}) {
		t.Errorf("b's fans = %v, want [a]", v)
	}
}
