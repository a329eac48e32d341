// Package runtime runs checked Charter communities: it compiles a load set
// into an immutable Program whose communities decide member actions, assign
// roles and badges, list duties and messages and compute goals, and keeps
// live State that applies actions and keeps goals current.
//
//	prog, err := runtime.CompileFiles("club.charter")
//	if err != nil {
//		return err // a diag.List of every problem in the files
//	}
//	club := prog.Community("FanClub")
//	m, err := club.Member(map[string]any{"posts": 3, "introduced": true})
//	if err != nil {
//		return err
//	}
//	d, err := club.Decide(m, "post", runtime.Args{"length": 120, "topic": "x"}, now)
//	if err != nil {
//		return err
//	}
//	fmt.Println(d.Allowed, d.Reasons())
//
// The examples run these calls and the live State on a small community.
//
// A Program and its Communities are safe for concurrent use. Nothing here
// reads the wall clock: every question takes the evaluation time. The test
// blocks of a program run with package runtime/chartertest.
package runtime

import (
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

// Program is a compiled load set.
type Program struct {
	communities []*Community
	byName      map[string]*Community
	checked     *check.Program
}

// CompileFiles loads, checks and compiles the Charter files or directories
// named by paths. When the files have errors the error is the diag.List of
// every diagnostic (warnings included).
func CompileFiles(paths ...string) (*Program, error) {
	ls, err := lang.Load(paths...)
	if err != nil {
		return nil, err
	}
	if ls.Diags.HasErrors() {
		return nil, ls.Diags
	}
	return Compile(ls.Program)
}

// CompileSource checks and compiles one file's text; name is used in
// positions.
func CompileSource(name string, src []byte) (*Program, error) {
	f, ds := syntax.Parse(name, src)
	if ds.HasErrors() {
		return nil, ds
	}
	cp, ds := check.Check([]*syntax.File{f}, lang.Stdlib())
	if ds.HasErrors() {
		return nil, ds
	}
	return Compile(cp)
}

// Compile compiles a checked program. cp must have been checked without
// errors (with the stdlib declared, as lang.Load does).
//
// What the checker accepts but the evaluator cannot run (a constant divisor
// of zero, a pattern that does not compile, ...) is reported as a diag.List
// of CH0120 errors at their positions, the first of each community.
func Compile(cp *check.Program) (*Program, error) {
	p := &Program{byName: map[string]*Community{}, checked: cp}
	var ds diag.List
	// Parents first, whatever the order of declaration: a child links to
	// its compiled parent (Admit, shared rule code).
	visited := map[*check.Community]bool{}
	times := timeSummaries{} // shared: children share their parents' expressions
	var visit func(cc *check.Community)
	visit = func(cc *check.Community) {
		if visited[cc] {
			return
		}
		visited[cc] = true
		if cc.Parent != nil {
			visit(cc.Parent)
		}
		c, err := compileCommunity(cc, p.byName, times)
		if err != nil {
			var d diag.Diagnostic
			if !errors.As(err, &d) {
				d = diag.Diagnostic{Severity: diag.Error, Code: diag.ExprError, Range: cc.Decl.Name.Range()}
				d.Message = err.Error()
			}
			d.Message = fmt.Sprintf("community %s: %s", cc.Name, d.Message)
			ds = append(ds, d)
			return
		}
		p.byName[c.Name] = c
	}
	for _, cc := range cp.Communities {
		visit(cc)
	}
	if len(ds) > 0 {
		ds.Sort()
		return nil, ds
	}
	for _, cc := range cp.Communities {
		p.communities = append(p.communities, p.byName[cc.Name])
	}
	return p, nil
}

// Load loads the Charter files named by paths (as lang.Load does) and
// compiles them. What the compiler rejects joins the load set's
// diagnostics, so that `charter check` reports every reason a file cannot
// run; the program is nil when there is any error.
func Load(paths ...string) (*lang.LoadSet, *Program, error) {
	ls, err := lang.Load(paths...)
	if err != nil {
		return nil, nil, err
	}
	if ls.Diags.HasErrors() {
		return ls, nil, nil
	}
	prog, err := Compile(ls.Program)
	if err != nil {
		var ds diag.List
		if errors.As(err, &ds) {
			ls.Diags = append(ls.Diags, ds...)
			ls.Diags.Sort()
			return ls, nil, nil
		}
		return nil, nil, err
	}
	return ls, prog, nil
}

// Community returns the community called name, or nil.
func (p *Program) Community(name string) *Community { return p.byName[name] }

// Communities returns every community in declaration order.
func (p *Program) Communities() []*Community { return p.communities }

// Checked returns the checked program p was compiled from.
func (p *Program) Checked() *check.Program { return p.checked }

// Checked returns the checked declarations c was compiled from: its
// attributes, actions, roles, rules and goals.
func (c *Community) Checked() *check.Community { return c.def }

// Community is a compiled community.
type Community struct {
	Name string
	// Purpose is the community's purpose text.
	Purpose string

	def    *check.Community
	parent *Community
	// settings are the values of the community's settings (SPEC
	// §6.4.1), by name: the declared defaults, or what WithSettings set.
	// Expressions read them as constants.
	settings     map[string]any
	layout       *eval.Layout
	required     []string       // attributes every record must give (SPEC §6.4)
	zone         *time.Location // of the calendar windows, loaded by the checker
	derived      *eval.Derived
	actions      []*action
	actionByName map[string]*action
	// ruleCode holds the compiled rules of def.Rules[i], one for each of
	// its actions; a child shares the ones it inherits (sameNames).
	ruleCode   [][]*rule
	roleNames  []string // by rank
	badgeNames []string
	goals      []*goal
	aggs       []*aggregate
	messages   []*message
	admit      *eval.Expr
	// duties are the duties with a sanction, by action and then in
	// declaration order: what State.Review looks at.
	duties       []dutyRef
	hist         historyShape
	defaultAllow bool
	defaults     *eval.Record
	envs         sync.Pool

	// admits is true when c or a community it extends has an admit
	// condition; admitGroup when one of them reads `members` or a goal, so
	// that admission needs the goals of the members already in.
	admits, admitGroup bool

	// timeAggs is true when some aggregate reads the evaluation time, so
	// its members' contributions change without events.
	timeAggs bool
	// timeInc is true when every aggregate that reads the time is monotone
	// in it, so that the State keeps them incrementally (timegoals.go);
	// timeAggIdx lists those aggregates.
	timeInc    bool
	timeAggIdx []int
	// ladderTime is true when a rung's condition reads the time, so a
	// member's role cannot be cached across questions.
	ladderTime bool
	// block is the layout of a member's one allocation.
	block memberBlock
	// lastBinding caches the struct binding MemberFromStruct used last.
	lastBinding atomic.Pointer[structBinding]
}

type action struct {
	index    int
	name     string
	def      *check.Action
	args     *eval.Layout
	others   []int // parameter indexes of member-typed parameters, in Env.Others order
	deny     []*rule
	may      []*rule
	duties   []*rule
	effect   []*assign
	deciders []*rule // deny then may, for explain
	// unmet are the mays with a because text: a default deny carries
	// those of them that are active (SPEC §10.1).
	unmet []*rule
	// readsTime is true when a deny or may rule of the action reads the
	// evaluation time (a limit; a first, whose earlier action counts only
	// when taken by then; or a condition calling a time function, directly
	// or through the ladder or a badge).
	readsTime bool
	// readsOther[i] is true when a deny or may rule reads an attribute or
	// the role of the member Others[i] names (to.points): a question
	// without a State needs that member's record, not its ID alone. nil
	// when no rule reads another member.
	readsOther []bool
	// identity is true when a deny or may rule compares members (to !=
	// me): a question without a State needs the IDs of the actor and of
	// every member argument.
	identity bool
}

type rule struct {
	// What every decision reads comes first, in one cache line with Kind:
	// test is cond's closure, called without going through cond.
	test func(*eval.Env) bool // nil: always holds
	when *eval.Expr           // nil: not under when
	// goals is true when the condition reads goal fields: without a goal
	// snapshot such a rule is inactive, like a rule under when.
	goals bool
	// plain is true when the rule decides on its condition alone: no
	// when, no goals read, not a first or limit rule.
	plain bool
	Rule
	cond   *eval.Expr // nil: always holds
	before int        // first: action index
	count  int
	per    int64
	cal    check.Calendar // a calendar window's period; per is 0 then
	what   string         // the condition as written, for traces
	whenS  string
}

// timedDemote reports whether a rule of c has a demote with a period:
// then demotions lift by time, and the role reads the time.
func (c *Community) timedDemote() bool {
	for _, r := range c.def.Rules {
		if r.Else != nil && r.Else.Name == "demote" && r.Else.For > 0 {
			return true
		}
	}
	return false
}

// hasSanction reports whether a rule of c has the sanction name.
func (c *Community) hasSanction(name string) bool {
	for _, r := range c.def.Rules {
		if r.Else != nil && r.Else.Name == name {
			return true
		}
	}
	return false
}

// dutyRef is a duty with a sanction, and the index of its action.
type dutyRef struct {
	*rule
	action int
}

type assign struct {
	other int // -1 for the acting member, else index into Env.Others
	attr  int // attribute index in the layout
	slot  eval.Slot
	op    string
	value *eval.Expr
	def   *check.Assign
	// givenWord and givenBit are the attribute's given bit in the record
	// (eval.Layout.GivenWord), which the assignment sets (SPEC §7.7).
	givenWord int
	givenBit  int64
	// reach is what writing the attribute can change of the member
	// (reach.go).
	reach *reach
}

type goal struct {
	def     *check.Goal
	measure *eval.Expr
	target  float64
}

type message struct {
	Message
	role  int // rank, or -1
	badge int // index, or -1
	when  *eval.Expr
}

// reaches reports whether the message reaches the member e is bound to:
// its role or badge, and its when block's goals (none without goals).
func (msg *message) reaches(e *eval.Env) bool {
	switch {
	case msg.role >= 0 && e.Role() != int64(msg.role):
		return false
	case msg.badge >= 0 && !e.Badge(msg.badge):
		return false
	case msg.when != nil && (e.Goals == nil || !msg.when.Bool(e)):
		return false
	}
	return true
}

func compileCommunity(cc *check.Community, compiled map[string]*Community, times timeSummaries) (*Community, error) {
	return compileWith(cc, compiled, times, nil)
}

// compileWith compiles cc with the settings values set (by name, already
// converted) in place of their defaults.
func compileWith(cc *check.Community, compiled map[string]*Community, times timeSummaries, set map[string]any) (*Community, error) {
	c := &Community{
		Name:         cc.Name,
		Purpose:      cc.Purpose,
		def:          cc,
		actionByName: map[string]*action{},
		defaultAllow: cc.DefaultAllow,
	}
	if len(cc.Settings) > 0 {
		c.settings = make(map[string]any, len(cc.Settings))
		for _, st := range cc.Settings {
			c.settings[st.Name] = st.Default
			if v, ok := set[st.Name]; ok {
				c.settings[st.Name] = v
			}
		}
	}
	if cc.Parent != nil {
		c.parent = compiled[cc.Parent.Name]
	}
	names := make([]string, len(cc.Attrs))
	types := make([]check.Type, len(cc.Attrs))
	c.zone = cc.Zone
	if c.zone == nil {
		c.zone = time.UTC
	}
	for i, a := range cc.Attrs {
		names[i], types[i] = a.Name, a.Type
		if a.Required {
			c.required = append(c.required, a.Name)
		}
	}
	var err error
	if c.layout, err = eval.NewLayout(names, types); err != nil {
		return nil, err
	}
	c.defaults = eval.NewRecord(c.layout)
	for i, a := range cc.Attrs {
		if err := c.layout.Set(c.defaults, i, a.Default); err != nil {
			d := diag.Diagnostic{Severity: diag.Error, Code: diag.BadDefault, Range: cc.Decl.Name.Range(), Message: fmt.Sprintf("default of %s: %v", a.Name, err)}
			if a.Decl != nil {
				d.Range = a.Decl.Range()
			}
			return nil, d
		}
	}
	c.roleNames = make([]string, len(cc.Roles))
	for _, r := range cc.Roles {
		c.roleNames[r.Rank] = r.Name
	}
	for _, b := range cc.Badges {
		c.badgeNames = append(c.badgeNames, b.Name)
	}
	cm := &compiler{c: c, times: times}
	if err := cm.derivedValues(); err != nil {
		return nil, err
	}
	for _, r := range cc.Roles {
		if r.Cond != nil && cm.readsTime(r.Cond.Root) {
			c.ladderTime = true
		}
	}
	// A demotion with a period lifts by time: the role reads the time.
	c.ladderTime = c.ladderTime || c.derived.DemoteTimed
	if err := cm.actions(); err != nil {
		return nil, err
	}
	if err := cm.goals(); err != nil {
		return nil, err
	}
	if err := cm.messages(); err != nil {
		return nil, err
	}
	cm.reaches()
	if cc.Admit != nil {
		if c.admit, err = cm.expr(cc.Admit, nil); err != nil {
			return nil, err
		}
		c.admits = true
		c.admitGroup = cm.readsGroup(cc.Admit.Root)
	}
	if p := c.parent; p != nil {
		c.admits = c.admits || p.admits
		c.admitGroup = c.admitGroup || p.admitGroup
	}
	c.envs.New = func() any { return &pooledEnv{Env: eval.Env{Derived: c.derived}} }
	c.block = newMemberBlock(c.layout, &c.hist) // after cm.actions, which lays out c.hist
	return c, nil
}

// compiler turns checked declarations into closures.
type compiler struct {
	c *Community
	// timeNames caches nameReadsTime.
	timeNames map[string]bool
	// times caches what readsTime finds in each expression, for every
	// community of one Compile; nil outside Compile.
	times timeSummaries
}

// timeSummaries holds, per expression node, what readsTime needs of it
// whatever the community: whether it calls a function of the time itself,
// and the names it reads whose meaning (a role or badge condition) may.
// A chain of 1,000 children each inheriting wide rules walked every rule's
// nodes again per child (issue 16's widechain shape).
type timeSummaries map[exprast.Node]*timeSummary

type timeSummary struct {
	direct bool
	names  []string // "role" for p.role
}

// scope resolves every name a checked expression of the community may use;
// the checker has already rejected names a context may not see, and names
// are unique across kinds within a community.
type scope struct {
	c      *Community
	params *check.Action // nil outside action conditions and effects
	aggs   *[]*aggregate // non-nil while compiling a goal measure
	cm     *compiler
}

func (s *scope) Lookup(name string) (eval.Ref, bool) {
	c := s.c
	if strings.HasPrefix(name, "$") {
		d, err := syntax.DurationValue(name[1:])
		if err != nil {
			return eval.Ref{}, false
		}
		return eval.Ref{Kind: eval.RefConst, Type: check.Type{Kind: check.Duration}, Const: time.Duration(d)}, true
	}
	if s.params != nil {
		// A member parameter's slot holds the ID of the member it names,
		// which identity comparisons read (to != me).
		if p := s.params.Param(name); p != nil {
			slot := s.c.actionByName[s.params.Name].args.Slot(p.Slot)
			return eval.Ref{Kind: eval.RefParam, Type: p.Type, Index: slot.Index}, true
		}
		if name == "me" {
			return eval.Ref{Kind: eval.RefMe, Type: check.Type{Kind: check.Member}}, true
		}
	}
	if i, ok := c.layout.Lookup(name); ok {
		slot := c.layout.Slot(i)
		return eval.Ref{Kind: eval.RefAttr, Type: slot.Type, Index: slot.Index}, true
	}
	if v, ok := c.settings[name]; ok {
		return eval.Ref{Kind: eval.RefConst, Type: c.def.Setting(name).Type, Const: v}, true
	}
	switch name {
	case "role":
		if len(c.roleNames) > 0 {
			return eval.Ref{Kind: eval.RefRole, Type: check.Type{Kind: check.Role}}, true
		}
	case "members":
		return eval.Ref{Kind: eval.RefMembers, Type: check.Type{Kind: check.Int}}, true
	}
	for rank, r := range c.roleNames {
		if r == name {
			return eval.Ref{Kind: eval.RefConst, Type: check.Type{Kind: check.Role}, Const: int64(rank)}, true
		}
	}
	for i, b := range c.badgeNames {
		if b == name {
			return eval.Ref{Kind: eval.RefBadge, Type: check.Type{Kind: check.Bool}, Index: i}, true
		}
	}
	return eval.Ref{}, false
}

func (s *scope) LookupField(obj, field string) (eval.Ref, bool) {
	if s.params != nil {
		if p := s.params.Param(obj); p != nil && p.Type.Kind == check.Member {
			other := s.c.actionByName[s.params.Name].otherIndex(p.Slot)
			if field == "role" && len(s.c.roleNames) > 0 {
				return eval.Ref{Kind: eval.RefOtherRole, Type: check.Type{Kind: check.Role}, Param: other}, true
			}
			i, ok := s.c.layout.Lookup(field)
			if !ok {
				return eval.Ref{}, false
			}
			slot := s.c.layout.Slot(i)
			return eval.Ref{Kind: eval.RefOther, Type: slot.Type, Index: slot.Index, Param: other}, true
		}
	}
	if g := s.c.def.Goal(obj); g != nil {
		return eval.GoalRef(g.Index, field)
	}
	return eval.Ref{}, false
}

// Call compiles the goal aggregates while a measure is compiled, and
// `taken(action, D)` in member conditions (the checker refuses it where
// there is no member).
func (s *scope) Call(name string, args []exprast.Node) (eval.Ref, bool, error) {
	if name == "taken" && s.aggs == nil {
		ref, err := eval.TakenRef(s.c.def, args)
		return ref, err == nil, err
	}
	if name == "has" && s.aggs == nil {
		ref, err := s.has(args)
		return ref, err == nil, err
	}
	if s.aggs == nil {
		return eval.Ref{}, false, nil
	}
	kind, ok := aggregateKinds[name]
	if !ok || len(args) != 1 {
		return eval.Ref{}, false, nil
	}
	arg, err := eval.Compile(args[0], &scope{c: s.c, cm: s.cm})
	if err != nil {
		return eval.Ref{}, false, err
	}
	a := &aggregate{kind: kind, arg: arg, node: args[0], readsTime: s.cm.readsTime(args[0])}
	a.monotone = a.readsTime && s.cm.monotone(args[0]) != monoNone
	*s.aggs = append(*s.aggs, a)
	t := check.Type{Kind: check.Float}
	if kind == aggCount {
		t = check.Type{Kind: check.Int}
	}
	return eval.Ref{Kind: eval.RefAgg, Type: t, Index: len(*s.aggs) - 1}, true, nil
}

// has resolves `has(attr)` and `has(p.attr)` (SPEC §7.7) to the given bit
// of the attribute in the member's record, or in the record of the member
// p names; the checker has made sure the argument is one of these.
func (s *scope) has(args []exprast.Node) (eval.Ref, error) {
	if len(args) != 1 {
		return eval.Ref{}, fmt.Errorf("has takes one attribute")
	}
	ref := eval.Ref{Kind: eval.RefGiven, Type: check.Type{Kind: check.Bool}}
	var name string
	switch a := args[0].(type) {
	case *exprast.IdentifierNode:
		name = a.Value
	case *exprast.MemberNode:
		obj, _ := a.Node.(*exprast.IdentifierNode)
		prop, _ := a.Property.(*exprast.StringNode)
		if obj == nil || prop == nil {
			break
		}
		o, ok := s.LookupField(obj.Value, prop.Value)
		if !ok || o.Kind != eval.RefOther {
			return eval.Ref{}, fmt.Errorf("has: %s.%s is no attribute of a member parameter", obj.Value, prop.Value)
		}
		ref.Kind, ref.Param, name = eval.RefOtherGiven, o.Param, prop.Value
	}
	i, ok := s.c.layout.Lookup(name)
	if !ok {
		return eval.Ref{}, fmt.Errorf("has takes an attribute of %s", s.c.Name)
	}
	w, bit := s.c.layout.GivenWord(i)
	ref.Index, ref.Field = w, bits.TrailingZeros64(bit)
	return ref, nil
}

// memberUses records in a what the rule condition at root reads of the
// members its member parameters name: attributes or roles (readsOther),
// identities (identity).
func (a *action) memberUses(root exprast.Node) {
	param := func(n exprast.Node) int {
		if id, ok := n.(*exprast.IdentifierNode); ok {
			if p := a.def.Param(id.Value); p != nil && p.Type.Kind == check.Member {
				return a.otherIndex(p.Slot)
			}
		}
		return -1
	}
	exprast.Find(root, func(n exprast.Node) bool {
		switch n := n.(type) {
		case *exprast.MemberNode:
			if i := param(n.Node); i >= 0 {
				if a.readsOther == nil {
					a.readsOther = make([]bool, len(a.others))
				}
				a.readsOther[i] = true
			}
		case *exprast.BinaryNode:
			if n.Operator == "==" || n.Operator == "!=" {
				a.identity = a.identity || param(n.Left) >= 0 || param(n.Right) >= 0
			}
		}
		return false
	})
}

func (a *action) otherIndex(paramSlot int) int {
	for i, p := range a.others {
		if p == paramSlot {
			return i
		}
	}
	return -1
}

func (cm *compiler) expr(e *syntax.Expr, params *check.Action) (*eval.Expr, error) {
	return cm.exprBy(eval.Compile, e, params)
}

// exprBy is expr compiling with compile: eval.CompileRung for the rungs
// of the ladder, so that Derived.Plan can walk them as data.
func (cm *compiler) exprBy(compile func(exprast.Node, eval.Scope) (*eval.Expr, error), e *syntax.Expr, params *check.Action) (*eval.Expr, error) {
	if e == nil {
		return nil, nil
	}
	x, err := compile(e.Root, &scope{c: cm.c, params: params, cm: cm})
	if err != nil {
		return nil, exprDiag(e, err)
	}
	return x, nil
}

// exprDiag places an evaluator compile error at its node in e.
func exprDiag(e *syntax.Expr, err error) diag.Diagnostic {
	d := diag.Diagnostic{Severity: diag.Error, Code: diag.ExprError, Range: e.Range(), Message: err.Error()}
	var ee *eval.Error
	if errors.As(err, &ee) && ee.Node != nil {
		d.Range = e.RangeOf(ee.Node)
	}
	return d
}

func (cm *compiler) derivedValues() error {
	c := cm.c
	d := &eval.Derived{}
	for _, r := range c.def.Roles {
		rung := eval.Rung{Rank: int64(r.Rank)}
		if r.Cond != nil {
			x, err := cm.exprBy(eval.CompileRung, r.Cond, nil)
			if err != nil {
				return err
			}
			rung.Cond = x
		}
		d.Ladder = append(d.Ladder, rung)
	}
	for _, b := range c.def.Badges {
		x, err := cm.expr(b.Cond, nil)
		if err != nil {
			return err
		}
		d.Badges = append(d.Badges, x)
	}
	if i, ok := c.layout.Lookup(check.DemotionsAttr); ok && len(c.def.Roles) > 0 && c.hasSanction("demote") {
		if slot := c.layout.Slot(i); slot.Type.Kind == check.Int {
			d.Demote, d.Demotions = true, slot.Index
		}
		if j, ok := c.layout.Lookup(check.DemotedUntilAttr); ok && d.Demote && c.def.Attr(check.DemotedUntilAttr) != nil {
			if slot := c.layout.Slot(j); slot.Type.Kind == check.Time && c.timedDemote() {
				d.DemoteTimed, d.DemotedUntil = true, slot.Index
			}
		}
	}
	d.Plan()
	c.derived = d
	return nil
}

func (cm *compiler) actions() error {
	c := cm.c
	keep := make([]int, len(c.def.Actions))
	firsts := make([]bool, len(c.def.Actions))
	for _, ca := range c.def.Actions {
		keep[ca.Index] = ca.Counted
		names := make([]string, len(ca.Params))
		types := make([]check.Type, len(ca.Params))
		a := &action{index: ca.Index, name: ca.Name, def: ca}
		for i, p := range ca.Params {
			names[i], types[i] = p.Name, p.Type
			if p.Type.Kind == check.Member {
				a.others = append(a.others, p.Slot)
			}
		}
		var err error
		if a.args, err = eval.NewLayout(names, types); err != nil {
			return fmt.Errorf("action %s: %w", ca.Name, err)
		}
		c.actions = append(c.actions, a)
		c.actionByName[a.name] = a
	}
	// A child whose names read as its parent's takes the parent's compiled
	// code for every rule it inherits unchanged: compiling them again in
	// each child made a chain of 1,000 children of a 5,000-rule community
	// compile 5,000,000 rules (issue 16).
	var from *Community
	if p := c.parent; p != nil && sameNames(c, p) {
		from = p
	}
	c.ruleCode = make([][]*rule, len(c.def.Rules))
	for i, cr := range c.def.Rules {
		if from != nil && i < len(from.def.Rules) && from.def.Rules[i] == cr {
			c.ruleCode[i] = from.ruleCode[i]
		} else {
			for _, ca := range cr.Actions {
				r, err := cm.rule(cr, ca)
				if err != nil {
					return err
				}
				c.ruleCode[i] = append(c.ruleCode[i], r)
			}
		}
		for j, ca := range cr.Actions {
			a := c.actionByName[ca.Name]
			r := c.ruleCode[i][j]
			switch cr.Kind {
			case check.May:
				a.may = append(a.may, r)
				if cr.Because != "" {
					a.unmet = append(a.unmet, r)
				}
			case check.Duty:
				a.duties = append(a.duties, r)
				keep[a.index] = max(keep[a.index], r.count)
			case check.Limit:
				keep[a.index] = max(keep[a.index], r.count)
				a.deny = append(a.deny, r)
			default:
				if r.before >= 0 {
					firsts[r.before] = true
				}
				a.deny = append(a.deny, r)
			}
		}
	}
	for _, a := range c.actions {
		for _, r := range a.duties {
			if r.Sanction != nil {
				c.duties = append(c.duties, dutyRef{r, a.index})
			}
		}
		a.deciders = append(append([]*rule(nil), a.deny...), a.may...)
		for _, r := range a.deciders {
			cr := r.def
			a.readsTime = a.readsTime || r.Kind == check.Limit || r.Kind == check.First ||
				cr.Cond != nil && cm.readsTime(cr.Cond.Root) || cr.When != nil && cm.readsTime(cr.When.Root)
			if cr.Cond != nil && len(a.others) > 0 {
				a.memberUses(cr.Cond.Root)
			}
		}
	}
	c.hist = newHistoryShape(keep, firsts)
	for _, ce := range c.def.Effects {
		a := c.actionByName[ce.Action.Name]
		for _, as := range ce.Assigns {
			// By name: an effect mixed in from a standard piece refers to
			// the piece's attribute, whose slot differs here.
			ai, ok := c.layout.Lookup(as.Attr.Name)
			if !ok {
				return fmt.Errorf("effect of %s assigns unknown attribute %s", a.name, as.Attr.Name)
			}
			x := &assign{other: -1, attr: ai, slot: c.layout.Slot(ai), op: as.Op, def: as}
			w, bit := c.layout.GivenWord(ai)
			x.givenWord, x.givenBit = w, int64(bit)
			if as.Param != nil {
				x.other = a.otherIndex(as.Param.Slot)
			}
			if x.slot.Type.Kind == check.List && as.Op == "=" {
				a.effect = append(a.effect, x) // x = []: the checker allows no other list
				continue
			}
			v, err := eval.CompileEffect(as.Value.Root, &scope{c: cm.c, params: ce.Action, cm: cm})
			if err != nil {
				return exprDiag(as.Value, err)
			}
			x.value = v
			a.effect = append(a.effect, x)
		}
	}
	return nil
}

// sameNames reports whether every name an inherited rule can read
// resolves in c as in p. c may add to p's names (attributes, badges,
// goals, actions), since slots and indexes go by order and an added name
// is one p's rules cannot read; but p's must keep their places, its
// actions must not be redeclared and the ladder must be the same.
func sameNames(c, p *Community) bool {
	ca, pa := c.def.Attrs, p.def.Attrs
	if len(ca) < len(pa) || len(c.badgeNames) < len(p.badgeNames) || len(c.def.Goals) < len(p.def.Goals) ||
		len(c.def.Actions) < len(p.def.Actions) || !slices.Equal(c.roleNames, p.roleNames) ||
		!slices.Equal(c.badgeNames[:len(p.badgeNames)], p.badgeNames) ||
		!slices.Equal(c.def.Actions[:len(p.def.Actions)], p.def.Actions) {
		return false
	}
	// A parent's rule that reads a setting compiled its value in.
	for name, v := range p.settings {
		if cv, ok := c.settings[name]; !ok || cv != v {
			return false
		}
	}
	for i := range pa {
		if ca[i].Name != pa[i].Name || ca[i].Type != pa[i].Type {
			return false
		}
	}
	for i, g := range p.def.Goals {
		if g.Name != c.def.Goals[i].Name {
			return false
		}
	}
	return true
}

// rule compiles cr for one of the actions it governs: its parameters are
// that action's slots.
func (cm *compiler) rule(cr *check.Rule, ca *check.Action) (*rule, error) {
	r := &rule{Rule: Rule{Kind: cr.Kind, Label: cr.Label, Reason: cr.Reason(ca), def: cr}, before: -1}
	if cr.Else != nil {
		r.Sanction = &Sanction{Name: cr.Else.Name, For: cr.Else.For}
	}
	r.self = []*Rule{&r.Rule}
	if cr.Before != nil {
		r.before = cm.c.actionByName[cr.Before.Name].index
	}
	r.count, r.per, r.cal = int(cr.Count), int64(cr.Per), cr.Calendar
	var params *check.Action
	if cr.Kind != check.Duty {
		params = ca
	}
	var err error
	if r.cond, err = cm.expr(cr.Cond, params); err != nil {
		return nil, err
	}
	if cr.Cond != nil {
		r.what = cr.Cond.Src
		r.goals = cm.readsGoals(cr.Cond.Root)
		r.test = r.cond.BoolFunc()
	}
	if r.when, err = cm.expr(cr.When, nil); err != nil {
		return nil, err
	}
	if cr.When != nil {
		r.whenS = cr.When.Src
	}
	r.plain = !r.goals && r.when == nil && r.Kind != check.First && r.Kind != check.Limit
	return r, nil
}

func (cm *compiler) goals() error {
	c := cm.c
	for _, cg := range c.def.Goals {
		g := &goal{def: cg}
		x, err := eval.Compile(cg.Measure.Root, &scope{c: c, aggs: &c.aggs, cm: cm})
		if err != nil {
			return exprDiag(cg.Measure, err)
		}
		g.measure = x
		g.target = cg.TargetValue // a constant: the checker evaluated it
		c.goals = append(c.goals, g)
	}
	c.timeInc = true
	for i, a := range c.aggs {
		c.timeAggs = c.timeAggs || a.readsTime
		if a.readsTime {
			c.timeAggIdx = append(c.timeAggIdx, i)
			c.timeInc = c.timeInc && a.monotone
		}
	}
	c.timeInc = c.timeInc && c.timeAggs
	return nil
}

func (cm *compiler) messages() error {
	c := cm.c
	for _, cmsg := range c.def.Messages {
		m := &message{Message: Message{Nudge: cmsg.Nudge, To: cmsg.To, Text: cmsg.Text}, role: -1, badge: -1}
		// By name: a message mixed in from a piece names the piece's role.
		for rank, r := range c.roleNames {
			if cmsg.ToRole != nil && r == cmsg.ToRole.Name {
				m.role = rank
			}
		}
		for i, b := range c.badgeNames {
			if cmsg.ToBadge != nil && b == cmsg.ToBadge.Name {
				m.badge = i
			}
		}
		var err error
		if m.when, err = cm.expr(cmsg.When, nil); err != nil {
			return err
		}
		c.messages = append(c.messages, m)
	}
	return nil
}

// readsGoals reports whether n reads a goal's fields.
func (cm *compiler) readsGoals(n exprast.Node) bool {
	return exprast.Find(n, func(n exprast.Node) bool {
		id, ok := n.(*exprast.IdentifierNode)
		return ok && cm.c.def.Goal(id.Value) != nil
	}) != nil
}

// readsGroup reports whether n reads `members` or a goal's fields.
func (cm *compiler) readsGroup(n exprast.Node) bool {
	return cm.readsGoals(n) || exprast.Find(n, func(n exprast.Node) bool {
		id, ok := n.(*exprast.IdentifierNode)
		return ok && id.Value == "members"
	}) != nil
}

// readsTime reports whether n, or a role or badge condition it reads, calls
// a function of the evaluation time.
func (cm *compiler) readsTime(n exprast.Node) bool {
	if cm.times == nil {
		v := timeVisitor{cm: cm}
		exprast.Walk(&n, &v)
		return v.found
	}
	sum, ok := cm.times[n]
	if !ok {
		sum = summarizeTime(n)
		cm.times[n] = sum
	}
	if sum.direct {
		return true
	}
	for _, name := range sum.names {
		if cm.nameReadsTime(name) {
			return true
		}
	}
	return false
}

// summarizeTime walks n once for timeSummary.
func summarizeTime(n exprast.Node) *timeSummary {
	sum := &timeSummary{}
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			sum.names = append(sum.names, name)
		}
	}
	exprast.Find(n, func(n exprast.Node) bool {
		switch n := n.(type) {
		case *exprast.CallNode:
			if id, ok := n.Callee.(*exprast.IdentifierNode); ok && needsTime(id.Value) {
				sum.direct = true
			}
		case *exprast.IdentifierNode:
			add(n.Value)
		case *exprast.MemberNode:
			if s, ok := n.Property.(*exprast.StringNode); ok && s.Value == "role" {
				add("role")
			}
		}
		return false
	})
	return sum
}

