// Package syntax reads Charter source: the lexer, the participle grammar
// whose structs are the AST, a recursive-descent parser of that grammar
// (descent.go) that reads every file that parses, participle for the
// diagnostics of a file that does not, and expr-lang's expression parser
// for the expressions in both.
//
//	f, ds := syntax.Parse("club.charter", src)
//	if ds.HasErrors() {
//		return ds
//	}
//	for _, c := range f.Communities {
//		fmt.Println(c.Name.Name)
//	}
//
// ExampleParse shows the declarations and the diagnostics. ParseCall reads
// one production on its own, an action call written as text, as
// hclsyntax.ParseExpression does beside HCL's file parser.
package syntax

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/charterlang/charter/lang/diag"
)

var parser = participle.MustBuild[File](
	participle.Lexer(definition{}),
	participle.Elide("Space", "Comment"),
	participle.UseLookahead(4),
	participle.Union[Decl](
		// Rules first: they are most of a large file, and participle tries
		// the members in order.
		&May{}, &MustNot{}, &Duty{}, &Limit{}, &First{}, &Effect{}, &Badge{}, &Let{},
		&Use{}, &Purpose{}, &Timezone{}, &Default{}, &Schema{}, &Settings{}, &Action{}, &Roles{}, &Admit{},
		&Goal{}, &When{}, &Nudge{}, &Offer{}, &Test{},
	),
	participle.Union[WhenDecl](&May{}, &MustNot{}, &Duty{}, &First{}, &Limit{}, &Nudge{}, &Offer{}),
	participle.Union[Step](&Given{}, &GivenMembers{}, &GivenSettings{}, &At{}, &Wait{}, &Do{}, &Review{}, &Update{}, &Expect{}),
	participle.Union[ExpectBody](
		&ExpectDecision{}, &ExpectRole{}, &ExpectBadge{}, &ExpectDuty{}, &ExpectMessage{},
		&ExpectGoal{}, &ExpectAdmit{}, &ExpectSanction{}, &ExpectThat{},
	),
)

// callParser reads the Call production alone. It keeps participle's
// default lookahead of one token, all the production needs: with more, a
// failed argument would be backtracked and the error reported at the
// argument's name instead of at the token where something else was wanted.
// Like parser it must be declared in a file after lexer.go, whose symbols
// participle reads while building: Go orders the initialisation of
// package variables across files by file name when it sees no dependency.
var callParser = participle.MustBuild[Call](
	participle.Lexer(definition{}),
	participle.Elide("Space", "Comment"),
)

// Grammar returns the EBNF of the declaration grammar, as participle sees it.
func Grammar() string { return parser.String() }

// Parse reads one source file. It always returns a File (possibly with
// fewer communities than the source has) and the diagnostics found: every
// lexical error, the first syntax error, and every expression syntax error.
// descent reads the file; when it gives up, participle parses it again,
// and its tree and first error are the ones returned.
func Parse(filename string, src []byte) (*File, diag.List) {
	return parse(filename, src, false)
}

// parse is Parse; with participleOnly it leaves descent out, so that
// tests can compare the two parsers.
func parse(filename string, src []byte, participleOnly bool) (*File, diag.List) {
	f := &File{Name: filename, Src: src}
	start := diag.Pos{Filename: filename, Line: 1, Column: 1}
	f.Pos = start
	if len(src) > MaxFileSize {
		var ds diag.List
		ds.Add(diag.Error, diag.LimitFile, diag.Range{Start: start, End: start},
			"file is %d bytes; the limit is %d", len(src), MaxFileSize)
		return f, ds
	}
	text, toks, ds := lex(filename, src)
	for _, t := range toks {
		if t.Type == TokComment {
			f.Comments = append(f.Comments, Comment{Node: Node{Pos: t.Pos, EndPos: t.End()}, Text: t.Value})
		}
	}
	sl := newSliceLexer(toks, filename, len(src))
	f.EndPos = diag.Pos(sl.eof.Pos)
	if len(ds) > 0 {
		return f, ds
	}
	var stop Token
	if !participleOnly {
		comms, ok, at := parseFile(text, toks, f.EndPos)
		if ok {
			f.Communities = comms
			return f, exprDiags(f, ds)
		}
		stop = at
	}
	pl, err := lexer.Upgrade(sl, lexer.TokenType(TokSpace), lexer.TokenType(TokComment))
	if err != nil {
		ds.Add(diag.Error, diag.Lex, f.Range(), "%v", err)
		return f, ds
	}
	parsed, err := parser.ParseFromLexer(pl)
	if parsed != nil {
		f.Communities = parsed.Communities
	}
	if err != nil {
		ds = append(ds, atOffendingToken(syntaxDiag(err, f.EndPos), stop))
	}
	return f, exprDiags(f, ds)
}

// atOffendingToken moves a syntax error that participle reports at a
// declaration's first word (it backtracks to there: `must not * if x`
// reported at must) to the token inside that declaration where descent,
// which does not backtrack, gave up (the *). The form suggestion stays.
func atOffendingToken(d diag.Diagnostic, stop Token) diag.Diagnostic {
	m := stoppedAt.FindStringSubmatch(d.Message)
	if m == nil || stop.Value == "" || stop.Pos.Offset <= d.Range.Start.Offset {
		return d
	}
	what := m[1] + " declaration"
	if m[1] == "test" {
		what = "test block"
	}
	d.Message = fmt.Sprintf("unexpected token %q in this %s", stop.Value, what)
	d.Range = diag.Range{Start: stop.Pos, End: stop.Pos}
	return d
}

// exprDiags adds the expression syntax errors of f to ds, and sorts them.
func exprDiags(f *File, ds diag.List) diag.List {
	for _, e := range Exprs(f) {
		if e.Err != nil {
			ds = append(ds, *e.Err)
		}
	}
	ds.Sort()
	return ds
}

func syntaxDiag(err error, eof diag.Pos) diag.Diagnostic {
	d := diag.Diagnostic{Severity: diag.Error, Code: diag.Syntax, Message: err.Error()}
	var pe participle.Error
	if errors.As(err, &pe) {
		d.Message = pe.Message()
		p := diag.Pos(pe.Position())
		d.Range = diag.Range{Start: p, End: p}
	}
	if d.Range.Start.Line == 0 {
		d.Range = diag.Range{Start: eof, End: eof}
	}
	// Expr.Parse reports the nesting limit through participle, which keeps
	// only the message; the limit has a code of its own.
	if strings.HasPrefix(d.Message, "expression nested more than") {
		d.Code = diag.LimitDepth
	}
	d.Suggestion = formSuggestion(d.Message)
	if len(d.Message) > 0 && d.Message[0] == '"' {
		d.Message = fmt.Sprintf("syntax error: %s", d.Message)
	}
	return d
}
