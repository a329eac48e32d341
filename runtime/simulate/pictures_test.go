package simulate_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/charterlang/charter/runtime/simulate"
	"github.com/charterlang/charter/runtime/simulate/report"
)

var update = flag.Bool("update", false, "rewrite the examples' simulation pictures")

// TestExamplePictures holds the pictures in the examples' READMEs to what
// their models give now: each example's model run for 180 days with seed
// 1, drawn by report.Charts. go test ./runtime/simulate -run
// TestExamplePictures -update rewrites them.
func TestExamplePictures(t *testing.T) {
	if testing.Short() {
		t.Skip("180 days of three communities")
	}
	// From the repository's root, as the READMEs run charter simulate, so
	// that the rule labels in the pictures read as they do there.
	t.Chdir(filepath.Join("..", ".."))
	for _, ex := range []struct {
		dir, rules, community string
		charts                []string
	}{
		{"fanclub", "fanclub.charter", "FanClub", []string{"roles", "transitions"}},
		{"wechat-group", "wechat_group.charter", "WeChatGroup", []string{"roles", "denials"}},
		{"exchange", "exchange.charter", "Exchange", []string{"goals", "roles"}},
	} {
		t.Run(ex.dir, func(t *testing.T) {
			dir := filepath.Join("examples", ex.dir)
			c, m := loadExample(t, filepath.Join(dir, ex.rules), ex.community, filepath.Join(dir, "model.json"))
			s, err := simulate.Run(context.Background(), c, m, simulate.Options{
				Days: 180, Seed: 1,
				Rules: dir, Model: filepath.Join(dir, "model.json"),
			})
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string][]byte{}
			for _, ch := range report.Charts(s) {
				byName[ch.Name] = ch.SVG
			}
			for _, name := range ex.charts {
				svg, ok := byName[name]
				if !ok {
					t.Fatalf("report.Charts has no chart %q", name)
				}
				path := filepath.Join(dir, "simulation-"+name+".svg")
				if *update {
					if err := os.WriteFile(path, svg, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				old, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (go test ./runtime/simulate -run TestExamplePictures -update writes it)", err)
				}
				if !bytes.Equal(old, svg) {
					t.Errorf("%s is not what the model draws now: go test ./runtime/simulate -run TestExamplePictures -update", path)
				}
			}
		})
	}
}
