package lsp

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/charterlang/charter/lang/diag"
)

// An encoding is how the client counts the characters of a Position: LSP
// counts UTF-16 code units unless both sides agree on another, and this
// server agrees to UTF-8 (bytes) when the client offers it, since that is
// how Charter's positions count offsets already.
type encoding int

const (
	utf16Units encoding = iota
	utf8Bytes
)

func (e encoding) String() string {
	if e == utf8Bytes {
		return "utf-8"
	}
	return "utf-16"
}

// text is a document's content with the byte offset of each line start,
// for converting between byte offsets and LSP positions. Lines end at
// "\n"; a "\r" before it belongs to the line, which no position needs to
// enter.
type text struct {
	src   []byte
	lines []int
}

func newText(src []byte) *text {
	t := &text{src: src, lines: []int{0}}
	for i, b := range src {
		if b == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

// position converts a byte offset into an LSP position. An offset inside
// a UTF-8 sequence counts as the start of its rune; one past the end is
// the end.
func (t *text) position(off int, enc encoding) Position {
	off = max(0, min(off, len(t.src)))
	line := searchLine(t.lines, off)
	start := t.lines[line]
	seg := t.src[start:off]
	if enc == utf8Bytes {
		return Position{Line: line, Character: len(seg)}
	}
	n := 0
	for len(seg) > 0 {
		r, size := utf8.DecodeRune(seg)
		if size > len(seg) {
			break
		}
		if r >= 0x10000 && r != utf8.RuneError {
			n += 2 // a surrogate pair
		} else {
			n++
		}
		seg = seg[size:]
	}
	return Position{Line: line, Character: n}
}

// offset converts an LSP position into a byte offset. A line past the end
// is the end of the text; a character past the end of its line is the end
// of the line (the specification says so); a character inside a surrogate
// pair is the start of its rune.
func (t *text) offset(p Position, enc encoding) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(t.lines) {
		return len(t.src)
	}
	start := t.lines[p.Line]
	end := len(t.src)
	if p.Line+1 < len(t.lines) {
		end = t.lines[p.Line+1] - 1 // before the "\n"
	}
	if enc == utf8Bytes {
		off := start + max(0, p.Character)
		if off > end {
			return end
		}
		for off > start && !utf8.RuneStart(t.src[off]) {
			off--
		}
		return off
	}
	n := 0
	off := start
	for off < end {
		r, size := utf8.DecodeRune(t.src[off:end])
		w := 1
		if r >= 0x10000 && r != utf8.RuneError {
			w = utf16.RuneLen(r)
		}
		if n+w > p.Character {
			break
		}
		n += w
		off += size
	}
	return off
}

func searchLine(lines []int, off int) int {
	lo, hi := 0, len(lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// rangeOf converts a diagnostic range of this text. Charter positions carry
// byte offsets, which is what the conversion uses; an end before the start
// (which no diagnostic should have) is taken as the start.
func (t *text) rangeOf(r diag.Range, enc encoding) Range {
	start := r.Start.Offset
	end := r.End.Offset
	if !r.End.IsValid() || end < start {
		end = start
	}
	return Range{Start: t.position(start, enc), End: t.position(end, enc)}
}

func decodeRune(b []byte) (rune, int) { return utf8.DecodeRune(b) }

// isIdent reports whether s is one Charter identifier: Unicode letters,
// digits and _, not starting with a digit.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}
