package runtime

import "testing"

// SPEC §10.6: progress is 1 exactly when the goal is met.
func TestProgressIsOneOnlyWhenMet(t *testing.T) {
	for _, tc := range []struct {
		op            string
		value, target float64
		met           bool
		progress      float64
	}{
		{">=", 3, 2, true, 1},
		{">=", 1, 2, false, 0.5},
		{">=", 149.99, 150, false, unmetProgress},
		{">", 2, 2, false, unmetProgress}, // ratio 1, not met
		{">", 0, 0, false, 0},
		{">=", -1, 2, false, 0},
		{"<=", 15, 150, true, 1},
		{"<=", 300, 150, false, 0.5},
		{"<", 150, 150, false, unmetProgress},
		{"<", 0, 0, false, 0},
		{"==", 2, 2, true, 1},
		{"==", 1.5, 2, false, 0},
	} {
		g := GoalValue{Op: tc.op, Value: tc.value, Target: tc.target}
		g.evaluate()
		if g.Met != tc.met || g.Progress != tc.progress {
			t.Errorf("%g %s %g: met %v progress %v, want met %v progress %v", tc.value, tc.op, tc.target, g.Met, g.Progress, tc.met, tc.progress)
		}
		if !g.Met && g.Progress >= 1 {
			t.Errorf("%g %s %g: unmet with progress %v", tc.value, tc.op, tc.target, g.Progress)
		}
	}
}
