package syntax

import (
	"os"
	"testing"
	"time"

	"github.com/charterlang/charter/lang/diag"
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

// TestUnterminatedStringEndingInBackslash: a backslash as the file's last
// byte once made the lexer step past the end and loop forever.
func TestUnterminatedStringEndingInBackslash(t *testing.T) {
	for _, src := range []string{`"\`, `community A { purpose "abc\`, "community A { purpose '\\"} {
		done := make(chan diag.List, 1)
		go func() {
			_, ds := Parse("t.charter", []byte(src))
			done <- ds
		}()
		select {
		case ds := <-done:
			if len(ds) == 0 || ds[0].Code != diag.Lex {
				t.Errorf("%q: got %v, want a %s error", src, ds, diag.Lex)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: Parse does not return", src)
		}
	}
}
