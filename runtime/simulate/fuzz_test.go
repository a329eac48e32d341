package simulate_test

import (
	"context"
	"os"
	"testing"

	"github.com/charterlang/charter/runtime/simulate"
)

// FuzzModel feeds ParseModel any bytes, and runs what it accepts for two
// days: a model is refused with an error or runs, and never panics.
func FuzzModel(f *testing.F) {
	for _, p := range []string{"../../examples/fanclub/model.json", "../../examples/exchange/model.json", "testdata/bench.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"members": {"initial": [{"count": 2, "attributes": {"posts": {"normal": [1e300, 1e300]}}}]}}`))
	f.Add([]byte(`{"behaviour": {"*": {"tip": {"per_day": 9999, "args": {"to": {"member": "leader"}, "amount": {"poisson": 1e6}}}}}}`))
	c := fanclub(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := simulate.ParseModel("m.json", data, c)
		if err != nil {
			return
		}
		// Bound the work a fuzzed model may ask for: a model of a
		// million members is valid, and slow.
		if tooBig(data) {
			return
		}
		simulate.Run(context.Background(), c, m, simulate.Options{Days: 2, Seed: 1})
	})
}

// tooBig reports whether a model asks for more members or tries than a
// fuzzing run should spend time on.
func tooBig(data []byte) bool {
	digits := 0
	for i, b := range data {
		if (b == 'e' || b == 'E') && i > 0 && data[i-1] >= '0' && data[i-1] <= '9' {
			return true // 1e6
		}
		if b >= '0' && b <= '9' {
			digits++
			if digits > 3 {
				return true
			}
		} else {
			digits = 0
		}
	}
	return false
}
