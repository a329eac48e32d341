package graph

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
)

var update = flag.Bool("update", false, "rewrite the golden DOT and SVG in testdata")

// community checks src and returns its community name.
func community(t *testing.T, src, name string) *check.Community {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.charter")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ls, err := lang.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if ls.Diags.HasErrors() {
		t.Fatalf("rule file has errors:\n%v", ls.Diags)
	}
	c := ls.Program.Community(name)
	if c == nil {
		t.Fatalf("no community %s", name)
	}
	return c
}

// edges lists g's edges as "FROM -> TO kind: lines" for comparison.
func edges(g *Graph) []string {
	var out []string
	for _, e := range g.Edges {
		s := e.From.ID + " -> " + e.To.ID + " " + e.Kind.String()
		if len(e.Lines) > 0 {
			s += ": " + strings.Join(e.Lines, " | ")
		}
		for _, n := range e.At {
			s += " @" + n.Name
		}
		out = append(out, s)
	}
	return out
}

func sameEdges(t *testing.T, g *Graph, want []string) {
	t.Helper()
	got := edges(g)
	if !slices.Equal(got, want) {
		t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func loadExample(t *testing.T, dir string) []*check.Community {
	t.Helper()
	ls, err := lang.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ls.Diags.HasErrors() {
		t.Fatalf("%s has errors:\n%v", dir, ls.Diags)
	}
	return ls.Program.Communities
}

func TestFanClub(t *testing.T) {
	var fan *check.Community
	for _, c := range loadExample(t, "../../examples/fanclub") {
		if c.Name == "FanClub" {
			fan = c
		}
	}
	g, err := Build(fan)
	if err != nil {
		t.Fatal(err)
	}
	var rungs []string
	for _, n := range g.Rungs {
		rungs = append(rungs, n.Name+" if "+n.Cond)
	}
	wantRungs := []string{
		"leader if posts >= 50 && followers >= 100",
		"creator if posts >= 5",
		"commenter if comments >= 20",
		"collector if saves >= 10",
		"participant if posts + comments > 0",
		"onlooker if otherwise",
	}
	if !slices.Equal(rungs, wantRungs) {
		t.Errorf("rungs %q, want %q", rungs, wantRungs)
	}
	sameEdges(t, g, []string{
		"action:post -> rung:leader up: post: posts += 1",
		"action:post -> rung:creator up: post: posts += 1",
		"action:post -> rung:participant up: post: posts += 1",
		"action:post -> badge:opinion_leader up: post: reputation += 0.5",
		"action:comment -> rung:commenter up: comment: comments += 1",
		"action:comment -> rung:participant up: comment: comments += 1",
		"action:save -> rung:collector up: save: saves += 1",
		// A tip's amount is not known when the rules are read.
		"action:tip -> badge:opinion_leader changes: tip: reputation -= amount; to.reputation += amount",
		// role >= creator: the duty applies at leader and creator only.
		"rung:leader -> rung:creator demote: must post 1 per 7d if role >= creator else demote",
		"rung:creator -> rung:commenter demote: must post 1 per 7d if role >= creator else demote",
	})
}

// Each rule of the direction analysis, one community each.
func TestDirections(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{{
		name: "a warning counts against a rung that reads warnings",
		src: `community C {
  member { posts: int }
  action post(links: int)
  roles {
    trusted if posts >= 10 && warnings < 3
    newcomer otherwise
  }
  may post
  must not post if links > 5 else warn
  on post { posts += 1 }
}`,
		want: []string{
			"action:post -> rung:trusted up: post: posts += 1",
			"rule:1 -> rung:trusted down: else warn: warnings += 1",
		},
	}, {
		name: "bools, negation, subtraction and time",
		src: `community C {
  member { banned: bool; points: int; strikes: int; last_seen: time }
  action ban()
  action unban()
  action strike()
  action visit()
  roles {
    good if !banned && points - strikes >= 5
    rest otherwise
  }
  badge inactive if days_since(last_seen) > 30
  may ban, unban, strike, visit
  on ban { banned = true }
  on unban { banned = false }
  on strike { strikes += 1 }
  on visit { last_seen = now(); points *= 2 }
}`,
		want: []string{
			"action:ban -> rung:good down: ban: banned = true",
			"action:unban -> rung:good up: unban: banned = false",
			"action:strike -> rung:good down: strike: strikes += 1",
			"action:visit -> rung:good changes: visit: points *= 2",
			"action:visit -> badge:inactive down: visit: last_seen = now()",
		},
	}, {
		name: "taken counts the action, named conditions are seen through",
		src: `community C {
  member { replies: int }
  action visit()
  action reply(n: int)
  let active = taken(visit, 7d) >= 3
  let talks = replies > 2 && active
  roles {
    regular if talks
    guest otherwise
  }
  may visit, reply
  on reply { replies += n }
}`,
		want: []string{
			"action:visit -> rung:regular up: visit: counts in taken(visit, 7d)",
			"action:reply -> rung:regular changes: reply: replies += n",
			"rung:regular -> let:talks reads",
			"let:talks -> let:active reads",
		},
	}, {
		name: "demote where the role allows, remove with the rungs it can reach, demotions lifted",
		src: `community C {
  member { posts: int; flags: int; demotions: int }
  action post()
  action review()
  roles {
    top if posts >= 100
    mid if posts >= 10
    low if posts >= 1
    none otherwise
  }
  may post, review
  must review 1 per 7d if role == top else demote
  must review 1 per 7d if role in [mid, low] && posts > 0 else demote 30d
  must not post if flags > 3 && !(role < mid) else remove
  must not post if flags > 9 else remove 7d
  must not post if flags > 5 && role == none else mute 1d
  on review { demotions = 0 }
  on post { posts += 1 }
}`,
		want: []string{
			"action:post -> rung:top up: post: posts += 1",
			"action:post -> rung:mid up: post: posts += 1",
			"action:post -> rung:low up: post: posts += 1",
			"action:review -> ladder up: review: demotions = 0",
			"ladder -> removed remove: must not post if flags > 3 && !(role < mid) else remove @top @mid",
			"ladder -> removed remove: must not post if flags > 9 else remove 7d",
			"rung:top -> rung:mid demote: must review 1 per 7d if role == top else demote",
			"rung:mid -> rung:low demote: must review 1 per 7d if role in [mid, low] && posts > 0 else demote 30d",
			"rung:low -> rung:none demote: must review 1 per 7d if role in [mid, low] && posts > 0 else demote 30d",
		},
	}, {
		name: "a rule under when says so",
		src: `community C {
  member { posts: int }
  action post()
  roles {
    top if posts >= 10
    rest otherwise
  }
  goal busy "Busy" { measure count(role == top); target >= 2 }
  may post
  when !busy.met {
    must post 1 per 1d if role == top else demote
  }
}`,
		want: []string{
			"rung:top -> rung:rest demote: when !busy.met: must post 1 per 1d if role == top else demote",
		},
	}, {
		name: "lists, a badge read by a rung, a member parameter",
		src: `community C {
  member { fans: []string; score: int }
  action cheer(to: member)
  action clear()
  badge popular if len(fans) >= 3
  roles {
    star if popular && score > 0
    fan otherwise
  }
  may cheer, clear
  on cheer { to.fans += me; to.score += 2 }
  on clear { fans = [] }
}`,
		want: []string{
			"action:cheer -> rung:star up: cheer: to.fans += me; to.score += 2",
			"action:cheer -> badge:popular up: cheer: to.fans += me",
			"action:clear -> rung:star down: clear: fans = []",
			"action:clear -> badge:popular down: clear: fans = []",
			"rung:star -> badge:popular reads",
		},
	}, {
		name: "an assignment gives its attribute: has moves up, whatever the value",
		src: `community C {
  member { referrer: string; email: string; verified: time; score: int }
  action refer(by: string)
  action forget()
  action verify()
  action tell(to: member, address: string)
  action rate(n: int)
  action like()
  roles {
    trusted if has(verified) && days_since(verified) >= 30
    newcomer otherwise
  }
  badge referred if has(referrer)
  badge anonymous if !has(email)
  badge rated if has(score) && score > 0
  badge odd if has(score) == has(email)
  may refer, forget, verify, tell, rate, like
  on refer { referrer = by }
  on forget { referrer = "" }
  on verify { verified = now() }
  on tell { to.email = address }
  on rate { score -= 1 }
  on like { score += 1 }
}`,
		want: []string{
			"action:refer -> badge:referred up: refer: referrer = by",
			"action:forget -> badge:referred up: forget: referrer = \"\"",
			"action:verify -> rung:trusted changes: verify: verified = now()",
			"action:tell -> badge:anonymous down: tell: to.email = address",
			"action:tell -> badge:odd changes: tell: to.email = address",
			"action:rate -> badge:rated changes: rate: score -= 1",
			"action:rate -> badge:odd changes: rate: score -= 1",
			"action:like -> badge:rated up: like: score += 1",
			"action:like -> badge:odd changes: like: score += 1",
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := Build(community(t, c.src, "C"))
			if err != nil {
				t.Fatal(err)
			}
			sameEdges(t, g, c.want)
		})
	}
}

// A long condition wraps in DOT, whose labels Graphviz draws on one line.
func TestDOTWraps(t *testing.T) {
	var conds []string
	for i := 0; i < 12; i++ {
		conds = append(conds, fmt.Sprintf("n >= %d", i))
	}
	src := "community W {\n  member { n: int }\n  roles {\n    top if " + strings.Join(conds, " && ") + "\n    rest otherwise\n  }\n}\n"
	g, err := Build(community(t, src, "W"))
	if err != nil {
		t.Fatal(err)
	}
	var dot bytes.Buffer
	if err := g.WriteDOT(&dot); err != nil {
		t.Fatal(err)
	}
	checkDOT(t, dot.String())
	want := `"rung:top" [label="top\nn >= 0 && n >= 1 && n >= 2 && n >= 3 && n >= 4 && n >= 5 && \nn >= 6 && n >= 7 && n >= 8 && n >= 9 && n >= 10 && n >= 11"`
	if !strings.Contains(dot.String(), want) {
		t.Errorf("DOT lacks %s:\n%s", want, dot.String())
	}
}

// Where a rule can apply, read from its comparisons of role alone.
func TestRungsARuleAppliesAt(t *testing.T) {
	cases := []struct{ cond, want string }{
		{"", "top mid low none"},
		{"role == top", "top"},
		{"role >= mid", "top mid"},
		{"mid > role", "low none"},
		{"role != low", "top mid none"},
		{"role in [mid, none]", "mid none"},
		{"role not in [mid, none]", "top low"},
		{"!(role <= low) && n > 1", "top mid"},
		{"role == top || n > 1", "top mid low none"},
		{"role == top || role == none", "top none"},
		{"n > 1 && false", ""},
		{"role == top && role == low", ""},
	}
	for _, c := range cases {
		cond := ""
		if c.cond != "" {
			cond = " if " + c.cond
		}
		src := "community C {\n  member { n: int }\n  action a()\n  roles {\n    top if n > 30\n    mid if n > 20\n    low if n > 10\n    none otherwise\n  }\n  may a\n  must not a" + cond + " else remove\n}\n"
		g, err := Build(community(t, src, "C"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range g.Edges {
			if e.Kind != Remove {
				continue
			}
			if e.At == nil {
				got = append(got, "top", "mid", "low", "none")
			}
			for _, n := range e.At {
				got = append(got, n.Name)
			}
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q applies at %q, want %q", c.cond, got, c.want)
		}
		if (c.want == "") != (g.Removed == nil) {
			t.Errorf("%q: removed node %v with edges at %q", c.cond, g.Removed, got)
		}
	}
}

func TestNothingToDraw(t *testing.T) {
	c := community(t, "community Bare {\n  action a()\n  may a\n}\n", "Bare")
	_, err := Build(c)
	if err == nil || !strings.Contains(err.Error(), "community Bare declares no roles and no badges") {
		t.Errorf("Build: %v", err)
	}
}

// hostile holds every character DOT and XML give a meaning, in names it
// may (Unicode) and in string literals of the conditions.
const hostile = `community Q {
  member { bio: string; 创作: int }
  action post()
  roles {
    创作者 if bio == "a \"<b>\" & 'c' \\ d" && 创作 > 0
    读者 otherwise
  }
  badge odd if bio contains "</text><script>alert(1)</script>"
  may post
  on post { 创作 += 1; bio += "]]>&amp;" }
  must post 1 per 7d if bio == "\"\\n" else remove
}`

func TestEscaping(t *testing.T) {
	g, err := Build(community(t, hostile, "Q"))
	if err != nil {
		t.Fatal(err)
	}
	var svg, dot bytes.Buffer
	if err := g.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if err := g.WriteDOT(&dot); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(svg.String(), "<script") || strings.Contains(svg.String(), "</text><") && strings.Contains(svg.String(), "alert(1)</script>") {
		t.Errorf("user text reached the SVG unescaped:\n%s", svg.String())
	}
	texts := svgText(t, svg.Bytes())
	for _, want := range []string{
		`bio == "a \"<b>\" & 'c' \\ d" && 创作 > 0`,
		`"</text><script>alert(1)</script>"`,
		`post: 创作 += 1; bio += "]]>&amp;"`,
		"创作者",
	} {
		if !containsLine(texts, want) {
			t.Errorf("SVG text has no %q; it has %q", want, texts)
		}
	}
	checkDOT(t, dot.String())
	if !strings.Contains(dot.String(), `bio == \"a \\\"<b>\\\" & 'c' \\\\ d\" && 创作 > 0`) {
		t.Errorf("DOT label not escaped as expected:\n%s", dot.String())
	}
}

// svgText decodes svg and returns the text of each <text> element, its
// tspans joined by a space.
func svgText(t *testing.T, svg []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	depth := 0
	var cur []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				depth++
				cur = nil
			}
		case xml.EndElement:
			if tok.Name.Local == "text" {
				depth--
				out = append(out, strings.Join(cur, " "))
			}
		case xml.CharData:
			if depth > 0 {
				cur = append(cur, string(tok))
			}
		}
	}
	return out
}

func containsLine(texts []string, want string) bool {
	for _, s := range texts {
		if s == want || strings.Contains(s, want) {
			return true
		}
	}
	return false
}

// Every community of the examples draws as well-formed SVG whose boxes
// and labels do not overlap, and as DOT that parses.
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	drawn := 0
	for _, dir := range dirs {
		if m, _ := filepath.Glob(filepath.Join(dir, "*.charter")); len(m) == 0 {
			continue
		}
		for _, c := range loadExample(t, dir) {
			g, err := Build(c)
			if err != nil {
				continue // a community without roles or badges
			}
			drawn++
			t.Run(c.Name, func(t *testing.T) {
				var svg, dot bytes.Buffer
				if err := g.WriteSVG(&svg); err != nil {
					t.Fatal(err)
				}
				texts := svgText(t, svg.Bytes())
				for _, n := range g.Rungs {
					if !slices.Contains(texts, n.Name) {
						t.Errorf("no text %q for a rung", n.Name)
					}
				}
				checkLayout(t, g.layout())
				if err := g.WriteDOT(&dot); err != nil {
					t.Fatal(err)
				}
				checkDOT(t, dot.String())
			})
		}
	}
	if drawn < 9 {
		t.Errorf("drew %d example communities; the examples have more", drawn)
	}
}

