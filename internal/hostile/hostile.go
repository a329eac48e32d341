// Package hostile generates rule files shaped to make a checker or compiler
// do as much work as SPEC §13's limits allow: long extends chains, wide
// stars of children, tens of thousands of attributes, near-miss unknown
// names and hundreds of thousands of diagnostics. Tests of lang/check,
// lang/diag and runtime hold these shapes to bounded work, and
//
//	go run ./internal/hostile/cmd/hostile -o DIR
//
// writes them out for timing `charter check` by hand (SPEC/BENCHMARKS.md).
package hostile

import (
	"fmt"
	"strings"
)

// Shape is one generated file.
type Shape struct {
	Name string // a file name, NAME.charter
	Src  []byte
}

// All returns every shape at the size the review of issue 16 used, and
// the largest chains and stars within MaxTotalDecls (chain190, star190,
// chaindecl): chain and star exceed it and are refused (CH0014).
func All() []Shape {
	return []Shape{
		{"chain", Chain(5000, 1000)},
		{"chain190", Chain(5000, 190)},
		{"chaindecl", ChainDeclaring(5000, 180)},
		{"star", Star(5000, 1000)},
		{"star190", Star(5000, 190)},
		{"widechain", WideChain(40, 1000)},
		{"attrs", Attrs(60000, 9000, false)},
		{"nearmiss", Attrs(60000, 9000, true)},
		{"params", Params(60000, 3000)},
		{"attrschain", AttrsChain(60000, 9000, 13)},
		{"rungs", Rungs(95000)},
		{"diags", UnusedAttrs(174000)},
	}
}

// root writes a community Root with rules rules on one action, each
// reading one of two attributes.
func root(b *strings.Builder, rules int) {
	b.WriteString("community Root {\n  member {\n    a: int\n    b: int\n  }\n  action post()\n")
	for i := range rules {
		fmt.Fprintf(b, "  may post if a > %d || b < %d\n", i, i)
	}
	b.WriteString("}\n")
}

// Chain is Root with rules rules and a chain of children empty
// communities, each extending the one before.
func Chain(rules, children int) []byte {
	var b strings.Builder
	root(&b, rules)
	parent := "Root"
	for i := range children {
		name := fmt.Sprintf("C%d", i)
		fmt.Fprintf(&b, "community %s extends %s {}\n", name, parent)
		parent = name
	}
	return []byte(b.String())
}

// ChainDeclaring is Chain where each child declares a name of its own (an
// attribute, and a badge and a rule reading it), so that no child sees
// its names exactly as its parent does.
func ChainDeclaring(rules, children int) []byte {
	var b strings.Builder
	root(&b, rules)
	parent := "Root"
	for i := range children {
		name := fmt.Sprintf("C%d", i)
		fmt.Fprintf(&b, "community %s extends %s {\n  member {\n    c%d: int\n  }\n  badge k%d if c%d > 1\n  may post if k%d\n}\n", name, parent, i, i, i, i)
		parent = name
	}
	return []byte(b.String())
}

// Star is Root with rules rules and children empty communities that all
// extend it.
func Star(rules, children int) []byte {
	var b strings.Builder
	root(&b, rules)
	for i := range children {
		fmt.Fprintf(&b, "community C%d extends Root {}\n", i)
	}
	return []byte(b.String())
}

// WideChain is Root with rules rules of about 1,990 expression nodes each
// (just under MaxExprNodes), and a chain of children empty communities.
func WideChain(rules, children int) []byte {
	var b strings.Builder
	b.WriteString("community Root {\n  member {\n    a: int\n  }\n  action post()\n")
	for i := range rules {
		b.WriteString("  may post if a > 0")
		// Each "|| a > N" adds four nodes (||, >, a, N).
		for j := range 497 {
			fmt.Fprintf(&b, " || a > %d", i+j)
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	parent := "Root"
	for i := range children {
		name := fmt.Sprintf("C%d", i)
		fmt.Fprintf(&b, "community %s extends %s {}\n", name, parent)
		parent = name
	}
	return []byte(b.String())
}

// attrName is the name of attribute i: every name has the same length, so
// that no length test rules a candidate out of a did-you-mean search.
func attrName(i int) string { return fmt.Sprintf("a%05d", i) }

// Attrs is one community with attrs int attributes and rules rules, rule i
// reading attribute i (modulo attrs). With nearMiss, every rule instead
// reads a distinct unknown name one letter away from an attribute's, so
// that each is an error whose did-you-mean search meets every attribute.
func Attrs(attrs, rules int, nearMiss bool) []byte {
	var b strings.Builder
	b.WriteString("community Wide {\n  member {\n")
	for i := range attrs {
		fmt.Fprintf(&b, "    %s: int\n", attrName(i))
	}
	b.WriteString("  }\n  action post()\n")
	for i := range rules {
		name := attrName(i % attrs)
		if nearMiss {
			name = "b" + name[1:]
		}
		fmt.Fprintf(&b, "  may post if %s > 0\n", name)
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// AttrsChain is Attrs (without near-miss names) followed by a chain of
// children, each declaring an attribute, a badge reading it and a rule
// reading the badge: every child has all the attributes in scope and
// names of its own.
func AttrsChain(attrs, rules, children int) []byte {
	var b strings.Builder
	b.Write(Attrs(attrs, rules, false))
	parent := "Wide"
	for i := range children {
		name := fmt.Sprintf("K%d", i)
		fmt.Fprintf(&b, "community %s extends %s {\n  member {\n    k%d: int\n  }\n  badge bk%d if k%d > 1\n  may post if bk%d\n}\n", name, parent, i, i, i, i)
		parent = name
	}
	return []byte(b.String())
}

// Params is one community with attrs int attributes and actions actions,
// each with parameters of its own names (a member and an int), a rule
// reading the int and an effect reading the member's attribute: no two
// rules or effects see the same parameters.
func Params(attrs, actions int) []byte {
	var b strings.Builder
	b.WriteString("community Params {\n  member {\n")
	for i := range attrs {
		fmt.Fprintf(&b, "    %s: int\n", attrName(i))
	}
	b.WriteString("  }\n")
	for i := range actions {
		a := attrName(i % attrs)
		fmt.Fprintf(&b, "  action t%d(p%d: member, n%d: int)\n", i, i, i)
		fmt.Fprintf(&b, "  may t%d if n%d > %s\n", i, i, a)
		fmt.Fprintf(&b, "  on t%d { %s = p%d.%s }\n", i, a, i, a)
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// Rungs is one community whose ladder has n rungs, each reading an
// attribute, with a rule, a badge and a nudge reading the ladder.
func Rungs(n int) []byte {
	var b strings.Builder
	b.WriteString("community Ladder {\n  member {\n    a: int\n  }\n  action post()\n  roles {\n")
	for i := range n {
		fmt.Fprintf(&b, "r%d if a>%d\n", i, n-i)
	}
	b.WriteString("    base otherwise\n  }\n  may post if role >= r5\n  badge top if role >= r7\n  nudge top \"hi\"\n}\n")
	return []byte(b.String())
}

// UnusedAttrs is one community with n attributes that nothing reads: one
// lint warning each, every one with a source excerpt to print.
func UnusedAttrs(n int) []byte {
	var b strings.Builder
	b.WriteString("community Unused {\n  member {\n")
	for i := range n {
		fmt.Fprintf(&b, "%s:int\n", attrName(i))
	}
	b.WriteString("  }\n}\n")
	return []byte(b.String())
}
