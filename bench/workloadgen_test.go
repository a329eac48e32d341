package bench

import (
	"bytes"
	"os"
	"testing"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/gen"
)

// TestGeneratedUpToDate fails when workloadgen/workloadgen.go is not what
// charter gen makes of workload.charter today: run go generate.
func TestGeneratedUpToDate(t *testing.T) {
	prog, err := runtime.CompileSource("workload.charter", charterSource)
	if err != nil {
		t.Fatal(err)
	}
	want, err := gen.Generate(prog.Checked(), "Bench", gen.Options{Package: "workloadgen"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("workloadgen/workloadgen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("workloadgen/workloadgen.go is stale: run go generate in bench/")
	}
}
