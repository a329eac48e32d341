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

var floorSink *memberWith[[11]int64]

// BenchmarkFloor measures what the targets' paths cannot avoid on the
// machine at hand, for BENCHMARKS.md's account of issue 11's targets:
// "new" a bare allocation the size and shape of a new FanClub member
// (208 bytes, pointers in its first 120: what MemberFromStruct must
// return), "alloc" that allocation with its slices laid out
// (memberBlock.alloc, no values), "roleStore" the atomic store with
// which an uncached Role caches its rank (a locked exchange on amd64), and
// "handFill" FillFromStruct's work written out by hand for FanClub's
// seven attributes, without the checks of a time's range: what a fill
// plan read at run time is measured against.
func BenchmarkFloor(b *testing.B) {
	club, m := participant(b)
	type fan struct {
		Posts, Comments, Saves, Followers int
		Reputation                        float64
		Introduced                        bool
		LastSeen                          time.Time
	}
	src := &fan{Posts: 7, Comments: 3, Saves: 1, Followers: 40, Reputation: 2.5, Introduced: true, LastSeen: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)}
	slot := func(name string) int { i, _ := club.layout.Lookup(name); return club.layout.Slot(i).Index }
	posts, comments, saves, followers := slot("posts"), slot("comments"), slot("saves"), slot("followers")
	rep, intro, seen := slot("reputation"), slot("introduced"), slot("last_seen")
	b.Run("handFill", func(b *testing.B) {
		for b.Loop() {
			handFill(m, src.Posts, src.Comments, src.Saves, src.Followers, src.Reputation, src.Introduced, &src.LastSeen,
				posts, comments, saves, followers, rep, intro, seen)
		}
	})
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			floorSink = new(memberWith[[11]int64])
		}
	})
	b.Run("alloc", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m = club.block.alloc("", club)
		}
	})
	b.Run("roleStore", func(b *testing.B) {
		for i := int64(0); b.Loop(); i++ {
			m.role.Store(i)
		}
	})
}

//go:noinline
func handFill(m *Member, p, c, s, f int, r float64, in bool, t *time.Time, ps, cs, ss, fs, rs, is, ts int) {
	m.forgetRole()
	m.hist.reset(&m.c.hist)
	i := m.r.I
	i[ps], i[cs], i[ss], i[fs] = int64(p), int64(c), int64(s), int64(f)
	var b int64
	if in {
		b = 1
	}
	i[is] = b
	i[ts] = t.Unix()*1e9 + int64(t.Nanosecond())
	if r-r != 0 {
		panic("NaN or infinite reputation")
	}
	m.r.F[rs] = r
}
