package lsp

import (
	"regexp"
	"slices"
	"strings"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/stdlib"
)

// A kind is what a name stands for.
type kind int

const (
	kNone kind = iota
	kCommunity
	kAttr
	kAction
	kParam
	kRole
	kBadge
	kGoal
	kPiece
	kFunc      // a standard library function
	kAggregate // count, share, sum, avg, min, max
	kBuiltin   // role, members, taken(...), has(...)
	kGoalField // value, target, met, progress
	kSetting   // a community setting (SPEC §6.4.1)
	kLet       // a named condition (SPEC §6.7)
)

var kindNames = [...]string{"", "community", "attribute", "action", "parameter", "role", "badge", "goal", "piece", "function", "aggregate", "name", "goal field", "setting", "named condition"}

func (k kind) String() string { return kindNames[k] }

// renamable kinds are those a rename changes across the load set.
func (k kind) renamable() bool {
	switch k {
	case kAttr, kAction, kRole, kBadge, kGoal:
		return true
	}
	return false
}

// An occurrence is a name in the source: declared there or read there.
type occurrence struct {
	file       string
	start, end int // byte offsets
	kind       kind
	name       string // for a parameter, its own name; action holds the action's
	action     string
	com        *check.Community // the community the name is read in
	// key identifies the symbol across the load set: a name declared in a
	// community and redeclared (overridden) by those extending it is one
	// symbol, named after the highest community that declares it. ""
	// means the name resolves to nothing.
	key  string
	decl bool // the declaration of the name
}

// index holds every occurrence of a load set's model, by file.
type index struct {
	byFile map[string][]occurrence
	byKey  map[string][]occurrence
}

// indexOf builds, once, the analysis's index.
func (a *analysis) index() *index {
	if a.idx == nil {
		a.idx = buildIndex(a.model)
	}
	return a.idx
}

func buildIndex(prog *check.Program) *index {
	ix := &index{byFile: map[string][]occurrence{}, byKey: map[string][]occurrence{}}
	for _, f := range prog.Files {
		if f == nil || f.Src == nil {
			continue
		}
		b := &indexer{ix: ix, prog: prog, file: f.Name}
		b.toks, _ = syntax.Lex(f.Name, f.Src)
		for _, cd := range f.Communities {
			if cd != nil && cd.Name != nil {
				b.community(cd)
			}
		}
	}
	for f, occs := range ix.byFile {
		slices.SortFunc(occs, func(x, y occurrence) int { return x.start - y.start })
		ix.byFile[f] = occs
	}
	return ix
}

// at returns the occurrence at byte offset off of file: the one holding
// it, or ending at it (a cursor just after a name is on the name).
func (ix *index) at(file string, off int) (occurrence, bool) {
	var found occurrence
	ok := false
	for _, o := range ix.byFile[file] {
		if o.start <= off && off < o.end {
			return o, true
		}
		if o.end == off {
			found, ok = o, true
		}
	}
	return found, ok
}

type indexer struct {
	ix   *index
	prog *check.Program
	file string
	toks []syntax.Token
	com  *check.Community // nil when the community did not check as itself
}

func (b *indexer) add(id *syntax.Ident, k kind, name, action string, decl bool) {
	if id == nil {
		return
	}
	b.addAt(id.Pos.Offset, id.EndPos.Offset, k, name, action, decl)
}

func (b *indexer) addAt(start, end int, k kind, name, action string, decl bool) {
	o := occurrence{file: b.file, start: start, end: end, kind: k, name: name, action: action, com: b.com, decl: decl}
	o.key = symbolKey(b.prog, b.com, k, name, action)
	b.ix.byFile[b.file] = append(b.ix.byFile[b.file], o)
	if o.key != "" {
		b.ix.byKey[o.key] = append(b.ix.byKey[o.key], o)
	}
}

// symbolKey names the symbol an occurrence stands for (see occurrence.key).
func symbolKey(prog *check.Program, c *check.Community, k kind, name, action string) string {
	switch k {
	case kCommunity:
		if prog.Community(name) == nil {
			return ""
		}
		return "community:" + name
	case kPiece, kFunc, kAggregate, kBuiltin, kGoalField:
		return k.String() + ":" + name
	}
	if c == nil || !declares(c, k, name, action) {
		return ""
	}
	for c.Parent != nil && declares(c.Parent, k, name, action) {
		c = c.Parent
	}
	return k.String() + ":" + c.Name + ":" + action + "." + name
}

