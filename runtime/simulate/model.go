package simulate

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime"
)

// DefaultStart is the start of day 1 when neither the model nor the
// caller gives one: a fixed date, so that a run never depends on when it
// was made.
var DefaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// A Model is a behaviour model, read by ReadModel or ParseModel against
// the community it drives: every name in it (actions, arguments,
// attributes, roles, badges, messages) is one the community declares. The
// format is in this package's documentation (doc.go).
type Model struct {
	community *runtime.Community
	name      string
	start     time.Time

	// groups are the members at the start, each group with its own
	// attributes over the model's (an owner, two admins, the rest).
	groups []group
	joins  *dist // per day, a count
	// joinPer gives, by action index, the chance that an allowed try of
	// the action brings a new member (an invitation accepted).
	joinPer map[int]float64
	attrs   []attrDist
	seen    string // a time attribute set when a member acts, or ""

	entries  []*entry           // behaviour, in the file's order
	defaults map[int][]*argDist // action index → the model's default arguments
	leaves   []leaveRule
	// factors are the messages' effects: by message index (in
	// Checked().Messages), action index → factor.
	factors map[int]map[int]float64
	// pools are the roles and badges member arguments pick from.
	pools []string
}

// who is whom a behaviour entry or leave rule is about: every member, a
// role (by rank) or a badge (by index).
type who struct {
	name  string
	all   bool
	role  int // rank, or -1
	badge int // index, or -1
}

type entry struct {
	who
	rates []rateSpec
	times map[int]float64 // action index → factor; -1 for every action
}

type rateSpec struct {
	off    int64 // of the action's key
	action int
	perDay float64
	args   []*argDist // this entry's own arguments, by parameter name
}

type argDist struct {
	param string
	kind  check.Kind
	d     *dist
}

type attrDist struct {
	name string
	d    *dist
	off  int64
}

type group struct {
	count int
	attrs []attrDist
	off   int64
}

type leaveRule struct {
	who
	days   int
	chance float64
}

// ReadModel reads a behaviour model from a JSON file for community c. It
// reads at most one byte more than a model may hold, so that a file
// without end (/dev/zero, a pipe) is refused, not read into memory.
func ReadModel(path string, c *runtime.Community) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxModelSize+1))
	if err != nil {
		return nil, err
	}
	return ParseModel(path, data, c)
}

// maxModelSize bounds a model file: a model is a page of numbers.
const maxModelSize = 8 << 20

