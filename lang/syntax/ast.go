package syntax

import (
	"strconv"
	"strings"

	"github.com/charterlang/charter/lang/diag"
)

// The AST is the participle grammar: each struct's tags are its production,
// and every node records where it starts (Pos) and ends (EndPos).

// Node is embedded in every AST node and carries its source range. The
// fields are diagnostics' own position type: participle fills any field
// named Pos or EndPos that its lexer.Position converts to (Pos where the
// node's first token starts, EndPos where the token after its last one
// starts), and descent sets them as participle would, so nothing converts
// them afterwards.
type Node struct {
	Pos    diag.Pos
	EndPos diag.Pos
}

// Range returns the node's source range.
func (n Node) Range() diag.Range { return diag.Range{Start: n.Pos, End: n.EndPos} }

// File is one parsed source file.
type File struct {
	Node
	Communities []*Community `parser:"( @@ \";\"* )*"`

	Name     string    // the file name given to Parse
	Src      []byte    // the source text
	Comments []Comment // every comment, in source order
}

// Comment is a // or /* */ comment as written.
type Comment struct {
	Node
	Text string
}

// Ident is a name with its position.
type Ident struct {
	Node
	Name string `parser:"@Ident"`
}

// StringLit is a string literal; Raw keeps the quotes and escapes as written.
type StringLit struct {
	Node
	Raw string `parser:"@String"`
}

// Value returns the string the literal stands for.
func (s *StringLit) Value() string {
	v, _ := Unquote(s.Raw) // the lexer rejected literals that do not unquote
	return v
}

// IntLit is a whole-number literal such as a count.
type IntLit struct {
	Node
	Raw string `parser:"@Int"`
}

// Value returns the literal's value, or an error when it does not fit an int64.
func (n *IntLit) Value() (int64, error) {
	return strconv.ParseInt(strings.ReplaceAll(n.Raw, "_", ""), 10, 64)
}

// DurationLit is a duration literal such as 7d.
type DurationLit struct {
	Node
	Raw string `parser:"@Duration"`
}

// Value returns the duration in nanoseconds.
func (d *DurationLit) Value() (int64, error) { return DurationValue(d.Raw) }

// Community is `community Name [extends Parent] { decls }`.
type Community struct {
	Node
	Name    *Ident `parser:"\"community\" @@"`
	Extends *Ident `parser:"( \"extends\" @@ )?"`
	Decls   []Decl `parser:"\"{\" ( @@ \";\"* )* \"}\""`
}

// Decl is any declaration inside a community.
type Decl interface{ decl() }

// WhenDecl is a declaration allowed inside a when block.
type WhenDecl interface {
	Decl
	whenDecl()
}

// Use is `use std.name`: mixes a standard community piece into this one.
type Use struct {
	Node
	Path []*Ident `parser:"\"use\" @@ ( \".\" @@ )*"`
}

// Name returns the dotted path as written: "std.dunbar".
func (u *Use) Name() string {
	parts := make([]string, len(u.Path))
	for i, p := range u.Path {
		parts[i] = p.Name
	}
	return strings.Join(parts, ".")
}

// Purpose is `purpose "text"`.
type Purpose struct {
	Node
	Text *StringLit `parser:"\"purpose\" @@"`
}

// Timezone is `timezone "Area/City"`: the zone of the community's calendar
// windows (SPEC §6.12).
type Timezone struct {
	Node
	Name *StringLit `parser:"\"timezone\" @@"`
}

// Default is `default allow` or `default deny`.
type Default struct {
	Node
	Value string `parser:"\"default\" @( \"allow\" | \"deny\" )"`
}

// Schema is `member { attr: type = default ... }`.
type Schema struct {
	Node
	Attrs []*Attr `parser:"\"member\" \"{\" ( @@ ( \";\" | \",\" )* )* \"}\""`
}

// Settings is `settings { name: type = default ... }`: values that belong
// to the community, not to a member, which the host may set (SPEC §6.4.1).
type Settings struct {
	Node
	Attrs []*Attr `parser:"\"settings\" \"{\" ( @@ ( \";\" | \",\" )* )* \"}\""`
}

