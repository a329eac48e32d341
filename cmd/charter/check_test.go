package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/diag"
)

const fanclub = "../../examples/fanclub"

// charter runs the command line and returns its exit status and output.
func charter(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// badFile writes a rule file with one syntax error on line 3, column 3.
func badFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bad.charter")
	src := "community Club {\n  action post()\n  allow post\n}\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckClean(t *testing.T) {
	for _, path := range []string{fanclub, fanclub + "/fanclub.charter"} {
		code, out, errOut := charter(t, "check", path)
		if code != exitOK || out != "" || errOut != "" {
			t.Errorf("check %s: exit %d, stdout %q, stderr %q; want 0 and no output", path, code, out, errOut)
		}
	}
}

func TestCheckReportsErrors(t *testing.T) {
	bad := badFile(t)
	code, out, errOut := charter(t, "check", bad)
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	lines := strings.Split(out, "\n")
	if want := bad + ":3:3: error: "; !strings.HasPrefix(lines[0], want) || !strings.HasSuffix(lines[0], "[CH0002]") {
		t.Errorf("first line %q, want %q...[CH0002]", lines[0], want)
	}
	if len(lines) < 3 || strings.TrimSpace(lines[1]) != "allow post" || strings.TrimSpace(lines[2]) != "^" {
		t.Errorf("want the source line and a caret after the diagnostic, got:\n%s", out)
	}
	if errOut != "1 error, 0 warnings\n" {
		t.Errorf("stderr %q, want the summary", errOut)
	}

	// With a clean file beside it, the bad one still fails the run.
	code, out, _ = charter(t, "check", fanclub, bad)
	if code != exitFindings || !strings.Contains(out, "bad.charter:3:3") || strings.Contains(out, "fanclub.charter") {
		t.Errorf("clean and bad file: exit %d, stdout:\n%s", code, out)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no paths", []string{"check"}, "no paths"},
		{"no paths after flags", []string{"check", "--format", "json"}, "no paths"},
		{"missing path", []string{"check", "no/such/dir"}, "no/such/dir"},
		{"one path missing", []string{"check", fanclub, "missing.charter"}, "missing.charter"},
		{"unknown format", []string{"check", "--format", "xml", fanclub}, `unknown format "xml"`},
		{"unknown flag", []string{"check", "--colour", fanclub}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := charter(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.want)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	bad := badFile(t)
	// Flags may follow the paths.
	code, out, errOut := charter(t, "check", bad, "--format", "json")
	if code != exitFindings || errOut != "" {
		t.Errorf("exit %d, stderr %q; want 1 and nothing on stderr", code, errOut)
	}
	var ds []diag.JSONDiagnostic
	if err := json.Unmarshal([]byte(out), &ds); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, out)
	}
	if len(ds) != 1 || ds[0].File != bad || ds[0].Line != 3 || ds[0].Column != 3 ||
		ds[0].Code != "CH0002" || ds[0].Severity != "error" {
		t.Errorf("got %+v, want one CH0002 error at %s:3:3", ds, bad)
	}

	code, out, _ = charter(t, "check", "--format=json", fanclub)
	if code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("clean: exit %d, stdout %q; want 0 and []", code, out)
	}
}

