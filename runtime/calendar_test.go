package runtime_test

import (
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

// TestCalendarWindows: `per calendar day|week|month` counts the takings
// since the period began in the community's zone, not in the last 24
// hours (SPEC §6.12); Decide, Explain and Duties agree.
func TestCalendarWindows(t *testing.T) {
	src := `community Club {
  timezone "Europe/Paris"
  action visit()
  action post()
  action pay()
  may visit, post, pay
  limit visit 1 per calendar day
  limit post 2 per calendar week
  limit pay 1 per calendar month
  must visit 1 per calendar week
}
community Utc {
  action visit()
  may visit
  limit visit 1 per calendar day
}
`
	prog, err := runtime.CompileSource("club.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		action string
		did    []string // Paris times
		ask    string
		allow  bool
	}{
		// 23:30 and 00:30 in Paris are two calendar days, an hour apart.
		{"visit", []string{"2026-01-14 23:30"}, "2026-01-15 00:30", true},
		{"visit", []string{"2026-01-15 00:00"}, "2026-01-15 23:59", false},
		// Midnight in Paris is 23:00 UTC the day before: UTC's day would
		// still hold the 23:30 visit.
		{"visit", []string{"2026-01-14 23:30"}, "2026-01-15 00:05", true},
		// 2026-01-12 is a Monday: the week began then.
		{"post", []string{"2026-01-11 22:00", "2026-01-11 23:00"}, "2026-01-12 08:00", true},
		{"post", []string{"2026-01-12 00:00", "2026-01-18 09:00"}, "2026-01-18 23:59", false},
		// A week that began in the month before.
		{"post", []string{"2026-01-26 00:00", "2026-01-31 12:00"}, "2026-02-01 23:00", false},
		{"post", []string{"2026-01-25 23:59", "2026-01-31 12:00"}, "2026-02-01 23:00", true},
		{"pay", []string{"2026-02-28 23:59"}, "2026-03-01 00:00", true},
		{"pay", []string{"2026-03-01 00:00"}, "2026-03-31 23:59", false},
		// The spring change of clocks: the day of 2026-03-29 is 23 hours.
		{"visit", []string{"2026-03-29 00:10"}, "2026-03-29 23:50", false},
		{"visit", []string{"2026-03-28 23:50"}, "2026-03-29 00:10", true},
	}
	c := prog.Community("Club")
	for _, tc := range tests {
		m := member(t, c, nil)
		for _, d := range tc.did {
			if err := c.Did(m, tc.action, at(d)); err != nil {
				t.Fatal(err)
			}
		}
		d, err := c.Decide(m, tc.action, nil, at(tc.ask))
		if err != nil {
			t.Fatal(err)
		}
		k, _ := c.Call(tc.action, nil)
		d2, _ := c.Explain(m, k, at(tc.ask), nil)
		if d.Allowed != tc.allow || d2.Allowed != tc.allow {
			t.Errorf("%s after %v, at %s: %v / %v, want allowed %v", tc.action, tc.did, tc.ask, d, d2, tc.allow)
		}
	}

	// The duty: a visit this calendar week (from Monday 00:00 in Paris).
	m := member(t, c, nil)
	if err := c.Did(m, "visit", at("2026-01-11 23:00")); err != nil { // Sunday
		t.Fatal(err)
	}
	duties := c.Duties(m, at("2026-01-12 10:00"))
	if len(duties) != 1 || duties[0].Calendar != "week" || duties[0].Done != 0 || duties[0].Per != 10*time.Hour+1 {
		t.Errorf("duties on Monday after a Sunday visit: %+v, want the weekly visit unmet, 10h into the week", duties)
	}
	if duties := c.Duties(m, at("2026-01-11 23:30")); len(duties) != 0 {
		t.Errorf("duties on Sunday after a Sunday visit: %+v, want none", duties)
	}

	// Where a change of clocks skips midnight (São Paulo, 4 November
	// 2018), the day starts at the first instant that exists: 01:00.
	sp, err := runtime.CompileSource("sp.charter", []byte(`community Sp {
  timezone "America/Sao_Paulo"
  action visit()
  may visit
  limit visit 1 per calendar day
}
`))
	if err != nil {
		t.Fatal(err)
	}
	spc := sp.Community("Sp")
	jump := time.Date(2018, 11, 4, 3, 0, 0, 0, time.UTC) // 01:00 -02, the first instant of the 4th
	m = member(t, spc, nil)
	if err := spc.Did(m, "visit", jump.Add(-time.Second)); err != nil { // 23:59:59 -03 on the 3rd
		t.Fatal(err)
	}
	if d, _ := spc.Decide(m, "visit", nil, jump); !d.Allowed {
		t.Errorf("São Paulo: a visit at the first instant of a day whose midnight was skipped, after one the evening before: %v", d)
	}
	if err := spc.Did(m, "visit", jump); err != nil {
		t.Fatal(err)
	}
	if d, _ := spc.Decide(m, "visit", nil, jump.Add(20*time.Hour)); d.Allowed {
		t.Errorf("São Paulo: a second visit the same day: %v", d)
	}

	// Without timezone, the calendar is UTC's.
	u := prog.Community("Utc")
	m = member(t, u, nil)
	if err := u.Did(m, "visit", time.Date(2026, 1, 14, 23, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if d, _ := u.Decide(m, "visit", nil, time.Date(2026, 1, 15, 0, 30, 0, 0, time.UTC)); !d.Allowed {
		t.Errorf("UTC: a visit at 00:30 after one at 23:30 the day before: %v", d)
	}
	if d, _ := u.Decide(m, "visit", nil, time.Date(2026, 1, 14, 23, 50, 0, 0, time.UTC)); d.Allowed || d.Reasons()[0] != "limit visit 1 per calendar day reached" {
		t.Errorf("UTC: a second visit the same day: %v", d.Reasons())
	}
}
