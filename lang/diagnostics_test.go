package lang

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charterlang/charter/internal/hostile"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// Each testdata/diagnostics/*.charter file states the diagnostics it must
// produce in comments on the lines they are about, as go/types' test files
// do with /* ERROR */ and starlark's with ###:
//
//	may fly // want error CH0105 at 7-10 "unknown action fly"
//
// says that the line has an error CH0105 starting at column 7 and ending
// before column 10 (the end may be left out), whose message matches the
// regular expression in quotes (also optional). `suggesting "RE"` after it
// matches the suggestion; without it the diagnostic must have none. Several
// expectations on one line are separated by ";". `want+N` or `want-N` is
// about the line N after or before: for a line where a comment cannot go,
// such as the end of the file or an unterminated string. Expectations are
// read from the text of each line, whatever the lexer makes of it.
//
// Inserting a line moves a diagnostic and its expectation together. A
// diagnostic that moves to another line, changes code, severity, column or
// message, or appears where none is expected, fails the test, warnings and
// infos included.
var (
	wantRE = regexp.MustCompile(`//\s*want([+-]\d+)?\s+(.*)$`)
	itemRE = regexp.MustCompile(`^(error|warning|info) (CH\d{4}) at (\d+)(?:-(\d+))?` +
		`(?: "((?:[^"\\]|\\.)*)")?(?: suggesting "((?:[^"\\]|\\.)*)")?\s*(;\s*|$)`)
)

type want struct {
	line, col, end int // end 0: any end
	severity       string
	code           diag.Code
	msg, suggest   *regexp.Regexp // msg nil: any message; suggest nil: none
	src            string         // as written, for messages
}

func (w want) String() string { return fmt.Sprintf("line %d: %s", w.line, w.src) }

func (w want) matches(d diag.Diagnostic) bool {
	s, e := d.Range.Start, d.Range.End
	return s.Line == w.line && s.Column == w.col && d.Code == w.code && d.Severity.String() == w.severity &&
		(w.end == 0 || e.Line == s.Line && e.Column == w.end) &&
		(w.msg == nil || w.msg.MatchString(d.Message)) &&
		(w.suggest == nil && d.Suggestion == "" || w.suggest != nil && w.suggest.MatchString(d.Suggestion))
}

// wants reads the expectations of src; a `// want` it cannot read is an
// error, so that a mistyped one does not silently expect nothing.
func wants(t *testing.T, src []byte) []want {
	t.Helper()
	var ws []want
	for i, line := range strings.Split(string(src), "\n") {
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at := i + 1
		if m[1] != "" {
			off, _ := strconv.Atoi(m[1])
			at += off
		}
		rest := m[2]
		for rest != "" {
			it := itemRE.FindStringSubmatchIndex(rest)
			if it == nil {
				t.Errorf("line %d: cannot read the expectation %q", i+1, rest)
				break
			}
			sub := func(k int) string {
				if it[2*k] < 0 {
					return ""
				}
				return rest[it[2*k]:it[2*k+1]]
			}
			w := want{line: at, severity: sub(1), code: diag.Code(sub(2)), src: strings.TrimRight(sub(0), "; ")}
			w.col, _ = strconv.Atoi(sub(3))
			w.end, _ = strconv.Atoi(sub(4)) // 0 when absent
			var err error
			if it[10] >= 0 {
				if w.msg, err = regexp.Compile(sub(5)); err != nil {
					t.Errorf("line %d: %v", i+1, err)
				}
			}
			if it[12] >= 0 {
				if w.suggest, err = regexp.Compile(sub(6)); err != nil {
					t.Errorf("line %d: %v", i+1, err)
				}
			}
			ws = append(ws, w)
			rest = rest[it[1]:]
		}
	}
	return ws
}