// Attr declares one member attribute, or one setting.
type Attr struct {
	Node
	Name *Ident   `parser:"@@ \":\""`
	Type *TypeRef `parser:"@@"`
	// Required is true when a record must give the attribute (SPEC §6.4).
	// A "required" followed by ":" is the next attribute's name.
	Required bool  `parser:"( @\"required\" (?! \":\") )?"`
	Default  *Expr `parser:"( \"=\" @@ )?"`
}

// TypeRef is a type name, optionally a list: int, []string, member.
type TypeRef struct {
	Node
	List bool   `parser:"@( \"[\" \"]\" )?"`
	Name *Ident `parser:"@@"`
}

func (t *TypeRef) String() string {
	if t.List {
		return "[]" + t.Name.Name
	}
	return t.Name.Name
}

// Action is `action name(param: type, ...)`.
type Action struct {
	Node
	Name   *Ident   `parser:"\"action\" @@ \"(\""`
	Params []*Param `parser:"( @@ ( \",\" @@ )* \",\"? )? \")\""`
}

// Param is one typed action parameter.
type Param struct {
	Node
	Name *Ident   `parser:"@@ \":\""`
	Type *TypeRef `parser:"@@"`
}

// Roles is the ladder, highest role first.
type Roles struct {
	Node
	Rungs []*Rung `parser:"\"roles\" \"{\" ( @@ \";\"? )* \"}\""`
}

// Rung is `name if cond` or `name otherwise`.
type Rung struct {
	Node
	Name      *Ident `parser:"@@"`
	Cond      *Expr  `parser:"( \"if\" @@"`
	Otherwise bool   `parser:"| @\"otherwise\" )"`
}

// Badge is `badge name if cond`.
type Badge struct {
	Node
	Name *Ident `parser:"\"badge\" @@"`
	Cond *Expr  `parser:"\"if\" @@"`
}

// Let is `let name = cond`: a named condition, which rungs, badges,
// rules and other named conditions read by its name (SPEC §6.7).
type Let struct {
	Node
	Name *Ident `parser:"\"let\" @@ \"=\""`
	Cond *Expr  `parser:"@@"`
}

// Admit is `admit if cond`, in a community that extends another.
type Admit struct {
	Node
	Cond *Expr `parser:"\"admit\" \"if\" @@"`
}

// Sanction is what `else` names: warn, mute D, demote, remove, or a host-defined name.
type Sanction struct {
	Node
	Name *Ident       `parser:"@@"`
	For  *DurationLit `parser:"@@?"`
}

// May is `may a, b [if cond] [because "why"]`.
type May struct {
	Node
	Actions []*Ident   `parser:"\"may\" @@ ( \",\" @@ )*"`
	Cond    *Expr      `parser:"( \"if\" @@ )?"`
	Because *StringLit `parser:"( \"because\" @@ )?"`
}

// MustNot is `must not a, b [if cond] [because "why"] [else sanction]`.
type MustNot struct {
	Node
	Actions []*Ident   `parser:"\"must\" \"not\" @@ ( \",\" @@ )*"`
	Cond    *Expr      `parser:"( \"if\" @@ )?"`
	Because *StringLit `parser:"( \"because\" @@ )?"`
	Else    *Sanction  `parser:"( \"else\" @@ )?"`
}

// First is `first a then b [if cond] [because "why"] [else sanction]`.
type First struct {
	Node
	Before  *Ident     `parser:"\"first\" @@"`
	Then    *Ident     `parser:"\"then\" @@"`
	Cond    *Expr      `parser:"( \"if\" @@ )?"`
	Because *StringLit `parser:"( \"because\" @@ )?"`
	Else    *Sanction  `parser:"( \"else\" @@ )?"`
}

// Limit is `limit a N per D [if cond] [because "why"] [else sanction]`.
type Limit struct {
	Node
	Action *Ident  `parser:"\"limit\" @@"`
	Count  *IntLit `parser:"@@"`
	// Calendar is the period of `per calendar day|week|month`; Per is
	// nil then (SPEC §6.12).
	Calendar *Ident       `parser:"\"per\" ( \"calendar\" @@"`
	Per      *DurationLit `parser:"| @@ )"`
	Cond     *Expr        `parser:"( \"if\" @@ )?"`
	Because  *StringLit   `parser:"( \"because\" @@ )?"`
	Else     *Sanction    `parser:"( \"else\" @@ )?"`
}

