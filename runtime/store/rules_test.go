package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/store"
)

// newRules is tipsSrc changed so that replaying the old rules' log by it
// would answer otherwise: a post counts twice and only one is allowed a
// day (the old rules allow three, counting each once); note is gone and
// level is new, for the migration to report.
var newRules = strings.NewReplacer(
	"    note:   string\n", "    level:  int = 3\n",
	"limit post 3 per 1d", "limit post 1 per 1d",
	"posts += 1", "posts += 2",
).Replace(tipsSrc)

// crashUnderOld opens the store at dsn with the old rules, logs a join
// and three posts by ann in one day and a workload, and stops as a crash
// does. It returns the in-memory state the same operations gave.
func crashUnderOld(t *testing.T, c *runtime.Community, dsn string) *runtime.State {
	t.Helper()
	ctx := context.Background()
	d, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	mem := runtime.NewState(c)
	m, _ := c.Member(nil)
	for _, s := range []mutator{d, mem} {
		if err := s.Join("ann", m); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			res, err := s.Apply(ctx, "ann", "post", nil, t0.Add(time.Duration(i)*time.Hour))
			if err != nil || !res.Applied {
				t.Fatalf("post %d: %v %v", i, res.Decision.Reasons(), err)
			}
		}
	}
	// A snapshot under the old rules, and a log after it.
	if err := d.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	workload(t, c, 5, 200, d, mem)
	if store.Logged(d) == 0 {
		t.Fatal("the log is empty: the test needs a crash with operations since the snapshot")
	}
	store.Abandon(d)
	return mem
}

