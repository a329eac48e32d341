// Package graph draws a checked community's role ladder and badges: the
// rungs with their conditions, the actions whose effects move members up
// (or down), and the sanctions that move them down. It reads only the
// front end's checked model, so a designer can see the ladder without a
// runtime:
//
//	g, err := graph.Build(prog.Community("FanClub"))
//	err = g.WriteDOT(w) // or g.WriteSVG(w)
//
// # What the edges mean
//
// The analysis is static: it reads the conditions and the effects, never
// a member. An effect edge runs from an action to a rung or badge whose
// condition reads an attribute the action's effect changes (of the acting
// member, or of the member a parameter names). Its kind says which way
// the effect pushes the condition:
//
//   - Up: every change makes the condition easier to meet. The condition
//     grows with the attribute when the attribute stands, through
//     &&, ||, +, a positive constant factor or divisor, len, min, max,
//     clamp and until, on the large side of >= or > (the small side of <=
//     or <), or is a bool read as true; days_since, hours_since, since,
//     unary minus, ! and the right operand of - turn the direction round.
//     The change has a direction when it is += or -= of a constant
//     (a member added to or taken from a list counts as one), = true or
//     = false, = now() on a time (taken to be no earlier than the time it
//     replaces), or = [] on a list. has(x) grows with every assignment
//     to x, whatever it assigns: an effect gives x, and once given x
//     stays given (SPEC §7.7).
//   - Down: every change makes it harder to meet.
//   - Changes: the analysis cannot tell the direction: an == or !=, a
//     value not known when the rules are read (+= amount), an attribute
//     read both ways.
//
// Taking an action also counts in taken(action, D): a rung that reads
// taken(post, 7d) >= 3 gets an edge from post, labelled with the taken.
//
// A sanction edge is a rule or duty whose else sanction moves a member:
// demote takes one rung off, drawn from each rung the rule can apply at
// to the rung below; remove takes the member out. A rule can apply at a
// rung unless its condition, with role set to that rung and everything
// but role comparisons unknown, is false: `if role >= creator` applies at
// creator and above. A warn sanction raises warnings, and a demote
// demotions: a rung or badge that reads them gets an edge from the rule as
// from an action. An effect that changes a declared demotions attribute
// moves the whole ladder, and gets an edge to the ladder. A mute moves no
// one, and a sanction the host defines is the host's to carry out, so
// neither is drawn.
//
// Named conditions (let) are drawn as nodes of their own, with a Reads
// edge from each rung, badge or named condition whose condition names
// them, and the conditions keep the names as written: a designer named
// them to be read, and inlining would repeat one condition in every rung
// that reads it. (The SVG lists them under the badges and draws no line
// to them, which would cross the column of actions: the name in the
// condition is the link.) The effect edges see through them: they follow the
// checker's expansion, so an effect that changes an attribute a named
// condition reads reaches the rungs that read the named condition.
package graph

import (
	"fmt"
	"math"
	"slices"
	"strings"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/format"
	"github.com/charterlang/charter/lang/syntax"
)

// Graph is a community's ladder and badges, with what moves members
// between them.
type Graph struct {
	Community string
	Rungs     []*Node // the ladder, highest first
	Badges    []*Node
	// Lets are the named conditions the rungs and badges read, directly
	// or through another named condition, in declaration order.
	Lets []*Node
	// Sources are the actions with an effect edge, then the rules whose
	// sanction changes an attribute a rung or badge reads, in declaration
	// order.
	Sources []*Node
	// Ladder stands for the ladder as a whole: remove edges start there,
	// and an effect on demotions ends there. In a community without roles
	// it stands for every member, and is nil unless a rule removes.
	Ladder *Node
	// Removed is where remove edges end; nil when no rule removes.
	Removed *Node
	Edges   []*Edge
}

// Kind is the kind of a node.
type Kind int

// The kinds of node.
const (
	Rung Kind = iota
	Badge
	Let
	Action
	Rule    // a rule whose sanction changes an attribute: a source, like an action
	Ladder  // the whole ladder
	Removed // out of the community
)

