package runtime

import (
	"math"
	"math/bits"
)

// exactSum adds and removes float64 values without rounding, so that a sum
// kept through any sequence of additions and removals equals the sum of
// the values present, added in any order (SPEC §11.4: the live goals equal
// a rescan). Every finite float64 is an integer multiple of 2^-1074 below
// 2^1024, so the sum is kept as a fixed-point integer in units of 2^-1074,
// in 32-bit digits held in int64 limbs: a value adds less than 2^33 to
// three limbs, so 2^28 values go in before a carry must be propagated.
// Infinities and NaNs are counted apart, so that removing the +Inf that
// made a sum infinite gives back the finite sum.
//
// value rounds the exact sum to the nearest float64 (ties to even) once,
// so the result is the correctly rounded sum of the values present.
type exactSum struct {
	limbs      [sumLimbs]int64
	pending    int // values added since the last carry propagation
	pinf, ninf int64
	nan        int64
	cached     float64
	dirty      bool
}

// 2098 bits for a float64's range, 63 more for up to 2^63 values, in
// 32-bit digits.
const sumLimbs = (2098 + 63 + 31) / 32

func (x *exactSum) add(v float64, sign int64) {
	x.dirty = true
	if math.IsNaN(v) {
		x.nan += sign
		return
	}
	if math.IsInf(v, 0) {
		if v > 0 {
			x.pinf += sign
		} else {
			x.ninf += sign
		}
		return
	}
	b := math.Float64bits(v)
	exp := int(b>>52) & 0x7ff
	m := b & (1<<52 - 1)
	if exp == 0 {
		exp = 1 // subnormal: no implicit bit, the exponent of the least normal
	} else {
		m |= 1 << 52
	}
	if m == 0 {
		return
	}
	if b>>63 != 0 {
		sign = -sign
	}
	shift := exp - 1 // v = m * 2^(exp-1075), i.e. m << (exp-1) units of 2^-1074
	i, off := shift/32, uint(shift%32)
	lo := (m & 0xffffffff) << off // < 2^63
	hi := (m >> 32) << off        // < 2^52
	x.limbs[i] += sign * int64(lo&0xffffffff)
	x.limbs[i+1] += sign * int64(lo>>32+hi&0xffffffff)
	x.limbs[i+2] += sign * int64(hi>>32)
	x.pending++
	if x.pending >= 1<<28 { // a limb gains less than 2^33 a value: far from 2^63
		x.carry()
	}
}

// carry propagates carries so that every limb but the top one is in
// [0, 2^32); the top one holds the sign.
func (x *exactSum) carry() {
	for i := 0; i < sumLimbs-1; i++ {
		c := x.limbs[i] >> 32 // floor division by 2^32
		x.limbs[i] -= c << 32
		x.limbs[i+1] += c
	}
	x.pending = 0
}

// merge adds every value of y to x.
func (x *exactSum) merge(y *exactSum) {
	x.carry()
	yl := y.limbs
	for i := 0; i < sumLimbs-1; i++ { // y's digits, carried, without changing y
		c := yl[i] >> 32
		yl[i] -= c << 32
		yl[i+1] += c
	}
	for i := range x.limbs {
		x.limbs[i] += yl[i]
	}
	x.pending = 2 // each limb now holds at most two digits' worth
	x.pinf += y.pinf
	x.ninf += y.ninf
	x.nan += y.nan
	x.dirty = true
}

func (x *exactSum) value() float64 {
	if !x.dirty {
		return x.cached
	}
	x.dirty = false
	switch {
	case x.nan > 0 || x.pinf > 0 && x.ninf > 0:
		x.cached = math.NaN()
	case x.pinf > 0:
		x.cached = math.Inf(1)
	case x.ninf > 0:
		x.cached = math.Inf(-1)
	default:
		x.cached = x.round()
	}
	return x.cached
}

// round returns the finite sum rounded to the nearest float64.
func (x *exactSum) round() float64 {
	x.carry()
	l := x.limbs // a copy, negated for a negative sum
	neg := l[sumLimbs-1] < 0
	if neg {
		for i := range l {
			l[i] = -l[i]
		}
		for i := 0; i < sumLimbs-1; i++ {
			c := l[i] >> 32
			l[i] -= c << 32
			l[i+1] += c
		}
	}
	h := sumLimbs - 1
	for h >= 0 && l[h] == 0 {
		h--
	}
	if h < 0 {
		return 0
	}
	get := func(i int) uint64 {
		if i < 0 {
			return 0
		}
		return uint64(l[i])
	}
	// The top 64 significant bits, the rest folded into a sticky bit, so
	// that converting to float64 rounds as the exact value would.
	hi := get(h)<<32 | get(h-1)
	lz := uint(bits.LeadingZeros64(hi))
	next := get(h - 2)
	top := hi<<lz | next>>(32-lz)
	sticky := next<<(32+lz) != 0 // the bits of next not taken into top
	for i := h - 3; i >= 0 && !sticky; i-- {
		sticky = l[i] != 0
	}
	if sticky {
		top |= 1
	}
	// top is in units of 2^(32(h-1) - lz) * 2^-1074.
	f := math.Ldexp(float64(top), 32*(h-1)-int(lz)-1074)
	if neg {
		f = -f
	}
	return f
}
