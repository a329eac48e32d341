package fuzz

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
)

// FuzzCheckedRuns checks that in a file that checks without errors (the
// checker's, then the evaluator's CH0120, as charter check runs both)
// every action of every community decides and applies in a live state of
// two members, each argument a value of its parameter's type (a member
// argument naming the actor, then the other member), without a panic. An effect assigning a list used to check and then panic in
// State.Apply; this target looks for the next such gap between the
// checker and the evaluator.
func FuzzCheckedRuns(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cp, cds, ok := checkSource(src)
		if !ok || cds.HasErrors() {
			return
		}
		prog, err := runtime.Compile(cp)
		if err != nil {
			// What the checker leaves to the evaluator (a constant divisor
			// of 0, a list compared with []) is reported here, as charter
			// check reports it: CH0120 at a position.
			var ds diag.List
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("compiling a checked program: %v, not a diagnostic", err)
			}
			return
		}
		ctx := context.Background()
	communities:
		for _, cc := range cp.Communities {
			c := prog.Community(cc.Name)
			s := runtime.NewState(c, runtime.MaxSkew(-1))
			// Defaults, and a value for each required attribute, which a
			// record must give (SPEC §6.4).
			vals := map[string]any{}
			for _, at := range cc.Attrs {
				if at.Required {
					vals[at.Name] = argOf(at.Type, "")
				}
			}
			for _, id := range []string{"a", "b"} {
				m, err := c.Member(vals)
				if err != nil {
					t.Fatalf("%s: a member of defaults: %v", cc.Name, err)
				}
				if err := s.JoinAt(id, m, t0); errors.Is(err, runtime.ErrNotAdmitted) {
					continue communities // its admit refuses a member of defaults
				} else if err != nil {
					t.Fatal(err)
				}
			}
			for _, a := range cc.Actions {
				for _, other := range []string{"a", "b"} {
					args := runtime.Args{}
					for _, p := range a.Params {
						args[p.Name] = argOf(p.Type, other)
					}
					if _, err := s.Decide("a", a.Name, args, t0); err != nil {
						t.Fatalf("%s: decide %s%v: %v", cc.Name, a.Name, args, err)
					}
					_, _ = s.Apply(ctx, "a", a.Name, args, t0) // an effect may fail; it must not panic
				}
			}
		}
	})
}

// argOf is a value of type t for an argument; member arguments name id.
func argOf(t check.Type, id string) any {
	switch t.Kind {
	case check.Int:
		return 1
	case check.Float:
		return 0.5
	case check.Bool:
		return true
	case check.String:
		return "x"
	case check.Time:
		return t0
	case check.Duration:
		return time.Hour
	case check.Member:
		return id
	case check.List:
		switch t.Elem {
		case check.Float:
			return []float64{0.5}
		case check.Bool:
			return []bool{true}
		case check.String:
			return []string{"x"}
		case check.Time:
			return []time.Time{t0}
		case check.Duration:
			return []time.Duration{time.Hour}
		}
		return []int64{1}
	}
	return nil
}
