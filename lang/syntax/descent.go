package syntax

import (
	"github.com/alecthomas/participle/v2"

	"github.com/charterlang/charter/lang/diag"
)

// descent reads the declaration grammar of ast.go by recursive descent,
// straight from the lexer's tokens. It is the parser of every file that
// parses: participle's reflection (a conversion for every node position,
// a copy of every token, a reflect.Value per capture) took most of the
// time of checking a large file (issue 16: a 2 MB file spent over half
// its 4 s in participle).
//
// It reads only what it can read the way participle does, and gives up
// (ok false from parseFile) at the first token it does not expect, or at
// any choice participle might make otherwise; Parse then parses the file
// again with participle, whose diagnostics and partial tree are the ones
// reported. So the grammar's tags stay the one definition of the syntax
// and of its errors, and a file that parses gets the tree participle
// would build, node for node and position for position: participle's
// grammar is a parsing expression grammar (ordered choice, greedy
// repetition, no backtracking into a choice made), which a parser that
// tries the same alternatives in the same order, deciding on the tokens
// that rule the earlier ones out, follows exactly. TestDescentAgrees and
// FuzzDescentAgrees hold the two to the same trees.
//
// Positions follow participle's: a node starts at its first token and
// ends where the token after its last one starts (a space, a comment or
// the next token: where the last token ends, as the tokens are
// contiguous).
type descent struct {
	text string  // the source the tokens are slices of
	toks []Token // every token, spaces and comments included
	next int     // index of the next token that is not a space or comment
	raw  int     // index just after the last token consumed
	eof  Token   // what peek returns past the last token
	stop Token   // the token descent gave up at
}

// bailout is the panic by which descent gives up; parseFile recovers it.
type bailout struct{}

// parseFile reads a whole file's communities, or reports that participle
// must (ok false).
func parseFile(text string, toks []Token, eof diag.Pos) (comms []*Community, ok bool, stop Token) {
	p := &descent{text: text, toks: toks, eof: Token{Type: EOF, Pos: eof}}
	p.skip()
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(bailout); !is {
				panic(r)
			}
			comms, ok, stop = nil, false, p.stop
		}
	}()
	// File: ( @@ ";"* )*
	for n := 0; p.is("community"); n++ {
		p.count(n)
		comms = append(comms, p.community())
		p.semicolons()
	}
	if p.peek().Type != EOF {
		p.fail()
	}
	return comms, true, Token{}
}

func (p *descent) fail() {
	p.stop = *p.peek()
	panic(bailout{})
}

// count gives up where participle's repetition limit would stop it: a
// group matched MaxIterations times is an error there.
func (p *descent) count(n int) {
	if n+1 >= participle.MaxIterations {
		p.fail()
	}
}

// skip moves next past spaces and comments from raw on.
func (p *descent) skip() {
	p.next = p.raw
	for p.next < len(p.toks) && (p.toks[p.next].Type == TokSpace || p.toks[p.next].Type == TokComment) {
		p.next++
	}
}

func (p *descent) peek() *Token {
	if p.next < len(p.toks) {
		return &p.toks[p.next]
	}
	return &p.eof
}

// peekAt returns the token k tokens after the next one, spaces and
// comments aside.
func (p *descent) peekAt(k int) *Token {
	i := p.next
	for ; i < len(p.toks); i++ {
		if t := p.toks[i].Type; t == TokSpace || t == TokComment {
			continue
		}
		if k == 0 {
			return &p.toks[i]
		}
		k--
	}
	return &p.eof
}

func (p *descent) consume() *Token {
	t := p.peek()
	if t.Type == EOF {
		p.fail()
	}
	p.raw = p.next + 1
	p.skip()
	return t
}

// is reports whether the next token is the literal v (of any type, as
// participle's untyped literals match).
func (p *descent) is(v string) bool {
	t := p.peek()
	return t.Type != EOF && t.Value == v
}

func (p *descent) isType(typ TokenType) bool { return p.peek().Type == typ }

func (p *descent) expect(v string) {
	if !p.is(v) {
		p.fail()
	}
	p.consume()
}

// accept consumes the literal v if it is next.
func (p *descent) accept(v string) bool {
	if p.is(v) {
		p.consume()
		return true
	}
	return false
}

