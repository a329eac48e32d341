package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/charterlang/charter/runtime/simulate"
)

// Chart is one chart of a report as a standalone SVG document.
type Chart struct {
	// Name is short and fit for a file name: roles, goals, denials,
	// transitions.
	Name string
	// Title says what the chart shows, in words.
	Title string
	// SVG is the whole document, from the XML declaration on.
	SVG []byte
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// Charts draws the charts of a run, always the same four in the same order:
// members by role over time, each goal against its target, the rules that
// denied most, and the conversions between roles. A chart with nothing to
// show (no days, no goals, no denials) says so in its picture.
//
// Charts draws whatever it is given; Write checks the series first and
// says what is wrong with it.
func Charts(s *simulate.Series) []Chart {
	if s == nil {
		s = &simulate.Series{}
	}
	v := newView(s)
	out := make([]Chart, 0, 4)
	for _, c := range v.charts() {
		c.SVG = append([]byte(xmlDecl), c.SVG...)
		out = append(out, c)
	}
	return out
}

// view is what every chart needs from a series, computed once.
type view struct {
	s *simulate.Series
	// dates[i] is when day i's figures were read; t0 is the start of the
	// first day: the time axis runs from t0 to the last date.
	dates  []time.Time
	t0, t1 time.Time
	// roles are the stacked series, lowest rung first: the ladder, then any
	// other role a day counts, by name. Without roles, one series of all
	// members.
	roles    []string
	noLadder bool
	counts   [][]float64 // counts[r][i]: members of roles[r] at day i
}

const day = 24 * time.Hour

func newView(s *simulate.Series) *view {
	v := &view{s: s}
	n := len(s.Days)
	v.dates = make([]time.Time, n)
	for i, d := range s.Days {
		t := d.Date
		if t.IsZero() {
			t = s.Start.Add(time.Duration(d.Day) * day)
		}
		v.dates[i] = t
	}
	switch {
	case n == 0:
		v.t0 = s.Start
		v.t1 = s.Start.Add(day)
	case n == 1:
		// One day's figures hold across that day.
		v.t0 = v.dates[0].Add(-day)
		if !s.Start.IsZero() && s.Start.Before(v.dates[0]) {
			v.t0 = s.Start
		}
		v.t1 = v.dates[0]
	default:
		// The axis spans the readings, so no chart starts with a blank
		// day before the first.
		v.t0 = v.dates[0]
		v.t1 = v.dates[n-1]
		if !v.t1.After(v.t0) {
			v.t1 = v.t0.Add(day)
		}
	}

	seen := map[string]bool{}
	for _, r := range s.Roles {
		if !seen[r] {
			seen[r] = true
			v.roles = append(v.roles, r)
		}
	}
	var extra []string
	for _, d := range s.Days {
		for r := range d.Roles {
			if !seen[r] {
				seen[r] = true
				extra = append(extra, r)
			}
		}
	}
	sort.Strings(extra)
	v.roles = append(v.roles, extra...)
	if len(v.roles) == 0 {
		v.noLadder = true
		v.roles = []string{"members"}
		v.counts = [][]float64{make([]float64, n)}
		for i, d := range s.Days {
			v.counts[0][i] = float64(d.Members)
		}
		return v
	}
	v.counts = make([][]float64, len(v.roles))
	for r, name := range v.roles {
		v.counts[r] = make([]float64, n)
		for i, d := range s.Days {
			v.counts[r][i] = float64(d.Roles[name])
		}
	}
	return v
}

func (v *view) charts() []Chart {
	return []Chart{v.rolesChart(), v.goalsChart(), v.denialsChart(), v.transitionsChart()}
}

// palette is Paul Tol's "muted" scheme, chosen to stay distinguishable for
// the common kinds of colour blindness, then a pale grey; every series is
// also named in text (legend, labels, tooltips), so colour is never the
// only cue.
var palette = []string{
	"#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
	"#DDCC77", "#CC6677", "#882255", "#AA4499", "#BBBBBB",
}

const (
	width    = 760.0
	fontSize = 12.0
	ink      = "#222222"
	muted    = "#666666"
	grid     = "#E3E3E3"
)

// begin opens a chart's <svg> with its accessible name and description and
// a visible heading.
func begin(w *svg, name, title, desc string, height float64) {
	w.open("svg",
		"xmlns", "http://www.w3.org/2000/svg",
		"width", num(width), "height", num(height),
		"viewBox", "0 0 "+num(width)+" "+num(height),
		"role", "img",
		"aria-labelledby", name+"-title "+name+"-desc",
		"font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
		"font-size", num(fontSize),
		"data-chart", name,
	)
	w.textElem("title", title, "id", name+"-title")
	w.textElem("desc", desc, "id", name+"-desc")
	w.elem("rect", "width", num(width), "height", num(height), "fill", "#FFFFFF")
	w.textElem("text", title, "x", "16", "y", "24", "font-size", "15", "font-weight", "600", "fill", ink)
}

// empty writes a message in place of a chart's data.
// end closes the <svg> begin opened and returns the chart.
func end(w *svg, name, title string) Chart {
	w.close("svg")
	return Chart{Name: name, Title: title, SVG: w.b.Bytes()}
}

func empty(w *svg, msg string, y float64) {
	w.textElem("text", msg, "x", num(width/2), "y", num(y), "text-anchor", "middle", "fill", muted, "class", "empty")
}

// yAxis draws horizontal grid lines and their labels left of x0.
func yAxis(w *svg, y linear, tk ticks, x0, x1 float64) {
	labels := tk.labels()
	w.open("g", "class", "y-axis", "fill", muted, "text-anchor", "end")
	for i, v := range tk.values {
		py := y.at(v)
		w.elem("line", "x1", num(x0), "x2", num(x1), "y1", num(py), "y2", num(py), "stroke", grid)
		w.textElem("text", labels[i], "x", num(x0-6), "y", num(py+4))
	}
	w.close("g")
}

// timeAxis draws date ticks below y0 for the x scale over [v.t0, v.t1].
func (v *view) timeAxis(w *svg, x linear, y0 float64) {
	maxTicks := int((x.r1 - x.r0) / 90)
	w.open("g", "class", "x-axis", "fill", muted, "text-anchor", "middle")
	w.elem("line", "x1", num(x.r0), "x2", num(x.r1), "y1", num(y0), "y2", num(y0), "stroke", muted)
	for _, tk := range timeTicks(v.t0, v.t1, maxTicks) {
		px := x.at(unix(tk.t))
		w.elem("line", "x1", num(px), "x2", num(px), "y1", num(y0), "y2", num(y0+4), "stroke", muted)
		w.textElem("text", tk.label, "x", num(px), "y", num(y0+17))
	}
	w.close("g")
}

func unix(t time.Time) float64 { return float64(t.Unix()) + float64(t.Nanosecond())/1e9 }

func (v *view) xScale(r0, r1 float64) linear {
	return linear{unix(v.t0), unix(v.t1), r0, r1}
}

// xs returns the x of each day's reading.
func (v *view) xs(x linear) []float64 {
	out := make([]float64, len(v.dates))
	for i, t := range v.dates {
		out[i] = x.at(unix(t))
	}
	return out
}

// maxHoverDays bounds the days that get a hover column: past it the
// columns would be thinner than a pixel and only weigh the file down.
const maxHoverDays = 800

// dayColumns lays an invisible column over each day, reaching halfway to
// its neighbours, whose tooltip gives the day's date and figures: reading
// a value off a chart by hovering, with no script.
func (v *view) dayColumns(w *svg, xs []float64, top, bottom float64, figures func(i int) string) {
	n := len(xs)
	if n > maxHoverDays || n != len(v.s.Days) {
		return
	}
	w.open("g", "class", "days", "fill", "#FFFFFF", "fill-opacity", "0")
	for i := range n {
		x0, x1 := xs[0], xs[n-1]
		if n == 1 {
			x0 = xs[0] - 8
		}
		if i > 0 {
			x0 = (xs[i-1] + xs[i]) / 2
		}
		if i < n-1 {
			x1 = (xs[i] + xs[i+1]) / 2
		}
		w.open("rect", "x", num(x0), "y", num(top), "width", num(math.Max(x1-x0, 0.5)), "height", num(bottom-top))
		w.tooltip(fmt.Sprintf("day %d, %s%s", v.s.Days[i].Day, v.dates[i].Format("Jan 2, 2006"), figures(i)))
		w.close("rect")
	}
	w.close("g")
}

func (v *view) span() string {
	n := len(v.s.Days)
	switch n {
	case 0:
		return "no days"
	case 1:
		return "1 day, " + v.dates[0].Format("2006-01-02")
	}
	return fmt.Sprintf("%d days, %s to %s", n, v.dates[0].Format("2006-01-02"), v.dates[n-1].Format("2006-01-02"))
}

// rolesChart stacks the members of each role over time, lowest rung at the
// bottom, so the ladder reads upward as it does in the legend.
func (v *view) rolesChart() Chart {
	const name = "roles"
	title := "Members by role"
	if v.noLadder {
		title = "Members"
	}
	n := len(v.s.Days)
	const left, top, legendW, bottom = 64.0, 56.0, 180.0, 40.0
	rows := float64(len(v.roles))
	height := math.Max(360, top+rows*18+bottom)
	if n == 0 {
		height = top + 40
	}
	plotR := width - legendW
	plotB := height - bottom

	var desc strings.Builder
	fmt.Fprintf(&desc, "Stacked area chart of members by role, lowest rung at the bottom, over %s.", v.span())
	if n > 0 {
		desc.WriteString(" At the end:")
		for r := len(v.roles) - 1; r >= 0; r-- {
			fmt.Fprintf(&desc, " %s %d", v.roles[r], int(v.counts[r][n-1]))
			if r > 0 {
				desc.WriteByte(',')
			}
		}
		desc.WriteByte('.')
	}

	w := &svg{}
	begin(w, name, title, desc.String(), height)
	if n == 0 {
		empty(w, "No days were simulated.", top+10)
		return end(w, name, title)
	}

	// Stack bottom-up; totals give the y domain.
	cum := make([][]float64, len(v.roles)+1)
	cum[0] = make([]float64, n)
	maxTotal := 0.0
	for r := range v.roles {
		cum[r+1] = make([]float64, n)
		for i := range n {
			cum[r+1][i] = cum[r][i] + v.counts[r][i]
		}
	}
	for _, t := range cum[len(v.roles)] {
		maxTotal = math.Max(maxTotal, t)
	}
	tk := niceTicks(0, maxTotal, 6)
	y := linear{tk.lo(), tk.hi(), plotB, top}
	x := v.xScale(left, plotR)
	xs := v.xs(x)
	if n == 1 {
		// One day's figures hold across that day.
		xs = []float64{x.at(unix(v.t0)), xs[0]}
		for r := range cum {
			cum[r] = []float64{cum[r][0], cum[r][0]}
		}
	}
	yAxis(w, y, tk, left, plotR)
	w.textElem("text", "members", "x", num(left-6), "y", num(top-14), "text-anchor", "end", "fill", muted)

	w.open("g", "class", "areas", "stroke", "#FFFFFF", "stroke-width", "0.5")
	for r, role := range v.roles {
		var d strings.Builder
		for i := range xs {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, num(xs[i]), num(y.at(cum[r+1][i])))
		}
		for i := len(xs) - 1; i >= 0; i-- {
			fmt.Fprintf(&d, "L%s %s", num(xs[i]), num(y.at(cum[r][i])))
		}
		d.WriteString("Z")
		last := v.counts[r][n-1]
		peak := 0.0
		for _, c := range v.counts[r] {
			peak = math.Max(peak, c)
		}
		w.open("path", "d", d.String(), "fill", palette[r%len(palette)], "data-role", role,
			"data-last", fmt.Sprint(int(last)))
		w.tooltip(fmt.Sprintf("%s: %s at the end, at most %s", role, count(int(last)), count(int(peak))))
		w.close("path")
	}
	w.close("g")
	v.dayColumns(w, xs, top, plotB, func(i int) string {
		var b strings.Builder
		total := 0.0
		for r := len(v.roles) - 1; r >= 0; r-- {
			fmt.Fprintf(&b, "\n%s: %s", v.roles[r], count(int(v.counts[r][i])))
			total += v.counts[r][i]
		}
		if len(v.roles) > 1 {
			fmt.Fprintf(&b, "\nall: %s", count(int(total)))
		}
		return b.String()
	})
	v.timeAxis(w, x, plotB)

	// The legend lists the highest rung first, as the stack shows it.
	w.open("g", "class", "legend", "fill", ink)
	lx := plotR + 20
	for i, r := 0, len(v.roles)-1; r >= 0; i, r = i+1, r-1 {
		ly := top + float64(i)*18
		w.open("g", "data-legend", v.roles[r])
		w.elem("rect", "x", num(lx), "y", num(ly), "width", "12", "height", "12", "fill", palette[r%len(palette)])
		label := fmt.Sprintf("%s (%s)", truncate(v.roles[r], 18), count(int(v.counts[r][n-1])))
		w.textElem("text", label, "x", num(lx+18), "y", num(ly+10))
		w.tooltip(v.roles[r])
		w.close("g")
	}
	w.close("g")
	return end(w, name, title)
}

