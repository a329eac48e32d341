package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestMain lets a test run this binary as the charter command itself:
// with CHARTER_TEST_MAIN=1 it is charter, with its arguments.
func TestMain(m *testing.M) {
	if os.Getenv("CHARTER_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestServeUsageErrors(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	badSnap := tempFile(t, "snap.json", `{"community": "FanClub", "events": 1, "members": [], "members": []}`)
	otherSnap := tempFile(t, "other.json", `{"community": "Other", "events": 0, "members": []}`)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve"}, exitUsage, "no rule files given"},
		{[]string{"serve", fanclubFile}, exitUsage, "--community is required"},
		{[]string{"serve", fanclubFile, "--community", "Nope"}, exitUsage, `unknown community "Nope"`},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--max-body", "0"}, exitUsage, "--max-body 0: want a positive number"},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--max-members", "-3"}, exitUsage, "--max-members -3"},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--snapshot-every", "-1s"}, exitUsage, "--snapshot-every -1s"},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--snapshot", badSnap}, exitUsage, `duplicate key "members" at line 1, column 54`},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--snapshot", otherSnap}, exitUsage, `snapshot is of community "Other"`},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--addr", taken.Addr().String()}, exitUsage, "--addr: listen tcp"},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--decision-log", t.TempDir()}, exitUsage, "--decision-log: open"},
		{[]string{"serve", fanclubFile, "--community", "FanClub", "--bogus"}, exitUsage, "flag provided but not defined: -bogus"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := charterIn(t, "", tc.args...)
			if code != tc.code || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", code, out, errOut, tc.code, tc.want)
			}
		})
	}
	code, _, errOut := charterIn(t, "", "serve", tempFile(t, "bad.charter", "community A {"), "--community", "A")
	if code != exitFindings || !strings.Contains(errOut, "error") {
		t.Errorf("rule file with errors: exit %d, stderr %q", code, errOut)
	}
}

// TestServeHelpExample starts the server of charter help serve's example
// (on a free port) and runs its curl commands against it.
func TestServeHelpExample(t *testing.T) {
	code, usage, _ := charterIn(t, "", "help", "serve")
	if code != exitOK {
		t.Fatal("no help")
	}
	t.Chdir("../..")
	exs := shellExamples(usage)
	if len(exs) < 2 || !strings.HasPrefix(exs[0].command, "charter serve ") || !strings.HasSuffix(exs[0].command, " &") {
		t.Fatalf("the example does not start with charter serve ... &: %+v", exs)
	}
	args := shellWords(t, strings.TrimSuffix(exs[0].command, " &"))[2:]
	const exampleAddr = "127.0.0.1:8080"
	for i, a := range args {
		if a == exampleAddr {
			args[i] = "127.0.0.1:0"
		}
	}
	addr := startServe(t, args)
	ran := 0
	for _, ex := range exs[1:] {
		words := shellWords(t, strings.ReplaceAll(ex.command, exampleAddr, addr))
		if words[0] != "curl" {
			t.Fatalf("example %q: only curl follows the server", ex.command)
		}
		status, body := curl(t, words[1:])
		if status >= 300 {
			t.Errorf("$ %s: status %d %s", ex.command, status, body)
		}
		if ex.output != "" && body != ex.output {
			t.Errorf("$ %s\n%s\nthe help text says:\n%s", ex.command, body, ex.output)
		}
		if strings.Contains(ex.command, "/decide") && (!strings.Contains(body, `"allowed": false`) || !strings.Contains(body, "first introduce then post")) {
			t.Errorf("$ %s\n%s\nwant it denied by first introduce then post, as the help says", ex.command, body)
		}
		ran++
	}
	if ran < 2 {
		t.Errorf("ran %d curl examples", ran)
	}
}

// startServe runs charter serve in this process until the test ends, and
// returns the address it listens on.
func startServe(t *testing.T, args []string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan string, 1)
	done := make(chan int, 1)
	stderr := &syncBuilder{b: &strings.Builder{}}
	go func() { done <- serveUntil(ctx, args, stderr, func(a string) { addrs <- a }) }()
	exited := false
	t.Cleanup(func() {
		cancel()
		if exited {
			return
		}
		if code := <-done; code != exitOK {
			t.Errorf("charter serve exited %d:\n%s", code, stderr)
		}
	})
	select {
	case a := <-addrs:
		return a
	case code := <-done:
		exited = true
		t.Fatalf("charter serve %q exited %d before listening:\n%s", args, code, stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("charter serve did not listen within 10s")
	}
	return ""
}

