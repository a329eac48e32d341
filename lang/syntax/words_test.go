package syntax

import "testing"

func TestCharterWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"invalid operation: + (mismatched types int and time.Duration)", "invalid operation: + (mismatched types int and duration)"},
		{"invalid operation: + (mismatched types time.Time and time.Time)", "invalid operation: + (mismatched types time and time)"},
		{"invalid operation: > (mismatched types []string and int)", "invalid operation: > (mismatched types list of string and int)"},
		{"invalid operation: + (mismatched types float64 and time.Duration)", "invalid operation: + (mismatched types float and duration)"},
		{"cannot use int as argument (type []time.Duration) to call len ", "cannot use int as argument (type list of duration) to call len"},
		{"expression has type []interface {}", "expression has type list"},
		{"expression has type [][]interface {}", "expression has type list of list"},
		{"expression has type map[string]interface {}", "expression has type map"},
		{"Operator (>) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.", "operator (>) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses"},
		{"URL is not a name", "URL is not a name"},       // an acronym keeps its case
		{"unknown name strings", "unknown name strings"}, // a word that starts like a type
		{"unknown name int64s", "unknown name int64s"},
		{"unknown name xfloat64", "unknown name xfloat64"},
	} {
		if got := CharterWords(tc.in); got != tc.want {
			t.Errorf("CharterWords(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