// checkWants reports every want no diagnostic matches and every
// diagnostic no want matches.
func checkWants(t *testing.T, ws []want, ds diag.List) {
	t.Helper()
	used := make([]bool, len(ds))
	for _, w := range ws {
		i := slices.IndexFunc(ds, func(d diag.Diagnostic) bool { return w.matches(d) })
		for i >= 0 && used[i] {
			j := slices.IndexFunc(ds[i+1:], func(d diag.Diagnostic) bool { return w.matches(d) })
			if j < 0 {
				i = -1
				break
			}
			i += 1 + j
		}
		if i < 0 {
			var near []string
			for _, d := range ds {
				if d.Range.Start.Line == w.line {
					near = append(near, fmt.Sprintf("\n\t%v (ends at %v)", d, d.Range.End))
				}
			}
			t.Errorf("want %v: no such diagnostic; that line has%s", w, cmp.Or(strings.Join(near, ""), " none"))
			continue
		}
		used[i] = true
	}
	for i, d := range ds {
		if !used[i] {
			t.Errorf("unexpected diagnostic %v", d)
		}
	}
}

// TestDiagnostics loads each testdata/diagnostics/*.charter file on its own
// and checks its diagnostics against the expectations written in it.
func TestDiagnostics(t *testing.T) {
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
			ls, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			src := ls.Files[0].Src
			ws := wants(t, src)
			if len(ws) == 0 {
				t.Fatal("no expectations: a test file states the diagnostics it is about")
			}
			checkWants(t, ws, ls.Diags)

			// The loader hands WriteText every file's source, so each
			// diagnostic prints with its line and a caret under it, unless
			// it is past the last line (the end of the file); lang/diag's
			// tests pin the layout itself.
			var got bytes.Buffer
			if err := diag.WriteText(&got, ls.Diags, ls.Sources()); err != nil {
				t.Fatal(err)
			}
			lines := strings.Count(strings.TrimSuffix(string(src), "\n"), "\n") + 1
			want := 0
			for _, d := range ls.Diags {
				want++
				if d.Range.Start.Line <= lines {
					want += 2
				}
				if d.Suggestion != "" {
					want++
				}
			}
			if n := strings.Count(got.String(), "\n"); n != want {
				t.Errorf("printed %d lines, want %d:\n%s", n, want, got.Bytes())
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

// TestLoadSetLimits triggers CH0007, CH0008 and CH0014 with generated load sets.
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

	// 5,000 rules inherited down a chain of 1,000 children: 5,008,003
	// declarations with inherited ones (5,003 in each of 1,001
	// communities), from 5,003 declared.
	path := filepath.Join(t.TempDir(), "chain.charter")
	if err := os.WriteFile(path, hostile.Chain(5000, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	ls, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.Diags) != 1 || ls.Diags[0].Code != diag.LimitTotal || ls.Diags[0].Range.Start.Line != 1 || ls.Diags[0].Range.Start.Column != 1 {
		t.Errorf("chain of 1,000 children: got %v, want one CH0014 at 1:1", ls.Diags)
	}
}

// TestEveryCodeIsCovered: every code of the catalogue is expected by a
// file of testdata/diagnostics or produced by one of the generated-input
// tests named here.
func TestEveryCodeIsCovered(t *testing.T) {
	covered := map[diag.Code]string{
		diag.LimitFile:  "TestGeneratedLimits (a generated 2 MiB file)",
		diag.LimitNodes: "TestGeneratedLimits (a generated expression)",
		diag.LimitDecls: "TestLoadSetLimits",
		diag.LimitTests: "TestLoadSetLimits",
		diag.LimitLoad:  "TestLoadSetSize",
		diag.LimitTotal: "TestLoadSetLimits",
		// Only charter gen reports it: runtime/gen's TestNameClash.
		diag.GoNameClash: "runtime/gen TestNameClash",
		// Only calls written as text have it: runtime's TestCommunityParseCall.
		diag.BadCall: "runtime TestCommunityParseCall",
	}
	files, _ := filepath.Glob("testdata/diagnostics/*.charter")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants(t, data) {
			covered[w.code] = f
		}
	}
	for _, info := range diag.Catalogue {
		if _, ok := covered[info.Code]; !ok {
			t.Errorf("%s (%s) is expected by no file of testdata/diagnostics and made by no generated-input test", info.Code, info.Title)
		}
	}
}