// migrated is want's state migrated to c, as a store migrates a snapshot.
func migrated(t *testing.T, c *runtime.Community, want *runtime.State) *runtime.State {
	t.Helper()
	data, _ := json.Marshal(want.Snapshot())
	snap, err := runtime.ReadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Migrate(snap); err != nil {
		t.Fatal(err)
	}
	s, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testRulesChangeAfterCrash: a process logs operations and crashes; the
// store is opened with a new rule file. It replays the log by the old
// rules it recorded, migrates what that gives, and compacts.
func testRulesChangeAfterCrash(t *testing.T, dsn string) {
	ctx := context.Background()
	c, c2 := tips(t, tipsSrc), tips(t, newRules)
	mem := crashUnderOld(t, c, dsn)

	// The new rules could not have replayed the log: they allow one post
	// a day, and ann posted three.
	fresh := runtime.NewState(c2)
	m, _ := c2.Member(nil)
	fresh.Join("ann", m)
	fresh.Apply(ctx, "ann", "post", nil, t0)
	if res, _ := fresh.Apply(ctx, "ann", "post", nil, t0.Add(time.Hour)); res.Applied {
		t.Fatal("the new rules allow a second post in a day: the test proves nothing")
	}

	d, err := store.Open(ctx, c2, dsn)
	if err != nil {
		t.Fatal(err)
	}
	rep := d.Migration().String()
	if !strings.Contains(rep, "attribute note: no longer declared, dropped from") || !strings.Contains(rep, "attribute level: new,") {
		t.Errorf("report:\n%s", rep)
	}
	sameState(t, c2, d, migrated(t, c2, mem))
	ann, _ := d.Member("ann")
	annMem, _ := mem.Member("ann")
	got, _ := c2.Get(ann, "posts")
	want, _ := c.Get(annMem, "posts")
	if got != want {
		t.Errorf("ann's posts = %v, want %v, as the old rules counted them", got, want)
	}
	if n := store.Logged(d); n != 0 {
		t.Errorf("%d events logged after the migration, want a compacted log", n)
	}
	if dec, _ := d.Decide("ann", "post", nil, t0.Add(4*time.Hour)); dec.Allowed {
		t.Error("a fourth post the same day is allowed: the new limit of one a day did not see the replayed three")
	}
	// The store runs the new file now, also after a crash.
	workload(t, c2, 6, 50, d)
	store.Abandon(d)
	d, err = store.Open(ctx, c2, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Migration() != nil {
		t.Errorf("a second open with the new file migrated again: %v", d.Migration())
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestBoltRulesChangeAfterCrash(t *testing.T) {
	testRulesChangeAfterCrash(t, filepath.Join(t.TempDir(), "t.db"))
}

// A store written before it kept the rules' source cannot replay a log by
// them: it refuses the new file as it did. Opened once with the old file,
// it records them, and follows the next change even after a crash.
func TestBoltRulesChangeOldStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	testRulesChangeOldStore(t, path, func() {
		if err := store.SetBoltRules(path, "Tips", nil); err != nil {
			t.Fatal(err)
		}
	})
}

func testRulesChangeOldStore(t *testing.T, dsn string, forget func()) {
	ctx := context.Background()
	c, c2 := tips(t, tipsSrc), tips(t, newRules)
	mem := crashUnderOld(t, c, dsn)
	forget()
	_, err := store.Open(ctx, c2, dsn)
	if !errors.Is(err, store.ErrRulesChanged) || !strings.Contains(err.Error(), "open the store once with the old file (that compacts it), then with the new one") || !strings.Contains(err.Error(), "holds no source of that file") {
		t.Fatalf("open with new rules over an old store's uncompacted log: %v", err)
	}
	// The old file replays, and records its source; a crash again, and
	// the new file follows.
	d, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	sameState(t, c, d, mem)
	workload(t, c, 8, 20, d, mem)
	store.Abandon(d)
	d, err = store.Open(ctx, c2, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sameState(t, c2, d, migrated(t, c2, mem))
}

// A recorded source this binary no longer accepts is ErrRulesChanged,
// saying why, with the position in the recorded text.
func TestBoltRecordedRulesDoNotCompile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	testRecordedRulesDoNotCompile(t, path, func(rules []byte) {
		if err := store.SetBoltRules(path, "Tips", rules); err != nil {
			t.Fatal(err)
		}
	})
}

func testRecordedRulesDoNotCompile(t *testing.T, dsn string, set func([]byte)) {
	ctx := context.Background()
	c := tips(t, tipsSrc)
	crashUnderOld(t, c, dsn)
	// As if this binary had dropped a function the old rules call.
	rules, err := store.Rules(c)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	json.Unmarshal(rules, &r)
	r["source"] = strings.Replace(r["source"].(string), "must not tip if amount < 1", "must not tip if gone_function(amount) < 1", 1)
	rules, _ = json.Marshal(r)
	set(rules)
	_, err = store.Open(ctx, tips(t, newRules), dsn)
	if !errors.Is(err, store.ErrRulesChanged) {
		t.Fatalf("open over a recorded source that does not check: %v", err)
	}
	for _, want := range []string{"its rules no longer check", "stored-rules-", "gone_function", "with a binary that runs the old file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// A binary that runs the old file (here: its record as this one
	// writes it) still opens the store, which the refusal left as it was.
	good, _ := store.Rules(c)
	set(good)
	d, err := store.Open(ctx, c, dsn)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}

// The log is replayed by the standard piece the store recorded, not by
// the binary's: a newer binary may have changed or dropped it.
func TestBoltRecordedPiece(t *testing.T) {
	const src = `community Club {
  use std.paid
  member { name: string }
}
`
	ctx := context.Background()
	comp := func(src string) *runtime.Community {
		p, err := runtime.CompileSource("club.charter", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return p.Community("Club")
	}
	c := comp(src)
	path := filepath.Join(t.TempDir(), "t.db")
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := c.Member(nil)
	if err := d.Join("ann", m); err != nil {
		t.Fatal(err)
	}
	through := t0.Add(30 * 24 * time.Hour)
	if res, err := d.Apply(ctx, "ann", "pay", runtime.Args{"through": through}, t0); err != nil || !res.Applied {
		t.Fatalf("pay: %v", err)
	}
	store.Abandon(d)
	// The piece as an older binary had it: paying gave a day more.
	rules, _ := store.Rules(c)
	var r map[string]any
	json.Unmarshal(rules, &r)
	pieces := r["pieces"].(map[string]any)
	old := strings.Replace(pieces["paid"].(string), "paid_until = through }", "paid_until = through + 1d }", 1)
	if old == pieces["paid"] {
		t.Fatal("the piece has no `paid_until = through }` to change")
	}
	pieces["paid"] = old
	rules, _ = json.Marshal(r)
	if err := store.SetBoltRules(path, "Club", rules); err != nil {
		t.Fatal(err)
	}
	c2 := comp(strings.Replace(src, "name: string", "name: string; city: string", 1))
	d, err = store.Open(ctx, c2, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ann, _ := d.Member("ann")
	if v, _ := c2.Get(ann, "paid_until"); v != through.Add(24*time.Hour) {
		t.Errorf("paid_until = %v, want %v, as the recorded piece set it", v, through.Add(24*time.Hour))
	}
}

// The log is replayed with the settings the store recorded, those the
// process that logged it ran: the host may set others with the new file.
func TestBoltRecordedSettings(t *testing.T) {
	src := strings.Replace(tipsSrc, "  must not tip if amount < 1\n", "  settings { max_tip: int = 5; cool: duration = 1h }\n  must not tip if amount < 1 || amount > max_tip\n", 1)
	ctx := context.Background()
	c := tips(t, src)
	c, err := c.WithSettings(map[string]any{"max_tip": 10, "cool": 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.db")
	tipThenCrash(t, c, path)
	// The new file, with the host's settings back to their defaults: a
	// tip of 8 is more than max_tip now.
	c2 := tips(t, strings.Replace(src, "    note:   string\n", "", 1))
	d, err := store.Open(ctx, c2, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	bob, _ := d.Member("bob")
	if v, _ := c2.Get(bob, "points"); v != int64(108) {
		t.Errorf("bob has %v points, want 108", v)
	}
	if res, _ := d.Decide("ann", "tip", runtime.Args{"to": "bob", "amount": 8}, t0.Add(time.Hour)); res.Allowed {
		t.Error("the new file's max_tip of 5 allows a tip of 8")
	}
}

// A host that changes a setting after a crash, under the same file: the
// log is replayed with the recorded values, which decided it (with the
// new ones a tip of 8 would not replay), then the state runs the new
// ones. Before the store recorded settings, such an open failed.
func TestBoltSettingsChangeAfterCrash(t *testing.T) {
	testSettingsChangeAfterCrash(t, filepath.Join(t.TempDir(), "t.db"))
}

func testSettingsChangeAfterCrash(t *testing.T, path string) {
	src := strings.Replace(tipsSrc, "  must not tip if amount < 1\n", "  settings { max_tip: int = 5 }\n  must not tip if amount < 1 || amount > max_tip\n", 1)
	ctx := context.Background()
	c := tips(t, src)
	c10, err := c.WithSettings(map[string]any{"max_tip": 10})
	if err != nil {
		t.Fatal(err)
	}
	tipThenCrash(t, c10, path)
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	if d.Migration() != nil {
		t.Errorf("a change of settings migrated: %v", d.Migration())
	}
	if n := store.Logged(d); n != 0 {
		t.Errorf("%d events logged after the replay by the old settings, want a compacted log", n)
	}
	bob, _ := d.Member("bob")
	if v, _ := c.Get(bob, "points"); v != int64(108) {
		t.Errorf("bob has %v points, want 108", v)
	}
	if res, _ := d.Decide("ann", "tip", runtime.Args{"to": "bob", "amount": 8}, t0.Add(time.Hour)); res.Allowed {
		t.Error("the host's max_tip of 5 allows a tip of 8")
	}
	// The record follows: a crash now replays by max_tip 5.
	if res, _ := d.Apply(ctx, "ann", "tip", runtime.Args{"to": "bob", "amount": 5}, t0.Add(time.Hour)); !res.Applied {
		t.Fatal("a tip of 5 under max_tip 5 was denied")
	}
	store.Abandon(d)
	d, err = store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := store.Logged(d); n != 1 {
		t.Errorf("%d events logged, want the one tip, replayed by the same settings", n)
	}
}

// Every example community's rules record compiles back to a community
// with its hash and its settings: the ones it extends, the pieces it
// uses and the settings a host gave are all in the record.
func TestRulesRecordExamples(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	n, extends, pieces, settings := 0, 0, 0, 0
	for _, dir := range dirs {
		if !dir.IsDir() {
			continue
		}
		p, err := runtime.CompileFiles(filepath.Join("..", "..", "examples", dir.Name()))
		if err != nil {
			continue // a directory of Go, not of rules
		}
		for _, c := range p.Communities() {
			// A host's value for each setting, other than its default.
			set := map[string]any{}
			for name, v := range c.Settings() {
				switch v := v.(type) {
				case int64:
					set[name] = v + 1
				case float64:
					set[name] = v + 0.5
				case bool:
					set[name] = !v
				case string:
					set[name] = v + "!"
				case time.Duration:
					set[name] = v + time.Minute
				}
			}
			if len(set) > 0 {
				settings++
				if c, err = c.WithSettings(set); err != nil {
					t.Fatal(err)
				}
			}
			rules, err := store.Rules(c)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := store.RecordedCommunity(rules, c.Name)
			if err != nil {
				t.Fatalf("%s/%s: %v", dir.Name(), c.Name, err)
			}
			if store.RulesHash(rc) != store.RulesHash(c) {
				t.Errorf("%s/%s: the recorded rules hash otherwise", dir.Name(), c.Name)
			}
			if !reflect.DeepEqual(rc.Settings(), c.Settings()) {
				t.Errorf("%s/%s: recorded settings %v, want %v", dir.Name(), c.Name, rc.Settings(), c.Settings())
			}
			if c.Checked().Parent != nil {
				extends++
			}
			if strings.Contains(string(rules), `"pieces"`) {
				pieces++
			}
			n++
		}
	}
	t.Logf("%d communities, %d extending another, %d using pieces, %d with settings", n, extends, pieces, settings)
	if n < 6 || extends == 0 || pieces == 0 || settings == 0 {
		t.Errorf("%d communities, %d extending another, %d using pieces, %d with settings: the test covers less than it should", n, extends, pieces, settings)
	}
}

// A process of a version before the record moves the store to another
// file without rewriting the record: the record left is of other rules
// than those that decided the log, and the store refuses it as if it had
// none, rather than replay the log by the wrong rules.
func TestBoltStaleRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	ctx := context.Background()
	c, c2 := tips(t, tipsSrc), tips(t, newRules)
	crashUnderOld(t, c, path)
	other, err := store.Rules(tips(t, strings.Replace(tipsSrc, "limit post 3 per 1d", "limit post 2 per 1d", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetBoltRules(path, "Tips", other); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(ctx, c2, path); !errors.Is(err, store.ErrRulesChanged) || !strings.Contains(err.Error(), "holds no source of that file") {
		t.Fatalf("open over a stale record: %v", err)
	}
	// The old file replays and records its own; then the new one opens.
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	store.Abandon(d)
	d, err = store.Open(ctx, c2, path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}

// Settings of every type a setting may have come back from the record
// with the values the host set.
func TestRulesRecordSettingTypes(t *testing.T) {
	src := strings.Replace(tipsSrc, "  action post()\n", "  settings { i: int = 1; f: float = 1.5; b: bool = false; s: string = \"x\"; d: duration = 1h }\n  action post()\n", 1)
	c, err := tips(t, src).WithSettings(map[string]any{"i": 1 << 60, "f": 0.1, "b": true, "s": "«ünï»\n\"q\"", "d": 90*time.Minute + time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := store.Rules(c)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := store.RecordedCommunity(rules, "Tips")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rc.Settings(), c.Settings()) {
		t.Errorf("recorded settings %v, want %v", rc.Settings(), c.Settings())
	}
}

// tipThenCrash opens a store of c at path, joins ann and bob, logs ann's
// tip of 8 to bob (allowed under a max_tip of 10), and stops as a crash
// would, so that the next Open replays the log.
func tipThenCrash(t *testing.T, c *runtime.Community, path string) {
	t.Helper()
	ctx := context.Background()
	d, err := store.Open(ctx, c, path)
	if err != nil {
		t.Fatal(err)
	}
	joinAnnAndBob(t, c, d)
	if res, err := d.Apply(ctx, "ann", "tip", runtime.Args{"to": "bob", "amount": 8}, t0); err != nil || !res.Applied {
		t.Fatalf("a tip of 8 under max_tip 10: %v %v", res.Decision.Reasons(), err)
	}
	store.Abandon(d)
}

// joinAnnAndBob joins ann and bob, each with c's defaults, to d.
func joinAnnAndBob(t *testing.T, c *runtime.Community, d *store.State) {
	t.Helper()
	for _, id := range []string{"ann", "bob"} {
		m, err := c.Member(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Join(id, m); err != nil {
			t.Fatal(err)
		}
	}
}
