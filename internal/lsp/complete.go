package lsp

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"unicode"
	"unicode/utf8"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/stdlib"
)

func init() {
	serve("textDocument/completion", (*Server).completion)
	capabilities["completionProvider"] = map[string]any{"triggerCharacters": []string{".", ":"}}
}

// Keywords by the block they open a line in.
var (
	declKeywords = []string{"purpose", "default", "member", "action", "roles", "badge", "admit",
		"may", "must", "must not", "first", "limit", "on", "goal", "when", "nudge", "offer", "test", "use",
		"let", "settings", "timezone"}
	whenKeywords   = []string{"may", "must", "must not", "first", "limit", "nudge", "offer"}
	stepKeywords   = []string{"given member", "given members", "given settings", "at", "wait", "do", "try", "update", "review", "expect"}
	expectKeywords = []string{"allow", "deny", "role", "badge", "no badge", "duty", "no duty",
		"message", "no message", "goal", "admit", "no admit", "sanction", "no sanction", "that"}
	scalarTypes = []string{"int", "float", "bool", "string", "time", "duration"}
	sanctions   = []string{"warn", "mute", "demote", "remove"}
)

// frame is an open bracket before the cursor: the word its line starts
// with ("community", "member", "roles", "on", "goal", "when", "test",
// "given", "action", "do", ...) and, for a community or an effect, the
// name after it.
type frame struct {
	open string // "{" or "(" or "["
	head string
	name string
	line []syntax.Token // the line's tokens up to the bracket
}

// completion offers what may be written at the cursor: keywords that fit
// the block and the line so far, and the names visible there. It reads
// the tokens before the cursor, not the syntax tree, so it works in a
// half-typed declaration; the names come from the load set's model.
func (s *Server) completion(params json.RawMessage) (any, error) {
	d, a, off, err := s.lookupParams(params)
	if err != nil {
		return nil, err
	}
	src := d.text.src
	ws := off
	for ws > 0 {
		r, size := utf8.DecodeLastRune(src[:ws])
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		ws -= size
	}
	toks, lexErrs := syntax.Lex(d.name, src[:ws])
	if inText(toks, lexErrs, ws) {
		return CompletionList{Items: []CompletionItem{}}, nil
	}
	var stack []frame
	var line []syntax.Token // tokens of the current statement
	lastLine := 0
	for _, t := range toks {
		if t.Type == syntax.TokSpace || t.Type == syntax.TokComment {
			continue
		}
		if t.Pos.Line != lastLine && !continues(line, t) {
			line = line[:0:0]
		}
		lastLine = t.End().Line
		if t.Type == syntax.TokPunct {
			switch t.Value {
			case "{", "(", "[":
				f := frame{open: t.Value, line: slices.Clone(line)}
				if len(line) > 0 {
					f.head = line[0].Value
					if len(line) > 1 {
						f.name = line[1].Value
					}
				}
				stack = append(stack, f)
				line = line[:0:0]
				continue
			case "}", ")", "]":
				if len(stack) > 0 {
					top := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					if top.open != "{" {
						line = append(top.line, t) // the statement goes on after a call's )
						continue
					}
				}
				line = line[:0:0]
				continue
			case ";":
				line = line[:0:0]
				continue
			}
		}
		line = append(line, t)
	}
	c := completer{model: a.model, stack: stack, line: line}
	for _, f := range stack {
		if f.head == "community" && f.open == "{" {
			c.com = a.model.Community(f.name)
		}
	}
	items := c.items()
	if items == nil {
		items = []CompletionItem{}
	}
	return CompletionList{Items: items}, nil
}

// inText reports whether the cursor at end is inside a string or a
// comment, where nothing is completed: the text before it ends in an
// unterminated string or comment, or in a // comment.
func inText(toks []syntax.Token, errs diag.List, end int) bool {
	for _, e := range errs {
		if e.Code == diag.Lex && e.Range.End.Offset >= end {
			return true
		}
	}
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		if t.Type == syntax.TokSpace {
			return false
		}
		return t.Type == syntax.TokComment && strings.HasPrefix(t.Value, "//") && t.Pos.Offset+len(t.Value) == end
	}
	return false
}

