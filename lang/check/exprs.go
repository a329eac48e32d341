package check

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	exprast "github.com/expr-lang/expr/ast"
	exprchecker "github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

var (
	tInt      = types.Int
	tFloat    = types.Float64
	tBool     = types.Bool
	tString   = types.String
	tTime     = types.TypeOf(time.Time{})
	tDuration = types.TypeOf(time.Duration(0))
	// A role is its rank, an int: expr-lang orders only its own number
	// types, so a named type would break role >= creator. The checker
	// keeps roles apart from other ints itself (rolesCompareWithRoles).
	tRole    = types.Int
	goalType = types.Map{"value": tFloat, "target": tFloat, "met": tBool, "progress": tFloat}
)

var elemTypes = map[Kind]types.Type{
	Int: tInt, Float: tFloat, Bool: tBool, String: tString, Time: tTime, Duration: tDuration,
}

// listTypes are the Go slice types of list attributes, as the stdlib
// declares its list parameters (len([]int) and so on): a types.Array would
// be []interface{} to expr-lang and match none of them.
var listTypes = map[Kind]types.Type{
	Int: types.TypeOf([]int{}), Float: types.TypeOf([]float64{}), Bool: types.TypeOf([]bool{}),
	String: types.TypeOf([]string{}), Time: types.TypeOf([]time.Time{}), Duration: types.TypeOf([]time.Duration{}),
}

// exprType is the expr-lang type Charter uses for t.
func exprType(t Type) types.Type {
	if t.Kind == List {
		return listTypes[t.Elem]
	}
	if t.Kind == Role {
		return tRole
	}
	return elemTypes[t.Kind]
}

// typeOf maps expr-lang's result type back to a Charter type.
func typeOf(rt reflect.Type) Type {
	if rt == nil {
		return Type{}
	}
	switch rt {
	case reflect.TypeOf(time.Time{}):
		return Type{Kind: Time}
	case reflect.TypeOf(time.Duration(0)):
		return Type{Kind: Duration}
	}
	switch rt.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Type{Kind: Int}
	case reflect.Float32, reflect.Float64:
		return Type{Kind: Float}
	case reflect.Bool:
		return Type{Kind: Bool}
	case reflect.String:
		return Type{Kind: String}
	case reflect.Slice, reflect.Array:
		e := typeOf(rt.Elem())
		if e.Kind == Invalid || e.Kind == List {
			return Type{}
		}
		return Type{Kind: List, Elem: e.Kind}
	}
	return Type{}
}

// env is what the expressions of one context see: the names with their
// types, and the nature expr-lang's checker looks names up in. Both are
// built once per community and context and shared by every expression
// checked there: building the nature per expression cost a pass over every
// attribute each time (issue 16: 60,000 attributes and 9,000 rules took 74 s).
type env struct {
	names types.Map
	nt    *nature.Nature // built on first use: many contexts have no expression
	// A layered env is a parent's (base) with the few names a child
	// declares (over) laid on its nature while an expression is checked,
	// as a view's parameters are: copying every attribute for a child that
	// declares one name made a chain of such children cost a full
	// environment each (issue 16: 60,000 attributes, 13 children: 3.5 s).
	// names is then the base's; over holds only names the base lacks.
	base *env
	over []binding
}

func newEnv(m types.Map) *env { return &env{names: m} }

func (e *env) nature() *nature.Nature {
	if e.base != nil {
		return e.base.nature()
	}
	if e.nt == nil {
		nt := e.names.Nature()
		e.nt = &nt
	}
	return e.nt
}

// lookup returns the type e binds name to.
func (e *env) lookup(name string) (types.Type, bool) {
	for i := len(e.over) - 1; i >= 0; i-- {
		if e.over[i].name == name {
			return e.over[i].t, true
		}
	}
	t, ok := e.names[name]
	return t, ok
}

// full returns every name e binds in one map, copying a layered env's.
func (e *env) full() types.Map {
	if e.base == nil {
		return e.names
	}
	m := make(types.Map, len(e.names)+len(e.over))
	for k, v := range e.names {
		m[k] = v
	}
	for _, b := range e.over {
		m[b.name] = b.t
	}
	return m
}

// view is an env with an action's parameters on top. They are laid on the
// env's nature only while an expression is checked (exprWith), so that
// rules and effects of many actions share one env instead of copying it.
type view struct {
	*env
	params []binding
}

type binding struct {
	name string
	t    types.Type
	nt   nature.Nature
	// member marks a member: a member parameter, or me. Its type is the
	// map of the attributes (and role) p.attr reads; checkMembers keeps
	// every other use of it to identity comparisons.
	member bool
}