// checkLayout holds the layout's promises: no two boxes overlap, no
// label overlaps a box or another label, and everything is on the page.
func checkLayout(t *testing.T, L *layout) {
	t.Helper()
	page := rect{0, 0, L.w, L.h}
	inside := func(r rect) bool {
		return r.x >= page.x && r.y >= page.y && r.x+r.w <= page.w && r.y+r.h <= page.h
	}
	for i, a := range L.boxes {
		if !inside(a.r) {
			t.Errorf("box %s %+v is off the page %+v", a.node.ID, a.r, page)
		}
		for _, b := range L.boxes[i+1:] {
			if a.r.overlaps(b.r) {
				t.Errorf("boxes %s %+v and %s %+v overlap", a.node.ID, a.r, b.node.ID, b.r)
			}
		}
		for _, tx := range L.texts {
			if tx.bounds().overlaps(a.r) {
				t.Errorf("label %q %+v overlaps box %s %+v", tx.lines, tx.bounds(), a.node.ID, a.r)
			}
		}
	}
	all := append(slices.Clip(L.texts), L.captions...)
	for i, a := range all {
		if !inside(a.bounds()) {
			t.Errorf("label %q %+v is off the page %+v", a.lines, a.bounds(), page)
		}
		for _, b := range all[i+1:] {
			if a.bounds().overlaps(b.bounds()) {
				t.Errorf("labels %q and %q overlap", a.lines, b.lines)
			}
		}
	}
	if L.frame != nil {
		for _, b := range L.boxes {
			if b.class == "rung" && !(b.r.x >= L.frame.x && b.r.y >= L.frame.y && b.r.x+b.r.w <= L.frame.x+L.frame.w && b.r.y+b.r.h <= L.frame.y+L.frame.h) {
				t.Errorf("rung %s %+v is outside the ladder's frame %+v", b.node.ID, b.r, *L.frame)
			}
		}
	}
}

