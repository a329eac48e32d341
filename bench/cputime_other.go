//go:build !unix

package bench

// processCPU is not measured where getrusage is missing; the benchmarks
// then report wall time only.
func processCPU() (int64, bool) { return 0, false }
