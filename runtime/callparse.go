package runtime

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
)

// CallError is a malformed action call written as text: where in the text
// (line and column, both from 1; columns count characters) and what.
type CallError struct {
	Line, Column int
	Msg          string
}

func (e *CallError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// ParseCall reads an action call written as in a Charter test block,
//
//	post(length: 10, topic: "hello", tags: ["a", "b"], within: 7d)
//
// and returns the action's name and its arguments. Argument values are
// constants: integers (int64; 1_000 is allowed), floats (float64), strings
// in any of Charter's three quotes, true and false, durations such as 7d
// (time.Duration), an optional - before a number or duration, and flat
// lists of those ([]any). Expressions and names are not constants. Every
// error is a *CallError with the position of the offending token.
//
// ParseCall knows no community: Community.ParseCall also checks the action
// and the argument types.
func ParseCall(src string) (action string, args Args, err error) {
	pc, err := parseCall(src)
	if err != nil {
		return "", nil, err
	}
	args = make(Args, len(pc.args))
	for _, a := range pc.args {
		args[a.name] = a.value
	}
	return pc.action, args, nil
}

// ParseCall reads an action call written as text, as the package-level
// ParseCall does, and prepares it as Call does. An unknown action or
// parameter, a missing argument or an argument of the wrong type is a
// *CallError at the name or value concerned.
func (c *Community) ParseCall(src string) (*Call, error) {
	pc, err := parseCall(src)
	if err != nil {
		return nil, err
	}
	a, ok := c.actionByName[pc.action]
	if !ok {
		return nil, pc.actionPos.errorf("%v", c.unknownAction(pc.action))
	}
	args := make(Args, len(pc.args))
	for _, arg := range pc.args {
		p := a.def.Param(arg.name)
		if p == nil {
			return nil, arg.namePos.errorf("%s has no parameter %q (parameters: %s)", a.name, arg.name, paramList(a.def))
		}
		if problem := constProblem(p.Type, arg.value); problem != "" {
			return nil, arg.valuePos.errorf("argument %s of %s: %s", p.Name, a.name, problem)
		}
		want := p.Type
		if want.Kind == check.Member {
			// A member argument names the other member by its ID.
			want = check.Type{Kind: check.String}
		}
		if _, err := eval.Convert(p.Name, want, arg.value); err != nil {
			return nil, arg.valuePos.errorf("argument %s of %s: %v", p.Name, a.name, valueProblem(err))
		}
		args[arg.name] = arg.value
	}
	for _, p := range a.def.Params {
		if _, ok := args[p.Name]; !ok {
			return nil, pc.closePos.errorf("%s needs argument %s (%s)", a.name, p.Name, p.Type)
		}
	}
	k, err := c.Call(pc.action, args)
	if err != nil {
		// Every argument was converted above; this is only a safety net.
		return nil, pc.actionPos.errorf("%v", err)
	}
	return k, nil
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
		return fmt.Sprintf("int %d", x)
	case float64:
		return fmt.Sprintf("float %s", strconv.FormatFloat(x, 'g', -1, 64))
	case string:
		return fmt.Sprintf("string %q", x)
	case bool:
		return fmt.Sprintf("bool %t", x)
	case time.Duration:
		return fmt.Sprintf("duration %s", x)
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T %v", v, v)
}

// callPos is a position in the call text.
type callPos struct{ line, col int }

func (p callPos) errorf(format string, args ...any) *CallError {
	return &CallError{Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...)}
}

func callPosOf(t syntax.Token) callPos { return callPos{t.Pos.Line, t.Pos.Column} }

type parsedCall struct {
	action    string
	actionPos callPos
	args      []parsedArg
	closePos  callPos // the closing parenthesis
}

type parsedArg struct {
	name              string
	value             any
	namePos, valuePos callPos
}

// callParser is a recursive-descent reader over the Charter lexer's tokens:
// the grammar is tiny, and reading it by hand lets every error point at the
// exact token and say what was wanted there.
type callParser struct {
	toks []syntax.Token
	i    int
	end  callPos // just after the last token
}

const callExample = `an action call such as post(length: 10, topic: "hi")`

func parseCall(src string) (*parsedCall, error) {
	if len(src) > syntax.MaxFileSize {
		return nil, &CallError{Line: 1, Column: 1, Msg: fmt.Sprintf("call is %d bytes; the limit is %d", len(src), syntax.MaxFileSize)}
	}
	toks, ds := syntax.Lex("", []byte(src))
	if len(ds) > 0 {
		d := ds[0]
		return nil, &CallError{Line: d.Range.Start.Line, Column: d.Range.Start.Column, Msg: d.Message}
	}
	p := &callParser{end: callPos{1, 1}}
	for _, t := range toks {
		if t.Type == syntax.TokSpace || t.Type == syntax.TokComment {
			continue
		}
		p.toks = append(p.toks, t)
	}
	if n := len(toks); n > 0 {
		last := toks[n-1]
		p.end = callEndOf(last)
	}
	return p.call()
}

// callEndOf is the position just after t.
func callEndOf(t syntax.Token) callPos {
	pos := callPosOf(t)
	for _, r := range t.Value {
		if r == '\n' {
			pos.line++
			pos.col = 1
		} else {
			pos.col++
		}
	}
	return pos
}

func (p *callParser) peek() (syntax.Token, bool) {
	if p.i >= len(p.toks) {
		return syntax.Token{}, false
	}
	return p.toks[p.i], true
}

// here is the position of the next token, or the end of the text.
func (p *callParser) here() callPos {
	if t, ok := p.peek(); ok {
		return callPosOf(t)
	}
	return p.end
}

