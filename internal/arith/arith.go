// Package arith is the integer and float arithmetic of Charter's standard
// library that needs more than one Go operator: saturating time sums and
// differences, floor division, abs, clamp and between. The stdlib runs
// these functions, and charter gen copies their source (Source) into the
// code it generates, renamed unexported, so that both run the same code.
package arith

import "math"

// SubTimes returns the duration a - b between two times (nanoseconds since
// the Unix epoch), saturated at the largest and smallest duration exactly
// as time.Time.Sub does.
func SubTimes(a, b int64) int64 {
	d := a - b
	if (a >= 0) != (b >= 0) && (d >= 0) != (a >= 0) {
		if a >= 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return d
}

// AddDuration returns t + d, saturated at the latest and earliest times a
// Charter time can hold (the years 1677 to 2262) instead of wrapping.
func AddDuration(t, d int64) int64 {
	s := t + d
	if d > 0 && s < t {
		return math.MaxInt64
	}
	if d < 0 && s > t {
		return math.MinInt64
	}
	return s
}

// SubDuration returns t - d, saturated as AddDuration is. It is not
// AddDuration(t, -d): the most negative duration has no negation, and
// -d would stay negative and saturate at the wrong end.
func SubDuration(t, d int64) int64 {
	s := t - d
	if d < 0 && s < t {
		return math.MaxInt64
	}
	if d > 0 && s > t {
		return math.MinInt64
	}
	return s
}

// FloorDiv divides rounding toward negative infinity; b > 0 (days_since,
// hours_since).
func FloorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// AbsInt is abs of an int: the most negative int stays negative, as in Go
// and expr-lang.
func AbsInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// ClampInt raises x to lo, then lowers it to hi, so hi wins when lo > hi
// (clamp).
func ClampInt(x, lo, hi int64) int64 {
	if x < lo {
		x = lo
	}
	if x > hi {
		x = hi
	}
	return x
}

// ClampFloat raises x to lo, then lowers it to hi, so hi wins when lo >
// hi; a NaN x stays NaN (clamp).
func ClampFloat(x, lo, hi float64) float64 {
	if x < lo {
		x = lo
	}
	if x > hi {
		x = hi
	}
	return x
}

// BetweenInt is lo <= x <= hi (between, and x in lo..hi).
func BetweenInt(x, lo, hi int64) bool { return lo <= x && x <= hi }

// BetweenFloat is lo <= x <= hi, false for NaN (between).
func BetweenFloat(x, lo, hi float64) bool { return lo <= x && x <= hi }