// Node is one box of the diagram.
type Node struct {
	// ID is unique in the graph: "rung:leader", "badge:inactive",
	// "let:tl2", "action:post", "rule:3", "ladder", "removed".
	ID   string
	Kind Kind
	// Name is the role, badge, named condition or action's name, or a
	// rule's text for a Rule.
	Name string
	// Cond is the condition as written, on one line: "otherwise" for the
	// last rung, empty for other kinds.
	Cond string
}

// EdgeKind says how an edge moves members.
type EdgeKind int

// The kinds of edge; see the package comment for what decides them.
const (
	Up      EdgeKind = iota // an effect that helps meet the target's condition
	Down                    // an effect that hinders it
	Changes                 // an effect whose direction is unknown
	Demote                  // a demote sanction: one rung down
	Remove                  // a remove sanction
	Reads                   // a condition reads a named condition or a badge
)

func (k EdgeKind) String() string {
	return [...]string{"up", "down", "changes", "demote", "remove", "reads"}[k]
}

// Edge is one arrow.
type Edge struct {
	From, To *Node
	Kind     EdgeKind
	// Lines label the edge: for an effect, "post: posts += 1" (its
	// assignments that reach the target); for a sanction, each rule that
	// imposes it; empty for Reads.
	Lines []string
	// At, for a Remove from the Ladder, lists the rungs the rule can
	// apply at when it cannot apply at every rung; nil otherwise.
	At []*Node
}

// Build draws community c. c must come from a program without errors.
func Build(c *check.Community) (*Graph, error) {
	if c == nil {
		return nil, fmt.Errorf("no community to draw")
	}
	if len(c.Roles) == 0 && len(c.Badges) == 0 {
		return nil, fmt.Errorf("community %s declares no roles and no badges: there is no ladder to draw", c.Name)
	}
	b := &builder{c: c, g: &Graph{Community: c.Name}, targets: map[*Node]map[string]sign{}, taken: map[*Node]map[string]string{}}
	b.nodes()
	b.effects()
	b.sanctions()
	b.reads()
	if b.edges > MaxEdges {
		return nil, fmt.Errorf("community %s would draw %d edges; a diagram holds at most %d", c.Name, b.edges, MaxEdges)
	}
	return b.g, nil
}

// MaxEdges bounds a diagram: every action that changes an attribute
// every rung reads draws an edge to each, so a load set within the
// checker's limits could ask for millions, which no one could read.
const MaxEdges = 20000

// add adds an edge, up to MaxEdges: past it, edges are only counted, and
// Build reports the count.
func (b *builder) add(e *Edge) {
	b.edges++
	if b.edges <= MaxEdges {
		b.g.Edges = append(b.g.Edges, e)
	}
}

type builder struct {
	c *check.Community
	g *Graph
	// targets holds, for each rung and badge, the direction of its
	// condition in each attribute it reads.
	targets map[*Node]map[string]sign
	// taken holds, for each rung and badge, the actions its condition
	// counts with taken, and the first such call as written.
	taken   map[*Node]map[string]string
	sources map[string]*Node
	edges   int // edges added, kept or not
}

func (b *builder) nodes() {
	c, g := b.c, b.g
	if len(c.Roles) > 0 {
		g.Ladder = &Node{ID: "ladder", Kind: Ladder, Name: "roles"}
	}
	for _, r := range c.Roles {
		n := &Node{ID: "rung:" + r.Name, Kind: Rung, Name: r.Name, Cond: "otherwise"}
		if !r.Otherwise {
			n.Cond = format.Expr(r.Cond)
			b.analyse(n, r.Cond)
		}
		g.Rungs = append(g.Rungs, n)
	}
	for _, bd := range c.Badges {
		n := &Node{ID: "badge:" + bd.Name, Kind: Badge, Name: bd.Name, Cond: format.Expr(bd.Cond)}
		b.analyse(n, bd.Cond)
		g.Badges = append(g.Badges, n)
	}
}

