package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime/simulate"
)

const fanclubModel = "../../examples/fanclub/model.json"

func TestSimulateWritesSeries(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := charterIn(t, "", "simulate", fanclubFile, "--community", "FanClub", "--model", fanclubModel, "--days", "12", "--seed", "3", "--out", out)
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(stdout, "12 days of FanClub: ") || !strings.HasSuffix(stdout, "wrote series.csv, series.jsonl, report.html, roles.svg, goals.svg, denials.svg, transitions.svg in "+out+"\n") {
		t.Errorf("stdout %q", stdout)
	}
	page, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil || !bytes.Contains(page, []byte("<svg")) || !bytes.Contains(page, []byte("FanClub")) {
		t.Errorf("report.html: %v, %d bytes", err, len(page))
	}
	for _, name := range []string{"roles", "goals", "denials", "transitions"} {
		svg, err := os.ReadFile(filepath.Join(out, name+".svg"))
		if err != nil || !bytes.HasPrefix(svg, []byte("<?xml")) {
			t.Errorf("%s.svg: %v", name, err)
		}
	}
	f, err := os.Open(filepath.Join(out, "series.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := simulate.ReadJSONL(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Days) != 12 || s.Seed != 3 || s.Community != "FanClub" || s.Model != fanclubModel {
		t.Errorf("series: %d days, seed %d, %s, %s", len(s.Days), s.Seed, s.Community, s.Model)
	}
	data, err := os.ReadFile(filepath.Join(out, "series.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 13 || rows[0][0] != "day" {
		t.Errorf("csv: %d rows, %v", len(rows), err)
	}
	// The same seed writes the same bytes.
	out2 := t.TempDir()
	charterIn(t, "", "simulate", fanclubFile, "--community", "FanClub", "--model", fanclubModel, "--days", "12", "--seed", "3", "--out", out2)
	data2, _ := os.ReadFile(filepath.Join(out2, "series.csv"))
	if !bytes.Equal(data, data2) {
		t.Error("two runs with one seed wrote different CSV")
	}
}

func TestSimulateErrors(t *testing.T) {
	badModel := tempFile(t, "model.json", "{\n  \"behaviour\": {\"onlooker\": {\"psot\": {\"per_day\": 1}}}\n}\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no files", []string{"--community", "FanClub", "--model", fanclubModel, "--out", "x"}, exitUsage, "no rule files given"},
		{"no model", []string{fanclubFile, "--community", "FanClub", "--out", "x"}, exitUsage, "--model is required"},
		{"no out", []string{fanclubFile, "--community", "FanClub", "--model", fanclubModel}, exitUsage, "--out is required"},
		{"days", []string{fanclubFile, "--community", "FanClub", "--model", fanclubModel, "--out", "x", "--days", "0"}, exitUsage, "--days 0: give a number of days from 1 to 36600"},
		{"start", []string{fanclubFile, "--community", "FanClub", "--model", fanclubModel, "--out", "x", "--start", "May 1"}, exitUsage, `--start "May 1": want a time in RFC 3339`},
		{"unknown community", []string{fanclubFile, "--community", "Fanclub", "--model", fanclubModel, "--out", "x"}, exitUsage, "Fanclub"},
		{"missing model", []string{fanclubFile, "--community", "FanClub", "--model", "nowhere.json", "--out", "x"}, exitUsage, "nowhere.json"},
		{"bad model", []string{fanclubFile, "--community", "FanClub", "--model", badModel, "--out", "x"}, exitUsage, badModel + `:2:30: unknown action "psot"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := charterIn(t, "", append([]string{"simulate"}, tc.args...)...)
			if code != tc.code || stdout != "" || !strings.HasPrefix(stderr, "charter simulate: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestProgressBar(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var w bytes.Buffer
	bar := newProgressBar(&w, true, clock.now)
	step := func(d time.Duration, day int, members int, attempts uint64) {
		clock.t = clock.t.Add(d)
		bar.update(simulate.Progress{Day: day, Days: 180, Members: members, Attempts: attempts})
	}
	step(500*time.Millisecond, 1, 100, 500)
	if w.Len() != 0 {
		t.Fatalf("drew %q within the first second", w.String())
	}
	step(600*time.Millisecond, 2, 1200, 11000) // 1.1 s: 10,000 tries/s
	if got := w.String(); got != "\rday 2/180  1,200 members  10,000 tries/s" {
		t.Errorf("first drawing %q", got)
	}
	w.Reset()
	step(50*time.Millisecond, 3, 1300, 11500)
	if w.Len() != 0 {
		t.Errorf("redrew %q after 50ms", w.String())
	}
	step(50*time.Millisecond, 4, 5, 12000) // 1.2 s: 10,000 tries/s; a shorter line blanks the longer one
	if got := w.String(); got != "\rday 4/180  5 members  10,000 tries/s    " {
		t.Errorf("second drawing %q", got)
	}
	w.Reset()
	bar.done()
	if w.String() != "\n" {
		t.Errorf("done wrote %q", w.String())
	}

	// Not a terminal: nothing, ever.
	w.Reset()
	quiet := newProgressBar(&w, false, clock.now)
	clock.t = clock.t.Add(time.Hour)
	quiet.update(simulate.Progress{Day: 180, Days: 180, Members: 1, Attempts: 1})
	quiet.done()
	if w.Len() != 0 {
		t.Errorf("off a terminal the bar wrote %q", w.String())
	}
	if isTerminal(&w) {
		t.Error("a buffer is a terminal")
	}
}
