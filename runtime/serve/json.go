package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charterlang/charter/internal/jsonkeys"
)

// Error is the body of every refused request: a message and, when the
// fault lies at a place in the request body, its 1-based line and column
// (in runes).
type Error struct {
	Error  string `json:"error"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// badInput is a fault in the request with an HTTP status and, where the
// body has one, a byte offset into it.
type badInput struct {
	status int
	err    error
	offset int // -1: no position
}

func (b *badInput) Error() string { return b.err.Error() }

func refuse(status int, err error) *badInput { return &badInput{status: status, err: err, offset: -1} }

func refusef(status int, format string, args ...any) *badInput {
	return refuse(status, fmt.Errorf(format, args...))
}

// at is a refusal at byte offset off of the body.
func at(off int, format string, args ...any) *badInput {
	return &badInput{status: http.StatusBadRequest, err: fmt.Errorf(format, args...), offset: off}
}

// position turns a byte offset of data into a 1-based line and column in
// runes, as jsonkeys.Dup.Position does.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	d := jsonkeys.Dup{Offset: off}
	return d.Position(data)
}

// decodeBody reads the request body into v, one JSON object. Beyond what
// encoding/json checks, it refuses what that package would silently
// change: bytes that are not UTF-8 and escapes of lone surrogates (both
// decode to U+FFFD, so "\ud800" and "\udbff" would name one member), a key
// given twice (the last would win), fields v does not declare, and
// anything after the object. Numbers stay json.Number, so that the
// community's schema decides whether 3 is an int or a float.
func (h *Handler) decodeBody(w http.ResponseWriter, r *http.Request, v any) ([]byte, *badInput) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, refusef(http.StatusRequestEntityTooLarge, "body larger than %d bytes", tooBig.Limit)
		}
		return nil, refusef(http.StatusBadRequest, "read body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, refusef(http.StatusBadRequest, "empty body: want a JSON object")
	}
	if bad := checkText(body); bad != nil {
		return body, bad
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return body, jsonError(body, dec, err)
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		return body, at(end+len(body[end:])-len(bytes.TrimLeft(body[end:], " \t\r\n")), "bad JSON: more than one value in the body")
	}
	if d := jsonkeys.Find(body); d != nil {
		return body, at(d.Offset, "bad JSON: %v", d)
	}
	return body, nil
}

// jsonError gives a decoding error its place in the body.
func jsonError(body []byte, dec *json.Decoder, err error) *badInput {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return at(len(body), "bad JSON: the body ends inside a value")
	case errors.As(err, &syn):
		return at(int(syn.Offset)-1, "bad JSON: %v", err)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return at(int(typ.Offset)-1, "bad JSON: want an object, got %s", typ.Value)
		}
		return at(int(typ.Offset)-1, "bad JSON: %q must not be %s", field, typ.Value)
	}
	// An unknown field (the decoder's error has no offset): the first
	// key of that name in the top-level object.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, err := strconv.Unquote(name); err == nil {
			return at(topKey(body, name), "bad JSON: unknown field %q", name)
		}
	}
	return at(int(dec.InputOffset()), "bad JSON: %v", err)
}

// topKey returns the offset of key name in the top-level object of body.
func topKey(body []byte, name string) int {
	dec := json.NewDecoder(bytes.NewReader(body))
	depth, wantKey := 0, false
	for {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return -1
		}
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				depth++
				wantKey = depth == 1 && tok == '{'
				continue
			}
			depth--
		case string:
			if depth == 1 && wantKey {
				if tok == name {
					return start + len(body[start:]) - len(bytes.TrimLeft(body[start:], ", \t\r\n:"))
				}
				wantKey = false
				continue
			}
		}
		if depth == 1 {
			wantKey = true
		}
	}
}

// checkText refuses a body that is not UTF-8 or that escapes a lone
// surrogate (\ud800 without a low surrogate after it, or a low one alone).
func checkText(body []byte) *badInput {
	if !utf8.Valid(body) {
		off := 0
		for off < len(body) {
			r, n := utf8.DecodeRune(body[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return at(off, "bad JSON: the body is not valid UTF-8 (byte 0x%02x)", body[off])
	}
	in := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			in = !in
		case c == '\\' && in && i+1 < len(body):
			if body[i+1] != 'u' {
				i++ // an escaped quote or backslash does not end the string
				continue
			}
			r, ok := hex4(body, i+2)
			switch {
			case !ok:
				continue // the decoder reports it
			case r >= 0xD800 && r < 0xDC00:
				if lo, ok := hex4(body, i+8); ok && body[i+6] == '\\' && body[i+7] == 'u' && lo >= 0xDC00 && lo < 0xE000 {
					i += 11
					continue
				}
				return at(i, "bad JSON: \\u%04x is half of a surrogate pair without its other half: not a character", r)
			case r >= 0xDC00 && r < 0xE000:
				return at(i, "bad JSON: \\u%04x is half of a surrogate pair without its other half: not a character", r)
			}
			i += 5
		}
	}
	return nil
}

// hex4 reads four hex digits at body[i:].
func hex4(body []byte, i int) (rune, bool) {
	if i+4 > len(body) {
		return 0, false
	}
	var r rune
	for _, c := range body[i : i+4] {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// fail answers a refused request.
func (h *Handler) fail(w http.ResponseWriter, body []byte, b *badInput) {
	e := Error{Error: b.err.Error()}
	if b.offset >= 0 && body != nil {
		e.Line, e.Column = position(body, b.offset)
		e.Error = fmt.Sprintf("%s (line %d, column %d)", e.Error, e.Line, e.Column)
	}
	h.reply(w, b.status, e)
}

func (h *Handler) reply(w http.ResponseWriter, status int, v any) {
	// Marshal before writing the header, so that a value JSON cannot hold
	// (a goal measure that came out infinite) is a clean 500, not half a body.
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // goal operators are >= and <=, not \u003e=
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		body.Reset()
		_ = enc.Encode(Error{Error: fmt.Sprintf("encode response: %v", err)})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if _, err := w.Write(body.Bytes()); err != nil {
		h.logf("write response: %v", err)
	}
}

func (h *Handler) logf(format string, args ...any) {
	if h.cfg.ErrorLog != nil {
		h.cfg.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}
