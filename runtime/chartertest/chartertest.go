// Package chartertest runs the test blocks of Charter communities (SPEC
// §6.18), as `charter test` does. It is a host of package runtime like any
// other: each test block runs in a fresh runtime.State, through the public
// API that a service embedding Charter would use.
package chartertest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

// start is the time a test block's clock starts at unless `at` says
// otherwise. It is a function rather than a variable because SPEC §12.4
// fixes it: it is part of the language, not a setting.
func start() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// subjectID is the live-state ID of a test's unnamed `given member`,
// which a member argument written `me` names.
const subjectID = check.SubjectID

// Result is the outcome of one test block.
type Result struct {
	Community string
	Name      string
	Pos       diag.Pos // where the test block starts
	Passed    bool
	// Failure says what was expected and what happened; FailPos is the
	// step that failed.
	Failure string
	FailPos diag.Pos
}

func (r Result) String() string {
	if r.Passed {
		return fmt.Sprintf("ok   %s/%s", r.Community, r.Name)
	}
	return fmt.Sprintf("%s: FAIL %s/%q: %s", r.FailPos, r.Community, r.Name, r.Failure)
}

// Run runs every test block of every community in p, in declaration
// order. Each test runs in a fresh live state of its community.
func Run(p *runtime.Program) []Result {
	out, _ := RunWith(p, Options{})
	return out
}

// failure stops a test at a step.
type failure struct {
	pos diag.Pos
	msg string
}

// RunBlock runs one test block of c, t being one of c.Checked().Tests:
// the runner relies on the checker for the steps' names and types, and
// reads the values of their constants from it (check.Community.Const).
func RunBlock(c *runtime.Community, t *syntax.Test) Result { return runBlock(c, t, nil, false) }

// runBlock runs a test block, recording what it exercises in rec unless
// rec is nil, and explaining failures if explain.
func runBlock(c *runtime.Community, t *syntax.Test, rec *recorder, explain bool) Result {
	res := Result{Community: c.Name, Name: t.Name.Value(), Pos: t.Range().Start}
	tr := &testRun{c: c, at: start(), rec: rec, explain: explain}
	// The test's clock is the reference for how far ahead a step may be
	// dated, so that `wait 30d` is not refused as a leap into the future.
	// A test states its members as they are, admitted or not (SPEC §6.18):
	// admission is what `expect admit` asks.
	steps := t.Steps
	if len(steps) > 0 {
		// The checker keeps given settings first: the State is made over
		// the community with them set.
		if gs, ok := steps[0].(*syntax.GivenSettings); ok {
			vals, f := tr.fields(gs.Fields)
			if f == nil {
				if c, err := c.WithSettings(vals); err != nil {
					f = failAt(gs, "given settings: %v", err)
				} else {
					tr.c = c
				}
			}
			if f != nil {
				res.Failure, res.FailPos = f.msg, f.pos
				return res
			}
			steps = steps[1:]
		}
	}
	tr.st = runtime.NewState(tr.c, runtime.Clock(func() time.Time { return tr.at }), runtime.AdmitAll())
	for _, step := range steps {
		f := tr.step(step)
		if rec != nil {
			tr.observe()
		}
		if f != nil {
			res.Failure, res.FailPos = f.msg, f.pos
			return res
		}
	}
	res.Passed = true
	return res
}

type testRun struct {
	c       *runtime.Community
	st      *runtime.State
	at      time.Time
	subject bool // joined
	anon    int
	rec     *recorder // nil unless coverage is asked for
	named   []string  // the IDs of the subject and the given members, as they join
	explain bool      // failures say why (Options.Explain)
}

// MaxKeptTimes bounds the taking times the members of one test keep
// (Community.KeptTimes each, 8 bytes a time): 128 MiB. A `given members N`
// that would go past it fails the test at that step, so that a file of a
// million members under a limit of 10,000 does not ask for 80 GB.
const MaxKeptTimes = 1 << 24

func failAt(n interface{ Range() diag.Range }, format string, args ...any) *failure {
	return &failure{pos: n.Range().Start, msg: fmt.Sprintf(format, args...)}
}

func (tr *testRun) fields(fs []*syntax.Field) (map[string]any, *failure) {
	vals := map[string]any{}
	for _, f := range fs {
		// The checker evaluated every constant of the block; the runner
		// does not evaluate them again.
		v, ok := tr.c.Checked().Const(f.Value)
		if !ok {
			return nil, failAt(f, "%s: the checker has no value for %s", f.Name.Name, f.Value.Src)
		}
		vals[f.Name.Name] = v
	}
	return vals, nil
}

