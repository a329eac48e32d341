package check

import (
	"sort"
	"strings"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// SubjectID is the live-state ID of a test's subject, its unnamed `given
// member`: what a member argument written `me` in a test's call names. The
// "@" keeps it apart from the names a test can write.
const SubjectID = "@subject"

// Limits on the work the tests of one file ask of a test runner (SPEC
// §13): each `given members N` and `do ... times N` is bounded on its own,
// but a file may hold many of them.
const (
	MaxTestMembers = 1_000_000 // members joined by the tests of one file, each given member and each of given members N counted
	MaxTestSteps   = 1_000_000 // steps run by the tests of one file, do ... times N counted N times

	maxGivenMembers = 1_000_000 // the N of one given members N (CH0112)
	maxTimes        = 100_000   // the N of one do ... times N (CH0112)
)

// testWork reports CH0012 at the step where the tests of f go past
// MaxTestMembers or MaxTestSteps. A count that is out of range is CH0112
// on its own and counts nothing here, so as not to be reported twice.
func (c *checker) testWork(f *syntax.File) {
	members, steps := 0, 0
	overMembers, overSteps := false, false
	for _, cd := range f.Communities {
		if cd == nil {
			continue
		}
		for _, d := range cd.Decls {
			t, ok := d.(*syntax.Test)
			if !ok {
				continue
			}
			for _, s := range t.Steps {
				joined, run := 0, 1
				switch s := s.(type) {
				case *syntax.Given:
					joined = 1
				case *syntax.GivenMembers:
					joined = countOf(s.Count, maxGivenMembers)
				case *syntax.Do:
					if s.Times != nil {
						run = countOf(s.Times, maxTimes)
					}
				}
				r := s.(interface{ Range() diag.Range }).Range()
				members += joined
				steps += run
				if members > MaxTestMembers && !overMembers {
					overMembers = true
					c.errorf(diag.LimitTestWork, r, "the tests of this file join %d members up to here; the limit is %d", members, MaxTestMembers)
				}
				if steps > MaxTestSteps && !overSteps {
					overSteps = true
					c.errorf(diag.LimitTestWork, r, "the tests of this file run %d steps up to here; the limit is %d", steps, MaxTestSteps)
				}
			}
		}
	}
}

// countOf is the value of a count literal, or 0 when it is not a whole
// number from 1 to max (CH0112 reports that).
func countOf(n *syntax.IntLit, max int64) int {
	v, err := n.Value()
	if err != nil || v <= 0 || v > max {
		return 0
	}
	return int(v)
}

// test checks that a test block names things that exist and gives values of
// the right types.
func (b *builder) test(t *syntax.Test) {
	named := map[string]bool{}
	for _, s := range t.Steps {
		if g, ok := s.(*syntax.Given); ok && g.Name != nil {
			named[g.Name.Name] = true
		}
	}
	var required []string
	for _, a := range b.com.Attrs {
		if a.Required {
			required = append(required, a.Name)
		}
	}
	subject := false
	for i, s := range t.Steps {
		switch s := s.(type) {
		case *syntax.GivenSettings:
			if i > 0 {
				b.errorf(diag.BadTest, s.Range(), "given settings comes before every other step of a test: the settings hold from the start")
			}
			b.settingFields(s.Fields)
		case *syntax.Given:
			if s.Name != nil && s.Name.Name == "me" {
				// me names the subject in a step's arguments; a member
				// called me would make `do me: ...` and `to: me` differ.
				b.errorf(diag.BadTest, s.Name.Range(), "me names the subject in a test: give this member another name")
			}
			b.fields(s.Fields)
			b.givesRequired(s.Range(), s.Fields, required)
			subject = subject || s.Name == nil
			for _, d := range s.Did {
				if b.com.Action(d.Action.Name) == nil {
					e := b.errorf(diag.UnknownAction, d.Action.Range(), "unknown action %s", d.Action.Name)
					e.Suggestion = suggestKey(b.checker, d.Action.Name, b.com.actionByName)
				}
				if _, err := convertConst(d.At.Value(), Type{Kind: Time}); err != nil {
					b.errorf(diag.BadTest, d.At.Range(), "did %s at: %v", d.Action.Name, err)
				}
			}
		case *syntax.Update:
			b.actor(s.Name, named)
			if len(s.Fields) == 0 {
				b.errorf(diag.BadTest, s.Range(), "update changes no attribute: give at least one, as `update {posts: 20}`")
			}
			b.fields(s.Fields)
		case *syntax.GivenMembers:
			if countOf(s.Count, maxGivenMembers) == 0 {
				b.errorf(diag.BadCount, s.Count.Range(), "given members needs a count from 1 to %d, not %s", maxGivenMembers, s.Count.Raw)
			}
			b.fields(s.Fields)
			b.givesRequired(s.Range(), s.Fields, required)
		case *syntax.At:
			if _, err := convertConst(s.Time.Value(), Type{Kind: Time}); err != nil {
				b.errorf(diag.BadTest, s.Time.Range(), "at: %v", err)
			}
		case *syntax.Wait:
			if d, err := durationOf(s.For); err != nil || d <= 0 {
				b.errorf(diag.BadCount, s.For.Range(), "wait needs a positive duration")
			}
		case *syntax.Do:
			b.actor(s.Actor, named)
			b.call(s.Call, named)
			if s.Times != nil {
				if countOf(s.Times, maxTimes) == 0 {
					b.errorf(diag.BadCount, s.Times.Range(), "times needs a count from 1 to %d, not %s", maxTimes, s.Times.Raw)
				}
			}
		case *syntax.Expect:
			b.actor(s.Actor, named)
			b.expect(s.Body, named)
		}
	}
	if len(required) > 0 && !subject && len(t.Steps) > 0 {
		b.errorf(diag.BadTest, t.Name.Range(), "the test has no `given member`, and %s requires %s of every member: give the subject's", b.com.Name, strings.Join(required, ", "))
	}
}

// givesRequired reports CH0113 at a given member step whose record
// lacks required attributes: the runtime refuses such a record (SPEC §6.4),
// so the test could only fail.
func (b *builder) givesRequired(r diag.Range, fs []*syntax.Field, required []string) {
	var missing []string
	for _, name := range required {
		given := false
		for _, f := range fs {
			given = given || f.Name.Name == name
		}
		if !given {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		b.errorf(diag.BadTest, r, "this member gives no %s, which %s requires of every member", strings.Join(missing, ", "), b.com.Name)
	}
}

// actor checks that the member a step names (`do bob: ...`, `expect bob:
// ...`, `update bob {...}`) is declared by a `given member bob {...}` of
// the test; nil names the subject.
func (b *builder) actor(a *syntax.Ident, named map[string]bool) {
	if a == nil || named[a.Name] {
		return
	}
	if a.Name == "me" {
		b.errorf(diag.BadTest, a.Range(), "a step about the subject names no member: write it without `me:`")
		return
	}
	var names []string
	for n := range named {
		names = append(names, n)
	}
	sort.Strings(names)
	d := b.errorf(diag.BadTest, a.Range(), "no `given member %s {...}` in this test declares %s", a.Name, a.Name)
	d.Suggestion = b.suggest(a.Name, names)
}

// sanctionNamed checks the sanction an expectation asserts: one that some
// rule of a kind the expectation is about calls for. The period is
// compared when the test runs, with the decision's or duty's own rule.
func (b *builder) sanctionNamed(s *syntax.Sanction, kinds map[RuleKind]bool) {
	if s == nil {
		return
	}
	for _, r := range b.com.Rules {
		if kinds[r.Kind] && r.Else != nil && r.Else.Name == s.Name.Name {
			return
		}
	}
	b.errorf(diag.BadTest, s.Name.Range(), "no rule of %s that this expectation can be about has `else %s`", b.com.Name, s.Name.Name)
}

func (b *builder) fields(fs []*syntax.Field) {
	seen := map[string]bool{}
	for _, f := range fs {
		a := b.com.Attr(f.Name.Name)
		if a == nil {
			d := b.errorf(diag.BadTest, f.Name.Range(), "unknown attribute %s", f.Name.Name)
			d.Suggestion = suggestKey(b.checker, f.Name.Name, b.com.attrByName)
			continue
		}
		if seen[a.Name] {
			b.errorf(diag.BadTest, f.Name.Range(), "attribute %s is given twice", a.Name)
		}
		seen[a.Name] = true
		b.storeConst(f.Value, a.Type, "value of "+a.Name)
	}
}

// settingFields checks the values of a given settings step.
func (b *builder) settingFields(fs []*syntax.Field) {
	seen := map[string]bool{}
	for _, f := range fs {
		st := b.com.Setting(f.Name.Name)
		if st == nil {
			if b.com.Attr(f.Name.Name) != nil {
				b.errorf(diag.BadTest, f.Name.Range(), "%s is an attribute of a member, not a setting: give it in given member", f.Name.Name)
				continue
			}
			d := b.errorf(diag.BadTest, f.Name.Range(), "unknown setting %s", f.Name.Name)
			names := map[string]bool{}
			for _, s := range b.com.Settings {
				names[s.Name] = true
			}
			d.Suggestion = suggestKey(b.checker, f.Name.Name, names)
			continue
		}
		if seen[st.Name] {
			b.errorf(diag.BadTest, f.Name.Range(), "setting %s is given twice", st.Name)
		}
		seen[st.Name] = true
		b.storeConst(f.Value, st.Type, "value of setting "+st.Name)
	}
}

// call checks an action call in a test; member arguments name given members.
func (b *builder) call(c *syntax.Call, named map[string]bool) {
	a := b.com.Action(c.Action.Name)
	if a == nil {
		d := b.errorf(diag.UnknownAction, c.Action.Range(), "unknown action %s", c.Action.Name)
		d.Suggestion = suggestKey(b.checker, c.Action.Name, b.com.actionByName)
		return
	}
	given := map[string]bool{}
	for _, f := range c.Args {
		p := a.Param(f.Name.Name)
		if p == nil {
			var names []string
			for _, q := range a.Params {
				names = append(names, q.Name)
			}
			d := b.errorf(diag.BadTest, f.Name.Range(), "%s has no parameter %s", a.Name, f.Name.Name)
			d.Suggestion = b.suggest(f.Name.Name, names)
			continue
		}
		if given[p.Name] {
			b.errorf(diag.BadTest, f.Name.Range(), "argument %s is given twice", p.Name)
		}
		given[p.Name] = true
		if p.Type.Kind == Member {
			if id, isID := f.Value.Root.(*exprast.IdentifierNode); isID && id.Value == "me" {
				if b.com.consts == nil {
					b.com.consts = map[*syntax.Expr]any{}
				}
				b.com.consts[f.Value] = SubjectID
				continue
			}
			v, ok := b.storeConst(f.Value, Type{Kind: String}, "argument "+p.Name)
			if ok && !named[v.(string)] {
				b.errorf(diag.BadTest, f.Value.Range(), "argument %s names %q, but no `given member %s {...}` declares it", p.Name, v, v)
			}
			continue
		}
		b.storeConst(f.Value, p.Type, "argument "+p.Name)
	}
	for _, p := range a.Params {
		if !given[p.Name] {
			b.errorf(diag.BadTest, c.Range(), "%s needs argument %s", a.Name, p.Name)
		}
	}
}

// storeConst checks that e is a constant of type want and records its
// value in the model, for the test runner to read through Const.
func (b *builder) storeConst(e *syntax.Expr, want Type, what string) (any, bool) {
	v, ok := b.constant(e, want, what, diag.BadTest)
	if ok {
		if b.com.consts == nil {
			b.com.consts = map[*syntax.Expr]any{}
		}
		b.com.consts[e] = v
	}
	return v, ok
}

func (b *builder) expect(e syntax.ExpectBody, named map[string]bool) {
	com := b.com
	switch e := e.(type) {
	case *syntax.ExpectDecision:
		b.call(e.Call, named)
		if e.Else != nil {
			if e.Verdict == "allow" {
				b.errorf(diag.BadTest, e.Else.Range(), "an allowed action calls for no sanction: `else` goes with `expect deny`")
			} else {
				b.sanctionNamed(e.Else, map[RuleKind]bool{MustNot: true, First: true, Limit: true})
			}
		}
	case *syntax.ExpectRole:
		if com.Role(e.Role.Name) == nil {
			d := b.errorf(diag.BadTest, e.Role.Range(), "unknown role %s", e.Role.Name)
			d.Suggestion = b.suggest(e.Role.Name, com.roleNames())
		}
	case *syntax.ExpectBadge:
		if com.Badge(e.Badge.Name) == nil {
			d := b.errorf(diag.BadTest, e.Badge.Range(), "unknown badge %s", e.Badge.Name)
			d.Suggestion = b.suggest(e.Badge.Name, com.badgeNames())
		}
	case *syntax.ExpectDuty:
		a := com.Action(e.Action.Name)
		if a == nil {
			d := b.errorf(diag.UnknownAction, e.Action.Range(), "unknown action %s", e.Action.Name)
			d.Suggestion = suggestKey(b.checker, e.Action.Name, com.actionByName)
			return
		}
		if e.No && (e.Because != nil || e.Else != nil) {
			b.errorf(diag.BadTest, e.Range(), "expect no duty asserts that no duty is owed: it takes no because or else")
		}
		for _, r := range com.Rules {
			if r.Kind == Duty && r.Actions[0] == a {
				b.sanctionNamed(e.Else, map[RuleKind]bool{Duty: true})
				return
			}
		}
		b.errorf(diag.BadTest, e.Action.Range(), "no duty `must %s N per D` is declared", a.Name)
	case *syntax.ExpectMessage:
		for _, m := range com.Messages {
			if m.Text == e.Text.Value() {
				return
			}
		}
		b.errorf(diag.BadTest, e.Text.Range(), "no nudge or offer has the text %s", e.Text.Raw)
	case *syntax.ExpectGoal:
		if com.Goal(e.Goal.Name) == nil {
			d := b.errorf(diag.BadTest, e.Goal.Range(), "unknown goal %s", e.Goal.Name)
			d.Suggestion = b.suggest(e.Goal.Name, com.goalNames())
		}
	case *syntax.ExpectAdmit:
		for x := com; x != nil; x = x.Parent {
			if x.Admit != nil {
				return
			}
		}
		b.errorf(diag.BadTest, e.Range(), "neither community %s nor a community it extends has an admit condition", com.Name)
	case *syntax.ExpectSanction:
		name := e.Sanction.Name
		if name != "mute" && name != "remove" {
			b.errorf(diag.BadTest, e.Sanction.Range(), "expect sanction takes mute or remove, the sanctions the live state holds, not %s", name)
			return
		}
		for _, r := range com.Rules {
			if r.Else != nil && r.Else.Name == name {
				return
			}
		}
		b.errorf(diag.BadTest, e.Sanction.Range(), "no rule of %s has `else %s`", com.Name, name)
	case *syntax.ExpectThat:
		b.cond(e.Cond, b.envs.test(), "expect that")
	}
}