// timeVisitor finds, for readsTime, a call of a time function or a name
// whose definition reads the time.
type timeVisitor struct {
	cm    *compiler
	found bool
}

func (v *timeVisitor) Visit(node *exprast.Node) {
	if v.found {
		return
	}
	switch n := (*node).(type) {
	case *exprast.CallNode:
		if id, ok := n.Callee.(*exprast.IdentifierNode); ok && needsTime(id.Value) {
			v.found = true
		}
	case *exprast.IdentifierNode:
		v.found = v.cm.nameReadsTime(n.Value)
	case *exprast.MemberNode:
		// p.role runs the ladder on another member: it reads the time
		// when the ladder does. No goal field is called role.
		if s, ok := n.Property.(*exprast.StringNode); ok && s.Value == "role" {
			v.found = v.cm.nameReadsTime("role")
		}
	}
}

// nameReadsTime reports whether the role (when name is "role") or the
// badge name reads the time, through its conditions and the names they
// read in turn. Each name's answer is worked out once per community: a
// chain of children each asked it again for every rule of every action,
// with a new map each time (issue 16's inheritance shapes).
func (cm *compiler) nameReadsTime(name string) bool {
	if r, ok := cm.timeNames[name]; ok {
		return r
	}
	if cm.timeNames == nil {
		cm.timeNames = map[string]bool{}
	}
	cm.timeNames[name] = false // a cycle reads the time only through another name
	r := false
	if name == "role" {
		r = cm.c.derived != nil && cm.c.derived.DemoteTimed
		for _, rung := range cm.c.def.Roles {
			if rung.Cond != nil && cm.readsTime(rung.Cond.Root) {
				r = true
				break
			}
		}
	} else if b := cm.c.def.Badge(name); b != nil {
		r = cm.readsTime(b.Cond.Root)
	}
	cm.timeNames[name] = r
	return r
}