// analyse records the direction of n's condition in each attribute, and
// the takings it counts, reading the checker's expansion of named
// conditions (and, in a rung, of badges).
func (b *builder) analyse(n *Node, e *syntax.Expr) {
	dirs := map[string]sign{}
	takes := map[string]string{}
	if e != nil && e.Root != nil {
		w := &walker{c: b.c, dirs: dirs, takes: takes}
		w.walk(e.Root, plus)
	}
	b.targets[n] = dirs
	b.taken[n] = takes
}

// targetsInOrder lists the rungs, then the badges.
func (b *builder) targetsInOrder() []*Node {
	return append(slices.Clip(b.g.Rungs), b.g.Badges...)
}

// source returns the source node id, creating it on first use, so that
// Sources lists only those with an edge, in the order they were met.
func (b *builder) source(id string, kind Kind, name string) *Node {
	if b.sources == nil {
		b.sources = map[string]*Node{}
	}
	if n, ok := b.sources[id]; ok {
		return n
	}
	n := &Node{ID: id, Kind: kind, Name: name}
	b.sources[id] = n
	b.g.Sources = append(b.g.Sources, n)
	return n
}

// change is one attribute change and the direction it moves the
// attribute's value.
type change struct {
	attr string
	dir  sign
	text string // as written: "posts += 1", "to.reputation += amount"
}

func (b *builder) effects() {
	for _, a := range b.c.Actions {
		var changes []change
		for _, eff := range b.c.Effects {
			if eff.Action != a {
				continue
			}
			for _, as := range eff.Assigns {
				changes = append(changes, change{attr: as.Attr.Name, dir: assignDir(as), text: assignText(as)})
			}
		}
		b.connect("action:"+a.Name, Action, a.Name, a.Name, changes, true)
	}
}

// connect draws the edges from a source with these changes to each rung
// and badge they reach; counts says whether taking the source counts in
// taken(name, D).
func (b *builder) connect(id string, kind Kind, name, action string, changes []change, counts bool) {
	for _, t := range b.targetsInOrder() {
		dirs := b.targets[t]
		var lines []string
		var kinds []sign
		for _, ch := range changes {
			d, reads := dirs[ch.attr]
			// An effect's assignment gives its attribute, so has of it
			// becomes or stays true: a move in has's direction. A
			// sanction's bookkeeping gives nothing (SPEC §7.7).
			h, asks := dirs[hasKey(ch.attr)]
			asks = asks && kind != Rule
			if !reads && !asks {
				continue
			}
			lines = append(lines, ch.text)
			if reads {
				kinds = append(kinds, ch.dir*d)
			}
			if asks {
				kinds = append(kinds, h)
			}
		}
		if call, ok := b.taken[t][action]; ok && counts {
			lines = append(lines, "counts in "+call)
			kinds = append(kinds, plus)
		}
		if len(lines) == 0 {
			continue
		}
		src := b.source(id, kind, name)
		label := name + ": " + strings.Join(lines, "; ")
		if kind == Rule {
			label = strings.Join(lines, "; ")
		}
		b.add(&Edge{From: src, To: t, Kind: edgeKind(kinds), Lines: []string{label}})
	}
	// The ladder less demotions rungs is the role: a change to demotions
	// moves every rung the other way.
	if b.g.Ladder == nil {
		return
	}
	for _, ch := range changes {
		if ch.attr != check.DemotionsAttr || kind == Rule {
			continue
		}
		src := b.source(id, kind, name)
		b.add(&Edge{From: src, To: b.g.Ladder, Kind: edgeKind([]sign{-ch.dir}), Lines: []string{name + ": " + ch.text}})
	}
}

func edgeKind(kinds []sign) EdgeKind {
	all := func(s sign) bool {
		for _, k := range kinds {
			if k != s {
				return false
			}
		}
		return true
	}
	switch {
	case all(plus):
		return Up
	case all(minus):
		return Down
	}
	return Changes
}

