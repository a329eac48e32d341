// Package jsonkeys finds a key given twice in one JSON object.
// encoding/json keeps the last of two equal keys and drops the first
// silently; Charter refuses such input instead (members, snapshots), since
// nothing a user gave may be lost without a word.
package jsonkeys

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Dup is a key given twice in one object.
type Dup struct {
	Key string
	// In names the key of the object holding the duplicate (" in \"K\""),
	// empty at the top level.
	In string
	// Offset is the byte offset of the second occurrence in the input.
	Offset int
}

// Position is the 1-based line and column (in runes) of the duplicate in
// data, the input Find was given.
func (d *Dup) Position(data []byte) (line, col int) {
	line = bytes.Count(data[:d.Offset], []byte("\n")) + 1
	start := bytes.LastIndexByte(data[:d.Offset], '\n') + 1
	return line, len([]rune(string(data[start:d.Offset]))) + 1
}

func (d *Dup) Error() string { return fmt.Sprintf("duplicate key %q%s", d.Key, d.In) }

// Find returns the first key given twice in one object of the JSON value
// data, at any depth, or nil. Invalid JSON gives nil: the decoder that
// reads the value reports it.
func Find(data []byte) *Dup {
	type frame struct {
		object, wantKey bool
		name            string // the key this container is the value of
		keys            map[string]bool
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []*frame
	next := "" // the key whose value comes next
	for {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				stack = append(stack, &frame{object: tok == '{', wantKey: tok == '{', name: next, keys: map[string]bool{}})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.wantKey {
				for start < len(data) && (data[start] == ',' || data[start] == ' ' || data[start] == '\t' || data[start] == '\r' || data[start] == '\n') {
					start++
				}
				if top.keys[tok] {
					d := &Dup{Key: tok, Offset: start}
					if top.name != "" {
						d.In = fmt.Sprintf(" in %q", top.name)
					}
					return d
				}
				top.keys[tok] = true
				top.wantKey = false
				next = tok
				continue
			}
		}
		// A value has ended: its object, if any, wants a key next.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
}