// The layout keeps its promises whatever the shape: many rungs, long
// conditions, wide characters, a community without roles.
func TestLayoutShapes(t *testing.T) {
	var b strings.Builder
	b.WriteString("community Big {\n  member { n: int; 名前: string }\n  action go()\n  action 走る()\n  roles {\n")
	for i := 30; i > 0; i-- {
		fmt.Fprintf(&b, "    r%d if n >= %d && 名前 != \"%s\"\n", i, i, strings.Repeat("長い", i))
	}
	b.WriteString("    r0 otherwise\n  }\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "  badge b%d if n > %d\n", i, i*3)
	}
	for i := 30; i > 0; i -= 3 {
		fmt.Fprintf(&b, "  must go 1 per 7d if role >= r%d && n > %d && 名前 == \"%s\" else demote\n", i, i, strings.Repeat("x", 3*i))
	}
	b.WriteString("  may go, 走る\n  must not go if n > 99 else remove\n  on go { n += 1 }\n  on 走る { n -= 1; 名前 = \"走\" }\n}\n")
	b.WriteString("community Flat {\n  member { n: int }\n  action a()\n  badge some if n > 0\n  may a\n  must not a if n > 9 else remove\n  on a { n += 1 }\n}\n")
	for _, name := range []string{"Big", "Flat"} {
		g, err := Build(community(t, b.String(), name))
		if err != nil {
			t.Fatal(err)
		}
		checkLayout(t, g.layout())
		var svg bytes.Buffer
		if err := g.WriteSVG(&svg); err != nil {
			t.Fatal(err)
		}
		svgText(t, svg.Bytes())
		var dot bytes.Buffer
		if err := g.WriteDOT(&dot); err != nil {
			t.Fatal(err)
		}
		checkDOT(t, dot.String())
	}
}

