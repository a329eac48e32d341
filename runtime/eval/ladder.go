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

// atom is one test of a planned rung on the member's record alone: the
// int attribute at slot i, plus the one at slot j when j >= 0, in
// lo..lo+span (outside it when neg); or, when float, d.floats[i]. In a
// plan (Derived.Plan) each atom also says where to go next: end marks the
// last atom of its rung, whose rank is rank, and next is the first atom
// of the following rung.
type atom struct {
	lo         int64
	span       uint64
	i, j       int
	next       int
	rank       int64
	neg, float bool
	end        bool
}

// floatAtom is a float attribute's slot compared with c by op.
type floatAtom struct {
	i  int
	op string
	c  float64
}

// test is an atom as the compiler records it on a bool expression: an
// int atom a, or the float atom f when float.
type test struct {
	a     atom
	f     floatAtom
	float bool
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

// intTest is `I[i] (+ I[j]) op c` as a test.
func intTest(op string, i, j int, c int64) test {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	neg := false
	switch op {
	case "==":
		lo, hi = c, c
	case "!=":
		lo, hi, neg = c, c, true
	case "<":
		hi = c - 1
		neg = c == math.MinInt64 // nothing is less: outside everything
	case "<=":
		hi = c
	case ">":
		lo = c + 1
		neg = c == math.MaxInt64
	default: // ">="
		lo = c
	}
	return test{a: atom{i: i, j: j, lo: lo, span: uint64(hi - lo), neg: neg}}
}

// holds reports whether a holds for the record m.
func (a *floatAtom) holds(m *Record) bool {
	v := m.F[a.i]
	switch a.op {
	case "==":
		return v == a.c
	case "!=":
		return v != a.c
	case "<":
		return v < a.c
	case "<=":
		return v <= a.c
	case ">":
		return v > a.c
	}
	return v >= a.c
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
			withTests(x, intTest(op, l.ref.Index, -1, c), nil)
		case l.plan != nil && l.plan.isSum:
			withTests(x, intTest(op, l.plan.sum[0], l.plan.sum[1], c), nil)
		}
	case OpCmpFloat:
		if l.ref != nil && l.ref.Kind == RefAttr && l.typ.Kind == check.Float {
			withTests(x, test{f: floatAtom{i: l.ref.Index, op: op, c: r.f(nil)}, float: true}, nil)
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
		return []test{intTest("!=", x.ref.Index, -1, 0)}, true
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
	d.planned, d.floats, d.isPlanned, d.otherwise = nil, nil, false, d.Fallback
	var plan []atom
	var floats []floatAtom
	var ends []int // index in plan after each rung's atoms
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
		if len(atoms) == 0 {
			d.otherwise = r.Rank // always holds: nothing after it is reached
			break
		}
		for k, t := range atoms {
			a := t.a
			if t.float {
				a = atom{i: len(floats), float: true}
				floats = append(floats, t.f)
			}
			a.end, a.rank = k == len(atoms)-1, r.Rank
			plan = append(plan, a)
		}
		ends = append(ends, len(plan))
	}
	from := 0
	for _, end := range ends {
		for k := from; k < end; k++ {
			plan[k].next = end
		}
		from = end
	}
	d.planned, d.floats, d.isPlanned = plan, floats, true
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
	for k := 0; k < len(plan); {
		a := &plan[k]
		var held bool
		if !a.float {
			v := ints[a.i]
			if a.j >= 0 {
				v += ints[a.j] // wraps on overflow, as the closure's + does
			}
			held = (uint64(v-a.lo) <= a.span) != a.neg
		} else {
			held = d.floats[a.i].holds(m)
		}
		switch {
		case !held:
			k = a.next
		case a.end:
			if d.Demote {
				return d.demoted(m, at, a.rank)
			}
			return a.rank
		default:
			k++
		}
	}
	if d.Demote {
		return d.demoted(m, at, d.otherwise)
	}
	return d.otherwise
}
