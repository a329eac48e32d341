package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/internal/browsertest"
	"github.com/charterlang/charter/runtime/simulate"
)

var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// sample is a small run made by hand: three roles that members climb, two
// goals (one met from day 4 on, one never), denials by three rules, one of
// them with markup in its label.
func sample(days int) *simulate.Series {
	s := &simulate.Series{
		RunInfo: simulate.RunInfo{
			Community: "FanClub",
			Rules:     "club.charter",
			Model:     "club.model.json",
			Seed:      1,
			Start:     start,
			Roles:     []string{"onlooker", "participant", "creator"},
			Badges:    []string{"opinion_leader"},
			Goals: []simulate.GoalInfo{
				{Name: "engagement", Title: "Most members take part", Op: ">=", Target: 0.4},
				{Name: "size", Title: "Stay within Dunbar's number", Op: "<=", Target: 5},
			},
		},
		Transitions: []simulate.Transition{
			{From: simulate.Joined, To: "onlooker", Count: 40},
			{From: "onlooker", To: "participant", Count: 17},
			{From: "participant", To: "creator", Count: 6},
			{From: "creator", To: "participant", Count: 2},
			{From: "onlooker", To: simulate.Left, Count: 3},
		},
	}
	for i := 1; i <= days; i++ {
		on, pa, cr := 10+i, 2*i, i/2
		m := on + pa + cr
		share := float64(pa+cr) / float64(m)
		d := simulate.Day{
			Day: i, Date: start.Add(time.Duration(i) * 24 * time.Hour),
			Members: m, Joined: 3, Left: 1, Removed: i % 2,
			Roles:    map[string]int{"onlooker": on, "participant": pa, "creator": cr},
			Badges:   map[string]int{"opinion_leader": i / 5},
			Goals:    []simulate.GoalDay{{Value: share, Met: share >= 0.4}, {Value: float64(m), Met: m <= 5}},
			Attempts: 100 + i, Allowed: 80 + i,
			Denials: map[string]int{
				`Posts are capped at 5,000 characters`: 12,
				`first introduce then post`:            5 + i,
				`<b>&"quoted"</b>`:                     2,
			},
			Sanctions: map[string]int{"warn": 2, "remove": i % 2},
			Messages:  map[string]int{"Host a topic this week": 4},
		}
		s.Days = append(s.Days, d)
	}
	return s
}

func render(t testing.TB, s *simulate.Series) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.String()
}

// wellFormed parses doc as XML, failing the test where it is not.
func wellFormed(t *testing.T, name string, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v\n%s", name, err, doc)
		}
	}
}

