package format

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr/file"
	exprlexer "github.com/expr-lang/expr/parser/lexer"

	"github.com/charterlang/charter/lang/syntax"
)

// opWords are the words expr-lang reads as operators, not as names.
var opWords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "matches": true, "contains": true,
	"startsWith": true, "endsWith": true, "let": true,
}

// exprBracket is a bracket open in the expression being printed.
type exprBracket struct {
	tok     string
	line    int // the line of the expression it was opened on
	ternary int // `?` not yet matched by their `:`
}

// expr prints an expression: its tokens, re-lexed from Src, with canonical
// spacing, keeping each line break it had (blank lines collapse to one).
// space says whether a space separates it from what is before it.
func (p *printer) expr(e *syntax.Expr, space bool) {
	if e == nil { // only in the tree of a file with syntax errors
		return
	}
	all, _ := syntax.Lex("", []byte(e.Src))
	var toks []syntax.Token
	for _, t := range all {
		if t.Type != syntax.TokSpace && t.Type != syntax.TokComment {
			toks = append(toks, t)
		}
	}
	base := p.cur().indent
	if p.breakNext {
		base = p.cont
	}
	saved := p.cont
	stack := []exprBracket{{}} // the bottom entry holds the ternaries outside brackets
	lineNo := 0
	var prev *syntax.Token
	prevTight := false // no space may follow prev
	for k := range toks {
		t := toks[k]
		abs := e.Pos.Offset + t.Pos.Offset
		newline := false
		sp := space
		if prev != nil {
			gap := e.Src[prev.Pos.Offset+len(prev.Value) : t.Pos.Offset]
			newline = strings.Contains(gap, "\n")
			sp = !prevTight && !tightBefore(*prev, t, stack)
			if gap == "" && sp && !splitSafe(*prev, t) {
				sp = false
			} else if gap != "" && !sp && !joinSafe(*prev, t) {
				sp = true
			}
		}
		if newline {
			lineNo++
			p.cont = base + continuation(toks[k:], e.Src, stack)
		}
		p.flush(abs, e.Pos.Line+t.Pos.Line-1, false, p.cont)
		if newline {
			p.breakNext = true
		}
		p.write(t.Value, sp)
		prevTight = tightAfter(toks, k, prev, stack)
		stack = track(t, prev, stack, lineNo)
		prev = &toks[k]
		p.lastEnd = abs + len(t.Value)
	}
	for p.next < len(p.toks) && p.toks[p.next].Pos.Offset < e.EndPos.Offset {
		p.next++
	}
	if len(toks) > 0 && e.EndPos.Offset > p.lastEnd {
		p.lastEnd = e.EndPos.Offset
	}
	p.cont = saved
	p.lastExpr = true
}

// continuation returns the extra indentation of an expression line that
// starts with rest: one level per earlier line that left a bracket open
// here, after the closing brackets the line starts with; a line inside no
// bracket continues its expression and takes one level, unless it starts
// by closing brackets.
func continuation(rest []syntax.Token, src string, stack []exprBracket) int {
	closes := 0
	for i, t := range rest {
		if !isCloser(t) || i > 0 && strings.Contains(src[rest[i-1].Pos.Offset+len(rest[i-1].Value):t.Pos.Offset], "\n") {
			break
		}
		closes++
	}
	open := stack[1:]
	open = open[:max(0, len(open)-closes)]
	lines := 0
	for i, b := range open {
		if i == 0 || b.line != open[i-1].line {
			lines++
		}
	}
	if lines == 0 && closes == 0 {
		return 1
	}
	return lines
}

func isCloser(t syntax.Token) bool {
	return t.Type == syntax.TokPunct && (t.Value == ")" || t.Value == "]" || t.Value == "}")
}

func isOpener(t syntax.Token) bool {
	return t.Type == syntax.TokPunct && (t.Value == "(" || t.Value == "[" || t.Value == "{")
}

// operandEnd reports whether t can end an operand, so that a `-` after it
// is binary, a `(` a call and a `[` an index.
func operandEnd(t *syntax.Token) bool {
	if t == nil {
		return false
	}
	switch t.Type {
	case syntax.TokIdent:
		return !opWords[t.Value]
	case syntax.TokString, syntax.TokInt, syntax.TokFloat, syntax.TokDuration:
		return true
	case syntax.TokPunct:
		return t.Value == ")" || t.Value == "]" || t.Value == "}" || t.Value == "#"
	}
	return false
}

// colonKind says what a `:` at the top of stack is: a ternary's, a map
// key's or a slice's.
func colonKind(stack []exprBracket) string {
	top := stack[len(stack)-1]
	switch {
	case top.ternary > 0:
		return "ternary"
	case top.tok == "[":
		return "slice"
	}
	return "key"
}

