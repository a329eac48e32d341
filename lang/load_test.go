package lang

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// loadPromptly runs load and fails the test if it takes more than a few
// seconds: hostile input must be rejected, not chewed on.
func loadPromptly(t *testing.T, load func() *LoadSet) *LoadSet {
	t.Helper()
	done := make(chan *LoadSet, 1)
	go func() { done <- load() }()
	select {
	case ls := <-done:
		return ls
	case <-time.After(10 * time.Second):
		t.Fatal("load did not return within 10s")
		return nil
	}
}

func codes(ds diag.List) []diag.Code {
	var cs []diag.Code
	for _, d := range ds {
		cs = append(cs, d.Code)
	}
	return cs
}

func TestLoadHostileInput(t *testing.T) {
	clean := "community Club {\n  member { posts: int }\n  action post()\n  may post if posts >= 0\n}\n"
	binary := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range binary {
		binary[i] = byte(r.Uint32())
	}
	binary[100] = 0
	tests := []struct {
		name        string
		src         []byte
		code        diag.Code // "" for a load without errors
		communities int       // for clean loads
	}{
		{"empty file", nil, "", 0},
		{"only a comment", []byte("// nothing yet\n"), "", 0},
		{"binary data", binary, diag.Encoding, 0},
		{"invalid UTF-8", []byte("community Club {\n  purpose \"x\"\n  \xc3\x28\n}\n"), diag.Encoding, 0},
		{"10 MB file", []byte(strings.Repeat("community Club {}\n", 10<<20/18+1)), diag.LimitFile, 0},
		{"10,000 nested parentheses", []byte("community Club {\n  action post()\n  may post if " +
			strings.Repeat("(", 10000) + "1" + strings.Repeat(")", 10000) + " > 0\n}\n"), diag.LimitDepth, 0},
		{"100,000-character identifier", []byte("community " + strings.Repeat("n", 100000) + " {}\n"), diag.LimitLine, 0},
		{"100,000-character string", []byte("community Club {\n  purpose \"" + strings.Repeat("s", 100000) + "\"\n}\n"), diag.LimitLine, 0},
		{"byte order mark", []byte("\uFEFF" + clean), "", 1},
		{"CRLF line endings", []byte(strings.ReplaceAll(clean, "\n", "\r\n")), "", 1},
		{"CRLF in the example", crlf(t, "../examples/fanclub/fanclub.charter"), "", 2},
		{"no final newline", []byte(strings.TrimSuffix(clean, "\n")), "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := loadPromptly(t, func() *LoadSet {
				return LoadSources(map[string][]byte{"hostile.charter": tt.src})
			})
			for _, d := range ls.Diags {
				p := d.Range.Start
				if p.Filename != "hostile.charter" || p.Line < 1 || p.Column < 1 {
					t.Errorf("diagnostic without a valid position: %v", d)
				}
			}
			if len(ls.Diags) > 50 {
				t.Errorf("got %d diagnostics; one bad input should not flood the output", len(ls.Diags))
			}
			if tt.code == "" {
				// Clean: lint warnings of the checker are no concern here.
				for _, d := range ls.Diags {
					if d.Severity == diag.Error || d.Code < "CH0100" {
						t.Errorf("want a clean load, got %v", d)
					}
				}
				if got := len(ls.Files[0].Communities); got != tt.communities {
					t.Errorf("got %d communities, want %d", got, tt.communities)
				}
				return
			}
			if !ls.Diags.HasErrors() || !slices.Contains(codes(ls.Diags), tt.code) {
				t.Errorf("want an error %s, got %v", tt.code, codes(ls.Diags))
			}
		})
	}
}

func crlf(t *testing.T, path string) []byte {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(src), "\n", "\r\n"))
}