// semicolons reads ";"*.
func (p *descent) semicolons() {
	for n := 0; p.is(";"); n++ {
		p.count(n)
		p.consume()
	}
}

// end is where the node just read ends: participle's RawPeek.
func (p *descent) end() diag.Pos {
	if p.raw < len(p.toks) {
		return p.toks[p.raw].Pos
	}
	return p.eof.Pos
}

// start is where the node about to be read starts: participle's Peek.
func (p *descent) start() diag.Pos { return p.peek().Pos }

func (p *descent) node(start diag.Pos) Node { return Node{Pos: start, EndPos: p.end()} }

// token reads one token of type typ.
func (p *descent) token(typ TokenType) *Token {
	if !p.isType(typ) {
		p.fail()
	}
	return p.consume()
}

func (p *descent) ident() *Ident {
	t := p.token(TokIdent)
	return &Ident{Node: Node{Pos: t.Pos, EndPos: p.end()}, Name: t.Value}
}

func (p *descent) stringLit() *StringLit {
	t := p.token(TokString)
	return &StringLit{Node: Node{Pos: t.Pos, EndPos: p.end()}, Raw: t.Value}
}

func (p *descent) intLit() *IntLit {
	t := p.token(TokInt)
	return &IntLit{Node: Node{Pos: t.Pos, EndPos: p.end()}, Raw: t.Value}
}

func (p *descent) durationLit() *DurationLit {
	t := p.token(TokDuration)
	return &DurationLit{Node: Node{Pos: t.Pos, EndPos: p.end()}, Raw: t.Value}
}

// optIdent reads @@? of an *Ident.
func (p *descent) optIdent() *Ident {
	if p.isType(TokIdent) {
		return p.ident()
	}
	return nil
}

// expr reads a required expression: Expr.Parse's extent, over the
// tokens directly.
func (p *descent) expr() *Expr {
	first := p.next
	if first >= len(p.toks) {
		p.fail()
	}
	depth := 0
	var prev *Token
	for {
		t := p.peek()
		if t.Type == EOF {
			break
		}
		if depth == 0 {
			if t.Type == TokPunct && exprStop[t.Value] || t.Type == TokIdent && stopWords[t.Value] {
				break
			}
			// The token after prev (a space, a comment or t) starts where prev ends.
			if prev != nil && t.Pos.Line > p.end().Line && !trailingOps[prev.Value] && !leadingOps[t.Value] {
				break
			}
		}
		if t.Type == TokPunct {
			if openers[t.Value] {
				depth++
				if depth > MaxDepth {
					p.fail()
				}
			} else if closers[t.Value] {
				depth--
			}
		}
		prev = p.consume()
	}
	if prev == nil {
		p.fail()
	}
	e := &Expr{Node: Node{Pos: p.toks[first].Pos, EndPos: p.end()}}
	e.Src = p.text[e.Pos.Offset:e.EndPos.Offset]
	e.Text = e.Src
	toks := p.toks[first:p.raw]
	for _, t := range toks {
		if t.Type == TokDuration {
			e.Text, e.inserts = insertDollars(len(toks), func(i int) (TokenType, string) {
				return toks[i].Type, toks[i].Value
			})
			break
		}
	}
	e.compile()
	return e
}

// optExpr reads ( kw @@ )? of an *Expr.
func (p *descent) optExpr(kw string) *Expr {
	if p.accept(kw) {
		return p.expr()
	}
	return nil
}

// because reads ( "because" @@ )?.
func (p *descent) because() *StringLit {
	if p.accept("because") {
		return p.stringLit()
	}
	return nil
}

// sanction reads ( "else" @@ )?.
func (p *descent) sanction() *Sanction {
	if !p.accept("else") {
		return nil
	}
	start := p.start()
	s := &Sanction{Name: p.ident()}
	if p.isType(TokDuration) {
		s.For = p.durationLit()
	}
	s.Node = p.node(start)
	return s
}

// identList reads @@ ( "," @@ )*.
func (p *descent) identList() []*Ident {
	ids := []*Ident{p.ident()}
	for n := 0; p.is(","); n++ {
		p.count(n)
		p.consume()
		ids = append(ids, p.ident())
	}
	return ids
}

