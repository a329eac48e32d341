package gen

import (
	"regexp"
	"testing"
)

// renameWords renames whole words as regexp's \b would, which is what it
// replaced; the regexp is the oracle here.
func TestRenameWordsAsRegexp(t *testing.T) {
	srcs := []string{
		"",
		"add",
		"func add(a, b int) int { return add2(a) + xadd(b) + add_(a) + add }",
		"// add adds; addAll does not.\nvar add = add\n",
		"add.add(add)add",
		"été add été_add 9add add9 +add+",
	}
	pairs := [][]string{
		{"add", "arithAdd"},
		{"add", "x", "x", "y"},
		{"add", ""},
		{"a", "b", "b", "a"},
	}
	for _, src := range srcs {
		for _, p := range pairs {
			want := src
			for i := 0; i+1 < len(p); i += 2 {
				want = regexp.MustCompile(`\b`+regexp.QuoteMeta(p[i])+`\b`).ReplaceAllLiteralString(want, p[i+1])
			}
			if got := renameWords(src, p); got != want {
				t.Errorf("renameWords(%q, %q) = %q, want %q", src, p, got, want)
			}
		}
	}
}
