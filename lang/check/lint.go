package check

import (
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// lint reports warnings about declarations of this community (not inherited).
func (b *builder) lint() {
	com := b.com
	own := func(d syntax.Decl) bool {
		for _, x := range com.Decl.Decls {
			if x == d {
				return true
			}
			if w, ok := x.(*syntax.When); ok {
				for _, y := range w.Decls {
					if syntax.Decl(y) == d {
						return true
					}
				}
			}
		}
		return false
	}
	// Unused attributes are reported by checker.unusedAttrs once every
	// community is built, since a community extending this one may use them.
	com.used = b.used
	com.ownAttrs = b.ownAttrs
	// Actions that no rule mentions (under default deny they can never be taken).
	if !com.DefaultAllow {
		for _, a := range com.Actions {
			if a.Decl == nil || !ownAction(com, a) {
				continue
			}
			mentioned := false
			for _, r := range com.Rules {
				if r.Before == a {
					mentioned = true
				}
				for _, x := range r.Actions {
					if x == a {
						mentioned = true
					}
				}
			}
			if !mentioned {
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
	for _, bd := range com.Badges {
		if bd.Cond != nil && bd.Cond.Root != nil && own(bd.Decl) {
			if v, ok := constBool(bd.Cond); ok {
				b.warnf(diag.ConstCondition, bd.Cond.Range(), "badge %s condition is always %v", bd.Name, v)
			}
		}
	}
}

func ownAction(com *Community, a *Action) bool {
	for _, d := range com.Decl.Decls {
		if d == syntax.Decl(a.Decl) {
			return true
		}
	}
	return false
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
	switch d := d.(type) {
	case *syntax.May:
		return d.Range()
	case *syntax.MustNot:
		return d.Range()
	case *syntax.First:
		return d.Range()
	case *syntax.Limit:
		return d.Range()
	case *syntax.Duty:
		return d.Range()
	}
	return diag.Range{}
}

// unusedAttrs warns about attributes that neither the community declaring
// them nor any community extending it reads or changes.
func (c *checker) unusedAttrs() {
	for _, com := range c.prog.Communities {
		for _, a := range com.Attrs {
			if !com.ownAttrs[a.Name] || a.Decl == nil {
				continue
			}
			used := false
			for _, other := range c.prog.Communities {
				for x := other; x != nil && !used; x = x.Parent {
					if x == com {
						used = other.used[a.Name]
						break
					}
				}
				if used {
					break
				}
			}
			if !used {
				c.warnf(diag.UnusedAttr, a.Decl.Name.Range(), "attribute %s is never read or changed by any rule, role, badge, goal or effect of %s or a community extending it", a.Name, com.Name)
			}
		}
	}
}
