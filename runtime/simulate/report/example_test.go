package report_test

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/charterlang/charter/runtime/simulate"
	"github.com/charterlang/charter/runtime/simulate/report"
)

// A report of a two-day run: Write gives the HTML page, Charts each chart
// as an SVG file of its own (charter simulate writes both into --out).
func Example() {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &simulate.Series{
		RunInfo: simulate.RunInfo{
			Community: "FanClub",
			Rules:     "club.charter",
			Model:     "club.model.json",
			Seed:      1,
			Start:     start,
			Roles:     []string{"onlooker", "creator"},
			Goals:     []simulate.GoalInfo{{Name: "size", Op: "<=", Target: 150}},
		},
		Transitions: []simulate.Transition{
			{From: simulate.Joined, To: "onlooker", Count: 12},
			{From: "onlooker", To: "creator", Count: 2},
		},
	}
	for d := 1; d <= 2; d++ {
		s.Days = append(s.Days, simulate.Day{
			Day: d, Date: start.AddDate(0, 0, d),
			Members: 6 * d, Joined: 6,
			Roles:    map[string]int{"onlooker": 5 * d, "creator": d},
			Goals:    []simulate.GoalDay{{Value: float64(6 * d), Met: true}},
			Attempts: 20, Allowed: 17,
			Denials: map[string]int{"first introduce then post": 3},
		})
	}

	var page bytes.Buffer
	if err := report.Write(&page, s); err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.HasPrefix(page.Bytes(), []byte("<!DOCTYPE html>")))
	for _, c := range report.Charts(s) {
		fmt.Printf("%s.svg: %s\n", c.Name, c.Title)
	}
	// Output:
	// true
	// roles.svg: Members by role
	// goals.svg: Goals against their targets
	// denials.svg: Rules that denied most
	// transitions.svg: Conversions between roles
}
