package research_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/gentest"
	"github.com/charterlang/charter/runtime/gen/internal/research"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "research", research.NewMember, gentest.Options{Seed: 1})
}
