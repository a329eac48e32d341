package eventmarketing_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/eventmarketing"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "eventmarketing", eventmarketing.NewMember, gentest.Options{Seed: 1})
}