// got describes the next token for an error message.
func (p *callParser) got() string {
	t, ok := p.peek()
	if !ok {
		return "the end of the text"
	}
	return strconv.Quote(t.Value)
}

func (p *callParser) isPunct(s string) bool {
	t, ok := p.peek()
	return ok && t.Type == syntax.TokPunct && t.Value == s
}

func (p *callParser) call() (*parsedCall, error) {
	t, ok := p.peek()
	if !ok {
		return nil, p.here().errorf("want %s, got nothing", callExample)
	}
	if t.Type != syntax.TokIdent {
		return nil, p.here().errorf("want %s, got %s", callExample, p.got())
	}
	pc := &parsedCall{action: t.Value, actionPos: callPosOf(t)}
	p.i++
	if !p.isPunct("(") {
		return nil, p.here().errorf("want ( after %s, got %s: write %s() even without arguments", pc.action, p.got(), pc.action)
	}
	p.i++
	seen := map[string]bool{}
	for !p.isPunct(")") {
		arg, err := p.arg()
		if err != nil {
			return nil, err
		}
		if seen[arg.name] {
			return nil, arg.namePos.errorf("argument %s is given twice", arg.name)
		}
		seen[arg.name] = true
		pc.args = append(pc.args, arg)
		if p.isPunct(",") {
			p.i++
			continue
		}
		if !p.isPunct(")") {
			return nil, p.here().errorf("want , or ) after the value of %s, got %s", arg.name, p.got())
		}
	}
	pc.closePos = p.here()
	p.i++
	if _, ok := p.peek(); ok {
		return nil, p.here().errorf("unexpected %s after the call: give one call", p.got())
	}
	return pc, nil
}

func (p *callParser) arg() (parsedArg, error) {
	t, ok := p.peek()
	if !ok || t.Type != syntax.TokIdent {
		return parsedArg{}, p.here().errorf("want an argument name or ), got %s", p.got())
	}
	arg := parsedArg{name: t.Value, namePos: callPosOf(t)}
	p.i++
	if !p.isPunct(":") {
		return parsedArg{}, p.here().errorf("want : after argument name %s, got %s", arg.name, p.got())
	}
	p.i++
	arg.valuePos = p.here()
	if p.isPunct("[") {
		v, err := p.list(arg.name)
		if err != nil {
			return parsedArg{}, err
		}
		arg.value = v
		return arg, nil
	}
	v, err := p.scalar(arg.name)
	if err != nil {
		return parsedArg{}, err
	}
	arg.value = v
	return arg, nil
}

// list reads [v, v, ...]; lists are flat, as Charter's list types are.
func (p *callParser) list(name string) ([]any, error) {
	p.i++ // [
	out := []any{}
	for !p.isPunct("]") {
		if p.isPunct("[") {
			return nil, p.here().errorf("value of %s: lists hold single values, not lists", name)
		}
		v, err := p.scalar(name)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if p.isPunct(",") {
			p.i++
			continue
		}
		if !p.isPunct("]") {
			return nil, p.here().errorf("want , or ] in the list given to %s, got %s", name, p.got())
		}
	}
	p.i++ // ]
	return out, nil
}

// scalar reads one constant: a number or duration with an optional sign, a
// string, true or false.
func (p *callParser) scalar(name string) (any, error) {
	t, ok := p.peek()
	if !ok || t.Type == syntax.TokPunct && (t.Value == ")" || t.Value == "," || t.Value == "]") {
		return nil, p.here().errorf("want a value for %s, got %s", name, p.got())
	}
	at := p.here()
	sign := ""
	if t.Type == syntax.TokPunct && (t.Value == "-" || t.Value == "+") {
		sign = t.Value
		p.i++
		t, ok = p.peek()
		if !ok || t.Type != syntax.TokInt && t.Type != syntax.TokFloat && t.Type != syntax.TokDuration {
			return nil, p.here().errorf("value of %s: %s must be followed by a number or a duration, got %s", name, sign, p.got())
		}
	}
	p.i++
	raw := strings.ReplaceAll(t.Value, "_", "")
	switch t.Type {
	case syntax.TokInt:
		n, err := strconv.ParseUint(raw, 10, 64)
		limit := uint64(math.MaxInt64)
		if sign == "-" {
			limit++
		}
		if err != nil || n > limit {
			return nil, at.errorf("value of %s: %s%s is out of range for an int", name, sign, t.Value)
		}
		if sign == "-" {
			return int64(-n), nil // -(1<<63) wraps to itself, which is right
		}
		return int64(n), nil
	case syntax.TokFloat:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, at.errorf("value of %s: %s%s is out of range for a float", name, sign, t.Value)
		}
		if sign == "-" {
			f = -f
		}
		return f, nil
	case syntax.TokDuration:
		d, err := syntax.DurationValue(t.Value)
		if err != nil {
			return nil, at.errorf("value of %s: %v", name, err)
		}
		if sign == "-" {
			d = -d
		}
		return time.Duration(d), nil
	case syntax.TokString:
		s, err := syntax.Unquote(t.Value)
		if err != nil {
			return nil, at.errorf("value of %s: malformed string %s: %v", name, t.Value, err)
		}
		return s, nil
	case syntax.TokIdent:
		switch t.Value {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, at.errorf("value of %s: %s is not a constant: write a number, a string, true, false, a duration such as 7d, or a list", name, t.Value)
	}
	return nil, at.errorf("want a value for %s, got %s", name, strconv.Quote(t.Value))
}