// envs are the expression environments of one community, by context,
// each built on first use: many contexts of a community have no
// expression, and each environment copies every attribute.
type envs struct {
	com *Community
	// parent are the environments of the nearest ancestor that built its
	// own (nil for a root): a child that declares a few names layers its
	// environments on them.
	parent *envs
	// ns is what namespace saw, for the children's namespaceOver.
	ns  *names
	ctx [envCount]*env
	// memberEnv binds the attributes alone: its names are the type, and
	// its nature the nature, of a member parameter (p.attr).
	memberEnv *env
}

// The contexts of envs.view.
const (
	envLadder  = iota // role conditions: attributes
	envBadge          // badge conditions: attributes and roles
	envMember         // effects: attributes, roles and badges
	envRule           // rule conditions: envMember and goals
	envWhen           // when conditions: goals and members
	envEffect         // effects: envMember
	envMeasure        // goal measures: envMember and members
	envNone           // goal targets: nothing
	envTest           // expect that: envMember, goals and members
	envAdmit          // admit: envMember, goals and members (of the community joined)
	envCount
)

func (b *builder) makeEnvs() *envs {
	e := &envs{com: b.com}
	if p := b.com.Parent; p != nil {
		e.parent = p.envs
	}
	return e
}

// maxOver bounds the names a layered env lays on its base for each
// expression; past it the env is built whole and becomes the base of the
// children below.
const maxOver = 64

// layer returns the environment of context ctx as the parent's with the
// names this community adds laid on top, or nil when it must be built
// whole: no parent, a context not worth layering, a list that is not the
// parent's followed by new entries, a new name the parent's env already
// binds (the whole build would let a later write win), or too many names
// for the size of the parent's.
func (e *envs) layer(ctx int) *env {
	pe := e.parent
	switch {
	case pe == nil, ctx == envWhen, ctx == envNone, len(e.com.Settings) > 0:
		return nil
	}
	p, com := pe.com, e.com
	pb := pe.get(ctx)
	base, over := pb, []binding(nil)
	if pb.base != nil {
		base, over = pb.base, slices.Clip(pb.over)
	}
	ok := true
	add := func(name string, t types.Type) {
		if !ok {
			return
		}
		if _, dup := pb.lookup(name); dup || len(over) >= maxOver {
			ok = false
			return
		}
		for _, b := range over[len(pb.over):] {
			if b.name == name {
				ok = false
				return
			}
		}
		over = append(over, binding{name: name, t: t, nt: t.Nature()})
	}
	attrs, same := added(p.Attrs, com.Attrs, func(a, c *Attr) bool { return c.Name == a.Name && c.Type == a.Type })
	if !same {
		return nil
	}
	for _, a := range attrs {
		add(a.Name, exprType(a.Type))
	}
	if ctx != envLadder {
		roles, same := added(p.Roles, com.Roles, func(r, c *RoleDef) bool { return c.Name == r.Name })
		if !same {
			return nil
		}
		if len(p.Roles) == 0 && len(com.Roles) > 0 {
			add("role", tRole)
		}
		for _, r := range roles {
			add(r.Name, tRole)
		}
	}
	if ctx != envLadder && ctx != envBadge {
		badges, same := added(p.Badges, com.Badges, func(bd, c *BadgeDef) bool { return c.Name == bd.Name })
		if !same {
			return nil
		}
		for _, bd := range badges {
			add(bd.Name, tBool)
		}
	}
	if ctx == envRule || ctx == envTest || ctx == envAdmit {
		goals, same := added(p.Goals, com.Goals, func(g, c *Goal) bool { return c.Name == g.Name })
		if !same {
			return nil
		}
		for _, g := range goals {
			add(g.Name, goalType)
		}
	}
	// Laying names on for each expression (and looking names up among
	// them) pays only when copying the base would cost much more: a chain
	// of children over a small schema builds whole.
	if !ok || len(over)*8 > len(base.names) {
		return nil
	}
	return &env{names: base.names, base: base, over: over}
}

// added returns the entries child has after those of parent, or false when
// child does not begin with parent's entries (same compares one of each).
func added[T any](parent, child []T, same func(p, c T) bool) ([]T, bool) {
	if len(child) < len(parent) {
		return nil, false
	}
	for i, x := range parent {
		if !same(x, child[i]) {
			return nil, false
		}
	}
	return child[len(parent):], true
}

