package check

import (
	"fmt"
	"slices"
	"strings"
	"time"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// builder checks the declarations of one community, on top of what it
// inherited from its parent.
type builder struct {
	*checker
	com *Community
	// owned is ownDecls of the community, built on first use (ownSet).
	owned map[syntax.Decl]bool
	// own marks names declared in this community (not inherited), by kind.
	ownAttrs map[string]bool
	used     map[string]bool // attribute names read by some expression
	envs     *envs
	inWhen   bool // checking a when condition: member values there are CH0111
	inLadder bool // checking a rung: a named condition that reads the role is CH0127
	inAdmit  bool // checking an admit condition: taken is CH0128
	// letsOpen is how many of com.Lets an expression may read: while the
	// condition of the i-th is checked, the i before it.
	letsOpen int
	// sharedEnvs is true when the community uses its parent's envs.
	sharedEnvs bool
	// overridesAttr is true when the schema redeclares an inherited attribute.
	overridesAttr bool
	ownRungs      map[*syntax.Rung]bool // built by isOwnRung
	roleIdx       map[string]*RoleDef   // built by role
	badgeIdx      map[string]*BadgeDef  // built by badgeNamed
}

var typeKinds = map[string]Kind{
	"int": Int, "float": Float, "bool": Bool, "string": String, "time": Time, "duration": Duration,
}

func (b *builder) resolveType(t *syntax.TypeRef, param bool) (Type, bool) {
	if t.Name.Name == "member" {
		if !param || t.List {
			b.errorf(diag.UnknownType, t.Range(), "type member is only for action parameters")
			return Type{}, false
		}
		return Type{Kind: Member}, true
	}
	k, ok := typeKinds[t.Name.Name]
	if !ok {
		names := []string{"int", "float", "bool", "string", "time", "duration"}
		if param {
			names = append(names, "member")
		}
		d := b.errorf(diag.UnknownType, t.Name.Range(), "unknown type %s; the types are int, float, bool, string, time, duration and []T", t.Name.Name)
		d.Suggestion = b.suggest(t.Name.Name, names)
		return Type{}, false
	}
	if t.List {
		return Type{Kind: List, Elem: k}, true
	}
	return Type{Kind: k}, true
}

func (b *builder) build() {
	com := b.com
	b.ownAttrs = map[string]bool{}
	b.used = map[string]bool{}
	var (
		schemaSeen                                *syntax.Schema
		settingsSeen                              *syntax.Settings
		purposeSeen, defaultSeen, zoneSeen, roles *syntax.Node
		admitSeen                                 *syntax.Admit
	)
	ownActions := map[string]*syntax.Action{}
	ownBadges := map[string]*syntax.Badge{}
	ownGoals := map[string]*syntax.Goal{}
	ownEffects := map[string]*syntax.Effect{}

	// Pass 1: declarations that introduce names.
	for _, d := range com.Decl.Decls {
		switch d := d.(type) {
		case *syntax.Timezone:
			if zoneSeen != nil {
				b.errorf(diag.Duplicate, d.Range(), "timezone is already stated at %s", zoneSeen.Pos)
				continue
			}
			zoneSeen = &d.Node
			name := d.Name.Value()
			// LoadLocation reads the tz database (a file, or the copy
			// embedded by time/tzdata) here, at check time: evaluation
			// reads no file. "" and "Local" would depend on the machine.
			loc, err := time.LoadLocation(name)
			if err != nil || name == "" || name == "Local" {
				b.errorf(diag.BadWindow, d.Name.Range(), "unknown time zone %s: want an IANA name such as \"Europe/Paris\" or \"UTC\"", d.Name.Raw)
				continue
			}
			com.Zone = loc
		case *syntax.Purpose:
			if purposeSeen != nil {
				b.errorf(diag.Duplicate, d.Range(), "purpose is already stated at %s", purposeSeen.Pos)
				continue
			}
			purposeSeen = &d.Node
			com.Purpose = d.Text.Value()
		case *syntax.Default:
			if defaultSeen != nil {
				b.errorf(diag.Duplicate, d.Range(), "default is already stated at %s", defaultSeen.Pos)
				continue
			}
			defaultSeen = &d.Node
			com.DefaultAllow = d.Value == "allow"
		case *syntax.Schema:
			if schemaSeen != nil {
				b.errorf(diag.Duplicate, d.Range(), "member schema is already declared at %s; declare every attribute in one block", schemaSeen.Pos)
				continue
			}
			schemaSeen = d
			b.schema(d)
		case *syntax.Settings:
			if settingsSeen != nil {
				b.errorf(diag.Duplicate, d.Range(), "settings are already declared at %s; declare every setting in one block", settingsSeen.Pos)
				continue
			}
			settingsSeen = d
			b.settings(d)
		case *syntax.Action:
			if prev, ok := ownActions[d.Name.Name]; ok {
				b.errorf(diag.Duplicate, d.Name.Range(), "action %s is already declared at %s", d.Name.Name, prev.Name.Pos)
				continue
			}
			ownActions[d.Name.Name] = d
			b.action(d)
		case *syntax.Roles:
			if roles != nil {
				b.errorf(diag.Duplicate, d.Range(), "roles are already declared at %s; a community has one ladder", roles.Pos)
				continue
			}
			roles = &d.Node
			b.roles(d)
		case *syntax.Let:
			if prev := com.let(d.Name.Name); prev != nil {
				b.errorf(diag.Duplicate, d.Name.Range(), "named condition %s is already declared at %s", d.Name.Name, prev.Decl.Name.Pos)
				continue
			}
			com.Lets = append(com.Lets, &LetDef{Name: d.Name.Name, Cond: d.Cond, Decl: d})
		case *syntax.Badge:
			if prev, ok := ownBadges[d.Name.Name]; ok {
				b.errorf(diag.Duplicate, d.Name.Range(), "badge %s is already declared at %s", d.Name.Name, prev.Name.Pos)
				continue
			}
			ownBadges[d.Name.Name] = d
			b.badge(d)
		case *syntax.Goal:
			if prev, ok := ownGoals[d.Name.Name]; ok {
				b.errorf(diag.Duplicate, d.Name.Range(), "goal %s is already declared at %s", d.Name.Name, prev.Name.Pos)
				continue
			}
			ownGoals[d.Name.Name] = d
			b.goal(d)
		case *syntax.Admit:
			if com.Parent == nil {
				b.errorf(diag.BadAdmit, d.Range(), "admit needs a parent: write `community %s extends Parent`", com.Name)
				continue
			}
			if admitSeen != nil {
				b.errorf(diag.BadAdmit, d.Range(), "admit is already stated at %s; combine the conditions with &&", admitSeen.Pos)
				continue
			}
			admitSeen = d
			com.Admit = d.Cond
		}
	}
	b.anyRules()
	added := b.keptAttrs()
	// A child that declares no names sees every name as its parent does:
	// it shares the parent's environments, and its namespace is the
	// parent's, already checked.
	b.sharedEnvs = com.Parent != nil && len(com.origins) == 0 && !declaresNames(com.Decl) && !added
	if b.sharedEnvs {
		b.envs = com.Parent.envs
	} else {
		ns := b.namespace()
		b.envs = b.makeEnvs()
		b.envs.ns = ns
	}

	// Pass 2: expressions, rules, effects, messages, tests. Named
	// conditions first: every later expression reads them expanded.
	b.lets()
	for _, a := range com.Attrs {
		if a.Decl != nil && b.ownAttrs[a.Name] && a.Decl.Default != nil {
			if a.Required {
				b.errorf(diag.RequiredDefault, a.Decl.Default.Range(), "attribute %s is required, so it has no default: every record gives it", a.Name)
				continue
			}
			b.attrDefault(a)
		}
	}
	for _, r := range com.Roles {
		if r.Cond != nil && r.Decl != nil && b.isOwnRung(r) {
			b.inLadder = true
			b.cond(r.Cond, b.envs.ladder(), "role "+r.Name)
			b.inLadder = false
		}
	}
	for _, bd := range com.Badges {
		if ownBadges[bd.Name] == bd.Decl {
			b.cond(bd.Cond, b.envs.badge(), "badge "+bd.Name)
		}
	}
	if com.Admit != nil {
		b.inAdmit = true
		b.cond(com.Admit, b.envs.admit(), "admit")
		b.inAdmit = false
	}
	for _, g := range com.Goals {
		if ownGoals[g.Name] == g.Decl {
			b.goalExprs(g)
		}
		g.TargetValue = targetValue(g)
	}
	for _, d := range com.Decl.Decls {
		switch d := d.(type) {
		case *syntax.May, *syntax.MustNot, *syntax.First, *syntax.Limit, *syntax.Duty:
			b.rule(d, nil)
		case *syntax.Nudge, *syntax.Offer:
			b.message(d, nil)
		case *syntax.When:
			b.when(d)
		case *syntax.Effect:
			if prev, ok := ownEffects[d.Action.Name]; ok {
				b.errorf(diag.Duplicate, d.Action.Range(), "effects of %s are already declared at %s; put every assignment in one block", d.Action.Name, prev.Pos)
				continue
			}
			ownEffects[d.Action.Name] = d
			b.effect(d)
		case *syntax.Test:
			for _, prev := range com.Tests {
				if prev.Name.Value() == d.Name.Value() {
					b.errorf(diag.Duplicate, d.Name.Range(), "test %s is already declared at %s", d.Name.Raw, prev.Name.Pos)
				}
			}
			com.Tests = append(com.Tests, d)
		}
	}
	b.texts()
	for _, t := range com.Tests {
		b.test(t)
	}
	b.recheckInherited()
	b.lint()
	com.envs = b.envs
}

// declaresNames reports whether cd declares a name an expression can read,
// or brings one from a standard piece.
func declaresNames(cd *syntax.Community) bool {
	for _, d := range cd.Decls {
		switch d.(type) {
		case *syntax.Schema, *syntax.Settings, *syntax.Action, *syntax.Roles, *syntax.Badge, *syntax.Goal, *syntax.Use:
			return true
		}
	}
	return false
}

// recheckInherited checks, in this community's environments, every
// expression it inherited from its parent or a standard piece: a child may
// replace the ladder, or a badge or goal, that an inherited rule reads. A
// failure is reported at the community's name, naming the inherited
// declaration's position.
//
// An expression from the parent is checked again only when a name it reads
// is bound differently here (another type, or a role where the parent had
// none): otherwise it checks here as it did there. Re-checking every
// inherited expression in every child made a chain of 1,000 empty children
// of a 5,000-rule community take 26 s and 7 GB (issue 16).
func (b *builder) recheckInherited() {
	com := b.com
	p := com.Parent
	if p == nil && len(com.origins) == 0 || b.sharedEnvs {
		return // shared environments: every name is bound as in the parent
	}
	own := b.ownSet()
	var roles, parentRoles map[string]bool
	if p != nil {
		roles, parentRoles = roleSet(com), roleSet(p)
	}
	// check re-checks e unless it comes from the parent (pv is then the
	// parent's environment for it, cv this community's) and reads nothing
	// bound differently here.
	check := func(e *syntax.Expr, what string, fromParent bool, pv, cv view, run func(v view)) {
		if e == nil || e.Root == nil {
			return
		}
		if fromParent && b.sameBindings(e, pv, cv, parentRoles, roles) {
			if b.overridesAttr {
				// The inherited expression reads this community's
				// redeclared attribute, which is then used.
				for _, n := range b.readNames(e) {
					b.used[n] = true
				}
			}
			return
		}
		start := len(b.diags)
		run(cv)
		for i := start; i < len(b.diags); i++ {
			d := &b.diags[i]
			if d.Severity != diag.Error {
				continue
			}
			d.Message = fmt.Sprintf("%s inherited from %s does not check in %s: %s", what, e.Pos, com.Name, d.Message)
			d.Range = com.Decl.Name.Range()
		}
	}
	var pe *envs
	if p != nil {
		pe = p.envs
	}
	ownRungs := false
	for _, d := range com.Decl.Decls {
		_, ownRungs = d.(*syntax.Roles)
		if ownRungs {
			break
		}
	}
	if !ownRungs {
		fromParent := p != nil && com.origins["roles"] == ""
		for _, r := range com.Roles {
			check(r.Cond, "role "+r.Name, fromParent, pe.view(envLadder, nil), b.envs.ladder(), func(v view) { b.cond(r.Cond, v, "role "+r.Name) })
		}
	}
	for i, bd := range com.Badges {
		if !own[syntax.Decl(bd.Decl)] {
			fromParent := p != nil && i < len(p.Badges) && p.Badges[i] == bd
			check(bd.Cond, "badge "+bd.Name, fromParent, pe.view(envBadge, nil), b.envs.badge(), func(v view) { b.cond(bd.Cond, v, "badge "+bd.Name) })
		}
	}
	for i, r := range com.Rules {
		if own[r.Decl] {
			continue
		}
		fromParent := p != nil && i < len(p.Rules) && p.Rules[i].Decl == r.Decl
		var params, parentParams []*Param
		if r.Kind != Duty {
			params = commonParams(r.Actions)
			if fromParent {
				parentParams = commonParams(p.Rules[i].Actions)
			}
		}
		check(r.Cond, r.Kind.String()+" rule", fromParent, pe.view(envRule, parentParams), b.envs.rule(params), func(v view) { b.cond(r.Cond, v, r.Kind.String()) })
		check(r.When, "when condition", fromParent, pe.view(envWhen, nil), b.envs.when(), func(v view) { b.cond(r.When, v, "when") })
	}
	for i, e := range com.Effects {
		if own[syntax.Decl(e.Decl)] {
			continue
		}
		fromParent := p != nil && i < len(p.Effects) && p.Effects[i].Decl == e.Decl
		var parentParams []*Param
		if fromParent {
			parentParams = p.Effects[i].Action.Params
		}
		pv, cv := pe.view(envEffect, parentParams), b.envs.effect(e.Action.Params)
		for _, as := range e.Assigns {
			if as.Attr != nil && as.Attr.Type.Kind == List {
				continue // [] or a member: listEffect saw it, and it reads no name a child can rebind
			}
			check(as.Value, "effect of "+e.Action.Name, fromParent, pv, cv, func(v view) { b.expr(as.Value, v, "effect value") })
		}
	}
	for i, g := range com.Goals {
		if own[syntax.Decl(g.Decl)] || g.Measure == nil {
			continue
		}
		fromParent := p != nil && i < len(p.Goals) && p.Goals[i].Decl == g.Decl
		check(g.Measure, "measure of goal "+g.Name, fromParent, pe.view(envMeasure, nil), b.envs.measure(), func(v view) { b.exprWith(g.Measure, v, aggregateOptions) })
	}
	for i, m := range com.Messages {
		if !own[m.Decl] {
			fromParent := p != nil && i < len(p.Messages) && p.Messages[i] == m
			check(m.When, "when condition", fromParent, pe.view(envWhen, nil), b.envs.when(), func(v view) { b.cond(m.When, v, "when") })
		}
	}
}

// ownDecls is the set of the declarations cd itself writes, those inside
// its when blocks included.
// ownSet is ownDecls of b's community, built once for the passes that ask.
func (b *builder) ownSet() map[syntax.Decl]bool {
	if b.owned == nil {
		b.owned = ownDecls(b.com.Decl)
	}
	return b.owned
}

func ownDecls(cd *syntax.Community) map[syntax.Decl]bool {
	own := make(map[syntax.Decl]bool, len(cd.Decls))
	for _, d := range cd.Decls {
		own[d] = true
		if w, ok := d.(*syntax.When); ok {
			for _, x := range w.Decls {
				own[x] = true
			}
		}
	}
	return own
}

// roleSet holds the names that are roles in com: its rungs, and role when
// it has a ladder.
func roleSet(com *Community) map[string]bool {
	m := make(map[string]bool, len(com.Roles)+1)
	for _, r := range com.Roles {
		m[r.Name] = true
	}
	if len(com.Roles) > 0 {
		m["role"] = true
	}
	return m
}

// sameBindings reports whether every name e reads is bound in cv as in pv:
// with the same type, and a role in both or in neither.
func (b *builder) sameBindings(e *syntax.Expr, pv, cv view, parentRoles, roles map[string]bool) bool {
	for _, n := range b.readNames(e) {
		pt, pok := pv.lookup(n)
		ct, cok := cv.lookup(n)
		if pok != cok || pok && !sameType(pt, ct) || parentRoles[n] != roles[n] {
			return false
		}
	}
	return true
}

// readNames returns the identifiers and field names e reads, each once,
// computed once per expression however many communities inherit it.
func (b *builder) readNames(e *syntax.Expr) []string {
	if names, ok := b.reads[e]; ok {
		return names
	}
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if id, ok := n.(*exprast.IdentifierNode); ok {
			add(id.Value)
		}
		if m, ok := n.(*exprast.MemberNode); ok {
			if s, ok := m.Property.(*exprast.StringNode); ok {
				add(s.Value)
			}
		}
		return false
	})
	if b.reads == nil {
		b.reads = map[*syntax.Expr][]string{}
	}
	b.reads[e] = names
	return names
}

