package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/store"
)

// applier is what the benchmarks apply through.
type applier interface {
	Join(id string, m *runtime.Member) error
	Apply(ctx context.Context, id, action string, args runtime.Args, at time.Time) (runtime.Result, error)
}

// joinTippers joins n members with plenty of points.
func joinTippers(b *testing.B, c *runtime.Community, d applier, n int) {
	for i := range n {
		m, _ := c.Member(map[string]any{"points": 1 << 40})
		if err := d.Join(fmt.Sprint("m", i), m); err != nil {
			b.Fatal(err)
		}
	}
}

// applyTips applies b.N tips among 100 members from g goroutines, each
// through its own applier of ds (round robin), and reports applies/s.
func applyTips(b *testing.B, g int, ds ...applier) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range g {
		d := ds[w%len(ds)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				res, err := d.Apply(ctx, fmt.Sprint("m", i%100), "tip", runtime.Args{"to": fmt.Sprint("m", (i*7+1)%100), "amount": 1}, t0)
				if err != nil || !res.Applied {
					b.Error(res.Decision.Reasons(), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "applies/s")
}

// BenchmarkBoltApply: tips through a bbolt store, each durable (fsync)
// before Apply returns; goroutines share commits.
func BenchmarkBoltApply(b *testing.B) {
	for _, g := range []int{1, 8} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			c := tips(b, tipsSrc)
			d, err := store.Open(context.Background(), c, filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			joinTippers(b, c, d, 100)
			applyTips(b, g, d)
		})
	}
}

// BenchmarkPostgresApply: tips through PostgreSQL from 1 and from 3
// States, each with its own connections as a process of its own would
// have, all applying to one community.
func BenchmarkPostgresApply(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("states=%d", n), func(b *testing.B) {
			dsn := pgDSN(b)
			c := tips(b, tipsSrc)
			var ds []applier
			for range n {
				d, err := store.Open(context.Background(), c, dsn)
				if err != nil {
					b.Fatal(err)
				}
				defer d.Close()
				ds = append(ds, d)
			}
			joinTippers(b, c, ds[0], 100)
			applyTips(b, n, ds...)
		})
	}
}

// BenchmarkRecovery reopens a bbolt store whose log holds 1,000,000
// events after an empty snapshot (never compacted): the time is Open's,
// which reads the log and replays every event. CHARTER_BENCH_EVENTS sets
// another count.
func BenchmarkRecovery(b *testing.B) {
	n := envInt("CHARTER_BENCH_EVENTS", 1_000_000)
	c := tips(b, tipsSrc)
	path := filepath.Join(b.TempDir(), "r.db")
	d, err := store.Open(context.Background(), c, path, store.CompactEvery(0))
	if err != nil {
		b.Fatal(err)
	}
	store.NoSync(d) // building the log only: its durability is not measured here
	joinTippers(b, c, d, 100)
	b.StopTimer()
	bb := &testing.B{N: n - 100}
	applyTips(bb, 64, d)
	events := d.Events()
	store.Abandon(d)
	b.StartTimer()
	for range b.N {
		d, err := store.Open(context.Background(), c, path, store.CompactEvery(0))
		if err != nil {
			b.Fatal(err)
		}
		if d.Events() != events {
			b.Fatalf("recovered %d events of %d", d.Events(), events)
		}
		b.StopTimer()
		store.Abandon(d)
		b.StartTimer()
	}
	b.ReportMetric(float64(events), "events")
}

// BenchmarkSnapshot takes the snapshot of a State of 1,000,000 members
// (CHARTER_BENCH_MEMBERS sets another count) and writes its JSON, as
// Compact does; then restores it, as Open does. It reports the JSON's
// size.
func BenchmarkSnapshot(b *testing.B) {
	n := envInt("CHARTER_BENCH_MEMBERS", 1_000_000)
	c := tips(b, tipsSrc)
	s := runtime.NewState(c)
	for i := range n {
		m, _ := c.Member(map[string]any{"points": i, "posts": i % 7, "note": "member"})
		if err := s.Join(fmt.Sprint("member-", i), m); err != nil {
			b.Fatal(err)
		}
	}
	var size int
	b.Run("write", func(b *testing.B) {
		for range b.N {
			var buf bytes.Buffer
			if err := json.NewEncoder(&buf).Encode(s.Snapshot()); err != nil {
				b.Fatal(err)
			}
			size = buf.Len()
		}
		b.ReportMetric(float64(size), "bytes")
	})
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(s.Snapshot())
	b.Run("restore", func(b *testing.B) {
		for range b.N {
			if _, err := store.Restore(c, buf.Bytes()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRecoveryNewRules reopens, after a crash, a bbolt store whose
// log holds 100,000 events after an empty snapshot (CHARTER_BENCH_EVENTS
// sets another count): with the same rule file (Open replays the log),
// and with a new one (Open compiles the recorded rules, replays the log
// by them, migrates and compacts). Each open starts from a copy of the
// crashed file.
func BenchmarkRecoveryNewRules(b *testing.B) {
	n := envInt("CHARTER_BENCH_EVENTS", 100_000)
	c := tips(b, tipsSrc)
	crashed := filepath.Join(b.TempDir(), "crashed.db")
	d, err := store.Open(context.Background(), c, crashed, store.CompactEvery(0))
	if err != nil {
		b.Fatal(err)
	}
	store.NoSync(d)
	joinTippers(b, c, d, 100)
	applyTips(&testing.B{N: n - 100}, 64, d)
	events := d.Events()
	store.Abandon(d)
	data, err := os.ReadFile(crashed)
	if err != nil {
		b.Fatal(err)
	}
	c2 := tips(b, strings.Replace(tipsSrc, "    note:   string\n", "", 1))
	for _, r := range []struct {
		name string
		c    *runtime.Community
	}{{"same", c}, {"new", c2}} {
		b.Run("rules="+r.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "r.db")
			for range b.N {
				b.StopTimer()
				if err := os.WriteFile(path, data, 0o600); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				d, err := store.Open(context.Background(), r.c, path, store.CompactEvery(0))
				if err != nil {
					b.Fatal(err)
				}
				if d.Events() != events {
					b.Fatalf("recovered %d events of %d", d.Events(), events)
				}
				b.StopTimer()
				store.Abandon(d)
				b.StartTimer()
			}
			b.ReportMetric(float64(events), "events")
		})
	}
}
