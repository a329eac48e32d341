package store_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/store"
)

// pgDSN returns the test database's connection string, emptied of the
// community the tests use. Without CHARTER_TEST_POSTGRES the test skips,
// except in CI (CI=true), where .ci/run starts a server and sets it.
func pgDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("CHARTER_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CHARTER_TEST_POSTGRES is not set: CI runs the PostgreSQL tests (.ci/run sources .ci/postgres.sh)")
		}
		t.Skip("CHARTER_TEST_POSTGRES is not set: skipping the PostgreSQL tests (source .ci/postgres.sh to start a server)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{"DELETE FROM charter_events WHERE community = 'Tips'", "DELETE FROM charter_communities WHERE name = 'Tips'"} {
		if _, err := conn.Exec(ctx, q); err != nil && !strings.Contains(err.Error(), "does not exist") {
			t.Fatal(err)
		}
	}
	return dsn
}

func TestPostgresReopen(t *testing.T) {
	dsn := pgDSN(t)
	c := tips(t, tipsSrc)
	ctx := context.Background()
	d, err := store.Open(ctx, c, dsn, store.CompactEvery(0))
	if err != nil {
		t.Fatal(err)
	}
	mem := runtime.NewState(c)
	workload(t, c, 11, 300, d, mem)
	sameState(t, c, d, mem)
	if err := d.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	workload(t, c, 12, 200, d, mem)
	store.Abandon(d)
	d, err = store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	sameState(t, c, d, mem)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sameState(t, c, d, mem)
}