// continues reports whether t, first on its line, carries on the statement
// of line: after a line ending in an operator or before one starting a
// line, as Charter's expressions do.
func continues(line []syntax.Token, t syntax.Token) bool {
	if len(line) == 0 {
		return false
	}
	last := line[len(line)-1]
	return last.Type == syntax.TokPunct && last.Value != ")" && last.Value != "]" ||
		last.Value == "and" || last.Value == "or" ||
		t.Type == syntax.TokPunct && (t.Value == "&&" || t.Value == "||" || t.Value == ".")
}

type completer struct {
	model *check.Program
	com   *check.Community
	stack []frame
	line  []syntax.Token
	out   []CompletionItem
	// ctxActions are the actions of the rule the cursor is in.
	ctxActions []string
}

func (c *completer) add(kind int, detail string, labels ...string) {
	for _, l := range labels {
		c.out = append(c.out, CompletionItem{Label: l, Kind: kind, Detail: detail})
	}
}

func (c *completer) words() []string {
	w := make([]string, len(c.line))
	for i, t := range c.line {
		w[i] = t.Value
	}
	return w
}

func (c *completer) top() frame {
	if len(c.stack) == 0 {
		return frame{}
	}
	return c.stack[len(c.stack)-1]
}

func (c *completer) items() []CompletionItem {
	w := c.words()
	last := ""
	if len(w) > 0 {
		last = w[len(w)-1]
	}
	// After a dot: a goal's fields, a member parameter's attributes, the
	// standard pieces.
	if last == "." || last == "?." {
		base := ""
		if len(w) >= 2 {
			base = w[len(w)-2]
		}
		switch {
		case base == "std":
			c.add(ciModule, "standard piece", stdlib.PieceNames()...)
		case c.com != nil && c.com.Goal(base) != nil:
			for _, f := range []string{"value", "target", "met", "progress"} {
				c.add(ciProperty, goalFields[f], f)
			}
		case c.com != nil:
			c.attrs()
		}
		return c.out
	}
	f := c.top()
	switch {
	case f.open == "(" && (f.head == "action" || len(f.line) >= 2 && f.line[0].Value == "action"):
		if last == ":" {
			c.add(ciTypeParam, "type", append(slices.Clone(scalarTypes), "member")...)
		}
		return c.out
	case f.open == "(" && c.callAction(f) != nil:
		if len(w) == 0 || last == "," {
			for _, p := range c.callAction(f).Params {
				c.add(ciField, p.Type.String(), p.Name)
			}
		}
		return c.out
	case f.open != "{" && f.open != "":
		c.expr(c.exprContext(f))
		return c.out
	}
	switch f.head {
	case "":
		switch {
		case len(w) == 0:
			c.add(ciKeyword, "", "community")
		case last == "extends":
			c.communities()
		case len(w) == 2 && w[0] == "community":
			c.add(ciKeyword, "", "extends")
		}
	case "community", "when":
		c.declLine(w, f.head == "when")
	case "member":
		if last == ":" || last == "]" {
			c.add(ciTypeParam, "type", scalarTypes...)
		}
	case "roles":
		switch {
		case len(w) == 1:
			c.add(ciKeyword, "", "if", "otherwise")
		case slices.Contains(w, "if"):
			c.expr(ctxRole)
		}
	case "goal":
		switch {
		case len(w) == 0:
			c.add(ciKeyword, "", "measure", "target")
		case w[0] == "measure":
			c.expr(ctxMeasure)
		}
	case "on":
		if len(w) == 0 {
			c.attrs()
			c.params(f.name, check.Member)
		} else if len(w) >= 2 {
			c.expr(ctxEffect)
		}
	case "test":
		c.stepLine(w)
	case "given":
		if len(w) == 0 || last == "," {
			c.attrs()
		}
	}
	return c.out
}

