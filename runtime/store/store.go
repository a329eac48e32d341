package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charterlang/charter/lang/format"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/internal/statehook"
	"github.com/charterlang/charter/stdlib"
)

// State is a live community whose changes are durable: a runtime.State
// over a log. Its methods are safe for concurrent use. Mutators are
// applied one at a time, in the order they acquire the state; each returns
// once its operation is in the log (bbolt: written and synced, several
// operations sharing one sync when they arrive together; PostgreSQL:
// committed).
type State struct {
	c    *runtime.Community
	opts []runtime.StateOption
	cfg  config
	hash string
	// rules is the record of the rule file c runs (see rulesRecord), as
	// the store keeps it next to hash.
	rules []byte

	mu sync.Mutex // serialises the mutators: the log's order is the State's
	s  atomic.Pointer[runtime.State]
	b  backend
	// snapSeq is the event the last snapshot holds; the log holds those
	// after it.
	snapSeq uint64
	// broken is set when a write failed after its operation was applied
	// in memory: the State is ahead of the log, and refuses every mutator
	// (the store reopens from the log).
	broken error
	report *runtime.Migration

	compacting atomic.Bool
	closed     bool
}

// An Option configures Open.
type Option func(*config)

type config struct {
	state        []runtime.StateOption
	compactEvery uint64
	timeout      time.Duration
	onCommit     func(time.Duration)
}

// OnCommit has f called with the time each commit of the log took: a
// bbolt transaction holding one group of operations, or a PostgreSQL
// COMMIT. charter serve exports it as a metric. f runs on the store's
// writer and must return quickly.
func OnCommit(f func(time.Duration)) Option {
	return func(c *config) { c.onCommit = f }
}

// WithState passes options to the runtime.State (Clock, MaxSkew,
// AdmitAll). They also hold while the log is replayed.
func WithState(opts ...runtime.StateOption) Option {
	return func(c *config) { c.state = append(c.state, opts...) }
}

// CompactEvery makes the State write a snapshot, and drop the log before
// it, once the log holds n events and at least as many events as the
// community has members (so that compacting a large community stays a
// small share of the work); 0 never compacts but at Close. The default is
// DefaultCompactEvery.
func CompactEvery(n uint64) Option {
	return func(c *config) { c.compactEvery = n }
}

// Timeout bounds each operation against PostgreSQL, for the mutators that
// take no context (Join, Leave, Update, Lift). The default is 30 seconds.
func Timeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// DefaultCompactEvery is how many logged events make the State compact
// the log (see CompactEvery).
const DefaultCompactEvery = 100_000

// backend is a log of operations with one snapshot before it.
type backend interface {
	// load returns what the store holds of community name: nil when
	// it holds nothing of it yet.
	load(ctx context.Context, name string) (*stored, error)
	// init records a new community's rule hash and rules record, unless
	// another process recorded one first.
	init(ctx context.Context, hash string, rules []byte) error
	// record replaces the rules record of a store that runs rule file
	// hash (one that runs another is left as it is).
	record(ctx context.Context, hash string, rules []byte) error
	// begin starts an operation on the state whose last event is seq: it
	// returns the events others committed after seq (for PostgreSQL, with
	// the community locked until end), and the rule hash the store records
	// ("": the store cannot have changed it since load).
	begin(ctx context.Context, seq uint64) (tx, []event, string, error)
	// since returns the events others committed after seq, without
	// locking: for questions to see them; and the rule hash the store
	// records ("" as for begin).
	since(ctx context.Context, seq uint64) ([]event, string, error)
	// rebuildable reports whether a State can rebuild itself from the
	// store after a failed write (false: it refuses every later one).
	rebuildable() bool
	close() error
}

// tx is an operation in progress.
type tx interface {
	// end appends ev (nil: nothing changed) and ends the operation. wait,
	// when not nil, returns once ev is durable.
	end(ctx context.Context, ev *event) (wait func() error, err error)
	// compact writes snap as the snapshot of event seq under rule hash
	// and its rules record, drops the log up to it, and ends the
	// operation.
	compact(ctx context.Context, seq uint64, hash string, rules, snap []byte) error
}

