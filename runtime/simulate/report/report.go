// Package report draws a simulation run (a simulate.Series) as a
// self-contained HTML page of SVG charts, and each chart on its own as an
// SVG document.
//
//	err := report.Write(f, series)         // report.html
//	for _, c := range report.Charts(series) {
//		os.WriteFile(c.Name+".svg", c.SVG, 0o644)
//	}
//
// The page holds a summary table (members, joins, leaves, removals,
// attempts and how many were allowed, denials, sanctions, badge holders,
// messages), a
// table of the goals, and four charts:
//
//   - roles: members by role over time, a stacked area with the lowest rung
//     at the bottom and a legend in ladder order (members alone for a
//     community without roles);
//   - goals: one panel per goal on its own scale, the value as a line, the
//     target as a dashed line, the days it was met shaded;
//   - denials: total denials by rule label over the run, a horizontal bar
//     per rule, most first, the twelfth bar gathering the rest;
//   - transitions: the conversions between roles as a heat map, a row per
//     role members came from (simulate.Joined first), a column per role
//     they went to (simulate.Left last), each cell labelled with its count.
//
// The page needs nothing but itself: the CSS and the SVG are inline, there
// is no script, no font and no image to fetch, so it opens from a mail
// attachment or a CI artifact as it does from disk. Hovering over a day
// of the roles or goals chart, a bar or a cell shows its figures through
// SVG <title> elements, which screen readers also read; each chart has a
// title and a description that say in words what it shows. Every name
// from the rule file or the model is escaped, so a label such as
// `a < b && "c"` shows as written.
//
// The charts are SVG written directly, not drawn by a plotting library:
// they are a stacked area, lines, bars and a grid of cells, a hundred-odd
// lines each here, and writing them keeps text as text (searchable,
// translatable, readable by screen readers and tests), lets each shape
// carry data-* attributes naming its series, and adds no dependency to
// the module.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/charterlang/charter/runtime/simulate"
)

