package photoclub_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/gentest"
	"github.com/charterlang/charter/runtime/gen/internal/photoclub"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "photoclub", photoclub.NewMember, gentest.Options{Seed: 1})
}
