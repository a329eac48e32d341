package eval

import (
	"math"

	"github.com/charterlang/charter/lang/check"
)

// A planned ladder is the role ladder in a form read without calling a
// closure per rung: most ladders compare the member's counters with
// constants (`posts >= 50 && followers >= 100`, `posts + comments > 0`),
// and walking such rungs as data costs a fraction of calling each rung's
// closure, which also spills and reloads every live register
// (runtime's BenchmarkRoleUncached and BenchmarkRoleScratchUncached). A
// ladder with any other rung keeps its closures.

// atom is one test of a planned rung on the member's record alone: a
// value v in lo..lo+span, wrapping (uint64(v-lo) <= span), where v is, by
// kind, the int attribute at slot i, the sum of those at slots i and j,
// or the float attribute at slot i read as an ordered key (floatKey). A
// range that wraps is the complement of one (x != c), so no test needs a
// negation. In a plan (Derived.Plan) each atom also says where to go
// next: end marks the last atom of its rung, whose rank is rank, and next
// is the first atom of the following rung. Ranks, slots and indices are
// int32, so that an atom is 32 bytes; Plan leaves a ladder that would not
// fit to its closures.
type atom struct {
	lo    int64
	span  uint64
	i, j  uint32
	next  int32
	rank  int32
	kind  atomKind
	end   bool
	never bool // a test no value passes (x < MinInt64): its rung never holds
}

type atomKind uint8

const (
	atomInt atomKind = iota
	atomSum
	atomFloat
)

// test is an atom as the compiler records it on a bool expression.
type test struct {
	a atom
}

// exprPlan is what Derived.Plan reads of an expression: for an int
// expression, the two int attribute slots it adds (sum, when isSum); for
// a bool one, the conjunction of tests it is (atoms). One allocation per
// expression that has one, and a pointer in every Expr, so that
// compiling conditions that never reach a ladder costs little
// (BenchmarkCompile1000).
type exprPlan struct {
	sum   [2]int
	isSum bool
	atoms []test
	one   [1]test
}

// withSum records that x adds the int attributes at slots i and j.
func withSum(x *Expr, i, j int) *Expr {
	x.plan = &exprPlan{sum: [2]int{i, j}, isSum: true}
	return x
}

// withTests records that x is the conjunction of ts, or of t alone when
// ts is nil.
func withTests(x *Expr, t test, ts []test) *Expr {
	p := &exprPlan{atoms: ts}
	if ts == nil {
		p.one[0] = t
		p.atoms = p.one[:]
	}
	x.plan = p
	return x
}

// intTest is `I[i] (+ I[j]) op c` as a test; j < 0 when there is no
// second addend. ok is false for a slot beyond an atom's uint32.
func intTest(op string, i, j int, c int64) (t test, ok bool) {
	if i < 0 || uint64(i) > math.MaxUint32 || j >= 0 && uint64(j) > math.MaxUint32 {
		return test{}, false
	}
	lo, hi, never := rangeOf(op, c, c)
	a := atom{lo: lo, span: uint64(hi - lo), i: uint32(i), kind: atomInt, never: never}
	if j >= 0 {
		a.kind, a.j = atomSum, uint32(j)
	}
	return test{a: a}, true
}

// floatTest is `F[i] op c` as a test on floatKey(F[i]); ok is false
// for a slot beyond an atom's uint32 or a constant that is not finite
// (which Charter has none of).
func floatTest(op string, i int, c float64) (t test, ok bool) {
	if i < 0 || uint64(i) > math.MaxUint32 || math.IsNaN(c) || math.IsInf(c, 0) {
		return test{}, false
	}
	kl, kh := floatKey(c), floatKey(c)
	if c == 0 { // -0 and +0 are equal: the keys -1 and 0
		kl, kh = -1, 0
	}
	lo, hi, never := rangeOf(op, kl, kh)
	return test{a: atom{lo: lo, span: uint64(hi - lo), i: uint32(i), kind: atomFloat, never: never}}, true
}

// rangeOf returns the keys v for which `v op c` holds, as lo..hi
// (wrapping when hi < lo), where the keys kl..kh are those equal to c;
// never is true when no key does.
func rangeOf(op string, kl, kh int64) (lo, hi int64, never bool) {
	lo, hi = math.MinInt64, math.MaxInt64
	switch op {
	case "==":
		lo, hi = kl, kh
	case "!=":
		lo, hi = kh+1, kl-1 // everything but kl..kh: wraps
	case "<":
		hi = kl - 1
		never = kl == math.MinInt64 // nothing is less
	case "<=":
		hi = kh
	case ">":
		lo = kh + 1
		never = kh == math.MaxInt64
	default: // ">="
		lo = kl
	}
	return lo, hi, never
}

// floatKey maps a float to an int64 in the same order (for all but NaN,
// which no record holds): its bits, with those of a negative float
// flipped so that a larger magnitude is smaller. -0 maps to -1, +0 to 0.
func floatKey(f float64) int64 {
	k := int64(math.Float64bits(f))
	return k ^ int64(uint64(k>>63)>>1)
}