// stored is what a store holds of a community.
type stored struct {
	hash    string
	rules   []byte // the rules record; nil in a store written before it
	snapSeq uint64
	snap    []byte // the JSON of a runtime.Snapshot; nil before the first
	events  []event
}

// event is one logged operation: the state's Events right after it, and
// its op as JSON.
type event struct {
	seq  uint64
	data []byte
}

// op is one operation on the State, as the log holds it.
type op struct {
	Op       string                  `json:"op"` // join, leave, update, apply, review, lift
	ID       string                  `json:"id,omitempty"`
	Member   *runtime.MemberSnapshot `json:"member,omitempty"`
	At       *time.Time              `json:"at,omitempty"`
	Values   map[string]any          `json:"values,omitempty"`
	Action   string                  `json:"action,omitempty"`
	Args     runtime.Args            `json:"args,omitempty"`
	Sanction string                  `json:"sanction,omitempty"`
}

// errGap is a log that does not continue the state: another process
// compacted the events the state lacks into a snapshot.
var errGap = errors.New("the log has a gap")

// ErrRulesChanged is returned (wrapped) when a store cannot follow a
// change of rule file (see Open).
var ErrRulesChanged = errors.New("rule file changed")

// Open opens the durable state of community c in the store named by dsn:
// a postgres:// or postgresql:// URL, or else the path of a bbolt file,
// made when missing. It loads the last snapshot and replays the log after
// it, so the state holds every operation acknowledged before.
//
// The store records the rule file its state runs: its hash (RulesHash),
// and its source, with the standard pieces it uses and the values of its
// settings, so that it can run those rules again. Opened with another
// file, the state keeps every member: the snapshot is migrated
// (runtime.Community.Migrate: removed attributes dropped, added ones take
// their defaults, int becomes float; a type change that would lose values
// is an error naming the attribute) and Migration reports what changed.
// Operations logged since the last snapshot (the process stopped without
// Close) were decided by the old rules: the store compiles the recorded
// source, replays them by it, then migrates the state that gives and
// compacts. A store written before it recorded the source, or whose
// recorded source this binary no longer compiles, cannot replay them:
// it refuses the new file with ErrRulesChanged, saying why.
func Open(ctx context.Context, c *runtime.Community, dsn string, opts ...Option) (*State, error) {
	if c == nil {
		return nil, fmt.Errorf("store: no community")
	}
	cfg := config{compactEvery: DefaultCompactEvery, timeout: 30 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	var b backend
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		b, err = openPostgres(ctx, dsn, c.Name)
	} else {
		b, err = openBolt(dsn)
	}
	if err != nil {
		return nil, err
	}
	// Set before any operation is queued, so the writer sees it.
	switch l := b.(type) {
	case *boltLog:
		l.onCommit = cfg.onCommit
	case *pgLog:
		l.onCommit = cfg.onCommit
	}
	rules, err := rulesOf(c)
	if err != nil {
		b.close()
		return nil, err
	}
	d := &State{c: c, opts: cfg.state, cfg: cfg, hash: RulesHash(c), rules: rules, b: b}
	if err := d.load(ctx, true); err != nil {
		b.close()
		return nil, err
	}
	if pg, ok := b.(*pgLog); ok {
		pg.listen(func(seq uint64) {
			if seq == 0 || d.Events() < seq {
				ctx, cancel := d.ctx()
				d.Refresh(ctx)
				cancel()
			}
		})
	}
	return d, nil
}

