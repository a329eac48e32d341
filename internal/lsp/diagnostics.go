package lsp

import (
	"encoding/json"
	"regexp"
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
		out.Data.Fix = s.quickFix(t, d)
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

// quickFix is the edit a suggestion describes, when it describes one:
// "did you mean X?" over a name writes X there; "write 7d without quotes"
// unquotes the duration in the range; "add `RULE`" (CH0206) adds the rule
// on a line of its own before the effect. Other suggestions are advice.
func (s *Server) quickFix(t *text, d diag.Diagnostic) *quickFix {
	r := fixPos(t, d.Range)
	start, end := r.Start.Offset, r.End.Offset
	if start < 0 || end > len(t.src) || end < start {
		return nil
	}
	if x, ok := strings.CutPrefix(d.Suggestion, "did you mean "); ok {
		x, ok = strings.CutSuffix(x, "?")
		if !ok || !isIdent(x) || !isIdent(string(t.src[start:end])) {
			return nil
		}
		return &quickFix{Title: "Change to " + x, Range: t.rangeOf(r, s.enc), NewText: x}
	}
	if m := unquoteSuggestion.FindStringSubmatch(d.Suggestion); m != nil {
		lit := m[1]
		for _, q := range []string{`"`, "'"} {
			if i := strings.Index(string(t.src[start:end]), q+lit+q); i >= 0 {
				at := start + i
				return &quickFix{Title: "Write " + lit + " without quotes",
					Range: Range{Start: t.position(at, s.enc), End: t.position(at+len(lit)+2, s.enc)}, NewText: lit}
			}
		}
		return nil
	}
	if m := addRuleSuggestion.FindStringSubmatch(d.Suggestion); m != nil && d.Code == diag.UnboundedTransfer {
		// The rule goes before the line that opens the effect.
		on := regexp.MustCompile(`(?m)^([ \t]*)on[ \t]+` + regexp.QuoteMeta(m[2]) + `(?:[^\p{L}\p{N}_]|$)`)
		var line, indent int = -1, 0
		for _, loc := range on.FindAllSubmatchIndex(t.src[:start], -1) {
			line, indent = loc[0], loc[3]-loc[2]
		}
		if line < 0 {
			return nil
		}
		text := string(t.src[line:line+indent]) + m[1] + "\n"
		p := t.position(line, s.enc)
		return &quickFix{Title: "Add `" + m[1] + "`", Range: Range{Start: p, End: p}, NewText: text}
	}
	return nil
}

var (
	unquoteSuggestion = regexp.MustCompile(`^write (\S+) without quotes: `)
	addRuleSuggestion = regexp.MustCompile("^add `(must not ([\\p{L}_][\\p{L}\\p{N}_]*) if [^`]*)`$")
)

func (s *Server) codeAction(params json.RawMessage) (any, error) {
	p, err := decode[CodeActionParams](params)
	if err != nil {
		return nil, err
	}
	actions := []CodeAction{}
	for _, d := range p.Context.Diagnostics {
		if d.Source != "charter" || d.Data == nil || d.Data.Fix == nil {
			continue
		}
		fix := d.Data.Fix
		actions = append(actions, CodeAction{
			Title:       fix.Title,
			Kind:        "quickfix",
			Diagnostics: []Diagnostic{d},
			IsPreferred: true,
			Edit: &WorkspaceEdit{Changes: map[string][]TextEdit{
				p.TextDocument.URI: {{Range: fix.Range, NewText: fix.NewText}},
			}},
		})
	}
	return actions, nil
}
