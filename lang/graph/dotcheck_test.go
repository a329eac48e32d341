package graph

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkDOT parses src by Graphviz's DOT grammar (graphviz.org/doc/info/
// lang.html), lexing quoted strings as Graphviz's scanner does, and checks
// what the grammar cannot: every edge joins declared nodes, every
// attribute is one Graphviz knows, every lhead and ltail names a cluster.
// It is how the tests hold the DOT valid without Graphviz installed.
func checkDOT(t *testing.T, src string) {
	t.Helper()
	for _, err := range dotErrors(src) {
		t.Errorf("%v\n%s", err, src)
	}
}

func dotErrors(src string) []error {
	p := &dotParser{nodes: map[string]bool{}, clusters: map[string]bool{}}
	if err := p.lex(src); err != nil {
		return []error{fmt.Errorf("DOT does not lex: %v", err)}
	}
	if err := p.graph(); err != nil {
		return []error{fmt.Errorf("DOT does not parse: %v", err)}
	}
	var errs []error
	for _, e := range p.edges {
		if !p.nodes[e[0]] || !p.nodes[e[1]] {
			errs = append(errs, fmt.Errorf("edge %s -> %s joins an undeclared node", e[0], e[1]))
		}
	}
	for _, c := range p.tails {
		if !p.clusters[c] {
			errs = append(errs, fmt.Errorf("lhead or ltail %q names no cluster", c))
		}
	}
	return errs
}

type dotTok struct {
	kind string // "id", "punct"
	val  string // an id's value, unquoted
}

type dotParser struct {
	toks     []dotTok
	i        int
	nodes    map[string]bool
	clusters map[string]bool
	edges    [][2]string
	tails    []string
}

var dotAttrs = map[string]bool{
	"label": true, "color": true, "fontcolor": true, "style": true, "shape": true,
	"weight": true, "constraint": true, "lhead": true, "ltail": true, "compound": true,
	"rankdir": true, "newrank": true, "fontname": true, "labelloc": true, "fontsize": true,
}

func (p *dotParser) lex(s string) error {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			s = s[n:]
		case strings.HasPrefix(s, "->"):
			p.toks = append(p.toks, dotTok{"punct", "->"})
			s = s[2:]
		case strings.ContainsRune("{}[];,=:", r):
			p.toks = append(p.toks, dotTok{"punct", string(r)})
			s = s[1:]
		case r == '"':
			var b strings.Builder
			j := 1
			for {
				if j >= len(s) {
					return fmt.Errorf("unterminated string")
				}
				if s[j] == '"' {
					break
				}
				if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
					b.WriteByte(s[j])
					b.WriteByte(s[j+1])
					j += 2
					continue
				}
				if s[j] == '\n' {
					return fmt.Errorf("line break inside a string")
				}
				b.WriteByte(s[j])
				j++
			}
			p.toks = append(p.toks, dotTok{"id", b.String()})
			s = s[j+1:]
		case r == '_' || r >= 0x80 || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '.':
			j := 0
			for j < len(s) {
				c, m := utf8.DecodeRuneInString(s[j:])
				if !(c == '_' || c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' && j == 0) {
					break
				}
				j += m
			}
			p.toks = append(p.toks, dotTok{"id", s[:j]})
			s = s[j:]
		default:
			return fmt.Errorf("unexpected %q", r)
		}
	}
	return nil
}

func (p *dotParser) peek() dotTok {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return dotTok{"eof", ""}
}

func (p *dotParser) next() dotTok { t := p.peek(); p.i++; return t }

func (p *dotParser) punct(v string) bool {
	if t := p.peek(); t.kind == "punct" && t.val == v {
		p.i++
		return true
	}
	return false
}

func (p *dotParser) want(v string) error {
	if !p.punct(v) {
		return fmt.Errorf("want %q at token %d, got %q", v, p.i, p.peek().val)
	}
	return nil
}

