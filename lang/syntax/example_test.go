package syntax_test

import (
	"fmt"

	"github.com/charterlang/charter/lang/syntax"
)

const clubSrc = `community Club {
  purpose "Friends who write"
  member { posts: int }
  action post(length: int)
  may post if length <= 500 && posts >= 0
  on post { posts += 1 }
}
`

// Parse gives the syntax tree of one file: its communities and their
// declarations, each a Go type of this package.
func ExampleParse() {
	f, ds := syntax.Parse("club.charter", []byte(clubSrc))
	if ds.HasErrors() {
		fmt.Println(ds)
		return
	}
	for _, c := range f.Communities {
		fmt.Println("community", c.Name.Name)
		for _, d := range c.Decls {
			switch d := d.(type) {
			case *syntax.Purpose:
				fmt.Println("  purpose", d.Text.Value())
			case *syntax.Action:
				fmt.Println("  action", d.Name.Name)
			default:
				fmt.Printf("  %T\n", d)
			}
		}
	}
	// Output:
	// community Club
	//   purpose Friends who write
	//   *syntax.Schema
	//   action post
	//   *syntax.May
	//   *syntax.Effect
}

// A file with syntax errors still gives the communities that could be
// read, with a diagnostic for each problem.
func ExampleParse_errors() {
	_, ds := syntax.Parse("club.charter", []byte("community Club {\n  action post()\n  allow post\n}\n"))
	for _, d := range ds {
		fmt.Println(d)
	}
	// Output:
	// club.charter:3:3: error: unexpected token "allow" (expected "}") [CH0002]
}

// Expressions are kept as written and as expr-lang's syntax tree; Exprs
// finds every one under a node.
func ExampleExprs() {
	f, _ := syntax.Parse("club.charter", []byte(clubSrc))
	for _, e := range syntax.Exprs(f) {
		fmt.Println(e.Src)
	}
	// Output:
	// length <= 500 && posts >= 0
	// 1
}