// needsTime reports whether the stdlib function called name reads the
// evaluation time.
func needsTime(name string) bool {
	if name == "taken" { // a window ending at the evaluation time
		return true
	}
	for i := range stdlib.Functions {
		f := &stdlib.Functions[i]
		if f.Name != name {
			continue
		}
		for j := range f.Sigs {
			if f.Sigs[j].NeedsTime() {
				return true
			}
		}
	}
	return false
}

// Settings returns the values of the community's settings (SPEC §6.4.1)
// by name: the declared defaults, or those WithSettings set. The map is a
// copy.
func (c *Community) Settings() map[string]any { return maps.Clone(c.settings) }

// WithSettings returns the community with the settings in set given the
// values there, the others keeping theirs (SPEC §6.4.1); c is unchanged.
// Values are converted as a member's attribute values are (an int takes
// an integer-valued float, never 1.5); a name that is not a setting, or a
// value of the wrong type, is an error naming the setting. A State made
// over the returned community reads these values.
//
// The community is compiled again with the values as constants, so that
// evaluation reads a setting as it reads a literal; its parent is shared.
func (c *Community) WithSettings(set map[string]any) (*Community, error) {
	conv := make(map[string]any, len(c.settings)+len(set))
	for name, v := range c.settings {
		conv[name] = v
	}
	for _, name := range slices.Sorted(maps.Keys(set)) {
		st := c.def.Setting(name)
		if st == nil {
			if c.def.Attr(name) != nil {
				return nil, fmt.Errorf("%s is an attribute of a member, not a setting of community %s", name, c.Name)
			}
			return nil, fmt.Errorf("community %s has no setting %s", c.Name, name)
		}
		v, err := eval.ConvertSetting(name, st.Type, set[name])
		if err != nil {
			return nil, err
		}
		conv[name] = v
	}
	compiled := map[string]*Community{}
	if c.parent != nil {
		compiled[c.parent.Name] = c.parent
	}
	return compileWith(c.def, compiled, nil, conv)
}
