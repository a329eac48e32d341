package diag

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample is a set of diagnostics that exercises the printers' edge cases:
// tabs, a multi-line range, a point, a suggestion, a warning, a file
// without source, invalid UTF-8, an end-of-file position and a long line.
func sample() (List, map[string][]byte) {
	long := "  may post if " + strings.Repeat("a && ", 60) + "zz > 1\n"
	zz := strings.Index(long, "zz")
	sources := map[string][]byte{
		"club.charter": []byte("community C {\n\tmay post if\trole >= creatr\n  on post { posts = \"x\" +\n    1 }\n  purpose \"caf\xe9\"\r\n}\n"),
		"long.charter": []byte(long),
	}
	at := func(file string, line, col int) Pos { return Pos{Filename: file, Line: line, Column: col} }
	ds := List{
		{Severity: Error, Code: UnknownName, Message: "unknown name creatr",
			Range: Range{at("club.charter", 2, 22), at("club.charter", 2, 28)}, Suggestion: "did you mean creator?"},
		{Severity: Error, Code: TypeMismatch, Message: "cannot assign string to int attribute posts",
			Range: Range{at("club.charter", 3, 21), at("club.charter", 4, 6)}},
		{Severity: Error, Code: Encoding, Message: "invalid UTF-8 byte 0xe9",
			Range: Range{at("club.charter", 5, 15), at("club.charter", 5, 16)}},
		{Severity: Error, Code: Syntax, Message: `unexpected token "<EOF>" (expected "}")`,
			Range: Range{at("club.charter", 7, 1), at("club.charter", 7, 1)}},
		{Severity: Warning, Code: UnusedAttr, Message: "attribute saves is never read",
			Range: Range{at("club.charter", 1, 11), at("club.charter", 1, 12)}},
		{Severity: Error, Code: UnknownName, Message: "unknown name zz",
			Range: Range{at("long.charter", 1, zz+1), at("long.charter", 1, zz+3)}},
		{Severity: Info, Code: Override, Message: "goal size overrides the one inherited from FanClub",
			Range: Range{at("club.charter", 6, 1), at("club.charter", 6, 2)}},
		{Severity: Error, Code: LimitFile, Message: "file is 10485760 bytes; the limit is 2097152",
			Range: Range{at("huge.charter", 1, 1), at("huge.charter", 1, 1)}},
	}
	return ds, sources
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestWriteTextGolden(t *testing.T) {
	ds, sources := sample()
	var b bytes.Buffer
	if err := WriteText(&b, ds, sources); err != nil {
		t.Fatal(err)
	}
	golden(t, "print.txt", b.Bytes())
}

func TestWriteJSONGolden(t *testing.T) {
	ds, _ := sample()
	var b bytes.Buffer
	if err := WriteJSON(&b, ds); err != nil {
		t.Fatal(err)
	}
	golden(t, "print.json", b.Bytes())
}

func TestWriteSARIFGolden(t *testing.T) {
	ds, _ := sample()
	var b bytes.Buffer
	if err := WriteSARIF(&b, ds, "v0.1.0"); err != nil {
		t.Fatal(err)
	}
	golden(t, "print.sarif", b.Bytes())
}

// TestWriteTextCaret checks caret placement independently of the golden
// file: the caret line must put its first ^ under the diagnostic's column
// once tabs are expanded, and span the range on that line.
func TestWriteTextCaret(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		col, end  int // end 0: the range ends on another line
		wantSrc   string
		wantCaret string
	}{
		{"plain", "may post if x", 13, 14, "may post if x", "            ^"},
		{"span", "role >= creatr", 9, 15, "role >= creatr", "        ^^^^^^"},
		{"tab", "\tmay\tx", 6, 7, "    may x", "        ^"},
		{"tab mid-stop", "ab\tc", 4, 5, "ab  c", "    ^"},
		{"multi-line", "a + (", 5, 0, "a + (", "    ^"},
		{"empty range", "abc", 2, 2, "abc", " ^"},
		{"past end", "abc", 4, 4, "abc", "   ^"},
		{"invalid byte", "x\xffy", 3, 4, "x\uFFFDy", "  ^"},
		{"wide rune", "名前 x", 4, 5, "名前 x", "   ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnostic{Code: Syntax, Message: "m", Range: Range{
				Start: Pos{Filename: "f", Line: 1, Column: tt.col},
				End:   Pos{Filename: "f", Line: 1, Column: tt.end},
			}}
			if tt.end == 0 {
				d.Range.End = Pos{Filename: "f", Line: 2, Column: 1}
			}
			var b bytes.Buffer
			if err := WriteText(&b, List{d}, map[string][]byte{"f": []byte(tt.line + "\n")}); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(b.String(), "\n")
			if len(lines) != 4 || lines[3] != "" {
				t.Fatalf("got %d lines, want header, source, caret:\n%s", len(lines), b.String())
			}
			if got := strings.TrimPrefix(lines[1], "    "); got != tt.wantSrc {
				t.Errorf("source line %q, want %q", got, tt.wantSrc)
			}
			if got := strings.TrimPrefix(lines[2], "    "); got != tt.wantCaret {
				t.Errorf("caret line %q, want %q", got, tt.wantCaret)
			}
		})
	}
}

