package runtime

import (
	"fmt"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
)

// Rule is a compiled rule as decisions and duties report it.
type Rule struct {
	Kind check.RuleKind
	// Label names the rule and where it is declared:
	// "limit post 3 per 1d (club.charter:41:3)".
	Label string
	// Reason is the rule's `because` text, or a sentence made from the rule.
	Reason   string
	Sanction *Sanction // nil when the rule has no `else`
	def      *check.Rule
	self     []*Rule // a one-element slice of this rule, so decisions need not allocate
}

// Sanction is what a broken rule or an unmet duty calls for. Decisions
// report sanctions; the live State carries out warn, mute, demote and remove
// (State.Review, Result.Sanctions), and the host the others.
type Sanction struct {
	Name string        // warn, mute, demote, remove, or a host-defined name
	For  time.Duration // for mute, and remove with a period; else 0
}

func (s *Sanction) String() string {
	if s.For != 0 {
		return s.Name + " " + check.FormatDuration(s.For)
	}
	return s.Name
}

// Decision is the answer to "may this member take this action now?".
type Decision struct {
	Action  string
	Allowed bool
	// ByDefault is true when no rule decided and the community's default did.
	ByDefault bool
	// Rules are the rules that decided: every denying rule when denied,
	// the allowing may when allowed by a rule. When the community's default
	// decided, none when it allows; when it denies, the unmet mays: each
	// active may of the action with a because text (SPEC §10.1), whose
	// reasons say what would have allowed it.
	Rules []*Rule
	// A Decision is seven words, which Go returns in registers: an eighth
	// (Explain's trace, once a field here) made every decision a copy
	// through memory, a sixth of its time.
}

// Reasons returns the reasons of the deciding rules (of the unmet mays
// when the default denied), or "default deny" / "default allow" when the
// community's default decided with no rule to show.
func (d *Decision) Reasons() []string {
	if d.ByDefault && len(d.Rules) == 0 {
		if d.Allowed {
			return []string{"default allow"}
		}
		return []string{"default deny"}
	}
	out := make([]string, len(d.Rules))
	for i, r := range d.Rules {
		out[i] = r.Reason
	}
	return out
}

// Sanctions returns the sanctions of the deciding rules that have one.
func (d *Decision) Sanctions() []*Sanction {
	var out []*Sanction
	for _, r := range d.Rules {
		if r.Sanction != nil {
			out = append(out, r.Sanction)
		}
	}
	return out
}

func (d Decision) String() string {
	verdict := "deny"
	if d.Allowed {
		verdict = "allow"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", verdict, d.Action)
	if d.ByDefault {
		b.WriteString(" (by default)")
	}
	for _, r := range d.Rules {
		fmt.Fprintf(&b, "; %s: %s", r.Label, r.Reason)
		if r.Sanction != nil {
			fmt.Fprintf(&b, " (else %s)", r.Sanction)
		}
	}
	return b.String()
}

// TraceStep is one condition evaluated while deciding.
type TraceStep struct {
	Rule  string // the rule's label, or "role", "badge NAME", "when ..." for derived values
	What  string // the condition or check as written, e.g. "role <= participant" or "2 of 3 in 1d"
	Value bool
}

// Duty is an unmet `must X N per D` for a member at a time.
type Duty struct {
	Action string
	Need   int           // N
	Per    time.Duration // D; for a calendar window, its part up to the time asked
	// Calendar is the period of a calendar window ("day", "week",
	// "month"), or "" for a rolling one.
	Calendar string
	Done     int // takings in the window
	Rule     *Rule
}

// Message is a nudge or offer that reaches a member.
type Message struct {
	Nudge bool   // false for an offer
	To    string // the role or badge it is addressed to; "" for everyone
	Text  string
}

// GoalValue is one goal's state.
type GoalValue struct {
	Name     string
	Title    string
	Value    float64
	Op       string // >=, <=, >, <, ==
	Target   float64
	Met      bool
	Progress float64 // 0..1
}

// unmetProgress is the most progress an unmet goal shows: a ratio of 1
// (`> 2` at exactly 2) or one that rounds to 1 (149.99 of 150) must not
// read "100%" beside a goal that is not met.
const unmetProgress = 0.9999

// evaluate fills Met and Progress from Value, Op and Target.
func (g *GoalValue) evaluate() {
	v, t := g.Value, g.Target
	switch g.Op {
	case ">=":
		g.Met = v >= t
	case ">":
		g.Met = v > t
	case "<=":
		g.Met = v <= t
	case "<":
		g.Met = v < t
	case "==":
		g.Met = v == t
	}
	switch {
	case g.Met:
		g.Progress = 1
	case g.Op == ">=" || g.Op == ">":
		if t > 0 && v > 0 {
			g.Progress = min(v/t, unmetProgress)
		} else {
			g.Progress = 0
		}
	case g.Op == "<=" || g.Op == "<":
		if v > 0 && t > 0 {
			g.Progress = min(t/v, unmetProgress)
		} else {
			g.Progress = 0
		}
	default:
		g.Progress = 0
	}
}
