package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const (
	messy     = "community A{may a\n badge b if x>1}\n"
	formatted = "community A {\n  may a\n  badge b if x > 1\n}\n"
	broken    = "community A {\n  may\n}\n"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCmd(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestFmtStdin(t *testing.T) {
	code, out, errs := runCmd(messy, "fmt")
	if code != exitOK || out != formatted || errs != "" {
		t.Errorf("got %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = runCmd(messy, "fmt", "-l")
	if code != exitOK || out != "<standard input>\n" {
		t.Errorf("-l on stdin: got %d, %q", code, out)
	}
	code, _, errs = runCmd(messy, "fmt", "-w")
	if code != exitUsage || !strings.Contains(errs, "standard input") {
		t.Errorf("-w on stdin: got %d, %q", code, errs)
	}
}

func TestFmtPrintsFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.charter": messy})
	path := filepath.Join(dir, "a.charter")
	code, out, errs := runCmd("", "fmt", path)
	if code != exitOK || out != formatted || errs != "" {
		t.Errorf("got %d, stdout %q, stderr %q", code, out, errs)
	}
	if src, _ := os.ReadFile(path); string(src) != messy {
		t.Errorf("fmt without -w changed the file: %q", src)
	}
}

func TestFmtListAndWriteWalkDirectories(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.charter":          messy,
		"ok.charter":         formatted,
		"sub/b.charter":      messy,
		"sub/notes.txt":      messy,
		".hidden/c.charter":  messy,
		"sub/deep/d.charter": messy,
	})
	if runtime.GOOS != "windows" {
		if err := os.Chmod(filepath.Join(dir, "sub/b.charter"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runCmd("", "fmt", "-l", dir)
	want := strings.Join([]string{
		filepath.Join(dir, "a.charter"),
		filepath.Join(dir, "sub/b.charter"),
		filepath.Join(dir, "sub/deep/d.charter"),
	}, "\n") + "\n"
	if code != exitOK || out != want || errs != "" {
		t.Fatalf("-l: got %d, stdout %q, stderr %q; want stdout %q", code, out, errs, want)
	}

	code, out, errs = runCmd("", "fmt", dir, "-w") // flags may follow the paths
	if code != exitOK || out != "" || errs != "" {
		t.Fatalf("-w: got %d, stdout %q, stderr %q", code, out, errs)
	}
	for _, name := range []string{"a.charter", "ok.charter", "sub/b.charter", "sub/deep/d.charter"} {
		if src, _ := os.ReadFile(filepath.Join(dir, name)); string(src) != formatted {
			t.Errorf("%s after -w: %q", name, src)
		}
	}
	for _, name := range []string{"sub/notes.txt", ".hidden/c.charter"} {
		if src, _ := os.ReadFile(filepath.Join(dir, name)); string(src) != messy {
			t.Errorf("-w touched %s", name)
		}
	}
	if runtime.GOOS != "windows" {
		info, err := os.Stat(filepath.Join(dir, "sub/b.charter"))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("-w did not keep the file mode: %v %v", info.Mode(), err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	if len(entries) != 3 { // b.charter, notes.txt, deep: no temporary files left
		t.Errorf("unexpected files after -w: %v", entries)
	}
	code, out, _ = runCmd("", "fmt", "-l", dir)
	if code != exitOK || out != "" {
		t.Errorf("-l after -w: got %d, %q", code, out)
	}
}

func TestFmtDiff(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.charter": messy})
	path := filepath.Join(dir, "a.charter")
	code, out, errs := runCmd("", "fmt", "-d", path)
	want := "diff " + path + ".orig " + path + "\n--- " + path + ".orig\n+++ " + path + "\n" +
		"@@ -1,2 +1,4 @@\n" +
		"-community A{may a\n" +
		"- badge b if x>1}\n" +
		"+community A {\n" +
		"+  may a\n" +
		"+  badge b if x > 1\n" +
		"+}\n"
	if code != exitOK || out != want || errs != "" {
		t.Errorf("got %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errs, out, want)
	}
	code, out, _ = runCmd(formatted, "fmt", "-d")
	if code != exitOK || out != "" {
		t.Errorf("-d of a canonical file: got %d, %q", code, out)
	}
}

func TestFmtSyntaxError(t *testing.T) {
	dir := writeFiles(t, map[string]string{"bad.charter": broken, "good.charter": messy})
	bad, good := filepath.Join(dir, "bad.charter"), filepath.Join(dir, "good.charter")
	code, out, errs := runCmd("", "fmt", "-w", dir)
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	if out != "" || !strings.HasPrefix(errs, bad+":3:1: error: ") || !strings.HasSuffix(errs, "[CH0002]\n") {
		t.Errorf("stdout %q, stderr %q", out, errs)
	}
	if src, _ := os.ReadFile(bad); string(src) != broken {
		t.Errorf("the file with errors was rewritten: %q", src)
	}
	if src, _ := os.ReadFile(good); string(src) != formatted {
		t.Errorf("the good file was not rewritten: %q", src)
	}
	code, out, _ = runCmd(broken, "fmt")
	if code != exitFindings || out != "" {
		t.Errorf("stdin with errors: got %d, stdout %q", code, out)
	}
}

func TestFmtUsageAndIOErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.charter": messy})
	code, out, errs := runCmd("", "fmt", filepath.Join(dir, "missing.charter"), filepath.Join(dir, "a.charter"))
	if code != exitUsage || out != formatted || !strings.Contains(errs, "missing.charter") {
		t.Errorf("missing file: got %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = runCmd("", "fmt", "-x")
	if code != exitUsage || !strings.Contains(errs, "usage: charter fmt") {
		t.Errorf("bad flag: got %d, stderr %q", code, errs)
	}
	code, out, _ = runCmd("", "help", "fmt")
	if code != exitOK || !strings.Contains(out, "usage: charter fmt [-l] [-w] [-d] [PATH...]") || !strings.Contains(out, "Exit status") {
		t.Errorf("help fmt: got %d, %q", code, out)
	}
}
