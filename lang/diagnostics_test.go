package lang

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

var update = flag.Bool("update", false, "rewrite the .golden files of testdata/diagnostics")

// wantRE matches the expectations written in a test file's comments:
// `// want LINE:COL CODE` pins a diagnostic's start, `// want LINE CODE`
// only its line. They check codes and positions independently of the
// wording that the .golden files pin.
var wantRE = regexp.MustCompile(`(?m)^// want (\d+)(?::(\d+))? (CH\d{4})\s*$`)

type want struct {
	line, col int // col 0: any column
	code      diag.Code
}

func (w want) String() string {
	if w.col == 0 {
		return fmt.Sprintf("%d %s", w.line, w.code)
	}
	return fmt.Sprintf("%d:%d %s", w.line, w.col, w.code)
}

func wants(src []byte) []want {
	var ws []want
	for _, m := range wantRE.FindAllSubmatch(src, -1) {
		line, _ := strconv.Atoi(string(m[1]))
		col, _ := strconv.Atoi(string(m[2])) // 0 when absent
		ws = append(ws, want{line, col, diag.Code(m[3])})
	}
	return ws
}

// checkWants reports every want no diagnostic matches and every error no
// want names. Warnings need no want: lint findings may accompany the
// errors a file is about, and its .golden file shows them.
func checkWants(t *testing.T, ws []want, ds diag.List) {
	t.Helper()
	used := make([]bool, len(ds))
	for _, w := range ws {
		i := slices.IndexFunc(ds, func(d diag.Diagnostic) bool {
			p := d.Range.Start
			return d.Code == w.code && p.Line == w.line && (w.col == 0 || p.Column == w.col)
		})
		if i < 0 {
			t.Errorf("want %v: no such diagnostic", w)
			continue
		}
		used[i] = true
	}
	for i, d := range ds {
		if !used[i] && d.Severity == diag.Error && !slices.ContainsFunc(ws, func(w want) bool {
			return d.Code == w.code && d.Range.Start.Line == w.line
		}) {
			t.Errorf("unexpected diagnostic %v", d)
		}
	}
}

// TestDiagnosticsGolden loads each testdata/diagnostics/*.charter file on
// its own and compares what `charter check` would print with the .golden
// file beside it. go test ./lang -update writes the .golden files; a test
// file without one is skipped until then.
func TestDiagnosticsGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "diagnostics", "*.charter"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no test files in testdata/diagnostics")
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".charter")
		t.Run(name, func(t *testing.T) {
			goldenPath := strings.TrimSuffix(path, ".charter") + ".golden"
			want, err := os.ReadFile(goldenPath)
			if os.IsNotExist(err) && !*update {
				t.Skipf("%s does not exist yet: run go test ./lang -run TestDiagnosticsGolden -update to create it, and review it", goldenPath)
			} else if err != nil && !*update {
				t.Fatal(err)
			}
			ls, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			checkWants(t, wants(ls.Files[0].Src), ls.Diags)
			var got bytes.Buffer
			if err := diag.WriteText(&got, ls.Diags, ls.Sources()); err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(goldenPath, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("diagnostics differ from %s\ngot:\n%s\nwant:\n%s", goldenPath, got.Bytes(), want)
			}
		})
	}
}

// TestGeneratedLimits covers the limits whose inputs are too large to keep
// in testdata: a file over MaxFileSize and an expression with more than
// MaxExprNodes nodes.
func TestGeneratedLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.charter")
	// Valid text all the way, so that only the size is wrong.
	line := "// " + strings.Repeat("x", 76) + "\n"
	if err := os.WriteFile(big, []byte(strings.Repeat(line, syntax.MaxFileSize/len(line)+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ls, err := Load(big)
	if err != nil {
		t.Fatal(err)
	}
	size := (syntax.MaxFileSize/len(line) + 1) * len(line)
	wantText := fmt.Sprintf("%s:1:1: error: file is %d bytes; the limit is %d [CH0004]\n", big, size, syntax.MaxFileSize)
	var got bytes.Buffer
	if err := diag.WriteText(&got, ls.Diags, ls.Sources()); err != nil {
		t.Fatal(err)
	}
	if got.String() != wantText {
		t.Errorf("file over the limit:\ngot  %q\nwant %q", got.String(), wantText)
	}

	expr := strings.Repeat("posts + ", syntax.MaxExprNodes/2) + "posts > 0"
	src := "community Club {\n  member { posts: int }\n  action post()\n  may post if " + expr + "\n}\n"
	ls = LoadSources(map[string][]byte{"nodes.charter": []byte(src)})
	if len(ls.Diags) != 1 {
		t.Fatalf("expression of %d nodes: got %v, want one CH0006", syntax.MaxExprNodes+1, ls.Diags)
	}
	d := ls.Diags[0]
	if d.Code != diag.LimitNodes || d.Range.Start.Line != 4 || d.Range.Start.Column != 15 {
		t.Errorf("got %v, want CH0006 at 4:15", d)
	}
}

// TestLoadSetLimits triggers CH0007 and CH0008 with generated load sets.
func TestLoadSetLimits(t *testing.T) {
	for _, tc := range []struct {
		code diag.Code
		decl string
		n    int
	}{
		{diag.LimitDecls, "  may a\n", check.MaxDecls + 1},
		{diag.LimitTests, "  test \"t%d\" { expect that true }\n", check.MaxTests + 1},
	} {
		var b strings.Builder
		b.WriteString("community Big {\n  action a()\n")
		for i := 0; i < tc.n; i++ {
			if strings.Contains(tc.decl, "%d") {
				fmt.Fprintf(&b, tc.decl, i)
			} else {
				b.WriteString(tc.decl)
			}
		}
		b.WriteString("}\n")
		dir := t.TempDir()
		path := filepath.Join(dir, "big.charter")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		ls, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls.Diags) != 1 || ls.Diags[0].Code != tc.code {
			t.Errorf("%s: got %v", tc.code, ls.Diags)
		}
	}
}

// TestEveryCodeIsCovered: every code of the catalogue appears in a golden
// file or is produced by one of the generated-input tests named here.
func TestEveryCodeIsCovered(t *testing.T) {
	covered := map[diag.Code]string{
		diag.LimitFile:  "TestGeneratedLimits (a generated 2 MiB file)",
		diag.LimitNodes: "TestGeneratedLimits (a generated expression)",
		diag.LimitDecls: "TestLoadSetLimits",
		diag.LimitTests: "TestLoadSetLimits",
		// Only charter gen reports it: runtime/gen's TestNameClash.
		diag.GoNameClash: "runtime/gen TestNameClash",
		// Only calls written as text have it: runtime's TestCommunityParseCall.
		diag.BadCall: "runtime TestCommunityParseCall",
	}
	goldens, _ := filepath.Glob("testdata/diagnostics/*.golden")
	codeRE := regexp.MustCompile(`\[(CH\d{4})\]`)
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range codeRE.FindAllSubmatch(data, -1) {
			covered[diag.Code(m[1])] = g
		}
	}
	for _, info := range diag.Catalogue {
		if _, ok := covered[info.Code]; !ok {
			t.Errorf("%s (%s) is in no golden file and no generated-input test", info.Code, info.Title)
		}
	}
}