var opText = map[string]string{">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<", "!=": "≠"}

func targetText(g simulate.GoalInfo) string {
	op := opText[g.Op]
	if op == "" {
		op = g.Op
	}
	return "target " + op + " " + value(g.Target)
}

// goalAt returns goal j's value and met flag at day i; a day without the
// value (a short Goals slice) reads as NaN, not met.
func (v *view) goalAt(j, i int) simulate.GoalDay {
	gs := v.s.Days[i].Goals
	if j < len(gs) {
		return gs[j]
	}
	return simulate.GoalDay{Value: math.NaN()}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// goalsChart draws one panel per goal, each on its own scale (a share and a
// head count do not share an axis): the value as a line, the target as a
// dashed line, and the days the goal was met shaded.
func (v *view) goalsChart() Chart {
	const name = "goals"
	title := "Goals against their targets"
	goals := v.s.Goals
	n := len(v.s.Days)
	const left, top, panelH, plotH = 64.0, 44.0, 190.0, 120.0
	// The target's label sits right of the plot; every panel shares the
	// widest one so that their time axes line up.
	right := 40.0
	for _, g := range goals {
		right = math.Max(right, textWidth(targetText(g), fontSize)+20)
	}
	right = math.Min(right, 220)
	height := top + 40
	if len(goals) > 0 && n > 0 {
		height = top + float64(len(goals))*panelH
	}

	var desc strings.Builder
	fmt.Fprintf(&desc, "One line chart per goal over %s, with the target as a dashed line and the days it was met shaded.", v.span())
	for j, g := range goals {
		met := 0
		for i := range n {
			if v.goalAt(j, i).Met {
				met++
			}
		}
		fmt.Fprintf(&desc, " %s: %s, met %d of %d days", g.Name, targetText(g), met, n)
		if n > 0 {
			fmt.Fprintf(&desc, ", %s at the end", value(v.goalAt(j, n-1).Value))
		}
		desc.WriteByte('.')
	}

	w := &svg{}
	begin(w, name, title, desc.String(), height)
	switch {
	case len(goals) == 0:
		empty(w, "The community has no goals.", top+20)
	case n == 0:
		empty(w, "No days were simulated.", top+20)
	}
	if len(goals) == 0 || n == 0 {
		return end(w, name, title)
	}

	x := v.xScale(left, width-right)
	xs := v.xs(x)
	for j, g := range goals {
		py := top + float64(j)*panelH
		plotT, plotB := py+30, py+30+plotH
		lo, hi := math.Inf(1), math.Inf(-1)
		met, gaps := 0, 0
		for i := range n {
			gd := v.goalAt(j, i)
			if gd.Met {
				met++
			}
			if !finite(gd.Value) {
				gaps++
				continue
			}
			lo, hi = math.Min(lo, gd.Value), math.Max(hi, gd.Value)
		}
		if finite(g.Target) {
			lo, hi = math.Min(lo, g.Target), math.Max(hi, g.Target)
		}
		if math.IsInf(lo, 1) { // nothing finite to draw
			lo, hi = 0, 1
		}
		if lo > 0 && lo <= hi-lo {
			lo = 0 // a count or share reads best from zero
		}
		tk := niceTicks(lo, hi, 4)
		y := linear{tk.lo(), tk.hi(), plotB, plotT}

		w.open("g", "class", "goal", "data-goal", g.Name)
		head := g.Name
		if g.Title != "" {
			head += " — " + g.Title
		}
		w.textElem("text", truncate(head, 80), "x", "16", "y", num(py+18), "font-weight", "600", "fill", ink, "class", "goal-name")
		summary := fmt.Sprintf("%s · met %d of %d days", targetText(g), met, n)
		if gaps > 0 {
			summary += fmt.Sprintf(" · %d without a number", gaps)
		}
		w.textElem("text", summary, "x", num(width-16), "y", num(py+18), "text-anchor", "end", "fill", muted)

		// Met days, merged into runs: each day's shade reaches halfway to
		// its neighbours' readings (a lone day spans the whole axis).
		w.open("g", "class", "met", "fill", "#117733", "fill-opacity", "0.14")
		for i := 0; i < n; {
			if !v.goalAt(j, i).Met {
				i++
				continue
			}
			k := i
			for k+1 < n && v.goalAt(j, k+1).Met {
				k++
			}
			x0, x1 := x.r0, x.r1
			if i > 0 {
				x0 = (xs[i-1] + xs[i]) / 2
			}
			if k < n-1 {
				x1 = (xs[k] + xs[k+1]) / 2
			}
			w.open("rect", "x", num(x0), "y", num(plotT), "width", num(math.Max(x1-x0, 1)), "height", num(plotH), "data-met-days", fmt.Sprint(k-i+1))
			w.tooltip(fmt.Sprintf("met from day %d to day %d", v.s.Days[i].Day, v.s.Days[k].Day))
			w.close("rect")
			i = k + 1
		}
		w.close("g")

		yAxis(w, y, tk, left, width-right)
		if finite(g.Target) {
			ty := y.at(g.Target)
			w.elem("line", "x1", num(left), "x2", num(width-right), "y1", num(ty), "y2", num(ty),
				"stroke", "#CC6677", "stroke-width", "1.5", "stroke-dasharray", "6 4", "data-goal-target", g.Name)
			w.textElem("text", truncate(targetText(g), int((right-10)/(0.58*fontSize))), "x", num(width-right+6), "y", num(ty+4), "fill", "#CC6677")
		}

		// The value, broken where it is not a number.
		var d strings.Builder
		pen := false
		var lone []int
		for i := range n {
			gd := v.goalAt(j, i)
			if !finite(gd.Value) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
				nextOK := i+1 < n && finite(v.goalAt(j, i+1).Value)
				if !nextOK {
					lone = append(lone, i)
				}
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, num(xs[i]), num(y.at(gd.Value)))
			pen = true
		}
		if d.Len() > 0 {
			w.open("path", "d", d.String(), "fill", "none", "stroke", "#332288", "stroke-width", "2", "stroke-linejoin", "round", "data-goal-value", g.Name)
			w.tooltip(fmt.Sprintf("%s: %s at the end", g.Name, value(v.goalAt(j, n-1).Value)))
			w.close("path")
		}
		for _, i := range lone {
			w.elem("circle", "cx", num(xs[i]), "cy", num(y.at(v.goalAt(j, i).Value)), "r", "3", "fill", "#332288")
		}
		v.dayColumns(w, xs, plotT, plotB, func(i int) string {
			gd := v.goalAt(j, i)
			met := "not met"
			if gd.Met {
				met = "met"
			}
			return fmt.Sprintf("\n%s: %s, %s", g.Name, value(gd.Value), met)
		})
		v.timeAxis(w, x, plotB)
		w.close("g")
	}
	return end(w, name, title)
}