func (p *descent) community() *Community {
	start := p.start()
	p.expect("community")
	c := &Community{Name: p.ident()}
	if p.accept("extends") {
		c.Extends = p.ident()
	}
	c.Decls = block(p, p.decl)
	c.Node = p.node(start)
	return c
}

// block reads `{ item ... }`: the items next reads until it returns nil
// (none starts here), each followed by any number of semicolons. The
// bodies of community, when and test.
func block[T comparable](p *descent, next func() T) []T {
	var none T
	var items []T
	p.expect("{")
	for n := 0; ; n++ {
		x := next()
		if x == none {
			break
		}
		p.count(n)
		items = append(items, x)
		p.semicolons()
	}
	p.expect("}")
	return items
}

// decl reads one of the Decl union, trying its members in participle's
// order; nil when none starts here.
func (p *descent) decl() Decl {
	switch t := p.peek(); {
	case t.Type != TokIdent:
		return nil
	case t.Value == "must":
		return p.must()
	case t.Value == "may":
		return p.may()
	case t.Value == "limit":
		return p.limit()
	case t.Value == "first":
		return p.first()
	case t.Value == "on":
		return p.effect()
	case t.Value == "badge":
		return p.badge()
	case t.Value == "let":
		return p.let()
	case t.Value == "use":
		return p.use()
	case t.Value == "purpose":
		return p.purpose()
	case t.Value == "timezone":
		return p.timezone()
	case t.Value == "default":
		return p.dflt()
	case t.Value == "member":
		return p.schema()
	case t.Value == "settings":
		return p.settings()
	case t.Value == "action":
		return p.action()
	case t.Value == "roles":
		return p.roles()
	case t.Value == "admit":
		return p.admit()
	case t.Value == "goal":
		return p.goal()
	case t.Value == "when":
		return p.when()
	case t.Value == "nudge":
		return p.nudge()
	case t.Value == "offer":
		return p.offer()
	case t.Value == "test":
		return p.test()
	}
	return nil
}

// whenDecl reads one of the WhenDecl union; nil when none starts here.
func (p *descent) whenDecl() WhenDecl {
	switch t := p.peek(); {
	case t.Type != TokIdent:
		return nil
	case t.Value == "must":
		return p.must().(WhenDecl)
	case t.Value == "may":
		return p.may()
	case t.Value == "limit":
		return p.limit()
	case t.Value == "first":
		return p.first()
	case t.Value == "nudge":
		return p.nudge()
	case t.Value == "offer":
		return p.offer()
	}
	return nil
}

// must reads MustNot, which participle tries first and which matches
// when "must" "not" is followed by a name, or else Duty.
func (p *descent) must() Decl {
	if p.peekAt(1).Value == "not" && p.peekAt(1).Type == TokIdent && p.peekAt(2).Type == TokIdent {
		start := p.start()
		p.consume()
		p.consume()
		d := &MustNot{Actions: p.identList()}
		d.Cond = p.optExpr("if")
		d.Because = p.because()
		d.Else = p.sanction()
		d.Node = p.node(start)
		return d
	}
	start := p.start()
	p.consume()
	d := &Duty{Action: p.ident(), Count: p.intLit()}
	p.expect("per")
	d.Calendar, d.Per = p.window()
	d.Cond = p.optExpr("if")
	d.Because = p.because()
	d.Else = p.sanction()
	d.Node = p.node(start)
	return d
}

func (p *descent) may() *May {
	start := p.start()
	p.consume()
	d := &May{Actions: p.identList()}
	d.Cond = p.optExpr("if")
	d.Because = p.because()
	d.Node = p.node(start)
	return d
}

func (p *descent) limit() *Limit {
	start := p.start()
	p.consume()
	d := &Limit{Action: p.ident(), Count: p.intLit()}
	p.expect("per")
	d.Calendar, d.Per = p.window()
	d.Cond = p.optExpr("if")
	d.Because = p.because()
	d.Else = p.sanction()
	d.Node = p.node(start)
	return d
}

func (p *descent) first() *First {
	start := p.start()
	p.consume()
	d := &First{Before: p.ident()}
	p.expect("then")
	d.Then = p.ident()
	d.Cond = p.optExpr("if")
	d.Because = p.because()
	d.Else = p.sanction()
	d.Node = p.node(start)
	return d
}

