package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/charterlang/charter/runtime/store"
)

// hasSrc has values given by a join, an update and an effect (SPEC §7.7).
// It is called Tips so that pgDSN empties its rows.
const hasSrc = `community Tips {
  member {
    email: string
    nick:  string
    seen:  time
  }
  action visit()
  may visit if has(email)
  on visit { seen = now() }
}
`

// TestBoltHasReplay: what was given survives the log's replay (the join
// logged as a member snapshot, the update as values, the action as a
// call) and compaction.
func TestBoltHasReplay(t *testing.T) {
	hasReplay(t, filepath.Join(t.TempDir(), "tips.db"))
}

func TestPostgresHasReplay(t *testing.T) {
	hasReplay(t, pgDSN(t))
}

func hasReplay(t *testing.T, dsn string) {
	c := tips(t, hasSrc)
	ctx := context.Background()
	d, err := store.Open(ctx, c, dsn, store.CompactEvery(0))
	if err != nil {
		t.Fatal(err)
	}
	for id, rec := range map[string]map[string]any{"ann": {"email": ""}, "bob": {"nick": "b"}} {
		m, err := c.Member(rec)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := d.Apply(ctx, "ann", "visit", nil, t0); err != nil || !r.Applied {
		t.Fatalf("ann visits: %v, %v", r, err)
	}
	if r, err := d.Apply(ctx, "bob", "visit", nil, t0); err != nil || r.Applied {
		t.Fatalf("bob visits without an email: %v, %v", r, err)
	}
	if err := d.Update("bob", map[string]any{"email": "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"ann": {"nick"}, "bob": {"seen"}}
	check := func(what string, d *store.State) {
		t.Helper()
		for _, ms := range d.Snapshot().Members {
			if !slices.Equal(ms.NotGiven, want[ms.ID]) {
				t.Errorf("%s: %s not_given %v, want %v", what, ms.ID, ms.NotGiven, want[ms.ID])
			}
		}
	}
	check("live", d)
	store.Abandon(d) // as a crash: the reopened state replays the log
	d, err = store.Open(ctx, c, dsn, store.CompactEvery(0))
	if err != nil {
		t.Fatal(err)
	}
	check("replayed", d)
	if err := d.Close(); err != nil { // compacts
		t.Fatal(err)
	}
	d, err = store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	check("from the snapshot", d)
}
