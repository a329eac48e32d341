package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/serve"
	"github.com/charterlang/charter/runtime/store"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "serve a community's live state as a JSON HTTP API",
		usage: `usage: charter serve FILE... --community NAME [--addr HOST:PORT]
                     [--snapshot FILE [--snapshot-every DURATION]]
                     [--decision-log FILE] [--max-members N]
                     [--max-body BYTES] [--max-id BYTES]

Serve runs the engine for hosts not written in Go: it compiles the rule
files, keeps the community's members in a live state and answers HTTP
requests with JSON (SPEC §17.9 lists the endpoints). A FILE is a Charter
file or a directory of them, as for charter check.

The server is the host, so its clock is the time of a request that gives
no "at"; a request may give its own "at" (RFC 3339), up to a day ahead of
the clock.

Flags:
  --community NAME      the community to serve (required)
  --addr HOST:PORT      where to listen (default 127.0.0.1:8080; :8080
                        listens on every interface)
  --store FILE          keep the state durable in FILE, a bbolt database
                        made when missing: every change is written and
                        synced before its answer, and a restart, even
                        after a crash, recovers every acknowledged change
  --store postgres://USER@HOST/DB
                        keep it in PostgreSQL instead, for several servers
                        applying to one community: each decision is made
                        against the latest committed state. A store
                        written under another rule file is migrated at
                        start, and the log says what that changed
  --snapshot FILE       keep the state in FILE: read at start when it
                        exists, written (whole, then renamed over FILE)
                        every --snapshot-every and at shutdown. A crash
                        loses the events since the last write
  --snapshot-every D    how often to write the snapshot when the state
                        changed (default 1m; 0 writes only at shutdown)
  --decision-log FILE   append one JSON line per decision to FILE, for
                        audit: {"time", "at", "endpoint", "member",
                        "action", "verdict", "rules", "applied"}. A named
                        pipe holds the start until a reader opens it
  --max-members N       refuse joins beyond N members (default 1000000),
                        and a snapshot or store that holds more at start
  --max-body BYTES      refuse larger request bodies with 413 (default
                        1048576)
  --max-id BYTES        refuse longer member IDs (default 256)

Timeouts: 10s to read a request, 30s to answer it, 120s for an idle
kept-alive connection. GET /healthz answers {"status": "ok", ...};
GET /metrics serves Prometheus metrics.

On SIGINT or SIGTERM the server stops taking connections, finishes the
requests in flight (for up to 30s), writes the snapshot and closes the
decision log, then exits 0.

Example:

  $ charter serve examples/fanclub --community FanClub --addr 127.0.0.1:8080 &
  $ curl -s -X POST 127.0.0.1:8080/members -d '{"id": "alice"}'
  {
    "id": "alice",
    "members": 1
  }
  $ curl -s -X POST 127.0.0.1:8080/decide \
      -d '{"member": "alice", "action": "post", "args": {"length": 10, "topic": "hi"}}'

The answer is the decision: "allowed": false, by the rule "first
introduce then post", at the server's clock.

Exit status: 0 after a graceful shutdown, 1 the rule files have errors
(printed as charter check prints them), 2 usage errors: a missing or bad
flag, an unknown community, an unreadable snapshot, an address that cannot
be listened on.
`,
		run: runServe,
	})
}

func runServe(args []string, _ io.Reader, _, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, args, stderr, nil)
}

// shutdownGrace is how long a shutdown waits for requests in flight.
const shutdownGrace = 30 * time.Second

