package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is a JSON value with the byte offset where it starts, so that an
// error about a model's meaning (an unknown role, a distribution of the
// wrong type) names its line and column, as a syntax error does. Object
// keys keep their order and their own offsets.
type node struct {
	off  int64
	kind nodeKind
	str  string  // a string's value, a number's literal text
	b    bool    // a bool's value
	keys []keyed // an object's members, in order
	arr  []*node // an array's elements
}

type keyed struct {
	key string
	off int64 // of the key
	val *node
}

type nodeKind int

const (
	nNull nodeKind = iota
	nBool
	nNumber
	nString
	nObject
	nArray
)

func (k nodeKind) String() string {
	return [...]string{"null", "a bool", "a number", "a string", "an object", "an array"}[k]
}

// maxDepth bounds the nesting of a model: no model needs more than a few
// levels, and a hostile file of a million brackets must not exhaust the
// stack.
const maxDepth = 64

// parseTree reads one JSON value from data, with positions.
func parseTree(data []byte) (*node, error) {
	p := &treeParser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	off := p.start()
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, &posError{off: off, msg: "more than one JSON value"}
	}
	return n, nil
}

type treeParser struct {
	data []byte
	dec  *json.Decoder
}

// start is the offset of the next token: after the decoder's offset, past
// white space and the separators the decoder consumes with a token.
func (p *treeParser) start() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++
	}
	return off
}

func (p *treeParser) token() (json.Token, int64, error) {
	off := p.start()
	t, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, se.Offset, &posError{off: se.Offset, msg: se.Error()}
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, int64(len(p.data)), &posError{off: int64(len(p.data)), msg: "unexpected end of JSON input"}
		}
		return nil, off, &posError{off: off, msg: err.Error()}
	}
	return t, off, nil
}

func (p *treeParser) value(depth int) (*node, error) {
	t, off, err := p.token()
	if err != nil {
		return nil, err
	}
	if depth > maxDepth {
		return nil, &posError{off: off, msg: fmt.Sprintf("nested more than %d deep", maxDepth)}
	}
	n := &node{off: off}
	switch t := t.(type) {
	case nil:
		n.kind = nNull
	case bool:
		n.kind, n.b = nBool, t
	case json.Number:
		n.kind, n.str = nNumber, string(t)
	case string:
		n.kind, n.str = nString, t
	case json.Delim:
		switch t {
		case '{':
			n.kind = nObject
			for p.dec.More() {
				kt, koff, err := p.token()
				if err != nil {
					return nil, err
				}
				key := kt.(string) // the decoder allows only strings here
				for _, k := range n.keys {
					if k.key == key {
						return nil, &posError{off: koff, msg: fmt.Sprintf("key %q given twice", key)}
					}
				}
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, keyed{key, koff, v})
			}
		case '[':
			n.kind = nArray
			for p.dec.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, v)
			}
		}
		if _, _, err := p.token(); err != nil { // the closing delimiter
			return nil, err
		}
	}
	return n, nil
}

// get returns the member key of object n, or nil.
func (n *node) get(key string) *node {
	for _, k := range n.keys {
		if k.key == key {
			return k.val
		}
	}
	return nil
}

// posError is an error at a byte offset of the model file; the model
// reader turns it into file:line:col.
type posError struct {
	off int64
	msg string
}

func (e *posError) Error() string { return e.msg }

// lineCol turns a byte offset of data into a 1-based line and column (in
// bytes, as the rule files' positions are).
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
