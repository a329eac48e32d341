package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGraphs = flag.Bool("update", false, "rewrite the examples' committed graph pictures (examples/*/ladder.svg)")

// fanclubLadder is the picture examples/fanclub/README.md shows.
const fanclubLadder = "../../examples/fanclub/ladder.svg"

func TestGraphFanClubDOT(t *testing.T) {
	code, out, errOut := charter(t, "graph", "../../examples/fanclub", "--community", "FanClub")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		`digraph "FanClub" {`,
		`"rung:leader" [label="leader\nposts >= 50 && followers >= 100"`,
		`"action:post" -> "rung:creator" [color="#1b7a34", fontcolor="#1b7a34", label="post: posts += 1"];`,
		`"rung:leader" -> "rung:creator" [color="#c25e00", fontcolor="#c25e00", label="must post 1 per 7d if role >= creator else demote", constraint=false];`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the DOT lacks %s:\n%s", want, out)
		}
	}
}

// The SVG picked by -o's extension, or by --format, is well-formed and
// names every rung.
func TestGraphSVG(t *testing.T) {
	dir := t.TempDir()
	byExt := filepath.Join(dir, "club.SVG")
	if code, out, errOut := charter(t, "graph", "-o", byExt, fanclubFile, "--community", "FanClub"); code != exitOK || out != "" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	svg, err := os.ReadFile(byExt)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := charter(t, "graph", "--format", "svg", fanclubFile, "--community", "FanClub")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if out != string(svg) {
		t.Errorf("--format svg and -o club.SVG differ")
	}
	d := xml.NewDecoder(strings.NewReader(out))
	var texts []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v", err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			texts = append(texts, string(cd))
		}
	}
	all := strings.Join(texts, "\n")
	for _, rung := range []string{"leader", "creator", "commenter", "collector", "participant", "onlooker", "opinion_leader", "posts >= 50 && followers >= 100"} {
		if !strings.Contains(all, "\n"+rung+"\n") {
			t.Errorf("the SVG has no text %q", rung)
		}
	}
	// --format wins over the extension.
	dotFile := filepath.Join(dir, "club.svg")
	if code, _, errOut := charter(t, "graph", "--format", "dot", "-o", dotFile, fanclubFile, "--community", "FanClub"); code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(dotFile); !bytes.HasPrefix(b, []byte(`digraph "FanClub" {`)) {
		t.Errorf("--format dot -o club.svg wrote:\n%.100s", b)
	}
}

func TestGraphErrors(t *testing.T) {
	bare := tempFile(t, "bare.charter", "community Bare {\n  action a()\n  may a\n}\n")
	broken := tempFile(t, "broken.charter", "community B {\n  roles { top if nope > 1\n    rest otherwise }\n}\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no files", []string{"graph"}, exitUsage, "charter graph: no files given"},
		{"unknown flag", []string{"graph", "--bogus", fanclubFile}, exitUsage, "flag provided but not defined: -bogus"},
		{"bad format", []string{"graph", "--format", "png", fanclubFile}, exitUsage, `charter graph: --format "png": want dot or svg`},
		{"several communities", []string{"graph", fanclubFile}, exitUsage, "--community is required; the files declare FanClub, WritingAdvisors"},
		{"unknown community", []string{"graph", fanclubFile, "--community", "Nope"}, exitUsage, `unknown community "Nope"; the files declare FanClub, WritingAdvisors`},
		{"nothing to draw", []string{"graph", bare}, exitUsage, "charter graph: community Bare declares no roles and no badges: there is no ladder to draw"},
		{"errors in the rules", []string{"graph", broken}, exitFindings, "charter graph: the rule files have 1 error"},
		{"missing path", []string{"graph", "no/such.charter"}, exitUsage, "charter graph: "},
		{"unwritable output", []string{"graph", fanclubFile, "--community", "FanClub", "-o", filepath.Join(t.TempDir(), "no", "dir", "x.svg")}, exitUsage, "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := charter(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tc.code, errOut, tc.stderr)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
	if code, out, _ := charter(t, "help", "graph"); code != exitOK || !strings.Contains(out, "usage: charter graph") {
		t.Errorf("charter help graph: exit %d\n%s", code, out)
	}
}

// The picture in examples/fanclub/README.md is what charter graph draws
// today; go test ./cmd/charter -run TestGraphExamplePictures -update
// draws it again.
func TestGraphExamplePictures(t *testing.T) {
	code, out, errOut := charter(t, "graph", "--format", "svg", "../../examples/fanclub", "--community", "FanClub")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if *updateGraphs {
		if err := os.WriteFile(fanclubLadder, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(fanclubLadder)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/charter -run TestGraphExamplePictures -update draws it)", err)
	}
	if string(want) != out {
		t.Errorf("%s is not what charter graph draws now; go test ./cmd/charter -run TestGraphExamplePictures -update draws it again", fanclubLadder)
	}
	readme, err := os.ReadFile("../../examples/fanclub/README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "](ladder.svg)") {
		t.Errorf("examples/fanclub/README.md does not show ladder.svg")
	}
}
