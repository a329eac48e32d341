package main

import (
	"math/rand"
	"strings"
	"testing"
)

// lcsLen is the textbook dynamic program, to check diffLines against.
func lcsLen(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// apply replays an edit script on a and checks every step against a and b.
func apply(t *testing.T, a, b []string, script []edit) []string {
	t.Helper()
	var out []string
	ai, bi := 0, 0
	for _, e := range script {
		switch e.op {
		case ' ':
			if e.a != ai || e.b != bi || a[ai] != b[bi] {
				t.Fatalf("bad keep %+v at a=%d b=%d", e, ai, bi)
			}
			out = append(out, a[ai])
			ai++
			bi++
		case '-':
			if e.a != ai {
				t.Fatalf("bad remove %+v at a=%d", e, ai)
			}
			ai++
		case '+':
			if e.b != bi {
				t.Fatalf("bad add %+v at b=%d", e, bi)
			}
			out = append(out, b[bi])
			bi++
		}
	}
	if ai != len(a) || bi != len(b) {
		t.Fatalf("script stops at a=%d b=%d of %d, %d", ai, bi, len(a), len(b))
	}
	return out
}

func TestDiffLinesIsShortest(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	gen := func() []string {
		n := r.Intn(12)
		s := make([]string, n)
		for i := range s {
			s[i] = string(rune('a' + r.Intn(4)))
		}
		return s
	}
	for range 3000 {
		a, b := gen(), gen()
		script := diffLines(a, b)
		if got := apply(t, a, b, script); strings.Join(got, "") != strings.Join(b, "") {
			t.Fatalf("%q -> %q: script yields %q", a, b, got)
		}
		kept := 0
		for _, e := range script {
			if e.op == ' ' {
				kept++
			}
		}
		if want := lcsLen(a, b); kept != want {
			t.Fatalf("%q -> %q: keeps %d lines, the longest common subsequence has %d", a, b, kept, want)
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	var old, new []string
	for i := 1; i <= 20; i++ {
		old = append(old, "line "+string(rune('a'+i)))
	}
	new = append(new, old...)
	new[1] = "changed b"                // hunk 1
	new = append(new[:15], new[16:]...) // hunk 2: remove line 16
	got := string(unifiedDiff("x.orig", "x", []byte(strings.Join(old, "\n")+"\n"), []byte(strings.Join(new, "\n"))))
	want := `diff x.orig x
--- x.orig
+++ x
@@ -1,5 +1,5 @@
 line b
-line c
+changed b
 line d
 line e
 line f
@@ -13,8 +13,7 @@
 line n
 line o
 line p
-line q
 line r
 line s
 line t
-line u
+line u
\ No newline at end of file
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if unifiedDiff("a", "b", []byte("x\n"), []byte("x\n")) != nil {
		t.Error("diff of equal texts is not empty")
	}
	if got := string(unifiedDiff("a", "b", nil, []byte("x\n"))); !strings.HasSuffix(got, "@@ -0,0 +1 @@\n+x\n") {
		t.Errorf("diff from an empty file:\n%s", got)
	}
}

func TestDiffFallsBackOnHugeChanges(t *testing.T) {
	var a, b []string
	for i := range maxEdits + 10 {
		a = append(a, "a"+string(rune(i)))
		b = append(b, "b"+string(rune(i)))
	}
	script := diffLines(a, b)
	apply(t, a, b, script)
}
