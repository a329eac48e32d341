// Package check resolves and type-checks a load set of parsed Charter files.
//
//	prog, ds := check.Check(files, check.WithFunctions(stdlib.Names(), stdlib.ExprOptions()...))
//	if ds.HasErrors() {
//		return nil, ds
//	}
//	return prog.Community("FanClub"), nil
//
// ExampleCheck shows it whole; lang.Load does the same from file paths,
// with the standard pieces declared too.
//
// Expressions are type-checked by expr-lang's checker against a strict
// environment built from the community's declarations for each context
// (role conditions, rule conditions, measures, ...); SPEC.md "Scoping"
// lists what each context sees.
package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/conf"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// Limits on a load set, documented in SPEC.md.
const (
	MaxDecls = 10000 // declarations in one load set, counting those inside when blocks
	MaxTests = 1000  // test blocks in one load set
	// MaxTotalDecls bounds the declarations of every community of a load
	// set counted with the ones it inherits, each attribute and rung as
	// one: a chain or star of children multiplies what a parent declares,
	// and each community is built, checked and compiled whole.
	MaxTotalDecls = 1000000
)

// Option configures Check.
type Option func(*Config)

// Config is what Options set; it is opaque outside this package.
type Config struct {
	funcs     []expr.Option
	funcNames []string
	funcSigs  func(name string) []string
	pieces    func(name string) (*syntax.File, bool)
}

// WithPieces makes `use std.NAME` find the standard piece NAME: pieces
// returns the parsed file that declares community NAME.
func WithPieces(pieces func(name string) (*syntax.File, bool)) Option {
	return func(c *Config) { c.pieces = pieces }
}

// WithFunctions declares the functions expressions may call (the stdlib).
// names lists them, for reserved-name checks and suggestions.
func WithFunctions(names []string, opts ...expr.Option) Option {
	return func(c *Config) {
		c.funcs = append(c.funcs, opts...)
		c.funcNames = append(c.funcNames, names...)
	}
}

// WithSignatures gives the signatures of the functions WithFunctions
// declares, as SPEC §16 writes them ("days_since(t time) int"), so that a
// call with an argument of the wrong type can say what the function takes.
func WithSignatures(sigs func(name string) []string) Option {
	return func(c *Config) { c.funcSigs = sigs }
}

// Check resolves extends, merges inherited declarations, type-checks every
// expression and runs the lint checks. It reports every finding; the
// Program is usable only when the list has no errors.
func Check(files []*syntax.File, opts ...Option) (*Program, diag.List) {
	c := &checker{prog: &Program{Files: files, byName: map[string]*Community{}}}
	for _, o := range opts {
		o(&c.cfg)
	}
	c.run()
	c.diags.Sort()
	return c.prog, c.diags
}

type checker struct {
	cfg Config
	// base and measureBase are the expr-lang configurations expressions are
	// checked with, built on first use (see builder.exprConfig).
	base, measureBase *conf.Config
	prog              *Program
	diags             diag.List
	decls             map[string]*syntax.Community
	done              map[string]bool
	// pieces are the standard pieces checked so far, by name (nil: failed).
	pieces map[string]*Community
	// suggestWork counts the candidates did-you-mean searches looked at.
	suggestWork int
	// children counts the communities extending each one still to check.
	children map[string]int
	// reads caches the names each expression reads (readNames).
	reads map[*syntax.Expr][]string
	// callable is funcNames with taken (§7.6) and has (§7.7), made once
	// per Check.
	callable []string
	// hasWarned marks the has calls CH0209 was reported at, so that an
	// expression checked again (a child's inherited rule) warns once.
	hasWarned map[diag.Range]bool
}

func (c *checker) errorf(code diag.Code, r diag.Range, format string, args ...any) *diag.Diagnostic {
	return c.diags.Add(diag.Error, code, r, format, args...)
}

func (c *checker) infof(code diag.Code, r diag.Range, format string, args ...any) *diag.Diagnostic {
	return c.diags.Add(diag.Info, code, r, format, args...)
}

