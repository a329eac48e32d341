// Package check resolves and type-checks a load set of parsed Charter files.
//
//	prog, ds := check.Check(files, check.WithFunctions(stdlib.ExprOptions()...))
//	if ds.HasErrors() { ... }
//	club := prog.Community("FanClub")
//
// Expressions are type-checked by expr-lang's checker against a strict
// environment built from the community's declarations for each context
// (role conditions, rule conditions, measures, ...); SPEC.md "Scoping"
// lists what each context sees.
package check

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/conf"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// Limits on a load set, documented in SPEC.md.
const (
	MaxDecls = 10000 // declarations in one load set, counting those inside when blocks
	MaxTests = 1000  // test blocks in one load set
)

// RoleValue is the value of `role` and of role constants in expressions: the
// role's rank, so that comparisons follow the ladder. Expressions see it as
// an int (expr-lang compares named integer types only with themselves).
type RoleValue = int

// Option configures Check.
type Option func(*config)

type config struct {
	funcs     []expr.Option
	funcNames []string
}

// WithFunctions declares the functions expressions may call (the stdlib).
// names lists them, for reserved-name checks and suggestions.
func WithFunctions(names []string, opts ...expr.Option) Option {
	return func(c *config) {
		c.funcs = append(c.funcs, opts...)
		c.funcNames = append(c.funcNames, names...)
	}
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
	cfg config
	// base and measureBase are the expr-lang configurations expressions are
	// checked with, built on first use (see builder.exprConfig).
	base, measureBase *conf.Config
	prog              *Program
	diags             diag.List
	decls             map[string]*syntax.Community
	done              map[string]bool
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
	for _, cd := range order {
		c.community(cd, nil)
	}
	for _, cd := range order {
		if com := c.prog.byName[cd.Name.Name]; com != nil {
			c.prog.Communities = append(c.prog.Communities, com)
		}
	}
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
			d.Suggestion = suggest(cd.Extends.Name, keys(c.decls))
		} else {
			parent = c.community(pd, append(stack, name))
			if parent == nil {
				c.done[name] = true
				return nil
			}
		}
	}
	c.done[name] = true
	com := newCommunity(cd, parent)
	b := &builder{checker: c, com: com}
	b.build()
	c.prog.byName[name] = com
	return com
}

func newCommunity(cd *syntax.Community, parent *Community) *Community {
	com := &Community{Name: cd.Name.Name, Decl: cd, Parent: parent,
		attrByName: map[string]*Attr{}, actionByName: map[string]*Action{}}
	if parent == nil {
		return com
	}
	com.DefaultAllow = parent.DefaultAllow
	com.Purpose = parent.Purpose
	for _, a := range parent.Attrs {
		cp := *a
		com.Attrs = append(com.Attrs, &cp)
		com.attrByName[a.Name] = &cp
	}
	for _, a := range parent.Actions {
		com.Actions = append(com.Actions, a)
		com.actionByName[a.Name] = a
	}
	com.Roles = append(com.Roles, parent.Roles...)
	com.Badges = append(com.Badges, parent.Badges...)
	com.Rules = append(com.Rules, parent.Rules...)
	com.Effects = append(com.Effects, parent.Effects...)
	for _, g := range parent.Goals {
		cp := *g
		com.Goals = append(com.Goals, &cp)
	}
	com.Messages = append(com.Messages, parent.Messages...)
	return com
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggest returns "did you mean X?" for the closest of names, or "".
func suggest(name string, names []string) string {
	best, bestD := "", len(name)/2+1
	if bestD > 3 {
		bestD = 3
	}
	for _, n := range names {
		if n == name || strings.HasPrefix(n, "$") {
			continue
		}
		if d := distance(strings.ToLower(name), strings.ToLower(n)); d < bestD || d == bestD && best == "" && d <= 2 {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return "did you mean " + best + "?"
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
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
