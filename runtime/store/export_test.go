package store

import "github.com/charterlang/charter/runtime"

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