// tightBefore reports whether no space goes between prev and t.
func tightBefore(prev, t syntax.Token, stack []exprBracket) bool {
	if t.Type != syntax.TokPunct {
		return false
	}
	switch t.Value {
	case ")", "]", "}", ",", ";", "..":
		return true
	case ".", "?.", "(", "[":
		return operandEnd(&prev)
	case ":":
		return colonKind(stack) != "ternary"
	}
	return false
}

// tightAfter reports whether no space goes after toks[k] (prev is the
// token before it).
func tightAfter(toks []syntax.Token, k int, prev *syntax.Token, stack []exprBracket) bool {
	t := toks[k]
	if t.Type != syntax.TokPunct {
		return false
	}
	switch t.Value {
	case "(", "[", "{", "!", ".", "?.", "..":
		return true
	case "-", "+":
		// A unary sign touches its operand, but not another sign: - -1.
		return !operandEnd(prev) && !(k+1 < len(toks) && (toks[k+1].Value == "-" || toks[k+1].Value == "+"))
	case ":":
		return colonKind(stack) == "slice"
	case "#":
		// #index and #acc name the iteration's variables.
		return k+1 < len(toks) && toks[k+1].Type == syntax.TokIdent && !opWords[toks[k+1].Value]
	}
	return false
}

// track updates the bracket stack after t.
func track(t syntax.Token, prev *syntax.Token, stack []exprBracket, lineNo int) []exprBracket {
	switch {
	case isOpener(t):
		return append(stack, exprBracket{tok: t.Value, line: lineNo})
	case isCloser(t):
		if len(stack) > 1 {
			return stack[:len(stack)-1]
		}
	case t.Type == syntax.TokPunct && t.Value == "?":
		stack[len(stack)-1].ternary++
	case t.Type == syntax.TokPunct && t.Value == ":":
		if top := &stack[len(stack)-1]; top.ternary > 0 {
			top.ternary--
		}
	}
	return stack
}

// exprText is how expr-lang sees a token: Charter gives it duration
// literals as identifiers such as $7d.
func exprText(t syntax.Token) string {
	if t.Type == syntax.TokDuration {
		return "$" + t.Value
	}
	return t.Value
}

func exprLex(s string) ([]exprlexer.Token, bool) {
	toks, err := exprlexer.Lex(file.NewSource(s))
	if err != nil {
		return nil, false
	}
	return toks, true
}

func sameTokens(a, b []exprlexer.Token) bool {
	return slices.EqualFunc(a, b, func(x, y exprlexer.Token) bool { return x.Kind == y.Kind && x.Value == y.Value })
}

// apart reports whether expr-lang reads a and b as the same tokens whether
// or not they touch.
func apart(a, b syntax.Token) bool {
	ta, tb := exprText(a), exprText(b)
	joined, ok1 := exprLex(ta + tb)
	spaced, ok2 := exprLex(ta + " " + tb)
	return ok1 && ok2 && sameTokens(joined, spaced)
}

// splitSafe reports whether a space may go between two tokens the source
// wrote touching (not so for `::` or b"bytes", which expr-lang reads as one).
func splitSafe(a, b syntax.Token) bool { return apart(a, b) }

// joinSafe reports whether two tokens the source wrote apart may touch.
func joinSafe(a, b syntax.Token) bool {
	toks, ds := syntax.Lex("", []byte(a.Value+b.Value))
	if len(ds) > 0 || len(toks) != 2 || toks[0].Value != a.Value || toks[1].Value != b.Value {
		return false
	}
	return apart(a, b)
}

// Expr returns e as the formatter prints it, on one line: canonical
// spacing, comments dropped, each line break a space. It is how a tool
// shows a condition away from its file (the labels of charter graph):
// the expression as the designer wrote it, named conditions and badges
// by their names, not as the checker expanded them.
func Expr(e *syntax.Expr) string {
	if e == nil {
		return ""
	}
	all, _ := syntax.Lex("", []byte(e.Src))
	var toks []syntax.Token
	for _, t := range all {
		if t.Type != syntax.TokSpace && t.Type != syntax.TokComment {
			toks = append(toks, t)
		}
	}
	var b strings.Builder
	stack := []exprBracket{{}}
	var prev *syntax.Token
	prevTight := false
	for k := range toks {
		t := toks[k]
		if prev != nil {
			gap := e.Src[prev.Pos.Offset+len(prev.Value) : t.Pos.Offset]
			sp := !prevTight && !tightBefore(*prev, t, stack)
			if gap == "" && sp && !splitSafe(*prev, t) {
				sp = false
			} else if gap != "" && !sp && !joinSafe(*prev, t) {
				sp = true
			}
			if sp {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.Value)
		prevTight = tightAfter(toks, k, prev, stack)
		stack = track(t, prev, stack, 0)
		prev = &toks[k]
	}
	return b.String()
}
