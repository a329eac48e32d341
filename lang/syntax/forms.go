package syntax

import "regexp"

// stoppedAt matches participle's error when it gives up on a whole
// declaration: it backtracks to the declaration's first word and reports
// that word, wherever inside the declaration the mistake was. The form of
// the declaration is then the most useful thing to show.
var stoppedAt = regexp.MustCompile(`^unexpected token "(\w+)" \(expected "}"\)$`)

// forms are the declarations and the test block as SPEC §4.3 and §4.4
// write them, for the suggestion of a syntax error at their first word.
var forms = map[string]string{
	"use":      "use std.NAME",
	"purpose":  `purpose "text"`,
	"default":  "default allow, or default deny",
	"member":   "member { NAME: TYPE [= DEFAULT] ... }",
	"settings": "settings { NAME: TYPE = DEFAULT ... }",
	"action":   "action NAME(PARAM: TYPE, ...)",
	"roles":    "roles { NAME if COND ... NAME otherwise }",
	"badge":    "badge NAME if COND",
	"admit":    "admit if COND",
	"may":      `may ACTION, ... [if COND] [because "text"], without else`,
	"must":     `must not ACTION, ... [if COND] [because "text"] [else SANCTION], or a duty: must ACTION N per DURATION [if COND] [because "text"] [else SANCTION], DURATION a literal such as 7d`,
	"first":    `first ACTION then ACTION [if COND] [because "text"] [else SANCTION]`,
	"limit":    `limit ACTION N per DURATION [if COND] [because "text"] [else SANCTION], DURATION a literal such as 7d or calendar day, week or month`,
	"on":       "on ACTION { ATTR OP VALUE ... }, OP one of = += -= *= /=",
	"goal":     `goal NAME ["title"] { measure EXPR; target OP NUMBER }`,
	"when":     "when COND { rules, nudges and offers }",
	"nudge":    `nudge [ROLE or BADGE] "text"`,
	"offer":    `offer [ROLE or BADGE] "text"`,
	"test": `test "name" { STEP ... }, each step one of: ` +
		`given member [NAME] { ATTR: VALUE, ... } [did ACTION at "RFC 3339 time", ...], ` +
		`given members N { ... }, at "RFC 3339 time", wait DURATION (unquoted, such as 10m), ` +
		`do or try [NAME:] ACTION(PARAM: VALUE, ...) [times N], update [NAME] { ATTR: VALUE, ... }, review, ` +
		`expect [NAME:] allow or deny ACTION(...) [because "text"] [else SANCTION], ` +
		`expect [NAME:] role R, expect [NAME:] [no] badge B, expect [NAME:] [no] duty ACTION [because "text"] [else SANCTION], ` +
		`expect [NAME:] [no] message "text", expect goal G met or unmet, expect [NAME:] [no] admit, ` +
		`expect [NAME:] [no] sanction S, expect [NAME:] that COND`,
}

// formSuggestion is the suggestion of a syntax error with message msg:
// the form of the declaration participle gave up on, or "".
func formSuggestion(msg string) string {
	m := stoppedAt.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	form, ok := forms[m[1]]
	if !ok {
		return ""
	}
	return m[1] + " is written " + form
}