func (b *builder) sanctions() {
	demotes := map[int][]string{} // rung index → the rules that demote from it
	for i, r := range b.c.Rules {
		if r.Else == nil {
			continue
		}
		text := ruleText(r)
		switch r.Else.Name {
		case "warn":
			b.connect(fmt.Sprintf("rule:%d", i), Rule, text, "", []change{
				{attr: check.WarningsAttr, dir: plus, text: "else " + r.Else.String() + ": warnings += 1"},
				{attr: check.WarnedAtAttr, dir: plus, text: "else " + r.Else.String() + ": warned_at = now()"},
			}, false)
		case "demote":
			b.connect(fmt.Sprintf("rule:%d", i), Rule, text, "", []change{
				{attr: check.DemotionsAttr, dir: plus, text: "else " + r.Else.String() + ": demotions += 1"},
			}, false)
			for k := range b.g.Rungs[:max(0, len(b.g.Rungs)-1)] {
				if b.mayApply(r, k) {
					demotes[k] = append(demotes[k], text)
				}
			}
		case "remove":
			var at []*Node
			for k, n := range b.g.Rungs {
				if b.mayApply(r, k) {
					at = append(at, n)
				}
			}
			if len(at) == 0 && len(b.g.Rungs) > 0 {
				continue // the rule can apply at no rung
			}
			if len(at) == len(b.g.Rungs) {
				at = nil
			}
			if b.g.Removed == nil {
				b.g.Removed = &Node{ID: "removed", Kind: Removed, Name: "removed"}
			}
			if b.g.Ladder == nil {
				// Without roles every member is one kind.
				b.g.Ladder = &Node{ID: "ladder", Kind: Ladder, Name: "members"}
			}
			from := b.g.Ladder
			b.add(&Edge{From: from, To: b.g.Removed, Kind: Remove, Lines: []string{text}, At: at})
		}
	}
	for k := range b.g.Rungs {
		if lines := demotes[k]; len(lines) > 0 {
			b.add(&Edge{From: b.g.Rungs[k], To: b.g.Rungs[k+1], Kind: Demote, Lines: lines})
		}
	}
}

// ruleText writes a rule as the designer wrote it, without its reason:
// "must post 1 per 7d if role >= creator else demote".
func ruleText(r *check.Rule) string {
	var s string
	var els *syntax.Sanction
	ids := func(xs []*syntax.Ident) string {
		names := make([]string, len(xs))
		for i, x := range xs {
			names[i] = x.Name
		}
		return strings.Join(names, ", ")
	}
	window := func(cal *syntax.Ident, per *syntax.DurationLit) string {
		if cal != nil {
			return "calendar " + cal.Name
		}
		if per != nil {
			return per.Raw
		}
		return r.Window()
	}
	switch d := r.Decl.(type) {
	case *syntax.MustNot:
		s, els = "must not "+ids(d.Actions), d.Else
	case *syntax.First:
		s, els = "first "+d.Before.Name+" then "+d.Then.Name, d.Else
	case *syntax.Limit:
		s, els = "limit "+d.Action.Name+" "+d.Count.Raw+" per "+window(d.Calendar, d.Per), d.Else
	case *syntax.Duty:
		s, els = "must "+d.Action.Name+" "+d.Count.Raw+" per "+window(d.Calendar, d.Per), d.Else
	default:
		s = r.Text()
	}
	if r.Cond != nil {
		s += " if " + format.Expr(r.Cond)
	}
	switch {
	case els != nil && els.For != nil:
		s += " else " + els.Name.Name + " " + els.For.Raw
	case els != nil:
		s += " else " + els.Name.Name
	case r.Else != nil:
		s += " else " + r.Else.String()
	}
	// A rule under a when block holds only while its goal condition does.
	if r.When != nil {
		s = "when " + format.Expr(r.When) + ": " + s
	}
	return s
}

// mayApply reports whether rule r can apply to a member at rung k: its
// condition is not false when role is that rung.
func (b *builder) mayApply(r *check.Rule, k int) bool {
	if r.Cond == nil || r.Cond.Root == nil {
		return true
	}
	return b.roleTruth(r.Cond.Root, b.c.Roles[k].Rank) != no
}

