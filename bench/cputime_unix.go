//go:build unix

package bench

import "syscall"

// processCPU is the CPU time this process has used, user and system, in
// nanoseconds, every thread included (the garbage collector's too). The
// benchmarks report it per operation beside the wall time: on a machine
// shared with other work, wall time counts the time spent waiting for a
// core, CPU time does not.
func processCPU() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