func (c *completer) declLine(w []string, inWhen bool) {
	last := ""
	if len(w) > 0 {
		last = w[len(w)-1]
	}
	if len(w) == 0 {
		if inWhen {
			c.add(ciKeyword, "", whenKeywords...)
		} else {
			c.add(ciKeyword, "", declKeywords...)
		}
		return
	}
	switch {
	case slices.Contains(w, "because"):
		if last != "because" && last != "else" && !slices.Contains(w, "else") {
			c.add(ciKeyword, "", "else")
		}
		if last == "else" {
			c.add(ciEnumMember, "sanction", sanctions...)
		}
		return
	case last == "else":
		c.add(ciEnumMember, "sanction", sanctions...)
		return
	}
	head := w[0]
	ifAt := slices.Index(w, "if")
	switch head {
	case "use":
		if len(w) == 1 {
			for _, n := range stdlib.PieceNames() {
				c.add(ciModule, "standard piece", "std."+n)
			}
		}
	case "default":
		if len(w) == 1 {
			c.add(ciKeyword, "", "allow", "deny")
		}
	case "nudge", "offer":
		if len(w) == 1 {
			c.roles()
			c.badges()
		}
	case "admit":
		if len(w) == 1 {
			c.add(ciKeyword, "", "if")
		} else {
			c.expr(ctxAdmit)
		}
	case "badge":
		if ifAt > 0 {
			c.expr(ctxBadge)
		} else if len(w) == 2 {
			c.add(ciKeyword, "", "if")
		}
	case "when":
		c.expr(ctxWhen)
	case "may", "must", "first", "limit", "on":
		duty := head == "must" && (len(w) < 2 || w[1] != "not")
		switch {
		case ifAt > 0:
			if duty {
				c.expr(ctxDuty)
			} else {
				c.ctxActions = ruleActions(w)
				c.expr(ctxRule)
			}
		case head == "must" && len(w) == 1:
			c.add(ciKeyword, "", "not")
			c.actions()
		case last == "per":
		case last == "," || last == "then" || last == head || last == "not":
			c.actions()
		case head == "first" && len(w) == 2:
			c.add(ciKeyword, "", "then")
		case head != "on":
			c.add(ciKeyword, "", "if", "because")
			if head != "may" {
				c.add(ciKeyword, "", "else")
			}
		}
	}
}

// ruleActions are the actions a rule line names before its condition.
func ruleActions(w []string) []string {
	var out []string
	for i, x := range w {
		if x == "if" {
			break
		}
		if i == 0 || x == "," || x == "not" || x == "then" || x == "first" {
			continue
		}
		if w[0] == "first" && i == 1 {
			continue // first X then Y governs Y
		}
		out = append(out, x)
		if w[0] == "limit" {
			break
		}
	}
	return out
}

func (c *completer) stepLine(w []string) {
	if len(w) == 0 {
		c.add(ciKeyword, "", stepKeywords...)
		return
	}
	last := w[len(w)-1]
	switch w[0] {
	case "given":
		if len(w) == 1 {
			c.add(ciKeyword, "", "member", "members")
		}
	case "do":
		if len(w) == 1 {
			c.actions()
		} else if last == ")" {
			c.add(ciKeyword, "", "times")
		}
	case "expect":
		switch {
		case len(w) == 1:
			c.add(ciKeyword, "", expectKeywords...)
		case last == "no":
			c.add(ciKeyword, "", "badge", "duty", "message", "admit")
		case last == "allow" || last == "deny" || last == "duty":
			c.actions()
		case last == "role":
			c.roles()
		case last == "badge":
			c.badges()
		case last == "goal":
			c.goals()
		case last == "message" && c.com != nil:
			for _, m := range c.com.Messages {
				c.add(ciConstant, "nudge or offer", strconv.Quote(m.Text))
			}
		case len(w) == 3 && w[1] == "goal":
			c.add(ciKeyword, "", "met", "unmet")
		case w[1] == "that":
			c.expr(ctxThat)
		case (w[1] == "allow" || w[1] == "deny") && last == ")":
			c.add(ciKeyword, "", "because")
		}
	}
}

// callAction is the action of a call whose parentheses are open: do X(,
// expect allow X(.
func (c *completer) callAction(f frame) *check.Action {
	if c.com == nil || len(f.line) == 0 {
		return nil
	}
	a := c.com.Action(f.line[len(f.line)-1].Value)
	if a == nil || f.line[0].Value == "action" {
		return nil
	}
	switch f.line[0].Value {
	case "do", "expect":
		return a
	}
	return nil
}

// exprContext is the context of an expression inside brackets: that of
// the statement the brackets are in.
func (c *completer) exprContext(f frame) exprCtx {
	outer := c.stack[:len(c.stack)-1]
	head := ""
	for i := len(outer) - 1; i >= 0; i-- {
		if outer[i].open == "{" {
			head = outer[i].head
			break
		}
	}
	if len(f.line) == 0 {
		return ctxThat
	}
	switch first := f.line[0].Value; {
	case head == "roles":
		return ctxRole
	case head == "goal" || first == "measure":
		return ctxMeasure
	case head == "on":
		return ctxEffect
	case first == "badge":
		return ctxBadge
	case first == "when":
		return ctxWhen
	case first == "admit":
		return ctxAdmit
	case first == "may" || first == "must" || first == "first" || first == "limit":
		var w []string
		for _, t := range f.line {
			w = append(w, t.Value)
		}
		c.ctxActions = ruleActions(w)
		return ctxRule
	}
	return ctxThat
}

