package syntax

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// goType matches a Go type as expr-lang's messages print one: a base type,
// perhaps a list of it (any depth), or a map.
var goType = func() *regexp.Regexp {
	base := `(?:time\.Duration\b|time\.Time\b|float64\b|int64\b|interface \{\}|map\[string\]interface \{\}|bool\b|string\b|int\b)`
	return regexp.MustCompile(`(?:\[\])+` + base + `|\b` + base)
}()

// charterTypes names Go's representation of Charter's types as SPEC §5 does.
var charterTypes = map[string]string{
	"time.Duration":           "duration",
	"time.Time":               "time",
	"float64":                 "float",
	"int64":                   "int",
	"int":                     "int",
	"bool":                    "bool",
	"string":                  "string",
	"interface {}":            "any value",
	"map[string]interface {}": "map",
}

// CharterWords rewrites a message of expr-lang's parser or checker in
// Charter's words: the types Charter has instead of Go's (duration, not
// time.Duration; list of string, not []string), starting lower-case and
// without a closing period, as every Charter message does.
func CharterWords(msg string) string {
	if goTypeHint(msg) {
		msg = goTypes(msg)
	}
	msg = strings.TrimSpace(msg)
	if r, n := utf8.DecodeRuneInString(msg); unicode.IsUpper(r) {
		if r2, _ := utf8.DecodeRuneInString(msg[n:]); !unicode.IsUpper(r2) {
			msg = string(unicode.ToLower(r)) + msg[n:]
		}
	}
	return strings.TrimSuffix(msg, ".")
}

// goTypeHint reports whether msg may name a Go type that Charter calls
// otherwise. Most messages name none (9,000 unknown names in one file), and
// the regular expression's machine comes from a pool that the race detector
// empties at random, so skipping it keeps their cost flat.
func goTypeHint(msg string) bool {
	for _, h := range []string{"time.", "float64", "int64", "[]", "interface {}"} {
		if strings.Contains(msg, h) {
			return true
		}
	}
	return false
}

// goTypes replaces each Go type in msg with Charter's name for it.
func goTypes(msg string) string {
	return goType.ReplaceAllStringFunc(msg, func(t string) string {
		depth := 0
		for strings.HasPrefix(t, "[]") {
			t, depth = t[2:], depth+1
		}
		name, ok := charterTypes[t]
		if !ok {
			return strings.Repeat("[]", depth) + t
		}
		if depth > 0 && name == "any value" {
			// A list literal of mixed or unknown elements.
			name, depth = "list", depth-1
		}
		return strings.Repeat("list of ", depth) + name
	})
}
