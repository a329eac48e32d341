package runtime

import (
	"testing"
)

// TestMonotoneArguments: which aggregate arguments the State keeps
// incrementally as time passes, and which it rescans.
func TestMonotoneArguments(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want bool
	}{
		{"days_since(joined) < 30", true},
		{"hours_since(joined) >= 12 && posts > 3", true},
		{"now() - joined > 7d", true},
		{"joined < now() - 30d", true},
		{"since(joined) > 1h || until(ends) < 1h", true},
		{"!fresh", true},
		{"fresh && posts > 1", true},
		{"days_since(joined) < 30 && until(ends) > 0s", true}, // both fall as time passes
		{"since(joined) > 1h && until(ends) > 1h", false},     // one rises, one falls: may change twice
		{"days_since(joined) == 3", false},
		{"days_since(joined) % 7 == 0", false},
		{"role >= veteran", false},
		{"score > 0 ? days_since(joined) > 1 : days_since(ends) > 1", true},
		{"days_since(joined) > 1 ? posts > 1 : posts > 2", false},
	} {
		src := `community T {
  member { joined: time; ends: time; posts: int; score: float }
  badge fresh if days_since(joined) < 7
  roles {
    veteran if days_since(joined) > 365
    newcomer otherwise
  }
  goal g "G" {
    measure count(` + tc.arg + `)
    target >= 0
  }
}
`
		p, err := CompileSource("t.charter", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", tc.arg, err)
		}
		c := p.Community("T")
		if !c.timeAggs {
			t.Errorf("%s: does not read the time", tc.arg)
		}
		if c.timeInc != tc.want {
			t.Errorf("%s: kept incrementally = %v, want %v", tc.arg, c.timeInc, tc.want)
		}
	}
	for _, tc := range []struct {
		arg  string
		want bool
	}{
		{"days_since(joined)", true},
		{"hours_since(joined) / 24.0", true},
		{"score + days_since(joined) / 2", true},
		{"score - hours_since(joined) / 3", true},
		{"days_since(joined) + posts", false}, // int arithmetic wraps
		{"days_since(joined) * 2", false},
		{"floor(days_since(joined) / 7.0)", true},
		{"clamp(days_since(joined), 0, 30)", true},
		{"greatest(days_since(joined), hours_since(ends))", true},
		{"-(days_since(joined) / 1.0)", true},
		{"abs(days_since(joined))", false},
	} {
		src := `community T {
  member { joined: time; ends: time; posts: int; score: float }
  goal g "G" {
    measure sum(` + tc.arg + `)
    target >= 0
  }
}
`
		p, err := CompileSource("t.charter", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", tc.arg, err)
		}
		if c := p.Community("T"); c.timeInc != tc.want {
			t.Errorf("sum(%s): kept incrementally = %v, want %v", tc.arg, c.timeInc, tc.want)
		}
	}
}

func TestTimeHeap(t *testing.T) {
	var h timeHeap
	times := []int64{50, 10, 40, 30, 20}
	for k, tm := range times {
		h.set(k, tm)
	}
	check := func(what string) {
		t.Helper()
		for i, k := range h.heap {
			if h.pos[k] != i {
				t.Fatalf("%s: pos[%d] = %d, want %d", what, k, h.pos[k], i)
			}
			if i > 0 && h.next[h.heap[(i-1)/2]] > h.next[k] {
				t.Fatalf("%s: heap order broken at %d", what, i)
			}
		}
		if len(h.heap) != len(h.next) || len(h.pos) != len(h.next) {
			t.Fatalf("%s: sizes %d %d %d", what, len(h.heap), len(h.next), len(h.pos))
		}
	}
	check("after set")
	if k := h.heap[0]; k != 1 {
		t.Fatalf("top = member %d, want 1", k)
	}
	h.set(0, 5) // member 0 moves to the top
	check("after moving 0 up")
	if h.heap[0] != 0 {
		t.Fatalf("top = member %d, want 0", h.heap[0])
	}
	h.remove(1) // member 4 (time 20) becomes member 1
	check("after remove")
	if h.next[1] != 20 {
		t.Errorf("renamed member 1 has time %d, want 20", h.next[1])
	}
	h.set(0, 100)
	check("after moving 0 down")
	for len(h.next) > 0 {
		h.remove(h.heap[0])
		check("draining")
	}
}
