package prelude

import (
	"math/bits"
	"strconv"
	"time"
)

// Rule is a rule that decides an action, numbered in the order the runtime
// compiles rules. A rule that lists several actions is one Rule per action.
type Rule int

// Kind is "may", "must not", "first" or "limit".
func (r Rule) Kind() string { return rules[r].kind }

// Label names the rule and where it is declared, as runtime.Rule.Label does.
func (r Rule) Label() string { return rules[r].label }

// Reason is the rule's because text, or the sentence the runtime makes of
// the rule.
func (r Rule) Reason() string { return rules[r].reason }

// Sanction is what the rule's else calls for, or nil.
func (r Rule) Sanction() *Sanction { return rules[r].sanction }

// Sanction is what a broken rule calls for. Charter reports sanctions; the
// host carries them out.
type Sanction struct {
	Name string        // warn, mute, demote, remove, or a host-defined name
	For  time.Duration // for mute, and remove or demote with a period; else 0
}

func (s *Sanction) String() string {
	if s.For != 0 {
		return s.Name + " " + formatDuration(s.For)
	}
	return s.Name
}

// formatDuration writes d as a Charter duration literal in the largest unit
// that divides it exactly: 36h, 90m, 2w, 1d.
func formatDuration(d time.Duration) string {
	for _, u := range [...]struct {
		suffix string
		d      time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if d != 0 && d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}

// Decision is the answer to "may this member take this action now?", as
// runtime.Decision gives it. It holds its deciding rules as bits over the
// action's rules, so that deciding never allocates and, when no action has
// more than 64 rules, Go returns a Decision in registers.
type Decision struct {
	Action  Action
	Allowed bool
	// ByDefault is true when no rule decided and the community's default did.
	ByDefault bool

	set [decisionWords]uint64 // bit i: actionRules[Action][i] decided
}

// add notes that the action's rule i decided.
func (d *Decision) add(i int) { d.set[i/64] |= 1 << (i % 64) }

// ruled reports whether a rule decided.
func (d *Decision) ruled() bool { return d.set != [decisionWords]uint64{} }

// Rules returns the rules that decided, in a new slice: every denying rule
// when denied, the allowing may when allowed by a rule; when the default
// decided, none when it allows and the unmet mays when it denies (each
// active may of the action with a because text), as runtime.Decision's
// Rules.
func (d Decision) Rules() []Rule {
	var out []Rule
	for w, s := range d.set {
		for ; s != 0; s &= s - 1 {
			out = append(out, actionRules[d.Action][w*64+bits.TrailingZeros64(s)])
		}
	}
	return out
}

// First returns the first deciding rule (the first denying one when the
// decision denies; the first unmet may when the default denies), and false
// when there is none.
func (d Decision) First() (Rule, bool) {
	for w, s := range d.set {
		if s != 0 {
			return actionRules[d.Action][w*64+bits.TrailingZeros64(s)], true
		}
	}
	return 0, false
}

// Reasons returns the reasons of the deciding rules (of the unmet mays
// when the default denied), or "default deny" / "default allow" when the
// community's default decided with no rule to show.
func (d Decision) Reasons() []string {
	if d.ByDefault && !d.ruled() {
		if d.Allowed {
			return []string{"default allow"}
		}
		return []string{"default deny"}
	}
	var out []string
	for _, r := range d.Rules() {
		out = append(out, r.Reason())
	}
	return out
}

// Sanctions returns the sanctions of the deciding rules that have one.
func (d Decision) Sanctions() []*Sanction {
	var out []*Sanction
	for _, r := range d.Rules() {
		if s := r.Sanction(); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (d Decision) String() string {
	verdict := "deny"
	if d.Allowed {
		verdict = "allow"
	}
	s := verdict + " " + d.Action.String()
	if d.ByDefault {
		s += " (by default)"
	}
	for _, r := range d.Rules() {
		s += "; " + r.Label() + ": " + r.Reason()
		if sn := r.Sanction(); sn != nil {
			s += " (else " + sn.String() + ")"
		}
	}
	return s
}
