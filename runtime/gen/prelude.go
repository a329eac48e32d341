package gen

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/charterlang/charter/internal/arith"
)

// The fixed Go of every generated package is real Go, compiled, vetted
// and tested where it lives, and copied by name: internal/prelude holds
// what stands for runtime code (the history, Decision, the helpers for
// eval's operators), and internal/arith the stdlib's arithmetic, which the
// stdlib runs too. prelude's stubs.go, which stands in for what the
// generator writes per community, is not embedded.
//
//go:embed internal/prelude/decision.go internal/prelude/helpers.go internal/prelude/history.go internal/prelude/member.go
var preludeFiles embed.FS

// preludeDecls maps the name of each declaration of the prelude ("nanos",
// "Decision", "Decision.Rules" for a method) to its source, doc comment
// included; a grouped var or const is found by each of its names. arith's
// functions are renamed unexported (SubTimes is subTimes), in their doc
// comments and calls too.
var preludeDecls = sync.OnceValues(func() (map[string]string, error) {
	decls := map[string]string{}
	err := fs.WalkDir(preludeFiles, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := preludeFiles.ReadFile(path)
		if err != nil {
			return err
		}
		return addDecls(decls, path, src, nil)
	})
	if err != nil {
		return nil, err
	}
	return decls, addDecls(decls, "internal/arith/arith.go", arith.Source, unexport)
})

// unexport is the name a copied arith function takes: SubTimes, subTimes.
func unexport(name string) string {
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToLower(r)) + name[n:]
}

// addDecls adds the declarations of the Go file src to decls. rename, when
// not nil, renames its functions: their names are whole words replaced
// throughout the copied source.
func addDecls(decls map[string]string, path string, src []byte, rename func(string) string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	var renames []string
	if rename != nil {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				renames = append(renames, fd.Name.Name, rename(fd.Name.Name))
			}
		}
	}
	text := func(n ast.Node, doc *ast.CommentGroup) string {
		start := n.Pos()
		if doc != nil {
			start = doc.Pos()
		}
		return renameWords(string(src[fset.Position(start).Offset:fset.Position(n.End()).Offset]), renames)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil {
				recv := d.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				name = recv.(*ast.Ident).Name + "." + name
			} else if rename != nil {
				name = rename(name)
			}
			decls[name] = text(d, d.Doc)
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			src := text(d, d.Doc)
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					decls[s.Name.Name] = src
				case *ast.ValueSpec:
					for _, n := range s.Names {
						decls[n.Name] = src
					}
				}
			}
		}
	}
	return nil
}

// prelude returns the source of the named declarations of the prelude,
// each followed by a blank line. A name the prelude lacks is an internal
// error, which Generate reports.
func (g *generator) prelude(names ...string) string {
	decls, err := preludeDecls()
	if err != nil {
		g.internal = fmt.Errorf("internal error: the prelude: %w", err)
		return ""
	}
	var s string
	for _, n := range names {
		src, ok := decls[n]
		if !ok {
			g.internal = fmt.Errorf("internal error: no declaration %s in internal/prelude", n)
			continue
		}
		s += src + "\n\n"
	}
	return s
}

// preludeRenamed is prelude of the one declaration name, with whole words
// renamed: pairs holds each old word and its new one.
func (g *generator) preludeRenamed(name string, pairs ...string) string {
	return renameWords(g.prelude(name), pairs)
}

// renameWords replaces, in Go source s, each whole word pairs[i] with
// pairs[i+1], for even i. A word is whole where the bytes around it are
// not ASCII letters, digits or '_', as regexp's \b says.
func renameWords(s string, pairs []string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		old, repl := pairs[i], pairs[i+1]
		if old == "" {
			continue
		}
		var b strings.Builder
		rest, found := s, false
		for {
			j := strings.Index(rest, old)
			if j < 0 {
				break
			}
			found = true
			end := j + len(old)
			whole := (j == 0 || !wordByte(rest[j-1])) && (end == len(rest) || !wordByte(rest[end]))
			b.WriteString(rest[:j])
			if whole {
				b.WriteString(repl)
			} else {
				b.WriteString(old)
			}
			rest = rest[end:]
		}
		if found {
			b.WriteString(rest)
			s = b.String()
		}
	}
	return s
}

func wordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
