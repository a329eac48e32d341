package runtime_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

// TestEffectTypesNeverPanic assigns, with every operator, a value of every
// type (an attribute, a parameter, a literal) to an attribute of every
// type. Whatever the checker accepts must apply, or fail with an error,
// through State.Apply: `tags = other` (a list assigned from a list) once
// checked and then panicked in the evaluator ("Int evaluator called on a
// []string expression").
func TestEffectTypesNeverPanic(t *testing.T) {
	types := []struct{ name, typ, lit string }{
		{"i", "int", "2"},
		{"f", "float", "1.5"},
		{"b", "bool", "true"},
		{"s", "string", `"x"`},
		{"t", "time", `now()`},
		{"d", "duration", "1h"},
		{"li", "[]int", "[1, 2]"},
		{"lf", "[]float", "[1.5]"},
		{"lb", "[]bool", "[true]"},
		{"ls", "[]string", `["x"]`},
		{"lt", "[]time", `[now()]`},
		{"ld", "[]duration", "[1h]"},
	}
	schema, params := "", ""
	for i, ty := range types {
		if i > 0 {
			schema += "; "
			params += ", "
		}
		schema += ty.name + ": " + ty.typ
		params += "p" + ty.name + ": " + ty.typ
	}
	checked, applied := 0, 0
	for _, target := range types {
		for _, op := range []string{"=", "+=", "-=", "*=", "/="} {
			for _, val := range types {
				for _, how := range []string{"attr", "param", "lit", "other", "me", "to", "empty"} {
					v := map[string]string{"attr": val.name, "param": "p" + val.name, "lit": val.lit, "other": "to." + val.name, "me": "me", "to": "to", "empty": "[]"}[how]
					lhs := target.name
					if how == "other" {
						lhs = "to." + target.name
					}
					src := fmt.Sprintf("community E {\n  member { %s }\n  action act(to: member, %s)\n  may act\n  on act { %s %s %s }\n}\n", schema, params, lhs, op, v)
					prog, err := runtime.CompileSource("e.charter", []byte(src))
					if err != nil {
						continue
					}
					checked++
					name := fmt.Sprintf("%s %s %s", lhs, op, v)
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("%s: checks, and State.Apply panics: %v", name, r)
							}
						}()
						c := prog.Community("E")
						s := runtime.NewState(c)
						for _, id := range []string{"ann", "bob"} {
							m, err := c.Member(nil)
							if err != nil {
								t.Fatal(err)
							}
							if err := s.Join(id, m); err != nil {
								t.Fatal(err)
							}
						}
						args := runtime.Args{"to": "bob"}
						at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
						for _, ty := range types {
							args["p"+ty.name] = map[string]any{
								"int": 2, "float": 1.5, "bool": true, "string": "x", "time": at, "duration": time.Hour,
								"[]int": []int64{1}, "[]float": []float64{1.5}, "[]bool": []bool{true}, "[]string": []string{"x"},
								"[]time": []time.Time{at}, "[]duration": []time.Duration{time.Hour},
							}[ty.typ]
						}
						if _, err := s.Apply(context.Background(), "ann", "act", args, at); err != nil {
							t.Logf("%s: %v", name, err)
							return
						}
						applied++
					}()
				}
			}
		}
	}
	t.Logf("%d effects checked, %d applied", checked, applied)
	if checked == 0 || applied == 0 {
		t.Fatalf("%d effects checked, %d applied: the table tests nothing", checked, applied)
	}
}
