package check

import (
	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// let returns com's named condition name, or nil.
func (com *Community) let(name string) *LetDef {
	for _, l := range com.Lets {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// lets checks the community's own named conditions (SPEC §6.7), in
// order: each may read those declared before it, and is checked as a
// badge's condition is (it may read the role and badges). A name that an
// attribute, parameter, role, badge or goal also has is CH0103.
func (b *builder) lets() {
	com := b.com
	// A named condition whose name is taken is dropped, so that no
	// expression reading the other thing is expanded.
	kept := com.Lets[:0:0]
	for _, l := range com.Lets {
		if l.Decl != nil && b.ownSet()[l.Decl] {
			if kind := b.nameKind(l.Name); kind != "" {
				b.errorf(diag.Duplicate, l.Decl.Name.Range(), "named condition %s has the same name as %s; names of attributes, parameters, roles, badges, goals and named conditions must differ", l.Name, kind)
				continue
			}
		}
		kept = append(kept, l)
	}
	com.Lets = kept
	b.letsOpen = 0
	for i, l := range com.Lets {
		if l.Decl == nil || !b.ownSet()[l.Decl] {
			b.letsOpen = i + 1
			continue
		}
		b.cond(l.Cond, b.envs.badge(), "named condition "+l.Name)
		if l.Cond != nil && l.Cond.Root != nil {
			l.readsRole = b.readsRoleOrBadge(l.Cond.Root)
		}
		b.letsOpen = i + 1
	}
	b.letsOpen = len(com.Lets)
}

// nameKind says what else in the community has name, or "".
func (b *builder) nameKind(name string) string {
	com := b.com
	if com.attrByName[name] != nil {
		return "an attribute"
	}
	for _, r := range com.Roles {
		if r.Name == name {
			return "a role"
		}
	}
	for _, bd := range com.Badges {
		if bd.Name == name {
			return "a badge"
		}
	}
	for _, g := range com.Goals {
		if g.Name == name {
			return "a goal"
		}
	}
	for _, a := range com.Actions {
		for _, p := range a.Params {
			if p.Name == name {
				return "a parameter"
			}
		}
	}
	if com.Setting(name) != nil {
		return "a setting"
	}
	if reservedWord(name) {
		return "a reserved word"
	}
	return ""
}

func reservedWord(name string) bool {
	for _, n := range reservedNames {
		if n == name {
			return true
		}
	}
	return false
}

// readsRoleOrBadge reports whether root reads the role or a badge.
func (b *builder) readsRoleOrBadge(root exprast.Node) bool {
	return exprast.Find(root, func(n exprast.Node) bool {
		id, ok := n.(*exprast.IdentifierNode)
		if !ok {
			return false
		}
		if id.Value == "role" {
			return true
		}
		for _, bd := range b.com.Badges {
			if bd.Name == id.Value {
				return true
			}
		}
		return false
	}) != nil
}

// expandLets replaces, in e's tree, each name of a named condition that e
// may read by a fresh copy of that condition's tree, itself expanded, so
// that whatever reads e (the checker, the runtime, charter gen) reads the
// condition. A named condition not yet declared, one read in a rung while
// it reads the role or a badge, or a name that a parameter shadows, is
// left alone and reported.
func (b *builder) expandLets(e *syntax.Expr, params map[string]bool) {
	if e == nil || e.Root == nil {
		return
	}
	b.expandIn(&e.Root, e, params, 0)
}

func (b *builder) expandIn(root *exprast.Node, e *syntax.Expr, params map[string]bool, depth int) {
	v := &letExpander{b: b, e: e, params: params, depth: depth}
	exprast.Walk(root, v)
}

type letExpander struct {
	b      *builder
	e      *syntax.Expr
	params map[string]bool
	depth  int
}

func (v *letExpander) Visit(node *exprast.Node) {
	id, ok := (*node).(*exprast.IdentifierNode)
	if !ok || v.params[id.Value] {
		return
	}
	b := v.b
	if b.inLadder && v.depth == 0 {
		for _, bd := range b.com.Badges {
			if bd.Name == id.Value {
				v.badge(node, id, bd)
				return
			}
		}
	}
	for i, l := range b.com.Lets {
		if l.Name != id.Value {
			continue
		}
		// A use reported here reads false, so that the checker does not
		// report it again as an unknown name.
		if i >= b.letsOpen {
			b.errorf(diag.UnknownName, v.e.RangeOf(id), "named condition %s is read before it is declared: a named condition reads only those above it", l.Name)
			exprast.Patch(node, &exprast.BoolNode{Value: false})
			return
		}
		if b.inLadder && l.readsRole {
			b.errorf(diag.LetInLadder, v.e.RangeOf(id), "a rung cannot read named condition %s: it reads the role or a badge, which the ladder decides", l.Name)
			exprast.Patch(node, &exprast.BoolNode{Value: false})
			return
		}
		if l.Cond == nil || v.depth > len(b.com.Lets) {
			return
		}
		fresh := l.Cond.Reparse()
		if fresh == nil {
			return
		}
		b.expandIn(&fresh, v.e, nil, v.depth+1)
		exprast.Patch(node, fresh)
		return
	}
}

// badge puts in a rung, at node, a fresh copy of the condition of badge
// bd, its named conditions expanded: a rung reads a badge as it reads a
// named condition (SPEC §6.7), unless the badge reads the role (CH0127).
func (v *letExpander) badge(node *exprast.Node, id *exprast.IdentifierNode, bd *BadgeDef) {
	b := v.b
	if bd.Cond == nil {
		return
	}
	fresh := bd.Cond.Reparse()
	if fresh == nil {
		return
	}
	// The badge's named conditions may read the role: the badge is
	// judged as a whole below.
	b.inLadder = false
	b.expandIn(&fresh, v.e, nil, 1)
	b.inLadder = true
	if b.readsRoleOrBadge(fresh) {
		b.errorf(diag.LetInLadder, v.e.RangeOf(id), "a rung cannot read badge %s: it reads the role, which the ladder decides", bd.Name)
		fresh = &exprast.BoolNode{Value: false}
	}
	exprast.Patch(node, fresh)
}
