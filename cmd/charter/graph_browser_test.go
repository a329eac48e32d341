package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/charterlang/charter/internal/browsertest"
	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/graph"
)

// overflowJS measures, with the browser's own fonts, every text of a box
// that runs past its box's right edge, and every edge label that overlaps
// a box: the layout sizes text by a monospace estimate, and this is where
// the estimate meets a real font.
const overflowJS = `(() => {
  const out = [];
  const boxes = Array.from(document.querySelectorAll("g.rung, g.badge, g.let, g.action, g.rule, g.removed"));
  const rects = boxes.map(g => g.querySelector("rect").getBBox());
  boxes.forEach((g, i) => {
    const r = rects[i];
    for (const t of g.querySelectorAll("text")) {
      const b = t.getBBox();
      if (b.x + b.width > r.x + r.width + 1) out.push(g.id + ": " + t.textContent + " runs " + (b.x + b.width - r.x - r.width).toFixed(1) + "px past its box");
    }
  });
  for (const t of document.querySelectorAll("text.label")) {
    const b = t.getBBox();
    rects.forEach((r, i) => {
      if (b.x < r.x + r.width - 1 && r.x < b.x + b.width - 1 && b.y < r.y + r.height - 1 && r.y < b.y + b.height - 1)
        out.push("label " + t.textContent + " overlaps " + boxes[i].id);
    });
  }
  return out;
})()`

// The fanclub picture of examples/fanclub/README.md, and every example's
// graph, load in Chromium without a console error or a request, show
// every rung and badge by name, and keep their text inside their boxes.
func TestGraphInBrowser(t *testing.T) {
	browsertest.Chromium(t) // skips without Chromium, unless CI is set
	p := browsertest.Open(t, fanclubLadder)
	p.NoErrors()
	p.SelfContained()
	names := p.Texts("g.rung > text:first-of-type")
	want := []string{"leader", "creator", "commenter", "collector", "participant", "onlooker"}
	if !slices.Equal(names, want) {
		t.Errorf("rungs in the browser: %q, want %q (highest first)", names, want)
	}
	conds := p.Texts("g.rung text")
	for _, c := range []string{"posts >= 50 && followers >= 100", "posts + comments > 0", "otherwise"} {
		if !slices.Contains(conds, c) {
			t.Errorf("no rung text %q in %q", c, conds)
		}
	}
	if badges := p.Texts("g.badge > text:first-of-type"); !slices.Equal(badges, []string{"opinion_leader", "inactive"}) {
		t.Errorf("badges in the browser: %q", badges)
	}
	// A wrapped label keeps its spaces, so that its text reads as written.
	if labels := p.Texts("text.label"); !slices.Contains(labels, "post: posts += 1") || !slices.Contains(labels, "must post 1 per 7d if role >= creator else demote") {
		t.Errorf("edge labels in the browser: %q", labels)
	}
	var overflow []string
	p.Eval(overflowJS, &overflow)
	for _, o := range overflow {
		t.Errorf("%s: %s", fanclubLadder, o)
	}
	p.Screenshot("fanclub-ladder.png")

	dirs, err := filepath.Glob("../../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, dir := range dirs {
		if m, _ := filepath.Glob(filepath.Join(dir, "*.charter")); len(m) == 0 {
			continue
		}
		ls, err := lang.Load(dir)
		if err != nil || ls.Diags.HasErrors() {
			t.Fatalf("%s: %v %v", dir, err, ls.Diags)
		}
		for _, c := range ls.Program.Communities {
			g, err := graph.Build(c)
			if err != nil {
				continue // neither roles nor badges
			}
			path := filepath.Join(tmp, c.Name+".svg")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := g.WriteSVG(f); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			p.Navigate(path)
			p.NoErrors()
			p.SelfContained()
			var rungs []string
			for _, n := range g.Rungs {
				rungs = append(rungs, n.Name)
			}
			if got := p.Texts("g.rung > text:first-of-type"); !slices.Equal(got, rungs) {
				t.Errorf("%s: rungs in the browser %q, want %q", c.Name, got, rungs)
			}
			p.Eval(overflowJS, &overflow)
			for _, o := range overflow {
				t.Errorf("%s: %s", c.Name, o)
			}
		}
	}
}
