package exprs_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/exprs"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "exprs", exprs.NewMember, gentest.Options{Seed: 1, Members: 3000, Never: []string{"1 > 2", "false"}})
}
