package lsp

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/format"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/stdlib"
)

func init() {
	serve("textDocument/hover", (*Server).hover)
	serve("textDocument/definition", (*Server).definition)
	serve("textDocument/references", (*Server).references)
	serve("textDocument/documentSymbol", (*Server).documentSymbol)
	serve("textDocument/formatting", (*Server).formatting)
	serve("textDocument/documentHighlight", (*Server).highlight)
	capabilities["hoverProvider"] = true
	capabilities["definitionProvider"] = true
	capabilities["referencesProvider"] = true
	capabilities["documentSymbolProvider"] = true
	capabilities["documentFormattingProvider"] = true
	capabilities["documentHighlightProvider"] = true
}

// opened returns the open document of uri; a request about a document
// the client has not opened is an error.
func (s *Server) opened(uri string) (*document, error) {
	d, ok := s.byURI[uri]
	if !ok {
		return nil, fmt.Errorf("%s is not open", uri)
	}
	return d, nil
}

// lookup finds the open document and analysis of a position request, and
// the byte offset of the position.
func (s *Server) lookup(p TextDocumentPositionParams) (*document, *analysis, int, error) {
	d, err := s.opened(p.TextDocument.URI)
	if err != nil {
		return nil, nil, 0, err
	}
	a := s.ws.get(d.name)
	return d, a, d.text.offset(p.Position, s.enc), nil
}

// documentParams finds the open document of a request about a whole
// document (its params hold only the document), and its analysis.
func (s *Server) documentParams(params json.RawMessage) (*document, *analysis, error) {
	p, err := decode[struct {
		TextDocument TextDocumentIdentifier `json:"textDocument"`
	}](params)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.opened(p.TextDocument.URI)
	if err != nil {
		return nil, nil, err
	}
	return d, s.ws.get(d.name), nil
}

// lookupParams is lookup of the position request params.
func (s *Server) lookupParams(params json.RawMessage) (*document, *analysis, int, error) {
	p, err := decode[TextDocumentPositionParams](params)
	if err != nil {
		return nil, nil, 0, err
	}
	return s.lookup(*p)
}

// location is the LSP location of a byte range of a load-set file.
func (s *Server) location(a *analysis, file string, start, end int) (Location, bool) {
	t, ok := a.texts[file]
	if !ok {
		return Location{}, false
	}
	return Location{URI: s.uriOf(file), Range: Range{Start: t.position(start, s.enc), End: t.position(end, s.enc)}}, true
}

func (s *Server) hover(params json.RawMessage) (any, error) {
	d, a, off, err := s.lookupParams(params)
	if err != nil {
		return nil, err
	}
	o, ok := a.index().at(d.name, off)
	if !ok {
		return nil, nil
	}
	md := hoverText(a.model, o)
	if md == "" {
		return nil, nil
	}
	r := Range{Start: d.text.position(o.start, s.enc), End: d.text.position(o.end, s.enc)}
	return Hover{Contents: MarkupContent{Kind: "markdown", Value: md}, Range: &r}, nil
}

