package lang_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The front end stands alone: nothing under lang depends on the runtime,
// so the pipeline runs one way (source, syntax, checked model, then the
// runtime or charter gen), and
//
//	go list -deps ./lang/... | grep charter/runtime
//
// prints nothing. The checker decides itself what Charter supports
// (check.Supported); a change that hands it back to the runtime fails here.
func TestFrontEndImportsNoRuntime(t *testing.T) {
	gotool, err := exec.LookPath("go") // go test puts its own GOROOT/bin first on PATH
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	const module = "github.com/charterlang/charter"
	out, err := exec.Command(gotool, "list", "-deps", module+"/lang/...").Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg += ": " + string(ee.Stderr)
		}
		t.Fatalf("go list: %s", msg)
	}
	deps := strings.Fields(string(out))
	sawLang := false
	for _, p := range deps {
		if p == module+"/lang/check" {
			sawLang = true
		}
		if p == module+"/runtime" || strings.HasPrefix(p, module+"/runtime/") {
			t.Errorf("lang depends on %s", p)
		}
	}
	if !sawLang {
		t.Fatalf("go list -deps listed no %s/lang/check; got %v", module, deps)
	}
}
