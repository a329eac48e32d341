package lsp

import (
	"strconv"
	"strings"
	"testing"
)

const kids = `community Kids extends Club {
  member { age: int }
  badge young if age < 12 && posts > 0
  may post if role == reader
  goal busy "Busy" { measure avg(posts); target >= 2 }
  test "posting" {
    given member { posts: 5, age: 3 }
    do post(length: 3)
    expect role creator
    expect that young && since(now()) == 0s
  }
}
`

type navFixture struct {
	c               *client
	clubURI, kidURI string
	dir             string
}

func newNav(t *testing.T) *navFixture {
	dir := workspaceDir(t, map[string]string{"club.charter": club, "kids.charter": kids})
	c := newClient(t)
	c.initialize()
	f := &navFixture{c: c, dir: dir, clubURI: fileURI(dir + "/club.charter"), kidURI: fileURI(dir + "/kids.charter")}
	c.open(f.kidURI, kids)
	if ds := c.diagnostics(f.kidURI); len(ds) != 0 {
		t.Fatalf("fixture has diagnostics: %+v", ds)
	}
	return f
}

func pos(uri string, p Position) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": p}
}

func (f *navFixture) hover(t *testing.T, p Position) string {
	t.Helper()
	var h *Hover
	f.c.mustCall("textDocument/hover", pos(f.kidURI, p), &h)
	if h == nil {
		return ""
	}
	return h.Contents.Value
}

func TestHover(t *testing.T) {
	f := newNav(t)
	for _, tc := range []struct {
		marker string
		n, off int
		want   []string
	}{
		// An inherited attribute: type, default, and where it comes from.
		{"posts", 0, 1, []string{"posts: int", "No default: a member without it has 0.", "attribute of Kids", "inherited from Club (club.charter:2)"}},
		{"age", 0, 0, []string{"age: int", "declared at kids.charter:2"}},
		{"reader", 0, 2, []string{"reader otherwise", "rank 0 in a ladder of 2", "inherited from Club"}},
		{"creator", 0, 0, []string{"creator if posts >= 5", "rank 1"}},
		{"post(", 0, 0, []string{"action post(length: int)", "named by 2 rules"}},
		{"length", 0, 0, []string{"length: int", "parameter of `action post(length: int)`"}},
		{"busy", 0, 0, []string{"goal busy \"Busy\"", "measure avg(posts)", "target  >= 2"}},
		{"avg", 0, 0, []string{"goal aggregate"}},
		{"since", 0, 0, []string{"since(t time) duration", "how long ago t was"}},
		{"young", 1, 0, []string{"badge young if age < 12 && posts > 0"}},
		{"role ==", 0, 0, []string{"the member's role"}},
		{"Club", 0, 0, []string{"community Club", "declared at club.charter:1"}},
	} {
		got := f.hover(t, at(kids, tc.marker, tc.n, tc.off))
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("hover on %q: %q lacks %q", tc.marker, got, w)
			}
		}
	}
	if got := f.hover(t, at(kids, "\"posting\"", 0, 2)); got != "" {
		t.Errorf("hover inside a string: %q", got)
	}
	f.c.shutdown()
}

// taken and has are built in, not library functions: hover says what
// they count and ask.
func TestHoverBuiltinCalls(t *testing.T) {
	const src = `community Keen {
  member { email: string = "" }
  action visit()
  badge keen if taken(visit, 7d) >= 1 && has(email)
  may visit
}
`
	dir := workspaceDir(t, map[string]string{"keen.charter": src})
	c := newClient(t)
	c.initialize()
	uri := fileURI(dir + "/keen.charter")
	c.open(uri, src)
	if ds := c.diagnostics(uri); len(ds) != 0 {
		t.Fatalf("fixture has diagnostics: %+v", ds)
	}
	for _, tc := range []struct{ marker, want string }{
		{"taken(", "taken(action, D) int"},
		{"taken(", "SPEC §7.6"},
		{"has(", "has(attr) bool"},
		{"has(", "SPEC §7.7"},
	} {
		var h *Hover
		c.mustCall("textDocument/hover", pos(uri, at(src, tc.marker, 0, 1)), &h)
		if h == nil || !strings.Contains(h.Contents.Value, tc.want) {
			t.Errorf("hover on %q: %+v, want %q", tc.marker, h, tc.want)
		}
	}
	c.shutdown()
}