func (e *envs) get(ctx int) *env {
	if ctx == envEffect {
		ctx = envMember
	}
	if e.ctx[ctx] != nil {
		return e.ctx[ctx]
	}
	if l := e.layer(ctx); l != nil {
		e.ctx[ctx] = l
		return l
	}
	com := e.com
	// with copies every name base binds, a layered base's own ones too.
	with := func(base *env, extra int) types.Map {
		m := make(types.Map, len(base.names)+len(base.over)+extra)
		for k, v := range base.names {
			m[k] = v
		}
		for _, b := range base.over {
			m[b.name] = b.t
		}
		return m
	}
	goals := func(m types.Map) types.Map {
		for _, g := range com.Goals {
			m[g.Name] = goalType
		}
		return m
	}
	var m types.Map
	switch ctx {
	case envLadder:
		m = make(types.Map, len(com.Attrs))
		for _, a := range com.Attrs {
			m[a.Name] = exprType(a.Type)
		}
	case envBadge:
		m = with(e.get(envLadder), len(com.Roles)+1)
		if len(com.Roles) > 0 {
			m["role"] = tRole
			for _, r := range com.Roles {
				m[r.Name] = tRole
			}
		}
	case envMember:
		m = with(e.get(envBadge), len(com.Badges))
		for _, bd := range com.Badges {
			m[bd.Name] = tBool
		}
	case envRule:
		m = goals(with(e.get(envMember), len(com.Goals)))
	case envWhen:
		m = goals(types.Map{"members": tInt})
	case envMeasure:
		m = with(e.get(envMember), 1)
		m["members"] = tInt
	case envTest, envAdmit:
		m = goals(with(e.get(envMember), len(com.Goals)+1))
		m["members"] = tInt
	default:
		m = types.Map{}
	}
	// Settings are read in every context but a goal's target (SPEC
	// §6.4.1); a context built on another has them already.
	switch ctx {
	case envLadder, envWhen:
		for _, st := range com.Settings {
			m[st.Name] = exprType(st.Type)
		}
	}
	e.ctx[ctx] = newEnv(m)
	return e.ctx[ctx]
}

func (e *envs) v(ctx int) view { return view{env: e.get(ctx)} }

func (e *envs) ladder() view  { return e.v(envLadder) }
func (e *envs) badge() view   { return e.v(envBadge) }
func (e *envs) member() view  { return e.v(envMember) }
func (e *envs) when() view    { return e.v(envWhen) }
func (e *envs) measure() view { return e.v(envMeasure) }
func (e *envs) none() view    { return e.v(envNone) }
func (e *envs) test() view    { return e.v(envTest) }
func (e *envs) admit() view   { return e.v(envAdmit) }

// view returns the environment of context ctx, with params for rules and
// effects; e may be nil (a community without a parent), and the view then
// binds nothing.
func (e *envs) view(ctx int, params []*Param) view {
	switch {
	case e == nil:
		return view{}
	case ctx == envRule:
		return e.rule(params)
	case ctx == envEffect:
		return e.effect(params)
	}
	return e.v(ctx)
}

// lookup returns the type v binds name to.
func (v view) lookup(name string) (types.Type, bool) {
	for i := len(v.params) - 1; i >= 0; i-- {
		if v.params[i].name == name {
			return v.params[i].t, true
		}
	}
	if v.env == nil {
		return nil, false
	}
	return v.env.lookup(name)
}

// sameType reports whether a name of type a in a parent reads as one of
// type b in its child. Member types are maps that only grow from parent
// to child, and an attribute never changes type, so any two agree; goals
// share one map type.
func sameType(a, b types.Type) bool {
	ma, aMap := a.(types.Map)
	mb, bMap := b.(types.Map)
	if aMap || bMap {
		return aMap && bMap && isGoalType(ma) == isGoalType(mb)
	}
	return a == b
}

func isGoalType(m types.Map) bool {
	return reflect.ValueOf(m).Pointer() == reflect.ValueOf(goalType).Pointer()
}

// rule is the environment of a rule condition on actions with parameters
// ps (duties have none).
func (e *envs) rule(ps []*Param) view { return e.params(e.get(envRule), ps) }

// effect is the environment of an effect value of an action with
// parameters ps.
func (e *envs) effect(ps []*Param) view { return e.params(e.get(envMember), ps) }

// params lays the parameters ps on base. A member parameter p binds the
// map of what p.attr reads: the attributes, and role when the community
// has roles. With one or more of them, me (the acting member) is bound as
// well, so that a rule can compare the two (§6.5).
func (e *envs) params(base *env, ps []*Param) view {
	v := view{env: base}
	members := false
	for _, p := range ps {
		switch {
		case p.Type.Kind == Member:
			me := e.members()
			v.params = append(v.params, binding{p.Name, me.names, *me.nature(), true})
			members = true
		case p.Type.Kind != Invalid:
			t := exprType(p.Type)
			v.params = append(v.params, binding{name: p.Name, t: t, nt: t.Nature()})
		}
	}
	if members {
		me := e.members()
		v.params = append(v.params, binding{"me", me.names, *me.nature(), true})
	}
	return v
}