func (p *descent) effect() *Effect {
	start := p.start()
	p.consume()
	d := &Effect{Action: p.ident()}
	p.expect("{")
	for n := 0; p.isType(TokIdent); n++ {
		p.count(n)
		d.Assigns = append(d.Assigns, p.assign())
		p.semicolons()
	}
	p.expect("}")
	d.Node = p.node(start)
	return d
}

func (p *descent) assign() *Assign {
	start := p.start()
	a := &Assign{Target: p.ident()}
	if p.accept(".") {
		a.Field = p.ident()
	}
	switch t := p.peek(); t.Value {
	case "=", "+=", "-=", "*=", "/=":
		a.Op = p.consume().Value
	default:
		p.fail()
	}
	a.Value = p.expr()
	a.Node = p.node(start)
	return a
}

func (p *descent) badge() *Badge {
	start := p.start()
	p.consume()
	d := &Badge{Name: p.ident()}
	p.expect("if")
	d.Cond = p.expr()
	d.Node = p.node(start)
	return d
}

func (p *descent) let() *Let {
	start := p.start()
	p.consume()
	d := &Let{Name: p.ident()}
	p.expect("=")
	d.Cond = p.expr()
	d.Node = p.node(start)
	return d
}

func (p *descent) use() *Use {
	start := p.start()
	p.consume()
	d := &Use{Path: []*Ident{p.ident()}}
	for n := 0; p.is("."); n++ {
		p.count(n)
		p.consume()
		d.Path = append(d.Path, p.ident())
	}
	d.Node = p.node(start)
	return d
}

// window reads what follows "per": `calendar PERIOD` or a duration.
func (p *descent) window() (*Ident, *DurationLit) {
	if p.accept("calendar") {
		return p.ident(), nil
	}
	return nil, p.durationLit()
}

func (p *descent) timezone() *Timezone {
	start := p.start()
	p.consume()
	d := &Timezone{Name: p.stringLit()}
	d.Node = p.node(start)
	return d
}

func (p *descent) purpose() *Purpose {
	start := p.start()
	p.consume()
	d := &Purpose{Text: p.stringLit()}
	d.Node = p.node(start)
	return d
}

func (p *descent) dflt() *Default {
	start := p.start()
	p.consume()
	if !p.is("allow") && !p.is("deny") {
		p.fail()
	}
	d := &Default{Value: p.consume().Value}
	d.Node = p.node(start)
	return d
}

func (p *descent) schema() *Schema {
	start := p.start()
	p.consume()
	d := &Schema{Attrs: named(p, p.attr)}
	d.Node = p.node(start)
	return d
}

func (p *descent) settings() *Settings {
	start := p.start()
	p.consume()
	d := &Settings{Attrs: named(p, p.attr)}
	d.Node = p.node(start)
	return d
}

// named reads `{ item ... }` of items that start with a name (the
// attributes of member and settings, the fields of given and update), as
// many as there are names, parted by any number of , or ;: the grammar's
// "{" ( @@ ( "," | ";" )* )* "}".
func named[T any](p *descent, next func() T) []T {
	p.expect("{")
	var items []T
	for n := 0; p.isType(TokIdent); n++ {
		p.count(n)
		items = append(items, next())
		for m := 0; p.is(",") || p.is(";"); m++ {
			p.count(m)
			p.consume()
		}
	}
	p.expect("}")
	return items
}

func (p *descent) attr() *Attr {
	start := p.start()
	a := &Attr{Name: p.ident()}
	p.expect(":")
	a.Type = p.typeRef()
	// A "required" followed by ":" is the next attribute's name, as the
	// grammar's negative lookahead says.
	if p.is("required") && p.peekAt(1).Value != ":" {
		p.consume()
		a.Required = true
	}
	a.Default = p.optExpr("=")
	a.Node = p.node(start)
	return a
}

func (p *descent) typeRef() *TypeRef {
	start := p.start()
	t := &TypeRef{}
	if p.accept("[") {
		p.expect("]")
		t.List = true
	}
	t.Name = p.ident()
	t.Node = p.node(start)
	return t
}

