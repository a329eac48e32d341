package eval

import (
	"testing"
)

// counted is a bool condition that counts its evaluations.
func counted(n *int, f func(*Env) bool) *Expr {
	return boolExpr(func(e *Env) bool { *n++; return f(e) })
}

func TestRoleIsComputedOncePerMember(t *testing.T) {
	f := newFixture(t)
	var leader, creator int
	env := f.env
	env.Derived = &Derived{
		Ladder: []Rung{
			{Rank: 4, Cond: counted(&leader, func(e *Env) bool { return e.M.I[0] >= 100 })}, // posts
			{Rank: 3, Cond: counted(&creator, func(e *Env) bool { return e.M.I[0] >= 5 })},
			{Rank: 0},
		},
	}
	x := f.compile(t, "role >= creator && role < leader")
	for range 3 {
		if !x.Bool(env) {
			t.Fatal("role >= creator && role < leader is false for a creator")
		}
	}
	if leader != 1 || creator != 1 {
		t.Errorf("ladder evaluated %d and %d times, want once", leader, creator)
	}
	env.SetMember(env.M)
	env.Role()
	if leader != 2 {
		t.Error("SetMember did not forget the role")
	}
	posts := env.M.I[0]
	env.M.I[0] = 0
	env.SetMember(env.M)
	if r := env.Role(); r != 0 {
		t.Errorf("role of a member with no posts = %d, want the otherwise rung 0", r)
	}
	env.M.I[0] = posts
}

func TestRoleFallbackAndCycle(t *testing.T) {
	var env Env
	if r := env.Role(); r != 0 {
		t.Errorf("role without a ladder = %d", r)
	}
	env.Derived = &Derived{Fallback: 7, Ladder: []Rung{{Rank: 9, Cond: boolExpr(func(*Env) bool { return false })}}}
	if r := env.Role(); r != 7 {
		t.Errorf("role when no rung holds = %d, want the fallback 7", r)
	}
	// A rung that reads role (the checker rejects it) sees the fallback
	// instead of recursing for ever.
	env.Reset()
	var seen int64 = -1
	env.Derived = &Derived{Fallback: 1, Ladder: []Rung{{Rank: 5, Cond: boolExpr(func(e *Env) bool {
		seen = e.Role()
		return seen == 1
	})}}}
	if r := env.Role(); r != 5 || seen != 1 {
		t.Errorf("cyclic ladder: role %d, inner role %d", r, seen)
	}
}

func TestBadgesAreComputedOnceEach(t *testing.T) {
	n := make([]int, 70) // more than one word of bits
	d := &Derived{}
	for i := range n {
		d.Badges = append(d.Badges, counted(&n[i], func(*Env) bool { return i%3 == 0 }))
	}
	d.Badges = append(d.Badges, nil) // a badge with no condition never holds
	env := &Env{Derived: d}
	for range 2 {
		for i := range n {
			if got := env.Badge(i); got != (i%3 == 0) {
				t.Errorf("badge %d = %v", i, got)
			}
		}
	}
	for i, c := range n {
		if c != 1 {
			t.Errorf("badge %d evaluated %d times, want once", i, c)
		}
	}
	if env.Badge(70) || env.Badge(71) || env.Badge(-1) {
		t.Error("a missing badge holds")
	}
	env.Reset()
	env.Badge(3)
	env.Badge(67)
	if n[3] != 2 || n[67] != 2 {
		t.Error("Reset did not forget the badges")
	}
	if env.Derived != d {
		t.Error("Reset dropped Derived")
	}
	allocs := testing.AllocsPerRun(20, func() {
		env.Reset()
		env.Badge(1)
		env.Badge(69)
		env.Role()
	})
	if allocs != 0 {
		t.Errorf("Reset and recompute allocate %v times", allocs)
	}
}

func TestBadgeCycle(t *testing.T) {
	d := &Derived{}
	env := &Env{Derived: d}
	var inner bool
	d.Badges = []*Expr{boolExpr(func(e *Env) bool { inner = e.Badge(0); return !inner })}
	if !env.Badge(0) || inner {
		t.Errorf("a badge reading itself: %v, inner %v; want true, false", env.Badge(0), inner)
	}
}

func TestResetKeepsNothingElse(t *testing.T) {
	f := newFixture(t)
	e := f.env
	e.Role()
	e.Reset()
	if e.M != nil || e.Args != nil || len(e.Others) != 0 || e.At != 0 || e.Goals != nil || e.Members != 0 || e.Aggs != nil {
		t.Errorf("Reset kept inputs: %+v", e)
	}
	if e.roleState != roleUnknown || e.badgeKnown != 0 {
		t.Error("Reset kept the role or badges")
	}
}
