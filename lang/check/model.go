package check

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/syntax"
)

// Program is a checked load set: every community, with extends resolved.
// It is the input of runtime.Compile and is not modified after Check.
type Program struct {
	Communities []*Community // in source order of the load set
	Files       []*syntax.File
	byName      map[string]*Community
}

// Community returns the community called name, or nil.
func (p *Program) Community(name string) *Community { return p.byName[name] }

// Kind is the kind of a Charter type.
type Kind int

// The kinds of Charter types.
const (
	Invalid Kind = iota
	Int
	Float
	Bool
	String
	Time
	Duration
	List   // Elem holds the element type
	Member // another member of the same community (action parameters only)
	Role   // a rung of the ladder
)

// Type is a Charter value type.
type Type struct {
	Kind Kind
	Elem Kind // for List
}

func (t Type) String() string {
	if t.Kind == List {
		return "[]" + Type{Kind: t.Elem}.String()
	}
	return kindNames[t.Kind]
}

var kindNames = map[Kind]string{
	Invalid: "invalid", Int: "int", Float: "float", Bool: "bool", String: "string",
	Time: "time", Duration: "duration", Member: "member", Role: "role",
}

// Community is one community with everything it inherits merged in.
// Slices are in declaration order, parent's declarations first.
type Community struct {
	Name    string
	Decl    *syntax.Community
	Parent  *Community // nil unless the community extends another
	Purpose string
	// DefaultAllow is true for `default allow`; the default is deny.
	DefaultAllow bool
	// Zone is the time zone of the calendar windows (`timezone`, SPEC
	// §6.12): UTC unless declared, a parent's unless redeclared. It is
	// loaded from the tz database when the program is checked, so that
	// evaluation reads no file.
	Zone *time.Location

	Attrs []*Attr // member schema; Attr.Slot indexes this slice
	// Settings are the community-wide values (SPEC §6.4.1), parent's
	// first: every expression reads them by name, no member record holds
	// them. Attr.Default is the declared default; Slot indexes this slice.
	Settings []*Attr
	Actions  []*Action  // Action.Index indexes this slice
	Roles    []*RoleDef // highest first; nil when the community declares no roles
	Badges   []*BadgeDef
	// Lets are the named conditions, parent's first (SPEC §6.7). Every
	// expression that reads one has it expanded in place when it is
	// checked, so the runtime and charter gen see only the condition;
	// hosts never see a named condition, unlike a badge.
	Lets    []*LetDef
	Rules   []*Rule
	Effects []*Effect
	Goals   []*Goal
	// Messages are the nudges and offers, including those under when.
	Messages []*Message
	Admit    *syntax.Expr // nil unless declared (only with extends)
	Tests    []*syntax.Test
	// consts holds the value of each constant of the test blocks, by its
	// expression: Const reads it.
	consts map[*syntax.Expr]any

	attrByName   map[string]*Attr
	actionByName map[string]*Action
	// origins records, for declarations mixed in by `use`, the piece that
	// brought them ("std.dunbar"), keyed "attr:NAME", "action:NAME", "roles",
	// "badge:NAME", "goal:NAME", "effect:ACTION".
	origins map[string]string
	// used and ownAttrs feed the unused-attribute lint.
	used, ownAttrs map[string]bool
	// envs are the expression environments the community was checked
	// in: a child compares its own with them to re-check only what it
	// changes, and shares them when it declares no names.
	envs *envs
}

// Attr returns the attribute called name, or nil.
func (c *Community) Attr(name string) *Attr { return c.attrByName[name] }

