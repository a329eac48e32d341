package runtime_test

import (
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/chartertest"
)

// takenSrc reads counts over a window (SPEC §7.6) in a rung (also through
// another member's role), a badge, a named condition, a rule and an
// effect; its tests run on the live state.
const takenSrc = `community T {
  member { keen: bool }
  action visit()
  action post()
  action greet(to: member)
  let twice = taken(visit, 7d) >= 2
  roles {
    regular if taken(visit, 10d) >= 5
    newcomer otherwise
  }
  badge active if taken(visit, 30d) >= 3
  may visit
  may post if twice || active because "visit first"
  may greet if to.role == regular because "greet regulars"
  on visit { keen = taken(visit, 7d) >= 1 }
}
community TT extends T {
  test "three visits in 30 days make active" {
    at "2026-02-01T00:00:00Z"
    given member {} did visit at "2026-01-05T00:00:00Z", visit at "2026-01-20T00:00:00Z", visit at "2026-01-31T00:00:00Z"
    expect badge active
    expect allow post()
    expect role newcomer
  }
  test "a visit older than the window does not count" {
    at "2026-02-01T00:00:00Z"
    given member {} did visit at "2025-12-05T00:00:00Z", visit at "2026-01-20T00:00:00Z", visit at "2026-01-31T00:00:00Z"
    expect no badge active
    expect deny post() because "visit first"
    do visit()
    expect allow post()
    expect badge active
  }
  test "another member's role reads that member's history" {
    at "2026-02-01T00:00:00Z"
    given member {}
    given member bob {} did visit at "2026-01-25T00:00:00Z", visit at "2026-01-26T00:00:00Z", visit at "2026-01-27T00:00:00Z", visit at "2026-01-28T00:00:00Z"
    expect deny greet(to: "bob")
    do bob: visit()
    expect allow greet(to: "bob")
    at "2026-02-05T00:00:00Z"
    expect deny greet(to: "bob")
  }
  test "the window is (at - D, at]" {
    at "2026-02-01T00:00:00Z"
    given member {} did visit at "2026-01-25T00:00:00Z", visit at "2026-01-26T00:00:00Z", visit at "2026-01-27T00:00:00Z", visit at "2026-01-28T00:00:00Z", visit at "2026-01-29T00:00:00Z"
    expect role regular
    at "2026-02-03T23:59:59Z"
    expect role regular
    at "2026-02-04T00:00:00Z"
    expect role newcomer
  }
  test "an effect reads the history before the taking it applies" {
    given member {}
    do visit()
    expect that !keen
    expect that taken(visit, 1d) >= 1
    do visit()
    expect that keen
  }
}
`

func TestTaken(t *testing.T) {
	prog, err := runtime.CompileSource("t.charter", []byte(takenSrc))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range chartertest.Run(prog) {
		if !r.Passed {
			t.Errorf("%v", r)
		}
	}

	// Without a live state: Did, the @history of a record, Clone.
	c := prog.Community("T")
	day := func(d int) time.Time { return time.Date(2026, 1, d, 12, 0, 0, 0, time.UTC) }
	m, err := c.Member(map[string]any{"@history": map[string]any{"visit": []any{"2026-01-02T12:00:00Z", "2026-01-03T12:00:00Z"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Role(m, day(5)); got != "newcomer" {
		t.Errorf("two visits: role %s, want newcomer", got)
	}
	for d := 4; d <= 9; d++ { // more takings than any rule needs kept (5 + 1)
		if err := c.Did(m, "visit", day(d)); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Role(m, day(9)); got != "regular" {
		t.Errorf("eight visits in 10 days: role %s, want regular", got)
	}
	cp := m.Clone()
	if got := c.Role(cp, day(13)); got != "regular" {
		t.Errorf("a clone, visits of the 4th to the 9th at the 13th: role %s, want regular", got)
	}
	if got := c.Role(cp, day(15)); got != "newcomer" {
		t.Errorf("a clone, at the 15th only 4 visits in 10 days: role %s, want newcomer", got)
	}
	d, err := c.Decide(m, "post", nil, day(30))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Allowed { // visits of the 4th to the 9th: 6 in 30 days
		t.Errorf("post at the 30th: %v, want allowed", d)
	}
	d, err = c.Decide(m, "post", nil, time.Date(2026, 2, 8, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed { // the 9th is 30 days before: out of (at - 30d, at]
		t.Errorf("post on 8 February: %v, want denied", d)
	}
}
