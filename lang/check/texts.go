package check

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// texts writes the goal targets that `because`, nudge and offer texts name
// as {goal.target} into the texts (SPEC §6.17), from this community's
// goals: a text a piece or parent writes as "reached {size.target}
// members" says the number the community that uses or extends it settled
// on, so a community that overrides the number does not make the words
// false. Errors are reported only for the community's own texts: an
// inherited text named goals its source had, and goals are never removed.
func (b *builder) texts() {
	com := b.com
	own := b.ownSet()
	// An inherited text changes only where a goal may have: a community
	// that declares a goal or uses a piece. The others keep the texts as
	// their parent resolved them (a chain of empty children costs nothing).
	again := len(com.origins) > 0
	for _, d := range com.Decl.Decls {
		if _, ok := d.(*syntax.Goal); ok {
			again = true
		}
	}
	// Inherited rules and messages come first (§9): without a reason to
	// look at them again, only the community's own are looked at.
	rules, msgs := 0, 0
	if !again && com.Parent != nil {
		rules, msgs = len(com.Parent.Rules), len(com.Parent.Messages)
	}
	for i := rules; i < len(com.Rules); i++ {
		r := com.Rules[i]
		lit := becauseOf(r.Decl)
		if lit == nil || !strings.Contains(lit.Raw, "{") || !own[r.Decl] && !again {
			continue
		}
		text := b.resolveText(lit, own[r.Decl])
		if text == r.Because {
			continue
		}
		if own[r.Decl] {
			r.Because = text
		} else {
			nr := *r
			nr.Because = text
			com.Rules[i] = &nr
		}
	}
	for i := msgs; i < len(com.Messages); i++ {
		m := com.Messages[i]
		lit := messageText(m.Decl)
		if lit == nil || !strings.Contains(lit.Raw, "{") || !own[m.Decl] && !again {
			continue
		}
		text := b.resolveText(lit, own[m.Decl])
		if text == m.Text {
			continue
		}
		if own[m.Decl] {
			m.Text = text
		} else {
			nm := *m
			nm.Text = text
			com.Messages[i] = &nm
		}
	}
}

func becauseOf(d syntax.Decl) *syntax.StringLit {
	if r, ok := d.(syntax.RuleDecl); ok {
		return r.RuleBecause()
	}
	return nil
}

func messageText(d syntax.Decl) *syntax.StringLit {
	switch d := d.(type) {
	case *syntax.Nudge:
		return d.Text
	case *syntax.Offer:
		return d.Text
	}
	return nil
}

// goalFields are the fields a goal has in expressions; a placeholder
// {name.field} with one of them is about a goal.
var goalFields = map[string]bool{"value": true, "target": true, "met": true, "progress": true}

// resolveText returns lit's text with every {goal.target} replaced by the
// goal's target, written as the shortest decimal that reads back as it
// (150, 0.4). Braces around anything else are text. A placeholder that
// names no goal, or a goal field that changes as members act, is an error
// when report is set.
func (b *builder) resolveText(lit *syntax.StringLit, report bool) string {
	s := lit.Value()
	var out strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i])
		name, field, n := placeholder(s[i:])
		if n == 0 || !goalFields[field] {
			out.WriteByte('{')
			s = s[i+1:]
			continue
		}
		g := b.com.Goal(name)
		switch {
		case g == nil:
			if report {
				d := b.errorf(diag.UnknownName, lit.Range(), "text names {%s.%s}, but %s is not a goal of %s", name, field, name, b.com.Name)
				d.Suggestion = b.suggest(name, b.com.goalNames())
			}
			out.WriteString(s[i : i+n])
		case field != "target":
			if report {
				b.errorf(diag.BadText, lit.Range(), "a text can show only a goal's target, a constant: {%s.%s} changes as members act", name, field)
			}
			out.WriteString(s[i : i+n])
		default:
			out.WriteString(strconv.FormatFloat(g.TargetValue, 'f', -1, 64))
		}
		s = s[i+n:]
	}
}

// placeholder reads {name.field} at the start of s, two identifiers of
// SPEC §2.4, and returns them and its length; n is 0 when s does not start
// with one.
func placeholder(s string) (name, field string, n int) {
	ident := func(s string) int {
		k := 0
		for k < len(s) {
			r, w := utf8.DecodeRuneInString(s[k:])
			if !(r == '_' || unicode.IsLetter(r) || k > 0 && unicode.IsDigit(r)) {
				break
			}
			k += w
		}
		return k
	}
	rest := s[1:]
	a := ident(rest)
	if a == 0 || a == len(rest) || rest[a] != '.' {
		return "", "", 0
	}
	f := ident(rest[a+1:])
	end := a + 1 + f
	if f == 0 || end == len(rest) || rest[end] != '}' {
		return "", "", 0
	}
	return rest[:a], rest[a+1 : end], end + 2
}
