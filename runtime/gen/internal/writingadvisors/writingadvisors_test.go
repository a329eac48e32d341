package writingadvisors_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/gentest"
	"github.com/charterlang/charter/runtime/gen/internal/writingadvisors"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "writingadvisors", writingadvisors.NewMember, gentest.Options{Seed: 1})
}