// origin names where an inherited declaration came from: the parent
// community, or the standard piece that brought it.
func (b *builder) origin(key string) string {
	if o, ok := b.com.origins[key]; ok {
		return o
	}
	if b.com.Parent != nil {
		return b.com.Parent.Name
	}
	return "a standard piece"
}

func (b *builder) isOwnRung(r *RoleDef) bool {
	if b.ownRungs == nil {
		b.ownRungs = map[*syntax.Rung]bool{}
		for _, d := range b.com.Decl.Decls {
			if rs, ok := d.(*syntax.Roles); ok {
				for _, rung := range rs.Rungs {
					b.ownRungs[rung] = true
				}
			}
		}
	}
	return b.ownRungs[r.Decl]
}

// role and badgeNamed find the community's role or badge called name through
// an index built on first use (the ladder and badges are final after the
// first pass): Community.Role and Badge scan, and a ladder of tens of
// thousands of rungs made checking quadratic.
func (b *builder) role(name string) *RoleDef {
	return byName(&b.roleIdx, b.com.Roles, name, func(r *RoleDef) string { return r.Name })
}

func (b *builder) badgeNamed(name string) *BadgeDef {
	return byName(&b.badgeIdx, b.com.Badges, name, func(bd *BadgeDef) string { return bd.Name })
}

