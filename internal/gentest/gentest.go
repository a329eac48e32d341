// Package gentest holds the committed packages charter gen's tests
// generate, and the differential test that holds each against the
// runtime: the same random members, histories, times, arguments and goal
// snapshots must get the same roles, badges and decisions from both.
//
// The generated packages are reached by reflection, by the names the
// generator gives (gen.GoName), so that one harness serves them all. It
// sits at the repository root's internal/ so that the bench module, whose
// import paths lie under this module's, can hold bench/workloadgen against
// the runtime too.
package gentest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/gen"
)

// Case is a community generated into a committed Go package.
type Case struct {
	Package   string // the Go package name
	Community string
	// Dir is the working directory the files are loaded from, relative to
	// the repository root: rule labels in the generated code and in the
	// runtime's decisions name the files relative to it.
	Dir   string
	Files []string // relative to Dir
	// Out is the committed generated file, relative to the repository
	// root.
	Out string
}

// Goldens are the committed generated packages. exprs exercises every
// operator, function and kind of value, and with wide (whose decisions
// keep their rule bits in two words) every construct the generator
// emits; runtime/gen's TestGoldensCoverExamples holds them to that. The
// bench workload's package is bench/workloadgen, the only copy, which the
// bench module benchmarks and holds against the runtime.
var Goldens = []Case{
	{"exprs", "Exprs", ".", []string{"runtime/gen/testdata/exprs.charter"}, "runtime/gen/internal/exprs/exprs.go"},
	{"wide", "Wide", ".", []string{"runtime/gen/testdata/wide.charter"}, "runtime/gen/internal/wide/wide.go"},
	{"workloadgen", "Bench", "bench", []string{"workload.charter"}, "bench/workloadgen/workloadgen.go"},
}

// Lookup returns the golden of package pkg.
func Lookup(t testing.TB, pkg string) Case {
	t.Helper()
	for _, c := range Goldens {
		if c.Package == pkg {
			return c
		}
	}
	t.Fatalf("no golden package %s", pkg)
	return Case{}
}

