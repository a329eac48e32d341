package format

import (
	"bytes"
	"flag"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/syntax"
)

var (
	perturbRuns = flag.Int("perturb", 25, "variants of each corpus file TestPerturbedLayouts tries")
	perturbSeed = flag.Int64("perturbseed", 7, "random seed of TestPerturbedLayouts")
)

// TestPerturbedLayouts rewrites the corpus files with random whitespace,
// line breaks, separators and comments between their tokens, and checks
// the formatter's properties on every variant that still parses: the
// syntax tree and the comments are kept, and formatting is idempotent.
func TestPerturbedLayouts(t *testing.T) {
	n := *perturbRuns
	if testing.Short() {
		n = 5
	}
	// Fillers for a line break, for other whitespace, and for the place
	// between two tokens that touch. A line break can end an expression, so
	// line breaks stay line breaks and spaces stay on one line.
	lineFill := []string{
		"\n", "\n\n", "\r\n", "\n\n\n  ", "\t\n", " // c\n", "\n// own\n", "\n/* own */\n",
		" /* two\nlines */\n", "\n/* own */ ", ";\n", " ;\n\n",
	}
	spaceFill := []string{" ", "  ", "\t", " /* c */ ", "/*c*/"}
	r := rand.New(rand.NewSource(*perturbSeed))
	tried, parsed := 0, 0
	files := corpus(t)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		toks, ds := syntax.Lex(name, files[name])
		if ds.HasErrors() {
			continue
		}
		for range n {
			seed := r.Int63()
			r := rand.New(rand.NewSource(seed))
			var b strings.Builder
			for i, tok := range toks {
				switch {
				case tok.Type == syntax.TokSpace && r.Intn(4) == 0:
					if strings.Contains(tok.Value, "\n") {
						b.WriteString(lineFill[r.Intn(len(lineFill))])
					} else {
						b.WriteString(spaceFill[r.Intn(len(spaceFill))])
					}
				case tok.Type == syntax.TokSpace:
					b.WriteString(tok.Value)
				default:
					b.WriteString(tok.Value)
					if i+1 < len(toks) && toks[i+1].Type != syntax.TokSpace && r.Intn(10) == 0 {
						b.WriteString(spaceFill[r.Intn(len(spaceFill))])
					}
				}
			}
			tried++
			in := []byte(b.String())
			f, ds := syntax.Parse(name, in)
			if ds.HasErrors() {
				continue
			}
			parsed++
			out := Source(f)
			g, ds := syntax.Parse(name, out)
			if ds.HasErrors() {
				t.Fatalf("output does not parse: %v\ninput:\n%s\noutput:\n%s", ds, in, out)
			}
			if d := EqualAST(f, g); d != "" {
				t.Fatalf("output means something else:\n%s\ninput:\n%s\noutput:\n%s", d, in, out)
			}
			if !slices.Equal(commentTexts(f), commentTexts(g)) {
				t.Fatalf("comments changed\ninput:\n%s\noutput:\n%s", in, out)
			}
			if again := Source(g); !bytes.Equal(again, out) {
				t.Fatalf("not idempotent\ninput:\n%q\nonce:\n%s\ndifferences:\n%s", in, out, lineDiff(string(out), string(again)))
			}
		}
	}
	t.Logf("%d variants, %d parsed", tried, parsed)
	if parsed < tried/10 {
		t.Errorf("only %d of %d variants parse: the perturbations are too rough to test much", parsed, tried)
	}
}
