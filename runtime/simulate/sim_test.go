package simulate_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/simulate"
)

func loadExample(t testing.TB, rules, community, model string) (*runtime.Community, *simulate.Model) {
	t.Helper()
	prog, err := runtime.CompileFiles(rules)
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community(community)
	if c == nil {
		t.Fatalf("no community %s", community)
	}
	m, err := simulate.ReadModel(model, c)
	if err != nil {
		t.Fatal(err)
	}
	return c, m
}

func TestFanclubRuns(t *testing.T) {
	c, m := loadExample(t, "../../examples/fanclub/fanclub.charter", "FanClub", "../../examples/fanclub/model.json")
	s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: 30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(s.Days[len(s.Days)-1], "", " ")
	t.Logf("%s\n%v", b, s.Transitions)
}