// Root returns the repository root.
func Root() string {
	_, file, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Load makes c.Dir the test's working directory, so that rule labels name
// the files as c.Files do, and loads and compiles c's files. The load set
// is what gen.Generate reads, the program what the runtime runs.
func Load(t testing.TB, c Case) (*lang.LoadSet, *runtime.Program) {
	t.Helper()
	t.Chdir(filepath.Join(Root(), c.Dir))
	ls, prog, err := runtime.Load(c.Files...)
	if err != nil {
		t.Fatal(err)
	}
	if prog == nil {
		t.Fatalf("%s: %v", c.Files, ls.Diags.Errors())
	}
	return ls, prog
}

// Generate returns the generated source of c.
func Generate(t testing.TB, c Case) []byte {
	t.Helper()
	ls, _ := Load(t, c)
	src, err := gen.Generate(ls.Program, c.Community, gen.Options{Package: c.Package})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// Options tune Run.
type Options struct {
	Members int // random members; each is asked every action twice
	Seed    uint64
	// Never are the conditions, as written, of rules that cannot decide
	// (the condition folds to false); every other rule must decide for
	// some member.
	Never []string
}

// Run is the differential test of a generated package, given its
// NewMember function: for random members it compares the role, the badges
// and the decision of every action (with no goal snapshot and with a
// random one, through DecideACTION and through Decide) with the runtime's.
func Run(t *testing.T, pkg string, newMember any, opts Options) {
	c := Lookup(t, pkg)
	_, prog := Load(t, c)
	rc := prog.Community(c.Community)
	if rc == nil {
		t.Fatalf("no community %s", c.Community)
	}
	if opts.Members == 0 {
		opts.Members = 1500
	}
	if raceEnabled {
		opts.Members /= 4
	}
	h := newHarness(t, rc, newMember, opts.Seed)
	for i := 0; i < opts.Members; i++ {
		h.member(i)
		if t.Failed() {
			return
		}
	}
	h.unknownActions()
	t.Logf("%s: %d members, %d roles, %d badge sets, %d decisions compared (%d allowed, %d by default); rules that decided: %d of %d",
		c.Community, opts.Members, h.roles, h.badgeSets, h.decisions, h.allowed, h.byDefault, len(h.hit), h.ruleCount)
	var missed []string
	never := map[string]bool{}
	for _, r := range h.cc.Rules {
		if r.Cond != nil && slices.Contains(opts.Never, r.Cond.Src) {
			never[r.Label] = true
		}
	}
	if len(never) != len(opts.Never) {
		t.Errorf("Options.Never names %d conditions, %d rules have them", len(opts.Never), len(never))
	}
	for label := range h.labels {
		if h.hit[label] && never[label] {
			t.Errorf("rule %s decided, but the test says it never does", label)
		}
		if !h.hit[label] && !h.unmet[label] && !never[label] {
			missed = append(missed, label)
		}
	}
	slices.Sort(missed)
	if h.allowed == 0 || h.allowed == h.decisions {
		t.Errorf("the random calls were all allowed or all denied: %d of %d allowed", h.allowed, h.decisions)
	}
	for _, m := range missed {
		t.Errorf("rule never decided nor shown unmet, so never compared: %s", m)
	}
	for name, n := range h.seen {
		if n == 0 {
			t.Errorf("no random member is %s, so it was never compared", name)
		}
	}
	for _, b := range h.cc.Badges {
		if h.seen["badge "+b.Name] == opts.Members {
			t.Errorf("every random member holds badge %s, so its absence was never compared", b.Name)
		}
	}
}

type harness struct {
	t    *testing.T
	rc   *runtime.Community
	cc   *check.Community
	rng  *rand.Rand
	newM reflect.Value
	pool pools

	goalsType reflect.Type
	callType  reflect.Type

	roles, badgeSets, decisions, allowed, byDefault int
	hit, labels                                     map[string]bool
	unmet                                           map[string]bool // mays shown by a default deny
	seen                                            map[string]int  // roles and badges held
	ruleCount                                       int
	// windows are the counts and periods of the limit and must rules, by
	// action index.
	windows map[int][]window
	// others are earlier members, for member-typed arguments.
	others []pair
}

type window struct {
	count int64
	per   time.Duration
}

type pair struct {
	rm *runtime.Member
	gm reflect.Value
}

func newHarness(t *testing.T, rc *runtime.Community, newMember any, seed uint64) *harness {
	h := &harness{t: t, rc: rc, cc: rc.Checked(), rng: rand.New(rand.NewPCG(seed, 0x636861727465)), hit: map[string]bool{}, unmet: map[string]bool{}, labels: map[string]bool{}}
	h.newM = reflect.ValueOf(newMember)
	h.pool = collectPools(h.cc)
	m := h.newM.Call(nil)[0]
	if decide := m.MethodByName("Decide"); decide.IsValid() {
		h.goalsType = decide.Type().In(1).Elem()
		h.callType = decide.Type().In(2).Elem()
	} else {
		t.Fatal("the generated Member has no Decide method")
	}
	for _, r := range h.cc.Rules {
		if r.Kind == check.Duty {
			continue
		}
		h.labels[r.Label] = true
	}
	h.ruleCount = len(h.labels)
	h.seen = map[string]int{}
	for _, r := range h.cc.Roles {
		h.seen["role "+r.Name] = 0
	}
	for _, b := range h.cc.Badges {
		h.seen["badge "+b.Name] = 0
	}
	h.windows = map[int][]window{}
	for _, r := range h.cc.Rules {
		if r.Kind == check.Limit || r.Kind == check.Duty {
			// A calendar window's bursts span its longest period, so that
			// they fall on both sides of its start.
			per := r.Per
			switch r.Calendar {
			case check.Day:
				per = 24 * time.Hour
			case check.Week:
				per = 7 * 24 * time.Hour
			case check.Month:
				per = 31 * 24 * time.Hour
			}
			for _, a := range r.Actions {
				h.windows[a.Index] = append(h.windows[a.Index], window{r.Count, per})
			}
		}
	}
	return h
}

// base is the evaluation time most questions are asked at.
var base = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

func (h *harness) member(i int) {
	t, rc, cc := h.t, h.rc, h.cc
	at := base.Add(time.Duration(h.rng.IntN(40*24)) * time.Hour)
	switch h.rng.IntN(20) {
	case 0:
		at = base
	case 1:
		at = time.Unix(0, 0).UTC()
	case 2:
		at = base.Add(time.Duration(h.rng.Int64N(int64(time.Hour))))
	}

	values := map[string]any{}
	gm := h.newM.Call(nil)[0]
	// A third of the members have their numbers at the extremes of the
	// constants they are compared with, so that long conjunctions (the
	// upper rungs of a ladder) hold too.
	extreme := h.rng.IntN(3) == 0
	for _, a := range cc.Attrs {
		if h.rng.IntN(6) == 0 {
			continue // keep the default
		}
		v := h.value(a.Type, at)
		if cs := h.pool.byAttr[a.Name]; extreme && len(cs) > 0 {
			lo, hi := slices.Min(cs), slices.Max(cs)
			x := hi + h.rng.Float64()
			if h.rng.IntN(5) == 0 {
				x = lo - 1
			}
			switch a.Type.Kind {
			case check.Int:
				v = int64(math.Round(x))
			case check.Float:
				v = x
			}
		}
		values[a.Name] = v
		gm.Elem().FieldByName(gen.GoName(a.Name)).Set(reflect.ValueOf(v))
		// A value given: has (SPEC §7.7) reads the field the generated
		// code has for it, and the runtime the record's keys.
		if f := gm.Elem().FieldByName(gen.GoName(a.Name) + "Given"); f.IsValid() {
			f.SetBool(true)
		}
	}
	rm, err := rc.Member(values)
	if err != nil {
		t.Fatalf("member %d: %v", i, err)
	}
	// The runtime compares members by ID, generated code by pointer: one
	// ID for each generated Member.
	rm.ID = fmt.Sprintf("m%d", i)
	// Histories: some takings of each action around at, in random order.
	var hist []string
	record := gm.MethodByName("Record")
	for _, a := range cc.Actions {
		var times []time.Time
		for range h.rng.IntN(5) {
			when := at.Add(-h.pool.duration(h.rng))
			if h.rng.IntN(8) == 0 {
				when = at.Add(h.pool.duration(h.rng)) // the future
			}
			times = append(times, when)
		}
		// Sometimes a burst around a window's count, so that limits are
		// reached, just reached and just missed, edges included.
		if ws := h.windows[a.Index]; len(ws) > 0 && h.rng.IntN(3) == 0 {
			w := ws[h.rng.IntN(len(ws))]
			for range int(w.count) - 1 + h.rng.IntN(3) { // inside the window
				back := time.Duration(h.rng.Int64N(int64(w.per)))
				switch h.rng.IntN(8) {
				case 0:
					back = w.per - 1
				case 1:
					back = 0
				}
				times = append(times, at.Add(-back))
			}
			for range h.rng.IntN(3) { // on the window's edge: outside it
				times = append(times, at.Add(-w.per))
			}
		}
		for _, when := range times {
			if err := rc.Did(rm, a.Name, when); err != nil {
				t.Fatalf("member %d: Did %s: %v", i, a.Name, err)
			}
			record.Call([]reflect.Value{reflect.ValueOf(a.Index).Convert(record.Type().In(0)), reflect.ValueOf(when)})
			hist = append(hist, a.Name+"@"+when.Format(time.RFC3339Nano))
		}
	}

	if len(cc.Roles) > 0 {
		want := rc.Role(rm, at)
		got := gm.MethodByName("Role").Call([]reflect.Value{reflect.ValueOf(at)})[0].Interface().(fmt.Stringer).String()
		if got != want {
			t.Errorf("member %d %v at %s: role %s, runtime says %s", i, values, at, got, want)
		}
		h.seen["role "+want]++
		h.roles++
	}
	if len(cc.Badges) > 0 {
		want := rc.Badges(rm, at)
		set := gm.MethodByName("Badges").Call([]reflect.Value{reflect.ValueOf(at)})[0]
		got := set.MethodByName("Names").Call(nil)[0].Interface().([]string)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("member %d %v at %s: badges (-runtime +generated):\n%s", i, values, at, diff)
		}
		for _, b := range cc.Badges {
			has := gm.MethodByName("HasBadge" + gen.GoName(b.Name)).Call([]reflect.Value{reflect.ValueOf(at)})[0].Bool()
			if slices.Contains(want, b.Name) {
				h.seen["badge "+b.Name]++
			}
			if has != slices.Contains(want, b.Name) {
				t.Errorf("member %d %v at %s: HasBadge%s is %t", i, values, at, gen.GoName(b.Name), has)
			}
		}
		h.badgeSets++
	}

	s := &subject{i: i, values: values, hist: hist, at: at, rm: rm, gm: gm}
	for _, a := range cc.Actions {
		for _, withGoals := range []bool{false, true} {
			h.decide(s, a, withGoals)
		}
	}
	h.others = append(h.others, pair{rm, gm})
}

// outcome is what both sides' decisions are compared by.
type outcome struct {
	Allowed, ByDefault bool
	Rules              []ruleOut
	Reasons            []string
	First              string // the label Decision.First gives, "" when false
}

// checkOut is what Check returns, with the rule by its label.
type checkOut struct {
	Allowed, ByRule bool
	First           string
}

type ruleOut struct {
	Kind, Label, Reason, Sanction string
}

// subject is one random member on both sides.
type subject struct {
	i      int
	values map[string]any
	hist   []string
	at     time.Time
	rm     *runtime.Member
	gm     reflect.Value
}

func (h *harness) decide(s *subject, a *check.Action, withGoals bool) {
	t, rc, cc := h.t, h.rc, h.cc
	i, rm, gm, at := s.i, s.rm, s.gm, s.at
	args := runtime.Args{}
	goArgs := []reflect.Value{reflect.ValueOf(at), {}}
	call := reflect.New(h.callType).Elem()
	call.FieldByName("Action").Set(reflect.ValueOf(a.Index).Convert(call.FieldByName("Action").Type()))
	argStruct := call.FieldByName(gen.GoName(a.Name))
	for _, p := range a.Params {
		var gv reflect.Value
		if p.Type.Kind == check.Member {
			// A quarter of the time the subject itself, so that rules
			// comparing members (to != me) go both ways.
			o := pair{rm, gm}
			if len(h.others) > 0 && h.rng.IntN(4) != 0 {
				o = h.others[h.rng.IntN(len(h.others))]
			}
			args[p.Name] = o.rm
			gv = o.gm
		} else {
			v := h.value(p.Type, at)
			args[p.Name] = v
			gv = reflect.ValueOf(v)
		}
		goArgs = append(goArgs, gv)
		argStruct.FieldByName(gen.GoName(p.Name)).Set(gv)
	}
	var goals runtime.Goals
	gp := reflect.New(h.goalsType) // *Goals
	if withGoals {
		goals = make(runtime.Goals, len(cc.Goals))
		for gi, g := range cc.Goals {
			v := runtime.GoalValue{Name: g.Name, Value: h.pool.float(h.rng), Target: h.pool.float(h.rng), Met: h.rng.IntN(2) == 0, Progress: h.rng.Float64()}
			goals[gi] = v
			f := gp.Elem().FieldByName(gen.GoName(g.Name))
			f.FieldByName("Value").SetFloat(v.Value)
			f.FieldByName("Target").SetFloat(v.Target)
			f.FieldByName("Met").SetBool(v.Met)
			f.FieldByName("Progress").SetFloat(v.Progress)
		}
		goArgs[1] = gp
	} else {
		goArgs[1] = reflect.Zero(gp.Type())
	}

	k, err := rc.Call(a.Name, args)
	if err != nil {
		t.Fatalf("member %d: call %s: %v", i, a.Name, err)
	}
	rd := rc.DecideCall(rm, k, at, goals)
	want := outcome{Allowed: rd.Allowed, ByDefault: rd.ByDefault, Reasons: rd.Reasons()}
	for _, r := range rd.Rules {
		s := ""
		if r.Sanction != nil {
			s = r.Sanction.String()
		}
		want.Rules = append(want.Rules, ruleOut{r.Kind.String(), r.Label, r.Reason, s})
		if rd.ByDefault {
			h.unmet[r.Label] = true
		} else {
			h.hit[r.Label] = true
		}
	}
	if len(rd.Rules) > 0 {
		want.First = rd.Rules[0].Label
	}

	// Check: the verdict and the first deciding rule.
	chk := gm.MethodByName("Check").Call([]reflect.Value{goArgs[0], goArgs[1], call.Addr()})
	gotCheck := checkOut{Allowed: chk[0].Bool(), ByRule: chk[2].Bool()}
	if gotCheck.ByRule {
		gotCheck.First = chk[1].MethodByName("Label").Call(nil)[0].String()
	}
	wantCheck := checkOut{Allowed: rd.Allowed, ByRule: !rd.ByDefault}
	if wantCheck.ByRule {
		wantCheck.First = want.First // a default deny's unmet mays did not decide
	}
	if diff := cmp.Diff(wantCheck, gotCheck); diff != "" {
		t.Errorf("member %d %v, history %v, at %s, goals %v: Check %v (-runtime +generated):\n%s",
			i, s.values, s.hist, at, goals, args, diff)
	}

	direct := gm.MethodByName("Decide" + gen.GoName(a.Name)).Call(goArgs)[0]
	generic := gm.MethodByName("Decide").Call([]reflect.Value{goArgs[0], goArgs[1], call.Addr()})[0]
	for _, d := range []struct {
		how string
		v   reflect.Value
	}{{"Decide" + gen.GoName(a.Name), direct}, {"Decide", generic}} {
		got := genOutcome(d.v)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("member %d %v, history %v, at %s, goals %v: %s %v (-runtime +generated):\n%s",
				i, s.values, s.hist, at, goals, d.how, args, diff)
		}
	}
	h.decisions++
	if rd.Allowed {
		h.allowed++
	}
	if rd.ByDefault {
		h.byDefault++
	}
}

