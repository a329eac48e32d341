//go:build race

package runtime_test

// raceEnabled: see norace_test.go.
const raceEnabled = true
