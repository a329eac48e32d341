package runtime_test

import (
	goruntime "runtime"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

// bigLimitSrc keeps 10,000 times of post per member (SPEC §13's largest
// count) and one of introduce, for its first rule: 80 KB of history for
// a member that posts.
const bigLimitSrc = `community Big {
  member { posts: int }
  action introduce()
  action post()
  may introduce, post
  first introduce then post
  limit post 10000 per 1d
}
`

type bigRecord struct {
	Posts int `charter:"posts"`
}

// A member built per question records no taking, so it gets no kept
// times: MemberFromStruct under a rule file that keeps 10,000 times an
// action allocated 80 KB a member, and the README path as much per
// decision.
func TestMemberWithoutTakingsKeepsNoTimes(t *testing.T) {
	p, err := runtime.CompileSource("big.charter", []byte(bigLimitSrc))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Community("Big")
	if c.KeptTimes() != 10001 {
		t.Fatalf("KeptTimes = %d, want 10001", c.KeptTimes())
	}
	src := &bigRecord{Posts: 3}
	// Bytes allocated over a hundred members, read from the allocator's
	// own count (no test in this package runs in parallel with this one).
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	for range 100 {
		if _, err := c.MemberFromStruct(src); err != nil {
			t.Fatal(err)
		}
	}
	goruntime.ReadMemStats(&after)
	if bytes := (after.TotalAlloc - before.TotalAlloc) / 100; bytes > 512 {
		t.Errorf("MemberFromStruct allocates %d bytes a member, want at most 512 (no kept times before a taking)", bytes)
	}

	// The times come at the first taking and count as before.
	m, err := c.MemberFromStruct(src)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Decide(m, "post", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed {
		t.Fatalf("post before introduce allowed")
	}
	if err := c.Did(m, "introduce", t0); err != nil {
		t.Fatal(err)
	}
	for i := range 10000 {
		if err := c.Did(m, "post", t0.Add(time.Duration(i+1)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	at := t0.Add(3 * time.Hour)
	if d, err = c.Decide(m, "post", nil, at); err != nil || d.Allowed {
		t.Fatalf("the 10,001st post within a day: allowed %v, err %v; want denied by the limit", d.Allowed, err)
	}
	if d, err = c.Decide(m, "post", nil, t0.Add(25*time.Hour)); err != nil || !d.Allowed {
		t.Fatalf("a post a day later: allowed %v, err %v", d.Allowed, err)
	}

	// A copy, a snapshot and a State keep both kinds of member apart.
	cp := m.Clone()
	if d, _ := c.Decide(cp, "post", nil, at); d.Allowed {
		t.Errorf("the clone lost its kept times")
	}
	st := runtime.NewState(c)
	fresh, err := c.MemberFromStruct(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Join("fresh", fresh); err != nil {
		t.Fatal(err)
	}
	if err := st.Join("busy", m); err != nil {
		t.Fatal(err)
	}
	if err := st.Join("fresh2", fresh.Clone()); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		id    string
		allow bool
	}{{"fresh", false}, {"busy", false}, {"fresh2", false}} {
		d, err := st.Decide(tc.id, "post", nil, at)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != tc.allow {
			t.Errorf("%s: post allowed %v, want %v", tc.id, d.Allowed, tc.allow)
		}
	}
	// fresh has not introduced itself; busy is at its limit. After an
	// introduction, fresh may post: its empty kept times lie where its
	// column says, not over busy's.
	mustApply(t, st, "fresh", "introduce", at)
	if res := mustApply(t, st, "fresh", "post", at); !res.Applied {
		t.Errorf("fresh's first post denied: %v", res.Decision)
	}
	snap := st.Snapshot()
	back, err := runtime.Restore(c, snap)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := back.Decide("busy", "post", nil, at); err != nil || d.Allowed {
		t.Errorf("busy after restore: allowed %v, err %v; want denied by the limit", d.Allowed, err)
	}
	if d, err := back.Decide("fresh2", "post", nil, at); err != nil || d.Allowed {
		t.Errorf("fresh2 after restore: allowed %v, err %v; want denied (never introduced)", d.Allowed, err)
	}
}
