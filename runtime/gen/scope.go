package gen

import (
	"fmt"
	"strings"
	"time"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
)

// scope resolves names as runtime/program.go's scope does, so that
// eval.Compile types and folds each expression exactly as it does for the
// runtime. Indexes differ: RefAttr.Index is the attribute's index in
// Community.Attrs, RefParam.Index the parameter's Slot, RefOther.Param the
// member parameter's Slot; eval reads none of them while folding.
type scope struct {
	c      *check.Community
	action *check.Action  // nil outside rule conditions
	set    map[string]any // settings given in place of their defaults
}

func (s *scope) Lookup(name string) (eval.Ref, bool) {
	c := s.c
	if strings.HasPrefix(name, "$") {
		d, err := syntax.DurationValue(name[1:])
		if err != nil {
			return eval.Ref{}, false
		}
		return eval.Ref{Kind: eval.RefConst, Type: tDuration, Const: time.Duration(d)}, true
	}
	if s.action != nil {
		if p := s.action.Param(name); p != nil {
			return eval.Ref{Kind: eval.RefParam, Type: p.Type, Index: p.Slot}, true
		}
		if name == "me" {
			return eval.Ref{Kind: eval.RefMe, Type: check.Type{Kind: check.Member}}, true
		}
	}
	for i, a := range c.Attrs {
		if a.Name == name {
			return eval.Ref{Kind: eval.RefAttr, Type: a.Type, Index: i}, true
		}
	}
	if st := c.Setting(name); st != nil {
		v, ok := s.set[name]
		if !ok {
			v = st.Default
		}
		return eval.Ref{Kind: eval.RefConst, Type: st.Type, Const: v}, true
	}
	switch name {
	case "role":
		if len(c.Roles) > 0 {
			return eval.Ref{Kind: eval.RefRole, Type: check.Type{Kind: check.Role}}, true
		}
	case "members":
		return eval.Ref{Kind: eval.RefMembers, Type: tInt}, true
	}
	for _, r := range c.Roles {
		if r.Name == name {
			return eval.Ref{Kind: eval.RefConst, Type: check.Type{Kind: check.Role}, Const: int64(r.Rank)}, true
		}
	}
	for i, b := range c.Badges {
		if b.Name == name {
			return eval.Ref{Kind: eval.RefBadge, Type: tBool, Index: i}, true
		}
	}
	return eval.Ref{}, false
}

// Call resolves `taken(action, D)` and `has(attr)` as the runtime's scope
// does. For has, Index is the attribute's index in Community.Attrs and
// Param the member parameter's Slot (RefOtherGiven).
func (s *scope) Call(name string, args []exprast.Node) (eval.Ref, bool, error) {
	switch name {
	case "taken":
		ref, err := eval.TakenRef(s.c, args)
		return ref, err == nil, err
	case "has":
		ref, err := s.has(args)
		return ref, err == nil, err
	}
	return eval.Ref{}, false, nil
}

func (s *scope) has(args []exprast.Node) (eval.Ref, error) {
	if len(args) != 1 {
		return eval.Ref{}, fmt.Errorf("has takes one attribute")
	}
	var (
		o  eval.Ref
		ok bool
	)
	switch a := args[0].(type) {
	case *exprast.IdentifierNode:
		o, ok = s.Lookup(a.Value)
	case *exprast.MemberNode:
		obj, _ := a.Node.(*exprast.IdentifierNode)
		prop, _ := a.Property.(*exprast.StringNode)
		if obj != nil && prop != nil {
			o, ok = s.LookupField(obj.Value, prop.Value)
		}
	}
	switch {
	case ok && o.Kind == eval.RefAttr:
		return eval.Ref{Kind: eval.RefGiven, Type: tBool, Index: o.Index}, nil
	case ok && o.Kind == eval.RefOther:
		return eval.Ref{Kind: eval.RefOtherGiven, Type: tBool, Index: o.Index, Param: o.Param}, nil
	}
	return eval.Ref{}, fmt.Errorf("has takes an attribute of %s", s.c.Name)
}

func (s *scope) LookupField(obj, field string) (eval.Ref, bool) {
	if s.action != nil {
		if p := s.action.Param(obj); p != nil && p.Type.Kind == check.Member {
			if field == "role" && len(s.c.Roles) > 0 {
				return eval.Ref{Kind: eval.RefOtherRole, Type: check.Type{Kind: check.Role}, Param: p.Slot}, true
			}
			for i, a := range s.c.Attrs {
				if a.Name == field {
					return eval.Ref{Kind: eval.RefOther, Type: a.Type, Index: i, Param: p.Slot}, true
				}
			}
			return eval.Ref{}, false
		}
	}
	if g := s.c.Goal(obj); g != nil {
		return eval.GoalRef(g.Index, field)
	}
	return eval.Ref{}, false
}
