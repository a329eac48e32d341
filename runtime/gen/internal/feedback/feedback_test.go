package feedback_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/feedback"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "feedback", feedback.NewMember, gentest.Options{Seed: 1})
}
