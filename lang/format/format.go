// Package format prints Charter source in its one canonical layout, the
// way gofmt prints Go: `charter fmt` is built on it.
//
//	out, ds := format.Bytes("club.charter", src)
//	if ds.HasErrors() {
//		return nil, ds // nothing is formatted when the file has syntax errors
//	}
//	return out, nil
//
// The layout:
//
//   - Two spaces indent each level; one declaration, rule, rung, attribute,
//     assignment, goal line or test step per line; `{` ends the line that
//     opens a block and `}` stands on its own line.
//   - A block the source wrote on one line, without comments inside, stays
//     on one line, its items separated by "; " (", " between the fields of a
//     member literal): `on post { posts += 1; reputation += 0.5 }`. Any other
//     block is expanded, one item per line. An empty block is `{}`.
//     Both rules look only at the source, so formatting twice changes
//     nothing.
//   - Blank lines between items are kept, at most one; blank lines at the
//     start or end of a block are dropped. The output ends with one newline,
//     uses \n line endings and has no byte order mark.
//   - Consecutive one-line items of one kind line up in columns, as
//     text/tabwriter does with gofmt's struct fields: attribute names, types
//     and defaults, role names before `if`/`otherwise`,
//     badge names before `if`, the actions of `may` before their `if`, the
//     `because` of `must not` and `first` rules, the `because` of `limit` and
//     `must N per D` rules, `on action` before its one-line block, the
//     recipient of `nudge`/`offer` before the text, `measure`/`target` and
//     the field names of a member literal. A column is padded over each run
//     of neighbouring lines that have something after it; blank lines and
//     multi-line items end a run, comment lines do not.
//   - Expressions keep their tokens and their line breaks (a break goes
//     inside brackets, after a binary operator or before &&, ||, ?, :, .);
//     spacing is canonical: one space around binary operators and the
//     ternary ? and :, none after unary ! and -, none inside brackets, none
//     around . and .., `f(x, y)`, `[a, b]`, `{k: v}`, `a[1:2]`. A continued
//     line is indented one level per earlier line that left brackets open
//     (brackets opened on one line count once, as in gofmt), or one level
//     when it continues outside brackets.
//   - Every comment is kept, in order. A comment on its own line stays on
//     its own line, indented like what follows it (code that followed an
//     own-line /* */ comment moves to the next line). A trailing comment
//     stays at the end of its line, as many spaces after the code as in the
//     source (at least one); trailing comments of consecutive lines of one
//     indentation line up.
//     A /* */ comment between two tokens of one line stays there. A comment
//     that ends a line inside a declaration keeps the line break; the
//     declaration continues one level deeper.
package format

import (
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// Source formats a parsed file. f should have parsed without errors: the
// parts of a file the parser could not read are not printed.
func Source(f *syntax.File) []byte {
	p := newPrinter(f)
	p.file(f)
	return p.render()
}

// Bytes parses src and formats it. When the file has syntax errors it
// returns nil and the diagnostics. As a safeguard it re-parses its output
// and reports an error rather than return text whose syntax tree differs
// from the source's.
func Bytes(filename string, src []byte) ([]byte, diag.List) {
	f, ds := syntax.Parse(filename, src)
	if ds.HasErrors() {
		return nil, ds
	}
	out := Source(f)
	g, gds := syntax.Parse(filename, out)
	if gds.HasErrors() {
		return nil, append(ds, internalError(f, "the formatted text does not parse: "+gds[0].Message))
	}
	if d := EqualAST(f, g); d != "" {
		return nil, append(ds, internalError(f, "the formatted text means something else:\n"+d))
	}
	return out, ds
}

// internalError reports a formatter bug; the file is left as it is.
func internalError(f *syntax.File, msg string) diag.Diagnostic {
	p := diag.Pos{Filename: f.Name, Line: 1, Column: 1}
	return diag.Diagnostic{
		Severity: diag.Error,
		Code:     diag.Syntax,
		Message:  "internal formatter error (please report it): " + msg,
		Range:    diag.Range{Start: p, End: p},
	}
}
