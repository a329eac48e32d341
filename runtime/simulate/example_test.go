package simulate_test

import (
	"context"
	"fmt"
	"log"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/simulate"
)

func Example() {
	prog, err := runtime.CompileSource("club.charter", []byte(`community Club {
  member { posts: int }
  action post()
  roles {
    regular if posts >= 5
    newcomer otherwise
  }
  may post
  on post { posts += 1 }
  goal regulars "Half the club posts regularly" { measure share(role == regular); target >= 0.5 }
}`))
	if err != nil {
		log.Fatal(err)
	}
	club := prog.Community("Club")
	model, err := simulate.ParseModel("model.json", []byte(`{
  "members": {"initial": 100},
  "behaviour": {"*": {"post": {"per_day": 0.5}}}
}`), club)
	if err != nil {
		log.Fatal(err)
	}
	series, err := simulate.Run(context.Background(), club, model, simulate.Options{Days: 20, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range series.Days {
		if d.Goals[0].Met {
			fmt.Printf("day %d: %d regulars of %d members: the goal is met\n", d.Day, d.Roles["regular"], d.Members)
			break
		}
	}
	fmt.Println(series.Transitions[1].From, "→", series.Transitions[1].To, series.Transitions[1].Count)
	// Output:
	// day 9: 51 regulars of 100 members: the goal is met
	// newcomer → regular 97
}
