package chartertest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/chartertest"
)

// TestExamples runs the test blocks of every example community.
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "*.charter")); len(m) == 0 {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			prog, err := runtime.CompileFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			results := chartertest.Run(prog)
			if len(results) == 0 {
				t.Fatal("no test blocks")
			}
			for _, r := range results {
				if !r.Passed {
					t.Errorf("%v", r)
				}
			}
		})
	}
}

// TestFailuresSayWhatAndWhere runs tests that must fail and checks the
// failure's position and message.
func TestFailuresSayWhatAndWhere(t *testing.T) {
	src := `community C {
  member { posts: int }
  action post()
  roles {
    creator if posts >= 2
    onlooker otherwise
  }
  may post if posts < 1
  on post { posts += 1 }
  goal g { measure members; target <= 1 }
  test "wrong role" {
    expect role creator
  }
  test "denied do" {
    do post()
    do post()
  }
  test "wrong verdict" {
    expect deny post()
  }
  test "time goes backwards" {
    at "2025-01-01T00:00:00Z"
  }
  test "goal" {
    given members 2 {}
    expect goal g met
  }
  test "that" {
    expect that posts == 3
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line int
		msg  string
	}{
		{12, "expected role creator, got onlooker"},
		{16, "do post() was denied"},
		{19, "expected deny post(), got allow post"},
		{22, "moves the test's time backwards"},
		{26, "expected goal g met, got value 3 <= 1"},
		{29, "expected that posts == 3, got false"},
	}
	results := chartertest.Run(prog)
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for i, r := range results {
		if r.Passed {
			t.Errorf("%s passed", r.Name)
			continue
		}
		if r.FailPos.Line != want[i].line || !strings.Contains(r.Failure, want[i].msg) {
			t.Errorf("%s: failure at line %d %q, want line %d containing %q", r.Name, r.FailPos.Line, r.Failure, want[i].line, want[i].msg)
		}
	}
}

// TestClockStart pins where a test's clock starts (SPEC §12.4): at
// 2026-01-01T00:00:00Z, so `at` that very time passes and a second earlier
// fails, and now() reads it.
func TestClockStart(t *testing.T) {
	src := `community C {
  member { joined: time = "2026-01-01T00:00:00Z" }
  test "start" {
    expect that now() == joined
    at "2026-01-01T00:00:00Z"
  }
  test "before start" {
    at "2025-12-31T23:59:59Z"
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	results := chartertest.Run(prog)
	if len(results) != 2 {
		t.Fatalf("%d results, want 2", len(results))
	}
	if !results[0].Passed {
		t.Errorf("%v", results[0])
	}
	const want = "at 2025-12-31T23:59:59Z moves the test's time backwards from 2026-01-01T00:00:00Z"
	if r := results[1]; r.Passed || r.Failure != want {
		t.Errorf("%v; want failure %q", r, want)
	}
}

// TestEffectGrowthFails: a test that doubles a string 31 times (2 GiB by
// the end, were it allowed) fails at the doubling that would pass 1 MiB,
// naming the effect, instead of exhausting memory.
func TestEffectGrowthFails(t *testing.T) {
	src := `community C {
  member { s: string = "ab" }
  action grow()
  may grow
  on grow { s = s + s }
  test "grow" {
    do grow() times 31
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	results := chartertest.Run(prog)
	if len(results) != 1 || results[0].Passed {
		t.Fatalf("results %v, want one failure", results)
	}
	r := results[0]
	if r.FailPos.Line != 7 || !strings.Contains(r.Failure, "effect c.charter:5:13: value of s: the string would be longer than the limit of 1048576 bytes") {
		t.Errorf("failure at line %d %q", r.FailPos.Line, r.Failure)
	}
}

// TestKeptTimesBound: a million members under a limit of 10,000 would keep
// 80 GB of taking times; the test fails at its given members step instead,
// naming what to lower. The same step under a small limit runs.
func TestKeptTimesBound(t *testing.T) {
	for _, tc := range []struct {
		limit, members int
		fails          bool
	}{{10000, 1_000_000, true}, {10000, 1000, false}, {3, 20000, false}} {
		src := fmt.Sprintf(`community C {
  member { posts: int }
  action hello()
  action post()
  may post, hello
  first hello then post
  limit post %d per 1d
  test "many" {
    given members %d { posts: 1 }
    expect that members == %d
  }
}
`, tc.limit, tc.members, tc.members+1) // and the test's own member
		prog, err := runtime.CompileSource("c.charter", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := prog.Community("C").KeptTimes(), tc.limit+1; got != want {
			t.Errorf("limit %d: KeptTimes = %d, want %d (post's limit and hello's earliest time, for first)", tc.limit, got, want)
		}
		results := chartertest.Run(prog)
		if len(results) != 1 {
			t.Fatalf("results %v", results)
		}
		r := results[0]
		switch {
		case tc.fails && (r.Passed || r.FailPos.Line != 9 || !strings.Contains(r.Failure, "more than 16777216 (SPEC §13)")):
			t.Errorf("limit %d, %d members: passed %v at line %d %q, want a failure at the given members step", tc.limit, tc.members, r.Passed, r.FailPos.Line, r.Failure)
		case !tc.fails && !r.Passed:
			t.Errorf("limit %d, %d members: %q, want a pass", tc.limit, tc.members, r.Failure)
		}
	}
}

// `members` in a when block counts the test's live state, for expect
// message and expect duty as for decisions (the subs helper found both read
// 0: they asked the community, which has no member count).
func TestWhenMembersCountsTheState(t *testing.T) {
	src := `community Big {
  member { n: int }
  action visit()
  action post()
  may visit, post
  when members > 3 {
    nudge "A big group now: say hello to someone new"
    must visit 1 per 1d
    must not post because "Too many to post"
  }
  test "six members" {
    given member {}
    given members 5 {}
    expect message "A big group now: say hello to someone new"
    expect duty visit
    expect deny post() because "Too many to post"
  }
  test "two members" {
    given member {}
    given members 1 {}
    expect no message "A big group now: say hello to someone new"
    expect no duty visit
    expect allow post()
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range chartertest.Run(prog) {
		if !r.Passed {
			t.Errorf("%s: %s at %s", r.Name, r.Failure, r.FailPos)
		}
	}
}

// TestStepsAboutEveryMember: other members act and are asked about, a
// member is updated mid-test, history is given without acting, and duties
// and denials assert their reason and sanction (SPEC §6.18); each of these
// steps also fails when what it asserts is false, saying what it found.
func TestStepsAboutEveryMember(t *testing.T) {
	src := `community C {
  member { posts: int; rep: int; name: string = "x" }
  action post()
  action tip(to: member)
  roles {
    creator if posts >= 2
    reader otherwise
  }
  may post, tip
  first post then tip because "Post before you tip"
  must not tip if rep < 1 because "No debts" else mute 1d
  must post 1 per 7d if role >= creator because "Creators post weekly" else demote
  on post { posts += 1 }
  on tip { rep -= 1; to.rep += 1 }
  goal size { measure members; target <= 1 }
  test "passes" {
    given member { rep: 1 }
    given member bob { rep: 2 } did post at "2025-12-31T00:00:00Z"
    do bob: tip(to: me)
    expect bob: that rep == 1
    expect that rep == 2
    expect bob: role reader
    expect deny tip(to: "bob") because "Post before you tip"
    update { posts: 2 }
    expect role creator
    wait 8d
    expect duty post because "Creators post weekly" else demote
    expect bob: no duty post
    update { posts: 0, rep: 0 }
    expect role reader
    update bob { rep: 0 }
    expect bob: deny tip(to: me) because "No debts" else mute 1d
    try bob: tip(to: me)
    expect bob: sanction mute
    expect no sanction mute
  }
  test "history in the future" {
    given member bob {} did post at "2026-01-01T00:00:01Z"
  }
  test "bob has not joined" {
    expect bob: role reader
    given member bob {}
  }
  test "bob denied" {
    given member bob {}
    do bob: tip(to: me)
  }
  test "wrong sanction" {
    given member {}
    expect deny tip(to: me) else mute 2d
  }
  test "wrong duty reason" {
    update { posts: 2 }
    wait 8d
    expect duty post because "Post!"
  }
  test "operands" {
    given member bob { rep: 3 }
    given members 1 {}
    expect bob: that rep + 1 == 2 || name == "y" || size.value < 2
  }
  test "no duty owed" {
    expect duty post
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line int
		msg  string
	}{
		{0, ""},
		{38, "did post at 2026-01-01T00:00:01Z is after the test's time 2026-01-01T00:00:00Z"},
		{41, "bob is not a member of the state"},
		{46, "do bob: tip(to: me) was denied"},
		{50, `expected deny tip(to: me) else mute 2d, got sanctions ["mute 1d"]`},
		{55, `expected duty post because "Post!", got duty post: done 0 of 1 in 1w, because "Creators post weekly", else demote`},
		{60, `got false: rep + 1 is 4, name is "x", size.value is 3`},
		{63, "expected duty post, got none owed"},
	}
	results := chartertest.Run(prog)
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for i, r := range results {
		if want[i].line == 0 {
			if !r.Passed {
				t.Errorf("%v", r)
			}
			continue
		}
		if r.Passed {
			t.Errorf("%s passed", r.Name)
			continue
		}
		if r.FailPos.Line != want[i].line || !strings.Contains(r.Failure, want[i].msg) {
			t.Errorf("%s: failure at line %d %q, want line %d containing %q", r.Name, r.FailPos.Line, r.Failure, want[i].line, want[i].msg)
		}
	}
}

// TestExplain: with Options.Explain a failing expect role walks the
// ladder, a failing expect that breaks a badge down, and a failing expect
// deny shows the decision's trace with the rule's condition broken down;
// without it the messages stay short.
func TestExplain(t *testing.T) {
	src := `community C {
  member { posts: int; likes: int; flaggers: []string }
  action post()
  roles {
    star if posts >= 10 && likes > 5
    creator if posts >= 2
    reader otherwise
  }
  badge held if len(flaggers) >= 3
  may post
  must not post if held because "Held"
  test "role" {
    given member { posts: 12, likes: 3 }
    expect role star
  }
  test "that" {
    given member { flaggers: ["a", "b"] }
    expect that held
  }
  test "deny" {
    given member { flaggers: ["a", "b"] }
    expect deny post()
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"expected role star, got creator\n    rung star if posts >= 10 && likes > 5: false: posts is 12, likes is 3\n    rung creator if posts >= 2: true, held: posts is 12",
		"expected that held, got false: held is false (badge held if len(flaggers) >= 3: len(flaggers) is 2)",
		"\n    must not post (c.charter:11:3): held: false: held is false (badge held if len(flaggers) >= 3: len(flaggers) is 2)",
	}
	results, cov := chartertest.RunWith(prog, chartertest.Options{Explain: true})
	if cov != nil || len(results) != len(want) {
		t.Fatalf("%d results, coverage %v", len(results), cov)
	}
	for i, r := range results {
		if r.Passed || !strings.Contains(r.Failure, want[i]) {
			t.Errorf("%s: failure %q, want it to contain %q", r.Name, r.Failure, want[i])
		}
	}
	for _, r := range chartertest.Run(prog) {
		if strings.Contains(r.Failure, "\n") || strings.Contains(r.Failure, "badge held if") {
			t.Errorf("%s without Explain: %q", r.Name, r.Failure)
		}
	}
}

// TestGivenSettings: given settings runs a test over the community with
// those values, read by a named condition, a badge, a rule, a goal's
// measure and when, and expect that; the next test has the defaults again.
func TestGivenSettings(t *testing.T) {
	src := `community C {
  settings { cap: int = 3; grace: duration = 1d }
  member { posts: int }
  action post()
  let busy = posts > cap
  badge over if busy
  may post if !over
  goal g { measure count(posts > cap); target >= 1 }
  when g.value > cap { must not post because "quiet" }
  test "raised" {
    given settings { cap: 10, grace: 2d }
    given member { posts: 4 }
    expect no badge over
    expect allow post()
    expect that grace == 48h && cap == 10
  }
  test "defaults" {
    given member { posts: 4 }
    expect badge over
    expect that grace == 1d && cap == 3
  }
  test "fails with the raised value" {
    given settings { cap: 0 }
    given member { posts: 4 }
    expect that cap == 3
  }
}
`
	prog, err := runtime.CompileSource("c.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	results := chartertest.Run(prog)
	if len(results) != 3 || !results[0].Passed || !results[1].Passed || results[2].Passed {
		t.Fatalf("results %+v, want two passes then a failure", results)
	}
	if results[2].FailPos.Line != 25 {
		t.Errorf("failure at line %d, want 25: %s", results[2].FailPos.Line, results[2].Failure)
	}
}