// serveUntil runs the server until ctx is done, then shuts it down.
// listening, when not nil, receives the address once the server listens.
func serveUntil(ctx context.Context, args []string, stderr io.Writer, listening func(addr string)) int {
	c := commands["serve"]
	fs := newFlags(c, stderr)
	community := fs.String("community", "", "the community to serve")
	addr := fs.String("addr", "127.0.0.1:8080", "where to listen")
	storeDSN := fs.String("store", "", "keep the state durable: a bbolt file or a postgres:// URL")
	snapPath := fs.String("snapshot", "", "keep the state in this file")
	every := fs.Duration("snapshot-every", time.Minute, "how often to write the snapshot")
	logPath := fs.String("decision-log", "", "append decisions to this file as JSON Lines")
	maxMembers := fs.Int("max-members", serve.DefaultMaxMembers, "refuse joins beyond this many members")
	maxBody := fs.Int64("max-body", serve.DefaultMaxBody, "the largest request body in bytes")
	maxID := fs.Int("max-id", serve.DefaultMaxIDLen, "the longest member ID in bytes")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "charter serve: %v\n", err)
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "charter serve: no rule files given\n\n%s", c.usage)
		return exitUsage
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"--max-members", int64(*maxMembers)}, {"--max-body", *maxBody}, {"--max-id", int64(*maxID)}} {
		if f.v <= 0 {
			return fail(fmt.Errorf("%s %d: want a positive number", f.name, f.v))
		}
	}
	if *every < 0 {
		return fail(fmt.Errorf("--snapshot-every %v: want a positive duration, or 0 to write only at shutdown", *every))
	}
	if *storeDSN != "" && *snapPath != "" {
		return fail(errors.New("--store and --snapshot both keep the state: give one"))
	}
	com, code := openCommunity(c.name, paths, *community, stderr)
	if com == nil {
		return code
	}
	var state serve.State
	// handler receives the store's commit times once it exists; the store
	// commits nothing before the first request.
	var handler atomic.Pointer[serve.Handler]
	var mem *runtime.State // the state --snapshot writes, when in memory
	var durable *store.State
	var err error
	if *storeDSN != "" {
		durable, err = store.Open(ctx, com, *storeDSN, store.WithState(runtime.Clock(time.Now)),
			store.OnCommit(func(d time.Duration) {
				if h := handler.Load(); h != nil {
					h.ObserveCommit(d)
				}
			}))
		if err != nil {
			return fail(fmt.Errorf("--store: %w", err))
		}
		state = durable
	} else {
		mem, err = openState(com, *snapPath)
		if err != nil {
			return fail(err)
		}
		state = mem
	}
	errorLog := log.New(stderr, "charter serve: ", log.LstdFlags)
	if durable != nil {
		if m := durable.Migration(); m != nil {
			errorLog.Printf("--store: the rule file changed since the store was written: %s", migrationText(m))
		}
		// Close compacts the log into a snapshot: the next start reads
		// one snapshot instead of replaying the log. It runs on every
		// return from here, a refusal below included, so that the file
		// is not left open (and locked) in this process.
		defer func() {
			if err := durable.Close(); err != nil {
				errorLog.Printf("--store: %v", err)
			}
		}()
	}
	cfg := serve.Config{
		Limits:   serve.Limits{MaxMembers: *maxMembers, MaxBody: *maxBody, MaxIDLen: *maxID},
		Clock:    time.Now,
		ErrorLog: errorLog,
	}
	var logFile *os.File
	if *logPath != "" {
		logFile, err = os.OpenFile(*logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fail(fmt.Errorf("--decision-log: %w", err))
		}
		defer logFile.Close()
		cfg.DecisionLog = logFile
	}
	h, err := serve.New(state, cfg)
	// serve.New refuses a state already over the bound, which would
	// refuse every join while holding more than the operator asked for.
	// Refusing loses nothing: the snapshot is left as it was, and the
	// store keeps every member.
	if over := (*serve.OverMaxMembersError)(nil); errors.As(err, &over) {
		from := "--snapshot " + *snapPath
		if durable != nil {
			from = "--store"
		}
		return fail(fmt.Errorf("%s holds %d members, more than --max-members %d: give --max-members %d or more to serve it", from, over.Members, over.Max, over.Members))
	}
	if err != nil {
		return fail(err)
	}
	handler.Store(h)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(fmt.Errorf("--addr: %w", err))
	}
	srv := h.Server(*addr)
	cfg.ErrorLog.Printf("serving %s (%s) on http://%s", com.Name, plural(state.Len(), "member"), ln.Addr())
	if listening != nil {
		listening(ln.Addr().String())
	}

	saver := &snapshotter{path: *snapPath, state: mem, saved: state.Events()}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var tick <-chan time.Time
	if *snapPath != "" && *every > 0 {
		t := time.NewTicker(*every)
		defer t.Stop()
		tick = t.C
	}
	status := exitOK
