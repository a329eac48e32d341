package lsp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/runtime"
)

// thousandRules is a community of 1,000 rules over 20 attributes and 50
// actions, with a test, as a designer's largest file might be.
func thousandRules() string {
	var b strings.Builder
	b.WriteString("community Big {\n  member {\n")
	for i := range 20 {
		fmt.Fprintf(&b, "    a%d: int\n", i)
	}
	b.WriteString("  }\n  roles {\n    high if a0 > 10\n    low otherwise\n  }\n")
	for i := range 50 {
		fmt.Fprintf(&b, "  action p%d(n: int)\n", i)
	}
	for i := range 1000 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "  may p%d if a%d > %d && n < %d\n", i%50, i%20, i, i+5)
		case 1:
			fmt.Fprintf(&b, "  must not p%d if a%d + a%d > %d because \"too many %d\"\n", i%50, i%20, (i+1)%20, i, i)
		case 2:
			fmt.Fprintf(&b, "  limit p%d %d per 1d if role <= low\n", i%50, i%7+1)
		default:
			fmt.Fprintf(&b, "  may p%d if role >= high && since(now()) < %dd\n", i%50, i%30+1)
		}
	}
	b.WriteString("  test \"t\" {\n    do p0(n: 1)\n  }\n}\n")
	return b.String()
}

// BenchmarkDiagnostics1000Rules measures the time from a change to a
// 1,000-rule file to its diagnostics arriving, over real framing: parse,
// check, compile, convert and publish. The budget is 100 ms.
func BenchmarkDiagnostics1000Rules(b *testing.B) {
	src := thousandRules()
	c := newClient(b)
	c.initialize()
	c.open("untitled:big", src)
	if ds := c.diagnostics("untitled:big"); len(ds) == 0 || ds[0].Code != "CH0200" {
		b.Fatalf("diagnostics %v, want the unused-attribute lints first", ds)
	}
	edited := strings.Replace(src, "a0 > 10", "a0 > 11", 1)
	b.ResetTimer()
	for i := range b.N {
		text := src
		if i%2 == 0 {
			text = edited
		}
		c.change("untitled:big", i+2, text)
		c.diagnostics("untitled:big")
	}
}

// BenchmarkLoad1000Rules is what charter check does with the same file
// (parse, check, compile), for comparison: the rest of
// BenchmarkDiagnostics1000Rules is the server's own cost.
func BenchmarkLoad1000Rules(b *testing.B) {
	src := []byte(thousandRules())
	for range b.N {
		ls := lang.LoadSources(map[string][]byte{"big.charter": src})
		if _, err := runtime.Compile(ls.Program); err != nil {
			b.Fatal(err)
		}
	}
}