// members returns the env whose names are what p.attr reads of a member
// parameter p: the attributes, and role.
func (e *envs) members() *env {
	if e.memberEnv == nil {
		m := e.get(envLadder).full()
		if len(e.com.Roles) > 0 || len(e.com.Settings) > 0 {
			m = maps.Clone(m)
		}
		if len(e.com.Roles) > 0 {
			m["role"] = tRole
		}
		// A setting is the community's, not a member's: to.min_posts is
		// unknown.
		for _, st := range e.com.Settings {
			delete(m, st.Name)
		}
		e.memberEnv = newEnv(m)
	}
	return e.memberEnv
}

// cond checks a condition: it must be a bool.
func (b *builder) cond(e *syntax.Expr, env view, what string) {
	t, ok := b.expr(e, env, what)
	if ok && t.Kind != Bool {
		b.errorf(diag.TypeMismatch, e.Range(), "%s condition must be a bool, not %s", what, t)
	}
}

// expr type-checks e against env with expr-lang's checker and returns its type.
func (b *builder) expr(e *syntax.Expr, env view, what string) (Type, bool) {
	return b.exprWith(e, env, nil)
}

func (b *builder) exprWith(e *syntax.Expr, env view, extra []expr.Option) (Type, bool) {
	if e == nil || e.Root == nil {
		return Type{}, false // syntax error already reported
	}
	if len(b.com.Lets) > 0 || b.inLadder && len(b.com.Badges) > 0 {
		var params map[string]bool
		if len(env.params) > 0 {
			params = map[string]bool{}
			for _, p := range env.params {
				params[p.name] = true
			}
		}
		b.expandLets(e, params)
	}
	b.withDurations(e, env.env)
	b.markUsed(e)
	if !b.checkMembers(e, env) {
		return Type{}, false
	}
	restore, ok := b.takenCalls(e, extra != nil)
	if !ok {
		return Type{}, false
	}
	if !b.hasCalls(e, env) {
		restore()
		return Type{}, false
	}
	defer restore()
	cfg := b.exprConfig(extra != nil)
	cfg.EnvObject, cfg.Env, cfg.Strict = env.names, *env.nature(), true
	// Lay a layered env's own names and the parameters on the shared
	// nature for this expression only.
	lay := env.params
	if len(env.over) > 0 {
		lay = slices.Concat(env.over, env.params)
	}
	fields := env.nature().Fields
	type shadowed struct {
		nt  nature.Nature
		had bool
	}
	saved := make([]shadowed, len(lay))
	for i, p := range lay {
		saved[i].nt, saved[i].had = fields[p.name]
		fields[p.name] = p.nt
	}
	tree := &parser.Tree{Node: e.Root, Source: file.NewSource(e.Text)}
	rt, err := exprchecker.Check(tree, cfg)
	for i := len(saved) - 1; i >= 0; i-- {
		if name := lay[i].name; saved[i].had {
			fields[name] = saved[i].nt
		} else {
			delete(fields, name)
		}
	}
	if err != nil {
		b.exprError(e, err, env)
		return Type{}, false
	}
	e.Root = tree.Node
	if b.checker.callable == nil {
		b.checker.callable = append(slices.Clip(b.cfg.funcNames), "taken", "has")
	}
	funcs := b.checker.callable
	if extra != nil {
		funcs = slices.Concat(funcs, aggregateNames)
	}
	if err := supported(e.Root, funcs); err != nil {
		b.errorf(diag.ExprError, e.RangeOf(err.Node), "%s", err.Msg)
		return Type{}, false
	}
	if !b.rolesCompareWithRoles(e) {
		return Type{}, false
	}
	if !b.listsNotCompared(e) {
		return Type{}, false
	}
	b.checkPatterns(e)
	t := typeOf(rt)
	if t.Kind == Invalid {
		b.errorf(diag.TypeMismatch, e.Range(), "expression has type %s, which Charter cannot store or compare", syntax.CharterWords(rt.String()))
		return t, false
	}
	return t, true
}

// exprConfig returns a copy of the checker's expr-lang configuration (the
// stdlib declared, expr-lang's builtins removed; with the goal aggregates
// when measures is set). The base is built once per Check: building it per
// expression dominated the time to check large files.
func (b *builder) exprConfig(measures bool) *conf.Config {
	base := &b.checker.base
	if measures {
		base = &b.checker.measureBase
	}
	if *base == nil {
		cfg := conf.CreateNew()
		for name := range cfg.Builtins {
			delete(cfg.Builtins, name)
		}
		for _, o := range b.cfg.funcs {
			o(cfg)
		}
		takenOption(cfg)
		hasOption(cfg)
		if measures {
			for _, o := range aggregateOptions {
				o(cfg)
			}
		}
		*base = cfg
	}
	cp := **base
	return &cp
}