func TestWrap(t *testing.T) {
	cases := []struct {
		s    string
		cols int
		want []string
	}{
		{"a bb ccc", 4, []string{"a bb ", "ccc"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"创作者创作者", 5, []string{"创作", "者创", "作者"}},
		{"", 4, []string{""}},
		{`x == "a   b"`, 40, []string{`x == "a   b"`}},
		{`x == "a   b" && y`, 6, []string{"x == ", `"a   `, `b" && `, "y"}},
		{"abcdef gh", 4, []string{"abcd", "ef ", "gh"}},
	}
	for _, c := range cases {
		got := wrap(c.s, c.cols)
		if !slices.Equal(got, c.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.s, c.cols, got, c.want)
		}
		if strings.Join(got, "") != c.s {
			t.Errorf("wrap(%q, %d) lost text: %q", c.s, c.cols, got)
		}
		for _, l := range got {
			if cells(strings.TrimRight(l, " ")) > c.cols {
				t.Errorf("wrap(%q, %d): line %q is too wide", c.s, c.cols, l)
			}
		}
	}
}

// The goldens: a small community's DOT and SVG, as committed.
const club = `community Club {
  member { posts: int; followers: int; last_seen: time }
  action post()
  action follow(who: member)
  roles {
    leader if posts >= 20 && followers >= 10
    regular if posts >= 3
    newcomer otherwise
  }
  badge quiet if days_since(last_seen) > 14
  may post, follow
  must post 1 per 7d if role == leader else demote
  must not follow if who == me else warn
  on post { posts += 1; last_seen = now() }
  on follow { who.followers += 1 }
}`

