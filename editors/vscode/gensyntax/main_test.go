package main

import (
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	src := "community A { // c\n  member { n: int = 2 }\n  may x if n >= 1d\n}\n"
	got, err := Generate("a.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `// SYNTAX TEST "source.charter" "a.charter"
community A { // c
// <--------- keyword.control.charter
//            ^^^^ comment.line.double-slash.charter
  member { n: int = 2 }
//^^^^^^ keyword.control.charter
//            ^^^ storage.type.charter
//                ^ keyword.operator.charter
//                  ^ constant.numeric.integer.charter
  may x if n >= 1d
//^^^ keyword.control.charter
//      ^^ keyword.control.charter
//           ^^ keyword.operator.charter
//              ^^ constant.numeric.duration.charter
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Names (x, n) are not keywords, and what would read as an assertion
	// is refused rather than silently tested wrong.
	if _, err := Generate("b.charter", []byte("// ^ not a test\ncommunity B {}\n")); err == nil || !strings.Contains(err.Error(), "b.charter:1") {
		t.Errorf("assertion-like comment: %v", err)
	}
	if _, err := Generate("c.charter", []byte("community C {\n")); err == nil {
		t.Error("a file with syntax errors was accepted")
	}
}
