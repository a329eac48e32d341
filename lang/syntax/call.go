package syntax

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/expr-lang/expr/file"
	exprparser "github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/diag"
)

// callExample is what an action call written as text looks like.
const callExample = `an action call such as post(length: 10, topic: "hi")`

// ParseCall reads an action call written as text, such as
//
//	post(length: 10, topic: "hi", tags: ["a", "b"], within: 7d)
//
// by the grammar's Call production: the call of a test's `do` and `expect
// allow|deny` lines, standing alone. filename names the text in positions
// ("" for none). It returns the Call, nil when the text is not one, and the
// diagnostics found: CH0001 and CH0010 for what the lexer cannot read,
// CH0002 when the tokens do not form a call, CH0003 when an argument value
// is not an expression, CH0004 when the text is over MaxFileSize. Each says
// where and what was wanted there.
//
// Argument values are expressions; whether they are constants, and of the
// right types, is for the caller to ask (check.Constant evaluates them).
func ParseCall(filename, src string) (*Call, diag.List) {
	start := diag.Pos{Filename: filename, Line: 1, Column: 1}
	var ds diag.List
	if len(src) > MaxFileSize {
		ds.Add(diag.Error, diag.LimitFile, diag.Range{Start: start, End: start},
			"call is %d bytes; the limit is %d", len(src), MaxFileSize)
		return nil, ds
	}
	all, ds := Lex(filename, []byte(src))
	if len(ds) > 0 {
		return nil, ds
	}
	var toks []Token
	for _, t := range all {
		if t.Type != TokSpace && t.Type != TokComment {
			toks = append(toks, t)
		}
	}
	sl := newSliceLexer(all, filename, len(src))
	end := diag.Pos(sl.eof.Pos)
	if len(toks) == 0 {
		ds.Add(diag.Error, diag.Syntax, diag.Range{Start: end, End: end}, "want %s, got nothing", callExample)
		return nil, ds
	}
	pl, err := lexer.Upgrade(sl, lexer.TokenType(TokSpace), lexer.TokenType(TokComment))
	if err != nil {
		ds.Add(diag.Error, diag.Lex, diag.Range{Start: start, End: end}, "%v", err)
		return nil, ds
	}
	c, err := callParser.ParseFromLexer(pl)
	if c != nil {
		for _, a := range c.Args {
			if a.Value != nil && a.Value.Err != nil {
				ds = append(ds, callValueDiag(a, toks, end))
			}
		}
	}
	if err != nil {
		// A value that is cut short also leaves the call unfinished; the
		// value's error says more, so the grammar's is kept only when it
		// comes before every value's.
		if d := callSyntaxDiag(err, toks, end); len(ds) == 0 || d.Range.Start.Offset < ds[0].Range.Start.Offset {
			ds = append(ds, d)
		}
	}
	ds.Sort()
	if ds.HasErrors() {
		return nil, ds
	}
	return c, ds
}

// CloseParen returns the position of the call's closing parenthesis, where
// an argument that is missing would have gone.
func (c *Call) CloseParen() diag.Pos {
	p := c.EndPos // just after the `)` that ends every call
	p.Offset--
	p.Column--
	return p
}

// callSyntaxDiag says what the call grammar wanted where participle stopped,
// in the words of the call: participle knows the production, not that the
// identifier before a `:` is an argument's name.
func callSyntaxDiag(err error, toks []Token, end diag.Pos) diag.Diagnostic {
	d := syntaxDiag(err, end)
	var pe participle.Error
	if !errors.As(err, &pe) || d.Code != diag.Syntax {
		return d
	}
	i := tokenFrom(toks, d.Range.Start.Offset)
	got := func(i int) string { return quoteToken(toks, i) }
	place := func(i int, format string, args ...any) diag.Diagnostic {
		p := end
		if i < len(toks) {
			p = toks[i].Pos
		}
		d.Range = diag.Range{Start: p, End: p}
		d.Message = fmt.Sprintf(format, args...)
		return d
	}
	punct := func(i int, s string) bool { return i < len(toks) && toks[i].Type == TokPunct && toks[i].Value == s }
	depth, name := 0, ""
	for k := 0; k < i; k++ {
		switch {
		case punct(k, "(") || punct(k, "["):
			depth++
		case punct(k, ")") || punct(k, "]"):
			depth--
		case depth == 1 && toks[k].Type == TokIdent && punct(k+1, ":") && (punct(k-1, "(") || punct(k-1, ",")):
			name = toks[k].Value
		}
	}
	switch {
	case i == 0:
		return place(i, "want %s, got %s", callExample, got(i))
	case i == 1:
		action := toks[0].Value
		return place(i, "want ( after %s, got %s: write %s() even without arguments", action, got(i), action)
	case depth == 0:
		return place(i, "unexpected %s after the call: give one call", got(i))
	case punct(i-1, ":"):
		return place(i, "want a value for %s, got %s", name, got(i))
	case punct(i-1, "(") || punct(i-1, ","):
		if i < len(toks) && toks[i].Type == TokIdent {
			return place(i+1, "want : after argument name %s, got %s", toks[i].Value, got(i+1))
		}
		return place(i, "want an argument name or ), got %s", got(i))
	case name != "":
		return place(i, "want , or ) after the value of %s, got %s", name, got(i))
	}
	return d
}