// topDenials is how many rules the denials chart names; the rest share one
// bar.
const topDenials = 12

type ruleCount struct {
	label string
	n     int
	rules int // >1 for the bar of the other rules
}

func (v *view) denialTotals() []ruleCount {
	totals := map[string]int{}
	for _, d := range v.s.Days {
		for label, c := range d.Denials {
			totals[label] += c
		}
	}
	out := make([]ruleCount, 0, len(totals))
	for label, c := range totals {
		if c > 0 {
			out = append(out, ruleCount{label: label, n: c, rules: 1})
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].n != out[b].n {
			return out[a].n > out[b].n
		}
		return out[a].label < out[b].label
	})
	return out
}

// denialsChart is a horizontal bar per rule, most denials first.
func (v *view) denialsChart() Chart {
	const name = "denials"
	title := "Rules that denied most"
	all := v.denialTotals()
	bars := all
	if len(all) > topDenials {
		bars = append([]ruleCount(nil), all[:topDenials-1]...)
		rest := ruleCount{rules: len(all) - (topDenials - 1)}
		for _, r := range all[topDenials-1:] {
			rest.n += r.n
		}
		rest.label = fmt.Sprintf("%d other rules", rest.rules)
		bars = append(bars, rest)
	}
	total := 0
	for _, r := range all {
		total += r.n
	}

	var desc strings.Builder
	fmt.Fprintf(&desc, "Horizontal bar chart of denials by rule over %s: %d denials by %d rules.", v.span(), total, len(all))
	for _, b := range bars {
		fmt.Fprintf(&desc, " %s: %d.", b.label, b.n)
	}

	const top, rowH, barH, bottom, maxLabel = 44.0, 26.0, 18.0, 36.0, 44
	height := top + 40
	if len(bars) > 0 {
		height = top + float64(len(bars))*rowH + bottom
	}
	w := &svg{}
	begin(w, name, title, desc.String(), height)
	if len(bars) == 0 {
		msg := "No attempt was denied."
		if len(v.s.Days) == 0 {
			msg = "No days were simulated."
		}
		empty(w, msg, top+20)
		return end(w, name, title)
	}
	labelW := 0.0
	for _, b := range bars {
		labelW = math.Max(labelW, textWidth(truncate(b.label, maxLabel), fontSize))
	}
	left := math.Min(16+labelW+10, width*0.5)
	valueW := 0.0
	for _, b := range bars {
		valueW = math.Max(valueW, textWidth(count(b.n)+" (100%)", fontSize))
	}
	right := width - 16 - valueW - 4
	// The bar of the other rules can outgrow the first.
	longest := 0
	for _, b := range bars {
		longest = max(longest, b.n)
	}
	tk := niceTicks(0, float64(longest), 6)
	x := linear{0, tk.hi(), left, right}
	plotB := top + float64(len(bars))*rowH

	labels := tk.labels()
	w.open("g", "class", "x-axis", "fill", muted, "text-anchor", "middle")
	for i, t := range tk.values {
		px := x.at(t)
		w.elem("line", "x1", num(px), "x2", num(px), "y1", num(top-4), "y2", num(plotB), "stroke", grid)
		w.textElem("text", labels[i], "x", num(px), "y", num(plotB+16))
	}
	w.close("g")
	w.textElem("text", "denials", "x", num(right), "y", num(plotB+30), "text-anchor", "end", "fill", muted)

	for i, b := range bars {
		by := top + float64(i)*rowH
		fill := "#CC6677"
		if b.rules > 1 {
			fill = "#BBBBBB"
		}
		w.open("g", "class", "bar", "data-rule", b.label, "data-count", fmt.Sprint(b.n))
		w.textElem("text", truncate(b.label, maxLabel), "x", num(left-8), "y", num(by+barH/2+4), "text-anchor", "end", "fill", ink)
		w.elem("rect", "x", num(left), "y", num(by), "width", num(math.Max(x.at(float64(b.n))-left, 1)), "height", num(barH), "fill", fill)
		share := ""
		if total > 0 {
			share = fmt.Sprintf(" (%.0f%%)", 100*float64(b.n)/float64(total))
		}
		w.textElem("text", count(b.n)+share, "x", num(x.at(float64(b.n))+4), "y", num(by+barH/2+4), "fill", ink)
		w.tooltip(fmt.Sprintf("%s: %d denials%s", b.label, b.n, share))
		w.close("g")
	}
	return end(w, name, title)
}

