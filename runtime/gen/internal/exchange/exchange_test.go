package exchange_test

import (
	"testing"

	"github.com/charterlang/charter/runtime/gen/internal/exchange"
	"github.com/charterlang/charter/runtime/gen/internal/gentest"
)

// TestSameAsRuntime holds the generated package against the runtime on
// random members, histories, times, arguments and goal snapshots.
func TestSameAsRuntime(t *testing.T) {
	gentest.Run(t, "exchange", exchange.NewMember, gentest.Options{Seed: 1})
}
