package check

import (
	"sort"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// lint reports warnings about declarations of this community (not inherited).
func (b *builder) lint() {
	com := b.com
	// The community's own declarations, as a set: looking each inherited
	// rule up in the list made lint quadratic in the rules.
	owned := b.ownSet()
	own := func(d syntax.Decl) bool { return owned[d] }
	// Unused attributes are reported by checker.unusedAttrs once every
	// community is built, since a community extending this one may use them.
	com.used = b.used
	com.ownAttrs = b.ownAttrs
	b.lintUnsetTime()
	// Actions that no rule mentions (under default deny they can never be taken).
	if !com.DefaultAllow {
		var mentioned map[*Action]bool // by some rule; built on first need
		for _, a := range com.Actions {
			if a.Decl == nil || !owned[a.Decl] {
				continue
			}
			if mentioned == nil {
				mentioned = map[*Action]bool{}
				for _, r := range com.Rules {
					mentioned[r.Before] = true
					for _, x := range r.Actions {
						mentioned[x] = true
					}
				}
			}
			if !mentioned[a] {
				b.warnf(diag.UnusedAction, a.Decl.Name.Range(), "no rule mentions action %s, so under default deny it is always denied", a.Name)
			}
		}
	}
	// Roles after an always-true or repeated condition are unreachable.
	seenCond := map[string]string{}
	for i, r := range com.Roles {
		if r.Cond == nil || r.Cond.Root == nil || !b.isOwnRung(r) {
			continue
		}
		key := r.Cond.Root.String()
		if prev, ok := seenCond[key]; ok {
			b.warnf(diag.UnreachableRole, r.Decl.Name.Range(), "role %s can never be held: %s above it has the same condition", r.Name, prev)
			continue
		}
		seenCond[key] = r.Name
		if v, ok := constBool(r.Cond); ok {
			if v && i+1 < len(com.Roles) {
				b.warnf(diag.UnreachableRole, com.Roles[i+1].Decl.Name.Range(), "role %s can never be held: the condition of %s above it is always true", com.Roles[i+1].Name, r.Name)
			} else if !v {
				b.warnf(diag.UnreachableRole, r.Decl.Name.Range(), "role %s can never be held: its condition is always false", r.Name)
			}
		}
	}
	// Constant and duplicate rule conditions; pointless may.
	type ruleKey struct {
		kind   RuleKind
		action string
		cond   string
		when   string
	}
	seenRule := map[ruleKey]*Rule{}
	for _, r := range com.Rules {
		if !own(r.Decl) {
			continue
		}
		if r.Cond != nil && r.Cond.Root != nil {
			if v, ok := constBool(r.Cond); ok {
				b.warnf(diag.ConstCondition, r.Cond.Range(), "condition is always %v", v)
			}
		}
		cond := ""
		if r.Cond != nil && r.Cond.Root != nil {
			cond = r.Cond.Root.String()
		}
		when := ""
		if r.When != nil && r.When.Root != nil {
			when = r.When.Root.String()
		}
		for _, a := range r.Actions {
			k := ruleKey{r.Kind, a.Name, cond, when}
			if r.Kind == Limit || r.Kind == Duty || r.Kind == First {
				continue // differing counts or periods make these distinct
			}
			if prev, ok := seenRule[k]; ok {
				b.warnf(diag.DupCondition, declRange(r.Decl), "%s %s repeats %s", r.Kind, a.Name, prev.Label)
			} else {
				seenRule[k] = r
			}
		}
		if r.Kind == May && com.DefaultAllow {
			b.warnf(diag.PointlessMay, declRange(r.Decl), "may has no effect under `default allow`: every action not denied is allowed")
		}
	}
	b.lintTransfers(own)
	b.lintAudience()
	for _, bd := range com.Badges {
		if bd.Cond != nil && bd.Cond.Root != nil && own(bd.Decl) {
			if v, ok := constBool(bd.Cond); ok {
				b.warnf(diag.ConstCondition, bd.Cond.Range(), "badge %s condition is always %v", bd.Name, v)
			}
		}
	}
}

// constBool evaluates a condition that reads no names.
func constBool(e *syntax.Expr) (bool, bool) {
	if !isConstant(e) { // most conditions: no need to say why
		return false, false
	}
	v, err := evalConst(e)
	if err != nil {
		return false, false
	}
	bv, ok := v.(bool)
	return bv, ok
}

func declRange(d syntax.Decl) diag.Range {
	if r, ok := d.(syntax.RuleDecl); ok {
		return r.Range()
	}
	return diag.Range{}
}

// unusedAttrs warns about attributes that neither the community declaring
// them nor any community extending it reads or changes. Communities are
// numbered depth first along extends, so that those extending com are the
// numbers after its own up to last[com], and the numbers of the
// communities reading each name are searched, not every descendant walked.
func (c *checker) unusedAttrs() {
	coms := c.prog.Communities
	inSet := make(map[*Community]bool, len(coms))
	for _, com := range coms {
		inSet[com] = true
	}
	kids := map[*Community][]*Community{}
	var roots []*Community
	for _, com := range coms {
		if com.Parent != nil && inSet[com.Parent] {
			kids[com.Parent] = append(kids[com.Parent], com)
		} else {
			roots = append(roots, com)
		}
	}
	num := make(map[*Community]int, len(coms))
	last := make(map[*Community]int, len(coms))
	var order []*Community
	// An explicit stack: a chain of children is as deep as it is long.
	type frame struct {
		com  *Community
		next int
	}
	for _, r := range roots {
		stack := []frame{{r, 0}}
		num[r] = len(order)
		order = append(order, r)
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(kids[f.com]) {
				k := kids[f.com][f.next]
				f.next++
				num[k] = len(order)
				order = append(order, k)
				stack = append(stack, frame{k, 0})
				continue
			}
			last[f.com] = len(order) - 1
			stack = stack[:len(stack)-1]
		}
	}
	readers := map[string][]int{} // ascending numbers of the communities reading each name
	for i, com := range order {
		for name, ok := range com.used {
			if ok {
				readers[name] = append(readers[name], i)
			}
		}
	}
	for _, com := range coms {
		for _, a := range com.Attrs {
			if !com.ownAttrs[a.Name] || a.Decl == nil {
				continue
			}
			r := readers[a.Name]
			i := sort.SearchInts(r, num[com])
			if i < len(r) && r[i] <= last[com] {
				continue
			}
			c.warnf(diag.UnusedAttr, a.Decl.Name.Range(), "attribute %s is never read or changed by any rule, role, badge, goal or effect of %s or a community extending it", a.Name, com.Name)
		}
	}
}