// unknownActions asks Decide and Check about Actions that are not the
// community's, one below the first and one past the last: no rule decides
// them, so Decide returns a Decision with no rules that neither allows nor
// says the default decided, and Check answers (false, 0, false).
func (h *harness) unknownActions() {
	t := h.t
	gm := h.newM.Call(nil)[0]
	at := reflect.ValueOf(time.Unix(1e9, 0))
	goals := reflect.Zero(reflect.PointerTo(h.goalsType))
	for _, a := range []int{-1, len(h.cc.Actions)} {
		call := reflect.New(h.callType).Elem()
		action := call.FieldByName("Action")
		action.Set(reflect.ValueOf(a).Convert(action.Type()))
		chk := gm.MethodByName("Check").Call([]reflect.Value{at, goals, call.Addr()})
		if chk[0].Bool() || chk[1].Int() != 0 || chk[2].Bool() {
			t.Errorf("Check of Action(%d), no action of %s: got (%v, %v, %v), want (false, 0, false)", a, h.cc.Name, chk[0], chk[1], chk[2])
		}
		d := gm.MethodByName("Decide").Call([]reflect.Value{at, goals, call.Addr()})[0]
		if got := genOutcome(d); !cmp.Equal(got, outcome{Reasons: []string{}}, cmpopts.EquateEmpty()) {
			t.Errorf("Decide of Action(%d), no action of %s: got %+v, want no rule and not allowed", a, h.cc.Name, got)
		}
		if got := d.FieldByName("Action").Int(); got != int64(a) {
			t.Errorf("Decide of Action(%d): the Decision's Action is %d", a, got)
		}
	}
}