// syncBuilder collects the server's log, written from its goroutines.
type syncBuilder struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// curl runs the curl arguments -s, -X METHOD, -d BODY and a URL as an
// HTTP request.
func curl(t *testing.T, args []string) (int, string) {
	t.Helper()
	method, body, url := "GET", "", ""
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-s":
		case "-X":
			i++
			method = args[i]
		case "-d":
			i++
			body = args[i]
		default:
			url = args[i]
		}
	}
	if !strings.HasPrefix(url, "http") {
		url = "http://" + url
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// process is charter serve running as a process of its own.
type process struct {
	cmd  *exec.Cmd
	addr string
	log  chan string // the rest of standard error, line by line
}

var servingLine = regexp.MustCompile(`serving \S+ \(.*\) on http://(\S+)`)

// spawn runs this test binary as charter with args and waits until it
// listens.
func spawn(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CHARTER_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, log: make(chan string, 100)}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	sc := bufio.NewScanner(stderr)
	addr := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				continue
			}
			p.log <- sc.Text()
		}
		close(p.log)
	}()
	select {
	case p.addr = <-addr:
	case <-time.After(20 * time.Second):
		t.Fatal("charter serve did not listen within 20s")
	}
	return p
}

// stop sends sig and returns the exit code and the log lines after the
// serving line.
func (p *process) stop(t *testing.T, sig os.Signal) (int, []string) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range p.log {
		lines = append(lines, l)
	}
	p.cmd.Wait()
	return p.cmd.ProcessState.ExitCode(), lines
}

func (p *process) post(t *testing.T, path, body string) (int, string) {
	t.Helper()
	return curl(t, []string{"-X", "POST", p.addr + path, "-d", body})
}

// TestServeProcess runs the real sub-command on a free port: it answers,
// shuts down gracefully on SIGTERM with the snapshot and decision log
// written, and a restart from the snapshot has every member and event.
func TestServeProcess(t *testing.T) {
	dir := t.TempDir()
	snap, dlog := filepath.Join(dir, "state.json"), filepath.Join(dir, "decisions.jsonl")
	args := []string{"serve", fanclubFile, "--community", "FanClub", "--addr", "127.0.0.1:0", "--snapshot", snap, "--snapshot-every", "0", "--decision-log", dlog}
	p := spawn(t, args...)
	if code, body := p.post(t, "/members", `{"id": "alice", "attributes": {"reputation": 10}}`); code != 201 {
		t.Fatalf("join: %d %s", code, body)
	}
	if code, body := p.post(t, "/members", `{"id": "\udbff"}`); code != 400 || !strings.Contains(body, `"column": 9`) {
		t.Errorf("a lone surrogate: %d %s, want 400 at its column", code, body)
	}
	for _, a := range []string{"post", "introduce", "post"} {
		args := ""
		if a == "post" {
			args = `, "args": {"length": 10, "topic": "hi"}`
		}
		if code, body := p.post(t, "/actions", `{"member": "alice", "action": "`+a+`"`+args+`}`); code != 200 {
			t.Fatalf("%s: %d %s", a, code, body)
		}
	}
	if _, err := os.Stat(snap); err == nil {
		t.Error("the snapshot was written before shutdown with --snapshot-every 0")
	}
	code, lines := p.stop(t, syscall.SIGTERM)
	if code != exitOK {
		t.Fatalf("exit %d after SIGTERM; log %q", code, lines)
	}
	if len(lines) < 2 || !strings.Contains(lines[len(lines)-1], "stopped: 1 member, 3 events") {
		t.Errorf("log %q, want it to end with the count of members and events", lines)
	}
	data, err := os.ReadFile(dlog)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(data), "\n"); got != 3 || !strings.Contains(string(data), `"verdict":"deny"`) {
		t.Errorf("decision log:\n%s\nwant 3 lines, the first a denial", data)
	}

	// Restart from the snapshot: alice is there with her post.
	p = spawn(t, args...)
	code, body := curl(t, []string{p.addr + "/members/alice"})
	if code != 200 || !strings.Contains(body, `"posts": 1`) || !strings.Contains(body, `"introduced": true`) {
		t.Errorf("alice after a restart: %d %s", code, body)
	}
	var health struct{ Events uint64 }
	_, body = curl(t, []string{p.addr + "/healthz"})
	if err := json.Unmarshal([]byte(body), &health); err != nil || health.Events != 3 {
		t.Errorf("healthz after a restart: %s, want 3 events", body)
	}
	// First introduce then post still holds: her introduction was kept.
	if code, body := p.post(t, "/decide", `{"member": "alice", "action": "post", "args": {"length": 10, "topic": "x"}}`); code != 200 || !strings.Contains(body, `"allowed": true`) {
		t.Errorf("post after a restart: %d %s", code, body)
	}
	if code, _ := p.stop(t, os.Interrupt); code != exitOK {
		t.Errorf("exit %d after SIGINT", code)
	}
}

