package bookadvisors_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/bookadvisors"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "bookadvisors", bookadvisors.NewMember, gentest.Options{Seed: 1})
}