func (tr *testRun) join(id string, n interface{ Range() diag.Range }, fs []*syntax.Field, did []*syntax.Did) *failure {
	vals, f := tr.fields(fs)
	if f != nil {
		return f
	}
	m, err := tr.c.Member(vals)
	if err != nil {
		return failAt(n, "%v", err)
	}
	for _, d := range did {
		t, err := time.Parse(time.RFC3339, d.At.Value())
		if err != nil {
			return failAt(d, "did %s at: %v", d.Action.Name, err)
		}
		// History is what already happened: a taking after the test's
		// clock would be a promise, which no member record can hold.
		if t.After(tr.at) {
			return failAt(d, "did %s at %s is after the test's time %s", d.Action.Name, t.Format(time.RFC3339), tr.at.Format(time.RFC3339))
		}
		if err := tr.c.Did(m, d.Action.Name, t); err != nil {
			return failAt(d, "did %s: %v", d.Action.Name, err)
		}
	}
	if err := tr.st.Join(id, m); err != nil {
		return failAt(n, "%v", err)
	}
	tr.named = append(tr.named, id)
	return nil
}

// ensureSubject joins the subject with default values if no `given member`
// did before the first step that needs it.
func (tr *testRun) ensureSubject() {
	if !tr.subject {
		tr.subject = true
		// Every attribute at its default: cannot fail, since the checker
		// refuses a test without a given member where attributes are
		// required.
		m, _ := tr.c.Member(nil)
		_ = tr.st.Join(subjectID, m)
		tr.named = append(tr.named, subjectID)
	}
}

func (tr *testRun) args(k *syntax.Call) (runtime.Args, *failure) {
	vals, f := tr.fields(k.Args)
	if f != nil {
		return nil, f
	}
	return runtime.Args(vals), nil
}

func callString(k *syntax.Call) string {
	parts := make([]string, len(k.Args))
	for i, a := range k.Args {
		parts[i] = a.Name.Name + ": " + a.Value.Src
	}
	return k.Action.Name + "(" + strings.Join(parts, ", ") + ")"
}

func (tr *testRun) step(s syntax.Step) *failure {
	c := tr.c
	switch s := s.(type) {
	case *syntax.Given:
		if s.Name == nil {
			if tr.subject {
				return failAt(s, "the unnamed `given member` must come once, before any do or expect")
			}
			tr.subject = true
			return tr.join(subjectID, s, s.Fields, s.Did)
		}
		return tr.join(s.Name.Name, s, s.Fields, s.Did)
	case *syntax.Update:
		id := tr.id(s.Name)
		vals, f := tr.fields(s.Fields)
		if f != nil {
			return f
		}
		if err := tr.st.Update(id, vals); err != nil {
			return failAt(s, "update %s: %v", tr.who(s.Name), err)
		}
		return nil
	case *syntax.GivenSettings:
		return failAt(s, "given settings comes before every other step of a test")
	case *syntax.GivenMembers:
		n, _ := s.Count.Value()
		if kept := int64(c.KeptTimes()); kept > 0 && (int64(tr.st.Len())+n)*kept > MaxKeptTimes {
			return failAt(s, "given members %d: the test's members would keep %d taking times (%d each: the largest limit, must and taken counts of %s's actions), more than %d (SPEC §13); join fewer members or lower those counts",
				n, (int64(tr.st.Len())+n)*kept, kept, c.Name, MaxKeptTimes)
		}
		vals, f := tr.fields(s.Fields)
		if f != nil {
			return f
		}
		m, err := c.Member(vals)
		if err != nil {
			return failAt(s, "%v", err)
		}
		for i := int64(0); i < n; i++ {
			tr.anon++
			if err := tr.st.Join(fmt.Sprintf("@%d", tr.anon), m); err != nil {
				return failAt(s, "%v", err)
			}
		}
		return nil
	case *syntax.At:
		t, err := time.Parse(time.RFC3339, s.Time.Value())
		if err != nil {
			return failAt(s, "at: %v", err)
		}
		if t.Before(tr.at) {
			return failAt(s, "at %s moves the test's time backwards from %s", t.Format(time.RFC3339), tr.at.Format(time.RFC3339))
		}
		tr.at = t
		return nil
	case *syntax.Wait:
		d, _ := s.For.Value()
		tr.at = tr.at.Add(time.Duration(d))
		return nil
	case *syntax.Do:
		id := tr.id(s.Actor)
		args, f := tr.args(s.Call)
		if f != nil {
			return f
		}
		times := int64(1)
		if s.Times != nil {
			times, _ = s.Times.Value()
		}
		for i := int64(0); i < times; i++ {
			res, err := tr.st.Apply(context.Background(), id, s.Call.Action.Name, args, tr.at)
			if err != nil {
				return failAt(s, "do %s%s: %v", actorPrefix(s.Actor), callString(s.Call), err)
			}
			if tr.rec != nil {
				tr.rec.decision(res.Decision)
				if res.Applied {
					tr.applied(s.Call.Action.Name)
				}
			}
			if !res.Applied && !s.Try {
				which := ""
				if times > 1 {
					which = fmt.Sprintf(" (time %d of %d)", i+1, times)
				}
				return failAt(s, "do %s%s%s was denied: %s", actorPrefix(s.Actor), callString(s.Call), which, res.Decision)
			}
		}
		return nil
	case *syntax.Review:
		if _, err := tr.st.Review(context.Background(), tr.at); err != nil {
			return failAt(s, "review: %v", err)
		}
		return nil
	case *syntax.Expect:
		return tr.expect(s, tr.id(s.Actor))
	}
	return nil
}

