package store_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/store"
)

// crashMembers is how many members the crash test's stream joins first.
const crashMembers = 20

// crashOp applies event k (1-based) of the crash test's stream to s: a
// join for the first ones, then tips, posts and updates, each of which
// the rules allow, so that event k of the stream is the state's k-th.
func crashOp(c *runtime.Community, s mutator, k uint64) (uint64, error) {
	ctx := context.Background()
	if k <= crashMembers {
		m, _ := c.Member(map[string]any{"points": 1_000_000})
		return k, s.Join(fmt.Sprint("m", k), m)
	}
	r := rand.New(rand.NewPCG(k, 7))
	id := fmt.Sprint("m", 1+r.IntN(crashMembers))
	// Each event a day and an hour after the one before: posts stay
	// under their limit of 3 a day.
	at := t0.Add(time.Duration(k) * 25 * time.Hour)
	var res runtime.Result
	var err error
	switch r.IntN(10) {
	case 0:
		return k, s.Update(id, map[string]any{"note": "event " + strconv.FormatUint(k, 10)})
	case 1, 2, 3:
		res, err = s.Apply(ctx, id, "post", nil, at)
	default:
		to := fmt.Sprint("m", 1+r.IntN(crashMembers))
		res, err = s.Apply(ctx, id, "tip", runtime.Args{"to": to, "amount": 1 + r.IntN(5)}, at)
	}
	if err == nil && !res.Applied {
		err = fmt.Errorf("event %d was denied: %s", k, res.Decision.Reasons())
	}
	return res.Seq, err
}

// TestCrashChild is the child process of TestBoltCrash: it applies the
// stream's events as fast as it can, and prints the sequence number of
// each as soon as its call returned.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("CHARTER_CRASH_CHILD")
	if path == "" {
		t.Skip("the child process of TestBoltCrash")
	}
	c := tips(t, tipsSrc)
	d, err := store.Open(context.Background(), c, path, store.CompactEvery(150))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	for k := d.Events() + 1; ; k++ {
		seq, err := crashOp(c, d, k)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		if seq != k {
			fmt.Printf("error: event %d logged as %d\n", k, seq)
			os.Exit(2)
		}
		// os.Stdout is unbuffered: the line is in the pipe now.
		fmt.Println(k)
	}
}

// TestBoltCrash kills a process applying events with SIGKILL at 20
// random moments. After each, reopening the store finds every event the
// child acknowledged, no event half applied (the state equals a fresh
// State fed the same events), and goals equal to a rescan.
func TestBoltCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	c := tips(t, tipsSrc)
	path := filepath.Join(t.TempDir(), "crash.db")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	want := runtime.NewState(c) // fed the stream up to what the store holds
	var fed uint64
	var total uint64
	for round := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CHARTER_CRASH_CHILD="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acked := make(chan uint64)
		go func() {
			defer close(acked)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				n, err := strconv.ParseUint(sc.Text(), 10, 64)
				if err != nil {
					t.Errorf("round %d: child: %s", round, sc.Text())
					continue
				}
				acked <- n
			}
		}()
		// Kill at a random moment once the child applies events.
		var last uint64
		first, ok := <-acked
		if !ok {
			cmd.Wait()
			t.Fatalf("round %d: the child applied nothing", round)
		}
		last = first
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
		fed0 := fed
		d, err := store.Open(context.Background(), c, path, store.CompactEvery(0))
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
		total += got - fed0
		store.Abandon(d)
		t.Logf("round %d: acknowledged %d, recovered %d", round, last, got)
	}
	t.Logf("%d events applied in 20 rounds", total)
}
