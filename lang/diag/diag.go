// Package diag holds the diagnostics every stage of Charter reports: a
// position range in a source file, a severity, a stable code documented in
// SPEC.md, a message and an optional suggestion.
//
// A List of them is what each stage returns, and is itself an error:
//
//	f, ds := syntax.Parse("club.charter", src)
//	if ds.HasErrors() {
//		return nil, ds
//	}
//	return f, nil
//
// WriteText, WriteJSON and WriteSARIF print a List for people, editors and
// code-scanning tools; see their examples.
package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// Pos is a point in a source file. Line and Column are 1-based; Column counts
// Unicode code points; Offset is the 0-based byte offset.
type Pos struct {
	Filename string `json:"file"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

func (p Pos) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// IsValid reports whether p names a point (line numbers start at 1).
func (p Pos) IsValid() bool { return p.Line > 0 }

// Range is a half-open span [Start, End) of a source file.
type Range struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Severity says whether a diagnostic stops a file from being used.
type Severity int

const (
	// Error diagnostics make a load set unusable.
	Error Severity = iota
	// Warning diagnostics are lint findings: the file still compiles.
	Warning
	// Info diagnostics say what the checker decided, such as which inherited
	// declaration a child overrides; `charter check -v` shows them.
	Info
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return "error"
}

// MarshalText writes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one finding about a source file.
type Diagnostic struct {
	Severity   Severity `json:"severity"`
	Code       Code     `json:"code"`
	Message    string   `json:"message"`
	Range      Range    `json:"range"`
	Suggestion string   `json:"suggestion,omitempty"`
}

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s: %s: %s [%s]", d.Range.Start, d.Severity, d.Message, d.Code)
	if d.Suggestion != "" {
		s += " (" + d.Suggestion + ")"
	}
	return s
}

// Error lets a single diagnostic be returned as an error.
func (d Diagnostic) Error() string { return d.String() }

// List is the diagnostics of one run.
type List []Diagnostic

// HasErrors reports whether any diagnostic in l is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns the error-severity diagnostics of l.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders l by file, offset, then code, and removes exact duplicates.
func (l *List) Sort() {
	slices.SortStableFunc(*l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Range.Start.Filename, b.Range.Start.Filename),
			cmp.Compare(a.Range.Start.Offset, b.Range.Start.Offset),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
	*l = slices.Compact(*l)
}

// Error makes l usable as an error value; it describes every diagnostic.
func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no diagnostics"
	case 1:
		return l[0].String()
	}
	s := l[0].String()
	for _, d := range l[1:] {
		s += "\n" + d.String()
	}
	return s
}

// Add appends a diagnostic built from its parts.
func (l *List) Add(sev Severity, code Code, r Range, format string, args ...any) *Diagnostic {
	if len(*l) == cap(*l) {
		// Doubling: append grows a large slice by a quarter, and the
		// 174,000 warnings of a hostile file copied their list about
		// thirty times (128 MB allocated for a 24 MB list).
		*l = slices.Grow(*l, max(len(*l), 8))
	}
	*l = append(*l, Diagnostic{Severity: sev, Code: code, Range: r, Message: fmt.Sprintf(format, args...)})
	return &(*l)[len(*l)-1]
}