// ParseModel reads a behaviour model for community c from data, the
// contents of the file called name. An error names the file, line and
// column of what is wrong.
func ParseModel(name string, data []byte, c *runtime.Community) (*Model, error) {
	if len(data) > maxModelSize {
		return nil, fmt.Errorf("%s: the model is larger than %d bytes", name, maxModelSize)
	}
	m := &Model{name: name}
	err := func() error {
		root, err := parseTree(data)
		if err != nil {
			return err
		}
		return m.read(root, c)
	}()
	if err != nil {
		var pe *posError
		if errors.As(err, &pe) {
			line, col := lineCol(data, pe.off)
			return nil, fmt.Errorf("%s:%d:%d: %s", name, line, col, pe.msg)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// Start returns the start of day 1 the model gives, or the zero time.
func (m *Model) Start() time.Time { return m.start }

func keyError(k keyed, format string, args ...any) error {
	return &posError{off: k.off, msg: fmt.Sprintf(format, args...)}
}

func fields(n *node, what string, known ...string) error {
	if n.kind != nObject {
		return distError(n, "%s: want an object, got %s", what, describe(n))
	}
	for _, k := range n.keys {
		if !slices.Contains(known, k.key) {
			return keyError(k, "%s: unknown field %q%s; the fields are %s", what, k.key, suggest(k.key, known), strings.Join(known, ", "))
		}
	}
	return nil
}

func (m *Model) read(root *node, c *runtime.Community) error {
	m.community = c
	cc := c.Checked()
	if err := fields(root, "the model", "start", "members", "seen", "args", "behaviour", "leave", "messages"); err != nil {
		return err
	}
	if n := root.get("start"); n != nil {
		if n.kind != nString {
			return distError(n, "start: want a time in RFC 3339, such as \"2026-01-01T00:00:00Z\"")
		}
		t, err := time.Parse(time.RFC3339, n.str)
		if err != nil {
			return distError(n, "start: %q is not a time in RFC 3339, such as \"2026-01-01T00:00:00Z\"", n.str)
		}
		m.start = t.UTC()
	}
	m.joins = &dist{kind: dConst, out: check.Int, consts: []value{{}}}
	if n := root.get("members"); n != nil {
		if err := m.readMembers(n, cc); err != nil {
			return err
		}
	}
	if n := root.get("seen"); n != nil {
		if n.kind != nString {
			return distError(n, "seen: want the name of a time attribute")
		}
		a := cc.Attr(n.str)
		if a == nil {
			return distError(n, "seen: unknown attribute %q%s; %s declares %s", n.str, suggest(n.str, attrNames(cc)), cc.Name, strings.Join(attrNames(cc), ", "))
		}
		if a.Type.Kind != check.Time {
			return distError(n, "seen: %s is a %s; seen names a time attribute, which a member's actions set to their time", a.Name, a.Type)
		}
		m.seen = a.Name
	}
	m.defaults = map[int][]*argDist{}
	if n := root.get("args"); n != nil {
		if n.kind != nObject {
			return distError(n, "args: want an object of actions")
		}
		for _, k := range n.keys {
			a, err := action(cc, k)
			if err != nil {
				return err
			}
			args, err := m.readArgs(k.val, a, cc)
			if err != nil {
				return err
			}
			m.defaults[a.Index] = args
		}
	}
	if n := root.get("behaviour"); n != nil {
		if n.kind != nObject {
			return distError(n, "behaviour: want an object whose keys are \"*\", roles and badges")
		}
		for _, k := range n.keys {
			w, err := whom(cc, k.key, k.off, "behaviour")
			if err != nil {
				return err
			}
			e, err := m.readEntry(k.val, w, cc)
			if err != nil {
				return err
			}
			m.entries = append(m.entries, e)
		}
	}
	if n := root.get("leave"); n != nil {
		if n.kind != nArray {
			return distError(n, "leave: want an array of {\"who\", \"inactive_days\", \"chance\"}")
		}
		for _, e := range n.arr {
			if err := fields(e, "leave", "who", "inactive_days", "chance"); err != nil {
				return err
			}
			l := leaveRule{who: who{all: true, name: "*", role: -1, badge: -1}, chance: 1}
			if w := e.get("who"); w != nil {
				if w.kind != nString {
					return distError(w, "leave: who is \"*\", a role or a badge")
				}
				var err error
				if l.who, err = whom(cc, w.str, w.off, "leave"); err != nil {
					return err
				}
			}
			d := e.get("inactive_days")
			if d == nil {
				return distError(e, "leave: inactive_days is required: the days without an allowed action after which a member may leave")
			}
			if !isInt(d) || d.str[0] == '-' || len(d.str) > 6 {
				return distError(d, "leave: inactive_days is a whole number of days from 0 to 999999")
			}
			fmt.Sscan(d.str, &l.days)
			if ch := e.get("chance"); ch != nil {
				x, err := number(ch, "leave: chance")
				if err != nil {
					return err
				}
				if x < 0 || x > 1 {
					return distError(ch, "leave: chance is a probability per day, from 0 to 1")
				}
				l.chance = x
			}
			m.leaves = append(m.leaves, l)
		}
	}
	if n := root.get("messages"); n != nil {
		if err := m.readMessages(n, cc); err != nil {
			return err
		}
	}
	if len(m.factors) > 64 {
		return distError(root.get("messages"), "messages: the simulation follows at most 64 messages, and the model gives factors for %d", len(m.factors))
	}
	// Every action the model tries needs every argument, and the
	// constants must be values the community takes.
	for _, e := range m.entries {
		for i := range e.rates {
			rs := &e.rates[i]
			a := cc.Actions[rs.action]
			args := runtime.Args{}
			for _, p := range a.Params {
				ad := m.argFor(rs, p.Name)
				if ad == nil {
					return &posError{off: rs.off, msg: fmt.Sprintf("behaviour %s: action %s needs argument %s (%s): give it under the entry's \"args\" or the model's \"args\"", e.name, a.Name, p.Name, p.Type)}
				}
				if ad.d.constant() {
					args[p.Name] = ad.d.goValue(ad.d.consts[0])
				} else {
					args[p.Name] = zeroArg(p.Type.Kind)
				}
			}
			if _, err := c.Call(a.Name, args); err != nil {
				return &posError{off: rs.off, msg: fmt.Sprintf("behaviour %s: %v", e.name, err)}
			}
		}
	}
	// A new member's attributes: those the community requires must be
	// given, and constants must convert.
	check := func(extra []attrDist, off int64) error {
		values := map[string]any{}
		r := rand.New(rand.NewPCG(1, 2))
		for _, a := range append(slices.Clip(m.attrs), extra...) {
			values[a.name] = a.d.goValue(a.d.draw(r, DefaultStart))
		}
		if _, err := c.Member(values); err != nil {
			for _, a := range append(slices.Clip(m.attrs), extra...) {
				if strings.Contains(err.Error(), a.name) {
					off = a.off
				}
			}
			return &posError{off: off, msg: fmt.Sprintf("members: attributes of a new member: %v", err)}
		}
		return nil
	}
	membersOff := root.off
	if n := root.get("members"); n != nil {
		membersOff = n.off
	}
	for _, g := range m.groups {
		if err := check(g.attrs, g.off); err != nil {
			return err
		}
	}
	if m.joins.kind != dConst || m.joins.consts[0].I > 0 || len(m.joinPer) > 0 {
		if err := check(nil, membersOff); err != nil {
			return err
		}
	}
	return nil
}

func (m *Model) readMembers(n *node, cc *check.Community) error {
	if err := fields(n, "members", "initial", "join_per_day", "join_per_action", "attributes"); err != nil {
		return err
	}
	if a := n.get("attributes"); a != nil {
		attrs, err := readAttrs(a, cc)
		if err != nil {
			return err
		}
		m.attrs = attrs
	}
	if i := n.get("initial"); i != nil {
		count := func(i *node) (int, error) {
			if !isInt(i) || i.str[0] == '-' || len(i.str) > 8 {
				return 0, distError(i, "members: initial is a whole number of members from 0 to 99999999, or an array of {\"count\", \"attributes\"}")
			}
			var n int
			fmt.Sscan(i.str, &n)
			return n, nil
		}
		if i.kind == nArray {
			for _, e := range i.arr {
				if err := fields(e, "members: initial", "count", "attributes"); err != nil {
					return err
				}
				c := e.get("count")
				if c == nil {
					return distError(e, "members: initial: count is required")
				}
				n, err := count(c)
				if err != nil {
					return err
				}
				g := group{count: n, off: e.off}
				if a := e.get("attributes"); a != nil {
					if g.attrs, err = readAttrs(a, cc); err != nil {
						return err
					}
				}
				m.groups = append(m.groups, g)
			}
		} else {
			n, err := count(i)
			if err != nil {
				return err
			}
			m.groups = append(m.groups, group{count: n, off: i.off})
		}
	}
	if j := n.get("join_per_day"); j != nil {
		d, err := parseDist(j, check.Type{Kind: check.Int}, "members: join_per_day")
		if err != nil {
			return err
		}
		m.joins = d
	}
	if j := n.get("join_per_action"); j != nil {
		if j.kind != nObject {
			return distError(j, "members: join_per_action: want an object of actions and the chance that an allowed try brings a member")
		}
		m.joinPer = map[int]float64{}
		for _, k := range j.keys {
			a, err := action(cc, k)
			if err != nil {
				return err
			}
			x, err := number(k.val, "members: join_per_action: "+a.Name)
			if err != nil {
				return err
			}
			if x < 0 || x > 1 {
				return distError(k.val, "members: join_per_action: %s: a chance, from 0 to 1", a.Name)
			}
			m.joinPer[a.Index] = x
		}
	}
	return nil
}

func readAttrs(a *node, cc *check.Community) ([]attrDist, error) {
	if a.kind != nObject {
		return nil, distError(a, "members: attributes: want an object of attribute values")
	}
	var out []attrDist
	for _, k := range a.keys {
		attr := cc.Attr(k.key)
		if attr == nil {
			return nil, keyError(k, "members: unknown attribute %q%s; %s declares %s", k.key, suggest(k.key, attrNames(cc)), cc.Name, strings.Join(attrNames(cc), ", "))
		}
		d, err := parseDist(k.val, attr.Type, "attribute "+attr.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, attrDist{attr.Name, d, k.off})
	}
	return out, nil
}

func (m *Model) readArgs(n *node, a *check.Action, cc *check.Community) ([]*argDist, error) {
	if n.kind != nObject {
		return nil, distError(n, "args of %s: want an object of its parameters", a.Name)
	}
	var out []*argDist
	for _, k := range n.keys {
		p := a.Param(k.key)
		if p == nil {
			names := paramNames(a)
			list := "no parameters"
			if len(names) > 0 {
				list = "parameters " + strings.Join(names, ", ")
			}
			return nil, keyError(k, "action %s has no parameter %q%s; it has %s", a.Name, k.key, suggest(k.key, names), list)
		}
		if p.Type.Kind == check.Time || p.Type.Kind == check.Duration || p.Type.Kind == check.List {
			if k.val.kind == nObject {
				return nil, distError(k.val, "argument %s of %s is a %s: the simulation gives it one constant value", p.Name, a.Name, p.Type)
			}
			if p.Type.Kind == check.Time && k.val.kind == nString && k.val.str == "now" {
				return nil, distError(k.val, "argument %s of %s is a time: the simulation gives it one constant time, not \"now\"", p.Name, a.Name)
			}
		}
		d, err := parseDist(k.val, p.Type, fmt.Sprintf("argument %s of %s", p.Name, a.Name))
		if err != nil {
			return nil, err
		}
		if d.kind == dMember && d.pool != "*" {
			if _, err := whom(cc, d.pool, d.poolOff, fmt.Sprintf("argument %s of %s", p.Name, a.Name)); err != nil {
				return nil, err
			}
			if !slices.Contains(m.pools, d.pool) {
				m.pools = append(m.pools, d.pool)
			}
		}
		out = append(out, &argDist{param: p.Name, kind: p.Type.Kind, d: d})
	}
	return out, nil
}

func (m *Model) readEntry(n *node, w who, cc *check.Community) (*entry, error) {
	what := "behaviour " + w.name
	if n.kind != nObject {
		return nil, distError(n, "%s: want an object whose keys are actions", what)
	}
	e := &entry{who: w, times: map[int]float64{}}
	for _, k := range n.keys {
		all := k.key == "*"
		var a *check.Action
		if !all {
			var err error
			if a, err = action(cc, k); err != nil {
				return nil, err
			}
		}
		known := []string{"per_day", "times", "args"}
		if all {
			known = []string{"times"}
		}
		if err := fields(k.val, what+" "+k.key, known...); err != nil {
			return nil, err
		}
		if t := k.val.get("times"); t != nil {
			x, err := number(t, what+" "+k.key+": times")
			if err != nil {
				return nil, err
			}
			if x < 0 {
				return nil, distError(t, "%s %s: times is a factor, not negative", what, k.key)
			}
			idx := -1
			if !all {
				idx = a.Index
			}
			e.times[idx] = x
		}
		if all {
			continue
		}
		rs := rateSpec{action: a.Index, off: k.off}
		if p := k.val.get("per_day"); p != nil {
			x, err := number(p, what+" "+a.Name+": per_day")
			if err != nil {
				return nil, err
			}
			if x < 0 || x > 10000 {
				return nil, distError(p, "%s %s: per_day is the mean number of tries a day, from 0 to 10000", what, a.Name)
			}
			rs.perDay = x
		} else if k.val.get("args") != nil {
			return nil, distError(k.val, "%s %s: args without per_day: say how often the action is tried", what, a.Name)
		}
		if ar := k.val.get("args"); ar != nil {
			args, err := m.readArgs(ar, a, cc)
			if err != nil {
				return nil, err
			}
			rs.args = args
		}
		if k.val.get("per_day") != nil {
			e.rates = append(e.rates, rs)
		}
	}
	return e, nil
}

func (m *Model) readMessages(n *node, cc *check.Community) error {
	if n.kind != nObject {
		return distError(n, "messages: want an object whose keys are the texts of nudges and offers")
	}
	m.factors = map[int]map[int]float64{}
	var texts []string
	for _, msg := range cc.Messages {
		texts = append(texts, msg.Text)
	}
	for _, k := range n.keys {
		var idx []int
		for i, msg := range cc.Messages {
			if msg.Text == k.key {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			if len(texts) == 0 {
				return keyError(k, "messages: %s has no nudges or offers", cc.Name)
			}
			return keyError(k, "messages: no nudge or offer of %s says %q%s", cc.Name, k.key, suggestText(k.key, texts))
		}
		if k.val.kind != nObject {
			return distError(k.val, "messages: %q: want an object of actions and the factors by which the message multiplies their rates", k.key)
		}
		f := map[int]float64{}
		for _, ak := range k.val.keys {
			ai := -1
			if ak.key != "*" {
				a, err := action(cc, ak)
				if err != nil {
					return err
				}
				ai = a.Index
			}
			x, err := number(ak.val, "messages: factor")
			if err != nil {
				return err
			}
			if x < 0 || math.IsInf(x, 0) {
				return distError(ak.val, "messages: a factor is not negative")
			}
			f[ai] = x
		}
		for _, i := range idx {
			m.factors[i] = f
		}
	}
	return nil
}

// suggestText suggests the text closest to a misspelt message: by edit
// distance when a few letters differ.
func suggestText(s string, texts []string) string {
	best, bestD := "", len(s)/5+1
	for _, t := range texts {
		if d := check.Distance(s, t); d < bestD {
			best, bestD = t, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func action(cc *check.Community, k keyed) (*check.Action, error) {
	for _, a := range cc.Actions {
		if a.Name == k.key {
			return a, nil
		}
	}
	var names []string
	for _, a := range cc.Actions {
		names = append(names, a.Name)
	}
	return nil, keyError(k, "unknown action %q%s; %s declares %s", k.key, suggest(k.key, names), cc.Name, strings.Join(names, ", "))
}

// whom resolves "*", a role or a badge of cc.
func whom(cc *check.Community, name string, off int64, what string) (who, error) {
	w := who{name: name, role: -1, badge: -1}
	if name == "*" {
		w.all = true
		return w, nil
	}
	for _, r := range cc.Roles {
		if r.Name == name {
			w.role = r.Rank
			return w, nil
		}
	}
	for i, b := range cc.Badges {
		if b.Name == name {
			if i >= 64 {
				return w, &posError{off: off, msg: fmt.Sprintf("%s: badge %s is the %dth: the simulation tells members apart by their first 64 badges", what, name, i+1)}
			}
			w.badge = i
			return w, nil
		}
	}
	var names []string
	for _, r := range cc.Roles {
		names = append(names, r.Name)
	}
	for _, b := range cc.Badges {
		names = append(names, b.Name)
	}
	prefix := what + ": "
	if what == "" {
		prefix = ""
	}
	list := "it has no roles or badges"
	if len(names) > 0 {
		list = cc.Name + " has " + strings.Join(names, ", ")
	}
	return w, &posError{off: off, msg: fmt.Sprintf("%sunknown role or badge %q%s; \"*\" is every member, and %s", prefix, name, suggest(name, names), list)}
}

func attrNames(cc *check.Community) []string {
	var out []string
	for _, a := range cc.Attrs {
		out = append(out, a.Name)
	}
	return out
}

func paramNames(a *check.Action) []string {
	var out []string
	for _, p := range a.Params {
		out = append(out, p.Name)
	}
	return out
}

// argFor returns the distribution of argument param of rs's action: the
// entry's own, else the model's default.
func (m *Model) argFor(rs *rateSpec, param string) *argDist {
	for _, a := range rs.args {
		if a.param == param {
			return a
		}
	}
	for _, a := range m.defaults[rs.action] {
		if a.param == param {
			return a
		}
	}
	return nil
}