// withDurations declares the $7d identifiers the parser made of duration
// literals in env's nature. They stay there: a $ name means the same
// duration in every expression, and no declared name begins with $.
func (b *builder) withDurations(e *syntax.Expr, env *env) {
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if id, ok := n.(*exprast.IdentifierNode); ok && strings.HasPrefix(id.Value, "$") {
			fields := env.nature().Fields
			if _, ok := fields[id.Value]; !ok {
				fields[id.Value] = tDuration.Nature()
			}
		}
		return false
	})
}

func (b *builder) markUsed(e *syntax.Expr) {
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if id, ok := n.(*exprast.IdentifierNode); ok {
			b.used[id.Value] = true
		}
		if m, ok := n.(*exprast.MemberNode); ok {
			if s, ok := m.Property.(*exprast.StringNode); ok {
				b.used[s.Value] = true
			}
		}
		return false
	})
}

func (b *builder) exprError(e *syntax.Expr, err error, env view) {
	d := e.Diagnostic(diag.ExprError, err)
	switch {
	case strings.HasPrefix(d.Message, "unknown name "):
		name := strings.TrimPrefix(d.Message, "unknown name ")
		d.Code = diag.UnknownName
		d.Message = "unknown name " + name + b.notInScope(name)
		d.Suggestion = b.suggestInScope(name, env)
		if isAggregate(name) {
			d.Code = diag.BadMeasure
			d.Message = name + " is a goal aggregate: only a goal's measure can use it"
			d.Suggestion = ""
		}
		if t, _ := b.envs.member().lookup(name); b.inWhen && t != nil {
			d.Code = diag.BadWhen
			d.Message = "when conditions read goals (name.met, name.value, ...) and members, not member values such as " + name
		}
		if d.Range.Start == d.Range.End {
			d.Range.End.Column += len([]rune(name))
			d.Range.End.Offset += len(name)
		}
	case strings.HasPrefix(d.Message, "invalid operation"), strings.Contains(d.Message, "mismatched types"),
		strings.HasPrefix(d.Message, "cannot use"):
		d.Code = diag.TypeMismatch
		if m := badArgument.FindStringSubmatch(d.Message); m != nil && b.cfg.funcSigs != nil {
			// expr-lang names the parameter type of one overload only,
			// which misleads for len or max: say what the function takes.
			if sigs := b.cfg.funcSigs(m[2]); len(sigs) > 0 {
				d.Message = fmt.Sprintf("cannot use %s as an argument of %s, which is %s", m[1], m[2], strings.Join(sigs, " or "))
			}
		}
		if strings.Contains(d.Message, "duration and string") || strings.Contains(d.Message, "string and duration") {
			d.Suggestion = quotedDuration(e)
		}
		if strings.Contains(d.Message, "time and string") || strings.Contains(d.Message, "string and time") {
			d.Suggestion = quotedTime(e)
		}
	}
	b.diags = append(b.diags, d)
}

// suggestInScope is the did-you-mean of an unknown name in an expression:
// the names in scope, alphabetically first among the closest, then the
// functions in the order declared.
func (b *builder) suggestInScope(name string, env view) string {
	n := len(env.params) + len(b.cfg.funcNames)
	if env.env != nil {
		n += len(env.names) + len(env.over)
	}
	m, ok := b.matcher(name, n)
	if !ok {
		return ""
	}
	if env.env != nil {
		for n := range env.names {
			m.consider(n, true)
		}
		for _, o := range env.over {
			m.consider(o.name, true)
		}
	}
	for _, p := range env.params {
		m.consider(p.name, true)
	}
	m.seal()
	for _, n := range b.cfg.funcNames {
		m.consider(n, false)
	}
	return m.result()
}

func (b *builder) isMemberValue(name string) bool {
	t, _ := b.envs.member().lookup(name)
	return t != nil
}

// notInScope explains a name that exists in the community but not here.
func (b *builder) notInScope(name string) string {
	com := b.com
	switch {
	case com.Attr(name) != nil:
		return " (attribute " + name + " is not visible here)"
	case com.Badge(name) != nil:
		return " (badges are not visible here)"
	case com.Goal(name) != nil:
		return " (goals are visible only in rule, duty, when and admit conditions and expect that, through their fields)"
	case com.Role(name) != nil || name == "role" && len(com.Roles) > 0:
		return " (roles are not visible here)"
	}
	switch name {
	case WarningsAttr, WarnedAtAttr:
		return " (the live state keeps " + name + " only in a community with a warn sanction)"
	case DemotionsAttr:
		return " (the live state keeps demotions only in a community with a demote sanction)"
	case DemotedUntilAttr:
		return " (the live state keeps demoted_until only in a community with a demote sanction that has a period)"
	}
	for _, a := range com.Actions {
		if p := a.Param(name); p != nil {
			what := "parameter "
			if p.Type.Kind == Member {
				what = "member parameter "
			}
			return " (" + what + name + " of " + a.Name + " is not visible here)"
		}
	}
	if name == "members" {
		return " (members is visible only in measures, when and admit conditions and expect that)"
	}
	if name == "me" {
		return " (me, the acting member, is visible only in the rule conditions and effects of actions with a member parameter)"
	}
	return ""
}