// hoverText is the markdown shown for an occurrence: the declaration as
// Charter would write it, what it is, and where it comes from.
func hoverText(prog *check.Program, o occurrence) string {
	var b strings.Builder
	code := func(format string, args ...any) {
		fmt.Fprintf(&b, "```charter\n"+format+"\n```\n", args...)
	}
	c := o.com
	if c == nil {
		switch o.kind {
		case kAttr, kAction, kParam, kRole, kBadge, kGoal, kSetting, kLet:
			// A community the checker left out (a second one of its name,
			// or one whose parent is not in the load set) declares nothing
			// to show.
			return ""
		}
	}
	switch o.kind {
	case kCommunity:
		cc := prog.Community(o.name)
		if cc == nil {
			return ""
		}
		if cc.Parent != nil {
			code("community %s extends %s", cc.Name, cc.Parent.Name)
		} else {
			code("community %s", cc.Name)
		}
		if cc.Purpose != "" {
			fmt.Fprintf(&b, "\n%s\n", cc.Purpose)
		}
		fmt.Fprintf(&b, "\n%d attributes, %d actions, %d roles, %d badges, %d rules, %d goals, %d tests", len(cc.Attrs), len(cc.Actions), len(cc.Roles), len(cc.Badges), len(cc.Rules), len(cc.Goals), len(cc.Tests))
		b.WriteString(declaredAt(prog, nil, cc.Decl.Name))
	case kAttr:
		at := c.Attr(o.name)
		if at == nil {
			return ""
		}
		if at.Decl != nil && at.Decl.Default != nil {
			code("%s: %s = %s", at.Name, at.Type, at.Decl.Default.Src)
		} else {
			code("%s: %s", at.Name, at.Type)
			fmt.Fprintf(&b, "\nNo default: a member without it has %s.\n", formatValue(at.Default))
		}
		fmt.Fprintf(&b, "\nattribute of %s", c.Name)
		b.WriteString(declaredAt(prog, c, declName(at.Decl)))
	case kAction:
		act := c.Action(o.name)
		if act == nil {
			return ""
		}
		code("%s", actionSig(act))
		n := 0
		for _, r := range c.Rules {
			if slices.Contains(r.Actions, act) || r.Before == act {
				n++
			}
		}
		fmt.Fprintf(&b, "\naction of %s, named by %d rules", c.Name, n)
		b.WriteString(declaredAt(prog, c, actionDecl(act)))
	case kParam:
		act := c.Action(o.action)
		if act == nil || act.Param(o.name) == nil {
			return ""
		}
		code("%s: %s", o.name, act.Param(o.name).Type)
		fmt.Fprintf(&b, "\nparameter of `%s`", actionSig(act))
		b.WriteString(declaredAt(prog, c, actionDecl(act)))
	case kRole:
		r := c.Role(o.name)
		if r == nil {
			return ""
		}
		if r.Otherwise {
			code("%s otherwise", r.Name)
		} else {
			code("%s if %s", r.Name, r.Cond.Src)
		}
		fmt.Fprintf(&b, "\nrole of %s, rank %d in a ladder of %d (the highest rung has rank %d, the last 0)", c.Name, r.Rank, len(c.Roles), len(c.Roles)-1)
		b.WriteString(declaredAt(prog, c, declName(r.Decl)))
	case kBadge:
		x := c.Badge(o.name)
		if x == nil {
			return ""
		}
		code("badge %s if %s", x.Name, x.Cond.Src)
		fmt.Fprintf(&b, "\nbadge of %s", c.Name)
		b.WriteString(declaredAt(prog, c, declName(x.Decl)))
	case kSetting:
		st := c.Setting(o.name)
		if st == nil {
			return ""
		}
		if st.Decl != nil && st.Decl.Default != nil {
			code("%s: %s = %s", st.Name, st.Type, st.Decl.Default.Src)
		} else {
			code("%s: %s", st.Name, st.Type)
		}
		fmt.Fprintf(&b, "\nsetting of %s: one value for the whole community, set by the host (WithSettings, --set) or a test (given settings)", c.Name)
		b.WriteString(declaredAt(prog, c, declName(st.Decl)))
	case kLet:
		l := letOf(c, o.name)
		if l == nil {
			return ""
		}
		code("let %s = %s", l.Name, exprSrc(l.Cond))
		fmt.Fprintf(&b, "\nnamed condition of %s: read like a badge, never shown to hosts", c.Name)
		if l.Decl != nil {
			b.WriteString(declaredAt(prog, c, l.Decl.Name))
		}
	case kGoal:
		g := c.Goal(o.name)
		if g == nil {
			return ""
		}
		title := ""
		if g.Title != "" {
			title = " " + strconv.Quote(g.Title)
		}
		code("goal %s%s {\n  measure %s\n  target  %s %s\n}", g.Name, title, exprSrc(g.Measure), g.Op, exprSrc(g.Target))
		fmt.Fprintf(&b, "\ngoal of %s; in rule and when conditions, %s.value, .target, .met and .progress", c.Name, g.Name)
		b.WriteString(declaredAt(prog, c, declName(g.Decl)))
	case kFunc:
		f, ok := stdlib.Lookup(o.name)
		if !ok {
			return ""
		}
		sigs := make([]string, len(f.Sigs))
		for i := range f.Sigs {
			sigs[i] = f.Sigs[i].String(f.Name)
		}
		code("%s", strings.Join(sigs, "\n"))
		fmt.Fprintf(&b, "\n%s\n\nExample: `%s`\n\nstandard library (SPEC §16.1)", f.Doc, f.Example)
	case kAggregate:
		code("%s(x)", o.name)
		fmt.Fprintf(&b, "\ngoal aggregate, in measures only: %s (SPEC §16.2)", aggregates[o.name])
	case kGoalField:
		fmt.Fprintf(&b, "`%s`: %s", o.name, goalFields[o.name])
	case kBuiltin:
		switch o.name {
		case "role":
			b.WriteString("`role`: the member's role; roles compare by rank, `role >= creator` holds for creators and those above")
		case "members":
			b.WriteString("`members`: int, the number of members")
		case "taken":
			code("taken(action, D) int")
			b.WriteString("\nhow many times the member took action in the last D, the window (T−D, T] as `limit` counts; compared with a whole number, as `taken(visit, 100d) >= 50` (SPEC §7.6)")
		case "has":
			code("has(attr) bool")
			b.WriteString("\nwhether the member's record gave attr — a key of its map or JSON, a struct field, an effect or an update — rather than leaving it at its default; `has(to.email)` for a member parameter (SPEC §7.7)")
		}
	case kPiece:
		name := strings.TrimPrefix(o.name, "std.")
		_, src, ok := stdlib.Piece(name)
		if !ok {
			return ""
		}
		code("use %s", o.name)
		f, _ := syntax.Parse("std/"+name+".charter", src)
		// The comment that opens the piece says what it is for.
		for _, c := range f.Comments {
			if len(f.Communities) > 0 && c.Pos.Offset > f.Communities[0].Pos.Offset {
				break
			}
			fmt.Fprintf(&b, "%s\n", strings.TrimSpace(strings.TrimPrefix(c.Text, "//")))
		}
		for _, cd := range f.Communities {
			for _, d := range cd.Decls {
				if p, ok := d.(*syntax.Purpose); ok && p.Text != nil {
					fmt.Fprintf(&b, "\n%s\n", p.Text.Value())
				}
			}
		}
		b.WriteString("\nstandard piece (SPEC §16.3)")
	default:
		return ""
	}
	return b.String()
}