func TestDefinitionAndReferences(t *testing.T) {
	f := newNav(t)
	// posts in Kids goes to Club's schema, in the other file.
	var locs []Location
	f.c.mustCall("textDocument/definition", pos(f.kidURI, at(kids, "posts", 0, 0)), &locs)
	want := Location{URI: f.clubURI, Range: Range{at(club, "posts", 0, 0), at(club, "posts", 0, 5)}}
	if len(locs) != 1 || locs[0] != want {
		t.Fatalf("definition of posts: %+v, want %+v", locs, want)
	}
	// The parameter in a test call goes to the action's parameter.
	f.c.mustCall("textDocument/definition", pos(f.kidURI, at(kids, "length", 0, 1)), &locs)
	if len(locs) != 1 || locs[0].URI != f.clubURI || locs[0].Range.Start != at(club, "length", 0, 0) {
		t.Errorf("definition of length: %+v", locs)
	}
	// References of posts across both files: club's schema, role condition,
	// effect; kids' badge, measure and given field.
	var refs []Location
	f.c.mustCall("textDocument/references", map[string]any{
		"textDocument": map[string]any{"uri": f.kidURI}, "position": at(kids, "posts", 0, 2),
		"context": map[string]any{"includeDeclaration": true}}, &refs)
	var got []string
	for _, r := range refs {
		file := r.URI[strings.LastIndex(r.URI, "/")+1:]
		got = append(got, file+":"+strconv.Itoa(r.Range.Start.Line+1))
	}
	wantRefs := "club.charter:2 club.charter:5 club.charter:9 kids.charter:3 kids.charter:5 kids.charter:7"
	if strings.Join(got, " ") != wantRefs {
		t.Errorf("references of posts: %s\nwant %s", strings.Join(got, " "), wantRefs)
	}
	f.c.mustCall("textDocument/references", map[string]any{
		"textDocument": map[string]any{"uri": f.kidURI}, "position": at(kids, "posts", 0, 2),
		"context": map[string]any{"includeDeclaration": false}}, &refs)
	if len(refs) != 5 {
		t.Errorf("references without the declaration: %d, want 5", len(refs))
	}
	f.c.shutdown()
}

func TestDocumentSymbols(t *testing.T) {
	f := newNav(t)
	var syms []DocumentSymbol
	f.c.mustCall("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": f.kidURI}}, &syms)
	if len(syms) != 1 || syms[0].Name != "Kids" || syms[0].Detail != "extends Club" {
		t.Fatalf("symbols %+v", syms)
	}
	var names []string
	for _, c := range syms[0].Children {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, "|"); got != `member|young|may post|busy|test "posting"` {
		t.Errorf("children %s", got)
	}
	if len(syms[0].Children[0].Children) != 1 || syms[0].Children[0].Children[0].Name != "age" {
		t.Errorf("member children %+v", syms[0].Children[0].Children)
	}
	f.c.shutdown()
}

func TestFormatting(t *testing.T) {
	c := newClient(t)
	c.initialize()
	src := "community A {\nmember {   posts: int }\n  action post()\n may post if posts>1\n}\n"
	c.open("untitled:a", src)
	var edits []TextEdit
	c.mustCall("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": "untitled:a"}, "options": map[string]any{"tabSize": 2}}, &edits)
	want := "community A {\n  member { posts: int }\n  action post()\n  may post if posts > 1\n}\n"
	if len(edits) != 1 || edits[0].NewText != want || edits[0].Range != (Range{End: Position{5, 0}}) {
		t.Fatalf("edits %+v", edits)
	}
	c.change("untitled:a", 2, want)
	c.mustCall("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": "untitled:a"}}, &edits)
	if len(edits) != 0 {
		t.Errorf("formatted text: edits %+v", edits)
	}
	c.change("untitled:a", 3, "community A {\n may\n")
	edits = []TextEdit{{}}
	c.mustCall("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": "untitled:a"}}, &edits)
	if edits != nil {
		t.Errorf("a file with syntax errors: edits %+v, want null", edits)
	}
	c.shutdown()
}

// TestHalfTypedFile: a file with a syntax error still has hover and
// definition for what parsed, checked with the rest of its load set.
func TestHalfTypedFile(t *testing.T) {
	f := newNav(t)
	broken := strings.Replace(kids, "  test \"posting\" {", "  may post if age >\n  test \"posting\" {", 1)
	f.c.change(f.kidURI, 2, broken)
	if ds := f.c.diagnostics(f.kidURI); len(ds) == 0 {
		t.Fatal("no diagnostics for a broken file")
	}
	var h *Hover
	f.c.mustCall("textDocument/hover", pos(f.kidURI, at(broken, "age", 1, 1)), &h)
	if h == nil || !strings.Contains(h.Contents.Value, "age: int") {
		t.Errorf("hover on age in the half-typed rule: %+v", h)
	}
	f.c.mustCall("textDocument/hover", pos(f.kidURI, at(broken, "posts", 0, 1)), &h)
	if h == nil || !strings.Contains(h.Contents.Value, "inherited from Club") {
		t.Errorf("hover on posts: %+v", h)
	}
	var locs []Location
	f.c.mustCall("textDocument/definition", pos(f.kidURI, at(broken, "posts", 0, 1)), &locs)
	if len(locs) != 1 || locs[0].URI != f.clubURI {
		t.Errorf("definition in a broken file: %+v", locs)
	}
	f.c.shutdown()
}