func TestCheckSARIF(t *testing.T) {
	bad := badFile(t)
	example := filepath.Join(wd(t), fanclub)
	t.Chdir(filepath.Dir(bad)) // absolute names under the working directory become relative URIs
	code, out, _ := charter(t, "check", "--format", "sarif", bad)
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string            `json:"name"`
					Rules []json.RawMessage `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "charter" {
		t.Fatalf("version %q, %d runs; want a SARIF 2.1.0 log of one charter run", log.Version, len(log.Runs))
	}
	if len(log.Runs[0].Tool.Driver.Rules) != len(diag.Catalogue) {
		t.Errorf("%d rules, want %d", len(log.Runs[0].Tool.Driver.Rules), len(diag.Catalogue))
	}
	res := log.Runs[0].Results
	if len(res) != 1 || res[0].RuleID != "CH0002" || len(res[0].Locations) != 1 {
		t.Fatalf("results %+v, want one CH0002 with a location", res)
	}
	loc := res[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "bad.charter" || loc.Region.StartLine != 3 || loc.Region.StartColumn != 3 {
		t.Errorf("location %+v, want bad.charter at 3:3", loc)
	}

	code, out, _ = charter(t, "check", "--format", "sarif", example)
	if code != exitOK || !strings.Contains(out, `"results": []`) {
		t.Errorf("clean: exit %d, want 0 and an empty results array:\n%s", code, out)
	}
}

func wd(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCheckStatus(t *testing.T) {
	warning := diag.Diagnostic{Severity: diag.Warning, Code: diag.UnusedAttr}
	failure := diag.Diagnostic{Severity: diag.Error, Code: diag.Syntax}
	info := diag.Diagnostic{Severity: diag.Info, Code: diag.Override}
	tests := []struct {
		ds     diag.List
		strict bool
		want   int
	}{
		{nil, false, exitOK},
		{nil, true, exitOK},
		{diag.List{warning}, false, exitOK},
		{diag.List{warning}, true, exitFindings},
		{diag.List{failure}, false, exitFindings},
		{diag.List{warning, failure}, true, exitFindings},
		{diag.List{info}, false, exitOK},
		{diag.List{info}, true, exitOK},
	}
	for _, tt := range tests {
		if got := checkStatus(tt.ds, tt.strict); got != tt.want {
			t.Errorf("checkStatus(%v, strict=%v) = %d, want %d", codes(tt.ds), tt.strict, got, tt.want)
		}
	}
	// --strict is accepted before or after the paths.
	for _, args := range [][]string{{"check", "--strict", fanclub}, {"check", fanclub, "--strict"}} {
		if code, out, errOut := charter(t, args...); code != exitOK || out != "" || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func codes(ds diag.List) []diag.Code {
	var cs []diag.Code
	for _, d := range ds {
		cs = append(cs, d.Code)
	}
	return cs
}

// TestCheckSeverities checks that warnings are shown but pass unless
// --strict, and that info diagnostics appear only with -v.
func TestCheckSeverities(t *testing.T) {
	p := filepath.Join(t.TempDir(), "club.charter")
	src := `community Club {
  member { posts: int; saves: int }
  action post()
  may post if posts >= 0
  goal size { measure members; target <= 10 }
}
community Circle extends Club {
  goal size { measure members; target <= 5 }
}
`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	unused := p + ":2:24: warning: " // saves is never read
	override := p + ":8:8: info: "   // Circle's goal size replaces Club's

	code, out, errOut := charter(t, "check", p)
	if code != exitOK || !strings.Contains(out, unused) || strings.Contains(out, override) || errOut != "0 errors, 1 warning\n" {
		t.Errorf("default: exit %d, stderr %q, stdout:\n%s\nwant 0, the warning and no info", code, errOut, out)
	}
	code, out, _ = charter(t, "check", "--strict", p)
	if code != exitFindings || !strings.Contains(out, unused) {
		t.Errorf("--strict: exit %d, want %d, stdout:\n%s", code, exitFindings, out)
	}
	code, out, _ = charter(t, "check", "-v", p)
	if code != exitOK || !strings.Contains(out, unused) || !strings.Contains(out, override) {
		t.Errorf("-v: exit %d, stdout:\n%s\nwant 0, the warning and the info", code, out)
	}
	code, out, _ = charter(t, "check", "-v", "--format", "sarif", p)
	if code != exitOK || !strings.Contains(out, `"level": "note"`) {
		t.Errorf("-v --format sarif: exit %d; want the info as a note:\n%s", code, out)
	}
	_, out, _ = charter(t, "check", "--format", "json", p)
	if !strings.Contains(out, `"CH0200"`) || strings.Contains(out, `"CH0118"`) {
		t.Errorf("--format json without -v: want the warning only:\n%s", out)
	}
}

func TestCheckHelp(t *testing.T) {
	code, out, _ := charter(t, "help", "check")
	if code != exitOK || !strings.Contains(out, "usage: charter check") {
		t.Errorf("help check: exit %d, stdout %q", code, out)
	}
	code, _, errOut := charter(t, "check", "-h")
	if code != exitOK || !strings.Contains(errOut, "--format") {
		t.Errorf("check -h: exit %d, stderr %q", code, errOut)
	}
}

func TestCheckDoubleDash(t *testing.T) {
	// After --, an argument that looks like a flag is a path.
	code, _, errOut := charter(t, "check", "--", "--strict")
	if code != exitUsage || !strings.Contains(errOut, "--strict") || !strings.Contains(errOut, "no such file") {
		t.Errorf("exit %d, stderr %q; want the path --strict reported missing", code, errOut)
	}
}

// --each checks variants that reuse a community name (issue 14); without
// it they are one load set and the name is declared twice.
func TestCheckAndTestEach(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"a.charter":      "community Club {\n  member { n: int }\n  test \"a\" {\n    given member { n: 1 }\n    expect that n == 1\n  }\n}\n",
		"b.charter":      "community Club {\n  member { m: int }\n}\n",
		"b_test.charter": "community ClubTests extends Club {\n  test \"b\" {\n    given member { m: 2 }\n    expect that m == 2\n  }\n}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := charterIn(t, "", "check", dir)
	if code != exitFindings || !strings.Contains(out, "community Club is already declared") {
		t.Errorf("one load set: exit %d, stdout:\n%s", code, out)
	}
	code, out, errOut := charterIn(t, "", "check", "--each", "--format", "json", dir)
	if code != exitOK || errOut != "" {
		t.Errorf("--each: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	code, out, errOut = charterIn(t, "", "test", dir, "--each")
	if code != exitOK || out != "2 passed, 0 failed\n" {
		t.Errorf("test --each: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	code, out, _ = charterIn(t, "", "test", dir)
	if code != exitFindings || !strings.Contains(out, "already declared") {
		t.Errorf("test as one load set: exit %d, stdout:\n%s", code, out)
	}
}
