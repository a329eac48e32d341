package main

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines shown around each change.
const diffContext = 3

// maxEdits bounds the work of the shortest-edit-script search, whose
// memory grows with the square of the number of edits. Past it, the lines
// between the common head and tail are shown as removed and re-added: still
// a correct diff, only not the smallest one.
const maxEdits = 2000

// edit is one line of an edit script.
type edit struct {
	op   byte // ' ' kept, '-' removed, '+' added
	a, b int  // line index in the old and the new text (of the line, or of where it goes)
}

// unifiedDiff returns the changes from old to new as a unified diff, in
// gofmt -d's form, or nil when the texts are equal.
func unifiedDiff(oldName, newName string, old, new []byte) []byte {
	if bytes.Equal(old, new) {
		return nil
	}
	a, b := splitLines(old), splitLines(new)
	script := diffLines(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "diff %s %s\n--- %s\n+++ %s\n", oldName, newName, oldName, newName)
	for i := 0; i < len(script); {
		if script[i].op == ' ' {
			i++
			continue
		}
		// A hunk runs from this change to the last change that is at most
		// 2*diffContext kept lines after the one before it.
		start := max(0, i-diffContext)
		end := i
		for j := i; j < len(script); j++ {
			if script[j].op != ' ' {
				end = j
			} else if j-end > 2*diffContext {
				break
			}
		}
		stop := min(len(script), end+1+diffContext)
		writeHunk(&out, a, b, script[start:stop])
		i = stop
	}
	return []byte(out.String())
}

func writeHunk(out *strings.Builder, a, b []string, h []edit) {
	aStart, bStart := h[0].a, h[0].b
	aLen, bLen := 0, 0
	for _, e := range h {
		switch e.op {
		case ' ':
			aLen++
			bLen++
		case '-':
			aLen++
		case '+':
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, e := range h {
		line := ""
		switch e.op {
		case ' ', '-':
			line = a[e.a]
		case '+':
			line = b[e.b]
		}
		out.WriteByte(e.op)
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange prints a hunk's start and length as unified diffs do: lines
// count from 1, and an empty range names the line before it.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines cuts s after each newline; the last line may lack one.
func splitLines(s []byte) []string {
	var out []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, string(s))
			break
		}
		out = append(out, string(s[:i+1]))
		s = s[i+1:]
	}
	return out
}

// diffLines returns a shortest edit script turning a into b: the lines of
// a longest common subsequence are kept, the others removed or added.
func diffLines(a, b []string) []edit {
	var script []edit
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		script = append(script, edit{' ', head, head})
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	mid := myers(a[head:len(a)-tail], b[head:len(b)-tail])
	for _, e := range mid {
		script = append(script, edit{e.op, e.a + head, e.b + head})
	}
	for i := tail; i > 0; i-- {
		script = append(script, edit{' ', len(a) - i, len(b) - i})
	}
	return script
}

// myers is E. Myers' O(ND) shortest-edit-script search ("An O(ND)
// Difference Algorithm and Its Variations", 1986), keeping the furthest
// points of each round to walk the path back.
func myers(a, b []string) []edit {
	n, m := len(a), len(b)
	var trace [][]int // trace[d][k+d]: furthest x on diagonal k after round d-1
	v := map[int]int{1: 0}
	found := -1
	for d := 0; d <= n+m && d <= maxEdits; d++ {
		snap := make([]int, 2*d+1)
		for k := -d; k <= d; k++ {
			snap[k+d] = v[k]
		}
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[k-1] < v[k+1] {
				x = v[k+1]
			} else {
				x = v[k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
		if found >= 0 {
			break
		}
	}
	if found < 0 {
		return replaceAll(n, m)
	}
	var rev []edit
	x, y := n, m
	for d := found; d >= 0; d-- {
		snap := trace[d]
		at := func(k int) int { return snap[k+d] }
		k := x - y
		var prevK int
		if d == 0 {
			prevK = 0
		} else if k == -d || k != d && at(k-1) < at(k+1) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := 0
		if d > 0 {
			prevX = at(prevK)
		}
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, edit{' ', x, y})
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, edit{'+', x, prevY})
			} else {
				rev = append(rev, edit{'-', prevX, y})
			}
		}
		x, y = prevX, prevY
	}
	script := make([]edit, len(rev))
	for i, e := range rev {
		script[len(rev)-1-i] = e
	}
	return script
}

// replaceAll removes every line of a and adds every line of b.
func replaceAll(n, m int) []edit {
	var script []edit
	for i := range n {
		script = append(script, edit{'-', i, 0})
	}
	for j := range m {
		script = append(script, edit{'+', n, j})
	}
	return script
}
