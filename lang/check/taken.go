package check

import (
	"strings"
	"time"

	"github.com/expr-lang/expr"
	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// takenOption declares taken to expr-lang's checker. The action it counts
// is written as a bare name; takenCalls stands a string in for it while
// expr-lang checks, since an action is no value.
var takenOption = expr.Function("taken", nil, new(func(string, time.Duration) int))

// comparisons are the operators a taken count may be compared with a
// whole number by.
var comparisons = map[string]bool{"<": true, "<=": true, ">": true, ">=": true, "==": true, "!=": true}

// takenCalls checks every taken(action, D) in e (SPEC §7.6): a member
// context, an action name, a positive duration literal, and a comparison
// with a whole number, whose largest value per action says how many
// takings the runtime keeps (Action.Counted). It replaces each action
// name by a string for expr-lang's checker; restore puts the names back.
func (b *builder) takenCalls(e *syntax.Expr, measure bool) (restore func(), ok bool) {
	type swap struct {
		call *exprast.CallNode
		arg  exprast.Node
	}
	var calls []*exprast.CallNode
	exprast.Find(e.Root, func(n exprast.Node) bool {
		if c, ok := takenCall(n); ok {
			calls = append(calls, c)
		}
		return false
	})
	if len(calls) == 0 {
		return noRestore, true
	}
	// Only now, in the rare expression that counts, find what each
	// call is compared with.
	compared := map[*exprast.CallNode]int64{}
	exprast.Find(e.Root, func(n exprast.Node) bool {
		b, ok := n.(*exprast.BinaryNode)
		if !ok || !comparisons[b.Operator] {
			return false
		}
		if c, ok := takenCall(b.Left); ok {
			if v, ok := b.Right.(*exprast.IntegerNode); ok {
				compared[c] = int64(v.Value)
			}
		}
		if c, ok := takenCall(b.Right); ok {
			if v, ok := b.Left.(*exprast.IntegerNode); ok {
				compared[c] = int64(v.Value)
			}
		}
		return false
	})
	ok = true
	fail := func(n exprast.Node, format string, args ...any) {
		b.errorf(diag.BadTaken, e.RangeOf(n), format, args...)
		ok = false
	}
	var swaps []swap
	for _, c := range calls {
		switch {
		case measure:
			fail(c, "taken counts one member's takings: a goal's measure reads all members, not one member's history")
			continue
		case b.inAdmit:
			// A member is admitted when it joins: the history it brings
			// is not yet the joined community's.
			fail(c, "taken counts a member's takings in the community: an admit condition judges a member before it has any there")
			continue
		case b.inWhen:
			fail(c, "taken counts a member's takings: a when condition reads goals and members, not one member")
			continue
		case len(c.Arguments) != 2:
			fail(c, "taken takes two arguments, an action and a window, as taken(visit, 30d)")
			continue
		}
		id, isID := c.Arguments[0].(*exprast.IdentifierNode)
		var a *Action
		if isID {
			a = b.com.Action(id.Value)
		}
		if a == nil {
			fail(c.Arguments[0], "the first argument of taken must name an action of %s, as taken(visit, 30d)", b.com.Name)
			continue
		}
		d, isD := c.Arguments[1].(*exprast.IdentifierNode)
		var per int64
		if isD && strings.HasPrefix(d.Value, "$") {
			per, _ = syntax.DurationValue(d.Value[1:])
		}
		if per <= 0 {
			fail(c.Arguments[1], "the window of taken must be a positive duration written as a literal, as 30d")
			continue
		}
		n, isCompared := compared[c]
		if !isCompared || n < 0 {
			fail(c, "compare taken(%s, ...) with a whole number, as taken(%s, 30d) >= 5: the member's history keeps only as many takings as the largest such number needs", a.Name, a.Name)
			continue
		}
		if n >= MaxTakenCount {
			fail(c, "taken(%s, ...) is compared with %d; at most %d takings are kept per action (SPEC §13)", a.Name, n, MaxTakenCount-1)
			continue
		}
		a.Counted = max(a.Counted, int(n)+1)
		swaps = append(swaps, swap{c, c.Arguments[0]})
		str := &exprast.StringNode{Value: a.Name}
		str.SetLocation(c.Arguments[0].Location())
		c.Arguments[0] = str
	}
	restore = func() {
		for _, s := range swaps {
			s.call.Arguments[0] = s.arg
		}
	}
	if !ok {
		restore()
		return noRestore, false
	}
	return restore, true
}

// MaxCount bounds the count N of `limit A N per D` and `must A N per D`:
// to tell whether N takings fall in the window, a member's history keeps
// the times of the last N, 8 bytes each (SPEC §13).
const MaxCount = 10000

// MaxTakenCount bounds the whole number a taken count is compared with,
// as MaxCount bounds a limit's count: every member keeps that many times per
// action.
const MaxTakenCount = 10000

func noRestore() {}

func takenCall(n exprast.Node) (*exprast.CallNode, bool) { return callOf(n, "taken") }
