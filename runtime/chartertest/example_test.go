package chartertest_test

import (
	"fmt"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/chartertest"
)

// Run runs every test block of a program, each in a fresh live state; a
// failure names the step and says what was expected and what happened.
func ExampleRun() {
	prog, err := runtime.CompileSource("club.charter", []byte(`community Club {
  member { posts: int }
  action post()
  roles {
    writer if posts >= 3
    reader otherwise
  }
  may post
  on post { posts += 1 }

  test "three posts make a writer" {
    do post() times 3
    expect role writer
  }
  test "two do not" {
    do post() times 2
    expect role writer
  }
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range chartertest.Run(prog) {
		fmt.Println(r)
	}
	// Output:
	// ok   Club/three posts make a writer
	// club.charter:17:5: FAIL Club/"two do not": expected role writer, got reader
}
