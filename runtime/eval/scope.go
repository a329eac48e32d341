package eval

import (
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
)

// RefKind says where the value a name stands for comes from.
type RefKind uint8

// The kinds of reference.
const (
	_ RefKind = iota
	// RefAttr is an attribute of the member: Env.M at Slot index Index.
	RefAttr
	// RefParam is an action argument: Env.Args at Slot index Index.
	RefParam
	// RefOther is an attribute of another member, `to.reputation` where
	// `to` is a member-typed parameter: Env.Others[Param] at Slot index
	// Index.
	RefOther
	// RefConst is a constant: Const holds the value (role constants are
	// their rank, of Type role; duration literals are time.Duration).
	RefConst
	// RefRole is the member's role rank (Env.Role).
	RefRole
	// RefBadge is whether the member holds badge Index (Env.Badge).
	RefBadge
	// RefGoal is field Field of Env.Goals[Index]: GoalValueField,
	// GoalTargetField, GoalMetField or GoalProgressField.
	RefGoal
	// RefMembers is the number of members (Env.Members).
	RefMembers
	// RefAgg is Env.Aggs[Index], a value the caller computes before
	// evaluating, such as a goal aggregate; Type is int or float.
	RefAgg
	// RefMe is the acting member, of type member: its ID (Env.Me), which
	// == and != compare with a member parameter's.
	RefMe
	// RefOtherRole is the role rank of another member, `to.role`: the
	// ladder evaluated on Env.Others[Param] (Env.OtherRole).
	RefOtherRole
	// RefTaken is `taken(action, D)`: how many times the member took
	// action Index in the window of Const (a time.Duration) ending at
	// Env.At, as Env.M.H counts; Type is int.
	RefTaken
	// RefGiven is `has(attr)`: whether bit Field of the member's int word
	// Index is set (Layout.GivenWord); Type is bool.
	RefGiven
	// RefOtherGiven is `has(to.attr)`: the same bit of Env.Others[Param].
	RefOtherGiven
)

// The fields of a goal, for RefGoal.
const (
	GoalValueField = iota
	GoalTargetField
	GoalMetField
	GoalProgressField
)

// Ref is what a name in an expression refers to, as the caller's Scope
// resolves it.
type Ref struct {
	Kind RefKind
	Type check.Type
	// Index is the Slot index for RefAttr, RefParam and RefOther, the
	// badge index for RefBadge, the goal index for RefGoal and the Aggs
	// index for RefAgg.
	Index int
	// Param is the index into Env.Others for RefOther and RefOtherRole.
	Param int
	// Field is the goal field for RefGoal.
	Field int
	// Const is the value of a RefConst: a Go value Convert accepts for
	// Type (int, int64, float64, bool, string, time.Time, time.Duration,
	// slices).
	Const any
}

// Scope resolves the names of an expression. The caller builds one per
// context: a member condition sees attributes, roles and badges; an action
// condition also its parameters; a `when` condition goals and members.
type Scope interface {
	// Lookup resolves a plain name: posts, creator, $7d.
	Lookup(name string) (Ref, bool)
	// LookupField resolves obj.field: to.reputation, size.met.
	LookupField(obj, field string) (Ref, bool)
}

// CallScope is implemented by scopes that compile some calls themselves,
// as the goals code does for the aggregates count, share, sum, avg, min
// and max. Compile asks Call before the stdlib; ok false leaves the call
// to the stdlib. The aggregate's value is typically computed by the
// caller into Env.Aggs and returned as a RefAgg.
type CallScope interface {
	Call(name string, args []ast.Node) (ref Ref, ok bool, err error)
}

// TakenRef resolves the arguments of `taken(action, D)` in community c, as
// a CallScope does for a member condition: the checker has made sure the
// first names an action of c and the second is a positive duration
// literal (a $ name, as the parser writes durations).
func TakenRef(c *check.Community, args []ast.Node) (Ref, error) {
	if len(args) != 2 {
		return Ref{}, fmt.Errorf("taken takes an action and a duration")
	}
	var a *check.Action
	if id, ok := args[0].(*ast.IdentifierNode); ok {
		a = c.Action(id.Value)
	}
	if a == nil {
		return Ref{}, fmt.Errorf("taken: the first argument must name an action")
	}
	var per int64
	if id, ok := args[1].(*ast.IdentifierNode); ok && strings.HasPrefix(id.Value, "$") {
		per, _ = syntax.DurationValue(id.Value[1:])
	}
	if per <= 0 {
		return Ref{}, fmt.Errorf("taken: the window must be a positive duration such as 30d")
	}
	return Ref{Kind: RefTaken, Type: check.Type{Kind: check.Int}, Index: a.Index, Const: time.Duration(per)}, nil
}

// Refs is a Scope backed by a map: plain names map to themselves and
// fields to "obj.field".
type Refs map[string]Ref

// Lookup implements Scope.
func (r Refs) Lookup(name string) (Ref, bool) {
	ref, ok := r[name]
	return ref, ok
}

// LookupField implements Scope.
func (r Refs) LookupField(obj, field string) (Ref, bool) {
	ref, ok := r[obj+"."+field]
	return ref, ok
}

var goalFields = map[string]struct {
	field int
	kind  check.Kind
}{
	"value":    {GoalValueField, check.Float},
	"target":   {GoalTargetField, check.Float},
	"met":      {GoalMetField, check.Bool},
	"progress": {GoalProgressField, check.Float},
}

// GoalRef is the reference to field (value, target, met or progress) of
// goal index goal, for scopes resolving `goal.field`; false for another
// field.
func GoalRef(goal int, field string) (Ref, bool) {
	f, ok := goalFields[field]
	if !ok {
		return Ref{}, false
	}
	return Ref{Kind: RefGoal, Type: check.Type{Kind: f.kind}, Index: goal, Field: f.field}, true
}
