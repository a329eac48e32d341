package simulate_test

import (
	"context"
	"testing"

	"github.com/charterlang/charter/runtime/simulate"
)

// TestExampleModels runs the model of each seed example for a few days,
// so that CI keeps the models in step with their rule files.
func TestExampleModels(t *testing.T) {
	for _, ex := range []struct{ rules, community, model string }{
		{"../../examples/fanclub/fanclub.charter", "FanClub", "../../examples/fanclub/model.json"},
		{"../../examples/wechat-group/wechat_group.charter", "WeChatGroup", "../../examples/wechat-group/model.json"},
		{"../../examples/exchange/exchange.charter", "Exchange", "../../examples/exchange/model.json"},
	} {
		t.Run(ex.community, func(t *testing.T) {
			c, m := loadExample(t, ex.rules, ex.community, ex.model)
			s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: 14, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			last := s.Days[len(s.Days)-1]
			allowed := 0
			for _, d := range s.Days {
				allowed += d.Allowed
			}
			if last.Members == 0 || allowed == 0 {
				t.Errorf("after 14 days: %d members, %d actions allowed", last.Members, allowed)
			}
		})
	}
}