func declares(c *check.Community, k kind, name, action string) bool {
	switch k {
	case kAttr:
		return c.Attr(name) != nil
	case kAction:
		return c.Action(name) != nil
	case kParam:
		a := c.Action(action)
		return a != nil && a.Param(name) != nil
	case kRole:
		return c.Role(name) != nil
	case kBadge:
		return c.Badge(name) != nil
	case kGoal:
		return c.Goal(name) != nil
	case kSetting:
		return c.Setting(name) != nil
	case kLet:
		return letOf(c, name) != nil
	}
	return false
}

// letOf is c's named condition called name, or nil.
func letOf(c *check.Community, name string) *check.LetDef {
	for _, l := range c.Lets {
		if l.Name == name {
			return l
		}
	}
	return nil
}

func (b *indexer) community(cd *syntax.Community) {
	b.com = b.prog.Community(cd.Name.Name)
	if b.com != nil && b.com.Decl != cd {
		b.com = nil // a second community of the name (CH0100)
	}
	b.add(cd.Name, kCommunity, cd.Name.Name, "", true)
	if cd.Extends != nil {
		b.add(cd.Extends, kCommunity, cd.Extends.Name, "", false)
	}
	for _, d := range cd.Decls {
		b.decl(d)
	}
}

func (b *indexer) decl(d syntax.Decl) {
	switch d := d.(type) {
	case *syntax.Use:
		if n := len(d.Path); n > 0 {
			b.add(d.Path[n-1], kPiece, d.Name(), "", false)
		}
	case *syntax.Schema:
		for _, a := range d.Attrs {
			if a == nil {
				continue
			}
			b.add(a.Name, kAttr, identName(a.Name), "", true)
			b.expr(a.Default, nil)
		}
	case *syntax.Action:
		b.add(d.Name, kAction, identName(d.Name), "", true)
		for _, p := range d.Params {
			if p != nil {
				b.add(p.Name, kParam, identName(p.Name), identName(d.Name), true)
			}
		}
	case *syntax.Roles:
		for _, r := range d.Rungs {
			if r == nil {
				continue
			}
			b.add(r.Name, kRole, identName(r.Name), "", true)
			b.expr(r.Cond, nil)
		}
	case *syntax.Badge:
		b.add(d.Name, kBadge, identName(d.Name), "", true)
		b.expr(d.Cond, nil)
	case *syntax.Settings:
		for _, a := range d.Attrs {
			if a == nil {
				continue
			}
			b.add(a.Name, kSetting, identName(a.Name), "", true)
			b.expr(a.Default, nil)
		}
	case *syntax.Let:
		b.add(d.Name, kLet, identName(d.Name), "", true)
		b.expr(d.Cond, nil)
	case *syntax.Admit:
		b.expr(d.Cond, nil)
	case *syntax.May:
		b.actions(d.Actions...)
		b.expr(d.Cond, d.Actions)
		b.text(d.Because)
	case *syntax.MustNot:
		b.actions(d.Actions...)
		b.expr(d.Cond, d.Actions)
		b.text(d.Because)
	case *syntax.First:
		b.actions(d.Before, d.Then)
		b.expr(d.Cond, []*syntax.Ident{d.Then})
		b.text(d.Because)
	case *syntax.Limit:
		b.actions(d.Action)
		b.expr(d.Cond, []*syntax.Ident{d.Action})
		b.text(d.Because)
	case *syntax.Duty:
		b.actions(d.Action)
		b.expr(d.Cond, nil)
		b.text(d.Because)
	case *syntax.Effect:
		b.actions(d.Action)
		act := identName(d.Action)
		for _, x := range d.Assigns {
			if x == nil {
				continue
			}
			if x.Field != nil {
				b.add(x.Target, kParam, identName(x.Target), act, false)
				b.add(x.Field, kAttr, identName(x.Field), "", false)
			} else {
				b.add(x.Target, kAttr, identName(x.Target), "", false)
			}
			b.expr(x.Value, []*syntax.Ident{d.Action})
		}
	case *syntax.Goal:
		b.add(d.Name, kGoal, identName(d.Name), "", true)
		for _, it := range d.Items {
			if it != nil {
				b.expr(it.Measure, nil)
				b.expr(it.Target, nil)
			}
		}
	case *syntax.When:
		b.expr(d.Cond, nil)
		for _, w := range d.Decls {
			b.decl(w)
		}
	case *syntax.Nudge:
		b.target(d.To)
		b.text(d.Text)
	case *syntax.Offer:
		b.target(d.To)
		b.text(d.Text)
	case *syntax.Test:
		for _, s := range d.Steps {
			b.step(s)
		}
	}
}

