package eval_test

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

func Example() {
	// The member schema, laid out once per community.
	types := []check.Type{{Kind: check.Int}, {Kind: check.Time}}
	layout, err := eval.NewLayout([]string{"posts", "last_seen"}, types)
	if err != nil {
		panic(err)
	}
	scope := eval.Refs{
		"posts":     {Kind: eval.RefAttr, Type: types[0], Index: layout.Slot(0).Index},
		"last_seen": {Kind: eval.RefAttr, Type: types[1], Index: layout.Slot(1).Index},
	}

	// Check with expr-lang against the same schema, then compile once.
	cfg := stdlib.NewConfig(map[string]any{"posts": 0, "last_seen": time.Time{}})
	tree, err := parser.ParseWithConfig("posts >= 5 && days_since(last_seen) > 30", cfg)
	if err == nil {
		_, err = checker.Check(tree, cfg)
	}
	if err != nil {
		panic(err)
	}
	inactiveCreator, err := eval.Compile(tree.Node, scope)
	if err != nil {
		panic(err)
	}

	// Per member and call: a record of typed values and an Env.
	m := eval.NewRecord(layout)
	if err := layout.SetByName(m, "posts", 12); err != nil {
		panic(err)
	}
	if err := layout.SetByName(m, "last_seen", "2025-01-01T00:00:00Z"); err != nil {
		panic(err)
	}
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	env := &eval.Env{M: m, At: now.UnixNano()}
	fmt.Println(inactiveCreator.Bool(env))

	// A value that does not fit is an error naming the attribute.
	fmt.Println(layout.SetByName(m, "posts", 2.5))
	// Output:
	// true
	// attribute posts: want int, got a number 2.5: not a whole number
}