// byName finds the first of list called name through *idx, which it builds
// on first use.
func byName[T any](idx *map[string]*T, list []*T, name string, nameOf func(*T) string) *T {
	if *idx == nil {
		*idx = make(map[string]*T, len(list))
		for _, x := range list {
			if _, ok := (*idx)[nameOf(x)]; !ok {
				(*idx)[nameOf(x)] = x
			}
		}
	}
	return (*idx)[name]
}

func (b *builder) schema(s *syntax.Schema) {
	com := b.com
	declared := map[string]*syntax.Attr{}
	for _, ad := range s.Attrs {
		name := ad.Name.Name
		if prev, ok := declared[name]; ok {
			b.errorf(diag.Duplicate, ad.Name.Range(), "attribute %s is already declared at %s", name, prev.Name.Pos)
			continue
		}
		declared[name] = ad
		t, ok := b.resolveType(ad.Type, false)
		if !ok {
			continue
		}
		if prev := com.attrByName[name]; prev != nil { // inherited
			if prev.Type != t {
				b.errorf(diag.Duplicate, ad.Name.Range(), "attribute %s is inherited from %s as %s and cannot change type to %s", name, b.origin("attr:"+name), prev.Type, t)
				continue
			}
			b.infof(diag.Override, ad.Name.Range(), "attribute %s overrides the one inherited from %s", name, b.origin("attr:"+name))
			b.ownAttrs[name] = true
			b.overridesAttr = true
			prev.Decl = ad
			prev.Default = zeroValue(t)
			prev.Required = ad.Required
			continue
		}
		b.ownAttrs[name] = true
		a := &Attr{Name: name, Type: t, Default: zeroValue(t), Required: ad.Required, Slot: len(com.Attrs), Decl: ad}
		com.Attrs = append(com.Attrs, a)
		com.attrByName[name] = a
	}
}

