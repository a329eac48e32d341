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