// Two States over one database see each other's events: a question in
// one answers with the other's event within a second (measured here: the
// time from Apply returning in one to Events showing it in the other).
func TestPostgresSeesOthers(t *testing.T) {
	dsn := pgDSN(t)
	c := tips(t, tipsSrc)
	ctx := context.Background()
	a, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	m, _ := c.Member(nil)
	for _, id := range []string{"ann", "bob"} {
		if err := a.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	var lat []time.Duration
	for i := range 100 {
		res, err := a.Apply(ctx, "ann", "tip", runtime.Args{"to": "bob", "amount": 1}, t0.Add(time.Duration(i)*time.Minute))
		if err != nil || !res.Applied {
			t.Fatal(res, err)
		}
		start := time.Now()
		for b.Events() < res.Seq {
			if time.Since(start) > time.Second {
				t.Fatalf("event %d not seen by the other state within a second", res.Seq)
			}
			time.Sleep(50 * time.Microsecond)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	t.Logf("seen by the other state after: median %v, 99th percentile %v, max %v", lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
	if g := b.Goals(t0)[0].Value; g != 200 {
		t.Errorf("the other state's total %v, want 200", g)
	}
	m2, _ := b.Member("bob")
	if v, _ := c.Get(m2, "points"); v != int64(200) {
		t.Errorf("bob has %v in the other state, want 200", v)
	}
}

// TestPostgresChild is a child process of TestPostgresProcesses and
// TestPostgresCrash.
func TestPostgresChild(t *testing.T) {
	mode := os.Getenv("CHARTER_PG_CHILD")
	if mode == "" {
		t.Skip("a child process of the PostgreSQL tests")
	}
	dsn := os.Getenv("CHARTER_TEST_POSTGRES")
	c := tips(t, tipsSrc)
	ctx := context.Background()
	d, err := store.Open(ctx, c, dsn, store.CompactEvery(300))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	switch {
	case mode == "crash":
		for k := d.Events() + 1; ; k++ {
			seq, err := crashOp(c, d, k)
			if err != nil || seq != k {
				fmt.Println("error:", k, seq, err)
				os.Exit(2)
			}
			fmt.Println(k)
		}
	case strings.HasPrefix(mode, "tips:"):
		g, _ := strconv.Atoi(strings.TrimPrefix(mode, "tips:"))
		r := rand.New(rand.NewPCG(uint64(g), 9))
		posts := 0
		for i := range 150 {
			from, to := fmt.Sprint("m", r.IntN(8)), fmt.Sprint("m", r.IntN(8))
			res, err := d.Apply(ctx, from, "tip", runtime.Args{"to": to, "amount": 1 + r.IntN(4)}, t0.Add(time.Duration(i)*time.Second))
			if err != nil {
				fmt.Println("error:", err)
				os.Exit(2)
			}
			if res.Seq != 0 {
				fmt.Println("ack", res.Seq, time.Now().UnixNano())
			}
			if i%10 == 0 {
				// Everyone posts as one member at one time: 3 in all. (At
				// different times a post dated before the others would
				// not count them: SPEC §11.2.)
				res, err = d.Apply(ctx, "poster", "post", nil, t0.Add(12*time.Hour))
				if err != nil {
					fmt.Println("error:", err)
					os.Exit(2)
				}
				if res.Applied {
					posts++
				}
			}
		}
		fmt.Println("posts", posts)
		d.Close()
	}
}

func startChild(t *testing.T, mode string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CHARTER_PG_CHILD="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

// Three processes tip among eight members with ten points each, and post
// as one member, all at once. Every decision is made against the latest
// committed state: the total is conserved, no balance goes below zero
// (a tip decided on a stale balance would), and the limit of 3 posts a day
// holds across the processes.
func TestPostgresProcesses(t *testing.T) {
	dsn := pgDSN(t)
	c := tips(t, tipsSrc)
	ctx := context.Background()
	d, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		m, _ := c.Member(map[string]any{"points": 10})
		if err := d.Join(fmt.Sprint("m", i), m); err != nil {
			t.Fatal(err)
		}
	}
	m, _ := c.Member(map[string]any{"points": 0})
	if err := d.Join("poster", m); err != nil {
		t.Fatal(err)
	}
	const procs = 3
	var wg sync.WaitGroup
	posts := make([]int, procs)
	// The parent watches its own State take in the children's events:
	// when it first holds each, against when the child's Apply returned.
	type seen struct {
		events uint64
		at     int64
	}
	var seens []seen
	var acks [][2]int64
	var mu sync.Mutex
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if n := d.Events(); len(seens) == 0 || n > seens[len(seens)-1].events {
				seens = append(seens, seen{n, time.Now().UnixNano()})
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	start := time.Now()
	for g := range procs {
		cmd, out := startChild(t, fmt.Sprint("tips:", g))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for out.Scan() {
				var seq, at int64
				if n, ok := strings.CutPrefix(out.Text(), "posts "); ok {
					posts[g], _ = strconv.Atoi(n)
				} else if _, err := fmt.Sscanf(out.Text(), "ack %d %d", &seq, &at); err == nil {
					mu.Lock()
					acks = append(acks, [2]int64{seq, at})
					mu.Unlock()
				} else if out.Text() != "PASS" {
					t.Errorf("child %d: %s", g, out.Text())
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("child %d: %v", g, err)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d processes, %d operations each, in %v", procs, 165, time.Since(start))
	time.Sleep(1100 * time.Millisecond)
	close(stop)
	<-watched
	var lat []time.Duration
	for _, a := range acks {
		i, _ := slices.BinarySearchFunc(seens, uint64(a[0]), func(x seen, seq uint64) int {
			if x.events < seq {
				return -1
			}
			return 1
		})
		if i == len(seens) {
			t.Errorf("the parent never saw event %d", a[0])
			continue
		}
		lat = append(lat, time.Duration(max(0, seens[i].at-a[1])))
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		t.Logf("another process's event seen after: median %v, 99th percentile %v, max %v (%d events)", lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1], len(lat))
		if lat[len(lat)-1] > time.Second {
			t.Errorf("an event took %v to reach another process, more than a second", lat[len(lat)-1])
		}
	}
	if err := d.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if total := d.Goals(t0)[0].Value; total != 80 {
		t.Errorf("total points %v after the tips, want 80", total)
	}
	for _, id := range d.IDs() {
		m, _ := d.Member(id)
		if v, _ := c.Get(m, "points"); v.(int64) < 0 {
			t.Errorf("%s has %d points", id, v)
		}
	}
	if n := posts[0] + posts[1] + posts[2]; n != 3 {
		t.Errorf("%v posts applied across the processes, want 3 (limit post 3 per 1d)", posts)
	}
	// A fresh state reopened from the store agrees, and with a rescan.
	d.Close()
	d, err = store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var ms []*runtime.Member
	for _, id := range d.IDs() {
		m, _ := d.Member(id)
		ms = append(ms, m)
	}
	if g, r := fmt.Sprint(d.Goals(t0)), fmt.Sprint(c.Goals(ms, t0)); g != r {
		t.Errorf("goals %s, rescan %s", g, r)
	}
}

// A process applying events is killed with SIGKILL, mostly inside a
// transaction; the store keeps every acknowledged event and none half
// applied.
func TestPostgresCrash(t *testing.T) {
	dsn := pgDSN(t)
	if testing.Short() {
		t.Skip("short")
	}
	c := tips(t, tipsSrc)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	want := runtime.NewState(c)
	var fed uint64
	for round := range 10 {
		cmd, out := startChild(t, "crash")
		acked := make(chan uint64)
		go func() {
			defer close(acked)
			for out.Scan() {
				n, err := strconv.ParseUint(out.Text(), 10, 64)
				if err != nil {
					t.Errorf("round %d: child: %s", round, out.Text())
					continue
				}
				acked <- n
			}
		}()
		last, ok := <-acked
		if !ok {
			cmd.Wait()
			t.Fatalf("round %d: the child applied nothing", round)
		}
		deadline := time.After(time.Duration(5+r.IntN(200)) * time.Millisecond)
	wait:
		for {
			select {
			case n, ok := <-acked:
				if !ok {
					break wait
				}
				last = n
			case <-deadline:
				cmd.Process.Signal(syscall.SIGKILL)
				deadline = nil
			}
		}
		cmd.Wait()
		waitQuiet(t, dsn)
		d, err := store.Open(context.Background(), c, dsn, store.CompactEvery(0))
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		got := d.Events()
		if got < last {
			t.Fatalf("round %d: the store holds %d events; the child acknowledged %d", round, got, last)
		}
		for ; fed < got; fed++ {
			if _, err := crashOp(c, want, fed+1); err != nil {
				t.Fatal(err)
			}
		}
		sameState(t, c, d, want)
		store.Abandon(d)
		t.Logf("round %d: acknowledged %d, recovered %d", round, last, got)
	}
}

// A changed rule file over PostgreSQL: the first process opened with it
// migrates the snapshot; a process still running the old file is refused
// its next change, and told to restart with the new one.
func TestPostgresRulesChange(t *testing.T) {
	dsn := pgDSN(t)
	c := tips(t, tipsSrc)
	ctx := context.Background()
	old, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	mem := runtime.NewState(c)
	workload(t, c, 21, 100, old, mem)
	if err := old.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	c2 := tips(t, strings.Replace(tipsSrc, "    note:   string\n", "", 1))
	d, err := store.Open(ctx, c2, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Len() != mem.Len() {
		t.Errorf("%d members after the change, want %d", d.Len(), mem.Len())
	}
	if rep := d.Migration().String(); !strings.Contains(rep, "attribute note: no longer declared") {
		t.Errorf("report: %q", rep)
	}
	m, _ := c.Member(nil)
	if err := old.Join("late", m); err == nil || !strings.Contains(err.Error(), "restart it with the new file") {
		t.Errorf("a change by the old file: %v", err)
	}
	if err := d.Join("late", m); err != nil {
		t.Fatal(err)
	}
}

// waitQuiet waits until no other session is connected to the test
// database: a killed child's server session may still commit what the
// child sent before it died (not acknowledged, so it may or may not be
// kept), and the next child must start after it, not race it.
func waitQuiet(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still connected 10 s after the child was killed", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pgExec runs q on the test database.
func pgExec(t *testing.T, dsn, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestPostgresRulesChangeAfterCrash(t *testing.T) {
	testRulesChangeAfterCrash(t, pgDSN(t))
}

// An old store: its table made before the column rules existed. The
// tables live in a schema of the test's own, so that dropping the column
// disturbs no one else's tests.
func TestPostgresRulesChangeOldStore(t *testing.T) {
	dsn := pgDSN(t)
	pgExec(t, dsn, "DROP SCHEMA IF EXISTS charter_old_store CASCADE")
	pgExec(t, dsn, "CREATE SCHEMA charter_old_store")
	t.Cleanup(func() { pgExec(t, dsn, "DROP SCHEMA IF EXISTS charter_old_store CASCADE") })
	own := dsn + "&search_path=charter_old_store"
	testRulesChangeOldStore(t, own, func() {
		pgExec(t, own, "ALTER TABLE charter_communities DROP COLUMN rules")
		// The connection string's search_path must have put the tables
		// in the test's schema, or the drop was someone else's.
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var tables, columns int
		err = conn.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM information_schema.tables WHERE table_schema = 'charter_old_store' AND table_name = 'charter_communities'),
			(SELECT count(*) FROM information_schema.columns WHERE table_schema = 'charter_old_store' AND table_name = 'charter_communities' AND column_name = 'rules')`).Scan(&tables, &columns)
		if err != nil {
			t.Fatal(err)
		}
		if tables != 1 || columns != 0 {
			t.Fatalf("charter_old_store holds %d tables charter_communities, %d with a column rules: want the table, without it", tables, columns)
		}
	})
}

func TestPostgresRecordedRulesDoNotCompile(t *testing.T) {
	dsn := pgDSN(t)
	testRecordedRulesDoNotCompile(t, dsn, func(rules []byte) {
		pgExec(t, dsn, "UPDATE charter_communities SET rules = $1 WHERE name = 'Tips'", rules)
	})
}

// A process still running the old file while another recovers a crash's
// log with the new one: the old one is refused its changes and its
// refreshes, and never moves the store back to the old file, not even
// when it finds the log compacted past its state and reloads.
func TestPostgresRulesChangeWhileOldRuns(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	c, c2 := tips(t, tipsSrc), tips(t, newRules)
	mem := crashUnderOld(t, c, dsn)
	old, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	seen := old.Events()
	d, err := store.Open(ctx, c2, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sameState(t, c2, d, migrated(t, c2, mem))
	if err := old.Refresh(ctx); err == nil || !strings.Contains(err.Error(), "restart it with the new file") {
		t.Errorf("a refresh by the old file after the change: %v", err)
	}
	m, _ := c.Member(nil)
	if err := old.Join("late", m); err == nil || !strings.Contains(err.Error(), "restart it with the new file") {
		t.Errorf("a change by the old file: %v", err)
	}
	// Two compactions with events between: the log no longer holds the
	// event after the old process's last, so its refresh finds a gap and
	// reloads, and the reload must not migrate the store back.
	m2, _ := c2.Member(nil)
	for _, id := range []string{"new1", "new2"} {
		if err := d.Join(id, m2); err != nil {
			t.Fatal(err)
		}
		if err := d.Compact(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Refresh(ctx); !errors.Is(err, store.ErrRulesChanged) {
		t.Errorf("a refresh by the old file over a gap: %v", err)
	}
	if old.Events() != seen {
		t.Errorf("the old process's state moved from event %d to %d under rules it does not run", seen, old.Events())
	}
	if err := d.Join("new3", m2); err != nil {
		t.Fatalf("the new file after the old process reloaded: %v", err)
	}
	again, err := store.Open(ctx, c2, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Migration() != nil {
		t.Errorf("the store was moved back to the old file: opening with the new one migrated %v", again.Migration())
	}
}

func TestPostgresSettingsChangeAfterCrash(t *testing.T) {
	testSettingsChangeAfterCrash(t, pgDSN(t))
}

// A process that logs an operation by the old file while another replays
// a crash's log and migrates it to a new file: the migration is refused
// (its snapshot would lack the operation, or carry it decided by the old
// file under the new hash), and the store stays on the old file with
// every operation; with the old process stopped, the new file opens.
func TestPostgresRulesChangeRacesOld(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	c, c2 := tips(t, tipsSrc), tips(t, newRules)
	mem := crashUnderOld(t, c, dsn)
	old, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := c.Member(nil)
	store.OnMigrated(t, func() {
		if err := old.Join("during", m); err != nil {
			t.Errorf("a join by the old file during the migration: %v", err)
		}
		mem.Join("during", m)
	})
	_, err = store.Open(ctx, c2, dsn)
	if !errors.Is(err, store.ErrRulesChanged) || !strings.Contains(err.Error(), "stop every process before changing the rule file") {
		t.Fatalf("a migration while the old file logged an operation: %v", err)
	}
	store.OnMigrated(t, nil)
	if err := old.Join("after", m); err != nil {
		t.Fatalf("the old file after the refused migration: %v", err)
	}
	mem.Join("after", m)
	store.Abandon(old) // a crash again: the log holds both joins
	d, err := store.Open(ctx, c2, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sameState(t, c2, d, migrated(t, c2, mem))
}