func exprSrc(e *syntax.Expr) string {
	if e == nil {
		return ""
	}
	return e.Src
}

func declName[T interface {
	*syntax.Attr | *syntax.Rung | *syntax.Badge | *syntax.Goal
}](d T) *syntax.Ident {
	if d == nil {
		return nil
	}
	switch d := any(d).(type) {
	case *syntax.Attr:
		return d.Name
	case *syntax.Rung:
		return d.Name
	case *syntax.Badge:
		return d.Name
	case *syntax.Goal:
		return d.Name
	}
	return nil
}

func actionDecl(a *check.Action) *syntax.Ident {
	if a.Decl == nil {
		return nil
	}
	return a.Decl.Name
}

func actionSig(a *check.Action) string {
	ps := make([]string, len(a.Params))
	for i, p := range a.Params {
		ps[i] = p.Name + ": " + p.Type.String()
	}
	return "action " + a.Name + "(" + strings.Join(ps, ", ") + ")"
}

// declaredAt says where a declaration is: in the community c reads it in,
// inherited from an ancestor, or mixed in by a standard piece.
func declaredAt(prog *check.Program, c *check.Community, id *syntax.Ident) string {
	if id == nil {
		return ""
	}
	file := id.Pos.Filename
	if isPiece(file) {
		return fmt.Sprintf(", from `use std.%s`", strings.TrimSuffix(path.Base(file), ".charter"))
	}
	where := fmt.Sprintf("%s:%d", path.Base(strings.ReplaceAll(file, "\\", "/")), id.Pos.Line)
	if c != nil {
		for p := c.Parent; p != nil; p = p.Parent {
			if p.Decl != nil && p.Decl.Pos.Filename == file && p.Decl.Pos.Offset <= id.Pos.Offset && id.Pos.Offset < p.Decl.EndPos.Offset {
				return fmt.Sprintf(", inherited from %s (%s)", p.Name, where)
			}
		}
	}
	return fmt.Sprintf(", declared at %s", where)
}

// formatValue writes a default value as Charter writes a constant.
func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case time.Time:
		return strconv.Quote(v.UTC().Format(time.RFC3339Nano))
	case time.Duration:
		return check.FormatDuration(v)
	case nil:
		return "nothing"
	}
	if s := fmt.Sprint(v); strings.HasPrefix(s, "[") {
		return strings.ReplaceAll(s, " ", ", ")
	}
	return fmt.Sprint(v)
}

