package fuzz

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/graph"
)

// FuzzGraph checks that charter graph never panics on a file that checks:
// each community draws, or is refused with an error naming it (no roles
// and no badges, or more edges than graph.MaxEdges); its SVG is
// well-formed XML holding every rung's name as a text, and its DOT is a
// digraph whose quoted strings all close.
func FuzzGraph(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, cds, ok := checkSource(src)
		if !ok || cds.HasErrors() {
			return
		}
		for _, c := range prog.Communities {
			g, err := graph.Build(c)
			if err != nil {
				if !strings.Contains(err.Error(), "community "+c.Name+" ") {
					t.Fatalf("%s: an error that does not name the community: %v", c.Name, err)
				}
				continue
			}
			var svg, dot bytes.Buffer
			if err := g.WriteSVG(&svg); err != nil {
				t.Fatalf("%s: WriteSVG: %v", c.Name, err)
			}
			texts := map[string]bool{}
			d := xml.NewDecoder(&svg)
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: the SVG is not well-formed: %v", c.Name, err)
				}
				if cd, ok := tok.(xml.CharData); ok {
					texts[string(cd)] = true
				}
			}
			for _, n := range g.Rungs {
				if !texts[n.Name] {
					t.Fatalf("%s: the SVG has no text %q", c.Name, n.Name)
				}
			}
			if err := g.WriteDOT(&dot); err != nil {
				t.Fatalf("%s: WriteDOT: %v", c.Name, err)
			}
			if !bytes.HasPrefix(dot.Bytes(), []byte("digraph ")) || !bytes.HasSuffix(dot.Bytes(), []byte("}\n")) {
				t.Fatalf("%s: DOT:\n%s", c.Name, dot.Bytes())
			}
			// Outside quoted strings the DOT has only its own syntax: every
			// quote WriteDOT opens, it closes on the same line.
			for _, line := range strings.Split(dot.String(), "\n") {
				open := false
				for i := 0; i < len(line); i++ {
					switch {
					case open && line[i] == '\\':
						i++
					case line[i] == '"':
						open = !open
					}
				}
				if open {
					t.Fatalf("%s: a DOT string left open: %s", c.Name, line)
				}
			}
		}
	})
}