// TestUnterminatedString: a string being typed is a lexical error, which
// leaves the parser nothing; the model still has the file's names.
func TestUnterminatedString(t *testing.T) {
	f := newNav(t)
	typing := strings.Replace(kids, "  member { age: int }", "  member { age: int }\n  purpose \"Kids who", 1)
	f.c.change(f.kidURI, 2, typing)
	if ds := f.c.diagnostics(f.kidURI); len(ds) == 0 || ds[0].Code != "CH0001" {
		t.Fatalf("diagnostics %+v, want CH0001 first", ds)
	}
	var h *Hover
	f.c.mustCall("textDocument/hover", pos(f.kidURI, at(typing, "age <", 0, 1)), &h)
	if h == nil || !strings.Contains(h.Contents.Value, "age: int") {
		t.Errorf("hover after an unterminated string: %+v", h)
	}
	var syms []DocumentSymbol
	f.c.mustCall("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": f.kidURI}}, &syms)
	if len(syms) != 1 || len(syms[0].Children) != 5 {
		t.Errorf("symbols after an unterminated string: %+v", syms)
	}
	f.c.shutdown()
}

// TestPieces: what a standard piece declares has hover saying so, no
// definition in the load set, and cannot be renamed.
func TestPieces(t *testing.T) {
	src := "community G {\n  use std.dunbar\n  may invite\n}\n"
	c := newClient(t)
	c.initialize()
	c.open("untitled:g", src)
	c.diagnostics("untitled:g")
	var h *Hover
	c.mustCall("textDocument/hover", pos("untitled:g", at(src, "invite", 0, 1)), &h)
	if h == nil || !strings.Contains(h.Contents.Value, "action invite(guest: string)") || !strings.Contains(h.Contents.Value, "from `use std.dunbar`") {
		t.Errorf("hover on a piece's action: %+v", h)
	}
	c.mustCall("textDocument/hover", pos("untitled:g", at(src, "dunbar", 0, 1)), &h)
	if h == nil || !strings.Contains(h.Contents.Value, "Dunbar's number") {
		t.Errorf("hover on the piece: %+v", h)
	}
	var locs []Location
	c.mustCall("textDocument/definition", pos("untitled:g", at(src, "invite", 0, 1)), &locs)
	if locs != nil {
		t.Errorf("definition of a piece's action: %+v", locs)
	}
	err := c.call("textDocument/prepareRename", pos("untitled:g", at(src, "invite", 0, 1)), nil)
	if err == nil || !strings.Contains(err.Message, "standard piece") {
		t.Errorf("rename of a piece's action: %v", err)
	}
	c.shutdown()
}

func TestHighlight(t *testing.T) {
	f := newNav(t)
	var hs []struct {
		Range Range `json:"range"`
		Kind  int   `json:"kind"`
	}
	f.c.mustCall("textDocument/documentHighlight", pos(f.kidURI, at(kids, "age", 1, 0)), &hs)
	if len(hs) != 3 || hs[0].Kind != 3 || hs[0].Range.Start != at(kids, "age", 0, 0) || hs[1].Kind != 2 || hs[2].Range.Start != at(kids, "age", 2, 0) {
		t.Errorf("highlights of age: %+v", hs)
	}
	f.c.shutdown()
}

// Settings and named conditions (issue 13) are symbols like the others:
// hover shows the declaration, definition goes to it, references find the
// reads.
func TestSettingsAndLets(t *testing.T) {
	const src = `community S {
  member { n: int }
  settings { cap: int = 3 }
  let busy = n > cap
  action a()
  may a if busy && n < cap
  on a { n += 1 }
}
`
	dir := workspaceDir(t, map[string]string{"s.charter": src})
	c := newClient(t)
	c.initialize()
	uri := fileURI(dir + "/s.charter")
	c.open(uri, src)
	if ds := c.diagnostics(uri); len(ds) != 0 {
		t.Fatalf("fixture has diagnostics: %+v", ds)
	}
	hover := func(p Position) string {
		var h *Hover
		c.mustCall("textDocument/hover", pos(uri, p), &h)
		if h == nil {
			return ""
		}
		return h.Contents.Value
	}
	for _, tc := range []struct {
		marker string
		n      int
		want   []string
	}{
		{"cap", 2, []string{"cap: int = 3", "setting of S"}},
		{"busy", 1, []string{"let busy = n > cap", "named condition of S"}},
	} {
		got := hover(at(src, tc.marker, tc.n, 0))
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("hover on %s #%d: %q lacks %q", tc.marker, tc.n, got, w)
			}
		}
	}
	var locs []Location
	c.mustCall("textDocument/definition", pos(uri, at(src, "busy", 1, 0)), &locs)
	if len(locs) != 1 || locs[0].Range.Start != at(src, "busy", 0, 0) {
		t.Errorf("definition of busy: %+v", locs)
	}
	var refs []Location
	c.mustCall("textDocument/references", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "position": at(src, "cap", 0, 0),
		"context": map[string]any{"includeDeclaration": true}}, &refs)
	if len(refs) != 3 {
		t.Errorf("references of cap: %d, want 3 (declaration, let, rule): %+v", len(refs), refs)
	}
	c.shutdown()
}
