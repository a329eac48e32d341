package graph

import (
	"bufio"
	"io"
	"strings"
)

// The colours of the edge kinds, shared by the DOT and the SVG, with the
// words the legend says of them.
var edgeStyle = [...]struct {
	colour, dash, legend string
}{
	Up:      {"#1b7a34", "", "effect that helps meet the condition"},
	Down:    {"#b3261e", "", "effect that hinders it"},
	Changes: {"#6b6b6b", "6 4", "effect in a direction the rules do not tell"},
	Demote:  {"#c25e00", "", "sanction: demote one rung"},
	Remove:  {"#4a2a7a", "", "sanction: remove"},
	Reads:   {"#9a9a9a", "2 3", "reads a named condition or badge"},
}

// WriteDOT writes the graph in Graphviz's DOT language: the ladder in a
// cluster, highest rung on top, the badges and named conditions in
// clusters of their own, the edges coloured by kind.
func (g *Graph) WriteDOT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(parts ...string) {
		for _, s := range parts {
			bw.WriteString(s)
		}
		bw.WriteByte('\n')
	}
	p("digraph ", dotID(g.Community), " {")
	p(`  graph [compound=true, rankdir=TB, newrank=true, fontname="monospace", labelloc=t, label=`, dotID(g.Community+": roles and badges"), "];")
	p(`  node [shape=box, style="rounded", fontname="monospace", fontsize=11];`)
	p(`  edge [fontname="monospace", fontsize=9];`)
	if len(g.Rungs) > 0 {
		p(`  subgraph "cluster_ladder" {`)
		p(`    label="roles, highest first"; style="rounded"; color="#888888";`)
		for _, n := range g.Rungs {
			p("    ", dotID(n.ID), " [label=", dotID(n.Name+"\n"+dotWrap(n.Cond)), `, style="rounded,bold"];`)
		}
		// The ladder's order, kept by invisible heavy edges.
		for i := 1; i < len(g.Rungs); i++ {
			p("    ", dotID(g.Rungs[i-1].ID), " -> ", dotID(g.Rungs[i].ID), " [style=invis, weight=20];")
		}
		p("  }")
	}
	if len(g.Badges) > 0 {
		p(`  subgraph "cluster_badges" {`)
		p(`    label="badges"; style="rounded"; color="#888888";`)
		for _, n := range g.Badges {
			p("    ", dotID(n.ID), " [label=", dotID(n.Name+"\n"+dotWrap(n.Cond)), "];")
		}
		p("  }")
	}
	if len(g.Lets) > 0 {
		p(`  subgraph "cluster_lets" {`)
		p(`    label="named conditions"; style="rounded,dashed"; color="#888888";`)
		for _, n := range g.Lets {
			p("    ", dotID(n.ID), " [label=", dotID("let "+n.Name+" =\n"+dotWrap(n.Cond)), `, style="dashed"];`)
		}
		p("  }")
	}
	for _, n := range g.Sources {
		shape := "ellipse"
		if n.Kind == Rule {
			shape = "note"
		}
		p("  ", dotID(n.ID), " [shape=", shape, ", style=solid, label=", dotID(dotWrap(n.Name)), "];")
	}
	if g.Removed != nil {
		p("  ", dotID(g.Removed.ID), ` [shape=doubleoctagon, style=solid, label="removed"];`)
	}
	// A community without roles removes from a node of its own.
	if g.Ladder != nil && len(g.Rungs) == 0 {
		p("  ", dotID(g.Ladder.ID), ` [shape=box, style=solid, label="members"];`)
	}
	for _, e := range g.Edges {
		st := edgeStyle[e.Kind]
		attrs := "color=" + dotID(st.colour) + ", fontcolor=" + dotID(st.colour)
		var lines []string
		for _, l := range e.Lines {
			lines = append(lines, dotWrap(l))
		}
		if label := strings.Join(lines, "\n"); label != "" {
			attrs += ", label=" + dotID(label)
		}
		switch e.Kind {
		case Changes, Reads:
			attrs += ", style=dashed"
		case Demote:
			attrs += ", constraint=false"
		}
		from, to := e.From, e.To
		// The ladder is a cluster: an edge to or from it attaches to the
		// cluster's border at one of its rungs.
		if len(g.Rungs) > 0 && to == g.Ladder {
			to = g.Rungs[len(g.Rungs)/2]
			attrs += `, lhead="cluster_ladder"`
		}
		if len(g.Rungs) > 0 && from == g.Ladder {
			if e.At != nil {
				for _, r := range e.At {
					p("  ", dotID(r.ID), " -> ", dotID(to.ID), " [", attrs, "];")
				}
				continue
			}
			from = g.Rungs[len(g.Rungs)-1]
			attrs += `, ltail="cluster_ladder"`
		}
		p("  ", dotID(from.ID), " -> ", dotID(to.ID), " [", attrs, "];")
	}
	p("}")
	return bw.Flush()
}

// dotCols is where a DOT label wraps: Graphviz draws a label on one line
// however long, and a rung's condition can run to hundreds of characters.
const dotCols = 60

func dotWrap(s string) string { return strings.Join(wrap(s, dotCols), "\n") }

// dotID quotes s as a DOT string: a backslash and a quote are escaped, a
// line break is DOT's centred-line escape \n, and no other character has
// a meaning inside the quotes.
func dotID(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
