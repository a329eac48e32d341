package runtime

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func randSumValue(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return math.MaxFloat64 * (r.Float64()*2 - 1)
	case 1:
		return math.SmallestNonzeroFloat64 * float64(r.IntN(1000)-500)
	case 2:
		return math.Float64frombits(r.Uint64()&^(0x7ff<<52) | uint64(r.IntN(2046)+1)<<52) // any finite
	case 3:
		return float64(r.IntN(2000) - 1000)
	case 4:
		return math.Copysign(0, -1)
	}
	return (r.Float64() - 0.5) * math.Pow(2, float64(r.IntN(200)-100))
}

// exactRound is the sum of vs, computed exactly and rounded once to the
// nearest float64, as math/big does it.
func exactRound(vs []float64) float64 {
	sum := new(big.Float).SetPrec(4000)
	for _, v := range vs {
		sum.Add(sum, new(big.Float).SetPrec(4000).SetFloat64(v))
	}
	f, _ := sum.Float64()
	return f + 0 // -0 to +0, as exactSum gives
}

func TestExactSumIsCorrectlyRounded(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		var x exactSum
		var in []float64
		for range r.IntN(40) {
			if len(in) > 0 && r.IntN(3) == 0 {
				i := r.IntN(len(in))
				x.add(in[i], -1)
				in = append(in[:i], in[i+1:]...)
			} else {
				v := randSumValue(r)
				x.add(v, +1)
				in = append(in, v)
			}
			if r.IntN(4) == 0 {
				got, want := x.value(), exactRound(in)
				if math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("trial %d: sum of %v = %v, want %v", trial, in, got, want)
				}
			}
		}
		got, want := x.value(), exactRound(in)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("trial %d: sum of %v = %v, want %v", trial, in, got, want)
		}
	}
}

func TestExactSumEdges(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0.1, 0.2, -0.1, -0.2}, 0},     // float addition leaves 2.7e-17
		{[]float64{1e308, 1e308, -1e308}, 1e308}, // float addition overflows to +Inf
		{[]float64{math.MaxFloat64, math.MaxFloat64}, math.Inf(1)}, // the rounded sum overflows
		{[]float64{1, 0x1p-53}, 1},                                 // a tie rounds to even
		{[]float64{1, 0x1p-53, 0x1p-1074}, 1 + 0x1p-52},            // just above the tie
		{[]float64{math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}, 0},
		{[]float64{math.Inf(1), 1}, math.Inf(1)},
		{[]float64{math.Inf(1), math.Inf(-1)}, math.NaN()},
	} {
		var x exactSum
		for _, v := range tc.in {
			x.add(v, +1)
		}
		got := x.value()
		if got != tc.want && !(math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("sum of %v = %v, want %v", tc.in, got, tc.want)
		}
	}
	// Removing the infinity gives back the finite sum.
	var x exactSum
	x.add(2.5, +1)
	x.add(math.Inf(1), +1)
	x.add(math.NaN(), +1)
	if v := x.value(); !math.IsNaN(v) {
		t.Errorf("with NaN: %v", v)
	}
	x.add(math.NaN(), -1)
	x.add(math.Inf(1), -1)
	if v := x.value(); v != 2.5 {
		t.Errorf("after removing NaN and +Inf: %v, want 2.5", v)
	}
	// Many values, each adding nearly 2^33 to one limb. (add propagates
	// carries every 2^28 values, before 2^30 of them could overflow a limb;
	// that many take too long for a test.)
	x = exactSum{}
	v := math.Float64frombits(0x3ff<<52 | (1<<52 - 1)) // all mantissa bits set
	const n = 1 << 22
	for range n {
		x.add(v, +1)
	}
	if got, want := x.value(), v*n; got != want {
		t.Errorf("2^30 times %v = %v, want %v", v, got, want)
	}
}
