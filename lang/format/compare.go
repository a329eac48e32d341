package format

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/charterlang/charter/lang/syntax"
)

// EqualAST compares two parsed files ignoring positions, source text and
// comments, and returns a description of the differences, or "" when they
// are equal. Expressions compare by their expr-lang syntax tree (printed)
// and their tokens, so spacing and line breaks inside them do not count.
func EqualAST(a, b *syntax.File) string {
	// go-cmp explains differences well but is slow on big files; a flat
	// dump of each tree finds out quickly whether there is anything to explain.
	var da, db strings.Builder
	dump(&da, reflect.ValueOf(a))
	dump(&db, reflect.ValueOf(b))
	if da.String() == db.String() {
		return ""
	}
	d := cmp.Diff(a, b,
		cmpopts.IgnoreFields(syntax.Node{}, "Pos", "EndPos"),
		cmpopts.IgnoreFields(syntax.File{}, "Name", "Src", "Comments"),
		cmp.Transformer("Expr", exprKey),
	)
	if d == "" {
		d = "the trees differ:\n" + da.String() + "\n" + db.String()
	}
	return d
}

var (
	exprType = reflect.TypeOf((*syntax.Expr)(nil))
	nodeType = reflect.TypeOf(syntax.Node{})
	fileType = reflect.TypeOf(syntax.File{})
)

// dump writes what EqualAST compares of v: every field but positions,
// the file's name, text and comments, with expressions as exprKey.
func dump(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if v.Type() == exprType {
			b.WriteString(exprKey(v.Interface().(*syntax.Expr)))
			return
		}
		if v.Kind() == reflect.Interface {
			b.WriteString(v.Elem().Type().String())
		}
		dump(b, v.Elem())
	case reflect.Struct:
		t := v.Type()
		b.WriteString("{")
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type == nodeType || t == fileType && (f.Name == "Name" || f.Name == "Src" || f.Name == "Comments") {
				continue
			}
			b.WriteString(f.Name)
			b.WriteString(":")
			dump(b, v.Field(i))
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice:
		b.WriteString("[")
		for i := range v.Len() {
			dump(b, v.Index(i))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	default:
		fmt.Fprintf(b, "%v", v) // fmt reads a reflect.Value without Interface, so unexported fields print too
	}
}

// exprKey is what EqualAST compares of an expression.
func exprKey(e *syntax.Expr) string {
	if e == nil {
		return "<nil>"
	}
	toks, _ := syntax.Lex("", []byte(e.Src))
	var words []string
	for _, t := range toks {
		if t.Type != syntax.TokSpace && t.Type != syntax.TokComment {
			words = append(words, t.Value)
		}
	}
	tree := "<error>"
	if e.Root != nil {
		tree = rootString(e)
	}
	return fmt.Sprintf("%s\ttokens: %s", tree, strings.Join(words, " "))
}

// rootString prints expr-lang's tree, which panics on a few node kinds the
// parser never makes; a file that somehow has one compares by tokens.
func rootString(e *syntax.Expr) (s string) {
	defer func() {
		if recover() != nil {
			s = "<unprintable>"
		}
	}()
	return e.Root.String()
}
