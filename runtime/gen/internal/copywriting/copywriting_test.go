package copywriting_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/copywriting"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "copywriting", copywriting.NewMember, gentest.Options{Seed: 1})
}