// load builds the State from the store: snapshot, migration, log. open
// says Open calls it; a running State reloads (after a gap, or a failed
// write) only under the rules it runs, and never migrates: another
// process moved the store to another file, and this one must restart.
func (d *State) load(ctx context.Context, open bool) error {
	st, err := d.b.load(ctx, d.c.Name)
	if err != nil {
		return err
	}
	if st == nil { // a new store: record the rule file
		if err := d.b.init(ctx, d.hash, d.rules); err != nil {
			return err
		}
		d.s.Store(runtime.NewState(d.c, d.opts...))
		return nil
	}
	st.rules = recordOf(st.rules, st.hash)
	changed := st.hash != d.hash
	if changed && !open {
		return fmt.Errorf("store: %w: the store runs rule file %s now, and this process %s: restart it with the new file", ErrRulesChanged, short(st.hash), short(d.hash))
	}
	snap := st.snap
	// Under the same file a record differs in the settings' values: the
	// host changed one, and the log was decided by the recorded values,
	// which may decide it otherwise.
	resettled := !changed && open && st.rules != nil && !bytes.Equal(st.rules, d.rules)
	replayed := false
	if (changed || resettled) && len(st.events) > 0 {
		if snap, err = d.replayOld(ctx, st); err != nil {
			return err
		}
		st.events, replayed = nil, true
	}
	s, err := d.restore(snap, changed)
	if err != nil {
		return err
	}
	for _, ev := range st.events {
		if err := d.replay(ctx, s, ev); err != nil {
			return err
		}
	}
	d.s.Store(s)
	d.snapSeq = st.snapSeq
	if changed {
		if testHookMigrated != nil {
			testHookMigrated()
		}
		// The store now runs the new file: its snapshot is this state's.
		return d.compactLocked(ctx, true)
	}
	if replayed {
		// The log is the old settings': the snapshot takes it in, and
		// the record this process's settings.
		return d.compactLocked(ctx, false)
	}
	if open && !bytes.Equal(st.rules, d.rules) {
		// A store written before it kept the rules' source, or whose
		// host changed a setting: the record follows what this process
		// runs from now on.
		return d.b.record(ctx, d.hash, d.rules)
	}
	return nil
}

// testHookMigrated, when set by a test, runs between Open's migration and
// its compaction: where another process may log an operation by the old
// file.
var testHookMigrated func()