// settings declares the community's settings (SPEC §6.4.1): each has a
// type and a constant default, and a child may redeclare an inherited one
// with the same type to change its default. Names that clash with other
// names are reported once the community's names are known (lets).
func (b *builder) settings(s *syntax.Settings) {
	com := b.com
	declared := map[string]*syntax.Attr{}
	for _, ad := range s.Attrs {
		name := ad.Name.Name
		if prev, ok := declared[name]; ok {
			b.errorf(diag.Duplicate, ad.Name.Range(), "setting %s is already declared at %s", name, prev.Name.Pos)
			continue
		}
		declared[name] = ad
		if ad.Required {
			b.errorf(diag.BadDefault, ad.Name.Range(), "setting %s cannot be required: a setting always has its default, which the host may change", name)
			continue
		}
		if ad.Default == nil {
			b.errorf(diag.BadDefault, ad.Name.Range(), "setting %s needs a default: write %s: %s = VALUE", name, name, ad.Type)
			continue
		}
		t, ok := b.resolveType(ad.Type, false)
		if !ok {
			continue
		}
		if t.Kind == List || t.Kind == Time {
			b.errorf(diag.UnknownType, ad.Type.Range(), "setting %s has type %s; a setting is an int, float, bool, string or duration", name, t)
			continue
		}
		v, ok := b.constant(ad.Default, t, "default of setting "+name, diag.BadDefault)
		if !ok {
			continue
		}
		if prev := com.Setting(name); prev != nil { // inherited
			if prev.Type != t {
				b.errorf(diag.Duplicate, ad.Name.Range(), "setting %s is inherited as %s and cannot change type to %s", name, prev.Type, t)
				continue
			}
			b.infof(diag.Override, ad.Name.Range(), "setting %s overrides the inherited one", name)
			prev.Decl, prev.Default = ad, v
			continue
		}
		com.Settings = append(com.Settings, &Attr{Name: name, Type: t, Default: v, Slot: len(com.Settings), Decl: ad})
	}
}

func zeroValue(t Type) any {
	switch t.Kind {
	case Int:
		return int64(0)
	case Float:
		return float64(0)
	case Bool:
		return false
	case String:
		return ""
	case Time:
		return time.Unix(0, 0).UTC() // records hold nanoseconds since the epoch
	case Duration:
		return time.Duration(0)
	case List:
		switch t.Elem {
		case Int:
			return []int64(nil)
		case Float:
			return []float64(nil)
		case Bool:
			return []bool(nil)
		case Time:
			return []time.Time(nil)
		case Duration:
			return []time.Duration(nil)
		}
		return []string(nil)
	}
	return nil
}

func (b *builder) action(d *syntax.Action) {
	com := b.com
	a := &Action{Name: d.Name.Name, Decl: d}
	if a.Name == AnyAction {
		b.errorf(diag.Reserved, d.Name.Range(), "action name any is reserved: `may any` and `must not any` cover every action; choose another name")
	}
	seen := map[string]bool{}
	for _, pd := range d.Params {
		if seen[pd.Name.Name] {
			b.errorf(diag.Duplicate, pd.Name.Range(), "parameter %s is declared twice in %s", pd.Name.Name, a.Name)
			continue
		}
		seen[pd.Name.Name] = true
		t, ok := b.resolveType(pd.Type, true)
		if !ok {
			t = Type{Kind: Invalid}
		}
		a.Params = append(a.Params, &Param{Name: pd.Name.Name, Type: t, Slot: len(a.Params)})
	}
	if prev := com.actionByName[a.Name]; prev != nil {
		b.infof(diag.Override, d.Name.Range(), "action %s overrides the one inherited from %s", a.Name, b.origin("action:"+a.Name))
		a.Index = prev.Index
		com.Actions[prev.Index] = a
		// Inherited rules and effects name the parent's action; point them here.
		b.replaceAction(prev, a)
	} else {
		a.Index = len(com.Actions)
		com.Actions = append(com.Actions, a)
	}
	com.actionByName[a.Name] = a
}

// replaceAction makes inherited rules and effects refer to the child's
// redeclared action.
func (b *builder) replaceAction(old, repl *Action) {
	com := b.com
	for i, r := range com.Rules {
		changed := false
		nr := *r
		nr.Actions = append([]*Action(nil), r.Actions...)
		for j, a := range nr.Actions {
			if a == old {
				nr.Actions[j] = repl
				changed = true
			}
		}
		if nr.Before == old {
			nr.Before = repl
			changed = true
		}
		if changed {
			com.Rules[i] = &nr
		}
	}
	for i, e := range com.Effects {
		if e.Action == old {
			ne := *e
			ne.Action = repl
			com.Effects[i] = &ne
		}
	}
}

