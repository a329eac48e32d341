package runtime_test

import (
	"context"
	"fmt"
	"time"

	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

// clubSrc is a small community the examples share: a ladder, a badge, the
// three kinds of rule that deny, an effect that moves value between two
// members, and goals with feedback.
const clubSrc = `
community Club {
  purpose "Friends who write"
  default deny

  member {
    posts:      int
    reputation: float = 1.0
    last_seen:  time
  }

  action introduce()
  action post(length: int)
  action tip(to: member, amount: int)

  roles {
    writer  if posts >= 3
    reader  if posts > 0
    visitor otherwise
  }
  badge inactive if days_since(last_seen) > 30

  may introduce, post
  may tip if amount > 0 && amount <= reputation
  must not post if length > 1000 because "Posts are capped at 1,000 characters" else warn
  first introduce then post      because "Say hello before your first post"
  limit post 2 per 1d if role < writer because "Newcomers post twice a day"

  on post { posts += 1; reputation += 0.5 }
  on tip  { reputation -= amount; to.reputation += amount }

  goal writers "A third of the club writes" {
    measure share(role == writer)
    target  >= 0.34
  }
  goal size { measure members; target <= 20 }

  when !writers.met {
    nudge reader "Write a third post: the club needs writers"
  }
}
`

// club compiles clubSrc; a real host compiles once at start-up and shares
// the program between goroutines.
func club() *runtime.Community {
	prog, err := runtime.CompileSource("club.charter", []byte(clubSrc))
	if err != nil {
		panic(err)
	}
	return prog.Community("Club")
}

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func ExampleCompileSource() {
	prog, err := runtime.CompileSource("club.charter", []byte(clubSrc))
	if err != nil {
		panic(err)
	}
	for _, c := range prog.Communities() {
		fmt.Printf("%s: %s; roles %v\n", c.Name, c.Purpose, c.RoleNames())
	}

	// A file with errors compiles to nothing; the error lists every
	// diagnostic with its position and code.
	_, err = runtime.CompileSource("bad.charter", []byte(`community Bad {
  member { posts: int }
  action post()
  may post if posts < 10 && postz > 0
}`))
	fmt.Println(err)
	// Output:
	// Club: Friends who write; roles [visitor reader writer]
	// bad.charter:4:29: error: unknown name postz [CH0104] (did you mean posts?)
}

func ExampleCommunity_Decide() {
	c := club()
	m, err := c.Member(map[string]any{"posts": 1})
	if err != nil {
		panic(err)
	}

	// Every denying rule is reported, each with its reason and sanction.
	d, err := c.Decide(m, "post", runtime.Args{"length": 5000}, now)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Allowed, d.Reasons())
	for _, s := range d.Sanctions() {
		fmt.Println("sanction:", s)
	}

	// The host records what the member did, as the live state would.
	if err := c.Did(m, "introduce", now.Add(-time.Hour)); err != nil {
		panic(err)
	}
	d, _ = c.Decide(m, "post", runtime.Args{"length": 200}, now)
	fmt.Println(d)

	// No rule allows a tip beyond one's reputation: the default decides.
	d, _ = c.Decide(m, "tip", runtime.Args{"to": "bob", "amount": 5}, now)
	fmt.Println(d, d.Reasons())

	// A call the community cannot take is an error, not a decision.
	_, err = c.Decide(m, "post", runtime.Args{"length": "long"}, now)
	fmt.Println(err)
	// Output:
	// false [Posts are capped at 1,000 characters Say hello before your first post]
	// sanction: warn
	// allow post; may introduce, post (club.charter:23:3): may post
	// deny tip (by default) [default deny]
	// argument length of post: want int, got a string "long"
}

func ExampleCommunity_Role() {
	c := club()
	for _, values := range []map[string]any{
		{},
		{"posts": 1, "last_seen": "2026-03-01T18:00:00Z"},
		{"posts": 7, "last_seen": "2026-01-10T12:00:00Z"},
	} {
		m, err := c.Member(values)
		if err != nil {
			panic(err)
		}
		// Roles and badges that read the time read the one passed in.
		fmt.Println(c.Role(m, now), c.Badges(m, now))
	}
	// Output:
	// visitor [inactive]
	// reader []
	// writer [inactive]
}