// TestLoadPositions pins where the limits point, so that an editor jumps
// to the offending token rather than to the top of the file.
func TestLoadPositions(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		code      diag.Code
		line, col int
	}{
		{"NUL", "community Club {\n  \x00\n}\n", diag.Encoding, 2, 3},
		{"invalid byte after a BOM", "\uFEFFcommunity Club { \xff }\n", diag.Encoding, 1, 18},
		{"deep nesting", "community Club {\n  action post()\n  may post if " + strings.Repeat("(", 100) + "\n}\n", diag.LimitDepth, 3, 15 + syntax.MaxDepth},
		{"long identifier", "community Club {\n  may " + strings.Repeat("é", 3000) + "\n}\n", diag.LimitLine, 2, 7},
		{"CRLF syntax error", "community Club {\r\n  action post()\r\n  allow post\r\n}\r\n", diag.Syntax, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := LoadSources(map[string][]byte{"f.charter": []byte(tt.src)})
			if len(ls.Diags) == 0 {
				t.Fatalf("want %s at %d:%d, got no diagnostics", tt.code, tt.line, tt.col)
			}
			d := ls.Diags[0]
			if d.Code != tt.code || d.Range.Start.Line != tt.line || d.Range.Start.Column != tt.col {
				t.Errorf("got %v, want %s at %d:%d", d, tt.code, tt.line, tt.col)
			}
		})
	}
}

// write creates the files of a test tree, given as path → content.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func names(ls *LoadSet) []string {
	var ns []string
	for _, f := range ls.Files {
		ns = append(ns, filepath.ToSlash(f.Name))
	}
	return ns
}

func TestLoadWalksDirectories(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"b.charter":                "community B {}\n",
		"a.charter":                "community A {}\n",
		"sub/c_test.charter":       "community C {}\n",
		"sub/deeper/d.charter":     "community D {}\n",
		"sub/notes.txt":            "not charter\n",
		".hidden/e.charter":        "community E {}\n",
		"sub/.git/f.charter":       "community F {}\n",
		".g.charter":               "community G {}\n",
		"sub/x.charter.bak":        "community X {}\n",
		"rules.txt":                "community T {}\n",
		"sub/deeper/.#d.charter":   "lock file of an editor\n",
		"sub/deeper/h.charter.tmp": "community H {}\n",
	})
	ls, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rel := func(ns ...string) []string {
		for i, n := range ns {
			ns[i] = filepath.ToSlash(filepath.Join(dir, n))
		}
		return ns
	}
	want := rel("a.charter", "b.charter", "sub/c_test.charter", "sub/deeper/d.charter")
	if got := names(ls); !slices.Equal(got, want) {
		t.Errorf("loaded %v\nwant %v", got, want)
	}
	if len(ls.Diags) != 0 {
		t.Errorf("unexpected diagnostics: %v", ls.Diags)
	}

	// Paths given explicitly are read whatever their names; a file named
	// twice, or also found in a directory, is loaded once.
	ls, err = Load(filepath.Join(dir, "rules.txt"), filepath.Join(dir, ".hidden"), filepath.Join(dir, "a.charter"), dir)
	if err != nil {
		t.Fatal(err)
	}
	want = rel(".hidden/e.charter", "a.charter", "b.charter", "rules.txt", "sub/c_test.charter", "sub/deeper/d.charter")
	if got := names(ls); !slices.Equal(got, want) {
		t.Errorf("loaded %v\nwant %v", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"empty/readme.txt": "no rules here\n", "ok.charter": "community A {}\n"})

	_, err := Load(filepath.Join(dir, "missing.charter"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.charter") {
		t.Errorf("missing file: got %v, want a not-exist error naming the file", err)
	}
	_, err = Load(filepath.Join(dir, "ok.charter"), filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("one path of two missing: got %v, want a not-exist error", err)
	}
	_, err = Load(filepath.Join(dir, "empty"))
	if err == nil || !strings.Contains(err.Error(), "no .charter files") {
		t.Errorf("directory without rule files: got %v", err)
	}
	if _, err = Load(); err == nil {
		t.Error("Load() with no paths: want an error")
	}
	if os.Geteuid() != 0 { // root reads files whatever their mode
		locked := filepath.Join(dir, "locked.charter")
		write(t, dir, map[string]string{"locked.charter": "community L {}\n"})
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		if _, err = Load(locked); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("unreadable file: got %v, want a permission error", err)
		}
	}
}