type tri int8

const (
	unknown tri = iota
	yes
	no
)

// roleTruth evaluates n with role at rank, everything else unknown.
func (b *builder) roleTruth(n exprast.Node, rank int) tri {
	switch n := n.(type) {
	case *exprast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			switch b.roleTruth(n.Node, rank) {
			case yes:
				return no
			case no:
				return yes
			}
		}
		return unknown
	case *exprast.BinaryNode:
		switch n.Operator {
		case "&&", "and":
			l, r := b.roleTruth(n.Left, rank), b.roleTruth(n.Right, rank)
			if l == no || r == no {
				return no
			}
			if l == yes && r == yes {
				return yes
			}
			return unknown
		case "||", "or":
			l, r := b.roleTruth(n.Left, rank), b.roleTruth(n.Right, rank)
			if l == yes || r == yes {
				return yes
			}
			if l == no && r == no {
				return no
			}
			return unknown
		case "in":
			if !isIdent(n.Left, "role") {
				return unknown
			}
			arr, ok := n.Right.(*exprast.ArrayNode)
			if !ok {
				return unknown
			}
			for _, e := range arr.Nodes {
				rk, ok := b.rank(e)
				if !ok {
					return unknown
				}
				if rk == rank {
					return yes
				}
			}
			return no
		}
		l, lok := b.rankOrRole(n.Left, rank)
		r, rok := b.rankOrRole(n.Right, rank)
		if !lok || !rok {
			return unknown
		}
		var v bool
		switch n.Operator {
		case "==":
			v = l == r
		case "!=":
			v = l != r
		case ">=":
			v = l >= r
		case ">":
			v = l > r
		case "<=":
			v = l <= r
		case "<":
			v = l < r
		default:
			return unknown
		}
		if v {
			return yes
		}
		return no
	case *exprast.BoolNode:
		if n.Value {
			return yes
		}
		return no
	}
	return unknown
}

// rankOrRole is the rank n stands for: role's (given) or a role constant's.
func (b *builder) rankOrRole(n exprast.Node, rank int) (int, bool) {
	if isIdent(n, "role") {
		return rank, true
	}
	return b.rank(n)
}

func (b *builder) rank(n exprast.Node) (int, bool) {
	id, ok := n.(*exprast.IdentifierNode)
	if !ok {
		return 0, false
	}
	if r := b.c.Role(id.Value); r != nil && b.c.Attr(id.Value) == nil {
		return r.Rank, true
	}
	return 0, false
}

func isIdent(n exprast.Node, name string) bool {
	id, ok := n.(*exprast.IdentifierNode)
	return ok && id.Value == name
}

// reads draws the Reads edges: from each rung, badge and named condition
// to the named conditions and badges its condition names as written.
func (b *builder) reads() {
	lets := map[string]*check.LetDef{}
	for _, l := range b.c.Lets {
		lets[l.Name] = l
	}
	badges := map[string]*Node{}
	for _, n := range b.g.Badges {
		badges[n.Name] = n
	}
	letNodes := map[string]*Node{}
	var queue []*check.LetDef
	letNode := func(l *check.LetDef) *Node {
		if n, ok := letNodes[l.Name]; ok {
			return n
		}
		n := &Node{ID: "let:" + l.Name, Kind: Let, Name: l.Name, Cond: format.Expr(l.Cond)}
		letNodes[l.Name] = n
		queue = append(queue, l)
		return n
	}
	link := func(from *Node, e *syntax.Expr, rung bool) {
		for _, name := range namesRead(e) {
			if l, ok := lets[name]; ok {
				b.add(&Edge{From: from, To: letNode(l), Kind: Reads})
			} else if bn, ok := badges[name]; ok && rung {
				b.add(&Edge{From: from, To: bn, Kind: Reads})
			}
		}
	}
	for i, r := range b.c.Roles {
		link(b.g.Rungs[i], r.Cond, true)
	}
	for i, bd := range b.c.Badges {
		link(b.g.Badges[i], bd.Cond, false)
	}
	for len(queue) > 0 {
		l := queue[0]
		queue = queue[1:]
		link(letNodes[l.Name], l.Cond, false)
	}
	for _, l := range b.c.Lets {
		if n, ok := letNodes[l.Name]; ok {
			b.g.Lets = append(b.g.Lets, n)
		}
	}
}

