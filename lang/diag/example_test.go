package diag_test

import (
	"fmt"
	"os"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// bad is a file with two lexical errors; the lexer reports both.
var bad = []byte(`community Club {
  purpose "Fans \q"
  may post if posts > 1 @ 2
}
`)

// WriteText prints diagnostics as `charter check` does: position, severity,
// message and code, then the source line with a caret under the range.
func ExampleWriteText() {
	_, ds := syntax.Parse("club.charter", bad)
	sources := map[string][]byte{"club.charter": bad}
	if err := diag.WriteText(os.Stdout, ds, sources); err != nil {
		fmt.Println(err)
	}
	// Output:
	// club.charter:2:11: error: malformed string "Fans \q": bad escape sequence [CH0001]
	//       purpose "Fans \q"
	//               ^^^^^^^^^
	// club.charter:3:25: error: unexpected character '@' [CH0001]
	//       may post if posts > 1 @ 2
	//                             ^
}

// A List is an error value, so that a caller can return every diagnostic
// at once; HasErrors tells errors from warnings.
func ExampleList() {
	_, ds := syntax.Parse("club.charter", bad)
	if ds.HasErrors() {
		var err error = ds
		fmt.Println(err)
	}
	// Output:
	// club.charter:2:11: error: malformed string "Fans \q": bad escape sequence [CH0001]
	// club.charter:3:25: error: unexpected character '@' [CH0001]
}

// WriteJSON writes the form `charter check --format json` prints, for
// editors and CI.
func ExampleWriteJSON() {
	_, ds := syntax.Parse("club.charter", bad)
	if err := diag.WriteJSON(os.Stdout, ds[1:]); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [
	//   {
	//     "file": "club.charter",
	//     "line": 3,
	//     "column": 25,
	//     "endLine": 3,
	//     "endColumn": 26,
	//     "severity": "error",
	//     "code": "CH0001",
	//     "message": "unexpected character '@'",
	//     "suggestion": ""
	//   }
	// ]
}