func (p *dotParser) graph() error {
	if t := p.next(); t.kind != "id" || t.val != "digraph" {
		return fmt.Errorf("want digraph, got %q", t.val)
	}
	if p.peek().kind == "id" {
		p.next()
	}
	if err := p.want("{"); err != nil {
		return err
	}
	if err := p.stmts(); err != nil {
		return err
	}
	if err := p.want("}"); err != nil {
		return err
	}
	if p.i != len(p.toks) {
		return fmt.Errorf("tokens after the graph")
	}
	return nil
}

func (p *dotParser) stmts() error {
	for {
		t := p.peek()
		if t.kind == "punct" && t.val == "}" || t.kind == "eof" {
			return nil
		}
		if err := p.stmt(); err != nil {
			return err
		}
		p.punct(";")
	}
}

func (p *dotParser) stmt() error {
	t := p.next()
	if t.kind != "id" {
		return fmt.Errorf("want a statement, got %q", t.val)
	}
	switch t.val {
	case "graph", "node", "edge":
		return p.attrList(true)
	case "subgraph":
		name := p.next()
		if name.kind != "id" {
			return fmt.Errorf("subgraph without a name")
		}
		p.clusters[name.val] = true
		if err := p.want("{"); err != nil {
			return err
		}
		if err := p.stmts(); err != nil {
			return err
		}
		return p.want("}")
	}
	if p.punct("=") {
		if !dotAttrs[t.val] {
			return fmt.Errorf("unknown graph attribute %q", t.val)
		}
		if v := p.next(); v.kind != "id" {
			return fmt.Errorf("attribute %s without a value", t.val)
		}
		return nil
	}
	from := t.val
	if p.punct("->") {
		to := p.next()
		if to.kind != "id" {
			return fmt.Errorf("edge without a head")
		}
		p.edges = append(p.edges, [2]string{from, to.val})
		if p.peek().val == "[" {
			return p.attrList(false)
		}
		return nil
	}
	p.nodes[from] = true
	if p.peek().val == "[" {
		return p.attrList(false)
	}
	return nil
}

func (p *dotParser) attrList(required bool) error {
	if !p.punct("[") {
		if required {
			return fmt.Errorf("want an attribute list")
		}
		return nil
	}
	for !p.punct("]") {
		k := p.next()
		if k.kind != "id" || !dotAttrs[k.val] {
			return fmt.Errorf("unknown attribute %q", k.val)
		}
		if err := p.want("="); err != nil {
			return err
		}
		v := p.next()
		if v.kind != "id" {
			return fmt.Errorf("attribute %s without a value", k.val)
		}
		if k.val == "lhead" || k.val == "ltail" {
			p.tails = append(p.tails, v.val)
		}
		if !p.punct(",") {
			p.punct(";")
		}
	}
	return nil
}

// The checker itself refuses what Graphviz refuses, and what would be a
// mistake of WriteDOT.
func TestCheckDOTRefuses(t *testing.T) {
	if errs := dotErrors(`digraph "x" { graph [label="a \\ \"b\""]; "a" [label="a"]; "a" -> "a"; }`); len(errs) > 0 {
		t.Errorf("a good graph refused: %v", errs)
	}
	for _, bad := range []string{
		`digraph "x" { "a" [label="unterminated]; }`,
		`digraph "x" { "a" [label="a\"]; }`,
		`digraph "x" { "a" -> "b"; }`,
		`digraph "x" { "a" [labl="x"]; }`,
		`digraph "x" { "a" [label="a" "b"]; }`,
		`digraph "x" { "a"; "a" -> "a" [lhead="cluster_none"]; }`,
		`digraph "x" { "a" [label="a"]; `,
		`digraph "x" { "a" [label="a
b"]; }`,
	} {
		if len(dotErrors(bad)) == 0 {
			t.Errorf("accepted %s", bad)
		}
	}
}
