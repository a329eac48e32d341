package lsp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

func init() {
	serve("textDocument/prepareRename", (*Server).prepareRename)
	serve("textDocument/rename", (*Server).rename)
	capabilities["renameProvider"] = map[string]any{"prepareProvider": true}
}

// renameTarget finds the symbol to rename at a position, or says why there
// is none.
func (s *Server) renameTarget(p TextDocumentPositionParams) (*document, *analysis, occurrence, error) {
	d, a, off, err := s.lookup(p)
	if err != nil {
		return nil, nil, occurrence{}, err
	}
	o, ok := a.index().at(d.name, off)
	if !ok {
		return nil, nil, o, fmt.Errorf("no name here to rename")
	}
	if !o.kind.renamable() || o.key == "" {
		return nil, nil, o, fmt.Errorf("%s %s cannot be renamed: only an attribute, action, role, badge or goal can", o.kind, o.name)
	}
	if id := definition(a.model, o); id == nil || isPiece(id.Pos.Filename) {
		return nil, nil, o, fmt.Errorf("%s %s is declared by a standard piece, which cannot be renamed", o.kind, o.name)
	}
	if len(a.model.Files) < len(a.ls.Files) {
		return nil, nil, o, fmt.Errorf("a file of the load set has syntax errors; fix them before renaming")
	}
	return d, a, o, nil
}

func (s *Server) prepareRename(params json.RawMessage) (any, error) {
	p, err := decode[TextDocumentPositionParams](params)
	if err != nil {
		return nil, err
	}
	d, _, o, err := s.renameTarget(*p)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"range":       Range{Start: d.text.position(o.start, s.enc), End: d.text.position(o.end, s.enc)},
		"placeholder": o.name,
	}, nil
}

// rename changes every occurrence of a symbol across the load set: its
// declaration, the parent's and children's redeclarations, and every
// reference (expressions, rules, effects, messages, test steps). The new
// text is checked before it is offered: a rename that would add an error
// (a reserved name, a name already declared, a keyword that no longer
// parses) is refused with that error.
func (s *Server) rename(params json.RawMessage) (any, error) {
	p, err := decode[RenameParams](params)
	if err != nil {
		return nil, err
	}
	_, a, o, err := s.renameTarget(p.TextDocumentPositionParams)
	if err != nil {
		return nil, err
	}
	if !isIdent(p.NewName) {
		return nil, fmt.Errorf("%q is not a name: a name is letters, digits and _, not starting with a digit", p.NewName)
	}
	byFile := map[string][]occurrence{}
	for _, r := range a.index().byKey[o.key] {
		byFile[r.file] = append(byFile[r.file], r)
	}
	if o.kind == kAction {
		for _, r := range reasonWords(a, o) {
			byFile[r.file] = append(byFile[r.file], r)
		}
	}
	srcs := map[string][]byte{}
	for name, t := range a.texts {
		srcs[name] = t.src
	}
	edit := WorkspaceEdit{Changes: map[string][]TextEdit{}}
	for file, occs := range byFile {
		t, ok := a.texts[file]
		if !ok {
			continue
		}
		slices.SortFunc(occs, func(x, y occurrence) int { return x.start - y.start })
		occs = slices.CompactFunc(occs, func(x, y occurrence) bool { return x.start == y.start })
		var out []byte
		prev := 0
		var edits []TextEdit
		for _, r := range occs {
			out = append(append(out, t.src[prev:r.start]...), p.NewName...)
			prev = r.end
			edits = append(edits, TextEdit{Range: Range{Start: t.position(r.start, s.enc), End: t.position(r.end, s.enc)}, NewText: p.NewName})
		}
		srcs[file] = append(out, t.src[prev:]...)
		edit.Changes[s.uriOf(file)] = edits
	}
	if d, bad := newError(a.diags, lang.LoadSources(srcs).Diags); bad {
		return nil, fmt.Errorf("renaming %s to %s would make an error: %s", o.name, p.NewName, d.Message)
	}
	return edit, nil
}

// newError returns an error of after that before has fewer of, by code.
func newError(before, after diag.List) (diag.Diagnostic, bool) {
	count := map[diag.Code]int{}
	for _, d := range before.Errors() {
		count[d.Code]++
	}
	for _, d := range after.Errors() {
		if count[d.Code] == 0 {
			return d, true
		}
		count[d.Code]--
	}
	return diag.Diagnostic{}, false
}

// reasonWords finds the action's name in the texts test steps expect as a
// decision's reason when that reason is one Charter makes of a rule
// without a because ("limit post 3 per 1d reached", SPEC §10.1): renaming
// the action changes the reason, so the expected text must follow.
func reasonWords(a *analysis, o occurrence) []occurrence {
	var out []occurrence
	word := regexp.MustCompile(`(^|[^\p{L}\p{N}_])(` + regexp.QuoteMeta(o.name) + `)([^\p{L}\p{N}_]|$)`)
	for _, c := range a.model.Communities {
		if symbolKey(a.model, c, kAction, o.name, "") != o.key {
			continue
		}
		reasons := map[string]bool{}
		for _, r := range c.Rules {
			if r.Because != "" {
				continue
			}
			before := r.Before != nil && r.Before.Name == o.name
			for _, act := range r.Actions {
				if act.Name == o.name || before {
					reasons[r.Reason(act)] = true
				}
			}
		}
		for _, t := range c.Tests {
			for _, st := range t.Steps {
				e, ok := st.(*syntax.Expect)
				if !ok {
					continue
				}
				d, ok := e.Body.(*syntax.ExpectDecision)
				if !ok || d.Because == nil || !reasons[d.Because.Value()] || d.Because.Raw[1:len(d.Because.Raw)-1] != d.Because.Value() {
					continue
				}
				raw := d.Because.Raw
				for _, m := range word.FindAllStringSubmatchIndex(raw, -1) {
					start := d.Because.Pos.Offset + m[4]
					out = append(out, occurrence{file: d.Because.Pos.Filename, start: start, end: start + len(o.name), kind: kAction, name: o.name})
				}
			}
		}
	}
	return out
}