func (b *builder) goalExprs(g *Goal) {
	if g.Measure != nil && g.Measure.Root != nil {
		b.measure(g)
	}
	if g.Target != nil && g.Target.Root != nil {
		if !isConstant(g.Target) {
			b.errorf(diag.BadTarget, g.Target.Range(), "target of goal %s must be a constant number", g.Name)
			return
		}
		t, ok := b.expr(g.Target, b.envs.none(), "target")
		if ok && !numeric(t) {
			b.errorf(diag.BadTarget, g.Target.Range(), "target of goal %s must be a number, not %s", g.Name, t)
		}
	}
}

// targetValue evaluates a goal's target; goalExprs reported a target that
// is not a constant number, so an error here leaves 0 in a model that is
// not used.
func targetValue(g *Goal) float64 {
	if g.Target == nil || g.Target.Root == nil {
		return 0
	}
	v, err := evalConst(g.Target)
	if err != nil {
		return 0
	}
	f, err := convertConst(v, Type{Kind: Float})
	if err != nil {
		return 0
	}
	return f.(float64)
}

// measure checks a goal measure: aggregates over member expressions, and
// arithmetic on aggregates and `members`.
func (b *builder) measure(g *Goal) {
	e := g.Measure
	ok := true
	var walk func(n exprast.Node, inAgg string)
	walk = func(n exprast.Node, inAgg string) {
		switch n := n.(type) {
		case *exprast.CallNode:
			if id, isID := n.Callee.(*exprast.IdentifierNode); isID && isAggregate(id.Value) {
				if inAgg != "" {
					b.errorf(diag.BadMeasure, e.RangeOf(n), "%s cannot appear inside %s", id.Value, inAgg)
					ok = false
					return
				}
				if len(n.Arguments) != 1 {
					b.errorf(diag.BadMeasure, e.RangeOf(n), "%s takes one member expression, got %d arguments", id.Value, len(n.Arguments))
					ok = false
					return
				}
				walk(n.Arguments[0], id.Value)
				return
			}
		case *exprast.IdentifierNode:
			if inAgg == "" && n.Value != "members" && !strings.HasPrefix(n.Value, "$") && b.isMemberValue(n.Value) {
				b.errorf(diag.BadMeasure, e.RangeOf(n), "%s is a member value: wrap it in an aggregate such as sum(%s) or count(...)", n.Value, n.Value)
				ok = false
			}
			if inAgg != "" && n.Value == "members" {
				b.errorf(diag.BadMeasure, e.RangeOf(n), "members counts the whole group and cannot appear inside %s", inAgg)
				ok = false
			}
		}
		for _, c := range children(n) {
			walk(c, inAgg)
		}
	}
	walk(e.Root, "")
	if !ok {
		return
	}
	t, tok := b.exprWith(e, b.envs.measure(), aggregateOptions)
	if !tok {
		return
	}
	if !numeric(t) {
		b.errorf(diag.BadMeasure, e.Range(), "measure of goal %s must be a number, not %s", g.Name, t)
		return
	}
	// Argument types: count and share need a bool, the rest a number.
	exprast.Find(e.Root, func(n exprast.Node) bool {
		c, isCall := n.(*exprast.CallNode)
		if !isCall {
			return false
		}
		id, isID := c.Callee.(*exprast.IdentifierNode)
		if !isID || !isAggregate(id.Value) || len(c.Arguments) != 1 {
			return false
		}
		at := typeOf(c.Arguments[0].Type())
		switch id.Value {
		case "count", "share":
			if at.Kind != Bool {
				b.errorf(diag.BadMeasure, e.RangeOf(c.Arguments[0]), "%s needs a bool condition, not %s", id.Value, at)
			}
		default:
			if !numeric(at) {
				b.errorf(diag.BadMeasure, e.RangeOf(c.Arguments[0]), "%s needs a number, not %s", id.Value, at)
			}
		}
		return false
	})
}

func isAggregate(name string) bool {
	for _, a := range aggregateNames {
		if a == name {
			return true
		}
	}
	return false
}

var aggregateOptions = []expr.Option{
	expr.Function("count", nil, new(func(any) int)),
	expr.Function("share", nil, new(func(any) float64)),
	expr.Function("sum", nil, new(func(any) float64)),
	expr.Function("avg", nil, new(func(any) float64)),
	expr.Function("min", nil, new(func(any) float64)),
	expr.Function("max", nil, new(func(any) float64)),
}

// children returns the direct sub-nodes of n.
func children(n exprast.Node) []exprast.Node {
	var out []exprast.Node
	v := &collector{root: n}
	exprast.Walk(&n, v)
	out = v.kids
	return out
}