// Duty is `must a N per D [if cond] [because "why"] [else sanction]`.
type Duty struct {
	Node
	Action *Ident  `parser:"\"must\" @@"`
	Count  *IntLit `parser:"@@"`
	// Calendar is the period of `per calendar day|week|month`; Per is
	// nil then (SPEC §6.12).
	Calendar *Ident       `parser:"\"per\" ( \"calendar\" @@"`
	Per      *DurationLit `parser:"| @@ )"`
	Cond     *Expr        `parser:"( \"if\" @@ )?"`
	Because  *StringLit   `parser:"( \"because\" @@ )?"`
	Else     *Sanction    `parser:"( \"else\" @@ )?"`
}

// RuleDecl is a rule declaration — may, must not, first, limit or must —
// seen through the parts every rule has, so that the checker, the linter
// and the editor support read them in one place.
type RuleDecl interface {
	Decl
	Range() diag.Range
	// RuleCond is the rule's `if` condition, nil when it has none.
	RuleCond() *Expr
	// RuleBecause is the rule's `because` text, nil when it has none.
	RuleBecause() *StringLit
	// RuleElse is the rule's `else` sanction: nil when it has none, and
	// always for may, which cannot have one.
	RuleElse() *Sanction
}

var (
	_ RuleDecl = (*May)(nil)
	_ RuleDecl = (*MustNot)(nil)
	_ RuleDecl = (*First)(nil)
	_ RuleDecl = (*Limit)(nil)
	_ RuleDecl = (*Duty)(nil)
)

func (d *May) RuleCond() *Expr         { return d.Cond }
func (d *May) RuleBecause() *StringLit { return d.Because }
func (d *May) RuleElse() *Sanction     { return nil }

func (d *MustNot) RuleCond() *Expr         { return d.Cond }
func (d *MustNot) RuleBecause() *StringLit { return d.Because }
func (d *MustNot) RuleElse() *Sanction     { return d.Else }

func (d *First) RuleCond() *Expr         { return d.Cond }
func (d *First) RuleBecause() *StringLit { return d.Because }
func (d *First) RuleElse() *Sanction     { return d.Else }

func (d *Limit) RuleCond() *Expr         { return d.Cond }
func (d *Limit) RuleBecause() *StringLit { return d.Because }
func (d *Limit) RuleElse() *Sanction     { return d.Else }

func (d *Duty) RuleCond() *Expr         { return d.Cond }
func (d *Duty) RuleBecause() *StringLit { return d.Because }
func (d *Duty) RuleElse() *Sanction     { return d.Else }

// Effect is `on action { assignments }`.
type Effect struct {
	Node
	Action  *Ident    `parser:"\"on\" @@"`
	Assigns []*Assign `parser:"\"{\" ( @@ \";\"* )* \"}\""`
}

// Assign is `attr op value` or `param.attr op value`.
type Assign struct {
	Node
	Target *Ident `parser:"@@"`
	Field  *Ident `parser:"( \".\" @@ )?"`
	Op     string `parser:"@( \"=\" | \"+=\" | \"-=\" | \"*=\" | \"/=\" )"`
	Value  *Expr  `parser:"@@"`
}

// Goal is `goal name ["title"] { measure e; target op e }`.
type Goal struct {
	Node
	Name  *Ident      `parser:"\"goal\" @@"`
	Title *StringLit  `parser:"@@?"`
	Items []*GoalItem `parser:"\"{\" ( @@ \";\"* )* \"}\""`
}

// GoalItem is one `measure` or `target` line of a goal.
type GoalItem struct {
	Node
	Measure *Expr  `parser:"( \"measure\" @@"`
	Op      string `parser:"| \"target\" @( \">=\" | \"<=\" | \">\" | \"<\" | \"==\" )"`
	Target  *Expr  `parser:"@@ )"`
}