func (b *builder) roles(d *syntax.Roles) {
	com := b.com
	if len(com.Roles) > 0 {
		b.infof(diag.Override, d.Range(), "roles replace the ladder inherited from %s", b.origin("roles"))
	}
	com.Roles = nil
	seen := map[string]*syntax.Rung{}
	n := len(d.Rungs)
	for i, rd := range d.Rungs {
		if prev, ok := seen[rd.Name.Name]; ok {
			b.errorf(diag.Duplicate, rd.Name.Range(), "role %s is already on the ladder at %s", rd.Name.Name, prev.Pos)
			continue
		}
		seen[rd.Name.Name] = rd
		if rd.Otherwise && i != n-1 {
			b.errorf(diag.BadOtherwise, rd.Range(), "otherwise must be the last rung: roles below %s could never be held", rd.Name.Name)
		}
		com.Roles = append(com.Roles, &RoleDef{Name: rd.Name.Name, Cond: rd.Cond, Otherwise: rd.Otherwise, Decl: rd})
	}
	hasOtherwise := false
	for _, rd := range d.Rungs {
		hasOtherwise = hasOtherwise || rd.Otherwise
	}
	if n > 0 && !hasOtherwise {
		last := d.Rungs[n-1]
		b.errorf(diag.BadOtherwise, last.Range(), "the last rung must be `%s otherwise` (or add a rung `NAME otherwise`) so that every member holds a role", last.Name.Name)
	}
	for i, r := range com.Roles {
		r.Rank = len(com.Roles) - 1 - i
	}
}

func (b *builder) badge(d *syntax.Badge) {
	com := b.com
	bd := &BadgeDef{Name: d.Name.Name, Cond: d.Cond, Decl: d}
	for i, prev := range com.Badges {
		if prev.Name == bd.Name {
			b.infof(diag.Override, d.Name.Range(), "badge %s overrides the one inherited from %s", bd.Name, b.origin("badge:"+bd.Name))
			com.Badges[i] = bd
			return
		}
	}
	com.Badges = append(com.Badges, bd)
}

func (b *builder) goal(d *syntax.Goal) {
	com := b.com
	g := &Goal{Name: d.Name.Name, Decl: d}
	if d.Title != nil {
		g.Title = d.Title.Value()
	}
	for _, it := range d.Items {
		switch {
		case it.Measure != nil && g.Measure != nil:
			b.errorf(diag.Duplicate, it.Range(), "goal %s already has a measure", g.Name)
		case it.Measure != nil:
			g.Measure = it.Measure
		case g.Target != nil:
			b.errorf(diag.Duplicate, it.Range(), "goal %s already has a target", g.Name)
		default:
			g.Op, g.Target = it.Op, it.Target
		}
	}
	if g.Measure == nil {
		b.errorf(diag.MissingPart, d.Name.Range(), "goal %s has no measure: add `measure EXPR`", g.Name)
	}
	if g.Target == nil {
		b.errorf(diag.MissingPart, d.Name.Range(), "goal %s has no target: add `target >= N`", g.Name)
	}
	for i, prev := range com.Goals {
		if prev.Name == g.Name {
			b.infof(diag.Override, d.Name.Range(), "goal %s overrides the one inherited from %s", g.Name, b.origin("goal:"+g.Name))
			g.Index = i
			com.Goals[i] = g
			return
		}
	}
	g.Index = len(com.Goals)
	com.Goals = append(com.Goals, g)
}

// owner is the first declaration namespace saw of a name. It holds the
// name's identifier, not its range: a wide schema has tens of thousands.
type owner struct {
	kind string
	id   *syntax.Ident
}

// names is what namespace saw in one community: each name's owner, those
// of an ancestor's names in parent, and whether it reported nothing.
type names struct {
	com    *Community
	parent *names
	seen   map[string]owner
	clean  bool
}

func (n *names) get(name string) (owner, bool) {
	for ; n != nil; n = n.parent {
		if o, ok := n.seen[name]; ok {
			return o, true
		}
	}
	return owner{}, false
}

func (b *builder) reserved() map[string]bool {
	reserved := map[string]bool{}
	for _, n := range reservedNames {
		reserved[n] = true
	}
	for _, n := range b.cfg.funcNames {
		reserved[n] = true
	}
	for _, n := range aggregateNames {
		reserved[n] = true
	}
	return reserved
}

// namespace reports names that clash across kinds, and reserved names.
func (b *builder) namespace() *names {
	com := b.com
	if p := com.Parent; p != nil && p.envs != nil && p.envs.ns != nil && p.envs.ns.clean && len(com.Settings) == 0 {
		if n := b.namespaceOver(p.envs.ns); n != nil {
			return n
		}
	}
	ndiags := len(b.diags)
	seen := make(map[string]owner, len(com.Attrs)+len(com.Roles)+len(com.Badges)+len(com.Goals))
	reserved := b.reserved()
	add := func(kind, name string, id *syntax.Ident) {
		if reserved[name] {
			b.errorf(diag.Reserved, id.Range(), "%s name %s is reserved; choose another name", kind, name)
			return
		}
		prev, ok := seen[name]
		if ok && prev.kind != kind {
			b.errorf(diag.Duplicate, id.Range(), "%s %s has the same name as the %s at %s; names of attributes, parameters, roles, badges and goals must differ", kind, name, prev.kind, prev.id.Pos)
			return
		}
		if !ok {
			seen[name] = owner{kind, id}
		}
	}
	for _, a := range com.Attrs {
		if a.Decl != nil {
			add("attribute", a.Name, a.Decl.Name)
		}
	}
	for _, r := range com.Roles {
		add("role", r.Name, r.Decl.Name)
	}
	for _, bd := range com.Badges {
		add("badge", bd.Name, bd.Decl.Name)
	}
	for _, g := range com.Goals {
		add("goal", g.Name, g.Decl.Name)
	}
	for _, a := range com.Actions {
		for i, p := range a.Params {
			add("parameter", p.Name, a.Decl.Params[i].Name)
		}
	}
	for _, st := range com.Settings {
		add("setting", st.Name, st.Decl.Name)
	}
	return &names{com: com, seen: seen, clean: len(b.diags) == ndiags}
}

