package brand_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/brand"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "brand", brand.NewMember, gentest.Options{Seed: 1})
}
