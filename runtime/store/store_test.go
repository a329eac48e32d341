package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/store"
)

// tipsSrc is the community the store's tests run: points move between
// members by tips that may not take a balance below zero, posts are
// limited to 3 a day, and the goals sum and count what the events change.
const tipsSrc = `community Tips {
  member {
    points: int = 100
    posts:  int
    wait:   duration
    note:   string
  }
  action post()
  action tip(to: member, amount: int)
  may post, tip
  limit post 3 per 1d
  must not tip if amount < 1
  must not tip if points < amount
  on post { posts += 1; wait += 1h }
  on tip { points -= amount; to.points += amount }
  goal total "Points" {
    measure sum(points)
    target >= 0
  }
  goal posters "Posters" {
    measure count(posts > 0)
    target >= 1
  }
  goal most "Most" {
    measure max(points)
    target >= 0
  }
}
`

func tips(t testing.TB, src string) *runtime.Community {
	t.Helper()
	p, err := runtime.CompileSource("tips.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p.Community("Tips")
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// mutator is what the durable and the in-memory State share.
type mutator interface {
	Join(id string, m *runtime.Member) error
	Leave(id string) error
	Update(id string, values map[string]any) error
	Apply(ctx context.Context, id, action string, args runtime.Args, at time.Time) (runtime.Result, error)
}

// workload applies n random operations to each of states, the same
// ones, and fails when they answer differently.
func workload(t testing.TB, c *runtime.Community, seed uint64, n int, states ...mutator) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	ctx := context.Background()
	ids := []string{}
	for i := range n {
		at := t0.Add(time.Duration(i) * 7 * time.Minute)
		var errs []error
		var applied []bool
		switch x := r.IntN(20); {
		case x < 3 || len(ids) < 3:
			id := fmt.Sprintf("m%d", r.IntN(60))
			m, _ := c.Member(map[string]any{"points": r.IntN(50), "note": "hé " + id})
			for _, s := range states {
				errs = append(errs, s.Join(id, m))
			}
			if errs[0] == nil {
				ids = append(ids, id)
			}
		case x == 3:
			id := ids[r.IntN(len(ids))]
			for _, s := range states {
				errs = append(errs, s.Leave(id))
			}
		case x == 4:
			id := ids[r.IntN(len(ids))]
			for _, s := range states {
				errs = append(errs, s.Update(id, map[string]any{"note": "n" + fmt.Sprint(i), "wait": 90 * time.Minute}))
			}
		case x < 10:
			id := ids[r.IntN(len(ids))]
			for _, s := range states {
				res, err := s.Apply(ctx, id, "post", nil, at)
				errs, applied = append(errs, err), append(applied, res.Applied)
			}
		default:
			id, to := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
			amount := r.IntN(40) - 2
			for _, s := range states {
				res, err := s.Apply(ctx, id, "tip", runtime.Args{"to": to, "amount": amount}, at)
				errs, applied = append(errs, err), append(applied, res.Applied)
			}
		}
		for j := 1; j < len(states); j++ {
			if fmt.Sprint(errs[j]) != fmt.Sprint(errs[0]) || (applied != nil && applied[j] != applied[0]) {
				t.Fatalf("operation %d: state %d answered %v %v, state 0 %v %v", i, j, errs[j], applied, errs[0], applied)
			}
		}
	}
}

type snapshotter interface {
	Snapshot() *runtime.Snapshot
	Goals(at time.Time) []runtime.GoalValue
	IDs() []string
	Member(id string) (*runtime.Member, bool)
}

// sameState fails unless got holds what want does, and got's goals equal
// a rescan of its members.
func sameState(t testing.TB, c *runtime.Community, got, want snapshotter) {
	t.Helper()
	a, _ := json.Marshal(got.Snapshot())
	b, _ := json.Marshal(want.Snapshot())
	if string(a) != string(b) {
		t.Fatalf("snapshots differ:\n got %.600s\nwant %.600s", a, b)
	}
	at := t0.Add(1000 * time.Hour)
	var ms []*runtime.Member
	for _, id := range got.IDs() {
		m, _ := got.Member(id)
		ms = append(ms, m)
	}
	if g, r := got.Goals(at), c.Goals(ms, at); !reflect.DeepEqual(g, r) {
		t.Fatalf("goals %v, rescan %v", g, r)
	}
	if g, w := got.Goals(at), want.Goals(at); !reflect.DeepEqual(g, w) {
		t.Fatalf("goals %v, want %v", g, w)
	}
}

func TestBoltReopen(t *testing.T) {
	c := tips(t, tipsSrc)
	path := filepath.Join(t.TempDir(), "tips.db")
	ctx := context.Background()
	d, err := store.Open(ctx, c, path, store.CompactEvery(0))
	if err != nil {
		t.Fatal(err)
	}
	mem := runtime.NewState(c)
	workload(t, c, 1, 500, d, mem)
	sameState(t, c, d, mem)
	// Close compacts: the reopened state is the snapshot's.
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = store.Open(ctx, c, path, store.CompactEvery(0))
	if err != nil {
		t.Fatal(err)
	}
	sameState(t, c, d, mem)
	// More operations, then a compaction in the middle and a log after it.
	workload(t, c, 2, 300, d, mem)
	if err := d.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	workload(t, c, 3, 300, d, mem)
	store.Abandon(d) // as a crash: no compaction at close
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sameState(t, c, d, mem)
	if d.Events() != mem.Events() {
		t.Errorf("events %d, want %d", d.Events(), mem.Events())
	}
}

// The log compacts by itself once it holds CompactEvery events.
func TestBoltCompactsByItself(t *testing.T) {
	c := tips(t, tipsSrc)
	path := filepath.Join(t.TempDir(), "tips.db")
	ctx := context.Background()
	d, err := store.Open(ctx, c, path, store.CompactEvery(50))
	if err != nil {
		t.Fatal(err)
	}
	mem := runtime.NewState(c)
	workload(t, c, 4, 400, d, mem)
	deadline := time.Now().Add(5 * time.Second)
	for store.Logged(d) >= 50+60 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := store.Logged(d); n >= 50+60 {
		t.Errorf("the log holds %d events after compacting every 50", n)
	}
	store.Abandon(d)
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sameState(t, c, d, mem)
}

// Operations that change nothing write nothing, and errors are the
// in-memory State's.
func TestBoltNoChangeNoEvent(t *testing.T) {
	c := tips(t, tipsSrc)
	d, err := store.Open(context.Background(), c, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	m, _ := c.Member(nil)
	if err := d.Join("ann", m); err != nil {
		t.Fatal(err)
	}
	if err := d.Join("ann", m); err == nil || !strings.Contains(err.Error(), "already in") {
		t.Errorf("second join: %v", err)
	}
	res, err := d.Apply(context.Background(), "ann", "tip", runtime.Args{"to": "ann", "amount": 1000}, t0)
	if err != nil || res.Applied {
		t.Errorf("tip over the balance: %v %v", res, err)
	}
	if _, err := d.Apply(context.Background(), "bob", "post", nil, t0); !errors.Is(err, runtime.ErrUnknownMember) {
		t.Errorf("unknown member: %v", err)
	}
	if d.Events() != 1 || store.Logged(d) != 1 {
		t.Errorf("events %d, logged %d, want 1 and 1", d.Events(), store.Logged(d))
	}
}

// Concurrent appliers share commits; the result is some sequential
// order, conserving the points.
func TestBoltConcurrent(t *testing.T) {
	c := tips(t, tipsSrc)
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		m, _ := c.Member(nil)
		if err := d.Join(fmt.Sprint("m", i), m); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for i := range 100 {
				_, err = d.Apply(ctx, fmt.Sprint("m", (g+i)%10), "tip", runtime.Args{"to": fmt.Sprint("m", (g+2*i)%10), "amount": 7}, t0)
				if err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	store.Abandon(d)
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if g := d.Goals(t0)[0].Value; g != 1000 {
		t.Errorf("total points %v after tips, want 1000", g)
	}
}

// A changed rule file keeps every member: the snapshot migrates, and the
// report says what changed.
func TestBoltRulesChange(t *testing.T) {
	c := tips(t, tipsSrc)
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	mem := runtime.NewState(c)
	workload(t, c, 5, 200, d, mem)
	n := d.Len()
	store.Abandon(d) // a crash: the log holds operations since the snapshot

	changed := strings.NewReplacer("    note:   string\n", "    level:  int = 3\n", "points: int = 100", "points: float = 100").Replace(tipsSrc)
	c2 := tips(t, changed)
	if store.RulesHash(c2) == store.RulesHash(c) {
		t.Fatal("the hash did not change with the rules")
	}
	// (Opening with the new file now would replay the log by the old
	// rules: TestBoltRulesChangeAfterCrash.) Opening with the old file
	// replays; closing compacts.
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	sameState(t, c, d, mem)
	if d.Migration() != nil {
		t.Errorf("migration %v with the same file", d.Migration())
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = store.Open(ctx, c2, path)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != n {
		t.Errorf("%d members after the change, want %d", d.Len(), n)
	}
	rep := d.Migration().String()
	if !strings.Contains(rep, "attribute note: no longer declared, dropped from") || !strings.Contains(rep, "attribute level: new,") {
		t.Errorf("report:\n%s", rep)
	}
	m, _ := d.Member(d.IDs()[0])
	if v, _ := c2.Get(m, "points"); reflect.TypeOf(v) != reflect.TypeOf(0.0) {
		t.Errorf("points = %v (%T), want a float", v, v)
	}
	// The store now runs the new file, also after a crash.
	workload(t, c2, 6, 50, d)
	store.Abandon(d)
	d, err = store.Open(ctx, c2, path)
	if err != nil {
		t.Fatal(err)
	}
	if d.Migration() != nil {
		t.Errorf("a second open with the new file migrated again: %v", d.Migration())
	}
	d.Close()
	// A change that would lose values is refused, naming the attribute.
	c3 := tips(t, strings.Replace(changed, "level:  int = 3", "level:  string", 1))
	if _, err := store.Open(ctx, c3, path); !errors.Is(err, store.ErrRulesChanged) || !strings.Contains(err.Error(), "attribute level is now string") {
		t.Fatalf("lossy change: %v", err)
	}
	// Layout and comments do not change the hash.
	c4 := tips(t, "// a comment\n"+strings.ReplaceAll(tipsSrc, "  may post, tip", "  may   post,   tip"))
	if store.RulesHash(c4) != store.RulesHash(c) {
		t.Error("a comment and spaces changed the hash")
	}
}

func envInt(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil {
			return n
		}
	}
	return def
}

// JoinAt is durable with its admission: a refused join writes nothing,
// and the admitted ones replay as admitted. The hash covers the community
// a child extends.
func TestBoltJoinAt(t *testing.T) {
	src := `
community Club {
  member { posts: int }
  goal size { measure members; target <= 1000 }
}

community Circle extends Club {
  admit if posts >= 5 && members < 3
}
`
	p, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Community("Circle")
	path := filepath.Join(t.TempDir(), "c.db")
	ctx := context.Background()
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	for i, posts := range []int{9, 2, 7, 8, 9} {
		m, _ := c.Member(map[string]any{"posts": posts})
		err := d.JoinAt(fmt.Sprint("m", i), m, t0)
		if admitted := posts >= 5 && i < 4; (err == nil) != admitted {
			t.Errorf("join m%d (posts %d): %v", i, posts, err)
		}
	}
	if err := d.Join("x", nil); err == nil {
		t.Error("join of a nil member: no error")
	}
	ids := d.IDs()
	store.Abandon(d)
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := d.IDs(); !reflect.DeepEqual(got, ids) || len(got) != 3 {
		t.Errorf("members after reopening %v, want %v (3)", got, ids)
	}
	p2, err := runtime.CompileSource("c.charter", []byte(strings.Replace(src, "target <= 1000", "target <= 999", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if store.RulesHash(p2.Community("Circle")) == store.RulesHash(c) {
		t.Error("a change in the parent community did not change the child's hash")
	}
}

// A bbolt file serves one process: a second Open waits for its lock, then
// says why it failed.
func TestBoltOneProcess(t *testing.T) {
	if os.Getenv("CHARTER_LOCK_CHILD") != "" {
		_, err := store.Open(context.Background(), tips(t, tipsSrc), os.Getenv("CHARTER_LOCK_CHILD"))
		fmt.Println(err)
		return
	}
	if testing.Short() {
		t.Skip("waits 5 s for the lock")
	}
	path := filepath.Join(t.TempDir(), "t.db")
	d, err := store.Open(context.Background(), tips(t, tipsSrc), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBoltOneProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CHARTER_LOCK_CHILD="+path)
	out, _ := cmd.Output()
	if !strings.Contains(string(out), "another process holds it open") {
		t.Errorf("second open: %s", out)
	}
}

// A write that fails is an error, and the operation is not applied as far
// as anyone can learn: the state refuses every later change until it is
// reopened, and the reopened state holds what was durable.
func TestBoltWriteFails(t *testing.T) {
	c := tips(t, tipsSrc)
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := c.Member(nil)
	for _, id := range []string{"ann", "bob"} {
		if err := d.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	store.BreakDisk(d)
	_, err = d.Apply(ctx, "ann", "tip", runtime.Args{"to": "bob", "amount": 5}, t0)
	if err == nil || !strings.Contains(err.Error(), "is not durable, and not applied") {
		t.Fatalf("apply on a broken disk: %v", err)
	}
	if err := d.Join("cy", m); err == nil || !strings.Contains(err.Error(), "reopen the store") {
		t.Fatalf("join after a failed write: %v", err)
	}
	store.Abandon(d)
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Events() != 2 || d.Goals(t0)[0].Value != 200 {
		t.Errorf("reopened: %d events, %v points; want the 2 joins", d.Events(), d.Goals(t0)[0].Value)
	}
}

// The state's reference time survives a snapshot: events logged after it
// replay even when they are dated more than the skew after every time the
// members' histories keep.
func TestBoltReferenceAfterSnapshot(t *testing.T) {
	c := tips(t, tipsSrc)
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := c.Member(nil)
	for _, id := range []string{"ann", "bob"} {
		if err := d.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
	// A post, whose time the state keeps (its limit counts posts), then
	// tips a month apart for two years, whose times it does not keep: each
	// within the skew of the one before, the last far past the post.
	if _, err := d.Apply(ctx, "ann", "post", nil, t0); err != nil {
		t.Fatal(err)
	}
	at := t0
	for range 24 {
		at = at.Add(30 * 24 * time.Hour)
		if res, err := d.Apply(ctx, "bob", "tip", runtime.Args{"to": "ann", "amount": 1}, at); err != nil || !res.Applied {
			t.Fatal(res, err)
		}
	}
	if err := d.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	at = at.Add(300 * 24 * time.Hour)
	if res, err := d.Apply(ctx, "ann", "tip", runtime.Args{"to": "bob", "amount": 1}, at); err != nil || !res.Applied {
		t.Fatal(res, err)
	}
	store.Abandon(d)
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}

// Every community of the examples has a hash, the same each time it is
// compiled and different from every other's.
func TestRulesHashExamples(t *testing.T) {
	seen := map[string]string{}
	for _, dir := range []string{"brand", "exchange", "fanclub", "moderation", "training", "wechat-group"} {
		for range 2 {
			p, err := runtime.CompileFiles(filepath.Join("..", "..", "examples", dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Communities() {
				h := store.RulesHash(c)
				if other, ok := seen[h]; ok && other != dir+"/"+c.Name {
					t.Errorf("%s/%s has the hash of %s", dir, c.Name, other)
				}
				seen[h] = dir + "/" + c.Name
			}
		}
	}
	if len(seen) < 6 {
		t.Errorf("%d hashes", len(seen))
	}
}