// exprCtx is the context of an expression, for what it sees (SPEC §8.2).
type exprCtx int

const (
	ctxRole exprCtx = iota
	ctxBadge
	ctxAdmit
	ctxRule
	ctxDuty
	ctxEffect
	ctxMeasure
	ctxWhen
	ctxThat
)

func (c *completer) expr(ctx exprCtx) {
	attrs := ctx != ctxWhen
	roles := ctx != ctxRole && ctx != ctxWhen
	badges := roles && ctx != ctxBadge
	goals := ctx == ctxRule || ctx == ctxDuty || ctx == ctxWhen || ctx == ctxThat
	members := ctx == ctxMeasure || ctx == ctxWhen || ctx == ctxThat
	if attrs {
		c.attrs()
	}
	if roles && c.com != nil && len(c.com.Roles) > 0 {
		c.add(ciVariable, "the member's role", "role")
		c.roles()
	}
	if badges {
		c.badges()
	}
	if goals {
		c.goals()
	}
	if members {
		c.add(ciVariable, "int: the number of members", "members")
	}
	if c.com != nil {
		// Settings are read everywhere an expression is (SPEC §6.4.1);
		// named conditions where badges are (§6.7).
		for _, st := range c.com.Settings {
			c.add(ciConstant, "setting: "+st.Type.String(), st.Name)
		}
		if badges || ctx == ctxRole {
			for _, l := range c.com.Lets {
				c.add(ciVariable, "named condition", l.Name)
			}
		}
	}
	switch ctx {
	case ctxRole, ctxBadge, ctxRule, ctxDuty, ctxEffect, ctxThat:
		c.add(ciFunction, "taken(action, D) int: times the member took the action in the last D", "taken")
	}
	switch ctx {
	case ctxRole, ctxBadge, ctxRule, ctxDuty, ctxEffect, ctxThat, ctxAdmit:
		c.add(ciFunction, "has(attr) bool: whether the member's value of attr was given", "has")
	}
	if ctx == ctxMeasure {
		for _, n := range []string{"count", "share", "sum", "avg", "min", "max"} {
			c.add(ciFunction, aggregates[n], n)
		}
	}
	switch ctx {
	case ctxRule:
		for _, a := range c.ctxActions {
			c.params(a, -1)
		}
	case ctxEffect:
		if f := c.effectFrame(); f != "" {
			c.params(f, -1)
		}
	}
	for _, f := range stdlib.Functions {
		c.add(ciFunction, f.Doc, f.Name)
	}
	c.add(ciKeyword, "", "true", "false")
}

func (c *completer) effectFrame() string {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].head == "on" {
			return c.stack[i].name
		}
	}
	return ""
}

func (c *completer) attrs() {
	if c.com == nil {
		return
	}
	for _, a := range c.com.Attrs {
		c.add(ciField, a.Type.String(), a.Name)
	}
}

func (c *completer) actions() {
	if c.com == nil {
		return
	}
	for _, a := range c.com.Actions {
		c.add(ciEvent, actionSig(a), a.Name)
	}
}

func (c *completer) roles() {
	if c.com == nil {
		return
	}
	for _, r := range c.com.Roles {
		c.add(ciEnumMember, "role", r.Name)
	}
}

func (c *completer) badges() {
	if c.com == nil {
		return
	}
	for _, b := range c.com.Badges {
		c.add(ciConstant, "badge", b.Name)
	}
}

func (c *completer) goals() {
	if c.com == nil {
		return
	}
	for _, g := range c.com.Goals {
		c.add(ciModule, "goal", g.Name)
	}
}

func (c *completer) communities() {
	for _, cc := range c.model.Communities {
		c.add(ciClass, "community", cc.Name)
	}
}

// params adds the parameters of action name; only those of kind only
// unless it is negative.
func (c *completer) params(name string, only check.Kind) {
	if c.com == nil {
		return
	}
	a := c.com.Action(name)
	if a == nil {
		return
	}
	for _, p := range a.Params {
		if only < 0 || p.Type.Kind == only {
			c.add(ciVariable, "parameter of "+actionSig(a), p.Name)
		}
	}
}
