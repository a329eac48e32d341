package prelude

import (
	"math"
	"time"
)

// The helpers generated expressions call, each copied into a generated
// file only when one of its expressions uses it. Each is the Go that the
// stdlib implementation or eval operator it stands for runs: the comment
// names it, and prelude_test.go holds it to that.

// subTimes is a - b between two times, saturated as time.Time.Sub does
// (stdlib.SubTimes).
func subTimes(a, b int64) int64 {
	d := a - b
	if (a >= 0) != (b >= 0) && (d >= 0) != (a >= 0) {
		if a >= 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return d
}

// addDuration is t + d, saturated at the earliest and latest times
// (stdlib.AddDuration).
func addDuration(t, d int64) int64 {
	s := t + d
	if d > 0 && s < t {
		return math.MaxInt64
	}
	if d < 0 && s > t {
		return math.MinInt64
	}
	return s
}

// floorDiv divides rounding toward negative infinity; b > 0 (days_since,
// hours_since).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// absInt is abs of an int: the most negative int stays negative.
func absInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// clampInt raises x to lo, then lowers it to hi (clamp).
func clampInt(x, lo, hi int64) int64 {
	if x < lo {
		x = lo
	}
	if x > hi {
		x = hi
	}
	return x
}

// clampFloat raises x to lo, then lowers it to hi; NaN stays NaN (clamp).
func clampFloat(x, lo, hi float64) float64 {
	if x < lo {
		x = lo
	}
	if x > hi {
		x = hi
	}
	return x
}

// betweenInt is lo <= x <= hi (between, and x in lo..hi).
func betweenInt(x, lo, hi int64) bool { return lo <= x && x <= hi }

// betweenFloat is lo <= x <= hi, false for NaN (between).
func betweenFloat(x, lo, hi float64) bool { return lo <= x && x <= hi }

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
