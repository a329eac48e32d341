package syntax

// Inspect calls fn for n and, while fn returns true, for each node below n
// in source order. Nil nodes are skipped.
func Inspect(n any, fn func(any) bool) {
	if isNil(n) || !fn(n) {
		return
	}
	visit := func(children ...any) {
		for _, c := range children {
			Inspect(c, fn)
		}
	}
	switch n := n.(type) {
	case *File:
		for _, c := range n.Communities {
			visit(c)
		}
	case *Community:
		visit(n.Name, n.Extends)
		for _, d := range n.Decls {
			visit(d)
		}
	case *Use:
		for _, p := range n.Path {
			visit(p)
		}
	case *Purpose:
		visit(n.Text)
	case *Timezone:
		visit(n.Name)
	case *Let:
		visit(n.Name, n.Cond)
	case *Schema:
		for _, a := range n.Attrs {
			visit(a)
		}
	case *Settings:
		for _, a := range n.Attrs {
			visit(a)
		}
	case *Attr:
		visit(n.Name, n.Type, n.Default)
	case *TypeRef:
		visit(n.Name)
	case *Action:
		visit(n.Name)
		for _, p := range n.Params {
			visit(p)
		}
	case *Param:
		visit(n.Name, n.Type)
	case *Roles:
		for _, r := range n.Rungs {
			visit(r)
		}
	case *Rung:
		visit(n.Name, n.Cond)
	case *Badge:
		visit(n.Name, n.Cond)
	case *Admit:
		visit(n.Cond)
	case *Sanction:
		visit(n.Name, n.For)
	case *May:
		for _, a := range n.Actions {
			visit(a)
		}
		visit(n.Cond, n.Because)
	case *MustNot:
		for _, a := range n.Actions {
			visit(a)
		}
		visit(n.Cond, n.Because, n.Else)
	case *First:
		visit(n.Before, n.Then, n.Cond, n.Because, n.Else)
	case *Limit:
		visit(n.Action, n.Count, n.Calendar, n.Per, n.Cond, n.Because, n.Else)
	case *Duty:
		visit(n.Action, n.Count, n.Calendar, n.Per, n.Cond, n.Because, n.Else)
	case *Effect:
		visit(n.Action)
		for _, a := range n.Assigns {
			visit(a)
		}
	case *Assign:
		visit(n.Target, n.Field, n.Value)
	case *Goal:
		visit(n.Name, n.Title)
		for _, it := range n.Items {
			visit(it)
		}
	case *GoalItem:
		visit(n.Measure, n.Target)
	case *When:
		visit(n.Cond)
		for _, d := range n.Decls {
			visit(d)
		}
	case *Nudge:
		visit(n.To, n.Text)
	case *Offer:
		visit(n.To, n.Text)
	case *Test:
		visit(n.Name)
		for _, s := range n.Steps {
			visit(s)
		}
	case *Field:
		visit(n.Name, n.Value)
	case *Given:
		visit(n.Name)
		for _, f := range n.Fields {
			visit(f)
		}
		for _, d := range n.Did {
			visit(d)
		}
	case *Did:
		visit(n.Action, n.At)
	case *Update:
		visit(n.Name)
		for _, f := range n.Fields {
			visit(f)
		}
	case *GivenMembers:
		visit(n.Count)
		for _, f := range n.Fields {
			visit(f)
		}
	case *GivenSettings:
		for _, f := range n.Fields {
			visit(f)
		}
	case *At:
		visit(n.Time)
	case *Wait:
		visit(n.For)
	case *Do:
		visit(n.Actor, n.Call, n.Times)
	case *Call:
		visit(n.Action)
		for _, a := range n.Args {
			visit(a)
		}
	case *Expect:
		visit(n.Actor, n.Body)
	case *ExpectDecision:
		visit(n.Call, n.Because, n.Else)
	case *ExpectRole:
		visit(n.Role)
	case *ExpectBadge:
		visit(n.Badge)
	case *ExpectDuty:
		visit(n.Action, n.Because, n.Else)
	case *ExpectMessage:
		visit(n.Text)
	case *ExpectGoal:
		visit(n.Goal)
	case *ExpectSanction:
		visit(n.Sanction)
	case *ExpectThat:
		visit(n.Cond)
	}
}

// Exprs returns every expression under n in source order.
func Exprs(n any) []*Expr {
	var out []*Expr
	Inspect(n, func(n any) bool {
		if e, ok := n.(*Expr); ok {
			out = append(out, e)
		}
		return true
	})
	return out
}

func isNil(n any) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *Ident:
		return n == nil
	case *StringLit:
		return n == nil
	case *IntLit:
		return n == nil
	case *DurationLit:
		return n == nil
	case *Expr:
		return n == nil
	case *Community:
		return n == nil
	case *Sanction:
		return n == nil
	case *Call:
		return n == nil
	case *TypeRef:
		return n == nil
	case Decl, Step, ExpectBody:
		return false
	}
	return false
}