// edgeCases are series that once might have broken a chart.
func edgeCases() map[string]*simulate.Series {
	cases := map[string]*simulate.Series{
		"sample":  sample(30),
		"no days": {RunInfo: simulate.RunInfo{Community: "Empty", Roles: []string{"a", "b"}, Goals: []simulate.GoalInfo{{Name: "g", Op: ">=", Target: 1}}}},
		"one day": sample(1),
		"zero":    {},
	}
	noRoles := sample(10)
	noRoles.Roles = nil
	noRoles.Transitions = []simulate.Transition{{From: simulate.Joined, To: simulate.Left, Count: 1}}
	for i := range noRoles.Days {
		noRoles.Days[i].Roles = nil
	}
	cases["no roles"] = noRoles

	noGoals := sample(10)
	noGoals.Goals = nil
	for i := range noGoals.Days {
		noGoals.Days[i].Goals = nil
		noGoals.Days[i].Denials = nil
	}
	noGoals.Transitions = nil
	cases["no goals, denials or transitions"] = noGoals

	huge := sample(20)
	for i := range huge.Days {
		d := &huge.Days[i]
		d.Members = 4_000_000_000 + i
		d.Roles = map[string]int{"onlooker": 3_000_000_000, "participant": 900_000_000 + i, "creator": 100_000_000}
		d.Attempts = math.MaxInt32 * 100
		d.Denials = map[string]int{"by default": 1 << 40}
		d.Goals[1].Value = 1e300
	}
	huge.Goals[1].Target = -1e300
	cases["huge counts"] = huge

	nan := sample(12)
	for i := range nan.Days {
		switch i % 4 {
		case 1:
			nan.Days[i].Goals[0].Value = math.NaN()
		case 2:
			nan.Days[i].Goals[0].Value = math.Inf(1)
		}
		nan.Days[i].Goals[1].Value = math.Inf(-1)
	}
	nan.Goals[0].Target = math.NaN()
	cases["NaN and Inf goals"] = nan

	hostile := sample(5)
	hostile.Community = `<script>alert("x")</script>`
	hostile.Rules = `a&b.charter`
	hostile.Roles = []string{`<role>`, `"quoted"`, `amp&amp`, "ctrl\x01\x7f", "\xff bad utf-8", "创作者", strings.Repeat("long", 30)}
	for i := range hostile.Days {
		hostile.Days[i].Roles = map[string]int{`<role>`: 3, `"quoted"`: 2, `amp&amp`: 1, "ctrl\x01\x7f": 1, "\xff bad utf-8": 1, "创作者": 4, strings.Repeat("long", 30): 2}
		hostile.Days[i].Messages = map[string]int{"</td></tr></table><h1>": 1}
	}
	hostile.Goals[0].Name = `<g>`
	hostile.Goals[0].Title = `]]><!--`
	hostile.Transitions = []simulate.Transition{{From: `<role>`, To: `"quoted"`, Count: 2}, {From: "unknown & unlisted", To: simulate.Left, Count: 1}}
	cases["markup in names"] = hostile

	many := sample(180)
	for i := range many.Days {
		d := &many.Days[i]
		for r := range 30 {
			d.Denials[fmt.Sprintf("rule %02d with a rather long label that goes on and on", r)] = r * i
		}
	}
	cases["many rules"] = many
	cases["180 days, 10 roles"] = tenRoles()
	return cases
}

func TestChartsAreWellFormedSVG(t *testing.T) {
	for name, s := range edgeCases() {
		t.Run(name, func(t *testing.T) {
			charts := Charts(s)
			var names []string
			for _, c := range charts {
				names = append(names, c.Name)
				if !bytes.HasPrefix(c.SVG, []byte("<?xml")) {
					t.Errorf("%s: no XML declaration", c.Name)
				}
				wellFormed(t, c.Name, c.SVG)
				if !bytes.Contains(c.SVG, []byte(`<title id="`+c.Name+`-title">`)) || !bytes.Contains(c.SVG, []byte(`<desc id="`+c.Name+`-desc">`)) {
					t.Errorf("%s: no accessible title and description", c.Name)
				}
				// Coordinates are plain decimals, never NaN, Inf or exponents.
				for _, bad := range []string{"NaN", "Inf", "e+", "e-"} {
					if strings.Contains(coordinates(c.SVG), bad) {
						t.Errorf("%s: %q in a coordinate", c.Name, bad)
					}
				}
			}
			if want := []string{"roles", "goals", "denials", "transitions"}; !slices.Equal(names, want) {
				t.Errorf("chart names = %q, want %q", names, want)
			}
			html := render(t, s)
			if !strings.HasPrefix(html, "<!DOCTYPE html>") {
				t.Errorf("page does not start with a doctype")
			}
		})
	}
}

// coordinates gathers the values of the geometry attributes of doc.
func coordinates(doc []byte) string {
	var b strings.Builder
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			return b.String()
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "width", "height", "d", "transform":
					b.WriteString(a.Value)
					b.WriteByte('|')
				}
			}
		}
	}
}

