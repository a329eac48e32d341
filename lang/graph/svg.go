package graph

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The SVG is laid out here, without Graphviz, in columns: the demote arcs
// and their rules on the left, the ladder as a vertical chain of rungs in
// a frame, the actions (and rules) that move members in the middle, the
// badges and named conditions on the right. An effect edge ends in a
// straight stretch along which its label is written, one slot per edge
// on the side of its rung or badge, so that labels never cross a box or
// each other. Text is monospace, so its width is known without a font:
// 0.6 em a cell, two cells for a wide (East Asian) character.

const (
	margin     = 16.0
	pad        = 8.0  // inside a box
	nodeFont   = 12.0 // px
	labelFont  = 11.0
	nodeLine   = 16.0
	labelLine  = 14.0
	condCols   = 44 // a condition wraps past this many cells
	labelCols  = 36
	demoteCols = 30 // the demote labels share the page's width with the ladder
	sourceCols = 32
	channel    = 56.0 // between a lane and the sources, where edges curve
	framePad   = 10.0
	frameBand  = 24.0 // the frame's title
	rungGap    = 14.0
	bulge      = 34.0 // how far a demote arc reaches left of the rungs
	minBoxW    = 120.0
)

// rect is a box on the page.
type rect struct{ x, y, w, h float64 }

func (r rect) overlaps(o rect) bool {
	return r.x < o.x+o.w && o.x < r.x+r.w && r.y < o.y+o.h && o.y < r.y+r.h
}

// box is a node placed on the page.
type box struct {
	node  *Node
	r     rect
	head  string   // bold first line
	lines []string // the rest
	class string
}

// text is a block of lines placed on the page: an edge's label.
type text struct {
	x, y   float64 // the baseline of the first line; x is the start, or the end when anchorEnd
	lines  []string
	colour string
	end    bool // anchored at its end (right-aligned)
}

func (t text) bounds() rect {
	w := 0.0
	for _, l := range t.lines {
		w = max(w, width(l, labelFont))
	}
	x := t.x
	if t.end {
		x -= w
	}
	return rect{x, t.y - labelFont*0.8, w, labelLine*float64(len(t.lines)-1) + labelFont}
}

// path is an edge's line.
type path struct {
	d    string
	kind EdgeKind
}

type layout struct {
	w, h   float64
	title  string
	frame  *rect // the ladder's frame; nil without rungs
	boxes  []*box
	texts  []text
	paths  []path
	legend []EdgeKind
	// legendY is the baseline of the legend's first entry.
	legendY float64
	// captions are column titles: "badges", "named conditions".
	captions []text
}

// cells is the width of s in monospace cells.
func cells(s string) int {
	n := 0
	for _, r := range s {
		n++
		if wide(r) {
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || // Hangul Jamo
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) || // CJK ... Yi
		(r >= 0xac00 && r <= 0xd7a3) || // Hangul syllables
		(r >= 0xf900 && r <= 0xfaff) || // CJK compatibility ideographs
		(r >= 0xfe30 && r <= 0xfe4f) || // CJK compatibility forms
		(r >= 0xff00 && r <= 0xff60) || // fullwidth forms
		(r >= 0xffe0 && r <= 0xffe6) ||
		(r >= 0x1f300 && r <= 0x1faff) || // pictographs
		(r >= 0x20000 && r <= 0x3fffd))
}

// width is the width of s on the page, a space that ends it not counted:
// a wrapped line keeps the space it broke at.
func width(s string, font float64) float64 {
	return float64(cells(strings.TrimRight(s, " "))) * 0.6 * font
}