type collector struct {
	root  exprast.Node
	kids  []exprast.Node
	depth int
}

// Visit is called after a node's children (post-order); direct children of
// root are those visited while depth is 0 at their own level. expr-lang's
// Walk is post-order, so collect by identity of parent links instead.
func (c *collector) Visit(node *exprast.Node) {
	if *node != c.root && isChild(c.root, *node) {
		c.kids = append(c.kids, *node)
	}
}

func isChild(parent, n exprast.Node) bool {
	switch p := parent.(type) {
	case *exprast.UnaryNode:
		return p.Node == n
	case *exprast.BinaryNode:
		return p.Left == n || p.Right == n
	case *exprast.ChainNode:
		return p.Node == n
	case *exprast.MemberNode:
		return p.Node == n || p.Property == n
	case *exprast.SliceNode:
		return p.Node == n || p.From == n || p.To == n
	case *exprast.CallNode:
		if p.Callee == n {
			return true
		}
		for _, a := range p.Arguments {
			if a == n {
				return true
			}
		}
	case *exprast.BuiltinNode:
		for _, a := range p.Arguments {
			if a == n {
				return true
			}
		}
	case *exprast.ConditionalNode:
		return p.Cond == n || p.Exp1 == n || p.Exp2 == n
	case *exprast.ArrayNode:
		for _, a := range p.Nodes {
			if a == n {
				return true
			}
		}
	case *exprast.MapNode:
		for _, a := range p.Pairs {
			if a == n {
				return true
			}
		}
	case *exprast.PairNode:
		return p.Key == n || p.Value == n
	case *exprast.PredicateNode:
		return p.Node == n
	case *exprast.VariableDeclaratorNode:
		return p.Value == n || p.Expr == n
	case *exprast.SequenceNode:
		for _, a := range p.Nodes {
			if a == n {
				return true
			}
		}
	}
	return false
}

// rolesCompareWithRoles reports a role compared with, or combined with, a
// value that is not a role: expr-lang sees ranks as ints and would accept
// role >= 3, whose meaning changes whenever the ladder does.
// listsNotCompared refuses == and != between lists (SPEC §7.2): expr-lang
// would take them, and the evaluator has no list equality, so the compile
// step refused them later in Go's words.
func (b *builder) listsNotCompared(e *syntax.Expr) bool {
	isList := func(n exprast.Node) bool {
		t := n.Type()
		return t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array)
	}
	ok := true
	exprast.Find(e.Root, func(n exprast.Node) bool {
		bn, isBin := n.(*exprast.BinaryNode)
		if ok && isBin && (bn.Operator == "==" || bn.Operator == "!=") && (isList(bn.Left) || isList(bn.Right)) {
			b.errorf(diag.TypeMismatch, e.RangeOf(bn), "lists are not compared with %s: write len(x) == 0 for an empty list, or v in x for one element", bn.Operator)
			ok = false
		}
		return false
	})
	return ok
}

func (b *builder) rolesCompareWithRoles(e *syntax.Expr) bool {
	if len(b.com.Roles) == 0 {
		return true
	}
	isRole := func(n exprast.Node) bool {
		if m, ok := n.(*exprast.MemberNode); ok { // p.role: no goal field is called role
			s, ok := m.Property.(*exprast.StringNode)
			return ok && s.Value == "role"
		}
		id, ok := n.(*exprast.IdentifierNode)
		return ok && (id.Value == "role" || b.role(id.Value) != nil)
	}
	ok := true
	exprast.Find(e.Root, func(n exprast.Node) bool {
		bn, isBin := n.(*exprast.BinaryNode)
		if !isBin || !ok {
			return false
		}
		switch bn.Operator {
		case "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "**":
			if isRole(bn.Left) != isRole(bn.Right) {
				b.errorf(diag.TypeMismatch, e.RangeOf(bn), "a role compares only with roles (its rank is not a number): write role >= %s", b.com.Roles[len(b.com.Roles)/2].Name)
				ok = false
			}
		case "in", "not in":
			if isRole(bn.Left) {
				arr, isArr := bn.Right.(*exprast.ArrayNode)
				all := isArr
				if isArr {
					for _, x := range arr.Nodes {
						all = all && isRole(x)
					}
				}
				if !all {
					b.errorf(diag.TypeMismatch, e.RangeOf(bn), "role in [...] takes a list of roles: role in [%s]", b.com.Roles[0].Name)
					ok = false
				}
			}
		}
		return false
	})
	return ok
}