// id is the live-state ID of the member a step names: a given member's
// name, or the subject when the step names none. The subject joins now if
// it has not yet, whichever member the step names (SPEC §6.18: at the
// first do or expect), so that `me` in its arguments names a member.
func (tr *testRun) id(name *syntax.Ident) string {
	tr.ensureSubject()
	if name != nil {
		return name.Name
	}
	return subjectID
}

// who names a step's member in a failure message.
func (tr *testRun) who(name *syntax.Ident) string {
	if name != nil {
		return name.Name
	}
	return "the subject"
}

func actorPrefix(a *syntax.Ident) string {
	if a != nil {
		return a.Name + ": "
	}
	return ""
}

func (tr *testRun) goals() runtime.Goals { return runtime.Goals(tr.st.Goals(tr.at)) }

func (tr *testRun) expect(x *syntax.Expect, id string) *failure {
	c := tr.c
	m, _ := tr.st.Member(id)
	switch x.Body.(type) {
	case *syntax.ExpectGoal, *syntax.ExpectSanction:
	default:
		if m == nil {
			if x.Actor != nil {
				return failAt(x, "%s is not a member of the state: it has not joined yet, or a remove sanction removed it", x.Actor.Name)
			}
			return failAt(x, "the subject is no longer a member of the state (a remove sanction removed it)")
		}
	}
	switch b := x.Body.(type) {
	case *syntax.ExpectSanction:
		held := false
		var names []string
		for _, sc := range tr.st.Sanctions(id, tr.at) {
			held = held || sc.Sanction.Name == b.Sanction.Name
			names = append(names, sc.Sanction.String())
		}
		if held == b.No {
			return failAt(x, "expected %ssanction %s, got sanctions %q", no(b.No), b.Sanction.Name, names)
		}
	case *syntax.ExpectDecision:
		args, f := tr.args(b.Call)
		if f != nil {
			return f
		}
		d, err := tr.st.Decide(id, b.Call.Action.Name, args, tr.at)
		if err != nil {
			return failAt(x, "%s: %v", callString(b.Call), err)
		}
		if tr.rec != nil {
			tr.rec.decision(d)
		}
		want := b.Verdict == "allow"
		if d.Allowed != want {
			why := ""
			if tr.explain {
				why = tr.explainDecision(id, b.Call, args)
			}
			return failAt(x, "expected %s %s, got %s%s", b.Verdict, callString(b.Call), d, why)
		}
		if b.Because != nil && !slices.Contains(d.Reasons(), b.Because.Value()) {
			return failAt(x, "expected %s %s because %s, got reasons %q", b.Verdict, callString(b.Call), b.Because.Raw, d.Reasons())
		}
		if b.Else != nil {
			var got []string
			for _, sn := range d.Sanctions() {
				got = append(got, sn.String())
			}
			if !slices.Contains(got, sanctionString(b.Else)) {
				return failAt(x, "expected %s %s else %s, got sanctions %q", b.Verdict, callString(b.Call), sanctionString(b.Else), got)
			}
		}
	case *syntax.ExpectRole:
		if got := c.Role(m, tr.at); got != b.Role.Name {
			why := ""
			if tr.explain {
				why = tr.explainRole(id, got)
			}
			return failAt(x, "expected role %s, got %s%s", b.Role.Name, got, why)
		}
	case *syntax.ExpectBadge:
		held := false
		for _, name := range c.Badges(m, tr.at) {
			held = held || name == b.Badge.Name
		}
		if held == b.No {
			return failAt(x, "expected %sbadge %s, got badges %v", no(b.No), b.Badge.Name, c.Badges(m, tr.at))
		}
	case *syntax.ExpectDuty:
		// The state's questions, so that `members` in a when reads the
		// state's count (Community.DutiesWith has none).
		duties, err := tr.st.Duties(id, tr.at)
		if err != nil {
			return failAt(x, "%v", err)
		}
		var owed []runtime.Duty
		for _, d := range duties {
			if d.Action == b.Action.Name {
				owed = append(owed, d)
			}
		}
		if b.No {
			if len(owed) > 0 {
				return failAt(x, "expected no duty %s, got %s", b.Action.Name, dutiesString(owed))
			}
			return nil
		}
		if len(owed) == 0 {
			return failAt(x, "expected duty %s, got none owed: every duty on %s is met or does not apply", b.Action.Name, b.Action.Name)
		}
		for _, d := range owed {
			if b.Because != nil && d.Rule.Reason != b.Because.Value() {
				continue
			}
			if b.Else != nil && (d.Rule.Sanction == nil || d.Rule.Sanction.String() != sanctionString(b.Else)) {
				continue
			}
			return nil
		}
		want := "duty " + b.Action.Name
		if b.Because != nil {
			want += " because " + b.Because.Raw
		}
		if b.Else != nil {
			want += " else " + sanctionString(b.Else)
		}
		return failAt(x, "expected %s, got %s", want, dutiesString(owed))
	case *syntax.ExpectMessage:
		got := false
		var texts []string
		msgs, err := tr.st.Messages(id, tr.at)
		if err != nil {
			return failAt(x, "%v", err)
		}
		for _, msg := range msgs {
			got = got || msg.Text == b.Text.Value()
			texts = append(texts, msg.Text)
		}
		if got == b.No {
			return failAt(x, "expected %smessage %s, got messages %q", no(b.No), b.Text.Raw, texts)
		}
	case *syntax.ExpectGoal:
		for _, g := range tr.goals() {
			if g.Name == b.Goal.Name {
				if g.Met != (b.State == "met") {
					return failAt(x, "expected goal %s %s, got value %v %s %v (met: %v)", g.Name, b.State, g.Value, g.Op, g.Target, g.Met)
				}
				return nil
			}
		}
		return failAt(x, "no goal %s", b.Goal.Name)
	case *syntax.ExpectAdmit:
		// The subject is judged as if joining now, the other members of
		// the test being in.
		var others []*runtime.Member
		for _, other := range tr.st.IDs() {
			if other != id {
				o, _ := tr.st.Member(other)
				others = append(others, o)
			}
		}
		err := c.AdmitAmong(m, others, tr.at)
		if got := err == nil; got == b.No {
			if err != nil {
				return failAt(x, "expected admit, got %v", err)
			}
			return failAt(x, "expected no admit, got admit")
		}
	case *syntax.ExpectThat:
		ok, err := tr.st.Holds(id, b.Cond, tr.at)
		if err != nil {
			return failAt(x, "%v", err)
		}
		if !ok {
			msg := fmt.Sprintf("expected that %s, got false", b.Cond.Src)
			if ops := tr.operands(id, b.Cond, 3); ops != "" {
				msg += ": " + ops
			}
			return failAt(x, "%s", msg)
		}
	}
	return nil
}

// sanctionString writes a sanction as runtime.Sanction.String does, so
// that `else mute 1d` and `else mute 24h` are the same sanction.
func sanctionString(s *syntax.Sanction) string {
	if s.For == nil {
		return s.Name.Name
	}
	d, err := s.For.Value()
	if err != nil {
		return s.Name.Name + " " + s.For.Raw
	}
	return s.Name.Name + " " + check.FormatDuration(time.Duration(d))
}

// dutiesString shows owed duties as a failure message reports them: how
// much is done in the window, the reason and the sanction.
func dutiesString(ds []runtime.Duty) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		s := fmt.Sprintf("duty %s: done %d of %d in %s, because %q", d.Action, d.Done, d.Need, check.FormatDuration(d.Per), d.Rule.Reason)
		if d.Rule.Sanction != nil {
			s += ", else " + d.Rule.Sanction.String()
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}

func no(b bool) string {
	if b {
		return "no "
	}
	return ""
}
