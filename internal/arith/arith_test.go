package arith

import (
	"bytes"
	"math"
	"testing"
	"time"
)

// The time functions must agree with package time, whose saturation
// Charter's SPEC §12.2 adopts.
func TestTimesAgreeWithPackageTime(t *testing.T) {
	vals := []int64{0, 1, -1, 7, -7, 1 << 40, -(1 << 40), math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}
	for _, a := range vals {
		for _, b := range vals {
			ta, tb := time.Unix(0, a), time.Unix(0, b)
			if got, want := SubTimes(a, b), int64(ta.Sub(tb)); got != want {
				t.Errorf("SubTimes(%d, %d) = %d, time.Sub gives %d", a, b, got, want)
			}
		}
	}
}

func TestSaturation(t *testing.T) {
	const max, min = math.MaxInt64, math.MinInt64
	for _, tc := range []struct {
		name      string
		got, want int64
	}{
		{"add small", AddDuration(10, 5), 15},
		{"add negative", AddDuration(10, -15), -5},
		{"add past the latest", AddDuration(max-1, 2), max},
		{"add past the earliest", AddDuration(min+1, -2), min},
		{"sub small", SubDuration(10, 5), 5},
		{"sub past the earliest", SubDuration(min+1, 2), min},
		{"sub past the latest", SubDuration(max-1, -2), max},
		// -min has no negation: t - min must saturate high, not low.
		{"sub the most negative duration", SubDuration(0, min), max},
		{"sub the most negative from a negative", SubDuration(-1, min), max},
		{"sub zero", SubDuration(min, 0), min},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestFloorDiv(t *testing.T) {
	for _, tc := range []struct{ a, b, want int64 }{
		{7, 2, 3}, {-7, 2, -4}, {-8, 2, -4}, {0, 5, 0}, {-1, 86400, -1}, {86399, 86400, 0},
		{math.MinInt64, 1, math.MinInt64},
	} {
		if got := FloorDiv(tc.a, tc.b); got != tc.want {
			t.Errorf("FloorDiv(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestAbsClampBetween(t *testing.T) {
	if AbsInt(-3) != 3 || AbsInt(3) != 3 || AbsInt(math.MinInt64) != math.MinInt64 {
		t.Error("AbsInt")
	}
	for _, tc := range []struct{ x, lo, hi, want int64 }{
		{5, 0, 10, 5}, {-1, 0, 10, 0}, {11, 0, 10, 10}, {5, 10, 0, 0}, // hi wins when lo > hi
	} {
		if got := ClampInt(tc.x, tc.lo, tc.hi); got != tc.want {
			t.Errorf("ClampInt(%d, %d, %d) = %d, want %d", tc.x, tc.lo, tc.hi, got, tc.want)
		}
		if got := ClampFloat(float64(tc.x), float64(tc.lo), float64(tc.hi)); got != float64(tc.want) {
			t.Errorf("ClampFloat(%d, %d, %d) = %v, want %d", tc.x, tc.lo, tc.hi, got, tc.want)
		}
	}
	if !math.IsNaN(ClampFloat(math.NaN(), 0, 1)) {
		t.Error("ClampFloat(NaN) is not NaN")
	}
	if !BetweenInt(1, 1, 2) || !BetweenInt(2, 1, 2) || BetweenInt(3, 1, 2) || BetweenInt(1, 2, 1) {
		t.Error("BetweenInt")
	}
	if !BetweenFloat(1.5, 1, 2) || BetweenFloat(math.NaN(), 0, 1) || BetweenFloat(2.5, 1, 2) {
		t.Error("BetweenFloat")
	}
}

// Source is what gen copies: it must be this package's arithmetic, not a
// stale copy.
func TestSourceIsThisFile(t *testing.T) {
	for _, fn := range []string{"func SubTimes(", "func AddDuration(", "func SubDuration(", "func FloorDiv(", "func AbsInt(", "func ClampInt(", "func ClampFloat(", "func BetweenInt(", "func BetweenFloat("} {
		if !bytes.Contains(Source, []byte(fn)) {
			t.Errorf("Source lacks %s", fn)
		}
	}
}