// namesRead lists, once each in order, the names e reads as written,
// before the checker put named conditions and badges in their place.
func namesRead(e *syntax.Expr) []string {
	if e == nil {
		return nil
	}
	root := e.Reparse()
	if root == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	exprast.Find(root, func(n exprast.Node) bool {
		if id, ok := n.(*exprast.IdentifierNode); ok && !seen[id.Value] {
			seen[id.Value] = true
			out = append(out, id.Value)
		}
		return false
	})
	return out
}

// sign is a direction: plus when a value grows (or a condition gets
// easier to meet), minus when it shrinks, zero when unknown.
type sign int8

const (
	zero  sign = 0
	plus  sign = 1
	minus sign = -1
)

// walker finds, in a condition's tree, the direction of the condition in
// each attribute it reads.
type walker struct {
	c     *check.Community
	dirs  map[string]sign
	takes map[string]string
}

func (w *walker) note(attr string, s sign) {
	if old, ok := w.dirs[attr]; ok && old != s {
		s = zero
	}
	w.dirs[attr] = s
}

// walk visits n, whose value pushes the condition in direction s as it
// grows.
func (w *walker) walk(n exprast.Node, s sign) {
	switch n := n.(type) {
	case *exprast.IdentifierNode:
		if w.c.Attr(n.Value) != nil {
			w.note(n.Value, s)
		}
		return
	case *exprast.UnaryNode:
		switch n.Operator {
		case "!", "not", "-":
			w.walk(n.Node, -s)
		case "+":
			w.walk(n.Node, s)
		default:
			w.walk(n.Node, zero)
		}
		return
	case *exprast.BinaryNode:
		switch n.Operator {
		case "&&", "and", "||", "or", "+":
			w.walk(n.Left, s)
			w.walk(n.Right, s)
		case ">=", ">":
			w.walk(n.Left, s)
			w.walk(n.Right, -s)
		case "<=", "<":
			w.walk(n.Left, -s)
			w.walk(n.Right, s)
		case "-":
			w.walk(n.Left, s)
			w.walk(n.Right, -s)
		case "*":
			switch {
			case constSign(n.Right) == plus:
				w.walk(n.Left, s)
			case constSign(n.Left) == plus:
				w.walk(n.Right, s)
			default:
				w.walk(n.Left, zero)
				w.walk(n.Right, zero)
			}
		case "/":
			if constSign(n.Right) == plus {
				w.walk(n.Left, s)
			} else {
				w.walk(n.Left, zero)
				w.walk(n.Right, zero)
			}
		default:
			w.walk(n.Left, zero)
			w.walk(n.Right, zero)
		}
		return
	case *exprast.BuiltinNode:
		if n.Name == "len" || n.Name == "min" || n.Name == "max" {
			for _, a := range n.Arguments {
				w.walk(a, s)
			}
			return
		}
	case *exprast.CallNode:
		if id, ok := n.Callee.(*exprast.IdentifierNode); ok {
			switch id.Value {
			case "days_since", "hours_since", "since":
				w.args(n.Arguments, -s)
				return
			case "until", "min", "max", "len":
				w.args(n.Arguments, s)
				return
			case "has":
				// has(x) is a reading of whether x was given, not of
				// x's value: its own entry in dirs (hasKey).
				if len(n.Arguments) == 1 {
					if a, ok := n.Arguments[0].(*exprast.IdentifierNode); ok && w.c.Attr(a.Value) != nil {
						w.note(hasKey(a.Value), s)
						return
					}
				}
			case "clamp":
				if len(n.Arguments) == 3 {
					w.walk(n.Arguments[0], s)
					w.args(n.Arguments[1:], zero)
					return
				}
			case "taken":
				if len(n.Arguments) == 2 && s != zero {
					if a, ok := n.Arguments[0].(*exprast.IdentifierNode); ok {
						if _, seen := w.takes[a.Value]; !seen && s == plus {
							w.takes[a.Value] = "taken(" + a.Value + ", " + strings.TrimPrefix(exprText(n.Arguments[1]), "$") + ")"
						}
					}
				}
				return
			}
		}
	case *exprast.ConditionalNode:
		w.walk(n.Cond, zero)
		w.walk(n.Exp1, s)
		w.walk(n.Exp2, s)
		return
	}
	// Anything else: every attribute below is read, in no known direction.
	exprast.Find(n, func(x exprast.Node) bool {
		if id, ok := x.(*exprast.IdentifierNode); ok && w.c.Attr(id.Value) != nil {
			w.note(id.Value, zero)
		}
		return false
	})
}

