package gen

import (
	"fmt"
	"go/token"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
)

// GoName returns the exported Go identifier a Charter name becomes in
// generated code: each word of the snake_case name capitalized, as
// days_active -> DaysActive. A name whose first letter has no upper case
// is prefixed with X.
func GoName(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part == "" {
			continue
		}
		r, n := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[n:])
	}
	s := b.String()
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsUpper(r) {
		s = "X" + s
	}
	return s
}

// localName returns the unexported Go identifier of an action parameter:
// shot_on_product -> shotOnProduct; names the generated code uses itself
// (Go keywords and predeclared names, imported packages, helpers, the
// receiver and locals) take the suffix Arg.
func localName(name string) string {
	g := GoName(name)
	r, n := utf8.DecodeRuneInString(g)
	s := string(unicode.ToLower(r)) + g[n:]
	if reserved[s] || token.IsKeyword(s) || generatedVar.MatchString(s) {
		s += "Arg"
	}
	return s
}

// generatedVar matches the package variables of constant lists and patterns.
var generatedVar = regexp.MustCompile(`^(list|pattern)[0-9]+$`)

// reserved are the unexported identifiers generated code refers to inside
// a decision method, which a parameter must not shadow.
var reserved = func() map[string]bool {
	m := map[string]bool{
		// receiver, locals and parameters of the decision methods
		"m": true, "e": true, "d": true, "at": true, "goals": true,
		// imported packages
		"math": true, "regexp": true, "strconv": true, "strings": true, "time": true, "utf8": true,
		// package-level names
		"env": true, "history": true, "noTime": true, "keep": true, "off": true, "rules": true,
		"roleNames": true, "actionNames": true, "badgeNames": true, "defaultMember": true,
		"minTime": true, "maxTime": true, "formatDuration": true, "zone": true,
	}
	for _, name := range []string{
		"bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8",
		"int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
		"uintptr", "any", "comparable", "true", "false", "iota", "nil", "append", "cap", "clear",
		"close", "complex", "copy", "delete", "imag", "len", "make", "max", "min", "new", "panic",
		"print", "println", "real", "recover",
	} {
		m[name] = true
	}
	// The prelude's functions, nanos and the helpers among them.
	decls, _ := preludeDecls()
	for name := range decls {
		if !strings.Contains(name, ".") {
			m[name] = true
		}
	}
	return m
}()

// names holds the Go names of a community's declarations.
type names struct {
	attr        map[string]string // attribute name -> Member field
	action      []string          // by action index
	param       [][]string        // by action index and parameter slot: Go local
	paramField  [][]string        // by action index and parameter slot: Args field
	role        []string          // by rank: the constant's suffix
	badge       []string          // by badge index
	badgeMethod []string          // by badge index: env method
	goal        []string          // by goal index: Goals field
}

// declRange returns where a declaration is, for errors about it.
func declRange(c *check.Community, decl any) diag.Range {
	if n, ok := decl.(interface{ Range() diag.Range }); ok {
		if r := n.Range(); r.Start.IsValid() {
			return r
		}
	}
	return c.Decl.Name.Range()
}

// newNames names every declaration and reports the first two that would
// share a Go name.
func newNames(c *check.Community) (*names, error) {
	n := &names{attr: map[string]string{}}
	type owner struct {
		what string
		at   diag.Range
	}
	taken := map[string]owner{}
	claim := func(space, goName, what string, decl any) error {
		key := space + "." + goName
		at := declRange(c, decl)
		if o, dup := taken[key]; dup {
			return diag.Diagnostic{Severity: diag.Error, Code: diag.GoNameClash, Range: at,
				Message: fmt.Sprintf("%s and %s (%s) would both be the Go name %s", what, o.what, o.at.Start, goName)}
		}
		taken[key] = owner{what, at}
		return nil
	}
	// The generated package's own exported names.
	for _, s := range []string{"Member", "NewMember", "Role", "Badge", "BadgeSet", "Action", "Rule", "Sanction", "Decision", "Goals", "GoalValue", "Call"} {
		taken["pkg."+s] = owner{"the generated type " + s, c.Decl.Name.Range()}
	}
	for _, s := range []string{"Reset", "Record", "Done", "Role", "Badges", "Decide"} {
		taken["member."+s] = owner{"the method Member." + s, c.Decl.Name.Range()}
	}
	taken["goals.Members"] = owner{"the field Goals.Members", c.Decl.Name.Range()}
	taken["call.Action"] = owner{"the field Call.Action", c.Decl.Name.Range()}

	for _, a := range c.Attrs {
		g := GoName(a.Name)
		var decl any // an implicit attribute (warnings) has no declaration
		if a.Decl != nil {
			decl = a.Decl
		}
		if err := claim("member", g, "attribute "+a.Name, decl); err != nil {
			return nil, err
		}
		n.attr[a.Name] = g
	}
	for _, a := range c.Actions {
		g := GoName(a.Name)
		n.action = append(n.action, g)
		if err := claim("pkg", "Action"+g, "action "+a.Name, a.Decl); err != nil {
			return nil, err
		}
		if err := claim("member", "Decide"+g, "action "+a.Name, a.Decl); err != nil {
			return nil, err
		}
		locals := make([]string, len(a.Params))
		fields := make([]string, len(a.Params))
		seen := map[string]bool{}
		for _, p := range a.Params {
			locals[p.Slot], fields[p.Slot] = localName(p.Name), GoName(p.Name)
			if seen[fields[p.Slot]] || seen[locals[p.Slot]] {
				return nil, diag.Diagnostic{Severity: diag.Error, Code: diag.GoNameClash, Range: declRange(c, a.Decl),
					Message: fmt.Sprintf("two parameters of %s would both be the Go name %s", a.Name, fields[p.Slot])}
			}
			seen[fields[p.Slot]], seen[locals[p.Slot]] = true, true
		}
		n.param = append(n.param, locals)
		n.paramField = append(n.paramField, fields)
		if len(a.Params) > 0 {
			if err := claim("pkg", g+"Args", "action "+a.Name, a.Decl); err != nil {
				return nil, err
			}
			if err := claim("call", g, "action "+a.Name, a.Decl); err != nil {
				return nil, err
			}
		}
	}
	n.role = make([]string, len(c.Roles))
	for _, r := range c.Roles {
		g := GoName(r.Name)
		if err := claim("pkg", "Role"+g, "role "+r.Name, r.Decl); err != nil {
			return nil, err
		}
		n.role[r.Rank] = g
	}
	for _, b := range c.Badges {
		g := GoName(b.Name)
		if err := claim("pkg", "Badge"+g, "badge "+b.Name, b.Decl); err != nil {
			return nil, err
		}
		if err := claim("member", "HasBadge"+g, "badge "+b.Name, b.Decl); err != nil {
			return nil, err
		}
		n.badge = append(n.badge, g)
		n.badgeMethod = append(n.badgeMethod, "badge"+g)
	}
	for _, gl := range c.Goals {
		g := GoName(gl.Name)
		if err := claim("goals", g, "goal "+gl.Name, gl.Decl); err != nil {
			return nil, err
		}
		n.goal = append(n.goal, g)
	}
	return n, nil
}
