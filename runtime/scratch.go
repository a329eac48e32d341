package runtime

import (
	"time"

	"github.com/charterlang/charter/runtime/eval"
)

// Scratch is the evaluation memory for one goroutine's questions about one
// community. Community.DecideCall, RoleRank and the other question methods
// take an environment from a pool for every question and return it; a
// host that asks many questions in a loop can keep a Scratch per goroutine
// instead and skip the pool, which is about a third of a role question
// (BENCHMARKS.md, RoleUncached and RoleScratch). The answers are the same.
//
// A Scratch is not safe for concurrent use; the community and the members
// it is asked about are.
type Scratch struct {
	c  *Community
	pe pooledEnv
}

// NewScratch returns a Scratch for questions about c.
func (c *Community) NewScratch() *Scratch {
	return &Scratch{c: c, pe: pooledEnv{Env: eval.Env{Derived: c.derived}}}
}

// DecideCall is Community.DecideCall using s.
func (s *Scratch) DecideCall(m *Member, k *Call, at time.Time, goals Goals) Decision {
	return s.c.decideIn(&s.pe, m, k, at, goals)
}

// RoleRank is Community.RoleRank using s.
func (s *Scratch) RoleRank(m *Member, at time.Time) int {
	c := s.c
	m = c.adopt(m)
	if r, ok := c.cachedRole(m); ok {
		return r
	}
	if r, ok := c.plannedRole(m, at); ok {
		return r
	}
	e := &s.pe.Env
	r := c.computeRole(e, m, at)
	e.Reset()
	return r
}

// Role is Community.Role using s.
func (s *Scratch) Role(m *Member, at time.Time) string {
	if len(s.c.roleNames) == 0 {
		return ""
	}
	return s.c.roleNames[s.RoleRank(m, at)]
}
