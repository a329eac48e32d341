package syntax

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	exprast "github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	exprparser "github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/diag"
)

// Expr is an expression in expr-lang syntax, embedded in a declaration. Its
// extent is found by the Charter grammar: it runs to the end of the line
// (unless a bracket is open, or the line ends with or the next begins with
// an operator that needs more), or to a `,` `;` `{` `}` or an unmatched
// closing bracket, or to the keywords `because` and `else`.
type Expr struct {
	Node
	// Src is the expression as written.
	Src string
	// Text is Src as given to expr-lang: duration literals such as 7d become
	// the identifiers $7d, which the checker declares.
	Text string
	// Root is expr-lang's AST of Text; nil when Err is set.
	Root exprast.Node
	// Err is the syntax error in the expression, if any.
	Err *diag.Diagnostic

	inserts []int // rune offsets in Text where a $ was inserted
}

var stopWords = map[string]bool{"because": true, "else": true}

var exprStop = map[string]bool{";": true, ",": true, "{": true, "}": true, ")": true, "]": true}

var openers = map[string]bool{"(": true, "[": true, "{": true}
var closers = map[string]bool{")": true, "]": true, "}": true}

// binary operators that, ending a line, continue the expression onto the next;
// or that, starting a line, continue the expression of the line before.
var trailingOps = map[string]bool{
	"&&": true, "||": true, "+": true, "-": true, "*": true, "/": true, "%": true, "**": true,
	"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, "??": true, "?": true,
	":": true, ".": true, "?.": true, "^": true, "!": true, "..": true, "|": true,
	"and": true, "or": true, "in": true, "not": true, "matches": true, "contains": true,
	"startsWith": true, "endsWith": true,
}
var leadingOps = map[string]bool{
	"&&": true, "||": true, "??": true, "?": true, ":": true, ".": true, "?.": true, "|": true,
	"and": true, "or": true,
}

// Parse implements participle.Parseable.
func (e *Expr) Parse(lex *lexer.PeekingLexer) error {
	first, rawStart := lex.PeekAny(func(lexer.Token) bool { return false })
	depth := 0
	var prev *lexer.Token
	for {
		t := lex.Peek()
		if t.EOF() {
			break
		}
		if depth == 0 {
			if TokenType(t.Type) == TokPunct && exprStop[t.Value] || TokenType(t.Type) == TokIdent && stopWords[t.Value] {
				break
			}
			if prev != nil && t.Pos.Line > endOf(*prev).Line && !trailingOps[prev.Value] && !leadingOps[t.Value] {
				break
			}
		}
		if TokenType(t.Type) == TokPunct {
			if openers[t.Value] {
				depth++
				if depth > MaxDepth {
					return participle.Errorf(t.Pos, "expression nested more than %d deep", MaxDepth)
				}
			} else if closers[t.Value] {
				depth--
			}
		}
		prev = lex.Next()
	}
	if prev == nil {
		return participle.NextMatch
	}
	var src strings.Builder
	for _, t := range lex.Range(rawStart, lex.RawCursor()) {
		src.WriteString(t.Value)
	}
	e.Pos = diag.Pos(first.Pos)
	e.EndPos = endOf(*prev)
	e.Src = src.String()
	toks := lex.Range(rawStart, lex.RawCursor())
	e.Text, e.inserts = insertDollars(len(toks), func(i int) (TokenType, string) {
		return TokenType(toks[i].Type), toks[i].Value
	})
	e.compile()
	return nil
}

// insertDollars returns the text of n tokens (tok gives each one's type
// and text) as given to expr-lang, with a $ before each duration literal,
// and the rune offsets in it of the $ inserted.
func insertDollars(n int, tok func(i int) (TokenType, string)) (string, []int) {
	var text strings.Builder
	var inserts []int
	runes := 0
	for i := range n {
		typ, v := tok(i)
		if typ == TokDuration {
			inserts = append(inserts, runes)
			text.WriteByte('$')
			runes++
		}
		text.WriteString(v)
		runes += utf8.RuneCountInString(v)
	}
	return text.String(), inserts
}

// Reparse returns a fresh tree of Text, sharing no node with Root, or
// nil when Text does not parse: a checker that puts e's condition in
// another expression's tree (a named condition, SPEC §6.7) puts a copy.
func (e *Expr) Reparse() exprast.Node {
	if e.Root == nil {
		return nil
	}
	tree, err := exprparser.ParseWithConfig(e.Text, parseConfig)
	if err != nil {
		return nil
	}
	return tree.Node
}