// planBinary records on x, the compiled binary operator node of lowered
// form low and operator op on l and r, what Plan reads of it: an int
// attribute (or a sum of two) or a float attribute compared with a
// constant, or the sum of two int attributes. These are the forms whose
// closures read the slots directly (compareInts, compareFloats,
// arithAttrs), with the same semantics.
func planBinary(x *Expr, low Lowered, op string, l, r *Expr) {
	if low.Op == OpAddInt {
		if op == "+" && low.Result.Kind == check.Int && intAttr(l) && intAttr(r) {
			withSum(x, l.ref.Index, r.ref.Index)
		}
		return
	}
	if l.konst && !r.konst {
		l, r, op = r, l, flip(op)
	}
	if !r.konst {
		return
	}
	switch low.Op {
	case OpCmpInt:
		c := r.i(nil)
		switch {
		case l.ref != nil && l.ref.Kind == RefAttr:
			if t, ok := intTest(op, l.ref.Index, -1, c); ok {
				withTests(x, t, nil)
			}
		case l.plan != nil && l.plan.isSum:
			if t, ok := intTest(op, l.plan.sum[0], l.plan.sum[1], c); ok {
				withTests(x, t, nil)
			}
		}
	case OpCmpFloat:
		if l.ref != nil && l.ref.Kind == RefAttr && l.typ.Kind == check.Float {
			if t, ok := floatTest(op, l.ref.Index, r.f(nil)); ok {
				withTests(x, t, nil)
			}
		}
	}
}

func intAttr(x *Expr) bool {
	return x.ref != nil && x.ref.Kind == RefAttr && x.typ.Kind == check.Int
}

// planAnd records on x, l && r, the conjunction of their tests when both
// have them.
func planAnd(x, l, r *Expr) {
	la, lok := atomsOf(l)
	ra, rok := atomsOf(r)
	if lok && rok && len(la)+len(ra) > 0 { // both empty: both constant, folded by logical
		withTests(x, test{}, append(append([]test(nil), la...), ra...))
	}
}

// atomsOf returns the atoms whose conjunction is the bool expression x,
// or ok false when x is not of that form.
func atomsOf(x *Expr) (atoms []test, ok bool) {
	switch {
	case x.konst:
		if x.b(nil) {
			return nil, true // always
		}
		return nil, false
	case x.plan != nil && x.plan.atoms != nil:
		return x.plan.atoms, true
	case x.ref != nil && x.ref.Kind == RefAttr && rep(x.typ) == repBool:
		if t, ok := intTest("!=", x.ref.Index, -1, 0); ok {
			return []test{t}, true
		}
	}
	return nil, false
}

// Plan prepares d's ladder, compiled by CompileRung, to be walked as data, when every rung's
// condition is a conjunction of int, time or duration attributes (or the
// sum of two int attributes) compared with constants, float attributes
// compared with constants, and bool attributes. Call it once, after
// setting Ladder and before d is shared; RankOf and Env.Role then use the
// plan.
func (d *Derived) Plan() {
	d.planned, d.isPlanned, d.otherwise = nil, false, d.Fallback
	var plan []atom
	var ends []int // index in plan after each rung's atoms
rungs:
	for _, r := range d.Ladder {
		if r.Cond != nil && r.Cond.konst && !r.Cond.b(nil) {
			continue // never holds
		}
		var atoms []test
		if r.Cond != nil {
			var ok bool
			if atoms, ok = atomsOf(r.Cond); !ok {
				return
			}
		}
		if r.Rank < 0 || r.Rank > math.MaxInt32 {
			return
		}
		if len(atoms) == 0 {
			d.otherwise = r.Rank // always holds: nothing after it is reached
			break
		}
		for _, t := range atoms {
			if t.a.never {
				continue rungs // a test nothing passes: the rung never holds
			}
		}
		for k, t := range atoms {
			a := t.a
			a.end, a.rank = k == len(atoms)-1, int32(r.Rank)
			plan = append(plan, a)
		}
		ends = append(ends, len(plan))
	}
	if len(plan) > math.MaxInt32 {
		return
	}
	from := 0
	for _, end := range ends {
		for k := from; k < end; k++ {
			plan[k].next = int32(end)
		}
		from = end
	}
	d.planned, d.isPlanned = plan, true
}

// RankOf returns the rank the ladder gives the member whose record is m
// at time at (which only timed demotions read), and true, when Plan
// planned the ladder; else 0 and false (evaluate it through an Env).
func (d *Derived) RankOf(m *Record, at int64) (int64, bool) {
	if !d.isPlanned {
		return 0, false
	}
	return d.rank(m, at), true
}

// rank walks the planned ladder for the member whose record is m at time
// at, demotions applied: an atom that holds leads to the next atom of its
// rung, or gives the rung's rank when it is the last; one that fails
// skips to the next rung.
func (d *Derived) rank(m *Record, at int64) int64 {
	plan, ints := d.planned, m.I
	r := d.otherwise
	for k := 0; k < len(plan); {
		a := &plan[k]
		var v int64
		switch a.kind {
		case atomInt:
			v = ints[a.i]
		case atomSum:
			v = ints[a.i] + ints[a.j] // wraps on overflow, as the closure's + does
		default:
			v = floatKey(m.F[a.i])
		}
		if uint64(v-a.lo) > a.span {
			k = int(a.next)
			continue
		}
		if a.end {
			r = int64(a.rank)
			break
		}
		k++
	}
	if d.Demote {
		return d.demoted(m, at, r)
	}
	return r
}