// genOutcome reads a generated Decision.
func genOutcome(d reflect.Value) outcome {
	p := reflect.New(d.Type())
	p.Elem().Set(d)
	out := outcome{
		Allowed:   d.FieldByName("Allowed").Bool(),
		ByDefault: d.FieldByName("ByDefault").Bool(),
		Reasons:   p.MethodByName("Reasons").Call(nil)[0].Interface().([]string),
	}
	if first := d.MethodByName("First").Call(nil); first[1].Bool() {
		out.First = first[0].MethodByName("Label").Call(nil)[0].String()
	}
	rules := p.MethodByName("Rules").Call(nil)[0]
	for j := range rules.Len() {
		r := rules.Index(j)
		s := ""
		if sn := r.MethodByName("Sanction").Call(nil)[0]; !sn.IsNil() {
			s = sn.Interface().(fmt.Stringer).String()
		}
		out.Rules = append(out.Rules, ruleOut{
			Kind:     r.MethodByName("Kind").Call(nil)[0].String(),
			Label:    r.MethodByName("Label").Call(nil)[0].String(),
			Reason:   r.MethodByName("Reason").Call(nil)[0].String(),
			Sanction: s,
		})
	}
	return out
}

// pools are the values random members are drawn from: edge values, and
// the constants of the community's conditions with their neighbours, so
// that every comparison is tried on both sides.
type pools struct {
	ints      []int64
	floats    []float64
	strs      []string
	durations []time.Duration
	// byAttr are the numbers each attribute is compared with.
	byAttr map[string][]float64
}

