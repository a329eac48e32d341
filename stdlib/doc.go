// Package stdlib is the table of built-in functions every Charter expression
// may call: now, since, days_since, clamp, between, len, lower and the rest.
//
// Every function is pure and deterministic. The time-dependent ones (now,
// since, until, days_since, hours_since) read the evaluation time the host
// passes in, never the wall clock, so the same inputs always give the same
// answer.
//
// The table serves three readers:
//
//   - the checker declares the functions to expr-lang with ExprOptions (or
//     NewConfig), so calls are type-checked against their typed overloads;
//   - runtime/eval compiles calls into typed closures from Sig.Impl, without
//     boxing arguments;
//   - SPEC.md and "did you mean" suggestions use Name, Doc and Example.
//
// Values cross the table in Charter's runtime representation: int, bool
// (only as results), time and duration are int64 (times as nanoseconds since
// the Unix epoch, durations in nanoseconds), float is float64, string is
// string, and lists are the typed slices []int64, []float64, []string and
// []bool held in an any.
//
//	cfg := stdlib.NewConfig(env) // expr-lang config with the table declared
//	tree, err := parser.ParseWithConfig(src, cfg)
//	if err == nil {
//		_, err = checker.Check(tree, cfg)
//	}
//
// Lookup finds one function; ExampleNewConfig and ExampleLookup run both.
package stdlib
