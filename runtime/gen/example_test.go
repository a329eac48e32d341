package gen_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/runtime/gen"
)

// Generate writes a Go package for one community; its exported API is the
// one SPEC.md §17.7 documents, named after the Charter declarations.
func ExampleGenerate() {
	ls := lang.LoadSources(map[string][]byte{"club.charter": []byte(`community Club {
  member { posts: int; days_active: int }
  action post(length: int)
  roles {
    writer if posts >= 3
    reader otherwise
  }
  may post if length <= 500 && days_active >= 0
}
`)})
	if ls.Diags.HasErrors() {
		fmt.Println(ls.Diags)
		return
	}
	src, err := gen.Generate(ls.Program, "Club", gen.Options{Package: "club"})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The output is an ordinary Go file. Its Member has a typed field per
	// attribute, and a method per action decides it.
	f, err := parser.ParseFile(token.NewFileSet(), "club.go", src, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("package", f.Name.Name)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if t, ok := s.(*ast.TypeSpec); ok && t.Name.Name == "Member" {
					for _, fld := range t.Type.(*ast.StructType).Fields.List {
						for _, n := range fld.Names {
							if n.IsExported() {
								fmt.Println("Member field", n.Name, types.ExprString(fld.Type))
							}
						}
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv != nil && (d.Name.Name == "DecidePost" || d.Name.Name == "Role") {
				fmt.Printf("func (%s) %s%s\n", types.ExprString(d.Recv.List[0].Type), d.Name.Name, params(d.Type))
			}
		}
	}
	// Output:
	// package club
	// Member field Posts int64
	// Member field DaysActive int64
	// func (*Member) Role(at time.Time)
	// func (*Member) DecidePost(at time.Time, goals *Goals, length int64)
}

func params(t *ast.FuncType) string {
	var ps []string
	for _, p := range t.Params.List {
		for _, n := range p.Names {
			ps = append(ps, n.Name+" "+types.ExprString(p.Type))
		}
	}
	return "(" + strings.Join(ps, ", ") + ")"
}