// TestLoadLargeFile checks that Load rejects a file over the limit from its
// size, without reading it, and says how large it is.
func TestLoadLargeFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.charter")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 1 GiB file: reading it would show in the test's time.
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	write(t, dir, map[string]string{"ok.charter": "community A {}\n"})

	ls := loadPromptly(t, func() *LoadSet {
		ls, err := Load(dir)
		if err != nil {
			t.Error(err)
			return &LoadSet{}
		}
		return ls
	})
	if len(ls.Diags) != 1 {
		t.Fatalf("got %v, want one CH0004", ls.Diags)
	}
	d := ls.Diags[0]
	if d.Code != diag.LimitFile || d.Range.Start != (diag.Pos{Filename: big, Line: 1, Column: 1}) {
		t.Errorf("got %v, want CH0004 at %s:1:1", d, big)
	}
	if !strings.Contains(d.Message, "1073741824 bytes") {
		t.Errorf("message %q does not give the size", d.Message)
	}
	if len(ls.Files) != 2 || ls.Files[0].Src != nil {
		t.Errorf("want both files listed, the large one without source")
	}
	if _, ok := ls.Sources()[big]; ok {
		t.Error("Sources() holds the file that was not read")
	}
}

// TestLoadChecksOnlyParsedFiles checks that a file with syntax errors is
// kept from the checker, which would otherwise report follow-on errors,
// while the other files are checked.
func TestLoadChecksOnlyParsedFiles(t *testing.T) {
	ls := LoadSources(map[string][]byte{
		"bad.charter":  []byte("community Bad {\n  allow post\n}\n"),
		"good.charter": []byte("community Good {}\n"),
	})
	if got := names(ls); !slices.Equal(got, []string{"bad.charter", "good.charter"}) {
		t.Errorf("files %v, want both in name order", got)
	}
	if ls.Program == nil {
		t.Fatal("Program is nil")
	}
	if len(ls.Program.Files) != 1 || ls.Program.Files[0].Name != "good.charter" {
		t.Errorf("checked %d files, want only good.charter", len(ls.Program.Files))
	}
	if !ls.Diags.HasErrors() || ls.Diags[0].Range.Start.Filename != "bad.charter" {
		t.Errorf("want the syntax error of bad.charter, got %v", ls.Diags)
	}
	src := ls.Sources()
	if len(src) != 2 || string(src["good.charter"]) != "community Good {}\n" {
		t.Errorf("Sources() = %q", src)
	}
}

func TestLoadFanClub(t *testing.T) {
	ls, err := Load("../examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ls.Diags.Errors() {
		t.Errorf("%v", d)
	}
	if len(ls.Files) != 1 || len(ls.Files[0].Communities) != 2 {
		t.Fatalf("want one file with two communities, got %d files", len(ls.Files))
	}
	if ls.Program == nil || len(ls.Program.Files) != 1 {
		t.Error("the example was not handed to the checker")
	}
}

// TestManyErrorsParses keeps testdata/diagnostics/many_errors.charter free
// of syntax-level problems, so that its expectations test the checker alone.
func TestManyErrorsParses(t *testing.T) {
	src, err := os.ReadFile("testdata/diagnostics/many_errors.charter")
	if err != nil {
		t.Fatal(err)
	}
	f, ds := syntax.Parse("many_errors.charter", src)
	for _, d := range ds {
		t.Errorf("%v", d)
	}
	if len(f.Communities) != 3 {
		t.Errorf("got %d communities, want 3", len(f.Communities))
	}
}