func (c *checker) warnf(code diag.Code, r diag.Range, format string, args ...any) *diag.Diagnostic {
	return c.diags.Add(diag.Warning, code, r, format, args...)
}

func (c *checker) run() {
	c.decls = map[string]*syntax.Community{}
	c.done = map[string]bool{}
	var order []*syntax.Community
	ndecls, ntests := 0, 0
	for _, f := range c.prog.Files {
		for _, cd := range f.Communities {
			if cd == nil || cd.Name == nil {
				continue
			}
			ndecls += len(cd.Decls)
			for _, d := range cd.Decls {
				switch d := d.(type) {
				case *syntax.Test:
					ntests++
				case *syntax.When:
					ndecls += len(d.Decls)
				}
			}
			if prev, ok := c.decls[cd.Name.Name]; ok {
				c.errorf(diag.DupCommunity, cd.Name.Range(), "community %s is already declared at %s", cd.Name.Name, prev.Name.Pos)
				continue
			}
			c.decls[cd.Name.Name] = cd
			order = append(order, cd)
		}
	}
	if ndecls > MaxDecls {
		c.errorf(diag.LimitDecls, c.prog.Files[0].Range(), "load set has %d declarations; the limit is %d", ndecls, MaxDecls)
		return
	}
	if ntests > MaxTests {
		c.errorf(diag.LimitTests, c.prog.Files[0].Range(), "load set has %d tests; the limit is %d", ntests, MaxTests)
		return
	}
	if total := c.totalDecls(order); total > MaxTotalDecls {
		c.errorf(diag.LimitTotal, c.prog.Files[0].Range(), "load set has %d declarations counting inherited ones; the limit is %d", total, MaxTotalDecls)
		return
	}
	for _, f := range c.prog.Files {
		c.testWork(f)
	}
	c.children = map[string]int{}
	for _, cd := range order {
		if cd.Extends != nil {
			c.children[cd.Extends.Name]++
		}
	}
	for _, cd := range order {
		c.community(cd, nil)
	}
	for _, com := range c.prog.byName {
		com.envs = nil // what remains of them is garbage once every child is checked
	}
	for _, cd := range order {
		if com := c.prog.byName[cd.Name.Name]; com != nil {
			c.prog.Communities = append(c.prog.Communities, com)
		}
	}
	c.unusedAttrs()
}

// totalDecls counts the declarations of every community with those it
// inherits (MaxTotalDecls). Overrides are counted twice, so the count
// bounds what the checker builds.
func (c *checker) totalDecls(order []*syntax.Community) int {
	merged := map[*syntax.Community]int{}
	var count func(cd *syntax.Community) int
	count = func(cd *syntax.Community) int {
		if n, ok := merged[cd]; ok {
			return n
		}
		merged[cd] = 0 // in a cycle, which is reported when it is checked
		n := 0
		for _, d := range cd.Decls {
			switch d := d.(type) {
			case *syntax.Schema:
				n += max(len(d.Attrs), 1)
			case *syntax.Roles:
				n += max(len(d.Rungs), 1)
			case *syntax.When:
				n += 1 + len(d.Decls)
			case *syntax.Test:
			default:
				n++
			}
		}
		if cd.Extends != nil {
			if pd, ok := c.decls[cd.Extends.Name]; ok {
				n += count(pd)
			}
		}
		merged[cd] = n
		return n
	}
	total := 0
	for _, cd := range order {
		total += count(cd)
	}
	return total
}