func ExampleCommunity_Goals() {
	c := club()
	var members []*runtime.Member
	for _, posts := range []int{5, 1, 0} {
		m, err := c.Member(map[string]any{"posts": posts})
		if err != nil {
			panic(err)
		}
		members = append(members, m)
	}
	// One pass over the members computes every goal.
	for _, g := range c.Goals(members, now) {
		fmt.Printf("%s %.2f %s %g met=%t progress=%.2f\n", g.Name, g.Value, g.Op, g.Target, g.Met, g.Progress)
	}
	// Output:
	// writers 0.33 >= 0.34 met=false progress=0.98
	// size 3.00 <= 20 met=true progress=1.00
}

func ExampleNewState() {
	c := club()
	st := runtime.NewState(c)
	for _, j := range []struct {
		id     string
		values map[string]any
	}{
		{"alice", map[string]any{"posts": 2, "reputation": 4.0}},
		{"bob", nil}, // every attribute takes its default
	} {
		m, err := c.Member(j.values)
		if err != nil {
			panic(err)
		}
		if err := st.Join(j.id, m); err != nil {
			panic(err)
		}
	}

	ctx := context.Background()
	apply := func(id, action string, args runtime.Args, at time.Time) {
		res, err := st.Apply(ctx, id, action, args, at)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %s: allowed=%t applied=%t changes=%v\n", id, action, res.Decision.Allowed, res.Applied, res.Changes)
	}
	apply("alice", "post", runtime.Args{"length": 80}, now) // not introduced yet
	apply("alice", "introduce", nil, now)
	apply("alice", "post", runtime.Args{"length": 80}, now.Add(time.Minute))
	apply("alice", "tip", runtime.Args{"to": "bob", "amount": 2}, now.Add(2*time.Minute))

	// The state kept the goals current as the events arrived.
	for _, g := range st.Goals(now.Add(time.Hour)) {
		fmt.Printf("%s %.2f met=%t\n", g.Name, g.Value, g.Met)
	}
	bob, _ := st.Member("bob")
	fmt.Println(c.Get(bob, "reputation"))
	// Output:
	// alice post: allowed=false applied=false changes=[]
	// alice introduce: allowed=true applied=true changes=[]
	// alice post: allowed=true applied=true changes=[alice: reader → writer]
	// alice tip: allowed=true applied=true changes=[]
	// writers 0.50 met=true
	// size 2.00 met=true
	// 3 true
}

func ExampleCommunity_Explain() {
	c := club()
	m, err := c.Member(map[string]any{"posts": 1})
	if err != nil {
		panic(err)
	}
	if err := c.Did(m, "introduce", now.Add(-24*time.Hour)); err != nil {
		panic(err)
	}
	if err := c.Did(m, "post", now.Add(-2*time.Hour)); err != nil {
		panic(err)
	}
	k, err := c.ParseCall("post(length: 300)")
	if err != nil {
		panic(err)
	}
	// A goal snapshot activates the rules and messages under `when`; nil
	// leaves them inactive, as here.
	d, trace := c.Explain(m, k, now, nil)
	fmt.Println(d)
	for _, step := range trace {
		fmt.Printf("[%t] %s: %s\n", step.Value, step.Rule, step.What)
	}
	// Output:
	// allow post; may introduce, post (club.charter:23:3): may post
	// [false] must not post (club.charter:25:3): length > 1000
	// [true] first introduce then post (club.charter:26:3): already did introduce
	// [true] limit post 2 per 1d (club.charter:27:3): role < writer
	// [false] limit post 2 per 1d (club.charter:27:3): 1 of 2 in 1d
}