// compile runs expr-lang's parser over Text.
func (e *Expr) compile() {
	tree, err := exprparser.ParseWithConfig(e.Text, parseConfig)
	if err != nil {
		d := e.Diagnostic(diag.ExprSyntax, err)
		if errors.As(err, new(*file.Error)) {
			d.Range.End = d.Range.Start // a syntax error is a point: where the parser stopped
		}
		if strings.Contains(d.Message, "exceeds maximum allowed nodes") {
			d.Code = diag.LimitNodes
			d.Message = fmt.Sprintf("expression has more than %d nodes", MaxExprNodes)
			d.Range = e.Range()
		}
		e.Err = &d
		return
	}
	e.Root = tree.Node
}

// Diagnostic turns err, an error of expr-lang's parser, checker or
// evaluator about this expression, into a diagnostic with the given code.
// expr-lang places its errors by rune offsets in Text; this is the one place
// that maps them to the source, so every expression diagnostic points where
// the others do. An error expr-lang does not place covers the expression.
// The message is put in Charter's words (CharterWords).
func (e *Expr) Diagnostic(code diag.Code, err error) diag.Diagnostic {
	d := diag.Diagnostic{Severity: diag.Error, Code: code, Message: CharterWords(err.Error()), Range: e.Range()}
	var fe *file.Error
	if errors.As(err, &fe) {
		d.Message = CharterWords(fe.Message)
		d.Range = diag.Range{Start: e.posAt(fe.From), End: e.posAt(max(fe.To, fe.From))}
		if strings.HasPrefix(fe.Message, "invalid integer literal") || strings.HasPrefix(fe.Message, "invalid float literal") {
			// expr-lang places these at the literal's last character.
			d.Range = e.tokenAt(d.Range.Start)
		}
	}
	return d
}

// parseConfig makes expr-lang's parser read every call, including names of
// expr-lang builtins, as a plain call: the checker decides which functions
// exist (Charter's stdlib and goal aggregates), not expr-lang.
var parseConfig = func() *conf.Config {
	cfg := conf.CreateNew()
	cfg.MaxNodes = MaxExprNodes
	cfg.DisableIfOperator = true // Charter reads `else` as a sanction; use `c ? a : b`
	for name := range builtin.Index {
		cfg.Disabled[name] = true
		cfg.Functions[name] = &builtin.Function{Name: name} // predicates such as count(x) too
	}
	return cfg
}()

// tokenAt returns the range of the token of e that holds p, or p alone.
func (e *Expr) tokenAt(p diag.Pos) diag.Range {
	toks, _ := Lex("", []byte(e.Src))
	for _, t := range toks {
		if off := p.Offset - e.Pos.Offset; t.Pos.Offset <= off && off < t.Pos.Offset+len(t.Value) {
			return diag.Range{Start: e.srcPos(t.Pos.Offset), End: e.srcPos(t.Pos.Offset + len(t.Value))}
		}
	}
	return diag.Range{Start: p, End: p}
}

// posAt maps a rune offset in Text (as expr-lang reports locations) to a
// position in the source file.
func (e *Expr) posAt(textRune int) diag.Pos {
	orig := textRune
	for _, ins := range e.inserts {
		if ins < textRune {
			orig--
		}
	}
	off := len(e.Src)
	for i := range e.Src {
		if orig == 0 {
			off = i
			break
		}
		orig--
	}
	return e.srcPos(off)
}

// srcPos returns the position of byte off of Src in the source file.
func (e *Expr) srcPos(off int) diag.Pos {
	p := e.Pos
	for _, r := range e.Src[:off] {
		p.Offset += utf8.RuneLen(r)
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

// RangeOf returns the source range of an expr-lang node of this expression.
func (e *Expr) RangeOf(n exprast.Node) diag.Range {
	loc := n.Location()
	if loc.From == 0 && loc.To == 0 && n != e.Root {
		return e.Range()
	}
	to := loc.To
	if to < loc.From {
		to = loc.From
	}
	return diag.Range{Start: e.posAt(loc.From), End: e.posAt(to)}
}

// String returns the expression as written.
func (e *Expr) String() string { return e.Src }
