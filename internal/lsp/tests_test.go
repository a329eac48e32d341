package lsp

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCodeLensRunsTests(t *testing.T) {
	f := newNav(t)
	var lenses []CodeLens
	f.c.mustCall("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": f.kidURI}}, &lenses)
	if len(lenses) != 2 || lenses[0].Command.Title != "▶ run 1 test" || lenses[1].Command.Title != "▶ run test" {
		t.Fatalf("lenses %+v", lenses)
	}
	if lenses[1].Range.Start != at(kids, "\"posting\"", 0, 0) {
		t.Errorf("test lens at %+v", lenses[1].Range)
	}
	var run TestRun
	f.c.mustCall("workspace/executeCommand", lenses[1].Command, &run)
	if run.Summary != "1 passed, 0 failed" || len(run.Results) != 1 || !run.Results[0].Passed {
		t.Fatalf("run %+v", run)
	}
	// A failing test reports the step where it failed.
	failing := strings.Replace(kids, "expect role creator", "expect role reader", 1)
	f.c.change(f.kidURI, 2, failing)
	f.c.mustCall("workspace/executeCommand", map[string]any{"command": cmdRunTests, "arguments": []string{f.kidURI}}, &run)
	if run.Failed != 1 || run.Results[0].Location == nil || run.Results[0].Location.Range.Start != at(failing, "expect role", 0, 0) {
		t.Fatalf("failing run %+v", run)
	}
	if !strings.Contains(run.Results[0].Failure, "creator") {
		t.Errorf("failure %q", run.Results[0].Failure)
	}
	// With errors in the load set nothing runs.
	f.c.change(f.kidURI, 3, strings.Replace(kids, "age < 12", "agex < 12", 1))
	err := f.c.call("workspace/executeCommand", map[string]any{"command": cmdRunTests, "arguments": []string{f.kidURI}}, nil)
	if err == nil || !strings.Contains(err.Message, "errors") {
		t.Errorf("run with errors: %v", err)
	}
	err = f.c.call("workspace/executeCommand", map[string]any{"command": cmdRunTests, "arguments": []json.RawMessage{json.RawMessage("1")}}, nil)
	if err == nil || err.Code != codeInvalidParams {
		t.Errorf("bad arguments: %v", err)
	}
	f.c.shutdown()
}
