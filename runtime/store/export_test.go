package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/charterlang/charter/runtime"
)

// Abandon closes d's store as a crash would: without the compaction Close
// does, so that the next Open replays the log.
func Abandon(d *State) {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.b.close()
}

// Logged returns how many events the log holds after the snapshot.
func Logged(d *State) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.s.Load().Events() - d.snapSeq
}

// NoSync makes d's bbolt file skip fsync, for benchmarks that build a
// large log quickly.
func NoSync(d *State) {
	d.b.(*boltLog).db.NoSync = true
}

// BreakDisk closes d's bbolt file under it, so that its next write fails.
func BreakDisk(d *State) {
	d.b.(*boltLog).db.Close()
}

// Restore builds a State from a snapshot's JSON as Open does.
func Restore(c *runtime.Community, data []byte) (*runtime.State, error) {
	d := &State{c: c}
	return d.restore(data, false)
}

// Rules returns the rules record a store keeps of c.
func Rules(c *runtime.Community) ([]byte, error) { return rulesOf(c) }

// SetBoltRules replaces the rules record of community name in the bbolt
// file at path; nil removes it, as in a file written before the store
// kept one.
func SetBoltRules(path, name string, rules []byte) error {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		cb := tx.Bucket([]byte(name))
		if rules == nil {
			return cb.Delete(keyRules)
		}
		return cb.Put(keyRules, rules)
	})
}

// OnMigrated has f run when Open has migrated a state to a new rule file,
// before it compacts; until the test ends.
func OnMigrated(t interface{ Cleanup(func()) }, f func()) {
	testHookMigrated = f
	t.Cleanup(func() { testHookMigrated = nil })
}

// RecordedCommunity compiles a rules record as Open does.
func RecordedCommunity(rules []byte, name string) (*runtime.Community, error) {
	return recordedCommunity(rules, name, "test")
}

// LogRaw appends the operation data (its JSON) to d's log as the next
// event without running it, as an older binary may have logged it.
func LogRaw(d *State, data []byte) error {
	ctx := context.Background()
	d.mu.Lock()
	defer d.mu.Unlock()
	seq := d.s.Load().Events()
	t, evs, _, err := d.b.begin(ctx, seq)
	if err != nil {
		return err
	}
	if len(evs) > 0 {
		t.end(ctx, nil)
		return errGap
	}
	_, err = t.end(ctx, &event{seq: seq + 1, data: data})
	return err
}