func collectPools(c *check.Community) pools {
	p := pools{
		ints:      []int64{0, 1, -1, 2, 3, 10, 100, 1 << 40, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1},
		floats:    []float64{0, 0.5, 1, -1.5, 2.5, 3, 1e300, -1e300, 4.999, 1e-9},
		strs:      []string{"", "a", " x ", "x", "spam", "ARCHIVE", "Aria 2", "photography", "日本語", "  ", "@guest", "a.pdf", "-", "ab"},
		durations: []time.Duration{0, 1, time.Second, time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 100 * 24 * time.Hour},
		byAttr:    map[string][]float64{},
	}
	var exprs []*syntax.Expr
	for _, r := range c.Roles {
		exprs = append(exprs, r.Cond)
	}
	for _, b := range c.Badges {
		exprs = append(exprs, b.Cond)
	}
	for _, r := range c.Rules {
		exprs = append(exprs, r.Cond, r.When)
		if r.Per > 0 {
			p.durations = append(p.durations, r.Per-1, r.Per, r.Per+1)
		}
	}
	for _, e := range exprs {
		if e == nil || e.Root == nil {
			continue
		}
		ast.Find(e.Root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryNode:
				id, ok := n.Left.(*ast.IdentifierNode)
				if !ok || c.Attr(id.Value) == nil {
					break
				}
				switch v := n.Right.(type) {
				case *ast.IntegerNode:
					p.byAttr[id.Value] = append(p.byAttr[id.Value], float64(v.Value))
				case *ast.FloatNode:
					p.byAttr[id.Value] = append(p.byAttr[id.Value], v.Value)
				}
			case *ast.IntegerNode:
				v := int64(n.Value)
				p.ints = append(p.ints, v-1, v, v+1, -v)
				if v > 0 && v <= 1000 {
					// Strings as long as the constant, for len(s); as many
					// days or hours ago, for days_since and hours_since.
					p.strs = append(p.strs, strings.Repeat("é", int(v)-1), strings.Repeat("w", int(v)), strings.Repeat("w", int(v)+1))
					for _, unit := range []time.Duration{24 * time.Hour, time.Hour} {
						d := time.Duration(v) * unit
						p.durations = append(p.durations, d-1, d, d+1)
					}
				}
				p.floats = append(p.floats, float64(v)-0.5, float64(v), float64(v)+0.5)
			case *ast.FloatNode:
				p.floats = append(p.floats, n.Value, n.Value-0.25, n.Value+0.25, math.Nextafter(n.Value, math.Inf(1)))
			case *ast.StringNode:
				p.strs = append(p.strs, n.Value, n.Value+"x", "x"+n.Value, strings.ToUpper(n.Value), " "+n.Value+" ")
			case *ast.IdentifierNode:
				if d, err := syntax.DurationValue(strings.TrimPrefix(n.Value, "$")); err == nil && strings.HasPrefix(n.Value, "$") {
					p.durations = append(p.durations, time.Duration(d)-1, time.Duration(d), time.Duration(d)+1)
				}
			}
			return false
		})
	}
	return p
}

