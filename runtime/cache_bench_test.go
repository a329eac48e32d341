package runtime

import (
	"testing"
	"time"
)

// participant is a FanClub member whose role is participant: five rungs
// of the ladder are tried before it.
func participant(b *testing.B) (*Community, *Member) {
	prog, err := CompileFiles("../examples/fanclub/fanclub.charter")
	if err != nil {
		b.Fatal(err)
	}
	club := prog.Community("FanClub")
	m, err := club.Member(map[string]any{"comments": 3})
	if err != nil {
		b.Fatal(err)
	}
	return club, m
}

// BenchmarkRoleUncached computes a role from the ladder every time, as for
// a member seen for the first time or a ladder that reads the time; Role
// on a member already asked about returns its cached rank.
func BenchmarkRoleUncached(b *testing.B) {
	club, m := participant(b)
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		m.forgetRole()
		club.Role(m, at)
	}
}

// BenchmarkRoleScratchUncached is BenchmarkRoleUncached through a Scratch
// the caller keeps, without the pool.
func BenchmarkRoleScratchUncached(b *testing.B) {
	club, m := participant(b)
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s := club.NewScratch()
	b.ReportAllocs()
	for b.Loop() {
		m.forgetRole()
		s.Role(m, at)
	}
}
