//go:build race

package eval

// raceEnabled: see norace_test.go.
const raceEnabled = true
