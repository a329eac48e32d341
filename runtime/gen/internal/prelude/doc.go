// Package prelude is the fixed Go of every package charter gen writes:
// the history, the Decision and its rules, the member's constructors, the
// enums' String, and the helpers generated expressions call for eval's
// operators (the stdlib's functions come from internal/arith, which the
// stdlib runs itself). runtime/gen copies its declarations by name into
// the output, so this code is compiled, vetted and tested here as
// ordinary Go rather than kept in strings.
//
// Only the files the generator copies are embedded (see runtime/gen's
// prelude.go); stubs.go declares, for this package alone, what the copied
// code reads and the generator writes per community: the Action type,
// the rule tables, the Member, the sizes of the bit sets.
package prelude
