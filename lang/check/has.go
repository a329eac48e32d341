package check

import (
	"github.com/expr-lang/expr"
	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// hasOption declares has to expr-lang's checker. Its argument is checked
// as any expression is, so a name not visible where has stands draws the
// diagnostic the name alone would; hasCalls has made sure it is an
// attribute.
var hasOption = expr.Function("has", nil, new(func(any) bool))

// hasCalls checks every has(attr) in e (SPEC §7.7): one argument, naming
// an attribute of the member (attr) or of a member parameter (p.attr),
// not a setting nor an attribute the live state keeps for sanctions. A
// required attribute is always given: a warning. A name that is no
// declaration of the community is left to expr-lang's checker, which
// reports it with its suggestions.
func (b *builder) hasCalls(e *syntax.Expr, v view) bool {
	ok := true
	exprast.Find(e.Root, func(n exprast.Node) bool {
		c, isHas := HasCall(n)
		if !isHas {
			return false
		}
		fail := func(n exprast.Node, format string, args ...any) {
			b.errorf(diag.BadHas, e.RangeOf(n), format, args...)
			ok = false
		}
		if len(c.Arguments) != 1 {
			fail(c, "has takes one argument, an attribute of the member, as has(email)")
			return false
		}
		arg := c.Arguments[0]
		var name string
		switch a := arg.(type) {
		case *exprast.IdentifierNode:
			name = a.Value
			if b.com.Attr(name) == nil {
				switch {
				case b.com.Setting(name) != nil:
					fail(arg, "has asks whether a member's attribute was given: %s is a setting of %s, which always has a value", name, b.com.Name)
				case v.isParam(name):
					fail(arg, "has asks whether a member's attribute was given: %s is a parameter, which every call gives", name)
				case b.com.declares(name):
					fail(arg, "has asks whether a member's attribute was given, and %s is no attribute of %s", name, b.com.Name)
				}
				return false // an unknown name: expr-lang reports it
			}
		case *exprast.MemberNode:
			obj, isID := a.Node.(*exprast.IdentifierNode)
			prop, isProp := a.Property.(*exprast.StringNode)
			if !isID || !isProp || !v.isMemberParam(obj.Value) {
				fail(arg, "has takes an attribute of the member, as has(email), or of a member parameter, as has(to.email)")
				return false
			}
			name = prop.Value
			if b.com.Attr(name) == nil {
				// checkMembers reported an unknown attribute; role is no
				// attribute.
				if name == "role" {
					fail(arg, "has asks whether a member's attribute was given, and %s.role is its role", obj.Value)
				}
				return false
			}
		default:
			fail(arg, "has takes an attribute of the member, as has(email), or of a member parameter, as has(to.email)")
			return false
		}
		a := b.com.Attr(name)
		switch {
		case a.Implicit:
			fail(arg, "has asks whether a member's attribute was given: %s is kept by the live state for sanctions, and always holds its count", name)
		case a.Required:
			r := e.RangeOf(c)
			if b.checker.hasWarned == nil {
				b.checker.hasWarned = map[diag.Range]bool{}
			}
			if !b.checker.hasWarned[r] {
				b.checker.hasWarned[r] = true
				b.warnf(diag.HasRequired, r, "has(%s) is always true: %s is required, so every member gives it", name, name)
			}
		}
		return false
	})
	return ok
}

// HasCall reports whether n is a call of has (SPEC §7.7).
func HasCall(n exprast.Node) (*exprast.CallNode, bool) { return callOf(n, "has") }

// callOf reports whether n is a call of the function name, and returns
// the call.
func callOf(n exprast.Node, name string) (*exprast.CallNode, bool) {
	c, ok := n.(*exprast.CallNode)
	if !ok {
		return nil, false
	}
	id, ok := c.Callee.(*exprast.IdentifierNode)
	return c, ok && id.Value == name
}

// isParam reports whether name is a parameter visible in v (me aside).
func (v view) isParam(name string) bool {
	for _, p := range v.params {
		if p.name == name && name != "me" {
			return true
		}
	}
	return false
}

// isMemberParam reports whether name is a member parameter visible in v,
// whose attributes p.attr reads (me's are read by name).
func (v view) isMemberParam(name string) bool {
	for _, p := range v.params {
		if p.name == name && p.member && name != "me" {
			return true
		}
	}
	return false
}

// declares reports whether name is a role, badge or goal of c, or role.
func (c *Community) declares(name string) bool {
	return name == "role" || c.Role(name) != nil || c.Badge(name) != nil || c.Goal(name) != nil
}
