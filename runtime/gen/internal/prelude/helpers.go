package prelude

import (
	"math"
	"time"
)

// The helpers generated expressions call for eval's operators, each copied
// into a generated file only when one of its expressions uses it; the
// comment names the operator. The stdlib's functions come from
// internal/arith, which the stdlib runs itself.

// inRangeFloat is x in lo..hi for a float x: it must also be whole.
func inRangeFloat(x float64, lo, hi int64) bool {
	return x == math.Trunc(x) && float64(lo) <= x && x <= float64(hi)
}

// mod is a % b, and 0 when b is 0 (eval records an error and reads 0).
func mod(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	return a % b
}

// elem is xs[i]: a negative i counts from the end, and out of range reads
// the zero value (eval records an error and reads the zero value).
func elem[T any](xs []T, i int64) T {
	if i < 0 {
		i += int64(len(xs))
	}
	if i < 0 || i >= int64(len(xs)) {
		var zero T
		return zero
	}
	return xs[i]
}

// contains is v in xs.
func contains[T comparable](xs []T, v T) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// containsWidened is v in xs for a float v and a list of ints.
func containsWidened(xs []int64, v float64) bool {
	for _, x := range xs {
		if float64(x) == v {
			return true
		}
	}
	return false
}

// containsTime is v in xs for a list of times.
func containsTime(xs []time.Time, v int64) bool {
	for _, x := range xs {
		if nanos(x) == v {
			return true
		}
	}
	return false
}

// calendarWindow is the window of `per calendar day|week|month` ending at
// at, for history.count, which counts takings in (at - window, at]: the
// time since the period (1 day, 2 week from Monday, 3 month) began in loc,
// plus one, so that the window is [start of the period, at], as
// check.Calendar.Start gives it to the runtime.
func calendarWindow(at int64, period int, loc *time.Location) int64 {
	t := time.Unix(0, at).In(loc)
	y, m, d := t.Date()
	switch period {
	case 2:
		d -= (int(t.Weekday()) + 6) % 7
	case 3:
		d = 1
	}
	start := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if start.Hour() != 0 {
		// A change of clocks skipped this midnight: the period starts at
		// the change, as check.Calendar.Start says.
		begin, end := start.ZoneBounds()
		if start.Day() != time.Date(y, m, d, 12, 0, 0, 0, loc).Day() { // d may be out of its month's range
			start = end
		} else {
			start = begin
		}
	}
	return at - start.UnixNano() + 1
}
