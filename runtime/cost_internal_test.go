package runtime

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/stdlib"
)

// TestStringBoundsHoldTheirWorstCase runs effects that build the longest
// strings lower and upper can make from their argument, stores them, and
// holds each stored length to the bound Cost gives the effect's value, and
// the effect's Cost to the bytes built. A valid rune grows at most from 2
// bytes to 3 (U+023A 'Ⱥ' in lower case, U+023F 'ȿ' in upper case), however
// many times the case is changed. Every string an expression sees is
// valid UTF-8: an escape of a byte above 0x7F ("\xff", which expr-lang
// read as 'ÿ') is refused (SPEC §2.8), so the last case writes 'ÿ' itself.
func TestStringBoundsHoldTheirWorstCase(t *testing.T) {
	grows := strings.Repeat("Ⱥ", 1000)   // 2,000 bytes whose lower case takes 3,000
	shrinks := strings.Repeat("ȿ", 1000) // 2,000 bytes whose upper case takes 3,000
	escaped := strings.Repeat("ÿ", 1000)
	cases := []struct {
		value string
		want  string // what the effect stores
	}{
		{`lower("` + grows + `")`, strings.Repeat("ⱥ", 1000)},
		{`upper("` + shrinks + `")`, strings.Repeat("Ȿ", 1000)},
		{`lower(upper(lower("` + grows + `")))`, strings.Repeat("ⱥ", 1000)},
		{`trim(lower("` + grows + `" + "` + grows + `"))`, strings.Repeat("ⱥ", 2000)},
		{`n > 0 ? "" : upper("x" + "` + shrinks + `")`, "X" + strings.Repeat("Ȿ", 1000)},
		{`lower(d)`, strings.Repeat("ⱥ", 300)},
		{`upper("` + escaped + `")`, strings.Repeat("Ÿ", 1000)},
	}
	var src strings.Builder
	src.WriteString("community C {\n  member { n: int; out: string; d: string = \"" + strings.Repeat("Ⱥ", 300) + "\" }\n")
	for i, tc := range cases {
		fmt.Fprintf(&src, "  action a%d()\n  may a%d\n  on a%d { out = %s }\n", i, i, i, tc.value)
	}
	src.WriteString("}\n")
	prog, err := CompileSource("c.charter", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("C")
	st := NewState(c)
	m, err := c.Member(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Join("m", m); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := newCoster(c.def, true)
	for i, tc := range cases {
		action := fmt.Sprintf("a%d", i)
		if _, err := st.Apply(context.Background(), "m", action, nil, t0); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got := st.Snapshot().Members[0].Attributes["out"].(string)
		if got != tc.want {
			t.Errorf("case %d stored %d bytes (%.12q...), want %d (%.12q...)", i, len(got), got, len(tc.want), tc.want)
		}
		value := c.actionByName[action].effect[0].def.Value.Root
		if b := k.strLen(value); b < int64(len(got)) {
			t.Errorf("case %d: the bound of the value is %d bytes, below the %d it built", i, b, len(got))
		}
		if cost, err := c.Cost(action); err != nil || cost < int64(len(got)) {
			t.Errorf("case %d: Cost = %d (%v), below the %d bytes the effect built", i, cost, err, len(got))
		}
	}
}

// TestStringBoundsOfInvalidUTF8: were a string of invalid UTF-8 to reach
// lower or upper (no input gives one today: the host's strings and the
// stored ones are checked, and a literal's escape names no byte above
// 0x7F), each invalid byte would become U+FFFD, 3 bytes. The bounds hold
// that case too, measured against the functions the runtime calls.
func TestStringBoundsOfInvalidUTF8(t *testing.T) {
	bad := strings.Repeat("\xff", 1000)
	mixed := strings.Repeat("Ⱥ", 500) + bad
	for _, name := range []string{"lower", "upper"} {
		f, _ := stdlib.Lookup(name)
		fn := f.Sigs[0].Impl.(stdlib.StringFn)
		call := func(arg exprast.Node) exprast.Node {
			return &exprast.CallNode{Callee: &exprast.IdentifierNode{Value: name}, Arguments: []exprast.Node{arg}}
		}
		lit := func(s string) exprast.Node { return &exprast.StringNode{Value: s} }
		for _, tc := range []struct {
			node exprast.Node
			real string
		}{
			{call(lit(bad)), fn(bad)},
			{call(lit(mixed)), fn(mixed)},
			{call(&exprast.BinaryNode{Operator: "+", Left: lit(bad), Right: lit(mixed)}), fn(bad + mixed)},
			{call(call(lit(bad))), fn(fn(bad))},
			{call(lit("\xe2\x82")), fn("\xe2\x82")}, // a rune cut short: two invalid bytes
		} {
			if !utf8.ValidString(tc.real) {
				t.Fatalf("%s gave invalid UTF-8", name)
			}
			for _, effect := range []bool{false, true} {
				if b := (coster{effect: effect}).strLen(tc.node); b < int64(len(tc.real)) {
					t.Errorf("%s: bound %d bytes (effect %v), below the %d it builds", name, b, effect, len(tc.real))
				}
			}
		}
	}
	// In an effect, the longest string lower can build before the refusal:
	// a 1 MiB concatenation of growing runes and invalid bytes.
	f, _ := stdlib.Lookup("lower")
	lower := f.Sigs[0].Impl.(stdlib.StringFn)
	s := strings.Repeat("Ⱥ", (1<<20-len(bad))/2)
	real := lower(s + bad)
	node := &exprast.CallNode{Callee: &exprast.IdentifierNode{Value: "lower"}, Arguments: []exprast.Node{
		&exprast.BinaryNode{Operator: "+", Left: &exprast.IdentifierNode{Value: "s"}, Right: &exprast.StringNode{Value: bad}}}}
	if b := (coster{effect: true}).strLen(node); b < int64(len(real)) {
		t.Errorf("lower(s + bad) in an effect: bound %d bytes, below the %d it builds", b, len(real))
	}
	// An attribute whose default holds invalid UTF-8 is bounded as such.
	k := coster{stored: 1000}
	if b, bad := k.strBound(&exprast.IdentifierNode{Value: "s"}); b != 1<<20 || bad != 1000 {
		t.Errorf("an attribute's bound = %d, %d invalid; want 1 MiB, 1000", b, bad)
	}
}
