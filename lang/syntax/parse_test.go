package syntax

import (
	"os"
	"testing"
)

func TestParseFanClub(t *testing.T) {
	src, err := os.ReadFile("../../examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	f, ds := Parse("fanclub.charter", src)
	for _, d := range ds {
		t.Errorf("%v", d)
	}
	if len(f.Communities) != 2 {
		t.Fatalf("got %d communities, want 2", len(f.Communities))
	}
	for _, e := range Exprs(f) {
		t.Logf("%v %q", e.Pos, e.Src)
	}
}
