//go:build !race

package runtime_test

// raceEnabled reports a build with the race detector. There sync.Pool drops
// a quarter of the values put back, at random (sync/pool.go), so code that
// reuses pooled values (regexp's matchers, the runtime's Envs) allocates by
// chance, and an allocation count says nothing about the code: the tests
// that count allocations of such code assert only without -race.
const raceEnabled = false
