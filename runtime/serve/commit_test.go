package serve_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/serve"
	"github.com/charterlang/charter/runtime/store"
)

// A durable state's commits reach charter_commit_seconds through
// store.OnCommit and Handler.ObserveCommit (issue 15's commit latency).
func TestCommitSecondsFromTheStore(t *testing.T) {
	c := compile(t, "Club", "community Club {\n  member { posts: int }\n  action post()\n  may post\n  on post { posts += 1 }\n}\n")
	var hp atomic.Pointer[serve.Handler]
	var commits atomic.Int64
	st, err := store.Open(context.Background(), c, filepath.Join(t.TempDir(), "club.db"),
		store.WithState(runtime.AdmitAll()),
		store.OnCommit(func(d time.Duration) {
			commits.Add(1)
			if h := hp.Load(); h != nil {
				h.ObserveCommit(d)
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, ts := server(t, st, serve.Config{Clock: func() time.Time { return time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) }})
	hp.Store(h)
	base := commits.Load() // opening a new store commits its first record
	if code, body := do(t, ts, "POST", "/members", `{"id": "ann"}`); code != 201 {
		t.Fatalf("join: %d %s", code, body)
	}
	for range 3 {
		if code, body := do(t, ts, "POST", "/actions", `{"member": "ann", "action": "post"}`); code != 200 {
			t.Fatalf("apply: %d %s", code, body)
		}
	}
	n := commits.Load() - base
	if n < 1 || n > 4 {
		t.Fatalf("%d commits for a join and three applies, want 1 to 4 (grouped)", n)
	}
	_, metrics := do(t, ts, "GET", "/metrics", "")
	want := fmt.Sprintf("charter_commit_seconds_count %d", n)
	if !strings.Contains(metrics, want) {
		t.Errorf("metrics lack %q:\n%s", want, grep(metrics, "charter_commit"))
	}
}

// The durable state answers duties and messages itself, with its member
// count, as the in-memory one does: the handler's optional interface holds.
var _ serve.MemberQuestions = (*store.State)(nil)
var _ serve.Reviewer = (*store.State)(nil)