// namespaceOver is namespace for a community whose nearest ancestor with
// names of its own (pn) reported nothing: when each list is the
// ancestor's followed by new entries, only the new names can clash, and
// they are checked against the ancestor's. Rebuilding the whole namespace
// cost a child that declares one name a map of every attribute (issue 16:
// 60,000 attributes). It returns nil, and namespace reports as a whole
// build does, when a list is not so extended or a new name clashes.
func (b *builder) namespaceOver(pn *names) *names {
	com, p := b.com, pn.com
	if len(com.Attrs) < len(p.Attrs) || len(com.Roles) < len(p.Roles) || len(com.Badges) < len(p.Badges) ||
		len(com.Goals) < len(p.Goals) || len(com.Actions) < len(p.Actions) {
		return nil
	}
	for i, a := range p.Attrs {
		if c := com.Attrs[i]; c.Name != a.Name || (c.Decl == nil) != (a.Decl == nil) {
			return nil
		}
	}
	for i, r := range p.Roles {
		if com.Roles[i].Name != r.Name {
			return nil
		}
	}
	for i, bd := range p.Badges {
		if com.Badges[i].Name != bd.Name {
			return nil
		}
	}
	for i, g := range p.Goals {
		if com.Goals[i].Name != g.Name {
			return nil
		}
	}
	for i, a := range p.Actions {
		if com.Actions[i] != a {
			return nil
		}
	}
	own := map[string]owner{}
	reserved := b.reserved()
	clean := true
	add := func(kind, name string, id *syntax.Ident) {
		if reserved[name] {
			clean = false
			return
		}
		prev, ok := own[name]
		if !ok {
			prev, ok = pn.get(name)
		}
		if ok {
			clean = clean && prev.kind == kind
			return
		}
		own[name] = owner{kind, id}
	}
	for _, a := range com.Attrs[len(p.Attrs):] {
		if a.Decl != nil {
			add("attribute", a.Name, a.Decl.Name)
		}
	}
	for _, r := range com.Roles[len(p.Roles):] {
		add("role", r.Name, r.Decl.Name)
	}
	for _, bd := range com.Badges[len(p.Badges):] {
		add("badge", bd.Name, bd.Decl.Name)
	}
	for _, g := range com.Goals[len(p.Goals):] {
		add("goal", g.Name, g.Decl.Name)
	}
	for _, a := range com.Actions[len(p.Actions):] {
		for i, prm := range a.Params {
			add("parameter", prm.Name, a.Decl.Params[i].Name)
		}
	}
	if !clean {
		return nil
	}
	return &names{com: com, parent: pn, seen: own, clean: true}
}

var reservedNames = []string{
	"role", "members", "true", "false", "nil", "in", "not", "and", "or", "matches",
	"contains", "startsWith", "endsWith", "let", "if", "else", "because", "me",
	// has(attr) (SPEC §7.7): an attribute so named would hide the function
	// from expr-lang, which calls the attribute.
	"has",
	// taken(action, D) (SPEC §7.6), for the same reason.
	"taken",
}

var aggregateNames = []string{"count", "share", "sum", "avg", "min", "max"}

func (b *builder) attrDefault(a *Attr) {
	v, ok := b.constant(a.Decl.Default, a.Type, "default of "+a.Name, diag.BadDefault)
	if ok {
		a.Default = v
	}
}

// sanction converts an else clause.
func (b *builder) sanction(s *syntax.Sanction) *Sanction {
	if s == nil {
		return nil
	}
	out := &Sanction{Name: s.Name.Name}
	switch {
	case s.Name.Name == "mute" && s.For == nil:
		b.errorf(diag.BadSanction, s.Range(), "mute needs a duration: `else mute 1d`")
	case s.Name.Name != "mute" && s.Name.Name != "remove" && s.Name.Name != "demote" && s.For != nil:
		b.errorf(diag.BadSanction, s.For.Range(), "only mute, remove and demote take a duration")
	case s.For != nil:
		d, err := durationOf(s.For)
		if err != nil || d <= 0 {
			b.errorf(diag.BadCount, s.For.Range(), "%s duration must be positive", s.Name.Name)
		}
		out.For = d
	}
	return out
}

func (b *builder) lookupAction(id *syntax.Ident) *Action {
	if id.Name == AnyAction {
		b.errorf(diag.UnknownAction, id.Range(), "any covers every action only in `may any` and `must not any`; name one action here")
		return nil
	}
	a := b.com.actionByName[id.Name]
	if a == nil {
		d := b.errorf(diag.UnknownAction, id.Range(), "unknown action %s", id.Name)
		d.Suggestion = suggestKey(b.checker, id.Name, b.com.actionByName)
	}
	return a
}

func (b *builder) countPer(count *syntax.IntLit, cal *syntax.Ident, per *syntax.DurationLit) (int64, time.Duration, Calendar) {
	n, err := count.Value()
	switch {
	case err != nil || n <= 0:
		b.errorf(diag.BadCount, count.Range(), "count must be a positive whole number, not %s", count.Raw)
	case n > MaxCount:
		b.errorf(diag.BadCount, count.Range(), "count %d is more than %d: a member's history keeps the time of each counted taking (SPEC §13)", n, MaxCount)
	}
	if cal != nil {
		for c := Day; c <= Month; c++ {
			if cal.Name == c.String() {
				return n, 0, c
			}
		}
		b.errorf(diag.BadWindow, cal.Range(), "calendar %s is not a period: want calendar day, week or month", cal.Name)
		return n, 0, Day
	}
	d, err := durationOf(per)
	if err != nil || d <= 0 {
		b.errorf(diag.BadCount, per.Range(), "period must be a positive duration, not %s", per.Raw)
	}
	return n, d, NoCalendar
}

func (b *builder) rule(d syntax.Decl, when *syntax.Expr) {
	r := &Rule{When: when, Decl: d}
	var (
		cond    *syntax.Expr
		because *syntax.StringLit
		els     *syntax.Sanction
		pos     syntax.Node
	)
	switch d := d.(type) {
	case *syntax.May:
		r.Kind, cond, because, pos = May, d.Cond, d.Because, d.Node
		r.Actions, r.Any = b.actionList(d.Actions)
	case *syntax.MustNot:
		r.Kind, cond, because, els, pos = MustNot, d.Cond, d.Because, d.Else, d.Node
		r.Actions, r.Any = b.actionList(d.Actions)
	case *syntax.First:
		r.Kind, cond, because, els, pos = First, d.Cond, d.Because, d.Else, d.Node
		r.Before = b.lookupAction(d.Before)
		if a := b.lookupAction(d.Then); a != nil {
			r.Actions = []*Action{a}
		}
		if r.Before != nil && len(r.Actions) == 1 && r.Before == r.Actions[0] {
			b.errorf(diag.UnknownAction, d.Then.Range(), "first %s then %s names one action twice", d.Before.Name, d.Then.Name)
		}
	case *syntax.Limit:
		r.Kind, cond, because, els, pos = Limit, d.Cond, d.Because, d.Else, d.Node
		if a := b.lookupAction(d.Action); a != nil {
			r.Actions = []*Action{a}
		}
		r.Count, r.Per, r.Calendar = b.countPer(d.Count, d.Calendar, d.Per)
	case *syntax.Duty:
		r.Kind, cond, because, els, pos = Duty, d.Cond, d.Because, d.Else, d.Node
		if a := b.lookupAction(d.Action); a != nil {
			r.Actions = []*Action{a}
		}
		r.Count, r.Per, r.Calendar = b.countPer(d.Count, d.Calendar, d.Per)
	}
	r.Cond = cond
	if because != nil {
		r.Because = because.Value()
	}
	r.Else = b.sanction(els)
	names := make([]string, len(r.Actions))
	for i, a := range r.Actions {
		names[i] = a.Name
	}
	what := strings.Join(names, ", ")
	if r.Any {
		what = AnyAction
	}
	switch r.Kind {
	case First:
		if r.Before != nil {
			what = r.Before.Name + " then " + what
		}
	case Limit, Duty:
		what = fmt.Sprintf("%s %d per %s", what, r.Count, r.Window())
	}
	r.Label = fmt.Sprintf("%s %s (%s:%d:%d)", r.Kind, what, pos.Pos.Filename, pos.Pos.Line, pos.Pos.Column)
	if cond != nil {
		params := []*Param(nil)
		if r.Kind != Duty {
			params = commonParams(r.Actions)
		}
		b.cond(cond, b.envs.rule(params), r.Kind.String())
	}
	b.com.Rules = append(b.com.Rules, r)
}

