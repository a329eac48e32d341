package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The bbolt file holds, per community, a bucket named after it with the
// keys "hash" (the rule file), "rules" (its rules record: missing in a
// file written before the store kept it), "seq" (the event the snapshot
// holds) and "snapshot", and a nested bucket "log" of events by
// big-endian sequence number.
var (
	keyHash  = []byte("hash")
	keyRules = []byte("rules")
	keySeq   = []byte("seq")
	keySnap  = []byte("snapshot")
	keyLog   = []byte("log")
)

// boltLog is a bbolt file. Its writes go through one goroutine, which
// commits whatever operations have queued up in one transaction (one
// fsync): group commit, in the order the State logged them.
type boltLog struct {
	db    *bolt.DB
	name  []byte
	queue chan *write
	done  chan struct{}

	mu  sync.Mutex
	err error // the first failed write: the log refuses every later one

	onCommit func(time.Duration) // OnCommit's, or nil
}

// write is one queued change: an event to append, a compaction, or a new
// rules record.
type write struct {
	ev      *event
	compact *compaction
	rules   []byte
	result  chan error
}

type compaction struct {
	seq   uint64
	hash  string
	rules []byte
	snap  []byte
}

func openBolt(path string) (*boltLog, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("store: open %s: another process holds it open (a bbolt file serves one process; use PostgreSQL for several): %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	b := &boltLog{db: db, queue: make(chan *write, 1024), done: make(chan struct{})}
	go b.commits()
	return b, nil
}

func (b *boltLog) rebuildable() bool { return false }

func (b *boltLog) load(ctx context.Context, name string) (*stored, error) {
	b.name = []byte(name)
	var st *stored
	err := b.db.View(func(tx *bolt.Tx) error {
		cb := tx.Bucket(b.name)
		if cb == nil {
			return nil
		}
		st = &stored{hash: string(cb.Get(keyHash))}
		if r := cb.Get(keyRules); r != nil {
			st.rules = append([]byte(nil), r...)
		}
		seq, err := strconv.ParseUint(string(cb.Get(keySeq)), 10, 64)
		if err != nil {
			return fmt.Errorf("store: community %s: bad snapshot sequence %q", name, cb.Get(keySeq))
		}
		st.snapSeq = seq
		if s := cb.Get(keySnap); s != nil {
			st.snap = append([]byte(nil), s...)
		}
		lb := cb.Bucket(keyLog)
		if lb == nil {
			return fmt.Errorf("store: community %s: no log", name)
		}
		return lb.ForEach(func(k, v []byte) error {
			if len(k) != 8 {
				return fmt.Errorf("store: community %s: bad log key %x", name, k)
			}
			st.events = append(st.events, event{seq: binary.BigEndian.Uint64(k), data: append([]byte(nil), v...)})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// begin: one process owns a bbolt file (it is locked while open), so no
// one else commits events.
func (b *boltLog) begin(ctx context.Context, seq uint64) (tx, []event, string, error) {
	return boltTx{b}, nil, "", nil
}

type boltTx struct{ b *boltLog }

func (t boltTx) end(ctx context.Context, ev *event) (func() error, error) {
	if ev == nil {
		return nil, nil
	}
	w := &write{ev: ev, result: make(chan error, 1)}
	if err := t.b.enqueue(w); err != nil {
		return nil, err
	}
	return func() error { return <-w.result }, nil
}

func (b *boltLog) enqueue(w *write) error {
	b.mu.Lock()
	err := b.err
	b.mu.Unlock()
	if err != nil {
		return err
	}
	b.queue <- w
	return nil
}

func (t boltTx) compact(ctx context.Context, seq uint64, hash string, rules, snap []byte) error {
	return t.b.write(&write{compact: &compaction{seq, hash, rules, snap}})
}

// write queues w and waits for its commit.
func (b *boltLog) write(w *write) error {
	w.result = make(chan error, 1)
	if err := b.enqueue(w); err != nil {
		return err
	}
	return <-w.result
}

func (b *boltLog) init(ctx context.Context, hash string, rules []byte) error {
	return boltTx{b}.compact(ctx, 0, hash, rules, nil)
}

// record: one process owns the file, and it runs rule file hash.
func (b *boltLog) record(ctx context.Context, hash string, rules []byte) error {
	return b.write(&write{rules: rules})
}

func (b *boltLog) since(ctx context.Context, seq uint64) ([]event, string, error) {
	return nil, "", nil
}

// commits writes the queued changes, as many at once as have queued.
func (b *boltLog) commits() {
	defer close(b.done)
	for w := range b.queue {
		batch := []*write{w}
	more:
		for len(batch) < 4096 {
			select {
			case w, ok := <-b.queue:
				if !ok {
					break more
				}
				batch = append(batch, w)
			default:
				break more
			}
		}
		b.mu.Lock()
		err := b.err
		b.mu.Unlock()
		if err == nil {
			start := time.Now()
			err = b.db.Update(func(tx *bolt.Tx) error { return b.apply(tx, batch) })
			if err == nil && b.onCommit != nil {
				b.onCommit(time.Since(start))
			}
			if err != nil {
				err = fmt.Errorf("store: write: %w", err)
				b.mu.Lock()
				b.err = err
				b.mu.Unlock()
			}
		}
		for _, w := range batch {
			w.result <- err
		}
	}
}

func (b *boltLog) apply(tx *bolt.Tx, batch []*write) error {
	for _, w := range batch {
		if c := w.compact; c != nil {
			cb, err := tx.CreateBucketIfNotExists(b.name)
			if err != nil {
				return err
			}
			// Every event before the snapshot is in the log (the State
			// queues a compaction after them), and none after: the log
			// starts anew.
			if cb.Bucket(keyLog) != nil {
				if err := cb.DeleteBucket(keyLog); err != nil {
					return err
				}
			}
			if _, err := cb.CreateBucket(keyLog); err != nil {
				return err
			}
			if err := cb.Put(keyHash, []byte(c.hash)); err != nil {
				return err
			}
			if err := cb.Put(keyRules, c.rules); err != nil {
				return err
			}
			if err := cb.Put(keySeq, strconv.AppendUint(nil, c.seq, 10)); err != nil {
				return err
			}
			if c.snap != nil {
				if err := cb.Put(keySnap, c.snap); err != nil {
					return err
				}
			}
			continue
		}
		if w.rules != nil {
			if err := tx.Bucket(b.name).Put(keyRules, w.rules); err != nil {
				return err
			}
			continue
		}
		lb := tx.Bucket(b.name).Bucket(keyLog)
		lb.FillPercent = 1 // keys only grow: full pages
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], w.ev.seq)
		if err := lb.Put(k[:], w.ev.data); err != nil {
			return err
		}
	}
	return nil
}

func (b *boltLog) close() error {
	close(b.queue)
	<-b.done
	return b.db.Close()
}