func TestGolden(t *testing.T) {
	g, err := Build(community(t, club, "Club"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{{"club.dot", g.WriteDOT}, {"club.svg", g.WriteSVG}} {
		var got bytes.Buffer
		if err := f.write(&got); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", f.name)
		if *update {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s differs from what WriteDOT/WriteSVG give; go test ./lang/graph -update rewrites it. Got:\n%s", path, got.String())
		}
	}
}

// When Graphviz is installed, it reads every example's DOT without a
// warning. The test needs nothing installed: checkDOT holds the DOT to
// the grammar everywhere.
func TestGraphvizReadsDOT(t *testing.T) {
	dotTool, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not installed")
	}
	for _, dir := range []string{"../../examples/fanclub", "../../examples/moderation", "../../examples/runclub"} {
		for _, c := range loadExample(t, dir) {
			g, err := Build(c)
			if err != nil {
				continue
			}
			var dot bytes.Buffer
			if err := g.WriteDOT(&dot); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(dotTool, "-Tsvg", "-o", os.DevNull)
			cmd.Stdin = &dot
			out, err := cmd.CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Errorf("%s: dot: %v %s", c.Name, err, out)
			}
		}
	}
	g, err := Build(community(t, hostile, "Q"))
	if err != nil {
		t.Fatal(err)
	}
	var dot bytes.Buffer
	if err := g.WriteDOT(&dot); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dotTool, "-Tplain")
	cmd.Stdin = &dot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dot: %v", err)
	}
	// -Tplain prints each label back, unquoted where it has no space.
	if !strings.Contains(string(out), `bio == \"a \\\"<b>\\\" & 'c' \\\\ d\" && 创作 > 0`) && !strings.Contains(string(out), `<b>`) {
		t.Errorf("dot -Tplain lost the label:\n%s", out)
	}
}

