package runtime

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
)

// ParseCall reads an action call written as in a Charter test block,
//
//	post(length: 10, topic: "hello", tags: ["a", "b"], within: 7d)
//
// and returns the action's name and its arguments. The text is read by
// syntax.ParseCall, the grammar's own Call production, and each argument
// must be a constant as in a test (SPEC §6.4), evaluated by
// check.Constant: ints are int64, floats float64, durations
// time.Duration, lists []any, and strings, true and false are themselves.
// Every error is a diag.List whose diagnostics carry a code and the
// position in the text of what is wrong.
//
// ParseCall knows no community: Community.ParseCall also checks the action
// and the argument types.
func ParseCall(src string) (action string, args Args, err error) {
	c, vals, ds := parseCall(src)
	if ds.HasErrors() {
		return "", nil, ds
	}
	args = make(Args, len(vals))
	for i, a := range c.Args {
		args[a.Name.Name] = vals[i]
	}
	return c.Action.Name, args, nil
}

// ParseCall reads an action call written as text, as the package-level
// ParseCall does, and prepares it as Call does. An unknown action (CH0105)
// or parameter, a missing argument or an argument of the wrong type
// (CH0123) is a diag.List with the diagnostic at the name or value
// concerned.
func (c *Community) ParseCall(src string) (*Call, error) {
	pc, vals, ds := parseCall(src)
	if ds.HasErrors() {
		return nil, ds
	}
	a, ok := c.actionByName[pc.Action.Name]
	if !ok {
		ds.Add(diag.Error, diag.UnknownAction, pc.Action.Range(), "%v", c.unknownAction(pc.Action.Name))
		return nil, ds
	}
	args := make(Args, len(pc.Args))
	for i, arg := range pc.Args {
		p := a.def.Param(arg.Name.Name)
		if p == nil {
			ds.Add(diag.Error, diag.BadCall, arg.Name.Range(), "%s has no parameter %q (parameters: %s)", a.name, arg.Name.Name, paramList(a.def))
			return nil, ds
		}
		if problem := constProblem(p.Type, vals[i]); problem != "" {
			ds.Add(diag.Error, diag.BadCall, arg.Value.Range(), "argument %s of %s: %s", p.Name, a.name, problem)
			return nil, ds
		}
		want := p.Type
		if want.Kind == check.Member {
			// A member argument names the other member by its ID.
			want = check.Type{Kind: check.String}
		}
		if _, err := eval.Convert(p.Name, want, vals[i]); err != nil {
			ds.Add(diag.Error, diag.BadCall, arg.Value.Range(), "argument %s of %s: %v", p.Name, a.name, valueProblem(err))
			return nil, ds
		}
		args[arg.Name.Name] = vals[i]
	}
	for _, p := range a.def.Params {
		if _, ok := args[p.Name]; !ok {
			at := pc.CloseParen()
			ds.Add(diag.Error, diag.BadCall, diag.Range{Start: at, End: at}, "%s needs argument %s (%s)", a.name, p.Name, p.Type)
			return nil, ds
		}
	}
	k, err := c.Call(pc.Action.Name, args)
	if err != nil {
		// Every argument was converted above; this is only a safety net.
		ds.Add(diag.Error, diag.BadCall, pc.Range(), "%v", err)
		return nil, ds
	}
	return k, nil
}

// parseCall parses src and evaluates its arguments, in order; an argument
// given twice is an error at its second name.
func parseCall(src string) (*syntax.Call, []any, diag.List) {
	c, ds := syntax.ParseCall("", src)
	if ds.HasErrors() {
		return nil, nil, ds
	}
	seen := map[string]bool{}
	vals := make([]any, len(c.Args))
	for i, a := range c.Args {
		if seen[a.Name.Name] {
			ds.Add(diag.Error, diag.BadCall, a.Name.Range(), "argument %s is given twice", a.Name.Name)
			return nil, nil, ds
		}
		seen[a.Name.Name] = true
		v, d := check.Constant(a.Value, diag.BadCall)
		if d != nil {
			d.Message = fmt.Sprintf("value of %s: %s", a.Name.Name, d.Message)
			return nil, nil, append(ds, *d)
		}
		vals[i] = v
	}
	return c, vals, ds
}

// constProblem says why a parsed constant may not be given where type t is
// wanted, or "" when it may, by the rules of constants in test blocks: an
// int is a float too, but 10.0 is not an int and "7d" is not a duration; a
// time is written as an RFC 3339 string. Whether the value itself is good
// (a well-formed time) is eval.Convert's question.
func constProblem(t check.Type, v any) string {
	ok := false
	switch t.Kind {
	case check.Int, check.Role:
		_, ok = v.(int64)
	case check.Float:
		switch v.(type) {
		case int64, float64:
			ok = true
		}
	case check.Bool:
		_, ok = v.(bool)
	case check.String, check.Member, check.Time:
		_, ok = v.(string)
	case check.Duration:
		_, ok = v.(time.Duration)
	case check.List:
		xs, isList := v.([]any)
		if !isList {
			break
		}
		for i, x := range xs {
			if p := constProblem(check.Type{Kind: t.Elem}, x); p != "" {
				return fmt.Sprintf("element %d: %s", i, p)
			}
		}
		ok = true
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("want %s, got %s", t, describeConst(v))
}

// valueProblem rewords eval's "attribute x: want T, got ..." for an
// argument, keeping the reason when there is one.
func valueProblem(err error) string {
	var ve *eval.ValueError
	if errors.As(err, &ve) {
		msg := fmt.Sprintf("want %s, got %s", ve.Want, describeConst(ve.Got))
		if ve.Reason != "" {
			msg += ": " + ve.Reason
		}
		return msg
	}
	return err.Error()
}

// describeConst names a parsed constant the way it was written: a Charter type
// and the value.
func describeConst(v any) string {
	switch x := v.(type) {
	case int64:
		return fmt.Sprintf("an int %d", x)
	case float64:
		return fmt.Sprintf("a float %s", strconv.FormatFloat(x, 'g', -1, 64))
	case string:
		return fmt.Sprintf("a string %q", x)
	case bool:
		return fmt.Sprintf("a bool %t", x)
	case time.Duration:
		return fmt.Sprintf("a duration %s", check.FormatDuration(x))
	case []any:
		return "a list"
	}
	return eval.Describe(v)
}