// TestServePeriodicSnapshot: with --snapshot-every, a server killed
// without a chance to save keeps what the last periodic write held.
func TestServePeriodicSnapshot(t *testing.T) {
	snap := filepath.Join(t.TempDir(), "state.json")
	args := []string{"serve", fanclubFile, "--community", "FanClub", "--addr", "127.0.0.1:0", "--snapshot", snap, "--snapshot-every", "50ms"}
	p := spawn(t, args...)
	for i := range 3 {
		if code, body := p.post(t, "/members", fmt.Sprintf(`{"id": "m%d"}`, i)); code != 201 {
			t.Fatalf("join: %d %s", code, body)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(snap)
		if strings.Contains(string(data), `"events":3`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot with 3 events after 10s: %s", data)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.stop(t, syscall.SIGKILL)
	p = spawn(t, args...)
	_, body := curl(t, []string{p.addr + "/healthz"})
	if !strings.Contains(body, `"members": 3`) {
		t.Errorf("after SIGKILL and a restart: %s, want the 3 members", body)
	}
	p.stop(t, syscall.SIGTERM)
}

// TestReadmeServeCurls starts the server of the README's "Serving over
// HTTP" section and runs the section's curl commands against it: each must
// succeed, in order, as a new user would type them.
func TestReadmeServeCurls(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "## Serving over HTTP\n")
	if !ok {
		t.Fatal("README has no section Serving over HTTP")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	cmds := charterCommands(section)
	if len(cmds) != 1 || !strings.HasPrefix(cmds[0], "serve ") {
		t.Fatalf("the section's charter commands are %q, want one charter serve", cmds)
	}
	t.Chdir("../..")
	addr := startServe(t, append(shellWords(t, cmds[0])[1:], "--addr", "127.0.0.1:0"))
	ran := 0
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "curl ") {
			continue
		}
		words := shellWords(t, strings.ReplaceAll(line, "127.0.0.1:8080", addr))
		if status, body := curl(t, words[1:]); status >= 300 {
			t.Errorf("$ %s: status %d %s", line, status, body)
		}
		ran++
	}
	if ran == 0 {
		t.Error("the section has no curl command")
	}
}

// TestServeShutdownFinishesInFlight: a request whose body is still
// arriving when the shutdown begins is answered, and its join is in the
// snapshot the shutdown writes; new connections are refused meanwhile.
func TestServeShutdownFinishesInFlight(t *testing.T) {
	snap := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs := make(chan string, 1)
	done := make(chan int, 1)
	stderr := &syncBuilder{b: &strings.Builder{}}
	go func() {
		done <- serveUntil(ctx, []string{fanclubFile, "--community", "FanClub", "--addr", "127.0.0.1:0", "--snapshot", snap, "--snapshot-every", "0"}, stderr, func(a string) { addrs <- a })
	}()
	var addr string
	select {
	case addr = <-addrs:
	case code := <-done:
		t.Fatalf("exit %d before listening:\n%s", code, stderr)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"id": "late"}`
	fmt.Fprintf(conn, "POST /members HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:5])
	time.Sleep(100 * time.Millisecond) // the server is reading the body
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stderr.String(), "shutting down") {
		if time.Now().After(deadline) {
			t.Fatalf("no shutdown:\n%s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted during the shutdown")
	}
	fmt.Fprint(conn, body[5:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("the request in flight: %s, want 201", resp.Status)
	}
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	data, err := os.ReadFile(snap)
	if err != nil || !strings.Contains(string(data), `"id":"late"`) {
		t.Errorf("snapshot after shutdown: %s %v, want the late join", data, err)
	}
}

// TestServeStore: with --store FILE (bbolt), every acknowledged change
// survives SIGKILL, which gives the server no chance to save anything.
func TestServeStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "club.db")
	args := []string{"serve", fanclubFile, "--community", "FanClub", "--addr", "127.0.0.1:0", "--store", db}
	p := spawn(t, args...)
	if code, body := p.post(t, "/members", `{"id": "alice"}`); code != 201 {
		t.Fatalf("join: %d %s", code, body)
	}
	for _, a := range []string{"introduce", "post"} {
		body := `{"member": "alice", "action": "` + a + `"`
		if a == "post" {
			body += `, "args": {"length": 10, "topic": "hi"}`
		}
		if code, resp := p.post(t, "/actions", body+"}"); code != 200 || !strings.Contains(resp, `"applied": true`) {
			t.Fatalf("%s: %d %s", a, code, resp)
		}
	}
	p.stop(t, syscall.SIGKILL)
	p = spawn(t, args...)
	code, body := curl(t, []string{p.addr + "/members/alice"})
	if code != 200 || !strings.Contains(body, `"posts": 1`) || !strings.Contains(body, `"introduced": true`) {
		t.Errorf("alice after SIGKILL and a restart: %d %s", code, body)
	}
	if code, lines := p.stop(t, syscall.SIGTERM); code != exitOK {
		t.Errorf("exit %d after SIGTERM: %q", code, lines)
	}
	code, _, errOut := charterIn(t, "", "serve", fanclubFile, "--community", "FanClub", "--store", db, "--snapshot", db+".json")
	if code != exitUsage || !strings.Contains(errOut, "--store and --snapshot both keep the state") {
		t.Errorf("--store with --snapshot: exit %d, %q", code, errOut)
	}
}

// TestServeRestoreOverMaxMembers: a snapshot or a store holding more
// members than --max-members is refused at start, naming the count, the
// limit and the flag, and is left whole: a start with the limit raised
// serves every member.
func TestServeRestoreOverMaxMembers(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "state.json")
	for _, tc := range []struct {
		keep []string
		says string // the store's name is not repeated: a postgres:// URL may hold a password
	}{
		{[]string{"--snapshot", snap}, "--snapshot " + snap},
		{[]string{"--store", filepath.Join(dir, "club.db")}, "--store"},
	} {
		t.Run(tc.keep[0], func(t *testing.T) {
			args := append([]string{fanclubFile, "--community", "FanClub", "--addr", "127.0.0.1:0"}, tc.keep...)
			serveJoins(t, args, "ann", "bob", "cid")
			// A server that starts anyway is stopped as soon as it listens.
			ctx, cancel := context.WithCancel(context.Background())
			var errOut strings.Builder
			listened := false
			code := serveUntil(ctx, append(args, "--max-members", "2"), &errOut, func(string) { listened = true; cancel() })
			cancel()
			want := tc.says + " holds 3 members, more than --max-members 2: give --max-members 3 or more"
			if listened || code != exitUsage || !strings.Contains(errOut.String(), want) {
				t.Errorf("listened %v, exit %d, stderr %q; want %d and %q", listened, code, errOut.String(), exitUsage, want)
			}
			addr := startServe(t, append(args, "--max-members", "3"))
			if _, body := curl(t, []string{addr + "/healthz"}); !strings.Contains(body, `"members": 3`) {
				t.Errorf("with --max-members 3: %s, want the 3 members", body)
			}
			if code, body := curl(t, []string{"-X", "POST", addr + "/members", "-d", `{"id": "dan"}`}); code != http.StatusConflict {
				t.Errorf("a fourth join under --max-members 3: %d %s, want 409", code, body)
			}
		})
	}
}

// serveJoins runs charter serve in this process, joins the members ids
// and shuts it down gracefully.
func serveJoins(t *testing.T, args []string, ids ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs := make(chan string, 1)
	done := make(chan int, 1)
	stderr := &syncBuilder{b: &strings.Builder{}}
	go func() { done <- serveUntil(ctx, args, stderr, func(a string) { addrs <- a }) }()
	var addr string
	select {
	case addr = <-addrs:
	case code := <-done:
		t.Fatalf("exit %d before listening:\n%s", code, stderr)
	}
	for _, id := range ids {
		if code, body := curl(t, []string{"-X", "POST", addr + "/members", "-d", `{"id": "` + id + `"}`}); code != http.StatusCreated {
			t.Fatalf("join %s: %d %s", id, code, body)
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
}

// TestServeStoreRuleChangeAfterCrash: a server on a bbolt store is killed
// with operations in its log (SIGKILL: no compaction), and started again
// with a changed rule file. The log is replayed by the rules that decided
// it (three posts allowed, each +1), then migrated to the new file (note
// dropped, level defaulted), and the server logs the migration; the new
// file decides what comes next (its limit denies a fourth post).
func TestServeStoreRuleChangeAfterCrash(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "club.charter")
	db := filepath.Join(dir, "club.db")
	write := func(src string) {
		if err := os.WriteFile(rules, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`community Club {
  member {
    posts: int
    note: string
  }
  action post()
  may post
  limit post 3 per 1d
  on post { posts += 1 }
}
`)
	args := []string{"serve", rules, "--community", "Club", "--addr", "127.0.0.1:0", "--store", db}
	p := spawn(t, args...)
	if code, body := p.post(t, "/members", `{"id": "ann", "attributes": {"note": "hi"}}`); code != 201 {
		t.Fatalf("join: %d %s", code, body)
	}
	for i := range 3 {
		if code, body := p.post(t, "/actions", `{"member": "ann", "action": "post"}`); code != 200 || !strings.Contains(body, `"applied": true`) {
			t.Fatalf("post %d: %d %s", i+1, code, body)
		}
	}
	p.stop(t, syscall.SIGKILL)
	if n := loggedOps(t, db, "Club"); n != 4 {
		t.Fatalf("the store's log holds %d operations after SIGKILL, want the join and the 3 posts", n)
	}

	write(`community Club {
  member {
    posts: int
    level: int = 3
  }
  action post()
  may post
  limit post 1 per 1d
  on post { posts += 2 }
}
`)
	p = spawn(t, args...)
	code, body := curl(t, []string{p.addr + "/members/ann"})
	var ann struct{ Attributes map[string]any }
	if err := json.Unmarshal([]byte(body), &ann); code != 200 || err != nil {
		t.Fatalf("ann after the change: %d %s", code, body)
	}
	if a := ann.Attributes; a["posts"] != 3.0 || a["level"] != 3.0 || a["note"] != nil {
		t.Errorf("ann after the change: %s, want posts 3 (the old rules' three posts), level 3 and no note", body)
	}
	if code, body := p.post(t, "/decide", `{"member": "ann", "action": "post"}`); code != 200 || !strings.Contains(body, `"allowed": false`) || !strings.Contains(body, "limit post 1 per 1d") {
		t.Errorf("a fourth post under the new limit: %d %s, want it denied by it", code, body)
	}
	code, lines := p.stop(t, syscall.SIGTERM)
	if code != exitOK {
		t.Errorf("exit %d after SIGTERM: %q", code, lines)
	}
	const want = "--store: the rule file changed since the store was written: attribute note dropped (1 member); attribute level takes its default (1 member)"
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasSuffix(l, want) }) {
		t.Errorf("log %q, want the migration: %q", lines, want)
	}
}

// loggedOps counts the operations in the log of a bbolt store, after its
// snapshot.
func loggedOps(t *testing.T, path, community string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx *bolt.Tx) error {
		cb := tx.Bucket([]byte(community))
		if cb == nil {
			return fmt.Errorf("no bucket %s", community)
		}
		if lb := cb.Bucket([]byte("log")); lb != nil {
			n = lb.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServeStoreClosedOnRefusal: a start refused after the store opened
// (here, a --decision-log that cannot be opened) closes the store, so
// that the same process can open it again (bbolt locks the file while it
// is open).
func TestServeStoreClosedOnRefusal(t *testing.T) {
	dir := t.TempDir()
	args := []string{fanclubFile, "--community", "FanClub", "--store", filepath.Join(dir, "club.db"), "--addr", "127.0.0.1:0"}
	var errOut strings.Builder
	if code := serveUntil(context.Background(), append(args, "--decision-log", dir), &errOut, nil); code != exitUsage || !strings.Contains(errOut.String(), "--decision-log: open") {
		t.Fatalf("a directory for --decision-log: exit %d, %q", code, errOut.String())
	}
	serveJoins(t, args, "ann")
}
