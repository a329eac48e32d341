package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIDIndexAgainstMap drives an idIndex as a store does (adds at the
// end, removals that move the last ID into the gap) through growth and
// heavy churn, and checks every lookup against a map after each step.
func TestIDIndexAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := newIDIndex()
	var ids []string
	want := map[string]int{}
	check := func(step int) {
		t.Helper()
		if x.n != len(want) {
			t.Fatalf("step %d: n = %d, want %d", step, x.n, len(want))
		}
		for id, k := range want {
			if got, ok := x.find(ids, id); !ok || got != k {
				t.Fatalf("step %d: find(%q) = %d, %v; want %d", step, id, got, ok, k)
			}
		}
		for i := 0; i < 20; i++ {
			id := fmt.Sprint("absent", r.IntN(1000))
			if _, ok := x.find(ids, id); ok {
				t.Fatalf("step %d: find(%q) found an ID never added", step, id)
			}
		}
	}
	next := 0
	for step := 0; step < 4000; step++ {
		if len(ids) == 0 || r.IntN(3) != 0 {
			id := fmt.Sprint("m", next)
			next++
			x.add(id, len(ids))
			want[id] = len(ids)
			ids = append(ids, id)
		} else {
			k := r.IntN(len(ids))
			last := len(ids) - 1
			x.remove(ids, ids[k])
			delete(want, ids[k])
			if k != last {
				x.move(ids, ids[last], k)
				want[ids[last]] = k
				ids[k] = ids[last]
			}
			ids = ids[:last]
		}
		if step%50 == 0 || len(ids) < 20 {
			check(step)
		}
	}
	check(-1)
	// Empty it: every slot must be free again.
	for len(ids) > 0 {
		last := len(ids) - 1
		x.remove(ids, ids[last])
		ids = ids[:last]
	}
	for i, e := range x.slots {
		if e != 0 {
			t.Fatalf("slot %d = %#x after every ID was removed", i, e)
		}
	}
	if _, ok := x.find(ids, "m0"); ok {
		t.Fatal("found an ID in an empty index")
	}
}

// TestIDIndexCollisions removes from runs of slots that share a home and
// wrap around the table's end, where a wrong shift back would hide an ID.
func TestIDIndexCollisions(t *testing.T) {
	for seed := uint64(0); seed < 50; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		x := newIDIndex()
		var ids []string
		// Five IDs in a table of 8: runs wrap with fair chance.
		for i := 0; i < 6; i++ {
			id := fmt.Sprint("c", seed, "-", i)
			x.add(id, len(ids))
			ids = append(ids, id)
		}
		if len(x.slots) != 8 {
			t.Fatalf("table of %d slots for 6 IDs, want 8", len(x.slots))
		}
		order := r.Perm(len(ids))
		gone := map[string]bool{}
		for _, p := range order {
			x.remove(ids, ids[p])
			gone[ids[p]] = true
			for k, id := range ids {
				if _, ok := x.find(ids, id); ok == gone[id] {
					t.Fatalf("seed %d: after removing %v, find(%q) = %v", seed, gone, id, ok)
				} else if ok {
					if got, _ := x.find(ids, id); got != k {
						t.Fatalf("seed %d: find(%q) = %d, want %d", seed, id, got, k)
					}
				}
			}
		}
	}
}
