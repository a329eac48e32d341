package lang

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charterlang/charter/internal/hostile"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
)

// genRules returns a community with n rules spread over 20 actions, each
// with a condition over the member's attributes and the action's parameter.
func genRules(n int) []byte {
	var b strings.Builder
	b.WriteString("community Big {\n  member {\n    posts: int\n    comments: int\n    score: float\n    banned: bool\n    seen: time\n  }\n")
	for a := 0; a < 20; a++ {
		fmt.Fprintf(&b, "  action act%d(size: int, tag: string)\n", a)
	}
	b.WriteString("  roles {\n    lead if posts >= 50 && score >= 100\n    maker if posts >= 5\n    talker if comments >= 20\n    guest otherwise\n  }\n")
	b.WriteString("  badge quiet if days_since(seen) > 30\n")
	for i := 0; i < n; i++ {
		a := i % 20
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "  may act%d if role >= maker && size < %d\n", a, 100+i)
		case 1:
			fmt.Fprintf(&b, "  must not act%d if banned || size > %d because \"rule %d\"\n", a, 1000+i, i)
		case 2:
			fmt.Fprintf(&b, "  limit act%d %d per 1d if role <= talker && tag != \"t%d\"\n", a, 1+i%5, i)
		default:
			fmt.Fprintf(&b, "  may act%d if quiet && comments + posts > %d\n", a, i)
		}
	}
	b.WriteString("  on act0 { posts += 1; score += 0.5 }\n")
	b.WriteString("  goal g { measure share(role >= maker); target >= 0.5 }\n}\n")
	return []byte(b.String())
}

func TestGenRulesChecksClean(t *testing.T) {
	f, ds := syntax.Parse("big.charter", genRules(1000))
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	_, ds = check.Check([]*syntax.File{f}, Stdlib())
	if ds.HasErrors() {
		t.Fatal(ds.Errors())
	}
	if n := len(f.Communities[0].Decls); n < 1000 {
		t.Fatalf("%d declarations", n)
	}
}

// BenchmarkParse1000 parses a generated 1,000-rule file.
func BenchmarkParse1000(b *testing.B) {
	src := genRules(1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := syntax.Parse("big.charter", src); len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}

// BenchmarkParseCheck1000 parses and checks a generated 1,000-rule file.
func BenchmarkParseCheck1000(b *testing.B) {
	src := genRules(1000)
	b.ReportAllocs()
	for b.Loop() {
		f, _ := syntax.Parse("big.charter", src)
		if _, ds := check.Check([]*syntax.File{f}, Stdlib()); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

// BenchmarkHostile parses, then parses and checks, each shape of
// internal/hostile: the worst files known for the front end (issue 16).
// `charter check` also compiles and prints; BENCHMARKS.md times it whole.
func BenchmarkHostile(b *testing.B) {
	for _, s := range hostile.All() {
		b.Run(s.Name+"/parse", func(b *testing.B) {
			b.SetBytes(int64(len(s.Src)))
			b.ReportAllocs()
			for b.Loop() {
				syntax.Parse(s.Name+".charter", s.Src)
			}
		})
		b.Run(s.Name+"/load", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				LoadSources(map[string][]byte{s.Name + ".charter": s.Src})
			}
		})
	}
}