// wrap breaks s into lines of at most cols cells, after a space where
// it can, cutting a longer word where the line is full. The lines keep
// every character, the spaces at the breaks included, so that joined
// they are s again: the DOM's text of a wrapped label reads as written.
func wrap(s string, cols int) []string {
	var out []string
	line := ""
	for _, piece := range strings.SplitAfter(s, " ") {
		for cells(strings.TrimRight(piece, " ")) > cols {
			if line != "" {
				out = append(out, line)
				line = ""
			}
			n, cut := 0, len(piece)
			for i, r := range piece {
				w := 1
				if wide(r) {
					w = 2
				}
				if n+w > cols && i > 0 {
					cut = i
					break
				}
				n += w
			}
			out = append(out, piece[:cut])
			piece = piece[cut:]
		}
		if line != "" && cells(strings.TrimRight(line+piece, " ")) > cols {
			out = append(out, line)
			line = ""
		}
		line += piece
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// newBox sizes a node's box from its text.
func newBox(n *Node, head string, body []string, class string) *box {
	b := &box{node: n, head: head, lines: body, class: class}
	w := width(head, nodeFont)
	for _, l := range body {
		w = max(w, width(l, nodeFont))
	}
	b.r.w = max(minBoxW, w+2*pad)
	b.r.h = nodeLine*float64(1+len(body)) + pad
	return b
}

func (b *box) textHeight() float64 { return nodeLine*float64(1+len(b.lines)) + pad }

// slot is where an edge's label ends on a box: its height.
func slotHeight(lines []string) float64 { return labelLine*float64(len(lines)) + 6 }

// slotsHeight is the height of the slots of the edges es on one box.
func slotsHeight(es []*Edge) float64 {
	h := 0.0
	for _, e := range es {
		h += slotHeight(edgeLines(e))
	}
	return h
}

// stack places the boxes bs one under another at x from y, each tall
// enough for its text and for the slots of the edges that end on it, and
// returns the y where a next box would go.
func stack(bs []*box, x, y float64, slots map[*Node][]*Edge) float64 {
	for _, b := range bs {
		b.r.x, b.r.y = x, y
		b.r.h = max(b.textHeight(), 8+slotsHeight(slots[b.node]))
		y += b.r.h + rungGap
	}
	return y
}

func edgeLines(e *Edge) []string {
	var out []string
	for _, l := range e.Lines {
		out = append(out, wrap(l, labelCols)...)
	}
	return out
}

// demoteLines wraps a demote edge's rules narrower than other labels,
// and, since they are right-aligned, moves each space a line broke at to
// the start of the next line, where it shows as nothing.
func demoteLines(e *Edge) []string {
	var out []string
	for _, l := range e.Lines {
		ls := wrap(l, demoteCols)
		for i := 1; i < len(ls); i++ {
			trimmed := strings.TrimRight(ls[i-1], " ")
			ls[i] = ls[i-1][len(trimmed):] + ls[i]
			ls[i-1] = trimmed
		}
		out = append(out, ls...)
	}
	return out
}

func (g *Graph) layout() *layout {
	L := &layout{title: g.Community + ": roles and badges"}
	kinds := map[EdgeKind]bool{}
	for _, e := range g.Edges {
		if e.Kind != Reads {
			kinds[e.Kind] = true
		}
	}
	for k := Up; k <= Remove; k++ {
		if kinds[k] {
			L.legend = append(L.legend, k)
		}
	}

	// The boxes, sized.
	byNode := map[*Node]*box{}
	var rungs, badges, lets, sources []*box
	for _, n := range g.Rungs {
		b := newBox(n, n.Name, wrap(n.Cond, condCols), "rung")
		rungs = append(rungs, b)
		byNode[n] = b
	}
	for _, n := range g.Badges {
		b := newBox(n, n.Name, wrap(n.Cond, condCols), "badge")
		badges = append(badges, b)
		byNode[n] = b
	}
	for _, n := range g.Lets {
		b := newBox(n, "let "+n.Name+" =", wrap(n.Cond, condCols), "let")
		lets = append(lets, b)
		byNode[n] = b
	}
	for _, n := range g.Sources {
		var b *box
		if n.Kind == Rule {
			b = newBox(n, "rule", wrap(n.Name, sourceCols), "rule")
		} else {
			b = newBox(n, n.Name, nil, "action")
		}
		sources = append(sources, b)
		byNode[n] = b
	}
	// Rungs share one width, as do badges and named conditions.
	sameWidth := func(bs []*box) float64 {
		w := 0.0
		for _, b := range bs {
			w = max(w, b.r.w)
		}
		for _, b := range bs {
			b.r.w = w
		}
		return w
	}
	rungW := sameWidth(rungs)
	sameWidth(append(slices.Clip(badges), lets...))
	sourceW := sameWidth(sources)

	// The slots of the effect edges on each rung, badge and the frame.
	slots := map[*Node][]*Edge{}
	var demotes, removes []*Edge
	laneL, laneR := 0.0, 0.0 // label widths: into rungs, into badges
	for _, e := range g.Edges {
		switch e.Kind {
		case Up, Down, Changes:
			slots[e.To] = append(slots[e.To], e)
			w := 0.0
			for _, l := range edgeLines(e) {
				w = max(w, width(l, labelFont))
			}
			if e.To.Kind == Badge {
				laneR = max(laneR, w)
			} else {
				laneL = max(laneL, w)
			}
		case Demote:
			demotes = append(demotes, e)
		case Remove:
			removes = append(removes, e)
		}
	}
	demoteW := 0.0
	for _, e := range demotes {
		for _, l := range demoteLines(e) {
			demoteW = max(demoteW, width(l, labelFont))
		}
	}

	// Columns, left to right.
	x := margin
	if demoteW > 0 {
		x += demoteW + bulge + 8 - framePad
	}
	frameX := x
	rungX := frameX + framePad
	frameW := rungW + 2*framePad
	if len(rungs) == 0 {
		frameW = 0
	}
	laneLx := frameX + frameW // the labels into rungs start here
	if laneL > 0 {
		laneL += 16
	}
	sourceX := laneLx + laneL + channel
	if len(sources) == 0 {
		sourceX = laneLx + laneL
		sourceW = 0
	}
	laneRx := sourceX + sourceW + channel
	if laneR > 0 {
		laneR += 16
	}
	rightX := laneRx + laneR
	if len(rungs) == 0 {
		rightX = margin
		laneRx = margin - laneR
		if len(sources) > 0 {
			sourceX = margin
			laneRx = sourceX + sourceW + channel
			rightX = laneRx + laneR
		}
	}

	top := margin + 32.0
	bottom := top

	// The ladder: the frame, its band (with the slots of edges into the
	// ladder as a whole), the rungs under it.
	if len(rungs) > 0 {
		y := stack(rungs, rungX, top+frameBand+slotsHeight(slots[g.Ladder]), slots)
		fr := rect{frameX, top, frameW, y - rungGap + framePad - top}
		L.frame = &fr
		bottom = fr.y + fr.h
		L.captions = append(L.captions, text{x: frameX + framePad, y: top + 16, lines: []string{"roles, highest first"}, colour: "#555555"})
	}

	// Badges, then named conditions, in the right column.
	y := top
	if len(badges) > 0 {
		L.captions = append(L.captions, text{x: rightX, y: y + 12, lines: []string{"badges"}, colour: "#555555"})
		y += 20
	}
	y = stack(badges, rightX, y, slots)
	if len(lets) > 0 {
		y += 8
		L.captions = append(L.captions, text{x: rightX, y: y + 12, lines: []string{"named conditions"}, colour: "#555555"})
		y += 20
	}
	for _, b := range lets {
		b.r.x, b.r.y = rightX, y
		y += b.r.h + rungGap
	}
	bottom = max(bottom, y)

	// Each edge's slot: where it meets its box, from the top down.
	arrive := map[*Edge]float64{}
	for n, es := range slots {
		var yy float64
		if n == g.Ladder {
			yy = top + frameBand
		} else {
			yy = byNode[n].r.y + 4
		}
		for _, e := range es {
			yy += slotHeight(edgeLines(e))
			arrive[e] = yy - 2
		}
	}

	// Sources, in the order of the mean height of where their edges end,
	// each placed level with that mean if the one above leaves room.
	sum, count := map[*Node]float64{}, map[*Node]int{}
	for _, e := range g.Edges {
		if y, ok := arrive[e]; ok {
			sum[e.From] += y
			count[e.From]++
		}
	}
	mean := map[*box]float64{}
	for _, b := range sources {
		if n := count[b.node]; n > 0 {
			mean[b] = sum[b.node] / float64(n)
		}
	}
	slices.SortStableFunc(sources, func(a, b *box) int { return cmp.Compare(mean[a], mean[b]) })
	y = top
	for _, b := range sources {
		b.r.x = sourceX
		b.r.y = max(y, mean[b]-b.r.h/2)
		y = b.r.y + b.r.h + 12
	}
	bottom = max(bottom, y)

	// The effect edges.
	out := map[*Node]int{}
	for _, e := range g.Edges {
		ay, ok := arrive[e]
		if !ok {
			continue
		}
		sb := byNode[e.From]
		// Edges leave a source spread over its height, in the order drawn.
		k := out[e.From]
		out[e.From]++
		n := count[e.From]
		sy := sb.r.y + sb.r.h*float64(k+1)/float64(n+1)
		lines := edgeLines(e)
		colour := edgeStyle[e.Kind].colour
		if e.To.Kind == Badge {
			bx := byNode[e.To].r.x
			sx := sb.r.x + sb.r.w
			L.paths = append(L.paths, path{fmt.Sprintf("M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1fL%.1f %.1f", sx, sy, sx+channel/2, sy, laneRx-channel/2, ay, laneRx, ay, bx, ay), e.Kind})
			L.texts = append(L.texts, text{x: laneRx + 6, y: ay - 4 - labelLine*float64(len(lines)-1), lines: lines, colour: colour})
			continue
		}
		ex := rungX + rungW // the right side of a rung, or of the frame
		if e.To == g.Ladder {
			ex = frameX + frameW
		}
		lx := laneLx + laneL
		sx := sb.r.x
		L.paths = append(L.paths, path{fmt.Sprintf("M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1fL%.1f %.1f", sx, sy, sx-channel/2, sy, lx+channel/2, ay, lx, ay, ex, ay), e.Kind})
		L.texts = append(L.texts, text{x: ex + 12, y: ay - 4 - labelLine*float64(len(lines)-1), lines: lines, colour: colour})
	}

	// Demote arcs on the left, each label right-aligned beside its arc,
	// pushed down when the one above needs the room.
	labelBottom := top
	for _, e := range demotes {
		a, b := byNode[e.From], byNode[e.To]
		y1, y2 := a.r.y+a.r.h*0.6, b.r.y+b.r.h*0.4
		x0 := a.r.x
		L.paths = append(L.paths, path{fmt.Sprintf("M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f", x0, y1, x0-bulge, y1, x0-bulge, y2, x0, y2), Demote})
		lines := demoteLines(e)
		h := labelLine * float64(len(lines))
		ty := max((y1+y2)/2-h/2, labelBottom+4)
		L.texts = append(L.texts, text{x: x0 - bulge*0.75 - 6, y: ty + labelFont*0.8, lines: lines, colour: edgeStyle[Demote].colour, end: true})
		labelBottom = ty + h
	}
	bottom = max(bottom, labelBottom)

	// Removal: an arrow down from the frame (or, without roles, from the
	// top of the page) to one box, its rules beside the arrow.
	if g.Removed != nil {
		var lines []string
		for _, e := range removes {
			l := e.Lines[0]
			if e.At != nil {
				names := make([]string, len(e.At))
				for i, n := range e.At {
					names[i] = n.Name
				}
				l += " (at " + strings.Join(names, ", ") + ")"
			}
			lines = append(lines, wrap(l, labelCols)...)
		}
		ax, y0 := frameX+frameW/2, 0.0
		if L.frame != nil {
			y0 = L.frame.y + L.frame.h
		} else {
			// Without roles the arrow starts below everything, from a
			// caption that says who it takes.
			ax = margin + minBoxW/2
			L.captions = append(L.captions, text{x: margin, y: bottom + 12, lines: []string{"every member"}, colour: "#555555"})
			y0 = bottom + 18
		}
		h := labelLine*float64(len(lines)) + 16
		rb := newBox(g.Removed, "removed", nil, "removed")
		rb.r.x, rb.r.y = ax-rb.r.w/2, y0+h+8
		L.boxes = append(L.boxes, rb)
		L.paths = append(L.paths, path{fmt.Sprintf("M%.1f %.1fL%.1f %.1f", ax, y0, ax, rb.r.y), Remove})
		L.texts = append(L.texts, text{x: ax + 8, y: y0 + 8 + labelFont*0.8, lines: lines, colour: edgeStyle[Remove].colour})
		bottom = max(bottom, rb.r.y+rb.r.h)
	}

	L.boxes = append(append(append(append(L.boxes, rungs...), badges...), lets...), sources...)

	// The page: wide enough for every box and label.
	w := 0.0
	for _, b := range L.boxes {
		w = max(w, b.r.x+b.r.w)
	}
	for _, t := range append(slices.Clip(L.texts), L.captions...) {
		r := t.bounds()
		w = max(w, r.x+r.w)
	}
	if L.frame != nil {
		w = max(w, L.frame.x+L.frame.w)
	}
	L.w = max(w+margin, width(L.title, 14)+2*margin)
	legendY := bottom + 24
	L.h = legendY + 18*float64(len(L.legend)) + margin
	L.legendY = legendY
	return L
}

// WriteSVG writes the graph as a standalone SVG image, laid out here
// without Graphviz.
func (g *Graph) WriteSVG(w io.Writer) error {
	return g.layout().render(w)
}

func (L *layout) render(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace">`+"\n", L.w, L.h, L.w, L.h)
	p("<title>%s</title>\n", esc(L.title))
	p("<defs>\n")
	for k := Up; k <= Remove; k++ {
		p(`<marker id="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="%s"/></marker>`+"\n", k, edgeStyle[k].colour)
	}
	p("</defs>\n")
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text x="%.1f" y="%.1f" font-size="14" font-weight="bold" fill="#222222">%s</text>`+"\n", margin, margin+14, esc(L.title))
	if L.frame != nil {
		f := L.frame
		p(`<rect class="ladder" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="8" fill="#f6f7f9" stroke="#9aa0a6"/>`+"\n", f.x, f.y, f.w, f.h)
	}
	for _, t := range L.captions {
		writeText(p, t, "caption", 11)
	}
	for _, b := range L.boxes {
		fill, stroke, dash := "#ffffff", "#5f6368", ""
		switch b.class {
		case "rung":
			fill, stroke = "#e8f0fe", "#1a56c8"
		case "badge":
			fill, stroke = "#fef7e0", "#b06000"
		case "let":
			fill, dash = "#fafafa", ` stroke-dasharray="4 3"`
		case "rule":
			fill = "#fce8e6"
		case "removed":
			fill, stroke = "#f3e8fd", edgeStyle[Remove].colour
		}
		r := b.r
		p(`<g class="%s" id="%s">`, b.class, esc(b.node.ID))
		p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="5" fill="%s" stroke="%s"%s/>`, r.x, r.y, r.w, r.h, fill, stroke, dash)
		p(`<text x="%.1f" y="%.1f" font-size="%.0f" font-weight="bold" fill="#202124">%s</text>`, r.x+pad, r.y+nodeLine-2, nodeFont, esc(b.head))
		for i, l := range b.lines {
			p(`<text x="%.1f" y="%.1f" font-size="%.0f" fill="#3c4043">%s</text>`, r.x+pad, r.y+nodeLine*float64(i+2)-2, nodeFont, esc(l))
		}
		p("</g>\n")
	}
	for _, pa := range L.paths {
		st := edgeStyle[pa.kind]
		dash := ""
		if st.dash != "" {
			dash = ` stroke-dasharray="` + st.dash + `"`
		}
		p(`<path class="edge %s" d="%s" fill="none" stroke="%s" stroke-width="1.4"%s marker-end="url(#arrow-%s)"/>`+"\n", pa.kind, pa.d, st.colour, dash, pa.kind)
	}
	for _, t := range L.texts {
		writeText(p, t, "label", labelFont)
	}
	y := L.legendY
	for _, k := range L.legend {
		st := edgeStyle[k]
		dash := ""
		if st.dash != "" {
			dash = ` stroke-dasharray="` + st.dash + `"`
		}
		p(`<g class="legend"><path d="M%.1f %.1fL%.1f %.1f" stroke="%s" stroke-width="1.4"%s marker-end="url(#arrow-%s)"/>`, margin, y-4, margin+36, y-4, st.colour, dash, k)
		p(`<text x="%.1f" y="%.1f" font-size="11" fill="#3c4043">%s</text></g>`+"\n", margin+44, y, esc(st.legend))
		y += 18
	}
	p("</svg>\n")
	return bw.Flush()
}

func writeText(p func(string, ...any), t text, class string, font float64) {
	anchor := ""
	if t.end {
		anchor = ` text-anchor="end"`
	}
	p(`<text class="%s" x="%.1f" y="%.1f" font-size="%.0f" fill="%s"%s>`, class, t.x, t.y, font, t.colour, anchor)
	for i, l := range t.lines {
		if i == 0 {
			p(`<tspan x="%.1f">%s</tspan>`, t.x, esc(l))
			continue
		}
		p(`<tspan x="%.1f" dy="%.0f">%s</tspan>`, t.x, labelLine, esc(l))
	}
	p("</text>\n")
}

// esc escapes s for XML text and attribute values: &, <, >, quotes; a
// character XML cannot hold becomes U+FFFD (xml.EscapeText's rule).
func esc(s string) string {
	var b strings.Builder
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		return ""
	}
	return b.String()
}
