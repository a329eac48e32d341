package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/format"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/stdlib"
)

// rulesRecord is what a store keeps of the rule file its state runs, next
// to its hash: enough to compile the same community again after the file
// has changed, so that a log those rules decided can be replayed by them
// (see Open).
type rulesRecord struct {
	// Hash is the RulesHash of the rules recorded. A process of an
	// older version moves a store to another file without rewriting the
	// record: a record of another hash than the store's is stale.
	Hash string `json:"hash"`
	// Source is the formatted declarations of the community and of those
	// it extends, ancestors first: the text RulesHash reads, as one file.
	Source string `json:"source"`
	// Pieces holds the text of the standard pieces Source uses, by name
	// ("dunbar" for `use std.dunbar`). A piece is part of the binary, and
	// a newer binary may change or drop it: the rules that decided the
	// log are the piece as it was, which RulesHash hashes too.
	Pieces map[string]string `json:"pieces,omitempty"`
	// Settings holds the values of the community's settings when the
	// store recorded it, in their JSON forms (durations as Go duration
	// strings): a host's settings decide as the rules do.
	Settings map[string]any `json:"settings,omitempty"`
}

// rulesOf returns the rules record of c, as JSON.
func rulesOf(c *runtime.Community) ([]byte, error) {
	var decls []*syntax.Community
	r := rulesRecord{Hash: RulesHash(c), Pieces: map[string]string{}, Settings: map[string]any{}}
	for cc := c.Checked(); cc != nil; cc = cc.Parent {
		if cc.Decl == nil {
			continue
		}
		decls = append(decls, cc.Decl)
		for _, dc := range cc.Decl.Decls {
			if u, ok := dc.(*syntax.Use); ok {
				name := strings.TrimPrefix(u.Name(), "std.")
				if _, src, ok := stdlib.Piece(name); ok {
					r.Pieces[name] = string(src)
				}
			}
		}
	}
	slices.Reverse(decls) // a community follows the one it extends
	r.Source = string(format.Source(&syntax.File{Communities: decls}))
	for name, v := range c.Settings() {
		r.Settings[name] = jsonValue(v)
	}
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("store: rules record: %w", err)
	}
	return data, nil
}

// recordOf returns data unless it is a stale record, of other rules than
// those of hash. One that does not read is kept, for compiling it to say
// so.
func recordOf(data []byte, hash string) []byte {
	var r struct {
		Hash string `json:"hash"`
	}
	if data != nil && json.Unmarshal(data, &r) == nil && r.Hash != hash {
		return nil
	}
	return data
}

// recordedCommunity compiles the rules record data into community name, with the
// settings it recorded. hash, the store's, names the record in positions
// and errors. An error means the rules that decided the log cannot run in
// this binary (its language no longer accepts them).
func recordedCommunity(data []byte, name, hash string) (*runtime.Community, error) {
	var r rulesRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("its rules record does not read: %w", err)
	}
	f, ds := syntax.Parse("stored-rules-"+short(hash)+".charter", []byte(r.Source))
	if ds.HasErrors() {
		return nil, fmt.Errorf("its rules no longer parse: %w", ds.Errors())
	}
	pieces := map[string]*syntax.File{}
	for n, src := range r.Pieces {
		pf, ds := syntax.Parse("std/"+n+".charter", []byte(src))
		if ds.HasErrors() {
			return nil, fmt.Errorf("its standard piece std.%s no longer parses: %w", n, ds.Errors())
		}
		pieces[n] = pf
	}
	// The recorded pieces in place of the binary's: a piece the log was
	// decided by is replayed as it was, whether this binary changed it,
	// dropped it, or never had it.
	cp, ds := check.Check([]*syntax.File{f}, lang.Stdlib(), check.WithPieces(func(n string) (*syntax.File, bool) {
		pf, ok := pieces[n]
		return pf, ok
	}))
	if ds.HasErrors() {
		return nil, fmt.Errorf("its rules no longer check: %w", ds.Errors())
	}
	prog, err := runtime.Compile(cp)
	if err != nil {
		return nil, fmt.Errorf("its rules no longer compile: %w", err)
	}
	c := prog.Community(name)
	if c == nil {
		return nil, fmt.Errorf("its rules declare no community %s", name)
	}
	if len(r.Settings) > 0 {
		if c, err = c.WithSettings(r.Settings); err != nil {
			return nil, fmt.Errorf("its settings no longer apply: %w", err)
		}
	}
	return c, nil
}