// checkMembers reports the uses of a member (a member parameter, or me)
// that are not one of the two a member has (§6.5): p.attr and p.role, an
// attribute or the role of the member parameter p; and a == b or a != b
// of two members, one of them a parameter. It runs before expr-lang's
// checker, which would take a member for the map of its attributes.
func (b *builder) checkMembers(e *syntax.Expr, v view) bool {
	var member *binding
	for i := range v.params {
		if v.params[i].member {
			member = &v.params[i]
			break
		}
	}
	if member == nil {
		return true
	}
	isMember := func(n exprast.Node) (string, bool) {
		id, ok := n.(*exprast.IdentifierNode)
		if !ok {
			return "", false
		}
		for i := len(v.params) - 1; i >= 0; i-- {
			if v.params[i].name == id.Value {
				return id.Value, v.params[i].member
			}
		}
		return "", false
	}
	ok := true
	misuse := func(n exprast.Node, name string) {
		hint := name + " != me"
		if name == "me" {
			hint = "me != " + firstMemberParam(v)
		}
		b.errorf(diag.TypeMismatch, e.RangeOf(n), "%s is a member: it compares only with another member, with == or != (%s), or is read as p.attr for a member parameter p", name, hint)
		ok = false
	}
	var walk func(n exprast.Node)
	walk = func(n exprast.Node) {
		switch n := n.(type) {
		case *exprast.MemberNode:
			name, isM := isMember(n.Node)
			if !isM {
				break
			}
			field, isField := n.Property.(*exprast.StringNode)
			switch {
			case !isField:
				misuse(n.Node, name)
			case name == "me":
				r := e.RangeOf(n)
				r.Start = e.RangeOf(n.Node).Start
				d := b.errorf(diag.ExprError, r, "me.%s: the acting member's own values are read by name", field.Value)
				d.Suggestion = "write " + field.Value
				ok = false
			default:
				if _, known := member.t.(types.Map)[field.Value]; !known {
					d := b.errorf(diag.UnknownName, e.RangeOf(n.Property), "unknown attribute %s of member parameter %s", field.Value, name)
					d.Suggestion = suggestKey(b.checker, field.Value, member.t.(types.Map))
					if field.Value == "has" && d.Suggestion == "" {
						// to.has(email): has is a function (SPEC §7.7).
						d.Suggestion = "write has(" + name + ".attr) to ask whether " + name + " gave attr"
					}
					ok = false
				}
			}
			return
		case *exprast.BinaryNode:
			ln, lm := isMember(n.Left)
			rn, rm := isMember(n.Right)
			if !lm && !rm {
				break
			}
			switch {
			case (n.Operator == "==" || n.Operator == "!=") && lm && rm:
				if ln == "me" && rn == "me" {
					b.errorf(diag.TypeMismatch, e.RangeOf(n), "me %s me compares the acting member with itself: compare me with a member parameter (me != %s)", n.Operator, firstMemberParam(v))
					ok = false
				}
			case lm:
				misuse(n.Left, ln)
			default:
				misuse(n.Right, rn)
			}
			if !lm {
				walk(n.Left)
			}
			if !rm {
				walk(n.Right)
			}
			return
		case *exprast.IdentifierNode:
			if name, isM := isMember(n); isM {
				misuse(n, name)
			}
			return
		}
		for _, c := range children(n) {
			walk(c)
		}
	}
	walk(e.Root)
	return ok
}

// firstMemberParam names a member parameter of v, for examples in
// messages.
func firstMemberParam(v view) string {
	for _, p := range v.params {
		if p.member && p.name != "me" {
			return p.name
		}
	}
	return "p"
}

// badArgument is expr-lang's message for an argument of the wrong type.
var badArgument = regexp.MustCompile(`^cannot use (.+) as argument \(type .+\) to call (\w+)$`)

// quotedTime explains a string in e that reads as an RFC 3339 time,
// compared or combined with a time: a time is written so only where a
// constant is given (a default, a test value), and new users reach for it
// in conditions too.
func quotedTime(e *syntax.Expr) string {
	var lit string
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if s, ok := n.(*exprast.StringNode); ok && lit == "" {
			if _, err := time.Parse(time.RFC3339Nano, s.Value); err == nil {
				lit = s.Value
			}
		}
		return false
	})
	if lit == "" {
		return ""
	}
	return fmt.Sprintf("%q is a string, and expressions have no time constants: compare the time with now(), as since(t) > 7d or until(t) == 14d do", lit)
}

// quotedDuration suggests the literal for a string in e that reads as a
// duration ("10m" compared with a duration): the quotes make it a string.
func quotedDuration(e *syntax.Expr) string {
	var lit string
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if s, ok := n.(*exprast.StringNode); ok && lit == "" {
			if _, err := syntax.DurationValue(s.Value); err == nil {
				lit = s.Value
			}
		}
		return false
	})
	if lit == "" {
		return ""
	}
	return fmt.Sprintf("write %s without quotes: %q is a string, %s a duration", lit, lit, lit)
}
