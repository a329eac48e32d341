package check_test

import (
	"fmt"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/stdlib"
)

// The files are parsed one by one and checked together, so that a
// community may extend one declared in another file. The checked model
// holds each community with what it inherits merged in.
func ExampleCheck() {
	base, _ := syntax.Parse("base.charter", []byte(`community Base {
  member { posts: int; joined: time }
  action post(length: int)
  may post if length <= 500
}
`))
	club, _ := syntax.Parse("club.charter", []byte(`community Club extends Base {
  roles {
    writer if posts >= 3
    reader otherwise
  }
  limit post 2 per 1d if role < writer
}
`))
	prog, ds := check.Check([]*syntax.File{base, club},
		check.WithFunctions(stdlib.Names(), stdlib.ExprOptions()...))
	if ds.HasErrors() {
		fmt.Println(ds)
		return
	}
	c := prog.Community("Club")
	fmt.Println(c.Name, "extends", c.Parent.Name)
	for _, a := range c.Attrs {
		fmt.Printf("attribute %s: %s = %v\n", a.Name, a.Type, a.Default)
	}
	for _, r := range c.Rules {
		fmt.Println("rule:", r.Reason(r.Actions[0]))
	}
	// Output:
	// Club extends Base
	// attribute posts: int = 0
	// attribute joined: time = 1970-01-01 00:00:00 +0000 UTC
	// rule: may post
	// rule: limit post 2 per 1d reached
}

// Check reports every problem it finds, with a position, a stable code and,
// where it can, a suggestion; it does not stop at the first.
func ExampleCheck_errors() {
	f, _ := syntax.Parse("club.charter", []byte(`community Club {
  member { posts: int }
  action post()
  roles {
    writer if posts >= 3
    reader otherwise
  }
  may post if role >= witer
  may fly
}
`))
	_, ds := check.Check([]*syntax.File{f})
	for _, d := range ds {
		fmt.Println(d)
	}
	// Output:
	// club.charter:8:23: error: unknown name witer [CH0104] (did you mean writer?)
	// club.charter:9:7: error: unknown action fly [CH0105]
}