// TestLoadSetSize checks the limits on a load set as a whole: more source
// than MaxLoadSize, in files each under syntax.MaxFileSize, or more files
// than MaxLoadFiles, is CH0011 at 1:1 of the file that goes over, and
// nothing is checked.
func TestLoadSetSize(t *testing.T) {
	// Comments only: each file parses cleanly and alone is within limits.
	chunk := strings.Repeat("// padding line of a large load set\n", (syntax.MaxFileSize-100)/36)
	dir := t.TempDir()
	srcs := map[string][]byte{}
	n := MaxLoadSize/len(chunk) + 1
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("f%02d.charter", i)
		srcs[name] = []byte(chunk)
		write(t, dir, map[string]string{name: chunk})
	}
	last := fmt.Sprintf("f%02d.charter", n-1)
	ls, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, ls := range []*LoadSet{ls, LoadSources(srcs)} {
		if len(ls.Diags) != 1 || ls.Diags[0].Code != diag.LimitLoad ||
			filepath.Base(ls.Diags[0].Range.Start.Filename) != last || ls.Diags[0].Range.Start.Line != 1 {
			t.Fatalf("got %v, want one CH0011 at %s:1:1", ls.Diags, last)
		}
		if ls.Program == nil || len(ls.Program.Files) != 0 {
			t.Errorf("want nothing checked")
		}
	}

	many := map[string][]byte{}
	for i := 0; i <= MaxLoadFiles; i++ {
		many[fmt.Sprintf("f%05d.charter", i)] = nil
	}
	ls = LoadSources(many)
	want := fmt.Sprintf("f%05d.charter", MaxLoadFiles)
	if len(ls.Diags) != 1 || ls.Diags[0].Code != diag.LimitLoad || ls.Diags[0].Range.Start.Filename != want {
		t.Fatalf("%d files: got %v, want one CH0011 at %s", len(many), ls.Diags, want)
	}
	delete(many, want)
	if ls = LoadSources(many); len(ls.Diags) != 0 {
		t.Errorf("%d files: got %v, want no diagnostics", len(many), ls.Diags)
	}
}

// TestLoadOverlappingPaths checks that a directory given after one inside
// it is walked whole: the files seen twice do not count towards
// MaxLoadFiles, so the walk does not stop short of files never listed.
func TestLoadOverlappingPaths(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "a")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < MaxLoadFiles*3/4; i++ {
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%05d.charter", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const want = "community Last {}\n"
	if err := os.WriteFile(filepath.Join(dir, "z.charter"), []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	ls, err := Load(sub, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.Diags) != 0 || len(ls.Files) != MaxLoadFiles*3/4+1 {
		t.Fatalf("got %d files and %v, want %d files and no diagnostics", len(ls.Files), ls.Diags, MaxLoadFiles*3/4+1)
	}
}

func TestUnits(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.charter", "b.charter", "b_test.charter", "c_test.charter", "sub/d.charter", "sub/d_test.charter", ".hidden.charter", "notes.txt"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("community X {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	units, err := Units(dir)
	if err != nil {
		t.Fatal(err)
	}
	j := func(names ...string) []string {
		for i, n := range names {
			names[i] = filepath.Join(dir, n)
		}
		return names
	}
	want := [][]string{j("a.charter"), j("b.charter", "b_test.charter"), j("c_test.charter"), j("sub/d.charter", "sub/d_test.charter")}
	if !slices.EqualFunc(units, want, slices.Equal) {
		t.Errorf("Units:\n got %q\nwant %q", units, want)
	}
	// A test file named alone has no subject in the set: it is its own unit.
	units, err = Units(filepath.Join(dir, "b_test.charter"))
	if err != nil || len(units) != 1 || len(units[0]) != 1 {
		t.Errorf("a test file alone: %q, %v", units, err)
	}
	if _, err := Units(filepath.Join(dir, "nope")); err == nil {
		t.Error("Units of a missing path: no error")
	}
	if _, err := Units(); err == nil {
		t.Error("Units(): no error")
	}
}
