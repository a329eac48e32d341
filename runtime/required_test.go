package runtime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const requiredSrc = `community Forum {
  member {
    created_at: time required
    tier:       int required
    posts:      int
  }
  action post()
  may post if since(created_at) >= 7d && tier > 0 && posts >= 0
}
`

// TestRequiredAttributes: every way a host gives a record refuses one
// without the required attributes, naming them (SPEC §6.4), and accepts
// one with them.
func TestRequiredAttributes(t *testing.T) {
	prog, err := runtime.CompileSource("forum.charter", []byte(requiredSrc))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Forum")
	type full struct {
		Created time.Time `charter:"created_at"`
		Tier    int       `charter:"tier"`
		Posts   int       `charter:"posts"`
	}
	type partial struct {
		Tier  int `charter:"tier"`
		Posts int `charter:"posts"`
	}
	refused := []struct {
		name string
		make func() error
		want string
	}{
		{"Member without both", func() error { _, err := c.Member(map[string]any{"posts": 3}); return err },
			"missing attributes created_at, tier, which Forum requires of every member"},
		{"Member without one", func() error { _, err := c.Member(map[string]any{"tier": 1}); return err },
			"missing attribute created_at, which Forum requires of every member"},
		{"Member of nothing", func() error { _, err := c.Member(nil); return err },
			"missing attributes created_at, tier"},
		{"MemberJSON", func() error { _, err := c.MemberJSON([]byte(`{"tier": 1}`)); return err },
			"missing attribute created_at"},
		{"MemberFromStruct", func() error { _, err := c.MemberFromStruct(&partial{Tier: 1}); return err },
			"member struct runtime_test.partial: missing attribute created_at, which Forum requires of every member: tag a field with it"},
		{"MemberFromStruct by value", func() error { _, err := c.MemberFromStruct(partial{Tier: 1}); return err },
			"missing attribute created_at"},
	}
	for _, tc := range refused {
		err := tc.make()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}

	created := t0.Add(-30 * 24 * time.Hour)
	m, err := c.MemberFromStruct(&full{Created: created, Tier: 1})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := c.Decide(m, "post", nil, t0); err != nil || !d.Allowed {
		t.Errorf("a 30-day-old account: %v, %v; want allowed", d, err)
	}
	if err := c.FillFromStruct(m, &partial{Tier: 1}); err == nil || !strings.Contains(err.Error(), "missing attribute created_at") {
		t.Errorf("FillFromStruct of a struct without created_at: %v", err)
	}
	m, err = c.MemberJSON([]byte(`{"created_at": "` + t0.Add(-time.Hour).Format(time.RFC3339) + `", "tier": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := c.Decide(m, "post", nil, t0); d.Allowed {
		t.Errorf("an hour-old account: %v; want denied", d)
	}
	s := runtime.NewState(c)
	if err := s.Join("ann", m); err != nil {
		t.Errorf("Join of a complete record: %v", err)
	}
}
