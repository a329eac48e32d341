package syntax

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/charterlang/charter/lang/diag"
)

// Limits on what the front end accepts. SPEC.md ("Limits") documents them.
const (
	MaxFileSize  = 2 << 20 // bytes in one source file
	MaxDepth     = 64      // nesting of (), [] and {} inside one expression
	MaxTokenLen  = 4096    // bytes in one identifier, number or string literal
	MaxExprNodes = 2000    // expr-lang AST nodes in one expression
)

// Token is one token of Charter source: its type, its text as written and
// where it starts.
type Token struct {
	Type  TokenType
	Value string
	Pos   diag.Pos
}

// End returns the position just after the token. A byte of invalid UTF-8
// (in a comment, which is still a token after its CH0010) is one byte and
// one column, as the lexer's errors count it.
func (t Token) End() diag.Pos {
	p := t.Pos
	for s := t.Value; s != ""; {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		p.Offset += size
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

// TokenType says what kind of token a Token is.
type TokenType int

// Token types of the Charter lexer. The numbers are participle's token
// types too: Parse hands the tokens to participle unchanged when descent
// gives a file up.
const (
	EOF         = TokenType(lexer.EOF)
	TokSpace    = TokenType(iota + 1) // spaces, tabs and newlines (elided)
	TokComment                        // // to end of line, or /* ... */ (elided)
	TokIdent                          // Unicode letters, digits and _; not starting with a digit
	TokString                         // "...", '...' or `...`
	TokInt                            // 42
	TokFloat                          // 1.5, 2e3
	TokDuration                       // 30s 15m 24h 7d 2w 500ms
	TokPunct                          // operators and brackets
)

var symbols = map[string]lexer.TokenType{
	"EOF": lexer.EOF, "Space": lexer.TokenType(TokSpace), "Comment": lexer.TokenType(TokComment),
	"Ident": lexer.TokenType(TokIdent), "String": lexer.TokenType(TokString), "Int": lexer.TokenType(TokInt),
	"Float": lexer.TokenType(TokFloat), "Duration": lexer.TokenType(TokDuration), "Punct": lexer.TokenType(TokPunct),
}

// puncts lists the operators, longest first so that the lexer is greedy.
var puncts = []string{
	"...", "**=",
	"==", "!=", "<=", ">=", "&&", "||", "??", "?.", "..", "**", "+=", "-=", "*=", "/=", "%=",
	"(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "+", "-", "*", "/", "%", "^",
	"<", ">", "=", "!", "?", "|", "#", "~",
}

// durationUnits are the suffixes of duration literals and their length.
var durationUnits = map[string]int64{
	"ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9, "w": 7 * 86400e9,
}

// definition is the participle lexer definition; Lex does the work.
type definition struct{}

func (definition) Symbols() map[string]lexer.TokenType { return symbols }

func (definition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	toks, ds := Lex(filename, src)
	if len(ds) > 0 {
		return nil, ds[0]
	}
	return newSliceLexer(toks, filename, len(src)), nil
}

// scanner turns source bytes into tokens. It keeps going after an error so
// that a file with several bad characters reports each of them.
type scanner struct {
	src      string
	pos      diag.Pos
	toks     []Token
	diags    diag.List
	filename string
}

// Lex splits src into tokens, including the elided Space and Comment tokens.
// Lexical problems are reported as diagnostics; the tokens returned are the
// ones that could be read.
func Lex(filename string, src []byte) ([]Token, diag.List) {
	_, toks, ds := lex(filename, src)
	return toks, ds
}

// lex is Lex, and also returns the source as a string: every token's
// Value is a slice of it, and so, since the tokens are contiguous, is
// the text between any two of them.
func lex(filename string, src []byte) (string, []Token, diag.List) {
	s := &scanner{filename: filename, pos: diag.Pos{Filename: filename, Line: 1, Column: 1}}
	text := string(src)
	if strings.HasPrefix(text, "\uFEFF") { // a byte order mark is allowed and ignored
		s.pos.Offset = 3
	}
	s.src = text
	// Sized by a quick count of the tokens first: grown from empty, the
	// slice of a 2 MB file was copied about twenty times, and sized for a
	// token every eight bytes, the hostile shapes of issue 16 (a token
	// every two or three bytes) still allocated three to four times the
	// slice they ended with, over half of what parsing them allocated.
	// Sizing for the densest source (a token every two bytes) would reserve
	// 64 MiB for a 2 MiB file of comments.
	s.toks = make([]Token, 0, countTokens(text[s.pos.Offset:])+1)
	s.run()
	return s.src, s.toks, s.diags
}

// countTokens returns about the number of tokens run makes of text, and
// never much more: it reads spaces, comments, strings and names (and
// numbers) as run does and counts each other byte as a token, so that
// only a multi-byte operator or a number with a dot or an exponent counts
// more than once, and a bad byte that run reports once or not at all.
func countTokens(text string) int {
	n := 0
	for i := 0; i < len(text); n++ {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				j = len(text) - i
			}
			for j > 2 && text[i+j-1] == '\r' { // as run: CRs before the end are spaces
				j--
			}
			i += j
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			if j := strings.Index(text[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(text)
			}
		case c == '"' || c == '\'' || c == '`':
			i++
			for i < len(text) && text[i] != c && (c == '`' || text[i] != '\n') {
				if text[i] == '\\' && c != '`' {
					i++
				}
				i++
			}
			i++
		case c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || c >= utf8.RuneSelf:
			for i < len(text) && (text[i] == '_' || text[i] >= '0' && text[i] <= '9' || text[i]|0x20 >= 'a' && text[i]|0x20 <= 'z' || text[i] >= utf8.RuneSelf) {
				i++
			}
		default:
			i++
		}
	}
	return n
}

func (s *scanner) errorf(code diag.Code, start, end diag.Pos, format string, args ...any) {
	if len(s.diags) >= 20 { // one bad byte in a binary file would otherwise repeat forever
		return
	}
	s.diags.Add(diag.Error, code, diag.Range{Start: start, End: end}, format, args...)
}

// advance moves the position over n bytes of source.
func (s *scanner) advance(n int) {
	end := s.pos.Offset + n
	for s.pos.Offset < end {
		r, w := utf8.DecodeRuneInString(s.src[s.pos.Offset:])
		s.pos.Offset += w
		if r == '\n' {
			s.pos.Line++
			s.pos.Column = 1
		} else {
			s.pos.Column++
		}
	}
}

func (s *scanner) emit(typ TokenType, start diag.Pos) {
	s.toks = append(s.toks, Token{Type: typ, Value: s.src[start.Offset:s.pos.Offset], Pos: start})
}

func (s *scanner) run() {
	for s.pos.Offset < len(s.src) {
		start := s.pos
		rest := s.src[start.Offset:]
		c := rest[0]
		r, w := utf8.DecodeRuneInString(rest)
		switch {
		case r == utf8.RuneError && w == 1:
			s.advance(1)
			s.errorf(diag.Encoding, start, s.pos, "invalid UTF-8 byte 0x%02x", c)
		case c == 0:
			s.advance(1)
			s.errorf(diag.Encoding, start, s.pos, "NUL byte: is this a binary file?")
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			n := 0
			for n < len(rest) && strings.IndexByte(" \t\n\r", rest[n]) >= 0 {
				n++
			}
			s.advance(n)
			s.emit(TokSpace, start)
		case strings.HasPrefix(rest, "//"):
			n := strings.IndexByte(rest, '\n')
			if n < 0 {
				n = len(rest)
			}
			for n > 2 && rest[n-1] == '\r' { // CRLF, or stray CRs, end the line
				n--
			}
			s.advance(n)
			s.checkUTF8(start)
			s.emit(TokComment, start)
		case strings.HasPrefix(rest, "/*"):
			n := strings.Index(rest[2:], "*/")
			if n < 0 {
				s.advance(len(rest))
				s.errorf(diag.Lex, start, s.pos, "comment not terminated: add */")
				return
			}
			s.advance(n + 4)
			s.checkUTF8(start)
			s.emit(TokComment, start)
		case c == '"' || c == '\'' || c == '`':
			s.string(start, c)
		case c >= '0' && c <= '9':
			s.number(start)
		case r == '_' || unicode.IsLetter(r):
			n := w
			for n < len(rest) {
				r2, w2 := utf8.DecodeRuneInString(rest[n:])
				if r2 != '_' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				n += w2
			}
			s.advance(n)
			s.checkLen(start)
			s.emit(TokIdent, start)
		default:
			for _, p := range puncts {
				if strings.HasPrefix(rest, p) {
					s.advance(len(p))
					s.emit(TokPunct, start)
					goto next
				}
			}
			s.advance(w)
			if unicode.IsPrint(r) {
				s.errorf(diag.Lex, start, s.pos, "unexpected character %q", r)
			} else {
				s.errorf(diag.Lex, start, s.pos, "unexpected character %U", r)
			}
		next:
		}
	}
}

// checkUTF8 reports invalid UTF-8 in the token that ends here.
func (s *scanner) checkUTF8(start diag.Pos) bool {
	text := s.src[start.Offset:s.pos.Offset]
	if utf8.ValidString(text) && strings.IndexByte(text, 0) < 0 {
		return true
	}
	p := start
	for i, r := range text {
		if r == utf8.RuneError || r == 0 {
			bad := p
			bad.Offset = start.Offset + i
			bad.Column = start.Column + utf8.RuneCountInString(text[:i])
			end := bad
			end.Offset++
			end.Column++
			s.errorf(diag.Encoding, bad, end, "invalid UTF-8 or NUL byte in a string or comment")
			break
		}
	}
	return false
}

func (s *scanner) checkLen(start diag.Pos) {
	if s.pos.Offset-start.Offset > MaxTokenLen {
		s.errorf(diag.LimitLine, start, s.pos, "token is %d bytes long; the limit is %d", s.pos.Offset-start.Offset, MaxTokenLen)
	}
}

func (s *scanner) string(start diag.Pos, quote byte) {
	rest := s.src[start.Offset:]
	n := 1
	for {
		if n >= len(rest) || (quote != '`' && rest[n] == '\n') {
			n = min(n, len(rest)) // a backslash as the last byte steps past the end
			s.advance(n)
			s.errorf(diag.Lex, start, s.pos, "string not terminated: add the closing %c", quote)
			return
		}
		if rest[n] == '\\' && quote != '`' {
			n += 2
			continue
		}
		if rest[n] == quote {
			n++
			break
		}
		n++
	}
	s.advance(n)
	s.checkLen(start)
	if !s.checkUTF8(start) {
		return
	}
	raw := rest[:n]
	if _, err := Unquote(raw); err != nil {
		s.errorf(diag.Lex, start, s.pos, "malformed string %s: %v", raw, err)
		return
	}
	if quote != '`' {
		if i, esc := highByteEscape(raw); i >= 0 {
			at := start
			at.Offset += i
			at.Column += utf8.RuneCountInString(raw[:i])
			end := at
			end.Offset += len(esc)
			end.Column += len(esc)
			s.errorf(diag.Lex, at, end, "escape %s names a byte above 0x7F, which expressions read as a character and texts as a byte: write the character itself, or \\u%04X for U+%04X", esc, highByteValue(esc), highByteValue(esc))
			return
		}
	}
	s.emit(TokString, start)
}

// highByteEscape returns the offset in raw, an interpreted string literal
// that unquotes, of its first \xHH or \OOO escape naming a byte above
// 0x7F, and the escape; -1 when there is none. expr-lang reads such an
// escape in an expression as the code point U+00HH, Go's strconv (texts,
// SPEC §2.8) as the byte: "caf\xe9" was é in a condition and invalid
// UTF-8 in a reason. Below 0x80 the two agree.
func highByteEscape(raw string) (int, string) {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		switch c := raw[i+1]; {
		case c == 'x' && i+3 < len(raw):
			if v, err := strconv.ParseUint(raw[i+2:i+4], 16, 8); err == nil && v > 0x7F {
				return i, raw[i : i+4]
			}
		case c >= '0' && c <= '7' && i+3 < len(raw):
			if v, err := strconv.ParseUint(raw[i+1:i+4], 8, 8); err == nil && v > 0x7F {
				return i, raw[i : i+4]
			}
		}
		i++ // the escaped character: \\ is one escape, not the start of another
	}
	return -1, ""
}