loop:
	for {
		select {
		case err := <-served:
			// Serve returns only on a failure here: Shutdown has not run.
			cfg.ErrorLog.Printf("%v", err)
			status = exitUsage
			break loop
		case <-tick:
			if err := saver.save(); err != nil {
				cfg.ErrorLog.Printf("%v", err)
			}
		case <-ctx.Done():
			cfg.ErrorLog.Printf("shutting down: finishing requests in flight")
			sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			err := srv.Shutdown(sctx)
			cancel()
			if err != nil {
				cfg.ErrorLog.Printf("shutdown: %v", err)
				srv.Close()
			}
			break loop
		}
	}
	if err := saver.save(); err != nil {
		cfg.ErrorLog.Printf("%v", err)
		status = exitUsage
	}
	if logFile != nil {
		if err := logFile.Sync(); err != nil {
			cfg.ErrorLog.Printf("--decision-log: %v", err)
			status = exitUsage
		}
	}
	if status == exitOK {
		cfg.ErrorLog.Printf("stopped: %s, %d events", plural(state.Len(), "member"), state.Events())
	}
	return status
}

// openState restores the state from the snapshot at path, when there is
// one, or makes an empty one.
func openState(com *runtime.Community, path string) (*runtime.State, error) {
	// The clock only bounds how far ahead a request may date an event.
	opts := []runtime.StateOption{runtime.Clock(time.Now)}
	if path == "" {
		return runtime.NewState(com, opts...), nil
	}
	// A pipe or device would never end (/dev/zero) or wait for a writer;
	// the server writes its snapshot to a regular file.
	f, _, err := lang.OpenSource(path)
	if errors.Is(err, fs.ErrNotExist) {
		return runtime.NewState(com, opts...), nil
	}
	if err != nil {
		return nil, fmt.Errorf("--snapshot: %w", err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("--snapshot: %w", err)
	}
	snap, err := runtime.ReadSnapshot(data)
	if err != nil {
		return nil, fmt.Errorf("--snapshot %s: %w", path, err)
	}
	st, err := runtime.Restore(com, snap, opts...)
	if err != nil {
		return nil, fmt.Errorf("--snapshot %s: %w", path, err)
	}
	return st, nil
}

// snapshotter writes the state's snapshot when it changed since the last
// write.
type snapshotter struct {
	path  string
	state *runtime.State
	mu    sync.Mutex
	saved uint64 // events at the last write
}

func (s *snapshotter) save() error {
	if s.path == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.state.Snapshot()
	if snap.Events == s.saved {
		if _, err := os.Stat(s.path); err == nil {
			return nil
		}
	}
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("--snapshot: %w", err)
	}
	if err := replaceFileSync(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("--snapshot: %w", err)
	}
	s.saved = snap.Events
	return nil
}

// replaceFileSync writes data to path through a temporary file in the
// same directory, synced before it is renamed over path, so that a crash
// leaves the old snapshot or the new one, never half of one.
func replaceFileSync(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync() // the rename itself; not every file system supports it
		d.Close()
	}
	return nil
}

// migrationText says what following a changed rule file did to the
// members, for the server's log.
func migrationText(m *runtime.Migration) string {
	if m.Empty() {
		return "no member changed"
	}
	var parts []string
	for _, f := range []struct {
		counts map[string]int
		what   string
	}{
		{m.Dropped, "attribute %s dropped (%s)"},
		{m.Defaulted, "attribute %s takes its default (%s)"},
		{m.DroppedActions, "history of action %s dropped (%s)"},
	} {
		names := make([]string, 0, len(f.counts))
		for n := range f.counts {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			parts = append(parts, fmt.Sprintf(f.what, n, plural(f.counts[n], "member")))
		}
	}
	return strings.Join(parts, "; ")
}
