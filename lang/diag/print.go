package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How WriteText lays out a source excerpt.
const (
	tabWidth     = 4   // a tab moves to the next multiple of this many columns
	excerptWidth = 120 // longer lines are clipped to a window around the caret
	excerptLead  = 40  // columns shown before the caret in a clipped line
)

// WriteText writes ds for people, one diagnostic after another:
//
//	club.charter:12:23: error: unknown name creatr [CH0104]
//	    may invite if role >= creatr
//	                          ^^^^^^
//	  suggestion: did you mean creator?
//
// The first line is `file:line:col: severity: message [CODE]`. When sources
// holds the file's text and the line is not blank, the line follows,
// indented by four spaces, with a caret line under it: carets span the range
// when it ends on the same line, a single caret marks the start otherwise.
// Tabs in the line are expanded to stops of four columns, in the excerpt and
// the caret line alike, so the caret stays under the column whatever the
// reader's tab width. Bytes that are not valid UTF-8 and control characters
// are shown as U+FFFD, one column each as the lexer counts them, and lines
// longer than 120 columns are clipped around the caret with "...". The
// suggestion, when there is one, comes last, indented by two spaces.
func WriteText(w io.Writer, ds List, sources map[string][]byte) error {
	var b bytes.Buffer
	var scratch excerptScratch
	// Lines are found through an index of each file's line starts, built
	// on the first diagnostic in the file: scanning from the top for each
	// one made printing quadratic (174,000 warnings took minutes).
	lines := map[string]*lineIndex{}
	for _, d := range ds {
		// Written out as it fills: the text of 174,000 warnings, kept
		// whole, grew a buffer to 32 MB by copying it twenty times.
		if b.Len() >= 64<<10 {
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
		b.WriteString(header(d))
		b.WriteByte('\n')
		name := d.Range.Start.Filename
		if src, ok := sources[name]; ok && d.Range.Start.IsValid() {
			idx := lines[name]
			if idx == nil {
				idx = newLineIndex(src)
				lines[name] = idx
			}
			// A blank line (such as the one after the last newline, where
			// end-of-file errors point) would show nothing but the caret.
			if line, ok := idx.line(d.Range.Start.Line); ok && len(bytes.TrimSpace(line)) > 0 {
				writeExcerpt(&b, &scratch, line, d.Range)
			}
		}
		if d.Suggestion != "" {
			fmt.Fprintf(&b, "  suggestion: %s\n", d.Suggestion)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// header is the first line of a diagnostic in the text format.
func header(d Diagnostic) string {
	p := d.Range.Start
	var where string
	switch {
	case p.IsValid():
		col := max(p.Column, 1)
		if p.Filename == "" {
			where = fmt.Sprintf("%d:%d", p.Line, col)
		} else {
			where = fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, col)
		}
	case p.Filename != "":
		where = p.Filename
	default:
		where = "charter"
	}
	return fmt.Sprintf("%s: %s: %s [%s]", where, d.Severity, d.Message, d.Code)
}

// lineIndex finds the lines of one source text.
type lineIndex struct {
	src    []byte
	starts []int // byte offset where each line begins; starts[0] is line 1
}

func newLineIndex(src []byte) *lineIndex {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{src: src, starts: starts}
}

// line returns the text of the 1-based line n without its line ending. A
// line past the end of the text does not exist; the empty line after a
// final newline does, since end-of-file diagnostics point at it.
func (x *lineIndex) line(n int) ([]byte, bool) {
	if n < 1 || n > len(x.starts) {
		return nil, false
	}
	line := x.src[x.starts[n-1]:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return bytes.TrimSuffix(line, []byte{'\r'}), true
}

// cell is one code point of a source line as displayed.
type cell struct {
	text  string // what is printed: the rune, spaces for a tab, U+FFFD
	width int
}

// cells splits line into display cells, one per code point, in the way the
// lexer counts columns: an invalid byte is one column.
// printableASCII holds the characters from ' ' to '~', in order.
const printableASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

func cells(cs []cell, line []byte) []cell {
	col := 0
	for len(line) > 0 {
		r, n := utf8.DecodeRune(line)
		line = line[n:]
		var c cell
		switch {
		case r == '\t':
			c.width = tabWidth - col%tabWidth
			c.text = strings.Repeat(" ", c.width)
		case r == utf8.RuneError || unicode.IsControl(r) || !unicode.IsPrint(r) && !unicode.IsSpace(r):
			c = cell{"\uFFFD", 1}
		case unicode.IsSpace(r):
			c = cell{" ", 1}
		case r < utf8.RuneSelf:
			c = cell{printableASCII[r-' ' : r-' '+1], 1} // string(r) would allocate
		default:
			c = cell{string(r), 1}
		}
		col += c.width
		cs = append(cs, c)
	}
	return cs
}

// excerptScratch holds the slices writeExcerpt fills for each line, kept
// from one diagnostic to the next.
type excerptScratch struct {
	cells []cell
	at    []int
}

func writeExcerpt(b *bytes.Buffer, scratch *excerptScratch, line []byte, r Range) {
	cs := cells(scratch.cells[:0], line)
	scratch.cells = cs
	// from and to are the cells the carets cover: [from, to).
	from := max(r.Start.Column-1, 0)
	to := from + 1
	if r.End.Line == r.Start.Line && r.End.Column-1 > from {
		to = r.End.Column - 1
	}
	// Display columns of every cell boundary; a caret past the end of the
	// line (an end-of-line or end-of-file error) sits one column after it.
	at := append(scratch.at[:0], make([]int, len(cs)+1)...)
	scratch.at = at
	for i, c := range cs {
		at[i+1] = at[i] + c.width
	}
	dcol := func(i int) int {
		if i <= len(cs) {
			return at[i]
		}
		return at[len(cs)] + i - len(cs)
	}
	caretFrom, caretTo := dcol(from), dcol(to)

	// Clip to a window of display columns around the caret.
	lo, hi := 0, at[len(cs)]
	if hi > excerptWidth {
		lo = max(caretFrom-excerptLead, 0)
		hi = min(lo+excerptWidth, hi)
	}
	var text strings.Builder
	prefix := 0
	if lo > 0 {
		text.WriteString("...")
		prefix = 3
	}
	shown := lo // display column where the first printed cell starts
	for i, c := range cs {
		if at[i] < lo {
			shown = at[i+1]
			continue
		}
		if at[i+1] > hi {
			break
		}
		text.WriteString(c.text)
	}
	if hi < at[len(cs)] {
		text.WriteString("...")
	}
	caretTo = min(caretTo, hi)
	if caretTo <= caretFrom {
		caretTo = caretFrom + 1
	}
	b.WriteString("    ")
	b.WriteString(strings.TrimRight(text.String(), " "))
	b.WriteString("\n    ")
	b.WriteString(strings.Repeat(" ", prefix+caretFrom-shown))
	b.WriteString(strings.Repeat("^", caretTo-caretFrom))
	b.WriteByte('\n')
}

// JSONDiagnostic is one element of the array WriteJSON writes.
type JSONDiagnostic struct {
	File       string `json:"file"`
	Line       int    `json:"line"`      // 1-based
	Column     int    `json:"column"`    // 1-based, in Unicode code points
	EndLine    int    `json:"endLine"`   // the range is [line:column, endLine:endColumn)
	EndColumn  int    `json:"endColumn"` // exclusive; equal to column for a point
	Severity   string `json:"severity"`  // "error", "warning" or "info"
	Code       string `json:"code"`      // CH0001 ...
	Message    string `json:"message"`
	Suggestion string `json:"suggestion"` // "" when there is none
}

// WriteJSON writes ds as a single JSON array with one object per
// diagnostic, in the order of ds, followed by a newline. A clean run writes
// `[]`, so the output is always one valid JSON document. Every field is
// always present:
//
//	[
//	  {
//	    "file": "club.charter",
//	    "line": 12,
//	    "column": 23,
//	    "endLine": 12,
//	    "endColumn": 29,
//	    "severity": "error",
//	    "code": "CH0104",
//	    "message": "unknown name creatr",
//	    "suggestion": "did you mean creator?"
//	  }
//	]
//
// severity is "error", "warning" or "info". Lines and columns are 1-based;
// columns count Unicode code points; the range is half-open, ending just
// before endLine:endColumn, and a point has endLine:endColumn equal to
// line:column.
func WriteJSON(w io.Writer, ds List) error {
	out := make([]JSONDiagnostic, 0, len(ds))
	for _, d := range ds {
		start, end := span(d.Range)
		out = append(out, JSONDiagnostic{
			File:       d.Range.Start.Filename,
			Line:       start.Line,
			Column:     start.Column,
			EndLine:    end.Line,
			EndColumn:  end.Column,
			Severity:   d.Severity.String(),
			Code:       string(d.Code),
			Message:    d.Message,
			Suggestion: d.Suggestion,
		})
	}
	buf, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding diagnostics as JSON: %w", err)
	}
	_, err = w.Write(append(buf, '\n'))
	return err
}

// span returns the start and end of r with lines and columns of at least 1,
// and an end that does not come before the start.
func span(r Range) (start, end Pos) {
	start, end = r.Start, r.End
	start.Line, start.Column = max(start.Line, 1), max(start.Column, 1)
	if end.Line < start.Line || end.Line == start.Line && end.Column < start.Column {
		end = start
	}
	end.Column = max(end.Column, 1)
	return start, end
}

// SARIF 2.1.0 (OASIS), as much of it as code-scanning services read.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// InformationURI is where SARIF output sends readers for the tool.
	InformationURI = "https://github.com/charterlang/charter"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	Results    []sarifResult `json:"results"`
	ColumnKind string        `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex *int            `json:"ruleIndex,omitempty"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// WriteSARIF writes ds as a SARIF 2.1.0 log for code-scanning services such
// as GitHub's. The log has one run whose tool lists every code of the
// Catalogue as a rule (id = code, shortDescription = title, default level),
// and one result per diagnostic pointing at its rule by ruleId and
// ruleIndex. Levels are "error", "warning" and, for info diagnostics,
// "note". Columns count Unicode code points (columnKind
// "unicodeCodePoints"); a diagnostic at a point is widened to one column
// because viewers do not show empty regions. Relative file names become
// relative URIs with forward slashes against %SRCROOT%, absolute ones file
// URIs. toolVersion is omitted when empty.
func WriteSARIF(w io.Writer, ds List, toolVersion string) error {
	index := make(map[Code]int, len(Catalogue))
	rules := make([]sarifRule, len(Catalogue))
	for i, info := range Catalogue {
		index[info.Code] = i
		rules[i] = sarifRule{
			ID:                   string(info.Code),
			ShortDescription:     sarifMessage{info.Title},
			DefaultConfiguration: sarifConfig{sarifLevel(info.Severity)},
		}
	}
	results := make([]sarifResult, 0, len(ds))
	for _, d := range ds {
		res := sarifResult{
			RuleID:  string(d.Code),
			Level:   sarifLevel(d.Severity),
			Message: sarifMessage{d.Message},
		}
		if d.Suggestion != "" {
			res.Message.Text += " (" + d.Suggestion + ")"
		}
		if i, ok := index[d.Code]; ok {
			res.RuleIndex = &i
		}
		if name := d.Range.Start.Filename; name != "" {
			start, end := span(d.Range)
			if end.Line == start.Line && end.Column == start.Column {
				end.Line, end.Column = start.Line, start.Column+1
			}
			uri, base := artifactURI(name)
			res.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base},
				Region: sarifRegion{
					StartLine: start.Line, StartColumn: start.Column,
					EndLine: end.Line, EndColumn: end.Column,
				},
			}}}
		}
		results = append(results, res)
	}
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "charter",
				Version:        toolVersion,
				InformationURI: InformationURI,
				Rules:          rules,
			}},
			Results:    results,
			ColumnKind: "unicodeCodePoints",
		}},
	}
	buf, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding diagnostics as SARIF: %w", err)
	}
	_, err = w.Write(append(buf, '\n'))
	return err
}

// sarifLevel maps a severity to a SARIF level: info is "note" there.
func sarifLevel(s Severity) string {
	switch s {
	case Warning:
		return "warning"
	case Info:
		return "note"
	}
	return "error"
}

// artifactURI turns a file name into a SARIF artifact URI and its base:
// relative names stay relative (to %SRCROOT%, the repository root for
// GitHub), with forward slashes, "./" removed and URI escaping.
func artifactURI(name string) (uri, base string) {
	if filepath.IsAbs(name) {
		p := filepath.ToSlash(name)
		if !strings.HasPrefix(p, "/") { // a Windows drive letter
			p = "/" + p
		}
		return (&url.URL{Scheme: "file", Path: p}).String(), ""
	}
	p := path.Clean(filepath.ToSlash(name))
	return (&url.URL{Path: p}).EscapedPath(), "%SRCROOT%"
}