func (p *descent) action() *Action {
	start := p.start()
	p.consume()
	d := &Action{Name: p.ident()}
	p.expect("(")
	if p.isType(TokIdent) {
		d.Params = append(d.Params, p.param())
		for n := 0; p.is(",") && p.peekAt(1).Type == TokIdent; n++ {
			p.count(n)
			p.consume()
			d.Params = append(d.Params, p.param())
		}
		p.accept(",")
	}
	p.expect(")")
	d.Node = p.node(start)
	return d
}

func (p *descent) param() *Param {
	start := p.start()
	d := &Param{Name: p.ident()}
	p.expect(":")
	d.Type = p.typeRef()
	d.Node = p.node(start)
	return d
}

func (p *descent) roles() *Roles {
	start := p.start()
	p.consume()
	p.expect("{")
	d := &Roles{}
	for n := 0; p.isType(TokIdent); n++ {
		p.count(n)
		d.Rungs = append(d.Rungs, p.rung())
		p.accept(";")
	}
	p.expect("}")
	d.Node = p.node(start)
	return d
}

func (p *descent) rung() *Rung {
	start := p.start()
	r := &Rung{Name: p.ident()}
	switch {
	case p.accept("if"):
		r.Cond = p.expr()
	case p.accept("otherwise"):
		r.Otherwise = true
	default:
		p.fail()
	}
	r.Node = p.node(start)
	return r
}

func (p *descent) admit() *Admit {
	start := p.start()
	p.consume()
	p.expect("if")
	d := &Admit{Cond: p.expr()}
	d.Node = p.node(start)
	return d
}

func (p *descent) goal() *Goal {
	start := p.start()
	p.consume()
	d := &Goal{Name: p.ident()}
	if p.isType(TokString) {
		d.Title = p.stringLit()
	}
	p.expect("{")
	for n := 0; p.is("measure") || p.is("target"); n++ {
		p.count(n)
		d.Items = append(d.Items, p.goalItem())
		p.semicolons()
	}
	p.expect("}")
	d.Node = p.node(start)
	return d
}

func (p *descent) goalItem() *GoalItem {
	start := p.start()
	g := &GoalItem{}
	if p.accept("measure") {
		g.Measure = p.expr()
	} else {
		p.expect("target")
		switch p.peek().Value {
		case ">=", "<=", ">", "<", "==":
			g.Op = p.consume().Value
		default:
			p.fail()
		}
		g.Target = p.expr()
	}
	g.Node = p.node(start)
	return g
}

func (p *descent) when() *When {
	start := p.start()
	p.consume()
	d := &When{Cond: p.expr()}
	d.Decls = block(p, p.whenDecl)
	d.Node = p.node(start)
	return d
}

func (p *descent) nudge() *Nudge {
	start := p.start()
	p.consume()
	d := &Nudge{To: p.optIdent(), Text: p.stringLit()}
	d.Node = p.node(start)
	return d
}

func (p *descent) offer() *Offer {
	start := p.start()
	p.consume()
	d := &Offer{To: p.optIdent(), Text: p.stringLit()}
	d.Node = p.node(start)
	return d
}

func (p *descent) test() *Test {
	start := p.start()
	p.consume()
	d := &Test{Name: p.stringLit()}
	d.Steps = block(p, p.step)
	d.Node = p.node(start)
	return d
}

// step reads one of the Step union; nil when none starts here.
func (p *descent) step() Step {
	t := p.peek()
	if t.Type != TokIdent {
		return nil
	}
	start := p.start()
	switch t.Value {
	case "given":
		switch p.peekAt(1).Value {
		case "member":
			p.consume()
			p.consume()
			s := &Given{Name: p.optIdent()}
			s.Fields = named(p, p.field)
			if p.accept("did") {
				s.Did = append(s.Did, p.did())
				for n := 0; p.is(","); n++ {
					p.count(n)
					p.consume()
					s.Did = append(s.Did, p.did())
				}
			}
			s.Node = p.node(start)
			return s
		case "members":
			p.consume()
			p.consume()
			s := &GivenMembers{Count: p.intLit()}
			s.Fields = named(p, p.field)
			s.Node = p.node(start)
			return s
		case "settings":
			p.consume()
			p.consume()
			s := &GivenSettings{Fields: named(p, p.field)}
			s.Node = p.node(start)
			return s
		}
		p.fail()
	case "at":
		p.consume()
		s := &At{Time: p.stringLit()}
		s.Node = p.node(start)
		return s
	case "wait":
		p.consume()
		s := &Wait{For: p.durationLit()}
		s.Node = p.node(start)
		return s
	case "do", "try":
		s := &Do{Try: p.consume().Value == "try"}
		s.Actor = p.actor()
		s.Call = p.call()
		if p.accept("times") {
			s.Times = p.intLit()
		}
		s.Node = p.node(start)
		return s
	case "review":
		p.consume()
		s := &Review{Review: true}
		s.Node = p.node(start)
		return s
	case "update":
		p.consume()
		s := &Update{Name: p.optIdent()}
		s.Fields = named(p, p.field)
		s.Node = p.node(start)
		return s
	case "expect":
		p.consume()
		s := &Expect{Actor: p.actor()}
		s.Body = p.expectBody()
		s.Node = p.node(start)
		return s
	}
	return nil
}