// hasKey is the key in a condition's directions of has(attr), beside
// attr's own (no attribute's name holds a colon).
func hasKey(attr string) string { return "has:" + attr }

func (w *walker) args(ns []exprast.Node, s sign) {
	for _, a := range ns {
		w.walk(a, s)
	}
}

func exprText(n exprast.Node) string {
	if id, ok := n.(*exprast.IdentifierNode); ok {
		return id.Value
	}
	return n.String()
}

// constSign is the sign of a numeric or duration constant, zero for
// anything else.
func constSign(n exprast.Node) sign {
	var v float64
	switch n := n.(type) {
	case *exprast.IntegerNode:
		v = float64(n.Value)
	case *exprast.FloatNode:
		v = n.Value
	case *exprast.UnaryNode:
		if n.Operator == "-" {
			return -constSign(n.Node)
		}
		if n.Operator == "+" {
			return constSign(n.Node)
		}
		return zero
	case *exprast.IdentifierNode:
		// A duration literal reaches expr-lang as $7d.
		lit, ok := strings.CutPrefix(n.Value, "$")
		if !ok {
			return zero
		}
		d, err := syntax.DurationValue(lit)
		if err != nil {
			return zero
		}
		v = float64(d)
	default:
		return zero
	}
	switch {
	case v > 0 && !math.IsInf(v, 0):
		return plus
	case v < 0:
		return minus
	}
	return zero
}

// assignDir is the direction an assignment moves its attribute.
func assignDir(as *check.Assign) sign {
	var root exprast.Node
	if as.Value != nil {
		root = as.Value.Root
	}
	if root == nil {
		return zero
	}
	list := as.Attr.Type.Kind == check.List
	switch as.Op {
	case "+=":
		if list {
			return plus // a member added: len grows or stays
		}
		if as.Attr.Type.Kind == check.String {
			return zero
		}
		return constSign(root)
	case "-=":
		if list {
			return minus
		}
		return -constSign(root)
	case "=":
		switch as.Attr.Type.Kind {
		case check.Bool:
			if v, ok := root.(*exprast.BoolNode); ok {
				if v.Value {
					return plus
				}
				return minus
			}
		case check.Time:
			if c, ok := root.(*exprast.CallNode); ok && isIdent(c.Callee, "now") && len(c.Arguments) == 0 {
				return plus
			}
		case check.List:
			return minus // = [] empties it
		case check.Int:
			// demotions = 0 lifts every demotion: the state only
			// ever raises it from 0, and a negative count takes
			// nothing off (SPEC §6.13).
			if as.Attr.Name == check.DemotionsAttr {
				if v, ok := root.(*exprast.IntegerNode); ok && v.Value == 0 {
					return minus
				}
			}
		}
	}
	return zero
}

// assignText is the assignment as written: "to.reputation += amount".
func assignText(as *check.Assign) string {
	target := as.Attr.Name
	if as.Param != nil {
		target = as.Param.Name + "." + target
	}
	return target + " " + as.Op + " " + format.Expr(as.Value)
}
