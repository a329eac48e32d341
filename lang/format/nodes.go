package format

import "github.com/charterlang/charter/lang/syntax"

// Alignment classes: consecutive one-line items of one class line up their
// cells. must not and first share a class (they deny outright); limit and
// duty share another (they count).
const (
	classAttr    = "attr"    // name: | type | = default
	classRung    = "rung"    // name | if cond / otherwise
	classBadge   = "badge"   // badge name | if cond
	classMay     = "may"     // may actions | if cond because "why"
	classDeny    = "deny"    // must not ... / first ... | because "why" else sanction
	classQuota   = "quota"   // limit ... / must N per D ... | because "why" else sanction
	classEffect  = "effect"  // on action | { ... }
	classMessage = "message" // nudge / offer who | "text"
	classGoal    = "goalitem"
	classField   = "field" // name: | value
)

func (p *printer) file(f *syntax.File) {
	p.indent = 0
	for _, c := range f.Communities {
		p.item("", func() { p.community(c) })
	}
	p.finish()
}

func (p *printer) ident(id *syntax.Ident, space bool) {
	if id != nil {
		p.put(id.Name, space)
	}
}

func (p *printer) str(s *syntax.StringLit) {
	if s != nil {
		p.put(s.Raw, true)
	}
}

func (p *printer) community(c *syntax.Community) {
	p.put("community", true)
	p.ident(c.Name, true)
	if c.Extends != nil {
		p.put("extends", true)
		p.ident(c.Extends, true)
	}
	p.block(len(c.Decls), ";",
		func(i int) string { return declClass(c.Decls[i]) },
		func(i int) { p.decl(c.Decls[i]) })
}

func declClass(d syntax.Decl) string {
	switch d.(type) {
	case *syntax.Badge, *syntax.Let:
		return classBadge
	case *syntax.May:
		return classMay
	case *syntax.MustNot, *syntax.First:
		return classDeny
	case *syntax.Limit, *syntax.Duty:
		return classQuota
	case *syntax.Effect:
		return classEffect
	case *syntax.Nudge, *syntax.Offer:
		return classMessage
	}
	return ""
}

func (p *printer) decl(d syntax.Decl) {
	switch d := d.(type) {
	case *syntax.Use:
		p.put("use", true)
		for i, id := range d.Path {
			if i > 0 {
				p.put(".", false)
			}
			p.ident(id, i == 0)
		}
	case *syntax.Purpose:
		p.put("purpose", true)
		p.str(d.Text)
	case *syntax.Timezone:
		p.put("timezone", true)
		p.str(d.Name)
	case *syntax.Default:
		p.put("default", true)
		p.put(d.Value, true)
	case *syntax.Schema:
		p.put("member", true)
		p.block(len(d.Attrs), ";",
			func(int) string { return classAttr },
			func(i int) { p.attr(d.Attrs[i]) })
	case *syntax.Settings:
		p.put("settings", true)
		p.block(len(d.Attrs), ";",
			func(int) string { return classAttr },
			func(i int) { p.attr(d.Attrs[i]) })
	case *syntax.Action:
		p.put("action", true)
		p.ident(d.Name, true)
		p.put("(", false)
		for i, prm := range d.Params {
			if i > 0 {
				p.put(",", false)
			}
			p.ident(prm.Name, i > 0)
			p.put(":", false)
			p.typ(prm.Type)
		}
		p.put(")", false)
	case *syntax.Roles:
		p.put("roles", true)
		p.block(len(d.Rungs), ";",
			func(int) string { return classRung },
			func(i int) { p.rung(d.Rungs[i]) })
	case *syntax.Badge:
		p.put("badge", true)
		p.ident(d.Name, true)
		p.cell()
		p.cond(d.Cond)
	case *syntax.Let:
		p.put("let", true)
		p.ident(d.Name, true)
		p.cell()
		p.put("=", true)
		p.expr(d.Cond, true)
	case *syntax.Admit:
		p.put("admit", true)
		p.cond(d.Cond)
	case *syntax.May:
		p.put("may", true)
		p.idents(d.Actions)
		if d.Cond != nil || d.Because != nil {
			p.cell()
		}
		p.cond(d.Cond)
		p.because(d.Because)
	case *syntax.MustNot:
		p.put("must", true)
		p.put("not", true)
		p.idents(d.Actions)
		p.cond(d.Cond)
		p.tail(d.Because, d.Else)
	case *syntax.First:
		p.put("first", true)
		p.ident(d.Before, true)
		p.put("then", true)
		p.ident(d.Then, true)
		p.cond(d.Cond)
		p.tail(d.Because, d.Else)
	case *syntax.Limit:
		p.put("limit", true)
		p.ident(d.Action, true)
		p.count(d.Count, d.Calendar, d.Per)
		p.cond(d.Cond)
		p.tail(d.Because, d.Else)
	case *syntax.Duty:
		p.put("must", true)
		p.ident(d.Action, true)
		p.count(d.Count, d.Calendar, d.Per)
		p.cond(d.Cond)
		p.tail(d.Because, d.Else)
	case *syntax.Effect:
		p.put("on", true)
		p.ident(d.Action, true)
		p.cell()
		p.block(len(d.Assigns), ";",
			func(int) string { return "" },
			func(i int) { p.assign(d.Assigns[i]) })
	case *syntax.Goal:
		p.put("goal", true)
		p.ident(d.Name, true)
		p.str(d.Title)
		p.block(len(d.Items), ";",
			func(int) string { return classGoal },
			func(i int) { p.goalItem(d.Items[i]) })
	case *syntax.When:
		p.put("when", true)
		p.expr(d.Cond, true)
		p.block(len(d.Decls), ";",
			func(i int) string { return declClass(d.Decls[i]) },
			func(i int) { p.decl(d.Decls[i]) })
	case *syntax.Nudge:
		p.put("nudge", true)
		p.message(d.To, d.Text)
	case *syntax.Offer:
		p.put("offer", true)
		p.message(d.To, d.Text)
	case *syntax.Test:
		p.put("test", true)
		p.str(d.Name)
		p.block(len(d.Steps), ";",
			func(int) string { return "" },
			func(i int) { p.step(d.Steps[i]) })
	}
}