// lintAudience warns at a `use` whose piece addresses a nudge or offer to
// a badge it declares as `false`: the piece leaves to the community whom
// the message is for (std.dunbar's stewards, SPEC §16.3), and until the
// community redeclares the badge nobody receives it.
func (b *builder) lintAudience() {
	com := b.com
	for _, d := range com.Decl.Decls {
		u, ok := d.(*syntax.Use)
		if !ok || len(u.Path) != 2 {
			continue
		}
		p := b.checker.pieces[u.Path[1].Name]
		if p == nil {
			continue
		}
		for _, bd := range p.Badges {
			if v, ok := constBool(bd.Cond); !ok || v {
				continue
			}
			if cur := com.Badge(bd.Name); cur == nil || cur.Decl != bd.Decl {
				continue // redeclared here, or by an earlier piece
			}
			for _, m := range p.Messages {
				if m.ToBadge != nil && m.ToBadge.Name == bd.Name {
					kind := "offer"
					if m.Nudge {
						kind = "nudge"
					}
					b.warnf(diag.NoAudience, u.Range(), "the %s of %s reaches nobody: %s does not say who holds badge %s; declare `badge %s if COND`, such as `if role >= admin`", kind, u.Name(), com.Name, bd.Name, bd.Name)
					break
				}
			}
		}
	}
}

// clockFuncs are the functions that compare a time with the evaluation
// time: a time attribute no record gave is the epoch, which they read as
// decades ago.
var clockFuncs = map[string]bool{"since": true, "until": true, "days_since": true, "hours_since": true}

// lintUnsetTime warns, once per attribute, where one of the community's
// own conditions reads a time attribute against the clock (a clock
// function's argument, or compared with now()) while the attribute is
// neither required nor defaulted: a record without it is the epoch, so
// `since(joined_at) < 7d` would treat a new account as decades old and a
// rule meant to hold newcomers back would let them through.
func (b *builder) lintUnsetTime() {
	com := b.com
	owned := b.ownSet()
	warned := map[string]bool{}
	unset := func(n exprast.Node) *Attr {
		id, ok := n.(*exprast.IdentifierNode)
		if !ok {
			return nil
		}
		a := com.attrByName[id.Value]
		if a == nil || a.Type.Kind != Time || a.Required || a.Decl == nil || a.Decl.Default != nil {
			return nil
		}
		return a
	}
	isNow := func(n exprast.Node) bool {
		_, ok := callOf(n, "now")
		return ok
	}
	look := func(e *syntax.Expr) {
		if e == nil || e.Root == nil {
			return
		}
		var found []*Attr
		exprast.Find(e.Root, func(n exprast.Node) bool {
			switch n := n.(type) {
			case *exprast.CallNode:
				if id, ok := n.Callee.(*exprast.IdentifierNode); ok && clockFuncs[id.Value] {
					for _, arg := range n.Arguments {
						if a := unset(arg); a != nil {
							found = append(found, a)
						}
					}
				}
			case *exprast.BinaryNode:
				if a := unset(n.Left); a != nil && isNow(n.Right) {
					found = append(found, a)
				}
				if a := unset(n.Right); a != nil && isNow(n.Left) {
					found = append(found, a)
				}
			}
			return false
		})
		var guarded map[string]bool // has(attr) in the same condition
		if len(found) > 0 {
			exprast.Find(e.Root, func(n exprast.Node) bool {
				if c, ok := HasCall(n); ok && len(c.Arguments) == 1 {
					if id, ok := c.Arguments[0].(*exprast.IdentifierNode); ok {
						if guarded == nil {
							guarded = map[string]bool{}
						}
						guarded[id.Value] = true
					}
				}
				return false
			})
		}
		for _, a := range found {
			if warned[a.Name] || guarded[a.Name] {
				continue
			}
			warned[a.Name] = true
			b.warnf(diag.UnsetTime, e.Range(), "time attribute %s is neither required nor defaulted, so a member without it reads as the epoch, decades before now; declare it `%s: time required`, give it a default, or guard the read with has(%s)", a.Name, a.Name, a.Name)
		}
	}
	for _, r := range com.Roles {
		if r.Decl != nil && b.isOwnRung(r) {
			look(r.Cond)
		}
	}
	for _, bd := range com.Badges {
		if owned[bd.Decl] {
			look(bd.Cond)
		}
	}
	for _, r := range com.Rules {
		if owned[r.Decl] {
			look(r.When)
			look(r.Cond)
		}
	}
	if com.Admit != nil && com.Decl != nil {
		for _, d := range com.Decl.Decls {
			if a, ok := d.(*syntax.Admit); ok {
				look(a.Cond)
			}
		}
	}
}