// community checks cd after its parent; stack detects extends cycles.
func (c *checker) community(cd *syntax.Community, stack []string) *Community {
	name := cd.Name.Name
	if com, ok := c.prog.byName[name]; ok {
		return com
	}
	if c.done[name] {
		return nil // failed before
	}
	for i, s := range stack {
		if s == name {
			cycle := append(append([]string{}, stack[i:]...), name)
			c.errorf(diag.ExtendsCycle, cd.Extends.Range(), "communities extend each other in a cycle: %s", strings.Join(cycle, " -> "))
			return nil
		}
	}
	var parent *Community
	if cd.Extends != nil {
		pd, ok := c.decls[cd.Extends.Name]
		if !ok {
			d := c.errorf(diag.UnknownParent, cd.Extends.Range(), "community %s extends %s, which is not declared", name, cd.Extends.Name)
			d.Suggestion = suggestKey(c, cd.Extends.Name, c.decls)
			if file := cd.Pos.Filename; d.Suggestion == "" && strings.HasSuffix(file, "_test.charter") {
				// charter test x_test.charter alone: the community under
				// test is in x.charter, which a load set reads only if given.
				d.Suggestion = fmt.Sprintf("if %s is declared in %s beside this test file, give both files or their directory: a load set holds only the files given",
					cd.Extends.Name, filepath.Base(strings.TrimSuffix(file, "_test.charter")+".charter"))
			}
			// Checked without its parent, every name the community takes from
			// it would be one more error: the one above says what to fix.
			c.done[name] = true
			return nil
		}
		parent = c.community(pd, append(stack, name))
		if parent == nil {
			c.done[name] = true
			return nil
		}
	}
	c.done[name] = true
	com := newCommunity(cd, parent)
	for _, d := range cd.Decls {
		if u, ok := d.(*syntax.Use); ok {
			if p := c.piece(u); p != nil {
				c.mixin(com, p, u)
			}
		}
	}
	b := &builder{checker: c, com: com}
	b.build()
	c.prog.byName[name] = com
	if parent != nil {
		// The parent's environments serve only to check its children:
		// drop them after the last, so that a chain holds two at a time.
		if c.children[parent.Name]--; c.children[parent.Name] == 0 {
			parent.envs = nil
		}
	}
	return com
}

// piece returns the checked standard piece u names, checking it on first use.
func (c *checker) piece(u *syntax.Use) *Community {
	name := u.Name()
	if len(u.Path) != 2 || u.Path[0].Name != "std" {
		c.errorf(diag.UnknownName, u.Range(), "use names a standard piece as std.NAME, not %s", name)
		return nil
	}
	short := u.Path[1].Name
	if p, ok := c.pieces[short]; ok {
		return p
	}
	if c.pieces == nil {
		c.pieces = map[string]*Community{}
	}
	c.pieces[short] = nil
	var f *syntax.File
	if c.cfg.pieces != nil {
		f, _ = c.cfg.pieces(short)
	}
	if f == nil || len(f.Communities) != 1 || f.Communities[0].Name.Name != short {
		d := c.errorf(diag.UnknownName, u.Path[1].Range(), "unknown standard piece std.%s", short)
		d.Suggestion = c.suggest(short, c.pieceNames())
		return nil
	}
	sub := &checker{cfg: c.cfg, prog: &Program{Files: []*syntax.File{f}, byName: map[string]*Community{}}}
	sub.run()
	if sub.diags.HasErrors() {
		c.errorf(diag.UnknownName, u.Range(), "standard piece std.%s does not check: %v", short, sub.diags.Errors()[0])
		return nil
	}
	p := sub.prog.byName[short]
	c.pieces[short] = p
	return p
}

