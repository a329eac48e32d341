package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL schema: one row per community, locked by each operation
// so that operations on one community are serialised across processes,
// and its events by sequence number. The column rules (the rules record)
// came later: a table made before gains it, NULL in its rows until a
// process of this version writes them.
const pgSchema = `
CREATE TABLE IF NOT EXISTS charter_communities (
	name         text PRIMARY KEY,
	rules_hash   text NOT NULL,
	snapshot_seq bigint NOT NULL,
	snapshot     bytea
);
ALTER TABLE charter_communities ADD COLUMN IF NOT EXISTS rules bytea;
CREATE TABLE IF NOT EXISTS charter_events (
	community text NOT NULL,
	seq       bigint NOT NULL,
	op        bytea NOT NULL,
	PRIMARY KEY (community, seq)
)`

// pgChannel is the channel a commit notifies, with the community's name.
const pgChannel = "charter_events"

// pgLog is a community's log in PostgreSQL.
type pgLog struct {
	pool *pgxpool.Pool
	name string
	// listen runs LISTEN until close; notify, set by the State, brings
	// the others' events in.
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	onCommit func(time.Duration) // OnCommit's, or nil
}

func openPostgres(ctx context.Context, dsn, name string) (*pgLog, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	// Several processes may create the tables at once: CREATE ... IF NOT
	// EXISTS alone races on the catalogue, so they take turns.
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(7417)"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, pgSchema)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: postgres: schema: %w", err)
	}
	return &pgLog{pool: pool, name: name}, nil
}

func (b *pgLog) rebuildable() bool { return true }

func (b *pgLog) load(ctx context.Context, name string) (*stored, error) {
	var st *stored
	// One snapshot of the database: the events are those after the
	// snapshot read.
	err := pgx.BeginTxFunc(ctx, b.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var s stored
		var seq int64
		err := tx.QueryRow(ctx, "SELECT rules_hash, rules, snapshot_seq, snapshot FROM charter_communities WHERE name = $1", name).Scan(&s.hash, &s.rules, &seq, &s.snap)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		s.snapSeq = uint64(seq)
		s.events, err = pgEvents(ctx, tx, name, s.snapSeq)
		st = &s
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: postgres: load %s: %w", name, err)
	}
	return st, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func pgEvents(ctx context.Context, q querier, name string, after uint64) ([]event, error) {
	rows, err := q.Query(ctx, "SELECT seq, op FROM charter_events WHERE community = $1 AND seq > $2 ORDER BY seq", name, int64(after))
	if err != nil {
		return nil, err
	}
	var evs []event
	for rows.Next() {
		var seq int64
		var data []byte
		if err := rows.Scan(&seq, &data); err != nil {
			rows.Close()
			return nil, err
		}
		evs = append(evs, event{seq: uint64(seq), data: data})
	}
	return evs, rows.Err()
}

func (b *pgLog) init(ctx context.Context, hash string, rules []byte) error {
	_, err := b.pool.Exec(ctx, "INSERT INTO charter_communities (name, rules_hash, rules, snapshot_seq) VALUES ($1, $2, $3, 0) ON CONFLICT (name) DO NOTHING", b.name, hash, rules)
	if err != nil {
		return fmt.Errorf("store: postgres: %w", err)
	}
	return nil
}

// record leaves a store another process moved to another rule file as it
// is: that process's record is the one its log needs.
func (b *pgLog) record(ctx context.Context, hash string, rules []byte) error {
	_, err := b.pool.Exec(ctx, "UPDATE charter_communities SET rules = $3 WHERE name = $1 AND rules_hash = $2", b.name, hash, rules)
	if err != nil {
		return fmt.Errorf("store: postgres: record the rules: %w", err)
	}
	return nil
}

// begin locks the community's row for the rest of the transaction, then
// reads the events committed after seq: whoever held the lock before has
// committed or rolled back, so they are every event there is.
func (b *pgLog) begin(ctx context.Context, seq uint64) (tx, []event, string, error) {
	t, err := b.pool.Begin(ctx)
	if err != nil {
		return nil, nil, "", fmt.Errorf("store: postgres: %w", err)
	}
	var hash string
	var snapSeq int64
	if err := t.QueryRow(ctx, "SELECT rules_hash, snapshot_seq FROM charter_communities WHERE name = $1 FOR UPDATE", b.name).Scan(&hash, &snapSeq); err != nil {
		t.Rollback(context.Background())
		return nil, nil, "", fmt.Errorf("store: postgres: lock %s: %w", b.name, err)
	}
	evs, err := pgEvents(ctx, t, b.name, seq)
	if err == nil {
		err = gapped(seq, uint64(snapSeq), evs)
	}
	if err != nil {
		t.Rollback(context.Background())
		return nil, nil, "", fmt.Errorf("store: postgres: %w", err)
	}
	return &pgTx{b: b, t: t}, evs, hash, nil
}

// gapped returns errGap when the events after seq do not follow it: the
// log was compacted past seq (into a snapshot after it), whether or not
// events remain after the snapshot.
func gapped(seq, snapSeq uint64, evs []event) error {
	if snapSeq > seq && (len(evs) == 0 || evs[0].seq != seq+1) {
		return fmt.Errorf("the log was compacted to event %d, after this state's %d: %w", snapSeq, seq, errGap)
	}
	return nil
}

func (b *pgLog) since(ctx context.Context, seq uint64) ([]event, string, error) {
	var evs []event
	var hash string
	// One snapshot of the database for the snapshot's place, the rule
	// file and the events, so that a compaction between them cannot hide
	// a gap or a change of rule file.
	err := pgx.BeginTxFunc(ctx, b.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var snapSeq int64
		if err := tx.QueryRow(ctx, "SELECT rules_hash, snapshot_seq FROM charter_communities WHERE name = $1", b.name).Scan(&hash, &snapSeq); err != nil {
			return err
		}
		var err error
		if evs, err = pgEvents(ctx, tx, b.name, seq); err != nil {
			return err
		}
		return gapped(seq, uint64(snapSeq), evs)
	})
	if err != nil {
		return nil, "", fmt.Errorf("store: postgres: %w", err)
	}
	return evs, hash, nil
}