func TestWriteTextClipsLongLines(t *testing.T) {
	line := strings.Repeat("x", 100000)
	d := Diagnostic{Code: LimitLine, Message: "m", Range: Range{
		Start: Pos{Filename: "f", Line: 1, Column: 50000},
		End:   Pos{Filename: "f", Line: 1, Column: 100001},
	}}
	var b bytes.Buffer
	if err := WriteText(&b, List{d}, map[string][]byte{"f": []byte(line)}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines:\n%.500s", len(lines), b.String())
	}
	for _, l := range lines[1:3] {
		if len(l) > 4+3+excerptWidth+3 {
			t.Errorf("excerpt line is %d bytes long, want it clipped to about %d", len(l), excerptWidth)
		}
	}
	if !strings.HasPrefix(lines[1], "    ...x") || !strings.HasSuffix(lines[1], "x...") {
		t.Errorf("clipped line should start and end with ...: %q", lines[1])
	}
	if i := strings.IndexByte(lines[2], '^'); i != 4+3+excerptLead {
		t.Errorf("caret at byte %d, want %d", i, 4+3+excerptLead)
	}
}

func TestWriteTextHeaderWithoutSource(t *testing.T) {
	ds := List{
		{Severity: Warning, Code: UnusedAttr, Message: "m", Suggestion: "remove it",
			Range: Range{Start: Pos{Filename: "a.charter", Line: 3, Column: 2}}},
		{Severity: Error, Code: Syntax, Message: "no position", Range: Range{Start: Pos{Filename: "b.charter"}}},
	}
	var b bytes.Buffer
	if err := WriteText(&b, ds, nil); err != nil {
		t.Fatal(err)
	}
	want := "a.charter:3:2: warning: m [CH0200]\n  suggestion: remove it\nb.charter: error: no position [CH0002]\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteJSONFields(t *testing.T) {
	ds, _ := sample()
	var b bytes.Buffer
	if err := WriteJSON(&b, ds); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("output is not a JSON array: %v", err)
	}
	if len(got) != len(ds) {
		t.Fatalf("got %d objects, want %d", len(got), len(ds))
	}
	fields := []string{"file", "line", "column", "endLine", "endColumn", "severity", "code", "message", "suggestion"}
	for i, o := range got {
		for _, f := range fields {
			if _, ok := o[f]; !ok {
				t.Errorf("object %d lacks %q", i, f)
			}
		}
		if len(o) != len(fields) {
			t.Errorf("object %d has %d fields, want %d: %v", i, len(o), len(fields), o)
		}
		if o["code"] != string(ds[i].Code) || o["line"] != float64(ds[i].Range.Start.Line) {
			t.Errorf("object %d = %v, want code %s line %d", i, o, ds[i].Code, ds[i].Range.Start.Line)
		}
	}
	if got[1]["endLine"] != float64(4) || got[1]["endColumn"] != float64(6) {
		t.Errorf("multi-line range ends at %v:%v, want 4:6", got[1]["endLine"], got[1]["endColumn"])
	}

	b.Reset()
	if err := WriteJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	if b.String() != "[]\n" {
		t.Errorf("no diagnostics: got %q, want %q", b.String(), "[]\n")
	}
}