func (p *pools) int(r *rand.Rand) int64 {
	if r.IntN(4) == 0 {
		return r.Int64N(200) - 20
	}
	return p.ints[r.IntN(len(p.ints))]
}

func (p *pools) float(r *rand.Rand) float64 {
	if r.IntN(4) == 0 {
		return r.Float64()*200 - 20
	}
	return p.floats[r.IntN(len(p.floats))]
}

func (p *pools) str(r *rand.Rand) string { return p.strs[r.IntN(len(p.strs))] }

func (p *pools) duration(r *rand.Rand) time.Duration {
	if r.IntN(3) == 0 {
		return time.Duration(r.Int64N(int64(40 * 24 * time.Hour)))
	}
	return p.durations[r.IntN(len(p.durations))]
}

// value draws a value of type t, in the Go type both the runtime and the
// generated Member take: int64, float64, bool, string, time.Time,
// time.Duration, or a slice of those.
func (h *harness) value(t check.Type, at time.Time) any {
	r := h.rng
	switch t.Kind {
	case check.Int:
		return h.pool.int(r)
	case check.Float:
		return h.pool.float(r)
	case check.Bool:
		return r.IntN(2) == 0
	case check.String:
		return h.pool.str(r)
	case check.Time:
		switch r.IntN(12) {
		case 0:
			return time.Time{}
		case 1:
			return time.Unix(0, 0).UTC()
		case 2, 3, 4:
			return at.Add(h.pool.duration(r))
		}
		return at.Add(-h.pool.duration(r))
	case check.Duration:
		d := h.pool.duration(r)
		switch r.IntN(10) {
		case 0, 1:
			d = -d
		case 2:
			d = math.MaxInt64 // time + d saturates
		case 3:
			d = math.MinInt64
		}
		return d
	case check.List:
		n := r.IntN(4)
		et := check.Type{Kind: t.Elem}
		switch t.Elem {
		case check.Int:
			return listOf[int64](h, n, et, at)
		case check.Float:
			return listOf[float64](h, n, et, at)
		case check.Bool:
			return listOf[bool](h, n, et, at)
		case check.String:
			return listOf[string](h, n, et, at)
		case check.Time:
			return listOf[time.Time](h, n, et, at)
		case check.Duration:
			return listOf[time.Duration](h, n, et, at)
		}
	}
	h.t.Fatalf("no random values of type %s", t)
	return nil
}

func listOf[T any](h *harness, n int, et check.Type, at time.Time) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = h.value(et, at).(T)
	}
	return out
}