// Setting returns the community's setting name, or nil.
func (c *Community) Setting(name string) *Attr {
	for _, s := range c.Settings {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Const returns the value of a constant of one of the community's test
// blocks: a field of a `given member` or `given members` step, or an
// argument of a call in `do` or `expect allow|deny`. The checker evaluated
// it, once, to the Go representation Attr.Default documents for the type
// of the attribute or parameter it is given to (a member argument is the
// other member's name, a string). ok is false for an expression that is
// not such a constant, or that did not check.
func (c *Community) Const(e *syntax.Expr) (v any, ok bool) {
	v, ok = c.consts[e]
	return v, ok
}

// Action returns the action called name, or nil.
func (c *Community) Action(name string) *Action { return c.actionByName[name] }

// Role returns the role called name, or nil.
func (c *Community) Role(name string) *RoleDef {
	for _, r := range c.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// roleNames, badgeNames and goalNames list declared names, for
// did-you-mean suggestions.
func (c *Community) roleNames() []string {
	out := make([]string, len(c.Roles))
	for i, r := range c.Roles {
		out[i] = r.Name
	}
	return out
}

func (c *Community) badgeNames() []string {
	out := make([]string, len(c.Badges))
	for i, b := range c.Badges {
		out[i] = b.Name
	}
	return out
}

func (c *Community) goalNames() []string {
	out := make([]string, len(c.Goals))
	for i, g := range c.Goals {
		out[i] = g.Name
	}
	return out
}

// Badge returns the badge called name, or nil.
func (c *Community) Badge(name string) *BadgeDef {
	for _, b := range c.Badges {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// Goal returns the goal called name, or nil.
func (c *Community) Goal(name string) *Goal {
	for _, g := range c.Goals {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Attr is a member attribute.
type Attr struct {
	Name string
	Type Type
	// Default is the value a member without this attribute has: the declared
	// default, or the type's zero value. Its Go type is int64, float64, bool,
	// string, time.Time, time.Duration, or a slice of those.
	Default any
	// Required is true when every member record must give the attribute
	// (SPEC §6.4): the runtime refuses a record without it.
	Required bool
	Slot     int
	Decl     *syntax.Attr
	// Implicit is true for warnings, warned_at and demotions when the
	// community has the sanction that keeps them and does not declare them
	// (SPEC §6.13): the live state keeps them, and effects cannot assign
	// them.
	Implicit bool
}

// Action is an action members can take.
type Action struct {
	Name   string
	Params []*Param
	Index  int
	Decl   *syntax.Action
	// Counted is how many of the action's latest takings a `taken(action,
	// D)` read needs kept: one more than the largest count any such read
	// is compared with (SPEC §7.6); 0 when nothing reads it.
	Counted int
}

// Param returns the parameter called name, or nil.
func (a *Action) Param(name string) *Param {
	for _, p := range a.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Param is an action parameter; Slot indexes Action.Params.
type Param struct {
	Name string
	Type Type
	Slot int
}

// RoleDef is a rung of the ladder. Rank orders roles: the highest role has
// the largest rank, the lowest has rank 0, so `role >= creator` compares ranks.
type RoleDef struct {
	Name      string
	Rank      int
	Cond      *syntax.Expr // nil for otherwise
	Otherwise bool
	Decl      *syntax.Rung
}

// BadgeDef is a badge and its condition.
type BadgeDef struct {
	Name string
	Cond *syntax.Expr
	Decl *syntax.Badge
}

// LetDef is a named condition: `let name = cond`.
type LetDef struct {
	Name string
	Cond *syntax.Expr
	Decl *syntax.Let
	// readsRole is true when the condition, expanded, reads the role or a
	// badge, so that a rung cannot read it.
	readsRole bool
}

// RuleKind says what a rule does.
type RuleKind int

// The kinds of rule.
const (
	May RuleKind = iota
	MustNot
	First
	Limit
	Duty
)

func (k RuleKind) String() string {
	return [...]string{"may", "must not", "first", "limit", "must"}[k]
}

// Rule is one may, must not, first, limit or duty rule.
type Rule struct {
	Kind RuleKind
	// Actions the rule governs: those listed by may and must not, Then of a
	// first rule, the limited action, the duty's action.
	Actions []*Action
	// Any is true for `may any` and `must not any`: Actions is every
	// action of the community, those a child adds included.
	Any    bool
	Before *Action       // first: the action that must come before
	Count  int64         // limit and duty
	Per    time.Duration // limit and duty with a rolling window; 0 with a calendar one
	// Calendar is the period of a calendar window (`per calendar day`),
	// NoCalendar for a rolling one.
	Calendar Calendar
	Cond     *syntax.Expr // nil when unconditional
	Because  string
	Else     *Sanction // nil when none
	// When is the goal condition of the enclosing when block, or nil.
	When *syntax.Expr
	// Label names the rule in decisions: "may post (club.charter:36:3)".
	Label string
	Decl  syntax.Decl
}

// Reason is the rule's reason when it decides action a: its `because`
// text, or the sentence SPEC.md §10.1 makes of the rule ("must not post",
// "limit post 3 per 1d reached").
func (r *Rule) Reason(a *Action) string {
	if r.Because != "" {
		return r.Because
	}
	per := r.Window()
	switch r.Kind {
	case May:
		return "may " + a.Name
	case MustNot:
		return "must not " + a.Name
	case First:
		return fmt.Sprintf("first %s then %s: %s not done yet", r.Before.Name, a.Name, r.Before.Name)
	case Limit:
		return fmt.Sprintf("limit %s %d per %s reached", a.Name, r.Count, per)
	default:
		return fmt.Sprintf("must %s %d per %s", a.Name, r.Count, per)
	}
}

// Window is the rule's window as written after per: "1d", "calendar week".
func (r *Rule) Window() string {
	if r.Calendar != NoCalendar {
		return "calendar " + r.Calendar.String()
	}
	return FormatDuration(r.Per)
}

// Calendar is the period of a calendar window.
type Calendar int

// The calendar periods: a day from midnight, a week from Monday's
// midnight, a month from the first's midnight, in the community's zone.
const (
	NoCalendar Calendar = iota
	Day
	Week
	Month
)

func (c Calendar) String() string { return [...]string{"", "day", "week", "month"}[c] }

// Start returns the start, in nanoseconds since the epoch, of the period
// c that holds the time at (nanoseconds), in zone loc.
func (c Calendar) Start(at int64, loc *time.Location) int64 {
	t := time.Unix(0, at).In(loc)
	y, m, d := t.Date()
	switch c {
	case Week:
		d -= (int(t.Weekday()) + 6) % 7 // back to Monday
	case Month:
		d = 1
	}
	start := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if start.Hour() != 0 {
		// A change of clocks skipped this midnight, and time.Date gave an
		// instant beside it: the period starts at the change, the first
		// instant of its first day.
		begin, end := start.ZoneBounds()
		if start.Day() != time.Date(y, m, d, 12, 0, 0, 0, loc).Day() { // d may be out of its month's range
			start = end // an instant of the day before, in the old offset
		} else {
			start = begin // an instant after the change
		}
	}
	return start.UnixNano()
}

// Sanction is what happens when a rule is broken.
type Sanction struct {
	Name string        // warn, mute, demote, remove, or a host-defined name
	For  time.Duration // mute, and remove when it has a period; else 0
}

func (s *Sanction) String() string {
	if s.For != 0 {
		return s.Name + " " + FormatDuration(s.For)
	}
	return s.Name
}

// AnyAction is the name that stands for every action in `may any` and
// `must not any`; no action may be called so.
const AnyAction = "any"

// The names of the attributes the live state keeps for sanctions (SPEC
// §6.13): warnings and warned_at in a community with a warn sanction,
// demotions with a demote sanction.
const (
	WarningsAttr  = "warnings"
	WarnedAtAttr  = "warned_at"
	DemotionsAttr = "demotions"
	// DemotedUntilAttr is kept with a demote that has a period: the
	// demotions hold while the time is before it.
	DemotedUntilAttr = "demoted_until"
)

// Text is the rule's label without its position: "must visit 1 per 7d".
func (r *Rule) Text() string {
	if i := strings.LastIndex(r.Label, " ("); i >= 0 {
		return r.Label[:i]
	}
	return r.Label
}

// Effect is what an allowed action changes.
type Effect struct {
	Action  *Action
	Assigns []*Assign
	Decl    *syntax.Effect
}

// Assign changes one attribute, of the acting member or of the member a
// member-typed parameter names.
type Assign struct {
	Param *Param // nil for the acting member
	Attr  *Attr
	Op    string // =, +=, -=, *=, /=
	Value *syntax.Expr
	Decl  *syntax.Assign
}

// Goal is a group goal.
type Goal struct {
	Name    string
	Title   string
	Measure *syntax.Expr
	Op      string // >=, <=, >, <, ==
	Target  *syntax.Expr
	// TargetValue is the value of Target, a constant the checker evaluated.
	TargetValue float64
	Index       int
	Decl        *syntax.Goal
}

// Message is a nudge or an offer.
type Message struct {
	Nudge   bool   // false for an offer
	To      string // role or badge name; "" for every member
	ToRole  *RoleDef
	ToBadge *BadgeDef
	Text    string
	When    *syntax.Expr // goal condition of the enclosing when, or nil
	Decl    syntax.Decl
}

// FormatDuration writes d as a Charter duration literal in the largest unit
// that divides it exactly: 36h, 90m, 2w, 1d.
func FormatDuration(d time.Duration) string {
	units := []struct {
		suffix string
		d      time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}}
	for _, u := range units {
		if d != 0 && d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}
