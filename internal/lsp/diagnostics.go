package lsp

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/charterlang/charter/lang/diag"
)

func init() {
	serve("textDocument/codeAction", (*Server).codeAction)
	capabilities["codeActionProvider"] = map[string]any{"codeActionKinds": []string{"quickfix"}}
}

// publishDirty publishes the diagnostics of every open document whose load
// set changed. Only open documents get diagnostics: each from its own load
// set, so a file that two load sets hold (a directory's and a
// subdirectory's) is never told two stories.
func (s *Server) publishDirty() {
	if len(s.dirty) == 0 {
		return
	}
	names := make([]string, 0, len(s.docs))
	for n := range s.docs {
		if s.dirty[s.ws.keyOf(n)] {
			names = append(names, n)
		}
	}
	clear(s.dirty)
	slices.Sort(names)
	for _, n := range names {
		s.publish(s.docs[n])
	}
}

func (s *Server) publish(d *document) {
	a := s.ws.get(d.name)
	out := []Diagnostic{}
	for _, x := range a.diags {
		if x.Range.Start.Filename == d.name {
			out = append(out, s.lspDiagnostic(d.text, x))
		}
	}
	if a.walkCut {
		s.logf("charter: stopped looking for .charter files in %s after %d entries; the load set may be incomplete", a.key, maxWalk)
	}
	v := d.version
	s.notify("textDocument/publishDiagnostics", PublishDiagnosticsParams{URI: d.uri, Version: &v, Diagnostics: out})
	if len(out) > 0 {
		s.published[d.uri] = true
	} else {
		delete(s.published, d.uri)
	}
}

// lspDiagnostic converts a Charter diagnostic. The message is the one
// `charter check` prints; a suggestion follows it on its own line, as
// check prints it under the excerpt. Info diagnostics (what `check -v`
// adds, such as overrides) are Information, which editors show quietly.
func (s *Server) lspDiagnostic(t *text, d diag.Diagnostic) Diagnostic {
	sev := sevError
	switch d.Severity {
	case diag.Warning:
		sev = sevWarning
	case diag.Info:
		sev = sevInformation
	}
	out := Diagnostic{
		Range:    t.rangeOf(fixPos(t, d.Range), s.enc),
		Severity: sev,
		Code:     string(d.Code),
		Source:   "charter",
		Message:  d.Message,
	}
	if d.Suggestion != "" {
		out.Message += "\nsuggestion: " + d.Suggestion
		out.Data = &diagData{Suggestion: d.Suggestion}
		if r, ok := replacement(t, d); ok {
			out.Data.Replacement = r
		}
	}
	return out
}

// fixPos fills in byte offsets for positions that carry only a line and
// a column (counted in runes), should any diagnostic be made so.
func fixPos(t *text, r diag.Range) diag.Range {
	fix := func(p *diag.Pos) {
		if p.Offset != 0 || p.Line <= 1 && p.Column <= 1 || p.Line < 1 || p.Line > len(t.lines) {
			return
		}
		off := t.lines[p.Line-1]
		for col := 1; col < p.Column && off < len(t.src) && t.src[off] != '\n'; col++ {
			_, size := decodeRune(t.src[off:])
			off += size
		}
		p.Offset = off
	}
	fix(&r.Start)
	fix(&r.End)
	return r
}

// replacement is the text a "did you mean X?" suggestion puts in place of
// the diagnostic's range, when that range is one name: a quick fix can
// then apply it. Other suggestions are advice, not edits.
func replacement(t *text, d diag.Diagnostic) (string, bool) {
	x, ok := strings.CutPrefix(d.Suggestion, "did you mean ")
	if !ok {
		return "", false
	}
	x, ok = strings.CutSuffix(x, "?")
	if !ok || !isIdent(x) {
		return "", false
	}
	r := fixPos(t, d.Range)
	if r.Start.Offset < 0 || r.End.Offset > len(t.src) || r.End.Offset <= r.Start.Offset {
		return "", false
	}
	if !isIdent(string(t.src[r.Start.Offset:r.End.Offset])) {
		return "", false
	}
	return x, true
}

func (s *Server) codeAction(params json.RawMessage) (any, error) {
	p, err := decode[CodeActionParams](params)
	if err != nil {
		return nil, err
	}
	actions := []CodeAction{}
	for _, d := range p.Context.Diagnostics {
		if d.Source != "charter" || d.Data == nil || d.Data.Replacement == "" {
			continue
		}
		actions = append(actions, CodeAction{
			Title:       "Change to " + d.Data.Replacement,
			Kind:        "quickfix",
			Diagnostics: []Diagnostic{d},
			IsPreferred: true,
			Edit: &WorkspaceEdit{Changes: map[string][]TextEdit{
				p.TextDocument.URI: {{Range: d.Range, NewText: d.Data.Replacement}},
			}},
		})
	}
	return actions, nil
}