func TestEscaping(t *testing.T) {
	s := edgeCases()["markup in names"]
	html := render(t, s)
	for _, raw := range []string{"<script>", "<role>", "<g>", "</td></tr></table><h1>", `"quoted"`, "\x01", "\xff"} {
		if strings.Contains(html, raw) {
			t.Errorf("page holds %q unescaped", raw)
		}
	}
	for _, esc := range []string{"&lt;script&gt;", "&lt;role&gt;", "amp&amp;amp"} {
		if !strings.Contains(html, esc) {
			t.Errorf("page lacks %q", esc)
		}
	}
	// Round trip: the names come back out of the SVG as they went in.
	roles := Charts(s)[0].SVG
	d := xml.NewDecoder(bytes.NewReader(roles))
	var got []string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "path" {
			for _, a := range se.Attr {
				if a.Name.Local == "data-role" {
					got = append(got, a.Value)
				}
			}
		}
	}
	want := []string{`<role>`, `"quoted"`, `amp&amp`, "ctrl\ufffd\x7f", "\ufffd bad utf-8", "创作者", strings.Repeat("long", 30)}
	if !slices.Equal(got, want) {
		t.Errorf("data-role values = %q, want %q", got, want)
	}
}

func TestWriteRefusesBrokenSeries(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(*simulate.Series)
		want string
	}{
		"nil":            {func(s *simulate.Series) {}, "no series"},
		"out of order":   {func(s *simulate.Series) { s.Days[2].Day = 1 }, "day 1 (entry 3 of Days): comes after day 2"},
		"date backwards": {func(s *simulate.Series) { s.Days[3].Date = start }, "day 4 (entry 4 of Days): date"},
		"goal values":    {func(s *simulate.Series) { s.Days[1].Goals = s.Days[1].Goals[:1] }, "day 2 (entry 2 of Days): 1 goal values for 2 goals"},
		"negative":       {func(s *simulate.Series) { s.Days[0].Joined = -1 }, "day 1 (entry 1 of Days): joined is -1"},
		"negative role":  {func(s *simulate.Series) { s.Days[0].Roles["creator"] = -2 }, `roles["creator"] is -2`},
		"transition":     {func(s *simulate.Series) { s.Transitions[1].Count = -1 }, "transition 2 (onlooker to participant): count is -1"},
	} {
		t.Run(name, func(t *testing.T) {
			s := sample(5)
			tc.edit(s)
			if name == "nil" {
				s = nil
			}
			err := Write(io.Discard, s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		max    int
		want   []float64
		labels []string
	}{
		{0, 93, 6, []float64{0, 20, 40, 60, 80, 100}, []string{"0", "20", "40", "60", "80", "100"}},
		{0, 1, 6, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 0, 6, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, nil},
		{0.31, 0.47, 4, []float64{0.3, 0.4, 0.5}, []string{"0.3", "0.4", "0.5"}},
		{0.31, 0.47, 8, []float64{0.3, 0.35, 0.4, 0.45, 0.5}, []string{"0.30", "0.35", "0.40", "0.45", "0.50"}},
		{0, 4_000_000_123, 6, []float64{0, 1e9, 2e9, 3e9, 4e9, 5e9}, []string{"0", "1G", "2G", "3G", "4G", "5G"}},
		{0, 12_345, 6, []float64{0, 5000, 10000, 15000}, []string{"0", "5k", "10k", "15k"}},
		{0, 2500, 6, []float64{0, 500, 1000, 1500, 2000, 2500}, []string{"0", "500", "1,000", "1,500", "2,000", "2,500"}},
		{-3, 7, 6, []float64{-4, -2, 0, 2, 4, 6, 8}, nil},
		{150, 150, 6, []float64{130, 140, 150, 160, 170}, nil},
	} {
		tk := niceTicks(tc.lo, tc.hi, tc.max)
		if !slices.EqualFunc(tk.values, tc.want, func(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }) {
			t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.max, tk.values, tc.want)
			continue
		}
		if tc.labels != nil && !slices.Equal(tk.labels(), tc.labels) {
			t.Errorf("niceTicks(%v, %v, %d).labels() = %q, want %q", tc.lo, tc.hi, tc.max, tk.labels(), tc.labels)
		}
	}
	// No finite span: the ends alone, no loop.
	if tk := niceTicks(-math.MaxFloat64, math.MaxFloat64, 6); len(tk.values) != 2 {
		t.Errorf("niceTicks(±MaxFloat64) = %v", tk.values)
	}
}

func TestTimeTicks(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		from, to time.Time
		max      int
		want     []string
	}{
		{start, start.Add(7 * day), 8, []string{"Mar 1, 2026", "Mar 2", "Mar 3", "Mar 4", "Mar 5", "Mar 6", "Mar 7", "Mar 8"}},
		{start, start.Add(60 * day), 6, []string{"Mar 2, 2026", "Mar 16", "Mar 30", "Apr 13", "Apr 27"}},
		{start, start.Add(180 * day), 6, []string{"Mar 2026", "Apr", "May", "Jun", "Jul", "Aug"}},
		{start, start.Add(180 * day), 3, []string{"Mar 2026", "May", "Jul"}},
		{time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), 6, []string{"Nov 2025", "Dec", "Jan 2026", "Feb", "Mar", "Apr"}},
		{start, start.Add(3000 * day), 6, []string{"2028", "2030", "2032", "2034"}},
		{start.Add(time.Hour), start.Add(2 * time.Hour), 6, nil},
	} {
		var got []string
		for _, tk := range timeTicks(tc.from, tc.to, tc.max) {
			got = append(got, tk.label)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("timeTicks(%s, %s, %d) = %q, want %q", tc.from.Format(time.DateOnly), tc.to.Format(time.DateOnly), tc.max, got, tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 9999: "9,999", 12_345: "12.3k", 40_000: "40k", 1_500_000: "1.5M", 1 << 40: "1.1T", -5: "-5"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

// The charts carry their figures where a reader and a test can find them.
func TestChartContent(t *testing.T) {
	s := sample(30)
	byName := map[string]string{}
	for _, c := range Charts(s) {
		byName[c.Name] = string(c.SVG)
	}
	roles := byName["roles"]
	for _, r := range s.Roles {
		if strings.Count(roles, `data-role="`+r+`"`) != 1 {
			t.Errorf("roles chart: want one area for %s", r)
		}
	}
	// The stack is drawn bottom-up in ladder order; the legend top-down.
	if i, j := strings.Index(roles, `data-role="onlooker"`), strings.Index(roles, `data-role="creator"`); i > j {
		t.Errorf("roles chart: creator drawn before onlooker")
	}
	if i, j := strings.Index(roles, `data-legend="creator"`), strings.Index(roles, `data-legend="onlooker"`); i > j {
		t.Errorf("roles legend: onlooker listed above creator")
	}
	goals := byName["goals"]
	for _, g := range s.Goals {
		for _, attr := range []string{`data-goal="`, `data-goal-target="`, `data-goal-value="`} {
			if !strings.Contains(goals, attr+g.Name+`"`) {
				t.Errorf("goals chart: no %s%s", attr, g.Name)
			}
		}
	}
	// engagement is met from day 4 on (one run of 27 days), size never.
	if !strings.Contains(goals, `data-met-days="27"`) || strings.Count(goals, "data-met-days") != 1 {
		t.Errorf("goals chart: want one met run of 27 days")
	}
	if !strings.Contains(goals, "target ≥ 0.4 · met 27 of 30 days") {
		t.Errorf("goals chart: no target and met summary for engagement")
	}
	denials := byName["denials"]
	// first introduce then post: sum of 5+i over 30 days = 150+465.
	first := strings.Index(denials, `data-rule="first introduce then post" data-count="615"`)
	capped := strings.Index(denials, `data-rule="Posts are capped at 5,000 characters" data-count="360"`)
	if first < 0 || capped < 0 || first > capped {
		t.Errorf("denials chart: want first introduce then post (615) above the cap (360)")
	}
	if !strings.Contains(denials, `data-rule="&lt;b&gt;&amp;&#34;quoted&#34;&lt;/b&gt;" data-count="60"`) {
		t.Errorf("denials chart: the markup label is missing or unescaped")
	}
	tr := byName["transitions"]
	for _, c := range s.Transitions {
		if !strings.Contains(tr, fmt.Sprintf(`data-from="%s" data-to="%s" data-count="%d"`, c.From, c.To, c.Count)) {
			t.Errorf("transitions chart: no cell %s → %s (%d)", c.From, c.To, c.Count)
		}
	}
}

func TestManyRulesGatherTheRest(t *testing.T) {
	svg := string(Charts(edgeCases()["many rules"])[2].SVG)
	if n := strings.Count(svg, `class="bar"`); n != topDenials {
		t.Errorf("%d bars, want %d", n, topDenials)
	}
	if !strings.Contains(svg, `data-rule="21 other rules"`) {
		t.Errorf("no bar for the other rules")
	}
	if !strings.Contains(svg, "rule 29 with a rather long label that goes…") {
		t.Errorf("the longest label is not cut short with an ellipsis")
	}
}

// TestReportInBrowser loads the report in headless Chromium: it must load
// nothing but itself, log no error, and show every series.
func TestReportInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	s := sample(60)
	s.Transitions = append(s.Transitions, simulate.Transition{From: "creator", To: simulate.Left, Count: 1})
	dir := browsertest.ArtifactDir(t)
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte(render(t, s)), 0o644); err != nil {
		t.Fatal(err)
	}
	p := browsertest.Open(t, path)
	p.NoErrors()
	p.SelfContained()

	if got := p.Attrs("path[data-role]", "data-role"); !slices.Equal(got, s.Roles) {
		t.Errorf("role areas = %q, want %q", got, s.Roles)
	}
	// Each role's area has a real extent on the screen.
	var heights []float64
	p.Eval(`Array.from(document.querySelectorAll("path[data-role]"), e => e.getBBox().height)`, &heights)
	for i, h := range heights {
		if h <= 0 {
			t.Errorf("area of %s has height %v", s.Roles[i], h)
		}
	}
	// Hovering over a day gives its figures.
	if n := p.Count("figure#roles g.days rect"); n != 60 {
		t.Errorf("%d hover columns in the roles chart, want 60", n)
	}
	var tip string
	p.Eval(`document.querySelector("figure#roles g.days rect:last-child title").textContent`, &tip)
	if want := "day 60, Apr 30, 2026\ncreator: 30\nparticipant: 120\nonlooker: 70\nall: 220"; tip != want {
		t.Errorf("last day's tooltip = %q, want %q", tip, want)
	}
	p.Eval(`document.querySelector("figure#goals g[data-goal=engagement] g.days rect:first-child title").textContent`, &tip)
	if want := "day 1, Mar 2, 2026\nengagement: 0.1538, not met"; tip != want {
		t.Errorf("first day's engagement tooltip = %q, want %q", tip, want)
	}
	if got := p.Texts("figure#goals .goal-name"); !slices.Equal(got, []string{"engagement — Most members take part", "size — Stay within Dunbar's number"}) {
		t.Errorf("goal panels = %q", got)
	}
	if n := p.Count("line[data-goal-target]"); n != 2 {
		t.Errorf("%d target lines, want 2", n)
	}
	if got := p.Attrs("figure#denials g.bar", "data-rule"); len(got) != 3 || got[0] != "first introduce then post" || got[2] != `<b>&"quoted"</b>` {
		t.Errorf("denial bars = %q", got)
	}
	var cells map[string]string
	p.Eval(`Object.fromEntries(Array.from(document.querySelectorAll("g.cell"), g => [g.dataset.from + " > " + g.dataset.to, g.querySelector("text").textContent]))`, &cells)
	for _, c := range s.Transitions {
		if got := cells[c.From+" > "+c.To]; got != fmt.Sprint(c.Count) {
			t.Errorf("cell %s → %s shows %q, want %d", c.From, c.To, got, c.Count)
		}
	}
	if got := p.Texts("table.summary th"); !slices.Contains(got, "attempts / allowed") {
		t.Errorf("summary rows = %q", got)
	}
	// Day 60 counts 60/5 opinion leaders.
	if got := strings.Join(p.Texts("table.summary td"), "\n"); !strings.Contains(got, "1 badge opinion_leader 12") {
		t.Errorf("summary cells lack the badge holders:\n%s", got)
	}
	textInside(t, p)
	p.Screenshot("report.png")

	// Each chart also stands alone as a picture.
	for _, c := range Charts(s) {
		file := filepath.Join(dir, c.Name+".svg")
		if err := os.WriteFile(file, c.SVG, 0o644); err != nil {
			t.Fatal(err)
		}
		p.Navigate(file)
		p.NoErrors()
		p.SelfContained()
		var w, h float64
		p.Eval(`document.documentElement.getBBox().width`, &w)
		p.Eval(`document.documentElement.getBBox().height`, &h)
		if w < 100 || h < 50 {
			t.Errorf("%s.svg draws %vx%v", c.Name, w, h)
		}
	}
}

// textInside fails the test for each text of a chart that lies outside its
// SVG: a label cut off at the edge.
func textInside(t *testing.T, p *browsertest.Page) {
	t.Helper()
	var outside []string
	p.Eval(`(() => { const out = [];
	  for (const svg of document.querySelectorAll("svg[data-chart]")) {
	    const box = svg.getBoundingClientRect();
	    for (const t of svg.querySelectorAll("text")) {
	      const r = t.getBoundingClientRect();
	      if (r.width === 0) continue;
	      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
	        out.push(svg.dataset.chart + ": " + t.textContent);
	    }
	  }
	  return out; })()`, &outside)
	for _, o := range outside {
		t.Errorf("text outside its chart: %s", o)
	}
}

// TestEdgeCasesInBrowser loads the report of every edge case: each must
// load cleanly with its labels inside their charts. The screenshots are
// kept for a look.
func TestEdgeCasesInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	dir := browsertest.ArtifactDir(t)
	var p *browsertest.Page
	names := slices.Sorted(maps.Keys(edgeCases()))
	cases := edgeCases()
	for _, name := range names {
		file := strings.NewReplacer(" ", "-", ",", "").Replace(name)
		path := filepath.Join(dir, file+".html")
		if err := os.WriteFile(path, []byte(render(t, cases[name])), 0o644); err != nil {
			t.Fatal(err)
		}
		if p == nil {
			p = browsertest.Open(t, path)
		} else {
			p.Navigate(path)
		}
		t.Run(name, func(t *testing.T) {
			p.NoErrors()
			p.SelfContained()
			if n := p.Count("svg[data-chart]"); n != 4 {
				t.Errorf("%d charts, want 4", n)
			}
			textInside(t, p)
		})
		p.Screenshot(file + ".png")
	}
}

// tenRoles is a long run of a ten-rung ladder whose members drift upward.
func tenRoles() *simulate.Series {
	s := sample(180)
	s.Roles = []string{"inactive", "onlooker", "collector", "commenter", "participant", "curator", "creator", "moderator", "opinion leader", "founder"}
	for i := range s.Days {
		d := &s.Days[i]
		d.Roles = map[string]int{}
		d.Members = 0
		for j, r := range s.Roles {
			n := int(1000 * math.Exp(-float64(j)*(1-float64(i)/250)))
			d.Roles[r] = n
			d.Members += n
		}
	}
	return s
}

func BenchmarkWrite(b *testing.B) {
	s := tenRoles()
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}