func (p *printer) idents(ids []*syntax.Ident) {
	for i, id := range ids {
		if i > 0 {
			p.put(",", false)
		}
		p.ident(id, true)
	}
}

func (p *printer) typ(t *syntax.TypeRef) {
	if t == nil {
		return
	}
	if t.List {
		p.put("[", true)
		p.put("]", false)
		p.ident(t.Name, false)
		return
	}
	p.ident(t.Name, true)
}

func (p *printer) attr(a *syntax.Attr) {
	p.ident(a.Name, true)
	p.put(":", false)
	p.cell()
	p.typ(a.Type)
	if a.Required {
		p.put("required", true)
	}
	if a.Default != nil {
		p.cell()
		p.put("=", true)
		p.expr(a.Default, true)
	}
}

func (p *printer) rung(r *syntax.Rung) {
	p.ident(r.Name, true)
	p.cell()
	if r.Otherwise {
		p.put("otherwise", true)
		return
	}
	p.cond(r.Cond)
}

func (p *printer) cond(e *syntax.Expr) {
	if e != nil {
		p.put("if", true)
		p.expr(e, true)
	}
}

func (p *printer) because(s *syntax.StringLit) {
	if s != nil {
		p.put("because", true)
		p.str(s)
	}
}

// tail prints `because "why" else sanction`; the because starts a cell, so
// that the reasons of consecutive rules line up.
func (p *printer) tail(because *syntax.StringLit, els *syntax.Sanction) {
	if because != nil {
		p.cell()
		p.because(because)
	}
	p.els(els)
}

// els prints `else sanction`.
func (p *printer) els(els *syntax.Sanction) {
	if els != nil {
		p.put("else", true)
		p.ident(els.Name, true)
		if els.For != nil {
			p.put(els.For.Raw, true)
		}
	}
}

func (p *printer) count(n *syntax.IntLit, cal *syntax.Ident, per *syntax.DurationLit) {
	if n != nil {
		p.put(n.Raw, true)
	}
	p.put("per", true)
	if cal != nil {
		p.put("calendar", true)
		p.ident(cal, true)
	}
	if per != nil {
		p.put(per.Raw, true)
	}
}

func (p *printer) message(to *syntax.Ident, text *syntax.StringLit) {
	if to != nil {
		p.ident(to, true)
		p.cell()
	}
	p.str(text)
}