// replayOld replays the log of st by the rules that decided it, those its
// rules record holds, and returns the JSON of the snapshot that gives: the
// state the old rules would have left, for the new ones to migrate.
func (d *State) replayOld(ctx context.Context, st *stored) ([]byte, error) {
	if st.rules == nil {
		return nil, fmt.Errorf("store: %w: the store holds %d operations decided by rule file %s since its last snapshot, and this is rule file %s; the store holds no source of that file (it was written by a version that did not keep it), so it cannot replay them: open the store once with the old file (that compacts it), then with the new one",
			ErrRulesChanged, len(st.events), short(st.hash), short(d.hash))
	}
	old, err := recordedCommunity(st.rules, d.c.Name, st.hash)
	if err != nil && st.hash == d.hash {
		return nil, fmt.Errorf("store: %w: the store holds %d operations since its last snapshot, decided by rule file %s with settings other than this process's; it cannot replay them by the settings it recorded, since %w",
			ErrRulesChanged, len(st.events), short(st.hash), err)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w: the store holds %d operations decided by rule file %s since its last snapshot, and this is rule file %s; the store cannot replay them by the rule file it recorded, since %w: open the store once with a binary that runs the old file (that compacts it), then with the new one",
			ErrRulesChanged, len(st.events), short(st.hash), short(d.hash), err)
	}
	s := runtime.NewState(old, d.opts...)
	if st.snap != nil {
		snap, err := decodeSnapshot(st.snap)
		if err != nil {
			return nil, err
		}
		if s, err = runtime.Restore(old, snap, d.opts...); err != nil {
			return nil, fmt.Errorf("store: snapshot under rule file %s: %w", short(st.hash), err)
		}
	}
	for _, ev := range st.events {
		if err := d.replay(ctx, s, ev); err != nil {
			return nil, fmt.Errorf("store: replaying the log by rule file %s: %w", short(st.hash), err)
		}
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(s.Snapshot()); err != nil {
		return nil, fmt.Errorf("store: snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// restore builds a state from a snapshot's JSON (nil: none), migrating it
// when the rule file changed.
func (d *State) restore(data []byte, migrate bool) (*runtime.State, error) {
	if data == nil {
		return runtime.NewState(d.c, d.opts...), nil
	}
	snap, err := decodeSnapshot(data)
	if err != nil {
		return nil, err
	}
	if migrate {
		if d.report, err = d.c.Migrate(snap); err != nil {
			return nil, fmt.Errorf("store: %w: %w", ErrRulesChanged, err)
		}
	}
	s, err := runtime.Restore(d.c, snap, d.opts...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return s, nil
}

// decodeSnapshot reads a snapshot the store wrote. It is
// runtime.ReadSnapshot without the scan for keys given twice, which is
// there for snapshots others write (encoding/json writes each key of a
// map or struct once) and took 40% of the time of restoring one.
func decodeSnapshot(data []byte) (*runtime.Snapshot, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var snap runtime.Snapshot
	if err := dec.Decode(&snap); err != nil {
		return nil, fmt.Errorf("store: snapshot: %w", err)
	}
	if snap.Community == "" {
		return nil, fmt.Errorf("store: snapshot: no \"community\"")
	}
	return &snap, nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// Migration reports what opening the store changed to follow a new rule
// file; nil when the file had not changed.
func (d *State) Migration() *runtime.Migration { return d.report }

// replay applies one logged operation to s; it must do what it did when
// it was acknowledged, making s's Events ev.seq.
func (d *State) replay(ctx context.Context, s *runtime.State, ev event) error {
	var o op
	dec := json.NewDecoder(bytes.NewReader(ev.data))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil {
		return fmt.Errorf("store: event %d: %w", ev.seq, err)
	}
	if s.Events()+1 != ev.seq {
		return fmt.Errorf("store: event %d follows event %d: %w", ev.seq, s.Events(), errGap)
	}
	if err := o.run(ctx, s); err != nil {
		return fmt.Errorf("store: replay of event %d (%s %q): %w", ev.seq, o.Op, o.ID, err)
	}
	if s.Events() != ev.seq {
		return fmt.Errorf("store: replay of event %d (%s %q) changed nothing: the log does not match the rules", ev.seq, o.Op, o.ID)
	}
	return nil
}

// run applies o to s.
func (o *op) run(ctx context.Context, s *runtime.State) error {
	c := s.Community()
	switch o.Op {
	case "join":
		if o.Member == nil {
			return fmt.Errorf("join without a member")
		}
		m, err := c.RestoreMember(*o.Member)
		if err != nil {
			return err
		}
		if o.At != nil {
			return s.JoinAt(o.ID, m, *o.At)
		}
		return s.Join(o.ID, m)
	case "leave":
		return s.Leave(o.ID)
	case "update":
		return s.Update(o.ID, o.Values)
	case "review":
		if o.At == nil {
			return fmt.Errorf("review without a time")
		}
		_, err := s.Review(ctx, *o.At)
		return err
	case "lift":
		err := s.Lift(o.ID, o.Sanction)
		if errors.Is(err, runtime.ErrNotHeld) && o.Sanction == "mute" {
			// Logged by a binary that counted the lift of a mute that
			// had ended as an event; this one forgets such a mute
			// (SPEC §11.5), and the lift changes no answer either way.
			statehook.CountEvent(s)
			return nil
		}
		return err
	case "apply":
		if o.At == nil {
			return fmt.Errorf("apply without a time")
		}
		res, err := s.Apply(ctx, o.ID, o.Action, o.Args, *o.At)
		if err == nil && res.Seq == 0 {
			return fmt.Errorf("%s was not applied: %s", o.Action, res.Decision.Reasons())
		}
		return err
	}
	return fmt.Errorf("unknown operation %q", o.Op)
}

// mutate runs one operation: catch up on others' events, run f on the
// state, and log o when f changed the state. f returns o's error.
func (d *State) mutate(ctx context.Context, o *op, f func(s *runtime.State) error) error {
	d.mu.Lock()
	if err := d.usable(); err != nil {
		d.mu.Unlock()
		return err
	}
	s := d.s.Load()
	t, evs, hash, err := d.b.begin(ctx, s.Events())
	if errors.Is(err, errGap) {
		// Another process compacted past this state: reload and retry.
		err = d.gap(ctx, err)
		d.mu.Unlock()
		if err == nil {
			return d.mutate(ctx, o, f)
		}
		return err
	}
	if err != nil {
		d.mu.Unlock()
		return err
	}
	if hash != "" && hash != d.hash {
		t.end(ctx, nil)
		d.mu.Unlock()
		return fmt.Errorf("store: %w: the store runs rule file %s now, and this process %s: restart it with the new file", ErrRulesChanged, short(hash), short(d.hash))
	}
	for _, ev := range evs {
		if err := d.replay(ctx, s, ev); err != nil {
			t.end(ctx, nil)
			err = d.gap(ctx, err)
			d.mu.Unlock()
			if err == nil {
				return d.mutate(ctx, o, f) // again, on the reloaded state
			}
			return err
		}
	}
	before := s.Events()
	ferr := f(s)
	after := s.Events()
	if after == before {
		_, err := t.end(ctx, nil)
		d.mu.Unlock()
		if ferr == nil && err != nil {
			return err
		}
		return ferr
	}
	data, err := json.Marshal(o)
	if err == nil {
		var wait func() error
		wait, err = t.end(ctx, &event{seq: after, data: data})
		if err == nil {
			compact := d.cfg.compactEvery > 0 && after-d.snapSeq >= max(d.cfg.compactEvery, uint64(s.Len()))
			d.mu.Unlock()
			if wait != nil {
				err = wait()
			}
			if err == nil {
				if compact && d.compacting.CompareAndSwap(false, true) {
					go func() {
						defer d.compacting.Store(false)
						d.Compact(context.Background())
					}()
				}
				return ferr
			}
			d.mu.Lock()
		}
	}
	// The state holds an operation the log does not: rebuild it from the
	// log, or refuse further changes when that fails.
	d.fail(ctx, err)
	d.mu.Unlock()
	return fmt.Errorf("store: %s %q is not durable, and not applied: %w", o.Op, o.ID, err)
}

// fail rebuilds the state from the store after a write failed. The caller
// holds mu.
func (d *State) fail(ctx context.Context, cause error) {
	if d.b.rebuildable() {
		if err := d.load(ctx, false); err == nil {
			return
		}
	}
	d.broken = cause
}

func (d *State) usable() error {
	if d.closed {
		return fmt.Errorf("store: closed")
	}
	if d.broken != nil {
		return fmt.Errorf("store: a write failed (%w); reopen the store to recover what is durable", d.broken)
	}
	return nil
}

func (d *State) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d.cfg.timeout)
}

// Join adds member m under id, as runtime.State.Join does, durably.
func (d *State) Join(id string, m *runtime.Member) error {
	return d.join(id, m, nil)
}

// JoinAt adds member m under id at time at if the community admits it, as
// runtime.State.JoinAt does, durably.
func (d *State) JoinAt(id string, m *runtime.Member, at time.Time) error {
	return d.join(id, m, &at)
}

func (d *State) join(id string, m *runtime.Member, at *time.Time) error {
	if m == nil {
		return fmt.Errorf("join %q: nil member", id)
	}
	ms := d.c.SnapshotMember(id, m)
	o := &op{Op: "join", ID: id, Member: &ms, At: at}
	ctx, cancel := d.ctx()
	defer cancel()
	return d.mutate(ctx, o, func(s *runtime.State) error { return o.run(ctx, s) })
}

// Leave removes member id, durably.
func (d *State) Leave(id string) error {
	ctx, cancel := d.ctx()
	defer cancel()
	return d.mutate(ctx, &op{Op: "leave", ID: id}, func(s *runtime.State) error { return s.Leave(id) })
}

// Update sets attributes of member id, as runtime.State.Update does,
// durably.
func (d *State) Update(id string, values map[string]any) error {
	ctx, cancel := d.ctx()
	defer cancel()
	o := &op{Op: "update", ID: id}
	return d.mutate(ctx, o, func(s *runtime.State) error {
		if err := s.Update(id, values); err != nil {
			return err
		}
		// The log holds the values as stored, in the snapshot's JSON
		// forms, whatever Go types the host gave.
		m, _ := s.Member(id)
		o.Values = make(map[string]any, len(values))
		for name := range values {
			v, _ := d.c.Get(m, name)
			o.Values[name] = jsonValue(v)
		}
		return nil
	})
}

// Apply decides and, if allowed, applies an action, as runtime.State.Apply
// does; an applied action is durable when Apply returns.
func (d *State) Apply(ctx context.Context, id, action string, args runtime.Args, at time.Time) (runtime.Result, error) {
	k, err := d.c.Call(action, args)
	if err != nil {
		return runtime.Result{}, err
	}
	return d.ApplyCall(ctx, id, k, at)
}

// ApplyCall is Apply with a call prepared by Community.Call.
func (d *State) ApplyCall(ctx context.Context, id string, k *runtime.Call, at time.Time) (runtime.Result, error) {
	args := k.Args()
	for name, v := range args {
		args[name] = jsonValue(v)
	}
	o := &op{Op: "apply", ID: id, Action: k.Action(), Args: args, At: &at}
	var res runtime.Result
	err := d.mutate(ctx, o, func(s *runtime.State) error {
		var err error
		res, err = s.ApplyCall(ctx, id, k, at)
		return err
	})
	if err != nil && res.Seq != 0 {
		return runtime.Result{}, err
	}
	return res, err
}

// jsonValue is v as the snapshot's JSON writes it: durations as Go
// duration strings, which convert back exactly.
func jsonValue(v any) any {
	switch v := v.(type) {
	case time.Duration:
		return v.String()
	case []time.Duration:
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = x.String()
		}
		return out
	}
	return v
}

// Compact writes a snapshot of the state and drops the log before it.
func (d *State) Compact(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.usable(); err != nil {
		return err
	}
	return d.compactLocked(ctx, false)
}

// compactLocked writes the snapshot; migrated says the state was migrated
// to a new rule file, so that no event of the old one may follow. The
// caller holds mu.
func (d *State) compactLocked(ctx context.Context, migrated bool) error {
	s := d.s.Load()
	// Under PostgreSQL the snapshot must hold the others' events too.
	t, evs, hash, err := d.b.begin(ctx, s.Events())
	if errors.Is(err, errGap) && !migrated {
		if err = d.gap(ctx, err); err != nil {
			return err
		}
		s = d.s.Load()
		t, evs, hash, err = d.b.begin(ctx, s.Events())
	}
	if err != nil {
		return err
	}
	if len(evs) > 0 && migrated {
		t.end(ctx, nil)
		return fmt.Errorf("store: %w: another process applied %d operations by rule file %s while this one migrated to %s; stop every process before changing the rule file", ErrRulesChanged, len(evs), short(hash), short(d.hash))
	}
	if hash != "" && hash != d.hash && !migrated {
		t.end(ctx, nil)
		return fmt.Errorf("store: %w: the store runs rule file %s now, and this process %s: restart it with the new file", ErrRulesChanged, short(hash), short(d.hash))
	}
	for _, ev := range evs {
		if err := d.replay(ctx, s, ev); err != nil {
			t.end(ctx, nil)
			return err
		}
	}
	snap := s.Snapshot()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(snap); err != nil {
		t.end(ctx, nil)
		return fmt.Errorf("store: snapshot: %w", err)
	}
	if err := t.compact(ctx, snap.Events, d.hash, d.rules, buf.Bytes()); err != nil {
		return err
	}
	d.snapSeq = snap.Events
	return nil
}

// Refresh brings the state up to date with the events other processes
// committed (PostgreSQL; with bbolt there are none). The state does so by
// itself on their notifications, so questions see them within
// milliseconds; a host that must answer from the latest committed state
// calls Refresh first.
func (d *State) Refresh(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.usable(); err != nil {
		return err
	}
	s := d.s.Load()
	evs, hash, err := d.b.since(ctx, s.Events())
	if errors.Is(err, errGap) {
		return d.gap(ctx, err)
	}
	if err != nil {
		return err
	}
	if hash != "" && hash != d.hash {
		// Events after a change of rule file were decided by the new
		// file: replayed by this one they could decide otherwise.
		return fmt.Errorf("store: %w: the store runs rule file %s now, and this process %s: restart it with the new file", ErrRulesChanged, short(hash), short(d.hash))
	}
	for _, ev := range evs {
		if err := d.replay(ctx, s, ev); err != nil {
			return d.gap(ctx, err)
		}
	}
	return nil
}

// gap handles a replay error of events others committed: when the store
// compacted past this state's last event, the state reloads from the
// snapshot; any other error breaks the state. The caller holds mu.
func (d *State) gap(ctx context.Context, err error) error {
	if errors.Is(err, errGap) && d.b.rebuildable() {
		lerr := d.load(ctx, false)
		if lerr == nil {
			return nil
		}
		// Why it could not reload (another process moved the store to
		// another rule file, say) says more than the gap.
		err = lerr
	}
	d.broken = err
	return err
}

// Close compacts the log into a snapshot and closes the store. The state
// answers no more mutators.
func (d *State) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	var err error
	if d.broken == nil && d.s.Load().Events() != d.snapSeq {
		ctx, cancel := d.ctx()
		err = d.compactLocked(ctx, false)
		cancel()
	}
	d.closed = true
	d.mu.Unlock()
	// Outside mu: the listener may be waiting for it, and close waits for
	// the listener.
	if err2 := d.b.close(); err == nil {
		err = err2
	}
	return err
}

// Community returns the community the state runs.
func (d *State) Community() *runtime.Community { return d.c }

// Member returns a copy of member id.
func (d *State) Member(id string) (*runtime.Member, bool) { return d.s.Load().Member(id) }

// Len returns the number of members.
func (d *State) Len() int { return d.s.Load().Len() }

// Events returns how many events the state has committed (its last
// event's sequence number in the log).
func (d *State) Events() uint64 { return d.s.Load().Events() }

// IDs returns the member IDs, sorted.
func (d *State) IDs() []string { return d.s.Load().IDs() }

// Goals returns every goal's value at time at.
func (d *State) Goals(at time.Time) []runtime.GoalValue { return d.s.Load().Goals(at) }

// Decide decides without applying.
func (d *State) Decide(id, action string, args runtime.Args, at time.Time) (runtime.Decision, error) {
	return d.s.Load().Decide(id, action, args, at)
}

// Duties returns member id's unmet duties at time at, with the state's
// goals and member count (see runtime.State.Duties).
func (d *State) Duties(id string, at time.Time) ([]runtime.Duty, error) {
	return d.s.Load().Duties(id, at)
}

// Messages returns the nudges and offers that reach member id at time at
// (see runtime.State.Messages).
func (d *State) Messages(id string, at time.Time) ([]runtime.Message, error) {
	return d.s.Load().Messages(id, at)
}

// Holds reports whether cond holds of member id at time at (see
// runtime.State.Holds).
func (d *State) Holds(id string, cond *syntax.Expr, at time.Time) (bool, error) {
	return d.s.Load().Holds(id, cond, at)
}

// Snapshot returns a consistent copy of the whole state.
func (d *State) Snapshot() *runtime.Snapshot { return d.s.Load().Snapshot() }

// RulesHash returns the hash a store records of the rule file c runs: of
// the formatted text of c's declaration and of those it extends, of the
// standard pieces they use, and of its attributes' and actions' names and
// types. Layout and comments do not change it.
func RulesHash(c *runtime.Community) string {
	h := sha256.New()
	for cc := c.Checked(); cc != nil; cc = cc.Parent {
		if cc.Decl == nil {
			continue
		}
		h.Write(format.Source(&syntax.File{Communities: []*syntax.Community{cc.Decl}}))
		// A standard piece's rules are the binary's: a new version of
		// one is a new rule file.
		for _, dc := range cc.Decl.Decls {
			if u, ok := dc.(*syntax.Use); ok {
				if _, src, ok := stdlib.Piece(strings.TrimPrefix(u.Name(), "std.")); ok {
					h.Write(src)
				}
			}
		}
	}
	cc := c.Checked()
	for _, a := range cc.Attrs {
		fmt.Fprintf(h, "attr %s %s\n", a.Name, a.Type)
	}
	for _, a := range cc.Actions {
		fmt.Fprintf(h, "action %s(", a.Name)
		for _, p := range a.Params {
			fmt.Fprintf(h, "%s %s,", p.Name, p.Type)
		}
		io.WriteString(h, ")\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}