// actionList resolves the actions of a may or must not; any, alone,
// is every action of the community (any is true then).
func (b *builder) actionList(ids []*syntax.Ident) (out []*Action, any bool) {
	if len(ids) == 1 && ids[0].Name == AnyAction {
		return slices.Clone(b.com.Actions), true
	}
	for _, id := range ids {
		if id.Name == AnyAction {
			b.errorf(diag.UnknownAction, id.Range(), "any stands alone: it already covers every action")
			continue
		}
		if a := b.lookupAction(id); a != nil {
			out = append(out, a)
		}
	}
	return out, false
}

// anyRules makes every inherited `may any` and `must not any` cover this
// community's actions, those it adds or redeclares included, so that no
// action added later escapes a rule over every action.
func (b *builder) anyRules() {
	com := b.com
	for i, r := range com.Rules {
		if r.Any && !slices.Equal(r.Actions, com.Actions) {
			cp := *r
			cp.Actions = slices.Clone(com.Actions)
			com.Rules[i] = &cp
		}
	}
}

// commonParams returns the parameters every action declares with one type.
func commonParams(actions []*Action) []*Param {
	if len(actions) == 0 {
		return nil
	}
	var out []*Param
	for _, p := range actions[0].Params {
		ok := true
		for _, a := range actions[1:] {
			if q := a.Param(p.Name); q == nil || q.Type != p.Type {
				ok = false
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

func (b *builder) message(d syntax.Decl, when *syntax.Expr) {
	m := &Message{When: when, Decl: d}
	var to *syntax.Ident
	switch d := d.(type) {
	case *syntax.Nudge:
		m.Nudge, to, m.Text = true, d.To, d.Text.Value()
	case *syntax.Offer:
		to, m.Text = d.To, d.Text.Value()
	}
	if to != nil {
		m.To = to.Name
		m.ToRole = b.role(to.Name)
		m.ToBadge = b.badgeNamed(to.Name)
		if m.ToRole == nil && m.ToBadge == nil {
			dg := b.errorf(diag.UnknownName, to.Range(), "%s is neither a role nor a badge", to.Name)
			dg.Suggestion = b.suggest(to.Name, append(b.com.roleNames(), b.com.badgeNames()...))
		}
	}
	b.com.Messages = append(b.com.Messages, m)
}

func (b *builder) when(w *syntax.When) {
	b.inWhen = true
	b.cond(w.Cond, b.envs.when(), "when")
	b.inWhen = false
	for _, d := range w.Decls {
		switch d := d.(type) {
		case *syntax.Nudge, *syntax.Offer:
			b.message(d, w.Cond)
		default:
			b.rule(d, w.Cond)
		}
	}
}

func (b *builder) effect(d *syntax.Effect) {
	com := b.com
	a := b.lookupAction(d.Action)
	if a == nil {
		return
	}
	e := &Effect{Action: a, Decl: d}
	for _, as := range d.Assigns {
		x := &Assign{Op: as.Op, Value: as.Value, Decl: as}
		attrName := as.Target.Name
		if as.Field != nil {
			p := a.Param(as.Target.Name)
			if p == nil || p.Type.Kind != Member {
				b.errorf(diag.BadEffect, as.Target.Range(), "%s is not a member parameter of %s; only `p.attr` with p: member can change another member", as.Target.Name, a.Name)
				continue
			}
			x.Param = p
			attrName = as.Field.Name
		}
		x.Attr = com.attrByName[attrName]
		if x.Attr != nil && x.Attr.Implicit {
			r := as.Target.Range()
			if as.Field != nil {
				r = as.Field.Range()
			}
			b.errorf(diag.BadEffect, r, "%s is kept by the live state for its sanctions; declare `%s: %s` in the member block for effects to change it", attrName, attrName, x.Attr.Type)
			continue
		}
		if x.Attr == nil {
			r := as.Target.Range()
			if as.Field != nil {
				r = as.Field.Range()
			}
			what := "attribute"
			if as.Field == nil && a.Param(attrName) != nil {
				b.errorf(diag.BadEffect, r, "%s is a parameter of %s; effects assign member attributes", attrName, a.Name)
				continue
			}
			if as.Field == nil && com.Setting(attrName) != nil {
				b.errorf(diag.BadEffect, r, "%s is a setting of %s, which the host sets; effects assign member attributes", attrName, com.Name)
				continue
			}
			if com.Role(attrName) != nil || com.Badge(attrName) != nil || attrName == "role" {
				b.errorf(diag.BadEffect, r, "%s is derived from attributes and cannot be assigned", attrName)
				continue
			}
			d := b.errorf(diag.UnknownName, r, "unknown %s %s", what, attrName)
			d.Suggestion = suggestKey(b.checker, attrName, com.attrByName)
			continue
		}
		b.used[x.Attr.Name] = true
		if x.Attr.Type.Kind == List {
			// A list changes only as a set of members (§6.14): no effect
			// computes a list, and the evaluator has none to assign (an
			// assignment of one used to check and panic in State.Apply).
			b.markUsed(as.Value)
			b.listEffect(x, a)
			e.Assigns = append(e.Assigns, x)
			continue
		}
		got, ok := b.expr(as.Value, b.envs.effect(a.Params), "effect value")
		if ok {
			b.checkAssign(x, got)
		}
		e.Assigns = append(e.Assigns, x)
	}
	for i, prev := range com.Effects {
		if prev.Action == a {
			b.infof(diag.Override, d.Action.Range(), "effects of %s replace the ones inherited from %s", a.Name, b.origin("effect:"+a.Name))
			com.Effects[i] = e
			return
		}
	}
	com.Effects = append(com.Effects, e)
}

// listEffect checks an assignment to a list attribute: x = [] empties
// it, and for a []string, x += m adds the ID of the member m (me or a
// member parameter of a) unless it is there, and x -= m removes it.
func (b *builder) listEffect(x *Assign, a *Action) {
	name, r := x.Attr.Name, x.Value.Range()
	if x.Value.Root == nil {
		return // syntax error already reported
	}
	if arr, ok := x.Value.Root.(*exprast.ArrayNode); ok && len(arr.Nodes) == 0 && x.Op == "=" {
		return
	}
	id, isID := x.Value.Root.(*exprast.IdentifierNode)
	member := isID && (id.Value == "me" || a.Param(id.Value) != nil && a.Param(id.Value).Type.Kind == Member)
	if isID && id.Value == "me" && !slices.ContainsFunc(a.Params, func(p *Param) bool { return p.Type.Kind == Member }) {
		member = false
	}
	if member && (x.Op == "+=" || x.Op == "-=") && x.Attr.Type.Elem == String {
		return
	}
	b.errorf(diag.TypeMismatch, r, "%s is a list attribute (%s): an effect only empties a list (%s = []) or adds or removes a member's ID in a []string (%s += me, %s -= p)", name, x.Attr.Type, name, name, name)
}

func (b *builder) checkAssign(x *Assign, got Type) {
	want := x.Attr.Type
	r := x.Value.Range()
	switch x.Op {
	case "=":
		if !assignable(want, got) {
			b.errorf(diag.TypeMismatch, r, "cannot assign %s to %s attribute %s", got, want, x.Attr.Name)
		}
	case "+=":
		if want.Kind == String && got.Kind == String {
			return
		}
		fallthrough
	case "-=", "*=":
		if want.Kind == Duration && got.Kind == Duration && x.Op != "*=" {
			return
		}
		if !numeric(want) || !assignable(want, got) {
			b.errorf(diag.TypeMismatch, r, "%s needs a number on both sides: %s is %s, the value is %s", x.Op, x.Attr.Name, want, got)
		}
	case "/=":
		if want.Kind != Float || !numeric(got) {
			b.errorf(diag.TypeMismatch, r, "/= needs a float attribute and a number: %s is %s, the value is %s", x.Attr.Name, want, got)
		}
	}
}

func numeric(t Type) bool { return t.Kind == Int || t.Kind == Float }

// assignable reports whether a value of type got may be stored in want.
func assignable(want, got Type) bool {
	if want == got {
		return true
	}
	return want.Kind == Float && got.Kind == Int
}

// keptAttrs adds the attributes the live state keeps for the sanctions
// the community has (SPEC §6.13): warnings and warned_at for warn,
// demotions for demote, unless the community declares them, whose types
// it checks. demote in a community without roles is CH0114. It reports
// whether it added any.
func (b *builder) keptAttrs() bool {
	com := b.com
	first := map[string]*syntax.Sanction{} // this community's first of each, for positions
	has := map[string]bool{}
	for _, r := range com.Rules {
		if r.Else != nil {
			has[r.Else.Name] = true
			has[r.Else.Name+" D"] = has[r.Else.Name+" D"] || r.Else.For > 0
		}
	}
	var visit func(d any)
	visit = func(d any) {
		var els *syntax.Sanction
		switch d := d.(type) {
		case syntax.RuleDecl:
			els = d.RuleElse()
		case *syntax.When:
			for _, wd := range d.Decls {
				visit(wd)
			}
		}
		if els != nil {
			has[els.Name.Name] = true
			has[els.Name.Name+" D"] = has[els.Name.Name+" D"] || els.For != nil
			if first[els.Name.Name] == nil {
				first[els.Name.Name] = els
			}
		}
	}
	for _, d := range com.Decl.Decls {
		visit(d)
	}
	at := func(name string) diag.Range {
		name = strings.TrimSuffix(name, " D")
		if s := first[name]; s != nil {
			return s.Range()
		}
		return com.Decl.Name.Range()
	}
	if has["demote"] && len(com.Roles) == 0 {
		b.errorf(diag.BadSanction, at("demote"), "demote lowers the member's role by one rung, but %s has no roles", com.Name)
	}
	added := false
	for _, w := range []struct {
		sanction, name string
		t              Type
	}{{"warn", WarningsAttr, Type{Kind: Int}}, {"warn", WarnedAtAttr, Type{Kind: Time}}, {"demote", DemotionsAttr, Type{Kind: Int}}, {"demote D", DemotedUntilAttr, Type{Kind: Time}}} {
		if !has[w.sanction] {
			continue
		}
		if a := com.attrByName[w.name]; a != nil {
			b.used[w.name] = true // the state changes it: not an unused attribute
			if a.Type != w.t {
				b.errorf(diag.BadSanction, at(w.sanction), "attribute %s is %s, but a community with a %s sanction keeps it: declare it as %s", w.name, a.Type, w.sanction, w.t)
			}
			continue
		}
		for _, clash := range []bool{com.Role(w.name) != nil, com.Badge(w.name) != nil, com.Goal(w.name) != nil} {
			if clash {
				b.errorf(diag.Reserved, at(w.sanction), "%s is kept by the live state in a community with a %s sanction; rename the role, badge or goal called %s", w.name, w.sanction, w.name)
			}
		}
		for _, ac := range com.Actions {
			if ac.Param(w.name) != nil {
				b.errorf(diag.Reserved, at(w.sanction), "%s is kept by the live state in a community with a %s sanction; rename the parameter %s of %s", w.name, w.sanction, w.name, ac.Name)
			}
		}
		a := &Attr{Name: w.name, Type: w.t, Default: zeroValue(w.t), Slot: len(com.Attrs), Implicit: true}
		com.Attrs = append(com.Attrs, a)
		com.attrByName[w.name] = a
		added = true
	}
	return added
}