func identName(id *syntax.Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}

func (b *indexer) actions(ids ...*syntax.Ident) {
	for _, id := range ids {
		b.add(id, kAction, identName(id), "", false)
	}
}

// placeholder is {NAME.FIELD} in a text; FIELD is checked to be a goal's.
var placeholder = regexp.MustCompile(`\{([\p{L}_][\p{L}\p{N}_]*)\.([\p{L}_][\p{L}\p{N}_]*)\}`)

// text indexes the goals a nudge, offer or because text shows as
// {g.target} (SPEC §6.17). The literal's raw text is the source's, so an
// index in it is an offset from the literal's start.
func (b *indexer) text(lit *syntax.StringLit) {
	if lit == nil {
		return
	}
	for _, m := range placeholder.FindAllStringSubmatchIndex(lit.Raw, -1) {
		field := lit.Raw[m[4]:m[5]]
		if _, ok := goalFields[field]; !ok {
			continue
		}
		off := lit.Pos.Offset
		b.addAt(off+m[2], off+m[3], kGoal, lit.Raw[m[2]:m[3]], "", false)
		b.addAt(off+m[4], off+m[5], kGoalField, field, "", false)
	}
}

// target is a nudge's or offer's role or badge.
func (b *indexer) target(id *syntax.Ident) {
	if id == nil {
		return
	}
	k := kRole
	if b.com != nil && b.com.Badge(id.Name) != nil {
		k = kBadge
	}
	b.add(id, k, id.Name, "", false)
}

func (b *indexer) step(s syntax.Step) {
	switch s := s.(type) {
	case *syntax.Given:
		b.fields(s.Fields)
	case *syntax.GivenMembers:
		b.fields(s.Fields)
	case *syntax.Do:
		b.call(s.Call)
	case *syntax.Expect:
		switch e := s.Body.(type) {
		case *syntax.ExpectDecision:
			b.call(e.Call)
		case *syntax.ExpectRole:
			b.add(e.Role, kRole, identName(e.Role), "", false)
		case *syntax.ExpectBadge:
			b.add(e.Badge, kBadge, identName(e.Badge), "", false)
		case *syntax.ExpectDuty:
			b.actions(e.Action)
		case *syntax.ExpectGoal:
			b.add(e.Goal, kGoal, identName(e.Goal), "", false)
		case *syntax.ExpectThat:
			b.expr(e.Cond, nil)
		}
	}
}

func (b *indexer) fields(fs []*syntax.Field) {
	for _, f := range fs {
		if f != nil {
			b.add(f.Name, kAttr, identName(f.Name), "", false)
		}
	}
}

func (b *indexer) call(c *syntax.Call) {
	if c == nil {
		return
	}
	b.actions(c.Action)
	for _, f := range c.Args {
		if f != nil {
			b.add(f.Name, kParam, identName(f.Name), identName(c.Action), false)
		}
	}
}

var aggregates = map[string]string{
	"count": "int: the members for whom the condition holds",
	"share": "float: count(c) / members",
	"sum":   "float: the sum over the members",
	"avg":   "float: the mean over the members",
	"min":   "float: the least value over the members",
	"max":   "float: the greatest value over the members",
}

var goalFields = map[string]string{
	"value":    "float: the measure's value over the members",
	"target":   "float: the value of the goal's target",
	"met":      "bool: whether the target comparison holds",
	"progress": "float: how far the value has come towards the target, from 0 to 1",
}

// expr indexes the names an expression reads. It works on the tokens, not
// on expr-lang's tree, so that an expression with a syntax error (a
// half-typed one) still has its names. ctx lists the actions whose
// parameters the expression sees.
func (b *indexer) expr(e *syntax.Expr, ctx []*syntax.Ident) {
	if e == nil {
		return
	}
	lo, _ := slices.BinarySearchFunc(b.toks, e.Pos.Offset, func(t syntax.Token, off int) int { return t.Pos.Offset - off })
	var prev []syntax.Token // the tokens before, in the expression
	for i := lo; i < len(b.toks) && b.toks[i].Pos.Offset < e.EndPos.Offset; i++ {
		t := b.toks[i]
		if t.Type == syntax.TokSpace || t.Type == syntax.TokComment {
			continue
		}
		if t.Type == syntax.TokIdent {
			b.name(t, prev, i, ctx)
		}
		prev = append(prev, t)
	}
}