// When holds rules and messages that apply while a goal condition holds.
type When struct {
	Node
	Cond  *Expr      `parser:"\"when\" @@"`
	Decls []WhenDecl `parser:"\"{\" ( @@ \";\"* )* \"}\""`
}

// Nudge is `nudge [role-or-badge] "text"`.
type Nudge struct {
	Node
	To   *Ident     `parser:"\"nudge\" @@?"`
	Text *StringLit `parser:"@@"`
}

// Offer is `offer [role-or-badge] "text"`.
type Offer struct {
	Node
	To   *Ident     `parser:"\"offer\" @@?"`
	Text *StringLit `parser:"@@"`
}

// Test is `test "name" { steps }`.
type Test struct {
	Node
	Name  *StringLit `parser:"\"test\" @@"`
	Steps []Step     `parser:"\"{\" ( @@ \";\"* )* \"}\""`
}

// Step is one line of a test.
type Step interface{ step() }

// Field is `name: value` in a member literal or an action call.
type Field struct {
	Node
	Name  *Ident `parser:"@@ \":\""`
	Value *Expr  `parser:"@@"`
}

// Given is `given member [name] { attr: value, ... } [did action at "time", ...]`:
// the member joins with those values and that history, taken without acting.
type Given struct {
	Node
	Name   *Ident   `parser:"\"given\" \"member\" @@?"`
	Fields []*Field `parser:"\"{\" ( @@ ( \",\" | \";\" )* )* \"}\""`
	Did    []*Did   `parser:"( \"did\" @@ ( \",\" @@ )* )?"`
}

// Did is `action at "RFC 3339 time"`: one taking of an action in a given
// member's history.
type Did struct {
	Node
	Action *Ident     `parser:"@@"`
	At     *StringLit `parser:"\"at\" @@"`
}

// Update is `update [name] { attr: value, ... }`: a member's attributes
// change mid-test, as the host changes them through State.Update.
type Update struct {
	Node
	Name   *Ident   `parser:"\"update\" @@?"`
	Fields []*Field `parser:"\"{\" ( @@ ( \",\" | \";\" )* )* \"}\""`
}

// GivenMembers is `given members N { attr: value, ... }`: N more members alike.
type GivenMembers struct {
	Node
	Count  *IntLit  `parser:"\"given\" \"members\" @@"`
	Fields []*Field `parser:"\"{\" ( @@ ( \",\" | \";\" )* )* \"}\""`
}

// GivenSettings is `given settings { name: value, ... }`: the values of
// the community's settings for the test, in place of their defaults
// (SPEC §6.18); it comes before every other step.
type GivenSettings struct {
	Node
	Fields []*Field `parser:"\"given\" \"settings\" \"{\" ( @@ ( \",\" | \";\" )* )* \"}\""`
}

// At is `at "RFC 3339 time"`: the time of the steps that follow.
type At struct {
	Node
	Time *StringLit `parser:"\"at\" @@"`
}

// Wait is `wait D`: moves the test's time forward.
type Wait struct {
	Node
	For *DurationLit `parser:"\"wait\" @@"`
}

// Do is `do action(args) [times N]`: the member acts, through the live
// state. With Try (`try action(args)`), a denial does not fail the test:
// the state applies the sanctions of the rules that deny.
type Do struct {
	Node
	Try   bool    `parser:"( \"do\" | @\"try\" )"`
	Actor *Ident  `parser:"( @@ \":\" )?"` // a given member's name; nil for the subject
	Call  *Call   `parser:"@@"`
	Times *IntLit `parser:"( \"times\" @@ )?"`
}

// Review is `review`: the live state reviews every member's duties at the
// test's time, applying the sanctions of unmet ones.
type Review struct {
	Node
	Review bool `parser:"@\"review\""`
}

// Call is `action(name: value, ...)`.
type Call struct {
	Node
	Action *Ident   `parser:"@@ \"(\""`
	Args   []*Field `parser:"( @@ ( \",\" @@ )* \",\"? )? \")\""`
}

// Expect is `expect ...`: one assertion of a test.
type Expect struct {
	Node
	Actor *Ident     `parser:"\"expect\" ( @@ \":\" )?"` // a given member's name; nil for the subject
	Body  ExpectBody `parser:"@@"`
}