func (c *checker) pieceNames() []string {
	var out []string
	for _, n := range []string{"dunbar", "dunbar_close", "kinds", "paid", "exchange"} {
		if c.cfg.pieces != nil {
			if _, ok := c.cfg.pieces(n); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

// mixin adds what piece p declares to com, before com's own declarations
// (which override it by name). Names com already has from its parent or an
// earlier piece keep their first declaration; a clash of types is an error.
func (c *checker) mixin(com *Community, p *Community, u *syntax.Use) {
	from := "std." + p.Name
	if com.origins == nil {
		com.origins = map[string]string{}
	}
	origin := func(key string) {
		if _, ok := com.origins[key]; !ok {
			com.origins[key] = from
		}
	}
	for _, a := range p.Attrs {
		if prev := com.attrByName[a.Name]; prev != nil {
			if prev.Type != a.Type {
				c.errorf(diag.Duplicate, u.Range(), "std.%s declares attribute %s as %s, but it is already %s", p.Name, a.Name, a.Type, prev.Type)
			}
			continue
		}
		cp := *a
		cp.Slot = len(com.Attrs)
		com.Attrs = append(com.Attrs, &cp)
		com.attrByName[a.Name] = &cp
		origin("attr:" + a.Name)
	}
	actions := map[*Action]*Action{}
	for _, a := range p.Actions {
		if prev := com.actionByName[a.Name]; prev != nil {
			if paramList(prev) != paramList(a) {
				c.errorf(diag.Duplicate, u.Range(), "std.%s declares action %s(%s), but it is already %s(%s)", p.Name, a.Name, paramList(a), a.Name, paramList(prev))
			}
			actions[a] = prev
			continue
		}
		cp := *a
		cp.Index = len(com.Actions)
		com.Actions = append(com.Actions, &cp)
		com.actionByName[a.Name] = &cp
		actions[a] = &cp
		origin("action:" + a.Name)
	}
	if len(p.Roles) > 0 {
		if len(com.Roles) > 0 {
			c.errorf(diag.Duplicate, u.Range(), "std.%s brings a roles ladder, but the community already has one", p.Name)
		} else {
			com.Roles = append(com.Roles, p.Roles...)
			origin("roles")
		}
	}
	for _, bd := range p.Badges {
		if com.Badge(bd.Name) == nil {
			com.Badges = append(com.Badges, bd)
			origin("badge:" + bd.Name)
		}
	}
	for _, r := range p.Rules {
		nr := *r
		nr.Actions = nil
		for _, a := range r.Actions {
			nr.Actions = append(nr.Actions, actions[a])
		}
		if r.Before != nil {
			nr.Before = actions[r.Before]
		}
		com.Rules = append(com.Rules, &nr)
	}
	for _, e := range p.Effects {
		ne := *e
		ne.Action = actions[e.Action]
		replaced := false
		for i, prev := range com.Effects {
			if prev.Action == ne.Action {
				com.Effects[i], replaced = &ne, true
			}
		}
		if !replaced {
			com.Effects = append(com.Effects, &ne)
		}
		origin("effect:" + ne.Action.Name)
	}
	for _, g := range p.Goals {
		if com.Goal(g.Name) != nil {
			continue
		}
		cp := *g
		cp.Index = len(com.Goals)
		com.Goals = append(com.Goals, &cp)
		origin("goal:" + g.Name)
	}
	com.Messages = append(com.Messages, p.Messages...)
}

func paramList(a *Action) string {
	parts := make([]string, len(a.Params))
	for i, p := range a.Params {
		parts[i] = p.Name + ": " + p.Type.String()
	}
	return strings.Join(parts, ", ")
}

func newCommunity(cd *syntax.Community, parent *Community) *Community {
	com := &Community{Name: cd.Name.Name, Decl: cd, Parent: parent, Zone: time.UTC,
		attrByName: map[string]*Attr{}, actionByName: map[string]*Action{}}
	if parent == nil {
		return com
	}
	com.DefaultAllow = parent.DefaultAllow
	com.Zone = parent.Zone
	com.Purpose = parent.Purpose
	// Sized and allocated at once: a child of a wide schema copies tens of
	// thousands of attributes, and growing the map to fit cost more than
	// the copy.
	com.attrByName = make(map[string]*Attr, len(parent.Attrs))
	com.Attrs = make([]*Attr, len(parent.Attrs))
	cps := make([]Attr, len(parent.Attrs))
	for i, a := range parent.Attrs {
		cps[i] = *a
		com.Attrs[i] = &cps[i]
		com.attrByName[a.Name] = &cps[i]
	}
	for _, a := range parent.Actions {
		com.Actions = append(com.Actions, a)
		com.actionByName[a.Name] = a
	}
	com.Roles = append(com.Roles, parent.Roles...)
	com.Badges = append(com.Badges, parent.Badges...)
	com.Lets = append(com.Lets, parent.Lets...)
	for _, st := range parent.Settings {
		cp := *st
		com.Settings = append(com.Settings, &cp)
	}
	com.Rules = append(com.Rules, parent.Rules...)
	com.Effects = append(com.Effects, parent.Effects...)
	for _, g := range parent.Goals {
		cp := *g
		com.Goals = append(com.Goals, &cp)
	}
	com.Messages = append(com.Messages, parent.Messages...)
	return com
}

// maxSuggestWork bounds the candidate names the did-you-mean searches of
// one Check look at, all searches together. A search compares the unknown
// name with every name in scope, so a file with tens of thousands of names
// and as many near-miss errors made checking quadratic (issue 16: four
// minutes); past the bound, errors come without a suggestion. A file of
// ordinary size never reaches it.
const maxSuggestWork = 1 << 20

// suggest returns "did you mean X?" for the closest of names, or "": the
// first of the closest in the order given.
func (c *checker) suggest(name string, names []string) string {
	m, ok := c.matcher(name, len(names))
	if !ok {
		return ""
	}
	for _, n := range names {
		m.consider(n, false)
	}
	return m.result()
}

// suggestKey is suggest over the keys of a map: the alphabetically first of
// the closest, as if they were sorted, without sorting them.
func suggestKey[V any](c *checker, name string, names map[string]V) string {
	m, ok := c.matcher(name, len(names))
	if !ok {
		return ""
	}
	for n := range names {
		m.consider(n, true)
	}
	return m.result()
}

// matcher finds the closest name to one unknown name, case aside: at most
// 1 edit apart for names of up to four letters, 2 for longer ones, and
// fewer edits than the name has letters.
type matcher struct {
	name, lower string
	best        string
	bestD       int
	// sealed ends the tie-breaking by name: candidates considered after
	// the current best came from a later list, which loses ties.
	sealed bool
}

// matcher starts a search over n candidates, or reports that the work
// bound is spent.
func (c *checker) matcher(name string, n int) (*matcher, bool) {
	if len(name) > 64 {
		return nil, false // no one means a name that long; and distance is quadratic
	}
	c.suggestWork += n
	if c.suggestWork > maxSuggestWork {
		return nil, false
	}
	// A suggestion must be plausibly right: one edit for a name of up to
	// four letters, two for a longer one, and never every letter (no "did
	// you mean now?" for bob, or g for to).
	runes := utf8.RuneCountInString(name)
	maxD := 1
	if runes > 4 {
		maxD = 2
	}
	maxD = min(maxD, runes-1)
	return &matcher{name: name, lower: strings.ToLower(name), bestD: maxD + 1}, true
}

// consider weighs candidate n; byName breaks a tie in favour of the
// alphabetically first, otherwise the first considered keeps it.
func (m *matcher) consider(n string, byName bool) {
	if n == m.name || strings.HasPrefix(n, "$") || abs(len(n)-len(m.name)) > 3 {
		return // a length difference over 3 means a distance over 3
	}
	d := Distance(m.lower, strings.ToLower(n))
	if d < m.bestD || d == m.bestD && byName && !m.sealed && n < m.best {
		m.best, m.bestD = n, d
	}
}

// seal makes the candidates considered from now on lose ties.
func (m *matcher) seal() { m.sealed = true }

func (m *matcher) result() string {
	if m.best == "" {
		return ""
	}
	return "did you mean " + m.best + "?"
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Distance is the Levenshtein distance between a and b, in runes; the
// did-you-mean suggestions of the checker and the evaluator use it.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func durationOf(d *syntax.DurationLit) (time.Duration, error) {
	v, err := d.Value()
	return time.Duration(v), err
}

func ruleLabel(kind string, what string, pos fmt.Stringer) string {
	return fmt.Sprintf("%s %s (%s)", kind, what, pos)
}