func (b *indexer) name(t syntax.Token, prev []syntax.Token, i int, ctx []*syntax.Ident) {
	start, end := t.Pos.Offset, t.Pos.Offset+len(t.Value)
	n := t.Value
	// x.y: y is a goal's field, or the attribute of a member parameter.
	if k := len(prev); k >= 2 && prev[k-1].Type == syntax.TokPunct && (prev[k-1].Value == "." || prev[k-1].Value == "?.") && prev[k-2].Type == syntax.TokIdent {
		base := prev[k-2].Value
		switch {
		case b.com != nil && b.com.Goal(base) != nil:
			if _, ok := goalFields[n]; ok {
				b.addAt(start, end, kGoalField, n, "", false)
			}
		case b.paramOf(base, ctx) != "":
			b.addAt(start, end, kAttr, n, "", false)
		}
		return
	}
	call := b.nextIs(i, "(")
	switch c := b.com; {
	case call && aggregates[n] != "":
		b.addAt(start, end, kAggregate, n, "", false)
	case call && (n == "taken" || n == "has"):
		b.addAt(start, end, kBuiltin, n, "", false)
	case call:
		if _, ok := stdlib.Lookup(n); ok {
			b.addAt(start, end, kFunc, n, "", false)
		}
	case n == "role" || n == "members":
		b.addAt(start, end, kBuiltin, n, "", false)
	case c == nil:
	case c.Attr(n) != nil:
		b.addAt(start, end, kAttr, n, "", false)
	case c.Role(n) != nil:
		b.addAt(start, end, kRole, n, "", false)
	case c.Badge(n) != nil:
		b.addAt(start, end, kBadge, n, "", false)
	case c.Setting(n) != nil:
		b.addAt(start, end, kSetting, n, "", false)
	case letOf(c, n) != nil:
		b.addAt(start, end, kLet, n, "", false)
	case c.Goal(n) != nil:
		b.addAt(start, end, kGoal, n, "", false)
	default:
		if act := b.paramOf(n, ctx); act != "" {
			b.addAt(start, end, kParam, n, act, false)
		}
	}
}

// paramOf returns the first action of ctx with a parameter called name.
func (b *indexer) paramOf(name string, ctx []*syntax.Ident) string {
	if b.com == nil {
		return ""
	}
	for _, id := range ctx {
		if a := b.com.Action(identName(id)); a != nil && a.Param(name) != nil {
			return a.Name
		}
	}
	return ""
}

func (b *indexer) nextIs(i int, punct string) bool {
	for j := i + 1; j < len(b.toks); j++ {
		switch t := b.toks[j]; t.Type {
		case syntax.TokSpace, syntax.TokComment:
			continue
		case syntax.TokPunct:
			return t.Value == punct
		default:
			return false
		}
	}
	return false
}

// definition returns the identifier that declares what o names, as the
// community it is read in sees it: an inherited name's is in the parent,
// a piece's in the piece. nil for names declared nowhere in source.
func definition(prog *check.Program, o occurrence) *syntax.Ident {
	c := o.com
	if o.kind == kCommunity {
		if d := prog.Community(o.name); d != nil && d.Decl != nil {
			return d.Decl.Name
		}
		return nil
	}
	if c == nil {
		return nil
	}
	switch o.kind {
	case kAttr:
		if a := c.Attr(o.name); a != nil && a.Decl != nil {
			return a.Decl.Name
		}
	case kAction:
		if a := c.Action(o.name); a != nil && a.Decl != nil {
			return a.Decl.Name
		}
	case kParam:
		if a := c.Action(o.action); a != nil && a.Decl != nil {
			for _, p := range a.Decl.Params {
				if p != nil && identName(p.Name) == o.name {
					return p.Name
				}
			}
		}
	case kRole:
		if r := c.Role(o.name); r != nil && r.Decl != nil {
			return r.Decl.Name
		}
	case kBadge:
		if x := c.Badge(o.name); x != nil && x.Decl != nil {
			return x.Decl.Name
		}
	case kGoal:
		if g := c.Goal(o.name); g != nil && g.Decl != nil {
			return g.Decl.Name
		}
	case kSetting:
		if st := c.Setting(o.name); st != nil && st.Decl != nil {
			return st.Decl.Name
		}
	case kLet:
		if l := letOf(c, o.name); l != nil && l.Decl != nil {
			return l.Decl.Name
		}
	}
	return nil
}

// isPiece reports whether a position is in a standard piece rather than
// a file of the load set.
func isPiece(filename string) bool { return strings.HasPrefix(filename, "std/") }
