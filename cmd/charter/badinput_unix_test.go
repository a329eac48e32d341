//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNonRegularRuleFiles checks that a named pipe called *.charter,
// given or found in a directory, is refused at once with exit status 2 by
// every command that reads rule files: reading it would wait for a writer
// for ever.
func TestNonRegularRuleFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.charter": formatted})
	fifo := filepath.Join(dir, "pipe.charter")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	at := "--at=2026-01-15T00:00:00Z"
	for _, args := range [][]string{
		{"check", fifo},
		{"check", dir},
		{"test", fifo},
		{"test", dir},
		{"fmt", fifo},
		{"fmt", "-l", dir},
		{"gen", fifo},
		{"eval", fifo, "--community", "A", "--action", "a()", at},
		{"roles", dir, "--community", "A", "--members", "-", at},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, out, errs := runCmd("", args...)
				done <- result{code, out, errs}
			}()
			select {
			case r := <-done:
				if r.code != exitUsage || !strings.Contains(r.stderr, "pipe.charter: is a named pipe") {
					t.Errorf("exit %d, stderr %q; want 2 and an error naming the pipe", r.code, r.stderr)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("did not return within 5s")
			}
		})
	}
}

// TestFmtWriteKeepsSymlink checks that fmt -w on a symbolic link rewrites
// the file it leads to and leaves the link a link.
func TestFmtWriteKeepsSymlink(t *testing.T) {
	dir := writeFiles(t, map[string]string{"real/a.charter": messy})
	target := filepath.Join(dir, "real/a.charter")
	link := filepath.Join(dir, "link.charter")
	if err := os.Symlink("real/a.charter", link); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd("", "fmt", "-w", link); code != exitOK || out != "" || errs != "" {
		t.Fatalf("got %d, stdout %q, stderr %q", code, out, errs)
	}
	info, err := os.Lstat(link)
	if err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", info.Mode(), err)
	}
	if dest, _ := os.Readlink(link); dest != "real/a.charter" {
		t.Errorf("the link now leads to %q", dest)
	}
	if src, _ := os.ReadFile(target); string(src) != formatted {
		t.Errorf("target after -w: %q", src)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("unexpected files after -w: %v", entries)
	}
}

// TestEndlessInputFiles: a file flag that names something without end or
// that waits for a writer is refused at once, not read until memory runs
// out or waited on for ever: --snapshot of charter serve is refused unless
// a regular file (the server writes it as one), and the model of charter
// simulate is read at most one byte past its 8 MiB limit (a pipe stays
// allowed there, for --model <(...)).
func TestEndlessInputFiles(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	fifo := filepath.Join(t.TempDir(), "state.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	club := "../../examples/fanclub/fanclub.charter"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"serve --snapshot FIFO", []string{"serve", club, "--community", "FanClub", "--addr", "127.0.0.1:0", "--snapshot", fifo}, "--snapshot: read " + fifo + ": is a named pipe, not a regular file"},
		{"serve --snapshot /dev/zero", []string{"serve", club, "--community", "FanClub", "--addr", "127.0.0.1:0", "--snapshot", "/dev/zero"}, "--snapshot: read /dev/zero: is a device, not a regular file"},
		{"simulate --model /dev/zero", []string{"simulate", club, "--community", "FanClub", "--model", "/dev/zero", "--out", t.TempDir()}, "/dev/zero: the model is larger than 8388608 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, out, errs := runCmd("", tc.args...)
				done <- result{code, out, errs}
			}()
			select {
			case r := <-done:
				if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("did not return within 5s")
			}
		})
	}
}