type pgTx struct {
	b *pgLog
	t pgx.Tx
}

func (t *pgTx) end(ctx context.Context, ev *event) (func() error, error) {
	if ev == nil {
		t.t.Rollback(context.Background())
		return nil, nil
	}
	batch := &pgx.Batch{}
	batch.Queue("INSERT INTO charter_events (community, seq, op) VALUES ($1, $2, $3)", t.b.name, int64(ev.seq), ev.data)
	batch.Queue("SELECT pg_notify($1, $2)", pgChannel, t.b.name+" "+strconv.FormatUint(ev.seq, 10))
	if err := t.t.SendBatch(ctx, batch).Close(); err != nil {
		t.t.Rollback(context.Background())
		return nil, fmt.Errorf("store: postgres: append: %w", err)
	}
	start := time.Now()
	if err := t.t.Commit(ctx); err != nil {
		return nil, fmt.Errorf("store: postgres: commit: %w", err)
	}
	if t.b.onCommit != nil {
		t.b.onCommit(time.Since(start))
	}
	return nil, nil
}

// compact keeps the events of the snapshot before this one: a process
// that lags behind by less than a snapshot catches up from the log, one
// further behind reloads the snapshot.
func (t *pgTx) compact(ctx context.Context, seq uint64, hash string, rules, snap []byte) error {
	defer t.t.Rollback(context.Background())
	var prev int64
	err := t.t.QueryRow(ctx, "SELECT snapshot_seq FROM charter_communities WHERE name = $1", t.b.name).Scan(&prev)
	if err == nil {
		_, err = t.t.Exec(ctx, "UPDATE charter_communities SET rules_hash = $2, rules = $3, snapshot_seq = $4, snapshot = $5 WHERE name = $1", t.b.name, hash, rules, int64(seq), snap)
	}
	if err == nil {
		_, err = t.t.Exec(ctx, "DELETE FROM charter_events WHERE community = $1 AND seq <= $2", t.b.name, prev)
	}
	if err == nil {
		err = t.t.Commit(ctx)
	}
	if err != nil {
		return fmt.Errorf("store: postgres: compact: %w", err)
	}
	return nil
}

// listen brings the events other processes commit into the State as
// their notifications arrive, and every second in case one was missed
// (a connection lost and made again).
func (b *pgLog) listen(notify func(seq uint64)) {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				notify(0)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			conn, err := b.pool.Acquire(ctx)
			if err != nil {
				sleep(ctx, time.Second)
				continue
			}
			if _, err := conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
				conn.Release()
				sleep(ctx, time.Second)
				continue
			}
			notify(0) // whatever was committed before LISTEN
			for {
				// No deadline: one would close the connection when it
				// passes (pgx cancels a read that way).
				n, err := conn.Conn().WaitForNotification(ctx)
				if err != nil {
					break
				}
				if name, seq, ok := strings.Cut(n.Payload, " "); ok && name == b.name {
					k, _ := strconv.ParseUint(seq, 10, 64)
					notify(k)
				}
			}
			// The connection may be mid-way through a message: drop it.
			conn.Conn().Close(context.Background())
			conn.Release()
		}
	}()
	go func() {
		wg.Wait()
		close(b.done)
	}()
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (b *pgLog) close() error {
	b.once.Do(func() {
		if b.cancel != nil {
			b.cancel()
			<-b.done
		}
		b.pool.Close()
	})
	return nil
}
