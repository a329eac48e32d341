//go:build unix

package lang

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRefusesNonRegularFiles checks that a named pipe, a socket or a
// device called *.charter is an error naming it, whether given or found
// in a directory, and that Load returns at once: opening a pipe blocks
// until a writer comes, and a device may never end.
func TestLoadRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"ok.charter": "community A {}\n"})
	fifo := filepath.Join(dir, "pipe.charter")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	sockDir := t.TempDir()
	sock := filepath.Join(sockDir, "s.charter")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	defer l.Close()
	write(t, sockDir, map[string]string{"ok.charter": "community B {}\n"})
	link := filepath.Join(t.TempDir(), "link.charter")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path, want string
	}{
		{"named pipe given", fifo, "pipe.charter: is a named pipe"},
		{"named pipe in a directory", dir, "pipe.charter: is a named pipe"},
		{"symbolic link to a pipe", link, "link.charter: is a named pipe"},
		{"socket in a directory", sockDir, "s.charter: is a socket"},
		{"device given", "/dev/zero", "/dev/zero: is a device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Load(tc.path)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("Load(%s): %v, want an error containing %q", tc.path, err, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("Load(%s) did not return within 5s", tc.path)
			}
		})
	}
}