// highByteValue is the byte a \xHH or \OOO escape names.
func highByteValue(esc string) uint64 {
	if esc[1] == 'x' {
		v, _ := strconv.ParseUint(esc[2:], 16, 8)
		return v
	}
	v, _ := strconv.ParseUint(esc[1:], 8, 8)
	return v
}

// Unquote returns the value of a string literal as written in a source file.
func Unquote(raw string) (string, error) {
	if len(raw) >= 2 && raw[0] == '\'' {
		// Go reads '...' as a rune; Charter (like expr) reads it as a string.
		body := raw[1 : len(raw)-1]
		body = strings.ReplaceAll(body, `\'`, `'`)
		body = strings.ReplaceAll(body, `"`, `\"`)
		raw = `"` + body + `"`
	}
	v, err := strconv.Unquote(raw)
	if err != nil {
		return "", fmt.Errorf("bad escape sequence")
	}
	return v, nil
}

func (s *scanner) number(start diag.Pos) {
	rest := s.src[start.Offset:]
	n := 0
	digits := func() {
		for n < len(rest) && (rest[n] >= '0' && rest[n] <= '9' || rest[n] == '_') {
			n++
		}
	}
	digits()
	typ := TokInt
	if n+1 < len(rest) && rest[n] == '.' && rest[n+1] >= '0' && rest[n+1] <= '9' {
		n++
		digits()
		typ = TokFloat
	}
	if n < len(rest) && (rest[n] == 'e' || rest[n] == 'E') {
		m := n + 1
		if m < len(rest) && (rest[m] == '+' || rest[m] == '-') {
			m++
		}
		if m < len(rest) && rest[m] >= '0' && rest[m] <= '9' {
			n = m
			digits()
			typ = TokFloat
		}
	}
	if typ == TokInt {
		for _, u := range []string{"ms", "s", "m", "h", "d", "w"} {
			if strings.HasPrefix(rest[n:], u) && !identRuneAt(rest, n+len(u)) {
				n += len(u)
				typ = TokDuration
				break
			}
		}
	}
	if identRuneAt(rest, n) {
		m := n
		for identRuneAt(rest, m) {
			_, w := utf8.DecodeRuneInString(rest[m:])
			m += w
		}
		s.advance(m)
		s.errorf(diag.Lex, start, s.pos, "malformed number %q: durations end in ms, s, m, h, d or w", rest[:m])
		return
	}
	s.advance(n)
	s.checkLen(start)
	switch typ {
	case TokDuration:
		if _, err := DurationValue(rest[:n]); err != nil {
			s.errorf(diag.Lex, start, s.pos, "%v: the largest duration is about 292 years", err)
			return
		}
	case TokInt:
		// 1<<63 itself is allowed: it is the magnitude of the least int64,
		// written -9223372036854775808.
		if v, err := strconv.ParseUint(strings.ReplaceAll(rest[:n], "_", ""), 10, 64); err != nil || v > 1<<63 {
			s.errorf(diag.Lex, start, s.pos, "integer %s is out of range: integers are 64-bit", rest[:n])
			return
		}
	}
	s.emit(typ, start)
}

func identRuneAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// DurationValue returns the nanoseconds a duration literal such as "7d"
// stands for, or an error when it overflows.
func DurationValue(lit string) (int64, error) {
	i := strings.IndexFunc(lit, func(r rune) bool { return r < '0' || r > '9' && r != '_' })
	num, unit := strings.ReplaceAll(lit[:i], "_", ""), lit[i:]
	n, err := strconv.ParseInt(num, 10, 64)
	mul := durationUnits[unit]
	if err != nil || mul == 0 || n > (1<<63-1)/mul {
		return 0, fmt.Errorf("duration %s is out of range", lit)
	}
	return n * mul, nil
}

// sliceLexer feeds pre-lexed tokens to participle.
type sliceLexer struct {
	toks []Token
	i    int
	eof  lexer.Token
}

func newSliceLexer(toks []Token, filename string, size int) *sliceLexer {
	end := diag.Pos{Filename: filename, Offset: size, Line: 1, Column: 1}
	if n := len(toks); n > 0 {
		end = toks[n-1].End()
	}
	return &sliceLexer{toks: toks, eof: lexer.EOFToken(lexer.Position(end))}
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return l.eof, nil
	}
	t := l.toks[l.i]
	l.i++
	return lexer.Token{Type: lexer.TokenType(t.Type), Value: t.Value, Pos: lexer.Position(t.Pos)}, nil
}

// endOf returns the position just after a token participle hands back.
func endOf(t lexer.Token) diag.Pos {
	return Token{Value: t.Value, Pos: diag.Pos(t.Pos)}.End()
}
