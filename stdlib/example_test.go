package stdlib_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/parser"

	"github.com/charterlang/charter/stdlib"
)

// Lookup finds a function of the table: its documentation, its overloads
// and their implementations in the runtime representation.
func ExampleLookup() {
	f, ok := stdlib.Lookup("days_since")
	if !ok {
		return
	}
	fmt.Println(f.Doc)
	fmt.Println(f.Example)
	for _, s := range f.Sigs {
		fmt.Println(s.String(f.Name))
	}

	// Times are nanoseconds since the Unix epoch; the evaluation time comes
	// first, as the runtime passes it.
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	seen := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	daysSince := f.Sigs[0].Impl.(stdlib.SinceFn)
	fmt.Println(daysSince(at.UnixNano(), seen.UnixNano()))
	// Output:
	// whole days from t to now(), rounded down (negative for a future t)
	// badge inactive if days_since(last_seen) > 30
	// days_since(t time) int
	// 68
}

// NewConfig declares the table to expr-lang, so that an expression is
// type-checked against the functions' typed overloads.
func ExampleNewConfig() {
	env := map[string]any{"posts": 0, "last_seen": time.Time{}}
	for _, src := range []string{
		"posts >= 5 && days_since(last_seen) > 30",
		"days_since(posts) > 30",
	} {
		cfg := stdlib.NewConfig(env)
		tree, err := parser.ParseWithConfig(src, cfg)
		if err == nil {
			_, err = checker.Check(tree, cfg)
		}
		fmt.Println(src, "->", err == nil)
	}
	// Output:
	// posts >= 5 && days_since(last_seen) > 30 -> true
	// days_since(posts) > 30 -> false
}

// The standard pieces are Charter source that `use std.NAME` mixes into a
// community.
func ExamplePiece() {
	fmt.Println(stdlib.PieceNames())
	name, src, ok := stdlib.Piece("dunbar")
	fmt.Println(name, ok, bytes.Contains(src, []byte("community dunbar")))
	// Output:
	// [dunbar dunbar_close exchange kinds paid]
	// std/dunbar.charter true true
}