// Write writes the report of s as one HTML page. It returns an error,
// naming the day, when s does not hold together (days out of order, a
// day's goal values not matching the goals, negative counts); NaN and
// infinite goal values are drawn as gaps.
func Write(w io.Writer, s *simulate.Series) error {
	if err := check(s); err != nil {
		return err
	}
	v := newView(s)
	data := page{
		S:       s,
		Summary: v.summary(),
		Goals:   v.goalRows(),
	}
	if len(s.Days) > 0 {
		data.First = v.dates[0].Format("2006-01-02")
		data.Last = v.dates[len(v.dates)-1].Format("2006-01-02")
	}
	for _, c := range v.charts() {
		data.Charts = append(data.Charts, figure{Name: c.Name, Caption: captions[c.Name], SVG: template.HTML(c.SVG)})
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// check finds what would make a report of s wrong rather than merely
// empty.
func check(s *simulate.Series) error {
	if s == nil {
		return errors.New("report: no series")
	}
	for i, d := range s.Days {
		at := fmt.Sprintf("report: day %d (entry %d of Days)", d.Day, i+1)
		if i > 0 {
			prev := s.Days[i-1]
			if d.Day <= prev.Day {
				return fmt.Errorf("%s: comes after day %d: days must be in order", at, prev.Day)
			}
			if !d.Date.IsZero() && !prev.Date.IsZero() && d.Date.Before(prev.Date) {
				return fmt.Errorf("%s: date %s is before the previous day's %s", at, d.Date.Format(time.RFC3339), prev.Date.Format(time.RFC3339))
			}
		}
		if len(d.Goals) != len(s.Goals) {
			return fmt.Errorf("%s: %d goal values for %d goals (Series.Goals)", at, len(d.Goals), len(s.Goals))
		}
		for _, f := range []struct {
			name string
			n    int
		}{{"members", d.Members}, {"joined", d.Joined}, {"left", d.Left}, {"removed", d.Removed}, {"attempts", d.Attempts}, {"allowed", d.Allowed}} {
			if f.n < 0 {
				return fmt.Errorf("%s: %s is %d", at, f.name, f.n)
			}
		}
		for _, f := range []struct {
			name string
			m    map[string]int
		}{{"roles", d.Roles}, {"badges", d.Badges}, {"denials", d.Denials}, {"sanctions", d.Sanctions}, {"messages", d.Messages}} {
			// Sorted, so that of several bad entries the same one is named.
			for _, k := range slices.Sorted(maps.Keys(f.m)) {
				if n := f.m[k]; n < 0 {
					return fmt.Errorf("%s: %s[%q] is %d", at, f.name, k, n)
				}
			}
		}
	}
	for i, t := range s.Transitions {
		if t.Count < 0 {
			return fmt.Errorf("report: transition %d (%s to %s): count is %d", i+1, t.From, t.To, t.Count)
		}
	}
	return nil
}

type page struct {
	S           *simulate.Series
	First, Last string
	Summary     []row
	Goals       []goalRow
	Charts      []figure
}

type row struct {
	Label, Value string
	Detail       []kv
}

type kv struct {
	Key   string
	Value string
}

type goalRow struct {
	Name, Title, Target, Final string
	MetDays, Days              int
	MetAtEnd                   bool
}

type figure struct {
	Name, Caption string
	SVG           template.HTML
}

// captions say how to read each chart, below it on the page.
var captions = map[string]string{
	"roles":       "Members at the end of each day, a band per role, the lowest rung at the bottom. Hover over a band for its figures.",
	"goals":       "Each goal on its own scale: its value at the end of each day (solid line), its target (dashed line), and the days it was met (shaded).",
	"denials":     "Denials over the whole run by the rule that gave them, most first. An attempt that several rules refused counts once for each.",
	"transitions": "Members who moved over the whole run, from the role of the row to the role of the column. " + simulate.Joined + " is joining the community; " + simulate.Left + " is leaving it, of one's own accord or removed.",
}

// byCount sums a per-day map over the run and sorts it, largest first.
func byCount(days []simulate.Day, field func(simulate.Day) map[string]int) ([]kv, int) {
	totals := map[string]int{}
	for _, d := range days {
		for k, n := range field(d) {
			totals[k] += n
		}
	}
	keys := make([]string, 0, len(totals))
	sum := 0
	for k, n := range totals {
		keys = append(keys, k)
		sum += n
	}
	sort.Slice(keys, func(a, b int) bool {
		if totals[keys[a]] != totals[keys[b]] {
			return totals[keys[a]] > totals[keys[b]]
		}
		return keys[a] < keys[b]
	})
	out := make([]kv, len(keys))
	for i, k := range keys {
		out[i] = kv{k, formatNumber(float64(totals[k]), 0)}
	}
	return out, sum
}

// topDetail is how many sanction kinds or messages the summary lists.
const topDetail = 10

func (v *view) summary() []row {
	days := v.s.Days
	n := len(days)
	var joined, left, removed, attempts, allowed int
	peak, peakDay := 0, 0
	for _, d := range days {
		joined += d.Joined
		left += d.Left
		removed += d.Removed
		attempts += d.Attempts
		allowed += d.Allowed
		if d.Members > peak || peakDay == 0 {
			peak, peakDay = d.Members, d.Day
		}
	}
	f := func(n int) string { return formatNumber(float64(n), 0) }
	rows := []row{{Label: "days", Value: f(n)}}
	if n > 0 {
		rows = append(rows,
			row{Label: "members at the end of day 1", Value: f(days[0].Members)},
			row{Label: "members at the end", Value: f(days[n-1].Members)},
			row{Label: "most members", Value: fmt.Sprintf("%s (day %d)", f(peak), peakDay)},
		)
	}
	share := ""
	if attempts > 0 {
		share = fmt.Sprintf(" (%.1f%% allowed)", 100*float64(allowed)/float64(attempts))
	}
	denialRules := v.denialTotals()
	denials := 0
	for _, r := range denialRules {
		denials += r.n
	}
	sanctions, nSanctions := byCount(days, func(d simulate.Day) map[string]int { return d.Sanctions })
	messages, nMessages := byCount(days, func(d simulate.Day) map[string]int { return d.Messages })
	rows = append(rows,
		row{Label: "joined", Value: f(joined)},
		row{Label: "left of their own accord", Value: f(left)},
		row{Label: "removed by a sanction", Value: f(removed)},
		row{Label: "attempts / allowed", Value: f(attempts) + " / " + f(allowed) + share},
		row{Label: "denials (one per denying rule)", Value: fmt.Sprintf("%s by %d rules", f(denials), len(denialRules))},
		row{Label: "sanctions", Value: f(nSanctions), Detail: clip(sanctions)},
		v.badgeRow(),
		row{Label: "messages (nudges and offers)", Value: f(nMessages), Detail: clip(messages)},
	)
	return rows
}

// badgeRow lists the holders of each badge at the end of the run, in
// declaration order, then any badge a day counts that Series.Badges lacks.
func (v *view) badgeRow() row {
	r := row{Label: "badge holders at the end", Value: "—"}
	days := v.s.Days
	if len(days) == 0 {
		return r
	}
	last := days[len(days)-1].Badges
	names := slices.Clone(v.s.Badges)
	for _, b := range slices.Sorted(maps.Keys(last)) {
		if !slices.Contains(names, b) {
			names = append(names, b)
		}
	}
	if len(names) == 0 {
		return r
	}
	r.Value = fmt.Sprintf("%d badges", len(names))
	if len(names) == 1 {
		r.Value = "1 badge"
	}
	for _, b := range names {
		r.Detail = append(r.Detail, kv{b, formatNumber(float64(last[b]), 0)})
	}
	r.Detail = clip(r.Detail)
	return r
}

func clip(kvs []kv) []kv {
	if len(kvs) <= topDetail {
		return kvs
	}
	rest := len(kvs) - (topDetail - 1)
	return append(kvs[:topDetail-1:topDetail-1], kv{fmt.Sprintf("%d others", rest), "…"})
}

func (v *view) goalRows() []goalRow {
	n := len(v.s.Days)
	out := make([]goalRow, len(v.s.Goals))
	for j, g := range v.s.Goals {
		r := goalRow{Name: g.Name, Title: g.Title, Target: targetText(g), Days: n, Final: "—"}
		for i := range n {
			if v.goalAt(j, i).Met {
				r.MetDays++
			}
		}
		if n > 0 {
			last := v.goalAt(j, n-1)
			r.Final, r.MetAtEnd = value(last.Value), last.Met
		}
		out[j] = r
	}
	return out
}

// The page's CSS is inline and small; the charts carry their own colours
// as attributes, so a chart copied out of the page looks the same.
var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{with .S.Community}}{{.}} — {{end}}simulation report</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #222; background: #fafafa; margin: 0; }
main { max-width: 800px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; }
p.run { color: #555; margin: 0 0 16px; }
code { font-size: 13px; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
th { font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.detail { margin: 4px 0 0; padding: 0; list-style: none; color: #555; font-size: 13px; }
ul.detail li { display: flex; justify-content: space-between; gap: 16px; }
.met { color: #117733; font-weight: 600; }
.unmet { color: #a33; font-weight: 600; }
figure { margin: 24px 0 0; background: #fff; border: 1px solid #e6e6e6; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { padding: 6px 12px; color: #555; font-size: 13px; border-top: 1px solid #e6e6e6; }
</style>
</head>
<body>
<main>
<h1>{{with .S.Community}}{{.}}{{else}}Simulation report{{end}}</h1>
<p class="run">Simulation{{with .S.Rules}} of <code>{{.}}</code>{{end}}{{with .S.Model}} under the model <code>{{.}}</code>{{end}}, seed {{.S.Seed}}{{if .First}}, from {{.First}} to {{.Last}}{{end}}.</p>

<h2>Summary</h2>
<table class="summary">
<tbody>
{{range .Summary}}<tr><th scope="row">{{.Label}}</th><td class="n">{{.Value}}{{if .Detail}} <ul class="detail">{{range .Detail}}<li><span>{{.Key}}</span> <span>{{.Value}}</span></li>{{end}}</ul>{{end}}</td></tr>
{{end}}</tbody>
</table>

<h2>Goals</h2>
{{if .Goals}}<table class="goals">
<thead><tr><th scope="col">goal</th><th scope="col">target</th><th scope="col" class="n">at the end</th><th scope="col" class="n">days met</th></tr></thead>
<tbody>
{{range .Goals}}<tr data-goal="{{.Name}}"><th scope="row">{{.Name}}{{if .Title}}<br><small>{{.Title}}</small>{{end}}</th><td>{{.Target}}</td><td class="n">{{.Final}} {{if .Days}}{{if .MetAtEnd}}<span class="met">met</span>{{else}}<span class="unmet">not met</span>{{end}}{{end}}</td><td class="n">{{.MetDays}} of {{.Days}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p>The community has no goals.</p>{{end}}

<h2>Charts</h2>
{{range .Charts}}<figure id="{{.Name}}">
{{.SVG}}
<figcaption>{{.Caption}}</figcaption>
</figure>
{{end}}</main>
</body>
</html>
`))