func (p *printer) assign(a *syntax.Assign) {
	p.ident(a.Target, true)
	if a.Field != nil {
		p.put(".", false)
		p.ident(a.Field, false)
	}
	p.put(a.Op, true)
	p.expr(a.Value, true)
}

func (p *printer) goalItem(it *syntax.GoalItem) {
	if it.Measure != nil {
		p.put("measure", true)
		p.cell()
		p.expr(it.Measure, true)
		return
	}
	p.put("target", true)
	p.cell()
	p.put(it.Op, true)
	p.expr(it.Target, true)
}

func (p *printer) step(s syntax.Step) {
	switch s := s.(type) {
	case *syntax.Given:
		p.put("given", true)
		p.put("member", true)
		p.ident(s.Name, true)
		p.fields(s.Fields)
		if len(s.Did) > 0 {
			p.put("did", true)
			for i, d := range s.Did {
				if i > 0 {
					p.put(",", false)
				}
				p.ident(d.Action, true)
				p.put("at", true)
				p.str(d.At)
			}
		}
	case *syntax.Update:
		p.put("update", true)
		p.ident(s.Name, true)
		p.fields(s.Fields)
	case *syntax.GivenMembers:
		p.put("given", true)
		p.put("members", true)
		if s.Count != nil {
			p.put(s.Count.Raw, true)
		}
		p.fields(s.Fields)
	case *syntax.GivenSettings:
		p.put("given", true)
		p.put("settings", true)
		p.fields(s.Fields)
	case *syntax.At:
		p.put("at", true)
		p.str(s.Time)
	case *syntax.Wait:
		p.put("wait", true)
		if s.For != nil {
			p.put(s.For.Raw, true)
		}
	case *syntax.Review:
		p.put("review", true)
	case *syntax.Do:
		if s.Try {
			p.put("try", true)
		} else {
			p.put("do", true)
		}
		p.actor(s.Actor)
		p.call(s.Call)
		if s.Times != nil {
			p.put("times", true)
			p.put(s.Times.Raw, true)
		}
	case *syntax.Expect:
		p.put("expect", true)
		p.actor(s.Actor)
		p.expect(s.Body)
	}
}

// actor prints `name:` before a call or an expectation of a given member.
func (p *printer) actor(a *syntax.Ident) {
	if a != nil {
		p.ident(a, true)
		p.put(":", false)
	}
}

func (p *printer) fields(fs []*syntax.Field) {
	p.block(len(fs), ",",
		func(int) string { return classField },
		func(i int) {
			p.ident(fs[i].Name, true)
			p.put(":", false)
			p.cell()
			p.expr(fs[i].Value, true)
		})
}

func (p *printer) call(c *syntax.Call) {
	if c == nil {
		return
	}
	p.ident(c.Action, true)
	p.put("(", false)
	for i, a := range c.Args {
		if i > 0 {
			p.put(",", false)
		}
		p.ident(a.Name, i > 0)
		p.put(":", false)
		p.expr(a.Value, true)
	}
	p.put(")", false)
}

func (p *printer) no(no bool) {
	if no {
		p.put("no", true)
	}
}

func (p *printer) expect(b syntax.ExpectBody) {
	switch b := b.(type) {
	case *syntax.ExpectDecision:
		p.put(b.Verdict, true)
		p.call(b.Call)
		p.because(b.Because)
		p.els(b.Else)
	case *syntax.ExpectRole:
		p.put("role", true)
		p.ident(b.Role, true)
	case *syntax.ExpectBadge:
		p.no(b.No)
		p.put("badge", true)
		p.ident(b.Badge, true)
	case *syntax.ExpectDuty:
		p.no(b.No)
		p.put("duty", true)
		p.ident(b.Action, true)
		p.because(b.Because)
		p.els(b.Else)
	case *syntax.ExpectMessage:
		p.no(b.No)
		p.put("message", true)
		p.str(b.Text)
	case *syntax.ExpectGoal:
		p.put("goal", true)
		p.ident(b.Goal, true)
		p.put(b.State, true)
	case *syntax.ExpectAdmit:
		p.no(b.No)
		p.put("admit", true)
	case *syntax.ExpectSanction:
		p.no(b.No)
		p.put("sanction", true)
		p.ident(b.Sanction, true)
	case *syntax.ExpectThat:
		p.put("that", true)
		p.expr(b.Cond, true)
	}
}
