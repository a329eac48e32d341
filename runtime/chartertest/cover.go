package chartertest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
)

// Item is one declaration that coverage counts (SPEC §17, charter test
// --cover): a rule, a rung of the ladder, a badge, a goal, an effect, a
// nudge or an offer.
type Item struct {
	Kind      string   `json:"kind"` // rule, rung, badge, goal, effect, nudge, offer
	Name      string   `json:"name"` // the rule's label, the rung's role, the badge, goal or effect action, the message text
	Pos       diag.Pos `json:"-"`
	At        string   `json:"pos"` // Pos as file:line:col
	Exercised bool     `json:"exercised"`
	// Why says what exercising it takes, for an item that was not.
	Why string `json:"why,omitempty"`
}

// Coverage is what the tests of a program exercised, each declaration once
// however many communities hold it (a child holds its parent's).
type Coverage struct {
	Items []Item `json:"items"`
}

// Covered is the number of exercised items.
func (c *Coverage) Covered() int {
	n := 0
	for _, it := range c.Items {
		if it.Exercised {
			n++
		}
	}
	return n
}

// Percent is the share of items exercised, 100 when there are none.
func (c *Coverage) Percent() float64 {
	if len(c.Items) == 0 {
		return 100
	}
	return 100 * float64(c.Covered()) / float64(len(c.Items))
}

// What exercises each kind of item, as SPEC §17 defines it: what a test
// observed of the live state, not which conditions were evaluated.
const (
	whyRule   = "no decision of a do, try or expect allow|deny was decided by it"
	whyDuty   = "no member a step concerned owed it after a step"
	whyRung   = "no member a step concerned held this role after a step"
	whyBadge  = "no member a step concerned held it after a step"
	whyGoal   = "not seen both met and unmet after steps"
	whyEffect = "its action was never applied by a do or try"
	whyMsg    = "it reached no member a step concerned after a step"
)

// recorder collects what the tests observed, by item key.
type recorder struct {
	seen  map[string]bool
	goals map[string]int // bit 1 met, bit 2 unmet
}

func newRecorder() *recorder {
	return &recorder{seen: map[string]bool{}, goals: map[string]int{}}
}

func posKey(kind string, p diag.Pos) string { return fmt.Sprintf("%s@%s", kind, p) }

func ruleKey(r *runtime.Rule) string { return "rule:" + r.Label }

func (rc *recorder) decision(d runtime.Decision) {
	for _, r := range d.Rules {
		rc.seen[ruleKey(r)] = true
	}
}

// RunCover runs the tests of p as Run does, and reports what they exercised.
func RunCover(p *runtime.Program) ([]Result, *Coverage) {
	return RunWith(p, Options{Cover: true})
}

// coverage makes the report of what rc recorded, over every declaration of p.
func (rc *recorder) coverage(p *runtime.Program) *Coverage {
	cov := &Coverage{}
	keys := map[string]bool{}
	add := func(key string, it Item, exercised bool) {
		if keys[key] {
			return
		}
		keys[key] = true
		it.At = it.Pos.String()
		it.Exercised = exercised
		if exercised {
			it.Why = ""
		}
		cov.Items = append(cov.Items, it)
	}
	for _, c := range p.Communities() {
		def := c.Checked()
		for _, r := range def.Rules {
			why := whyRule
			if r.Kind == check.Duty {
				why = whyDuty
			}
			add("rule:"+r.Label, Item{Kind: "rule", Name: ruleName(r.Label), Pos: r.Decl.(interface{ Range() diag.Range }).Range().Start, Why: why}, rc.seen["rule:"+r.Label])
		}
		for _, r := range def.Roles {
			k := posKey("rung", r.Decl.Range().Start)
			add(k, Item{Kind: "rung", Name: r.Name, Pos: r.Decl.Range().Start, Why: whyRung}, rc.seen[k])
		}
		for _, b := range def.Badges {
			k := posKey("badge", b.Decl.Range().Start)
			add(k, Item{Kind: "badge", Name: b.Name, Pos: b.Decl.Range().Start, Why: whyBadge}, rc.seen[k])
		}
		for _, g := range def.Goals {
			k := posKey("goal", g.Decl.Range().Start)
			add(k, Item{Kind: "goal", Name: g.Name, Pos: g.Decl.Range().Start, Why: whyGoal}, rc.goals[k] == 3)
		}
		for _, e := range def.Effects {
			k := posKey("effect", e.Decl.Range().Start)
			add(k, Item{Kind: "effect", Name: "on " + e.Action.Name, Pos: e.Decl.Range().Start, Why: whyEffect}, rc.seen[k])
		}
		for _, m := range def.Messages {
			p := m.Decl.(interface{ Range() diag.Range }).Range().Start
			k := posKey("message", p)
			kind := "offer"
			if m.Nudge {
				kind = "nudge"
			}
			add(k, Item{Kind: kind, Name: fmt.Sprintf("%q", m.Text), Pos: p, Why: whyMsg}, rc.seen[k])
		}
	}
	sort.SliceStable(cov.Items, func(i, j int) bool {
		a, b := cov.Items[i].Pos, cov.Items[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Offset < b.Offset
	})
	return cov
}

// observe records, after a step, what the members a test can name hold:
// their roles, badges, owed duties and messages, and the goals.
func (tr *testRun) observe() {
	rc := tr.rec
	def := tr.c.Checked()
	for _, g := range tr.st.Goals(tr.at) {
		if dg := def.Goal(g.Name); dg != nil {
			bit := 2
			if g.Met {
				bit = 1
			}
			rc.goals[posKey("goal", dg.Decl.Range().Start)] |= bit
		}
	}
	for _, id := range tr.named {
		m, ok := tr.st.Member(id)
		if !ok {
			continue
		}
		role := tr.c.Role(m, tr.at)
		for _, r := range def.Roles {
			if r.Name == role {
				rc.seen[posKey("rung", r.Decl.Range().Start)] = true
			}
		}
		for _, name := range tr.c.Badges(m, tr.at) {
			if b := def.Badge(name); b != nil {
				rc.seen[posKey("badge", b.Decl.Range().Start)] = true
			}
		}
		if ds, err := tr.st.Duties(id, tr.at); err == nil {
			for _, d := range ds {
				rc.seen[ruleKey(d.Rule)] = true
			}
		}
		if ms, err := tr.st.Messages(id, tr.at); err == nil {
			for _, msg := range ms {
				for _, dm := range def.Messages {
					if dm.Text == msg.Text && dm.Nudge == msg.Nudge && dm.To == msg.To {
						rc.seen[posKey("message", dm.Decl.(interface{ Range() diag.Range }).Range().Start)] = true
					}
				}
			}
		}
	}
}

// applied records the effect of an action the state applied.
func (tr *testRun) applied(action string) {
	for _, e := range tr.c.Checked().Effects {
		if e.Action.Name == action {
			tr.rec.seen[posKey("effect", e.Decl.Range().Start)] = true
		}
	}
}

// ruleName is a rule's label without the position it ends in, which the
// item carries apart.
func ruleName(label string) string {
	if i := strings.LastIndex(label, " ("); i > 0 && strings.HasSuffix(label, ")") {
		return label[:i]
	}
	return label
}
