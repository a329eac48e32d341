// Package gen compiles a checked Charter community ahead of time into a
// standalone Go package: a Member struct with one typed field per
// attribute and the history the rules read, the role ladder, the badges,
// and one decision method per action, in straight-line Go that imports
// only the standard library and does not allocate.
//
//	src, err := gen.Generate(ls.Program, "FanClub", gen.Options{Package: "fanclub"})
//
// The generated code answers exactly as the runtime does (runtime.Community
// Role, Badges and DecideCall): runtime/eval compiles each expression
// first and decides its types, its folded constants, its errors and the
// lowered form of each operator and call (eval.CompileTyped), the
// generator writing the Go of the form eval's closure runs; and the
// decision algorithm is
// runtime/decide.go's. The differential tests hold
// the committed packages under internal/, generated from testdata/ to
// cover every construct the generator emits, and the bench workload's
// (bench/workloadgen), against the runtime on random members; every
// example community is generated and type-checked. go test -update
// rewrites the committed packages. The fixed Go of every generated package
// (the history, Decision, the helpers expressions call) is internal/prelude,
// compiled and tested there and copied by name; the generator writes only
// what differs per community. What needs live state is not generated:
// effects, goal measures, messages, duties and admit rules stay with the
// runtime. SPEC.md §17.7 documents the generated API.
package gen

