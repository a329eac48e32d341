package browsertest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCleanPage(t *testing.T) {
	path := write(t, "clean.html", `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head>
<body><p class="x">one</p><p class="x" data-k="v">two  &amp;
three</p><script>console.log("hello", 42)</script></body></html>`)
	p := Open(t, path)
	p.NoErrors()
	p.SelfContained()
	if n := p.Count("p.x"); n != 2 {
		t.Errorf("Count(p.x) = %d, want 2", n)
	}
	if got, want := p.Texts("p.x"), []string{"one", "two & three"}; !slices.Equal(got, want) {
		t.Errorf("Texts = %q, want %q", got, want)
	}
	if got, want := p.Attrs("p.x", "data-k"), []string{"", "v"}; !slices.Equal(got, want) {
		t.Errorf("Attrs = %q, want %q", got, want)
	}
	if !slices.Contains(p.Console(), "log: hello 42") {
		t.Errorf("Console() = %q, want it to hold %q", p.Console(), "log: hello 42")
	}
	var sum int
	p.Eval("1 + 2", &sum)
	if sum != 3 {
		t.Errorf("Eval(1 + 2) = %d", sum)
	}
	shot := p.Screenshot("clean.png")
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot %s is not a PNG", shot)
	}
}

// The checks must see what goes wrong, or a passing report test means
// nothing.
func TestErrorsAreSeen(t *testing.T) {
	path := write(t, "broken.html", `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head>
<body><img src="missing.png" alt="">
<script>console.error("bad <thing>"); undefinedFunction();</script></body></html>`)
	p := Open(t, path)
	errs := strings.Join(p.Errors(), "\n")
	if !strings.Contains(errs, "console.error: bad <thing>") {
		t.Errorf("Errors() misses the console.error:\n%s", errs)
	}
	if !strings.Contains(errs, "undefinedFunction") {
		t.Errorf("Errors() misses the exception:\n%s", errs)
	}
	failed := strings.Join(p.FailedRequests(), "\n")
	if !strings.Contains(failed, "missing.png") {
		t.Errorf("FailedRequests() misses missing.png: %q", failed)
	}
	if reqs := p.Requests(); len(reqs) < 2 || reqs[0] != p.URL() {
		t.Errorf("Requests() = %q, want the page then missing.png", reqs)
	}

	// The next page in the same browser starts with a clean record.
	clean := write(t, "clean.html", `<!doctype html><title>t</title><p>ok</p>`)
	p.Navigate(clean)
	if errs, failed := p.Errors(), p.FailedRequests(); len(errs)+len(failed) > 0 {
		t.Errorf("after Navigate: errors %q, failed requests %q", errs, failed)
	}
	if got := p.Texts("p"); !slices.Equal(got, []string{"ok"}) {
		t.Errorf("after Navigate: p = %q", got)
	}
	p.SelfContained()
}

func TestSVGFile(t *testing.T) {
	path := write(t, "pic.svg", `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50">
<title>a &lt;picture&gt;</title><rect data-n="1" width="10" height="10"/><rect data-n="2" x="20" width="10" height="10"/>
<text x="5" y="40">label</text></svg>`)
	p := Open(t, path)
	p.NoErrors()
	p.SelfContained()
	if n := p.Count("rect[data-n]"); n != 2 {
		t.Errorf("Count(rect[data-n]) = %d, want 2", n)
	}
	if got := p.Texts("title"); !slices.Equal(got, []string{"a <picture>"}) {
		t.Errorf("title = %q", got)
	}
}

func TestArtifactDirKeepsFiles(t *testing.T) {
	root := t.TempDir()
	t.Setenv(EnvArtifacts, root)
	dir := ArtifactDir(t)
	if want := filepath.Join(root, "browsertest", "TestArtifactDirKeepsFiles"); dir != want {
		t.Errorf("ArtifactDir = %s, want %s", dir, want)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Errorf("ArtifactDir did not make %s: %v", dir, err)
	}
}