// callValueDiag rewords expr-lang's syntax error in an argument's value
// where the call tells more: a value cut short, or a value followed by
// something that is not a `,` or `)`, as when a comma is missing.
func callValueDiag(a *Field, toks []Token, end diag.Pos) diag.Diagnostic {
	e := a.Value
	d := *e.Err
	next := tokenFrom(toks, e.EndPos.Offset) // the first token after the value
	got := func(k int) string { return quoteToken(toks, k) }
	if d.Code != diag.ExprSyntax {
		return d
	}
	_, err := exprparser.ParseWithConfig(e.Text, parseConfig)
	var fe *file.Error
	if !errors.As(err, &fe) {
		return d
	}
	from := runeOffset(e.Text, fe.From)
	if fe.Message == "unexpected token EOF" {
		// The value ends where an operand was still wanted.
		last := ""
		for k := next - 1; k >= 0; k-- {
			if toks[k].Pos.Offset < e.EndPos.Offset {
				last = toks[k].Value
				break
			}
		}
		p := e.EndPos
		if next < len(toks) {
			p = toks[next].Pos
		}
		d.Range = diag.Range{Start: p, End: p}
		d.Message = fmt.Sprintf("want a value for %s after %q, got %s", a.Name.Name, last, got(next))
		return d
	}
	// A value that is complete before the token expr-lang stumbled on is
	// followed by something that does not belong to it.
	closers := closersOf(e.Text[:from])
	if !strings.HasPrefix(fe.Message, "unexpected token") {
		// such as an integer literal out of range: expr-lang's words say it
	} else if _, err := exprparser.ParseWithConfig(e.Text[:from]+closers, parseConfig); err == nil {
		k := tokenFrom(toks, d.Range.Start.Offset)
		switch {
		case closers == "":
			d.Message = fmt.Sprintf("want , or ) after the value of %s, got %s", a.Name.Name, got(k))
		case strings.HasPrefix(closers, "]"):
			d.Message = fmt.Sprintf("want , or ] in the list given to %s, got %s", a.Name.Name, got(k))
		}
		return d
	}
	d.Message = fmt.Sprintf("value of %s: %s", a.Name.Name, d.Message)
	return d
}

// tokenFrom returns the index of the first of toks that starts at or after
// byte offset off, or len(toks).
func tokenFrom(toks []Token, off int) int {
	for k, t := range toks {
		if t.Pos.Offset >= off {
			return k
		}
	}
	return len(toks)
}

// quoteToken returns token i of toks quoted, or "the end of the text" past
// the last.
func quoteToken(toks []Token, i int) string {
	if i >= len(toks) {
		return "the end of the text"
	}
	return strconv.Quote(toks[i].Value)
}

// runeOffset returns the byte offset of the n-th rune of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// closersOf returns the brackets that close those left open in s, innermost
// first; strings and other tokens are skipped as the lexer reads them.
func closersOf(s string) string {
	toks, _ := Lex("", []byte(s))
	var open []string
	for _, t := range toks {
		if t.Type != TokPunct {
			continue
		}
		switch t.Value {
		case "(", "[", "{":
			open = append(open, map[string]string{"(": ")", "[": "]", "{": "}"}[t.Value])
		case ")", "]", "}":
			if n := len(open); n > 0 {
				open = open[:n-1]
			}
		}
	}
	var b strings.Builder
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString(open[i])
	}
	return b.String()
}
