package wide_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime/gen/internal/gentest"
	"github.com/charterlang/charter/runtime/gen/internal/wide"
)

// TestSameAsRuntime holds the generated package against the runtime. Post
// has 70 denying rules and a may, so its decisions keep their rule bits in
// two words, and a large n denies by rules in both.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "wide", wide.NewMember, gentest.Options{Seed: 1})
}

// TestTwoWords checks the case the random members reach only by chance: a
// decision denied by every rule of post, in order across the word boundary.
func TestTwoWords(t *testing.T) {
	m := wide.NewMember()
	d := m.DecidePost(time.Time{}, nil, 70)
	rules := d.Rules()
	if d.Allowed || len(rules) != 70 {
		t.Fatalf("post(70): allowed %v with %d rules, want denied by 70", d.Allowed, len(rules))
	}
	for i, r := range rules {
		if want := fmt.Sprintf("n reached %d", i+1); r.Reason() != want {
			t.Errorf("rule %d: reason %q, want %q", i, r.Reason(), want)
		}
	}
	if first, ok := d.First(); !ok || first != rules[0] {
		t.Errorf("First() = %v, %v; want %v, true", first, ok, rules[0])
	}
	d = m.DecidePost(time.Time{}, nil, 65)
	if got := d.Rules(); len(got) != 65 || got[64].Reason() != "n reached 65" {
		t.Errorf("post(65): %d rules, want 65 ending with n reached 65", len(got))
	}
}