func (s *Server) definition(params json.RawMessage) (any, error) {
	d, a, off, err := s.lookupParams(params)
	if err != nil {
		return nil, err
	}
	o, ok := a.index().at(d.name, off)
	if !ok {
		return nil, nil
	}
	id := definition(a.model, o)
	if id == nil || isPiece(id.Pos.Filename) {
		return nil, nil
	}
	if loc, ok := s.location(a, id.Pos.Filename, id.Pos.Offset, id.EndPos.Offset); ok {
		return []Location{loc}, nil
	}
	return nil, nil
}

func (s *Server) references(params json.RawMessage) (any, error) {
	p, err := decode[ReferenceParams](params)
	if err != nil {
		return nil, err
	}
	d, a, off, err := s.lookup(p.TextDocumentPositionParams)
	if err != nil {
		return nil, err
	}
	ix := a.index()
	o, ok := ix.at(d.name, off)
	if !ok || o.key == "" {
		return nil, nil
	}
	locs := []Location{}
	for _, r := range ix.byKey[o.key] {
		if r.decl && !p.Context.IncludeDeclaration {
			continue
		}
		if loc, ok := s.location(a, r.file, r.start, r.end); ok {
			locs = append(locs, loc)
		}
	}
	slices.SortFunc(locs, func(x, y Location) int {
		if c := strings.Compare(x.URI, y.URI); c != 0 {
			return c
		}
		if x.Range.Start.Line != y.Range.Start.Line {
			return x.Range.Start.Line - y.Range.Start.Line
		}
		return x.Range.Start.Character - y.Range.Start.Character
	})
	return slices.Compact(locs), nil
}

func (s *Server) documentSymbol(params json.RawMessage) (any, error) {
	d, a, err := s.documentParams(params)
	if err != nil {
		return nil, err
	}
	out := []DocumentSymbol{}
	// The model's files: a file with lexical errors is there as mended.
	files := a.model.Files
	if !slices.ContainsFunc(files, func(f *syntax.File) bool { return f.Name == d.name }) {
		files = a.ls.Files
	}
	for _, f := range files {
		if f.Name != d.name {
			continue
		}
		for _, cd := range f.Communities {
			if cd != nil && cd.Name != nil {
				out = append(out, s.communitySymbol(d.text, cd))
			}
		}
	}
	return out, nil
}

// communitySymbol is a community with its declarations below it: the
// schema's attributes, actions, the ladder's roles, badges, rules, effects,
// goals, when blocks, messages and tests.
func (s *Server) communitySymbol(t *text, cd *syntax.Community) DocumentSymbol {
	sym := func(name, detail string, k int, n syntax.Node, id *syntax.Ident) DocumentSymbol {
		r := t.rangeOf(n.Range(), s.enc)
		sel := r
		if id != nil {
			sel = t.rangeOf(id.Range(), s.enc)
		}
		if name == "" {
			name = "?"
		}
		// A half-read declaration may end before its name does; clients
		// refuse a selection outside the range.
		if before(r.End, sel.End) {
			r.End = sel.End
		}
		if before(sel.Start, r.Start) {
			r.Start = sel.Start
		}
		return DocumentSymbol{Name: name, Detail: detail, Kind: k, Range: r, SelectionRange: sel}
	}
	detail := ""
	if cd.Extends != nil {
		detail = "extends " + cd.Extends.Name
	}
	top := sym(cd.Name.Name, detail, symClass, cd.Node, cd.Name)
	var decls func(ds []syntax.Decl) []DocumentSymbol
	decls = func(ds []syntax.Decl) []DocumentSymbol {
		var out []DocumentSymbol
		for _, d := range ds {
			switch d := d.(type) {
			case *syntax.Schema:
				m := sym("member", "", symStruct, d.Node, nil)
				for _, at := range d.Attrs {
					if at != nil && at.Name != nil && at.Type != nil && at.Type.Name != nil {
						m.Children = append(m.Children, sym(at.Name.Name, at.Type.String(), symField, at.Node, at.Name))
					}
				}
				out = append(out, m)
			case *syntax.Action:
				out = append(out, sym(identName(d.Name), "action", symMethod, d.Node, d.Name))
			case *syntax.Roles:
				m := sym("roles", "", symEnum, d.Node, nil)
				for _, r := range d.Rungs {
					if r != nil {
						m.Children = append(m.Children, sym(identName(r.Name), "role", symEnumMember, r.Node, r.Name))
					}
				}
				out = append(out, m)
			case *syntax.Badge:
				out = append(out, sym(identName(d.Name), "badge", symBoolean, d.Node, d.Name))
			case *syntax.Goal:
				out = append(out, sym(identName(d.Name), "goal", symConstant, d.Node, d.Name))
			case syntax.RuleDecl:
				n, first := ruleHead(d)
				r := d.Range()
				out = append(out, sym(n, "rule", symEvent, syntax.Node{Pos: r.Start, EndPos: r.End}, first))
			case *syntax.Effect:
				out = append(out, sym("on "+identName(d.Action), "effect", symFunction, d.Node, d.Action))
			case *syntax.When:
				m := sym("when "+exprSrc(d.Cond), "", symNamespace, d.Node, nil)
				ws := make([]syntax.Decl, len(d.Decls))
				for i, w := range d.Decls {
					ws[i] = w
				}
				m.Children = decls(ws)
				out = append(out, m)
			case *syntax.Nudge:
				out = append(out, sym("nudge "+strconv.Quote(d.Text.Value()), "message", symString, d.Node, nil))
			case *syntax.Offer:
				out = append(out, sym("offer "+strconv.Quote(d.Text.Value()), "message", symString, d.Node, nil))
			case *syntax.Test:
				name := ""
				if d.Name != nil {
					name = strconv.Quote(d.Name.Value())
				}
				out = append(out, sym("test "+name, "test", symMethod, d.Node, nil))
			case *syntax.Use:
				out = append(out, sym("use "+d.Name(), "piece", symModule, d.Node, nil))
			}
		}
		return out
	}
	top.Children = decls(cd.Decls)
	return top
}

