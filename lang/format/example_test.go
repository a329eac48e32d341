package format_test

import (
	"fmt"
	"os"

	"github.com/charterlang/charter/lang/format"
)

// Bytes lays a file out canonically, keeping its comments; formatting the
// result again changes nothing.
func ExampleBytes() {
	src := []byte(`community   Club{
member{posts:int}
  action post( length:int )


   // Long posts wait for review.
may post if length<=500&&posts>=0
   on post{posts+=1}
}`)
	out, ds := format.Bytes("club.charter", src)
	if ds.HasErrors() {
		fmt.Println(ds)
		return
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fmt.Println(err)
	}
	again, _ := format.Bytes("club.charter", out)
	fmt.Println(string(again) == string(out))
	// Output:
	// community Club {
	//   member { posts: int }
	//   action post(length: int)
	//
	//   // Long posts wait for review.
	//   may post if length <= 500 && posts >= 0
	//   on post { posts += 1 }
	// }
	// true
}

// A file with syntax errors is not formatted: Bytes returns the
// diagnostics and no text.
func ExampleBytes_syntaxError() {
	out, ds := format.Bytes("club.charter", []byte("community Club {\n  allow post\n}\n"))
	fmt.Println(out == nil)
	fmt.Println(ds)
	// Output:
	// true
	// club.charter:2:3: error: unexpected token "allow" (expected "}") [CH0002]
}