// sarifDoc is the part of SARIF 2.1.0 that code-scanning services require.
type sarifDoc struct {
	Schema  *string `json:"$schema"`
	Version string  `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
						EndLine     int `json:"endLine"`
						EndColumn   int `json:"endColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func TestWriteSARIFStructure(t *testing.T) {
	ds, _ := sample()
	ds = append(ds,
		Diagnostic{Severity: Error, Code: Lex, Message: "m",
			Range: Range{Start: Pos{Filename: `dir\sub/a b.charter`, Line: 0, Column: 0}}},
		Diagnostic{Severity: Error, Code: Syntax, Message: "m",
			Range: Range{Start: Pos{Filename: "./x/../y.charter", Line: 2, Column: 5}, End: Pos{Line: 1, Column: 1}}},
	)
	var b bytes.Buffer
	if err := WriteSARIF(&b, ds, ""); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if doc.Schema == nil || !strings.Contains(*doc.Schema, "sarif-2.1.0") {
		t.Errorf("$schema = %v, want the SARIF 2.1.0 schema", doc.Schema)
	}
	if doc.Version != "2.1.0" {
		t.Errorf("version = %q, want 2.1.0", doc.Version)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "charter" || drv.InformationURI == "" {
		t.Errorf("driver name %q informationUri %q", drv.Name, drv.InformationURI)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q; diag columns count code points", run.ColumnKind)
	}
	if len(drv.Rules) != len(Catalogue) {
		t.Fatalf("got %d rules, want one per catalogue entry (%d)", len(drv.Rules), len(Catalogue))
	}
	seen := map[string]bool{}
	for i, r := range drv.Rules {
		info := Catalogue[i]
		if r.ID != string(info.Code) || r.ShortDescription.Text != info.Title || r.DefaultConfiguration.Level != map[Severity]string{Error: "error", Warning: "warning", Info: "note"}[info.Severity] {
			t.Errorf("rule %d = %+v, want %+v", i, r, info)
		}
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
	}
	if len(run.Results) != len(ds) {
		t.Fatalf("got %d results, want %d", len(run.Results), len(ds))
	}
	for i, res := range run.Results {
		if res.RuleIndex == nil || *res.RuleIndex < 0 || *res.RuleIndex >= len(drv.Rules) {
			t.Fatalf("result %d: ruleIndex %v out of range", i, res.RuleIndex)
		}
		if drv.Rules[*res.RuleIndex].ID != res.RuleID || res.RuleID != string(ds[i].Code) {
			t.Errorf("result %d: ruleId %s, rule at ruleIndex %s, diagnostic %s", i, res.RuleID, drv.Rules[*res.RuleIndex].ID, ds[i].Code)
		}
		if want := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}[ds[i].Severity]; res.Level != want {
			t.Errorf("result %d: level %q, want %q", i, res.Level, want)
		}
		if res.Message.Text == "" {
			t.Errorf("result %d: empty message", i)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil || res.Locations[0].PhysicalLocation.Region == nil {
			t.Fatalf("result %d: want one physical location with a region", i)
		}
		loc := res.Locations[0].PhysicalLocation
		reg := loc.Region
		if reg.StartLine < 1 || reg.StartColumn < 1 || reg.EndLine < reg.StartLine ||
			reg.EndLine == reg.StartLine && reg.EndColumn <= reg.StartColumn {
			t.Errorf("result %d: bad region %+v", i, *reg)
		}
		u := loc.ArtifactLocation.URI
		if u == "" || strings.Contains(u, `\`) || strings.HasPrefix(u, "/") || strings.HasPrefix(u, "./") || strings.Contains(u, " ") {
			t.Errorf("result %d: uri %q is not a relative URI with forward slashes", i, u)
		}
	}
	if got := run.Results[0].Message.Text; !strings.Contains(got, "did you mean creator?") {
		t.Errorf("suggestion missing from message %q", got)
	}
	if got := run.Results[len(ds)-1].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "y.charter" {
		t.Errorf("uri %q, want y.charter", got)
	}
}

// TestWriteTextManyDiagnostics prints a warning at every line of a large
// file and as many again at its last line. The printer once found each
// line by scanning the file from its top: 174,000 warnings took minutes
// and these would take hours; with an index of line starts the work is
// linear in the file and the diagnostics.
func TestWriteTextManyDiagnostics(t *testing.T) {
	const n = 100000
	var src bytes.Buffer
	for i := range n {
		fmt.Fprintf(&src, "a%05d: int\n", i)
	}
	var ds List
	for i := range 2 * n {
		line := min(i, n-1) + 1
		ds = append(ds, Diagnostic{Severity: Warning, Code: UnusedAttr, Message: "unused",
			Range: Range{Pos{Filename: "big.charter", Line: line, Column: 1}, Pos{Filename: "big.charter", Line: line, Column: 7}}})
	}
	var out bytes.Buffer
	if err := WriteText(&out, ds, map[string][]byte{"big.charter": src.Bytes()}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3*len(ds) {
		t.Fatalf("got %d lines of output, want %d (a header, an excerpt and carets for each)", len(lines), 3*len(ds))
	}
	for _, i := range []int{0, 1, n / 2, n - 1, n, 2*n - 1} {
		want := fmt.Sprintf("    a%05d: int", min(i, n-1))
		if got := lines[3*i+1]; got != want {
			t.Errorf("excerpt of diagnostic %d is %q, want %q", i, got, want)
		}
	}
}
