// Command gensyntax writes syntax tests for the VS Code extension's
// TextMate grammar from Charter files, with Charter's own lexer and parser
// as the oracle: under each line of a file it asserts the scope the
// grammar must give each comment, string, number, duration, keyword,
// type and operator on it. vscode-tmgrammar-test then runs them, so the
// grammar is tested against every example as the examples change.
//
//	go run ./editors/vscode/gensyntax -o /tmp/syntax examples/
//	npx vscode-tmgrammar-test -g syntaxes/charter.tmLanguage.json '/tmp/syntax/**/*.charter'
//
// A keyword is an identifier token the grammar reads as a literal word:
// one that no name, type or expression of the syntax tree covers.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/charterlang/charter/lang/syntax"
)

func main() {
	out := flag.String("o", "", "the directory to write the tests to (required)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: gensyntax -o DIR PATH...")
		os.Exit(2)
	}
	n := 0
	for _, root := range flag.Args() {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".charter") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			test, err := Generate(filepath.ToSlash(p), src)
			if err != nil {
				return err
			}
			dst := filepath.Join(*out, p)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			n++
			return os.WriteFile(dst, test, 0o644)
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "gensyntax: %v\n", err)
			os.Exit(1)
		}
	}
	if n == 0 {
		fmt.Fprintln(os.Stderr, "gensyntax: no .charter files found")
		os.Exit(1)
	}
}

var operators = map[string]bool{
	"==": true, "!=": true, "<=": true, ">=": true, "&&": true, "||": true, "??": true,
	"+=": true, "-=": true, "*=": true, "/=": true, "%=": true, "**": true, "**=": true,
	"+": true, "-": true, "*": true, "/": true, "%": true, "!": true, "<": true, ">": true, "=": true,
}

var types = map[string]bool{"int": true, "float": true, "bool": true, "string": true, "time": true, "duration": true, "member": true}

// assertionLike matches a source line the test runner would read as an
// assertion rather than as source.
var assertionLike = regexp.MustCompile(`^\s*//\s*(\^|<[-~])`)

// Generate returns the syntax test for one Charter file.
func Generate(name string, src []byte) ([]byte, error) {
	toks, ds := syntax.Lex(name, src)
	if len(ds) > 0 {
		return nil, fmt.Errorf("%s: %v", name, ds[0])
	}
	f, ds := syntax.Parse(name, src)
	if ds.HasErrors() {
		return nil, fmt.Errorf("%s: %v", name, ds.Errors()[0])
	}
	// Byte ranges that hold names and expressions, and the type names.
	type span struct{ start, end int }
	var names []span
	typeAt := map[int]bool{}
	syntax.Inspect(f, func(n any) bool {
		switch n := n.(type) {
		case *syntax.Ident:
			names = append(names, span{n.Pos.Offset, n.EndPos.Offset})
		case *syntax.Expr:
			names = append(names, span{n.Pos.Offset, n.EndPos.Offset})
			return false
		case *syntax.TypeRef:
			if n.Name != nil && types[n.Name.Name] {
				typeAt[n.Name.Pos.Offset] = true
			}
		}
		return true
	})
	covered := func(off int) bool {
		for _, s := range names {
			if s.start <= off && off < s.end {
				return true
			}
		}
		return false
	}
	lines := strings.SplitAfter(string(src), "\n")
	starts := make([]int, len(lines))
	for i := 1; i < len(lines); i++ {
		starts[i] = starts[i-1] + len(lines[i-1])
	}
	asserts := make([][]string, len(lines))
	assert := func(start, end int, scope string) {
		for i := range lines {
			ls, le := starts[i], starts[i]+len(strings.TrimRight(lines[i], "\r\n"))
			s, e := max(start, ls), min(end, le)
			if s >= e {
				continue
			}
			col := units(string(src[ls:s]))
			n := units(string(src[s:e]))
			var a string
			if col < 2 {
				// Carets cannot stand under the comment's own "//".
				a = "// <" + strings.Repeat("~", col) + strings.Repeat("-", n) + " " + scope
			} else {
				a = "//" + strings.Repeat(" ", col-2) + strings.Repeat("^", n) + " " + scope
			}
			asserts[i] = append(asserts[i], a)
		}
	}
	for _, t := range toks {
		start := t.Pos.Offset
		end := start + len(t.Value)
		switch t.Type {
		case syntax.TokComment:
			if strings.HasPrefix(t.Value, "//") {
				assert(start, end, "comment.line.double-slash.charter")
			} else {
				assert(start, end, "comment.block.charter")
			}
		case syntax.TokString:
			switch t.Value[0] {
			case '"':
				assert(start, end, "string.quoted.double.charter")
			case '\'':
				assert(start, end, "string.quoted.single.charter")
			default:
				assert(start, end, "string.quoted.other.raw.charter")
			}
		case syntax.TokInt:
			assert(start, end, "constant.numeric.integer.charter")
		case syntax.TokFloat:
			assert(start, end, "constant.numeric.float.charter")
		case syntax.TokDuration:
			assert(start, end, "constant.numeric.duration.charter")
		case syntax.TokPunct:
			if operators[t.Value] {
				assert(start, end, "keyword.operator.charter")
			}
		case syntax.TokIdent:
			switch {
			case typeAt[start]:
				assert(start, end, "storage.type.charter")
			case !covered(start):
				assert(start, end, "keyword.control.charter")
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// SYNTAX TEST \"source.charter\" \"%s\"\n", name)
	for i, l := range lines {
		if l == "" {
			continue
		}
		if assertionLike.MatchString(l) {
			return nil, fmt.Errorf("%s:%d: a comment that reads as a syntax-test assertion", name, i+1)
		}
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteByte('\n')
		}
		for _, a := range asserts[i] {
			b.WriteString(a)
			b.WriteByte('\n')
		}
	}
	return []byte(b.String()), nil
}

// units is the length of s in UTF-16 code units, as the test runner counts
// columns.
func units(s string) int {
	n := 0
	for _, r := range s {
		if r == utf8.RuneError {
			n++
			continue
		}
		n += utf16.RuneLen(r)
	}
	return n
}