// actor reads ( @@ ":" )?: a given member's name before a call or an
// expectation, told apart by the colon after it.
func (p *descent) actor() *Ident {
	if p.isType(TokIdent) && p.peekAt(1).Type == TokPunct && p.peekAt(1).Value == ":" {
		id := p.ident()
		p.expect(":")
		return id
	}
	return nil
}

// did reads one Did: action "at" "time".
func (p *descent) did() *Did {
	start := p.start()
	d := &Did{Action: p.ident()}
	p.expect("at")
	d.At = p.stringLit()
	d.Node = p.node(start)
	return d
}

func (p *descent) field() *Field {
	start := p.start()
	f := &Field{Name: p.ident()}
	p.expect(":")
	f.Value = p.expr()
	f.Node = p.node(start)
	return f
}

func (p *descent) call() *Call {
	start := p.start()
	c := &Call{Action: p.ident()}
	p.expect("(")
	if p.isType(TokIdent) {
		c.Args = append(c.Args, p.field())
		for n := 0; p.is(",") && p.peekAt(1).Type == TokIdent; n++ {
			p.count(n)
			p.consume()
			c.Args = append(c.Args, p.field())
		}
		p.accept(",")
	}
	p.expect(")")
	c.Node = p.node(start)
	return c
}

// expectBody reads one of the ExpectBody union; the members that may
// start with "no" are told apart by the token after it.
func (p *descent) expectBody() ExpectBody {
	start := p.start()
	kw := p.peek().Value
	no := kw == "no" && p.isType(TokIdent)
	if no {
		kw = p.peekAt(1).Value
	}
	switch kw {
	case "allow", "deny":
		if no {
			p.fail()
		}
		b := &ExpectDecision{Verdict: p.consume().Value}
		b.Call = p.call()
		b.Because = p.because()
		b.Else = p.sanction()
		b.Node = p.node(start)
		return b
	case "role":
		if no {
			p.fail()
		}
		p.consume()
		b := &ExpectRole{Role: p.ident()}
		b.Node = p.node(start)
		return b
	case "badge":
		p.accept("no")
		p.consume()
		b := &ExpectBadge{No: no, Badge: p.ident()}
		b.Node = p.node(start)
		return b
	case "duty":
		p.accept("no")
		p.consume()
		b := &ExpectDuty{No: no, Action: p.ident()}
		b.Because = p.because()
		b.Else = p.sanction()
		b.Node = p.node(start)
		return b
	case "message":
		p.accept("no")
		p.consume()
		b := &ExpectMessage{No: no, Text: p.stringLit()}
		b.Node = p.node(start)
		return b
	case "goal":
		if no {
			p.fail()
		}
		p.consume()
		b := &ExpectGoal{Goal: p.ident()}
		if !p.is("met") && !p.is("unmet") {
			p.fail()
		}
		b.State = p.consume().Value
		b.Node = p.node(start)
		return b
	case "admit":
		p.accept("no")
		p.consume()
		b := &ExpectAdmit{No: no, Admit: true}
		b.Node = p.node(start)
		return b
	case "sanction":
		p.accept("no")
		p.consume()
		b := &ExpectSanction{No: no, Sanction: p.ident()}
		b.Node = p.node(start)
		return b
	case "that":
		if no {
			p.fail()
		}
		p.consume()
		b := &ExpectThat{Cond: p.expr()}
		b.Node = p.node(start)
		return b
	}
	p.fail()
	return nil
}