import (
	"fmt"
	"go/format"
	"go/scanner"
	"go/token"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

// Options configure Generate.
type Options struct {
	// Package is the Go package name of the generated file; it must be a
	// Go identifier.
	Package string
	// Settings are values of the community's settings (SPEC §6.4.1) in
	// place of their defaults, converted as runtime.Community.WithSettings
	// converts them: the generated code holds each setting as a constant.
	Settings map[string]any
}

// Generate returns the gofmt-ed Go source of a package deciding for the
// community called community of prog, which must have checked without
// errors. An error about the rule files is a diag.Diagnostic placed at
// the construct charter gen cannot generate.
func Generate(prog *check.Program, community string, opts Options) ([]byte, error) {
	if !token.IsIdentifier(opts.Package) || opts.Package == "_" {
		return nil, fmt.Errorf("package name %q is not a Go identifier", opts.Package)
	}
	c := prog.Community(community)
	if c == nil {
		var known []string
		for _, cc := range prog.Communities {
			known = append(known, cc.Name)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("unknown community %q; the files declare %s", community, strings.Join(known, ", "))
	}
	if len(opts.Settings) > 0 {
		set := make(map[string]any, len(opts.Settings))
		for _, name := range slices.Sorted(maps.Keys(opts.Settings)) {
			st := c.Setting(name)
			if st == nil {
				return nil, fmt.Errorf("community %s has no setting %s", c.Name, name)
			}
			v, err := eval.ConvertSetting(name, st.Type, opts.Settings[name])
			if err != nil {
				return nil, err
			}
			set[name] = v
		}
		opts.Settings = set
	}
	nm, err := newNames(c)
	if err != nil {
		return nil, err
	}
	g := newGenerator(prog, c, opts, nm)
	if err := g.generate(); err != nil {
		return nil, err
	}
	if err := g.givenNames(); err != nil {
		return nil, err
	}
	src := g.assemble()
	if g.internal != nil {
		return nil, g.internal
	}
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("internal error: the generated code does not parse: %v\n%s", err, src)
	}
	return out, nil
}

// newGenerator returns a generator of community c, its maps made and the
// imports every generated package has noted.
func newGenerator(prog *check.Program, c *check.Community, opts Options, nm *names) *generator {
	return &generator{
		prog: prog, c: c, opts: opts, names: nm,
		values:  map[*expr]any{},
		given:   map[int]bool{},
		imports: map[string]bool{"math": true, "math/bits": true, "strconv": true, "time": true},
		needs:   map[string]bool{},
		lists:   map[string]string{},
		regexps: map[string]string{},
	}
}

type generator struct {
	prog  *check.Program
	c     *check.Community
	opts  Options
	names *names

	// given marks, by attribute index, the attributes some has reads:
	// each gets a Given field (SPEC §17.7).
	given map[int]bool

	values      map[*expr]any // constant values, by literal
	imports     map[string]bool
	needs       map[string]bool // helpers used
	lists       map[string]string
	listOrder   []string
	regexps     map[string]string
	regexpOrder []string

	// compiled parts, written by generate and assembled after
	ladder    strings.Builder
	ladderUse uses
	badges    []string // env methods
	badgeUse  []uses
	decide    strings.Builder
	// inline holds, per action index, the statements of its decision
	// method after the parameters: Decide repeats them in its switch, so
	// that a decision through Decide makes no second call.
	inline []string
	// checks holds, per action index, the statements of Check's case.
	checks []string
	rules  []ruleInfo
	// deciders holds, per action index, the ids of its deciding rules: the
	// denying ones in order, then the mays. It is emitted as actionRules: a
	// Decision's bit i stands for actionRules[d.Action][i].
	deciders [][]int
	keep     []int
	firsts   []bool // per action: a first rule names it, so its earliest time is kept

	// internal is an error of the generator itself, reported by Generate.
	internal error
}

// ruleInfo is one rule compiled for one action, as the runtime compiles it.
type ruleInfo struct {
	def      *check.Rule
	action   *check.Action
	reason   string
	sanction *check.Sanction
}

func (g *generator) need(helper string) { g.needs[helper] = true }

func (g *generator) exprError(src *syntax.Expr, n exprast.Node, msg string) error {
	r := src.Range()
	if n != nil {
		r = src.RangeOf(n)
	}
	return diag.Diagnostic{Severity: diag.Error, Code: diag.ExprError, Range: r, Message: msg}
}

func (g *generator) generate() error {
	if err := g.compileLadder(); err != nil {
		return err
	}
	if err := g.compileBadges(); err != nil {
		return err
	}
	return g.compileActions()
}

// compileLadder writes env.ladder: the rungs top-down, the first whose
// condition holds giving the rank, as eval.Env.computeRole does.
func (g *generator) compileLadder() error {
	if len(g.c.Roles) == 0 {
		return nil
	}
	w := &g.ladder
	if a := g.c.Attr(check.DemotionsAttr); a != nil && a.Type.Kind == check.Int && hasSanction(g.c, "demote") {
		// As eval.Env.computeRole: demotions take rungs off, down to 0,
		// and with a timed demote only before demoted_until.
		cond := "n > 0"
		if u := g.c.Attr(check.DemotedUntilAttr); u != nil && u.Type.Kind == check.Time && timedDemote(g.c) {
			cond = "n > 0 && e.at < nanos(e.m." + g.names.attr[u.Name] + ")"
			g.ladderUse.at = true // the role then reads the time
		}
		fmt.Fprintf(w, "// ladder returns the member's rank: that of the first rung, from the top,\n// whose condition holds, less the member's demotions, down to 0.\nfunc (e *env) ladder() int64 {\nr := e.rung()\nif n := e.m.%s; %s {\nr = max(r-n, 0)\n}\nreturn r\n}\n\n", g.names.attr[a.Name], cond)
		w.WriteString("// rung returns the rank of the first rung, from the top, whose condition\n// holds.\nfunc (e *env) rung() int64 {\n")
	} else {
		w.WriteString("// ladder returns the member's rank: that of the first rung, from the top,\n// whose condition holds.\nfunc (e *env) ladder() int64 {\n")
	}
	done := false
	for _, r := range g.c.Roles {
		if r.Cond == nil {
			fmt.Fprintf(w, "return %d // %s (otherwise)\n", r.Rank, r.Name)
			done = true
			break
		}
		x, u, err := g.compileBool(r.Cond, nil, nil)
		if err != nil {
			return err
		}
		g.ladderUse.add(u)
		if x.konst {
			if !g.constValue(x).(bool) {
				fmt.Fprintf(w, "// %s: %s never holds\n", r.Name, oneLine(r.Cond.Src))
				continue
			}
			fmt.Fprintf(w, "return %d // %s: %s always holds\n", r.Rank, r.Name, oneLine(r.Cond.Src))
			done = true
			break
		}
		fmt.Fprintf(w, "// %s if %s\nif %s {\nreturn %d\n}\n", r.Name, oneLine(r.Cond.Src), unparen(x.code), r.Rank)
	}
	if !done {
		w.WriteString("return 0 // no rung holds\n")
	}
	w.WriteString("}\n\n")
	return nil
}

// timedDemote reports whether a rule of c has a demote with a period.
func timedDemote(c *check.Community) bool {
	for _, r := range c.Rules {
		if r.Else != nil && r.Else.Name == "demote" && r.Else.For > 0 {
			return true
		}
	}
	return false
}

// hasSanction reports whether a rule of c has the sanction name.
func hasSanction(c *check.Community, name string) bool {
	for _, r := range c.Rules {
		if r.Else != nil && r.Else.Name == name {
			return true
		}
	}
	return false
}

// compileBadges writes one env method per badge, computing it on first
// use, as eval.Env.Badge does.
func (g *generator) compileBadges() error {
	for i, b := range g.c.Badges {
		x, u, err := g.compileBool(b.Cond, nil, nil)
		if err != nil {
			return err
		}
		g.badgeUse = append(g.badgeUse, *u)
		word, bit := i/64, i%64
		var w strings.Builder
		fmt.Fprintf(&w, "%sfunc (e *env) %s() bool {\n", comment(fmt.Sprintf("%s reports whether the member holds badge %s: %s.", g.names.badgeMethod[i], b.Name, oneLine(b.Cond.Src))), g.names.badgeMethod[i])
		fmt.Fprintf(&w, "const bit = 1 << %d\nif e.badgeKnown[%d]&bit == 0 {\ne.badgeKnown[%d] |= bit\n", bit, word, word)
		switch {
		case !x.konst:
			fmt.Fprintf(&w, "if %s {\ne.badgeHeld[%d] |= bit\n}\n", unparen(x.code), word)
		case g.constValue(x).(bool):
			fmt.Fprintf(&w, "e.badgeHeld[%d] |= bit // always holds\n", word)
		}
		fmt.Fprintf(&w, "}\nreturn e.badgeHeld[%d]&bit != 0\n}\n\n", word)
		g.badges = append(g.badges, w.String())
	}
	return nil
}

// needsAt reports whether code with uses u reads the evaluation time,
// directly or through the role or a badge.
func (g *generator) needsAt(u *uses) bool {
	if u.at || u.role && g.ladderUse.at {
		return true
	}
	for i := range u.badges {
		if g.badgeUse[i].at || g.badgeUse[i].role && g.ladderUse.at {
			return true
		}
	}
	return false
}

// actionRules holds the rules of one action in the runtime's order.
type actionRules struct {
	deny, may []int // rule ids
}

// compileActions assigns rule ids in the order runtime/program.go
// compiles rules (declaration order, then the actions a rule lists) and
// writes one decision method per action.
func (g *generator) compileActions() error {
	c := g.c
	per := make([]actionRules, len(c.Actions))
	g.keep = make([]int, len(c.Actions))
	g.firsts = make([]bool, len(c.Actions))
	for _, ca := range c.Actions {
		g.keep[ca.Index] = ca.Counted
	}
	for _, cr := range c.Rules {
		for _, ca := range cr.Actions {
			ri := ruleInfo{def: cr, action: ca, reason: cr.Reason(ca), sanction: cr.Else}
			switch cr.Kind {
			case check.Duty:
				g.keep[ca.Index] = max(g.keep[ca.Index], int(cr.Count))
				continue // duties are not deciders
			case check.Limit:
				g.keep[ca.Index] = max(g.keep[ca.Index], int(cr.Count))
			case check.First:
				g.firsts[cr.Before.Index] = true
			}
			id := len(g.rules)
			g.rules = append(g.rules, ri)
			if cr.Kind == check.May {
				per[ca.Index].may = append(per[ca.Index].may, id)
			} else {
				per[ca.Index].deny = append(per[ca.Index].deny, id)
			}
		}
	}
	g.deciders = make([][]int, len(c.Actions))
	for _, a := range c.Actions {
		g.deciders[a.Index] = slices.Concat(per[a.Index].deny, per[a.Index].may)
	}
	for _, a := range c.Actions {
		if err := g.compileAction(a, per[a.Index]); err != nil {
			return err
		}
	}
	return nil
}

// readsGoals is runtime/program.go's readsGoals: whether n names a goal.
func (g *generator) readsGoals(n exprast.Node) bool {
	return exprast.Find(n, func(n exprast.Node) bool {
		id, ok := n.(*exprast.IdentifierNode)
		return ok && g.c.Goal(id.Value) != nil
	}) != nil
}

// activeCond returns the Go conditions under which rule id applies for
// action a, as runtime/decide.go's applies: the goal snapshot is there
// when the rule is under when or reads goals, the when condition holds,
// the rule's condition holds. never is true when a folded condition is
// false; the parts are empty when the rule always applies.
func (g *generator) activeCond(id int, a *check.Action, u *uses) (parts []string, never bool, err error) {
	cr := g.rules[id].def
	if parts, never, err = g.activeOnly(id, u); err != nil {
		return nil, false, err
	}
	if cr.Cond != nil {
		x, cu, err := g.compileBool(cr.Cond, a, g.paramMap(a))
		if err != nil {
			return nil, false, err
		}
		u.add(cu)
		if x.konst {
			never = never || !g.constValue(x).(bool)
		} else {
			parts = append(parts, wrapAnd(x))
		}
	}
	return parts, never, nil
}

// activeOnly is activeCond without the rule's own condition: the parts
// that hold when rule id is active.
func (g *generator) activeOnly(id int, u *uses) (parts []string, never bool, err error) {
	cr := g.rules[id].def
	if cr.When != nil || cr.Cond != nil && g.readsGoals(cr.Cond.Root) {
		parts = append(parts, "e.goals != nil")
		u.env = true
	}
	if cr.When != nil {
		x, wu, err := g.compileBool(cr.When, nil, nil)
		if err != nil {
			return nil, false, err
		}
		u.add(wu)
		if x.konst {
			never = !g.constValue(x).(bool)
		} else {
			parts = append(parts, wrapAnd(x))
		}
	}
	return parts, never, nil
}

// joinAnd joins the parts of a rule's condition, a line each when long.
func joinAnd(parts []string) string {
	one := strings.Join(parts, " && ")
	if len(one) <= 90 || strings.Contains(one, "\n") {
		return one
	}
	return strings.Join(parts, " &&\n")
}

func wrapAnd(x *expr) string {
	if x.prec < precAnd {
		return "(" + x.code + ")"
	}
	return x.code
}

func (g *generator) paramMap(a *check.Action) map[string]string {
	m := map[string]string{}
	for _, p := range a.Params {
		m[p.Name] = g.names.param[a.Index][p.Slot]
	}
	return m
}

// compileAction writes the decision method of action a: runtime/decide.go's
// decide, unrolled.
func (g *generator) compileAction(a *check.Action, rs actionRules) error {
	goName := g.names.action[a.Index]
	// body is the decision method's statements after the environment;
	// chk is Check's: the same conditions in the same order, returning at
	// the first deciding rule (checked: a return that always runs is
	// written, so nothing after it is).
	var body, chk strings.Builder
	checked := false
	var u uses
	for bit, id := range rs.deny {
		ri := g.rules[id]
		parts, never, err := g.activeCond(id, a, &u)
		if err != nil {
			return err
		}
		fmt.Fprintf(&body, "// %s\n", commentSafe(ri.def.Label))
		if never {
			body.WriteString("// never applies: its condition is always false\n")
			continue
		}
		switch ri.def.Kind {
		case check.First:
			parts = append(parts, fmt.Sprintf("!e.m.hist.doneBy(Action%s, e.at)", g.names.action[ri.def.Before.Index]))
			u.env, u.at = true, true
		case check.Limit:
			per := strconv.FormatInt(int64(ri.def.Per), 10)
			if ri.def.Calendar != check.NoCalendar {
				g.need("calendarWindow")
				per = fmt.Sprintf("calendarWindow(e.at, %d, zone)", int(ri.def.Calendar))
			}
			parts = append(parts, fmt.Sprintf("e.m.hist.count(Action%s, e.at, %s) >= %d", goName, per, ri.def.Count))
			u.env, u.at = true, true
		}
		if len(parts) == 0 {
			fmt.Fprintf(&body, "d.add(%d)\n", bit)
			if !checked {
				fmt.Fprintf(&chk, "return false, %d, true\n", id)
				checked = true
			}
			continue
		}
		fmt.Fprintf(&body, "if %s {\nd.add(%d)\n}\n", joinAnd(parts), bit)
		if !checked {
			fmt.Fprintf(&chk, "if %s {\nreturn false, %d, true\n}\n", joinAnd(parts), id)
		}
	}
	if len(rs.deny) > 0 {
		body.WriteString("if d.ruled() {\nreturn\n}\n")
	}
	decided := false
	for j, id := range rs.may {
		ri := g.rules[id]
		parts, never, err := g.activeCond(id, a, &u)
		if err != nil {
			return err
		}
		fmt.Fprintf(&body, "// %s\n", commentSafe(ri.def.Label))
		if never {
			body.WriteString("// never applies: its condition is always false\n")
			continue
		}
		allow := fmt.Sprintf("d.Allowed = true\nd.add(%d)\nreturn\n", len(rs.deny)+j)
		if len(parts) == 0 {
			body.WriteString(allow)
			if !checked {
				fmt.Fprintf(&chk, "return true, %d, true\n", id)
				checked = true
			}
			decided = true
			break
		}
		fmt.Fprintf(&body, "if %s {\n%s}\n", joinAnd(parts), allow)
		if !checked {
			fmt.Fprintf(&chk, "if %s {\nreturn true, %d, true\n}\n", joinAnd(parts), id)
		}
	}
	if !decided {
		verdict := "deny"
		if g.c.DefaultAllow {
			verdict = "allow"
		}
		fmt.Fprintf(&body, "// default %s\nd.Allowed, d.ByDefault = %t, true\n", verdict, g.c.DefaultAllow)
		if !g.c.DefaultAllow {
			// A default deny carries the unmet mays (SPEC §10.1): every
			// active may with a because text, none of which allowed.
			for j, id := range rs.may {
				ri := g.rules[id]
				if ri.def.Because == "" {
					continue
				}
				parts, never, err := g.activeOnly(id, &u)
				if err != nil {
					return err
				}
				switch {
				case never:
				case len(parts) == 0:
					fmt.Fprintf(&body, "d.add(%d) // unmet: %s\n", len(rs.deny)+j, commentSafe(ri.def.Label))
				default:
					fmt.Fprintf(&body, "// unmet: %s\nif %s {\nd.add(%d)\n}\n", commentSafe(ri.def.Label), joinAnd(parts), len(rs.deny)+j)
				}
			}
		}
		body.WriteString("return\n")
	}
	if !checked {
		fmt.Fprintf(&chk, "return %t, 0, false\n", g.c.DefaultAllow)
	}

	w := &g.decide
	doc := fmt.Sprintf("Decide%s decides whether m may %s at time at, as runtime.Community.DecideCall does, with the goal snapshot goals (nil: rules under when, and rules that read goals, are inactive).", goName, signature(a))
	if hasMemberParam(a) {
		doc += " A member argument is the *Member it names, never nil; a rule that compares members compares the pointers, as the runtime compares IDs."
	}
	fmt.Fprintf(w, "%sfunc (m *Member) Decide%s(at time.Time, goals *Goals", comment(doc), goName)
	for _, p := range a.Params {
		fmt.Fprintf(w, ", %s %s", g.names.param[a.Index][p.Slot], fieldType(p.Type))
	}
	// The decision is the named result, built where the caller receives
	// it: building a local and returning it copied it, with 16-byte loads
	// of 8-byte stores, the slowest part of a decision.
	w.WriteString(") (d Decision) {\n")
	var stmts strings.Builder
	if u.env {
		at := ""
		if g.needsAt(&u) {
			at = ", at: nanos(at)"
		}
		fmt.Fprintf(&stmts, "e := env{m: m%s, goals: goals}\n", at)
	}
	prelude := stmts.String()
	fmt.Fprintf(&stmts, "d.Action = Action%s\n%s", goName, body.String())
	fmt.Fprintf(w, "%s}\n\n", stmts.String())
	if g.inline == nil {
		g.inline = make([]string, len(g.c.Actions))
		g.checks = make([]string, len(g.c.Actions))
	}
	g.inline[a.Index] = stmts.String()
	// Check may return before every condition that reads the environment.
	if usesIdent(chk.String(), "e") {
		g.checks[a.Index] = prelude + chk.String()
	} else {
		g.checks[a.Index] = chk.String()
	}
	return nil
}

// usesIdent reports whether the Go statements src use the identifier
// name (not in a comment or a string).
func usesIdent(src, name string) bool {
	var sc scanner.Scanner
	fs := token.NewFileSet()
	sc.Init(fs.AddFile("", -1, len(src)), []byte(src), nil, 0)
	for {
		_, tok, lit := sc.Scan()
		switch {
		case tok == token.EOF:
			return false
		case tok == token.IDENT && lit == name:
			return true
		}
	}
}

func hasMemberParam(a *check.Action) bool {
	return slices.ContainsFunc(a.Params, func(p *check.Param) bool { return p.Type.Kind == check.Member })
}

// signature writes an action call as Charter declares it: post(length: int).
func signature(a *check.Action) string {
	ps := make([]string, len(a.Params))
	for i, p := range a.Params {
		ps[i] = p.Name + ": " + p.Type.String()
	}
	return a.Name + "(" + strings.Join(ps, ", ") + ")"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// commentSafe returns s for a line comment: s itself, or quoted when it
// holds what a comment cannot, such as a newline, which would end the
// comment and let a file name (in the header and in rule labels) write a
// //go:generate line or code.
func commentSafe(s string) string {
	if q := strconv.Quote(s); q[1:len(q)-1] != s {
		return q
	}
	return s
}

// comment writes text as a Go comment wrapped at 80 columns.
func comment(text string) string {
	var b strings.Builder
	line := "//"
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > 80 && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// assemble writes the whole file.
func (g *generator) assemble() []byte {
	c := g.c
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }

	var files []string
	for _, f := range g.prog.Files {
		files = append(files, commentSafe(filepath.ToSlash(f.Name)))
	}
	p("// Code generated by charter gen from %s; DO NOT EDIT.\n\n", strings.Join(files, ", "))
	g.packageDoc(&w)
	p("package %s\n\n", g.opts.Package)

	imports := make([]string, 0, len(g.imports))
	for imp := range g.imports {
		imports = append(imports, strconv.Quote(imp))
	}
	sort.Strings(imports)
	p("import (\n%s\n)\n\n", strings.Join(imports, "\n"))

	g.memberDecl(&w)
	g.historyDecl(&w)
	g.enumDecl(&w, "Action", "an action of "+c.Name, "action", func() []string {
		out := make([]string, len(c.Actions))
		for i, a := range c.Actions {
			out[i] = a.Name
		}
		return out
	}(), g.names.action)
	if len(c.Roles) > 0 {
		g.roleDecl(&w)
	}
	if len(c.Badges) > 0 {
		g.badgeDecl(&w)
	}
	g.goalsDecl(&w)
	g.decisionDecl(&w)
	g.callDecl(&w)
	g.envDecl(&w)
	w.WriteString(g.decide.String())
	g.helpersDecl(&w)
	return []byte(w.String())
}

func (g *generator) packageDoc(w *strings.Builder) {
	c := g.c
	fmt.Fprintf(w, "// Package %s decides for the Charter community %s", g.opts.Package, c.Name)
	if c.Purpose != "" {
		fmt.Fprintf(w, ",\n// whose purpose is %q", c.Purpose)
	}
	w.WriteString(`.
// It was compiled ahead of time by charter gen and gives the same answers as
// the runtime (runtime.Community's Role, Badges and DecideCall) for the same
// member, history, time and goal snapshot, without allocating.
//
// Build a member with NewMember (which sets the declared defaults and an
// empty history; the zero Member is not one), set its fields, and note the
// actions it takes with Record. Then ask:
//
//   - m.Role(at) for its role on the ladder,
//   - m.Badges(at), or m.HasBadgeNAME(at), for its badges,
//   - m.DecideACTION(at, goals, args...), or m.Decide(at, goals, &call),
//     whether it may take an action: the Decision says whether, whether by
//     default, and which rules decided, with their reasons and sanctions;
//   - m.Check(at, goals, &call) for the verdict and the first deciding rule
//     only, stopping at the first denial: cheaper when one reason will do.
//
// goals is the goal snapshot that rules under when read; nil makes them
// inactive, as in the runtime. Times are read as the runtime reads them:
// nanoseconds since the Unix epoch, the zero time.Time being the epoch, and
// times before 1677 or after 2262 saturating.
//
// Effects, goal measures, messages, duties and admit rules are not here:
// they need the community's live state, which the runtime keeps.
`)
	if len(g.given) > 0 {
		w.WriteString(`//
// The rules ask whether some values were given (has): set the field named
// for each such attribute with Given after it (EmailGiven for email) when
// the member's record gives that value, as the runtime's member records
// do; NewMember gives none.
`)
	}
}

func (g *generator) memberDecl(w *strings.Builder) {
	c := g.c
	fmt.Fprintf(w, "// Member is one member of %s: its attributes and the history of its\n// actions that the rules read. Make one with NewMember.\ntype Member struct {\n", c.Name)
	for _, a := range c.Attrs {
		fmt.Fprintf(w, "%s %s // %s: %s\n", g.names.attr[a.Name], fieldType(a.Type), a.Name, a.Type)
	}
	for i, a := range c.Attrs {
		if g.given[i] {
			fmt.Fprintf(w, "%sGiven bool // has(%s): the host gave %s a value\n", g.names.attr[a.Name], a.Name, a.Name)
		}
	}
	w.WriteString("\nhist history\n}\n\n")

	w.WriteString("// defaultMember holds the declared defaults and an empty history.\nvar defaultMember = Member{\n")
	for _, a := range c.Attrs {
		if v := g.defaultLit(a); v != "" {
			fmt.Fprintf(w, "%s: %s,\n", g.names.attr[a.Name], v)
		}
	}
	if size := g.historySize(); size > 0 {
		fmt.Fprintf(w, "hist: history{times: [%d]int64{%s}},\n", size, strings.TrimSuffix(strings.Repeat("noTime, ", size), ", "))
	}
	w.WriteString("}\n\n")
	w.WriteString(g.prelude("NewMember", "Member.Reset", "Member.Record", "Member.Done"))
}

// defaultLit is the Go literal of an attribute's declared default, or ""
// for the zero value.
func (g *generator) defaultLit(a *check.Attr) string {
	v, err := eval.Convert(a.Name, a.Type, a.Default)
	if err != nil {
		return ""
	}
	switch v := v.(type) {
	case bool:
		if v {
			return "true"
		}
	case int64:
		switch {
		case v == 0:
		case a.Type.Kind == check.Time:
			return fmt.Sprintf("time.Unix(0, %d).UTC()", v)
		case a.Type.Kind == check.Duration:
			return fmt.Sprintf("time.Duration(%d)", v)
		default:
			return strconv.FormatInt(v, 10)
		}
	case float64:
		if v != 0 || math.Signbit(v) {
			s, _ := g.floatLit(v)
			return s
		}
	case string:
		if v != "" {
			return strconv.Quote(v)
		}
	default:
		if stdlib.ListLen(v) > 0 {
			return g.constant(a.Type, v).code
		}
	}
	return ""
}

// historySize is how many times a history holds: the kept takings of
// every action and one earliest taking per action a first rule names.
func (g *generator) historySize() int {
	size := 0
	for _, k := range g.keep {
		size += k
	}
	for _, f := range g.firsts {
		if f {
			size++
		}
	}
	return size
}

func (g *generator) historyDecl(w *strings.Builder) {
	c := g.c
	offs := make([]string, len(g.keep))
	keeps := make([]string, len(g.keep))
	size := 0
	for i, k := range g.keep {
		offs[i], keeps[i] = strconv.Itoa(size), strconv.Itoa(k)
		size += k
	}
	firsts := make([]string, len(g.keep))
	for i, f := range g.firsts {
		firsts[i] = "-1"
		if f {
			firsts[i] = strconv.Itoa(size)
			size++
		}
	}
	w.WriteString(g.prelude("noTime"))
	fmt.Fprintf(w, `// keep is, per action, how many of its latest takings a history keeps: the
// largest count of a limit or must rule on it; off is where they start.
// first is where the earliest taking of an action a first rule names is
// kept (-1 for the others).
var (
	keep  = [...]int{%s}
	off   = [...]int{%s}
	first = [...]int{%s}
)

// A history holds a bit per action, a slot per kept taking and one per
// earliest taking kept.
const (
	actionWords = %d
	historySize = %d
)

`, strings.Join(keeps, ", "), strings.Join(offs, ", "), strings.Join(firsts, ", "), (len(c.Actions)+63)/64, size)
	w.WriteString(g.prelude("history", "history.done", "history.doneBy", "history.record", "history.count"))
}

// enumDecl writes an int type with one constant per name and String.
func (g *generator) enumDecl(w *strings.Builder, typ, doc, what string, names, goNames []string) {
	fmt.Fprintf(w, "// %s is %s.\ntype %s int\n\n// The %ss of the community.\nconst (\n", typ, doc, typ, what)
	for i, n := range names {
		if i == 0 {
			fmt.Fprintf(w, "%s%s %s = iota // %s\n", typ, goNames[i], typ, n)
		} else {
			fmt.Fprintf(w, "%s%s // %s\n", typ, goNames[i], n)
		}
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	lower := strings.ToLower(typ[:1]) + typ[1:]
	fmt.Fprintf(w, ")\n\nvar %sNames = [...]string{%s}\n\n", lower, strings.Join(quoted, ", "))
	// Every enum's String is the prelude's Action.String, renamed.
	w.WriteString(g.preludeRenamed("Action.String", "Action", typ, "actionNames", lower+"Names"))
}

func (g *generator) roleDecl(w *strings.Builder) {
	c := g.c
	names := make([]string, len(c.Roles))
	for _, r := range c.Roles {
		names[r.Rank] = r.Name
	}
	g.enumDecl(w, "Role", "a rung of the role ladder, ordered by rank: the lowest is 0, and\n// role comparisons in the rule files compare ranks", "role", names, g.names.role)
	at := "e := env{m: m}\n"
	if g.ladderUse.at {
		at = "e := env{m: m, at: nanos(at)}\n"
	}
	fmt.Fprintf(w, `// Role returns m's role at time at: the first rung of the ladder, from the
// top, whose condition holds.
func (m *Member) Role(at time.Time) Role {
	%sreturn Role(e.rank())
}

`, at)
}

func (g *generator) badgeDecl(w *strings.Builder) {
	c := g.c
	names := make([]string, len(c.Badges))
	for i, b := range c.Badges {
		names[i] = b.Name
	}
	g.enumDecl(w, "Badge", "a badge, numbered in declaration order", "badge", names, g.names.badge)
	fmt.Fprintf(w, "// badgeWords is how many words a set of badges takes, a bit per badge.\nconst badgeWords = %d\n\n", (len(c.Badges)+63)/64)
	w.WriteString(g.prelude("BadgeSet", "BadgeSet.Has", "BadgeSet.Names"))
	var all uses
	for i := range c.Badges {
		all.useBadge(i)
	}
	fmt.Fprintf(w, "// Badges returns the badges m holds at time at.\nfunc (m *Member) Badges(at time.Time) BadgeSet {\n%s\tvar s BadgeSet\n", g.envLine(&all))
	for i := range c.Badges {
		fmt.Fprintf(w, "if e.%s() {\ns[%d] |= 1 << %d\n}\n", g.names.badgeMethod[i], i/64, i%64)
	}
	w.WriteString("return s\n}\n\n")
	for i, b := range c.Badges {
		var one uses
		one.useBadge(i)
		doc := fmt.Sprintf("HasBadge%s reports whether m holds badge %s at time at: %s.", g.names.badge[i], b.Name, oneLine(b.Cond.Src))
		fmt.Fprintf(w, "%sfunc (m *Member) HasBadge%s(at time.Time) bool {\n%sreturn e.%s()\n}\n\n",
			comment(doc), g.names.badge[i], g.envLine(&one), g.names.badgeMethod[i])
	}
}

// envLine declares e for a public method that reads the role or badges.
func (g *generator) envLine(u *uses) string {
	if g.needsAt(u) {
		return "e := env{m: m, at: nanos(at)}\n"
	}
	return "e := env{m: m}\n"
}

func (g *generator) goalsDecl(w *strings.Builder) {
	c := g.c
	w.WriteString(g.prelude("GoalValue"))
	w.WriteString(`// Goals is a goal snapshot, the one runtime.Goals carries: the host
// computes it (with the runtime's goal measures, or its own counts).
type Goals struct {
`)
	for i, gl := range c.Goals {
		title := ""
		if gl.Title != "" {
			title = " " + strconv.Quote(gl.Title)
		}
		fmt.Fprintf(w, "%s GoalValue // goal %s%s\n", g.names.goal[i], gl.Name, title)
	}
	w.WriteString(`// Members is what members reads in when conditions: the number of
	// members. The runtime's stateless DecideCall reads 0 here; its State
	// reads its member count.
	Members int64
}

`)
}

func (g *generator) decisionDecl(w *strings.Builder) {
	w.WriteString(g.prelude("Rule", "Rule.Kind", "Rule.Label", "Rule.Reason", "Rule.Sanction",
		"Sanction", "Sanction.String", "formatDuration"))
	fmt.Fprintf(w, "// decisionWords is how many words a Decision's rule bits take, a bit per\n// rule of the action with the most.\nconst decisionWords = %d\n\n", g.decisionWords())
	w.WriteString(g.prelude("Decision", "Decision.add", "Decision.ruled", "Decision.Rules", "Decision.First",
		"Decision.Reasons", "Decision.Sanctions", "Decision.String"))
	w.WriteString("var rules = [...]struct {\nkind, label, reason string\nsanction *Sanction\n}{\n")
	for _, ri := range g.rules {
		s := "nil"
		if ri.sanction != nil {
			s = fmt.Sprintf("&Sanction{Name: %q", ri.sanction.Name)
			if ri.sanction.For != 0 {
				s += fmt.Sprintf(", For: %d", int64(ri.sanction.For))
			}
			s += "}"
		}
		fmt.Fprintf(w, "{%q, %q, %q, %s},\n", ri.def.Kind.String(), ri.def.Label, ri.reason, s)
	}
	w.WriteString("}\n\n")
	w.WriteString("// actionRules are, per action, the rules that can decide it: the denying\n// ones in order, then the mays. A Decision's bits index them.\nvar actionRules = [...][]Rule{\n")
	for _, a := range g.c.Actions {
		ids := make([]string, len(g.deciders[a.Index]))
		for i, id := range g.deciders[a.Index] {
			ids[i] = strconv.Itoa(id)
		}
		fmt.Fprintf(w, "Action%s: {%s},\n", g.names.action[a.Index], strings.Join(ids, ", "))
	}
	w.WriteString("}\n\n")
}

// decisionWords is how many 64-bit words a Decision's rule bits take: one
// bit per rule of the action with the most.
func (g *generator) decisionWords() int {
	n := 1
	for _, ids := range g.deciders {
		n = max(n, (len(ids)+63)/64)
	}
	return n
}

func (g *generator) callDecl(w *strings.Builder) {
	c := g.c
	for _, a := range c.Actions {
		if len(a.Params) == 0 {
			continue
		}
		fmt.Fprintf(w, "// %sArgs are the arguments of %s.\ntype %sArgs struct {\n", g.names.action[a.Index], signature(a), g.names.action[a.Index])
		for _, p := range a.Params {
			fmt.Fprintf(w, "%s %s // %s: %s\n", g.names.paramField[a.Index][p.Slot], fieldType(p.Type), p.Name, p.Type)
		}
		w.WriteString("}\n\n")
	}
	w.WriteString("// Call is an action call for Decide: the action, and the arguments of that\n// action in its field.\ntype Call struct {\nAction Action\n")
	for _, a := range c.Actions {
		if len(a.Params) > 0 {
			fmt.Fprintf(w, "%s %sArgs\n", g.names.action[a.Index], g.names.action[a.Index])
		}
	}
	w.WriteString(`}

// Decide decides the call k for m at time at with the goal snapshot goals,
// as the DecideACTION method of k.Action does. An Action that is not one of
// the community's is denied by no rule.
func (m *Member) Decide(at time.Time, goals *Goals, k *Call) (d Decision) {
`)
	// Each action runs the statements of its DecideX, its parameters read
	// from the call.
	g.dispatch(w, c.Actions, g.inline)
	w.WriteString("d.Action = k.Action\nreturn\n}\n\n")
	w.WriteString(`// Check is Decide reduced to the verdict and the rule that gives it:
// whether the call is allowed, and the first deciding rule (the first
// denying rule when denied, the allowing may when allowed by a rule), with
// byRule false when the community's default decided. It evaluates the
// denying rules in order and stops at the first that holds, so it is
// cheaper than Decide when a host needs one reason, not every rule.
func (m *Member) Check(at time.Time, goals *Goals, k *Call) (allowed bool, first Rule, byRule bool) {
`)
	g.dispatch(w, c.Actions, g.checks)
	w.WriteString("return false, 0, false\n}\n\n")
	w.WriteString("// ActionNamed returns the action the rule files call name, for hosts that\n// receive actions by name.\nfunc ActionNamed(name string) (Action, bool) {\nswitch name {\n")
	for _, a := range c.Actions {
		fmt.Fprintf(w, "case %s:\nreturn Action%s, true\n", strconv.Quote(a.Name), g.names.action[a.Index])
	}
	w.WriteString("}\nreturn 0, false\n}\n\n")
}

// dispatchLeaf is the most actions dispatch tests one after another; more
// are split in halves by comparing the action with the first of the upper
// half.
const dispatchLeaf = 4

// dispatch writes the statements stmts[a.Index] of the action a that k.Action
// names, its parameters first read from the call, for the actions acts in
// ascending order; an Action that is none of them runs nothing. It writes
// if statements, not a switch: Go compiles a switch over eight or more
// consecutive constants into a jump table, whose indirect jump cost
// Check 7 ns more than compares on calls that change action from one to the
// next (bench/: DecideEval 15.4 vs 7.6 ns).
func (g *generator) dispatch(w *strings.Builder, acts []*check.Action, stmts []string) {
	if len(acts) > dispatchLeaf {
		mid := len(acts) / 2
		fmt.Fprintf(w, "if k.Action < Action%s {\n", g.names.action[acts[mid].Index])
		g.dispatch(w, acts[:mid], stmts)
		w.WriteString("} else {\n")
		g.dispatch(w, acts[mid:], stmts)
		w.WriteString("}\n")
		return
	}
	for i, a := range acts {
		goName := g.names.action[a.Index]
		if i > 0 {
			w.WriteString(" else ")
		}
		fmt.Fprintf(w, "if k.Action == Action%s {\n", goName)
		body := stmts[a.Index]
		for _, p := range a.Params {
			name := g.names.param[a.Index][p.Slot]
			if usesIdent(body, name) {
				fmt.Fprintf(w, "%s := k.%s.%s\n", name, goName, g.names.paramField[a.Index][p.Slot])
			}
		}
		w.WriteString(body)
		w.WriteString("}")
	}
	w.WriteString("\n")
}

func (g *generator) envDecl(w *strings.Builder) {
	c := g.c
	w.WriteString(`// env is one question about a member: what eval.Env holds in the runtime.
// The role and badges are computed on first use, once per question.
type env struct {
	m     *Member
	at    int64 // nanoseconds since the Unix epoch
	goals *Goals
`)
	if len(c.Roles) > 0 {
		w.WriteString("\nrole      int64\nroleKnown bool\n")
	}
	if len(c.Badges) > 0 {
		w.WriteString("\nbadgeKnown, badgeHeld [badgeWords]uint64\n")
	}
	w.WriteString("}\n\n")
	if len(c.Roles) > 0 {
		w.WriteString(g.prelude("env.rank"))
		w.WriteString(g.ladder.String())
	}
	for _, b := range g.badges {
		w.WriteString(b)
	}
	w.WriteString(g.prelude("minTime", "nanos"))
}

// zoneDecl declares zone, the time zone of the community's calendar
// windows. The runtime loads it when the rule files are checked; the
// generated package loads it when it is initialised, from the tz database
// of the machine it runs on (or time/tzdata, if the host imports it).
func (g *generator) zoneDecl() string {
	name := g.c.Zone.String()
	if name == "UTC" {
		return "// zone is the time zone of the calendar windows.\nvar zone = time.UTC\n\n"
	}
	return fmt.Sprintf(`// zone is the time zone of the calendar windows, loaded from the tz
// database when the package is initialised.
var zone = func() *time.Location {
	loc, err := time.LoadLocation(%q)
	if err != nil {
		panic("charter: time zone of the calendar windows: " + err.Error())
	}
	return loc
}()

`, name)
}

func (g *generator) helpersDecl(w *strings.Builder) {
	var names []string
	for n := range g.needs {
		names = append(names, n)
	}
	sort.Strings(names)
	w.WriteString(g.prelude(names...))
	if g.needs["calendarWindow"] {
		w.WriteString(g.zoneDecl())
	}
	if len(g.listOrder)+len(g.regexpOrder) > 0 {
		w.WriteString("// The constant lists and patterns of the rule files.\nvar (\n")
		for _, l := range g.listOrder {
			w.WriteString(l + "\n")
		}
		for _, r := range g.regexpOrder {
			w.WriteString(r + "\n")
		}
		w.WriteString(")\n")
	}
}

// givenNames reports a Given field (SPEC §17.7) whose name another field
// or method of Member has: attributes email and email_given, say.
func (g *generator) givenNames() error {
	fields := map[string]string{}
	for _, s := range []string{"Reset", "Record", "Done", "Role", "Badges", "Decide", "Check"} {
		fields[s] = "the method Member." + s
	}
	for _, a := range g.c.Attrs {
		fields[g.names.attr[a.Name]] = "attribute " + a.Name
	}
	for _, a := range g.c.Actions {
		fields["Decide"+GoName(a.Name)] = "action " + a.Name
	}
	for _, b := range g.c.Badges {
		fields["HasBadge"+GoName(b.Name)] = "badge " + b.Name
	}
	for i, a := range g.c.Attrs {
		if !g.given[i] {
			continue
		}
		f := g.names.attr[a.Name] + "Given"
		if o, dup := fields[f]; dup {
			return diag.Diagnostic{Severity: diag.Error, Code: diag.GoNameClash, Range: declRange(g.c, a.Decl),
				Message: fmt.Sprintf("has(%s) and %s would both be the Go name %s", a.Name, o, f)}
		}
	}
	return nil
}