// transitionOrder returns the rows (from) and columns (to) of the
// conversion matrix: joining first, the ladder lowest rung first, other
// roles by name, leaving last.
func (v *view) transitionOrder() (rows, cols []string) {
	var roles []string
	if !v.noLadder {
		roles = append(roles, v.roles...)
	}
	seen := map[string]bool{simulate.Joined: true, simulate.Left: true}
	for _, r := range roles {
		seen[r] = true
	}
	var extra []string
	for _, t := range v.s.Transitions {
		for _, r := range []string{t.From, t.To} {
			if !seen[r] {
				seen[r] = true
				extra = append(extra, r)
			}
		}
	}
	sort.Strings(extra)
	roles = append(roles, extra...)
	rows = append([]string{simulate.Joined}, roles...)
	cols = append(append([]string(nil), roles...), simulate.Left)
	return rows, cols
}

// transitionsChart is a heat map: a row per role members came from, a
// column per role they went to, each cell shaded and labelled by its count.
func (v *view) transitionsChart() Chart {
	const name = "transitions"
	title := "Conversions between roles"
	cells := map[[2]string]int{}
	total, maxN := 0, 0
	for _, t := range v.s.Transitions {
		if t.Count <= 0 {
			continue
		}
		k := [2]string{t.From, t.To}
		cells[k] += t.Count
		total += t.Count
		maxN = max(maxN, cells[k])
	}
	rows, cols := v.transitionOrder()

	var desc strings.Builder
	fmt.Fprintf(&desc, "Heat map of members moving from the role in each row to the role in each column over %s, %d moves in all; %s is joining the community and %s leaving it.", v.span(), total, simulate.Joined, simulate.Left)
	type tc struct {
		k [2]string
		n int
	}
	var sorted []tc
	for k, n := range cells {
		sorted = append(sorted, tc{k, n})
	}
	sort.Slice(sorted, func(a, b int) bool {
		if sorted[a].n != sorted[b].n {
			return sorted[a].n > sorted[b].n
		}
		return sorted[a].k[0]+"\x00"+sorted[a].k[1] < sorted[b].k[0]+"\x00"+sorted[b].k[1]
	})
	for _, c := range sorted {
		fmt.Fprintf(&desc, " %s to %s: %d.", c.k[0], c.k[1], c.n)
	}

	const top, maxLabel = 44.0, 20
	labelW := 0.0
	for _, r := range rows {
		labelW = math.Max(labelW, textWidth(truncate(r, maxLabel), fontSize))
	}
	colLabelH := 0.0
	for _, c := range cols {
		colLabelH = math.Max(colLabelH, textWidth(truncate(c, maxLabel), fontSize)*0.7+12)
	}
	left := 16 + math.Max(labelW, textWidth("from ↓ to →", fontSize)) + 10
	cellW := math.Min(96, (width-left-16)/float64(len(cols)))
	cellH := 30.0
	gridT := top + colLabelH + 8
	height := gridT + float64(len(rows))*cellH + 40
	if total == 0 {
		height = top + 40
	}

	w := &svg{}
	begin(w, name, title, desc.String(), height)
	if total == 0 {
		msg := "No member changed role, joined or left."
		if len(v.s.Days) == 0 {
			msg = "No days were simulated."
		}
		empty(w, msg, top+20)
		return end(w, name, title)
	}

	w.open("g", "class", "cols", "fill", ink)
	for c, col := range cols {
		cx := left + (float64(c)+0.5)*cellW
		w.open("text", "x", num(cx), "y", num(gridT-6), "transform", fmt.Sprintf("rotate(-35 %s %s)", num(cx), num(gridT-6)))
		escape(&w.b, truncate(col, maxLabel))
		w.tooltip(col)
		w.close("text")
	}
	w.close("g")
	w.textElem("text", "from ↓ to →", "x", "16", "y", num(gridT-6), "fill", muted)

	for r, row := range rows {
		cy := gridT + float64(r)*cellH
		w.open("text", "x", num(left-8), "y", num(cy+cellH/2+4), "text-anchor", "end", "fill", ink)
		escape(&w.b, truncate(row, maxLabel))
		w.tooltip(row)
		w.close("text")
		for c, col := range cols {
			cx := left + float64(c)*cellW
			n := cells[[2]string{row, col}]
			if n == 0 {
				w.elem("rect", "x", num(cx+1), "y", num(cy+1), "width", num(cellW-2), "height", num(cellH-2), "fill", "#F4F4F4")
				continue
			}
			// Square-root shading keeps small flows visible beside a
			// large one.
			t := math.Sqrt(float64(n) / float64(maxN))
			w.open("g", "class", "cell", "data-from", row, "data-to", col, "data-count", fmt.Sprint(n))
			w.elem("rect", "x", num(cx+1), "y", num(cy+1), "width", num(cellW-2), "height", num(cellH-2), "fill", blue(t))
			fg := ink
			if t > 0.55 {
				fg = "#FFFFFF"
			}
			w.textElem("text", count(n), "x", num(cx+cellW/2), "y", num(cy+cellH/2+4), "text-anchor", "middle", "fill", fg)
			w.tooltip(fmt.Sprintf("%s → %s: %d", row, col, n))
			w.close("g")
		}
	}
	return end(w, name, title)
}

// blue interpolates from a pale to a dark blue, t in [0, 1].
func blue(t float64) string {
	from := [3]float64{0xDE, 0xEB, 0xF7}
	to := [3]float64{0x08, 0x30, 0x6B}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(from[i] + (to[i]-from[i])*t))
	}
	return fmt.Sprintf("#%02X%02X%02X", c[0], c[1], c[2])
}
