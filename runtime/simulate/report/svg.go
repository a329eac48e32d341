package report

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// svg writes SVG markup. Every attribute value and every text goes through
// escape: names of roles, rules and goals come from the rule file and the
// model, and none of them may open an element.
type svg struct {
	b bytes.Buffer
}

// open writes <name k="v" ...>; attrs are key, value pairs.
func (w *svg) open(name string, attrs ...string) {
	w.start(name, attrs)
	w.b.WriteByte('>')
}

// elem writes the empty element <name k="v" .../>.
func (w *svg) elem(name string, attrs ...string) {
	w.start(name, attrs)
	w.b.WriteString("/>")
}

func (w *svg) start(name string, attrs []string) {
	if len(attrs)%2 != 0 {
		panic("report: odd attribute list for <" + name + ">")
	}
	w.b.WriteByte('<')
	w.b.WriteString(name)
	for i := 0; i < len(attrs); i += 2 {
		w.b.WriteByte(' ')
		w.b.WriteString(attrs[i])
		w.b.WriteString(`="`)
		escape(&w.b, attrs[i+1])
		w.b.WriteByte('"')
	}
}

func (w *svg) close(name string) {
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

// textElem writes <name attrs...>text</name>.
func (w *svg) textElem(name, text string, attrs ...string) {
	w.open(name, attrs...)
	escape(&w.b, text)
	w.close(name)
}

// tooltip writes a <title> child: browsers show it on hover, screen readers
// read it, and it needs no script.
func (w *svg) tooltip(text string) { w.textElem("title", text) }

func (w *svg) raw(s string) { w.b.WriteString(s) }

// escape writes s as XML character data that is also safe in an attribute
// value in double or single quotes, and in HTML. Characters XML does not
// allow (most control characters, invalid UTF-8) become U+FFFD, so the
// document stays well-formed whatever a label holds.
func escape(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteRune(r)
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
}

// num formats a coordinate: at most two decimals, no trailing zeros, no
// "-0", so paths stay short.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		// A coordinate is always computed from finite data; this keeps a
		// bug visible as 0 rather than as an unparsable attribute.
		return "0"
	}
	s := strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// truncate shortens s to at most n runes, ending with "…" when it cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

// textWidth estimates the width in pixels of s at the given font size:
// SVG text has no measure before it is drawn, and a sans-serif glyph
// averages a little over half the font size (wide scripts take a full em).
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x1100 {
			w += size
		} else {
			w += 0.58 * size
		}
	}
	return w
}