// ruleHead names a rule as its first words do: "must not post, reply".
func ruleHead(d syntax.Decl) (string, *syntax.Ident) {
	names := func(ids []*syntax.Ident) string {
		var ns []string
		for _, id := range ids {
			ns = append(ns, identName(id))
		}
		return strings.Join(ns, ", ")
	}
	first := func(ids []*syntax.Ident) *syntax.Ident {
		if len(ids) > 0 {
			return ids[0]
		}
		return nil
	}
	switch d := d.(type) {
	case *syntax.May:
		return "may " + names(d.Actions), first(d.Actions)
	case *syntax.MustNot:
		return "must not " + names(d.Actions), first(d.Actions)
	case *syntax.First:
		return "first " + identName(d.Before) + " then " + identName(d.Then), d.Before
	case *syntax.Limit:
		return "limit " + identName(d.Action), d.Action
	case *syntax.Duty:
		return "must " + identName(d.Action), d.Action
	}
	return "", nil
}

func (s *Server) formatting(params json.RawMessage) (any, error) {
	p, err := decode[FormattingParams](params)
	if err != nil {
		return nil, err
	}
	d, err := s.opened(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	out, ds := format.Bytes(d.name, d.text.src)
	if ds.HasErrors() {
		// A file with syntax errors is left as it is, as charter fmt
		// leaves it; its diagnostics already say why.
		return nil, nil
	}
	if string(out) == string(d.text.src) {
		return []TextEdit{}, nil
	}
	end := d.text.position(len(d.text.src), s.enc)
	return []TextEdit{{Range: Range{End: end}, NewText: string(out)}}, nil
}

func before(a, b Position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}

// highlight marks the occurrences in the document of the symbol at the
// position: the declaration as a write (3), the others as reads (2).
func (s *Server) highlight(params json.RawMessage) (any, error) {
	d, a, off, err := s.lookupParams(params)
	if err != nil {
		return nil, err
	}
	ix := a.index()
	o, ok := ix.at(d.name, off)
	if !ok || o.key == "" {
		return nil, nil
	}
	type highlight struct {
		Range Range `json:"range"`
		Kind  int   `json:"kind"`
	}
	out := []highlight{}
	for _, r := range ix.byKey[o.key] {
		if r.file != d.name {
			continue
		}
		kind := 2
		if r.decl {
			kind = 3
		}
		out = append(out, highlight{Range: Range{Start: d.text.position(r.start, s.enc), End: d.text.position(r.end, s.enc)}, Kind: kind})
	}
	return out, nil
}