// Holds evaluates a condition of the program, here the `expect that` of a
// test block, against a member of a live state with its goals: what
// chartertest does for that step.
func ExampleState_Holds() {
	prog, err := runtime.CompileSource("busy.charter", []byte(`community Busy {
  member { posts: int }
  action post()
  may post
  on post { posts += 1 }
  goal active { measure count(posts > 0); target >= 2 }
  test "busy" {
    expect that posts >= 2 && active.met
  }
}
`))
	if err != nil {
		panic(err)
	}
	c := prog.Community("Busy")
	cond := syntax.Exprs(c.Checked().Tests[0])[0]

	st := runtime.NewState(c)
	for _, id := range []string{"alice", "bob"} {
		m, err := c.Member(nil)
		if err != nil {
			panic(err)
		}
		if err := st.Join(id, m); err != nil {
			panic(err)
		}
	}
	for _, id := range []string{"alice", "alice", "bob"} {
		if _, err := st.Apply(context.Background(), id, "post", nil, now); err != nil {
			panic(err)
		}
		ok, err := st.Holds("alice", cond, now)
		fmt.Printf("%s posted; alice: %s is %t (%v)\n", id, cond.Src, ok, err)
	}
	// Output:
	// alice posted; alice: posts >= 2 && active.met is false (<nil>)
	// alice posted; alice: posts >= 2 && active.met is false (<nil>)
	// bob posted; alice: posts >= 2 && active.met is true (<nil>)
}

// The live state carries out sanctions: a refused action applies the
// sanctions of the rules that refused it, and a review those of unmet
// duties, once per window.
func ExampleState_Review() {
	prog, err := runtime.CompileSource("forum.charter", []byte(`community Forum {
  member { posts: int }
  action post(links: int)
  action visit()
  roles {
    regular  if posts >= 10
    newcomer otherwise
  }
  may post, visit
  must not post if links > 5 because "Spam" else mute 1d
  must visit 1 per 7d if role == regular else warn
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	forum := prog.Community("Forum")
	st := runtime.NewState(forum)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ann, _ := forum.Member(map[string]any{"posts": 10})
	_ = st.Join("ann", ann)

	res, _ := st.Apply(ctx, "ann", "post", runtime.Args{"links": 9}, at)
	fmt.Println(res.Sanctions[0])
	res, _ = st.Apply(ctx, "ann", "visit", nil, at.Add(time.Hour))
	fmt.Println(res.Decision.Reasons()[0])

	for _, day := range []int{0, 1, 7} {
		got, _ := st.Review(ctx, at.Add(time.Duration(day)*24*time.Hour))
		fmt.Println("day", day, got.Sanctions)
	}
	// Output:
	// ann: mute 1d at 2026-03-02T09:00:00Z by must not post (forum.charter:10:3) until 2026-03-03T09:00:00Z
	// muted until 2026-03-03T09:00:00Z: Spam
	// day 0 [ann: warn at 2026-03-02T09:00:00Z by must visit 1 per 1w (forum.charter:11:3)]
	// day 1 []
	// day 7 [ann: warn at 2026-03-09T09:00:00Z by must visit 1 per 1w (forum.charter:11:3)]
}

// A rule that reads another member (to.points) needs that member: without
// a State the host gives it, here by resolving the call's IDs with its
// own lookup; a rule comparing members (to == me) reads the IDs.
func ExampleCall_ResolveMembers() {
	prog, err := runtime.CompileSource("tips.charter", []byte(`community Tips {
  member { points: int }
  action tip(to: member)
  may tip if to.points < points
  must not tip if to == me because "No tipping yourself"
}`))
	if err != nil {
		panic(err)
	}
	c := prog.Community("Tips")
	byID := map[string]*runtime.Member{}
	for id, points := range map[string]int{"ann": 9, "bob": 2} {
		m, err := c.Member(map[string]any{"points": points})
		if err != nil {
			panic(err)
		}
		m.ID = id
		byID[id] = m
	}
	lookup := func(id string) (*runtime.Member, bool) { m, ok := byID[id]; return m, ok }
	for _, to := range []string{"bob", "ann", "zed"} {
		k, err := c.Call("tip", runtime.Args{"to": to})
		if err != nil {
			panic(err)
		}
		if err := k.ResolveMembers(lookup); err != nil {
			fmt.Println(err)
			continue
		}
		d := c.DecideCall(byID["ann"], k, now, nil)
		fmt.Println(to, d.Allowed, d.Reasons())
	}
	// Output:
	// bob true [may tip]
	// ann false [No tipping yourself]
	// argument to of tip: no member "zed"
}