// many writes a community of rungs rungs and actions actions, each
// action changing the attribute every rung reads.
func many(rungs, actions int) string {
	var b strings.Builder
	b.WriteString("community Many {\n  member { n: int }\n")
	for i := 0; i < actions; i++ {
		fmt.Fprintf(&b, "  action a%d()\n  on a%d { n += 1 }\n", i, i)
	}
	b.WriteString("  roles {\n")
	for i := rungs; i > 0; i-- {
		fmt.Fprintf(&b, "    r%d if n >= %d\n", i, i)
	}
	b.WriteString("    r0 otherwise\n  }\n}\n")
	return b.String()
}

// A diagram of more edges than anyone could read is refused with the
// limit; one just within it is drawn.
func TestTooManyEdges(t *testing.T) {
	_, err := Build(community(t, many(200, 101), "Many"))
	if err == nil || !strings.Contains(err.Error(), "community Many would draw 20200 edges; a diagram holds at most 20000") {
		t.Errorf("Build: %v", err)
	}
	g, err := Build(community(t, many(200, 100), "Many"))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Edges) != 20000 {
		t.Errorf("%d edges, want 20000", len(g.Edges))
	}
	if err := g.WriteSVG(io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := g.WriteDOT(io.Discard); err != nil {
		t.Fatal(err)
	}
}
