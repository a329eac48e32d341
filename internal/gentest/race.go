//go:build race

package gentest

// raceEnabled is true under the race detector, which slows the
// single-goroutine differential test tenfold and finds nothing in it: Run
// then draws a quarter of the members.
const raceEnabled = true