// ExpectBody is what an expect line asserts.
type ExpectBody interface{ expect() }

// ExpectDecision is `expect allow|deny action(args) [because "reason"]
// [else sanction]`.
type ExpectDecision struct {
	Node
	Verdict string     `parser:"@( \"allow\" | \"deny\" )"`
	Call    *Call      `parser:"@@"`
	Because *StringLit `parser:"( \"because\" @@ )?"`
	Else    *Sanction  `parser:"( \"else\" @@ )?"`
}

// ExpectRole is `expect role name`.
type ExpectRole struct {
	Node
	Role *Ident `parser:"\"role\" @@"`
}

// ExpectBadge is `expect [no] badge name`.
type ExpectBadge struct {
	Node
	No    bool   `parser:"@\"no\"?"`
	Badge *Ident `parser:"\"badge\" @@"`
}

// ExpectDuty is `expect [no] duty action [because "reason"] [else sanction]`.
type ExpectDuty struct {
	Node
	No      bool       `parser:"@\"no\"?"`
	Action  *Ident     `parser:"\"duty\" @@"`
	Because *StringLit `parser:"( \"because\" @@ )?"`
	Else    *Sanction  `parser:"( \"else\" @@ )?"`
}

// ExpectMessage is `expect [no] message "text"`.
type ExpectMessage struct {
	Node
	No   bool       `parser:"@\"no\"?"`
	Text *StringLit `parser:"\"message\" @@"`
}

// ExpectGoal is `expect goal name met|unmet`.
type ExpectGoal struct {
	Node
	Goal  *Ident `parser:"\"goal\" @@"`
	State string `parser:"@( \"met\" | \"unmet\" )"`
}

// ExpectAdmit is `expect [no] admit`.
type ExpectAdmit struct {
	Node
	No    bool `parser:"@\"no\"?"`
	Admit bool `parser:"@\"admit\""`
}

// ExpectSanction is `expect [no] sanction name`: whether the live state
// holds the sanction (mute or remove) on the subject now.
type ExpectSanction struct {
	Node
	No       bool   `parser:"@\"no\"?"`
	Sanction *Ident `parser:"\"sanction\" @@"`
}

// ExpectThat is `expect that cond`: a boolean over the member's attributes.
type ExpectThat struct {
	Node
	Cond *Expr `parser:"\"that\" @@"`
}

func (*Use) decl()         {}
func (*Purpose) decl()     {}
func (*Timezone) decl()    {}
func (*Let) decl()         {}
func (*Default) decl()     {}
func (*Schema) decl()      {}
func (*Settings) decl()    {}
func (*Action) decl()      {}
func (*Roles) decl()       {}
func (*Badge) decl()       {}
func (*Admit) decl()       {}
func (*May) decl()         {}
func (*MustNot) decl()     {}
func (*First) decl()       {}
func (*Limit) decl()       {}
func (*Duty) decl()        {}
func (*Effect) decl()      {}
func (*Goal) decl()        {}
func (*When) decl()        {}
func (*Nudge) decl()       {}
func (*Offer) decl()       {}
func (*Test) decl()        {}
func (*May) whenDecl()     {}
func (*MustNot) whenDecl() {}
func (*First) whenDecl()   {}
func (*Limit) whenDecl()   {}
func (*Duty) whenDecl()    {}
func (*Nudge) whenDecl()   {}
func (*Offer) whenDecl()   {}

func (*Given) step()         {}
func (*GivenMembers) step()  {}
func (*GivenSettings) step() {}
func (*At) step()            {}
func (*Wait) step()          {}
func (*Do) step()            {}
func (*Review) step()        {}
func (*Update) step()        {}
func (*Expect) step()        {}

func (*ExpectDecision) expect() {}
func (*ExpectRole) expect()     {}
func (*ExpectBadge) expect()    {}
func (*ExpectDuty) expect()     {}
func (*ExpectMessage) expect()  {}
func (*ExpectGoal) expect()     {}
func (*ExpectAdmit) expect()    {}
func (*ExpectThat) expect()     {}
func (*ExpectSanction) expect() {}
