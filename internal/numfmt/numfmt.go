// Package numfmt writes numbers for people to read: the digits of the
// whole part grouped in threes with commas (1,234,567.5), as the CLI's
// summaries and the simulation report print them.
package numfmt

import (
	"strconv"
	"strings"
)

// Int writes n with its digits grouped: -1234567 is "-1,234,567".
func Int(n int64) string { return Group(strconv.FormatInt(n, 10)) }

// Group inserts commas between groups of three digits of the whole part
// of the decimal number s, which may have a sign and a fraction:
// "-1234.50" is "-1,234.50".
func Group(s string) string {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
