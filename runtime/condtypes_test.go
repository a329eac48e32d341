package runtime_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

// TestConditionTypesNeverPanic is TestEffectTypesNeverPanic's sibling for
// conditions: every binary operator between values of every type (the
// actor's attributes, another member's, me and a member parameter) in a
// rule condition and in a ternary inside an effect. None panicked when it
// was written; it keeps the checker and the evaluator in step. Whatever checks must
// decide and apply without a panic.
func TestConditionTypesNeverPanic(t *testing.T) {
	types := []struct{ name, typ string }{
		{"i", "int"}, {"f", "float"}, {"b", "bool"}, {"s", "string"}, {"t", "time"}, {"d", "duration"},
		{"li", "[]int"}, {"ls", "[]string"}, {"ld", "[]duration"},
	}
	schema := ""
	for i, ty := range types {
		if i > 0 {
			schema += "; "
		}
		schema += ty.name + ": " + ty.typ
	}
	operands := []string{"me", "to"}
	for _, ty := range types {
		operands = append(operands, ty.name, "to."+ty.name)
	}
	ops := []string{"==", "!=", "<", ">=", "+", "-", "*", "/", "%", "in", "contains", "??"}
	checked := 0
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, l := range operands {
		for _, op := range ops {
			for _, r := range operands {
				e := fmt.Sprintf("%s %s %s", l, op, r)
				for _, decl := range []string{
					"may act if " + e,
					"on act { i += (" + e + ") ? 1 : 0 }",
				} {
					src := fmt.Sprintf("community E {\n  member { %s }\n  action act(to: member)\n  may act\n  %s\n}\n", schema, decl)
					prog, err := runtime.CompileSource("e.charter", []byte(src))
					if err != nil {
						continue
					}
					checked++
					func() {
						defer func() {
							if p := recover(); p != nil {
								t.Errorf("%s: checks, and deciding or applying it panics: %v", decl, p)
							}
						}()
						c := prog.Community("E")
						s := runtime.NewState(c)
						for _, id := range []string{"ann", "bob"} {
							m, _ := c.Member(nil)
							if err := s.Join(id, m); err != nil {
								t.Fatal(err)
							}
						}
						for _, to := range []string{"ann", "bob"} {
							_, _ = s.Apply(t.Context(), "ann", "act", runtime.Args{"to": to}, at)
						}
					}()
				}
			}
		}
	}
	t.Logf("%d conditions checked", checked)
	if checked == 0 {
		t.Fatal("no condition checked: the table tests nothing")
	}
}
