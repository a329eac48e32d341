package chartertest

import (
	"fmt"
	"strings"

	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

// Options say what a run does besides passing and failing tests.
type Options struct {
	// Cover records what the tests exercised (RunWith's Coverage).
	Cover bool
	// Explain adds to a failing expect role, expect that and expect
	// allow|deny the reasons behind what was found: the rungs of the
	// ladder, the badges a condition reads, the decision's trace.
	Explain bool
}

// RunWith runs the tests of p as Run does, with opts; the Coverage is nil
// unless opts.Cover.
func RunWith(p *runtime.Program, opts Options) ([]Result, *Coverage) {
	var rec *recorder
	if opts.Cover {
		rec = newRecorder()
	}
	var out []Result
	for _, c := range p.Communities() {
		for _, t := range c.Checked().Tests {
			out = append(out, runBlock(c, t, rec, opts.Explain))
		}
	}
	if rec == nil {
		return out, nil
	}
	return out, rec.coverage(p)
}

const indent = "\n    "

// operands writes the operands of cond for member id, and for each that
// is a badge, the operands of the badge's condition, up to depth badges
// deep (badges may read badges).
func (tr *testRun) operands(id string, cond *syntax.Expr, depth int) string {
	ops, err := tr.st.Operands(id, cond, tr.at)
	if err != nil || len(ops) == 0 {
		return ""
	}
	parts := make([]string, len(ops))
	for i, o := range ops {
		parts[i] = o.String()
		if !tr.explain || depth == 0 {
			continue
		}
		if b := tr.c.Checked().Badge(o.Src); b != nil && b.Cond != nil {
			parts[i] += " (badge " + b.Name + " if " + b.Cond.Src
			if sub := tr.operands(id, b.Cond, depth-1); sub != "" {
				parts[i] += ": " + sub
			}
			parts[i] += ")"
		}
	}
	return strings.Join(parts, ", ")
}

// explainRole says which rung of the ladder held for member id and why
// each rung above it did not.
func (tr *testRun) explainRole(id string, held string) string {
	var b strings.Builder
	for _, r := range tr.c.Checked().Roles {
		if r.Cond == nil {
			fmt.Fprintf(&b, "%srung %s otherwise: held, no rung above it held", indent, r.Name)
			break
		}
		ok, err := tr.st.Holds(id, r.Cond, tr.at)
		if err != nil {
			fmt.Fprintf(&b, "%srung %s if %s: %v", indent, r.Name, r.Cond.Src, err)
			continue
		}
		verdict := "false"
		if ok {
			verdict = "true, held"
		}
		fmt.Fprintf(&b, "%srung %s if %s: %s", indent, r.Name, r.Cond.Src, verdict)
		if ops := tr.operands(id, r.Cond, 3); ops != "" {
			fmt.Fprintf(&b, ": %s", ops)
		}
		if ok || r.Name == held {
			break
		}
	}
	return b.String()
}

// explainDecision writes the trace of the decision: every condition
// evaluated, in order, with its value.
func (tr *testRun) explainDecision(id string, k *syntax.Call, args runtime.Args) string {
	m, ok := tr.st.Member(id)
	if !ok {
		return ""
	}
	call, err := tr.c.Call(k.Action.Name, args)
	if err != nil {
		return indent + err.Error()
	}
	if err := call.ResolveMembers(tr.st.Member); err != nil {
		return indent + err.Error()
	}
	_, trace := tr.c.Explain(m, call, tr.at, runtime.Goals(tr.st.Goals(tr.at)))
	// A rule's condition is broken down through its operands and the
	// badges among them; an operand that reads the action's arguments is
	// left out, since Operands knows no call.
	conds := map[string]*syntax.Expr{}
	for _, r := range tr.c.Checked().Rules {
		if r.Cond != nil {
			conds[r.Label+"\x00"+r.Cond.Src] = r.Cond
		}
	}
	var b strings.Builder
	for _, s := range trace {
		fmt.Fprintf(&b, "%s%s: %s: %v", indent, s.Rule, s.What, s.Value)
		if cond := conds[s.Rule+"\x00"+s.What]; cond != nil {
			if ops := tr.operands(id, cond, 3); ops != "" {
				fmt.Fprintf(&b, ": %s", ops)
			}
		}
	}
	return b.String()
}
