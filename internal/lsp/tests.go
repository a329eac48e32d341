package lsp

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/charterlang/charter/runtime/chartertest"
)

// cmdRunTests runs test blocks: arguments are the document's URI and,
// optionally, a community's name and a test's name to run only those.
const cmdRunTests = "charter.runTests"

func init() {
	serve("textDocument/codeLens", (*Server).codeLens)
	serve("workspace/executeCommand", (*Server).executeCommand)
	capabilities["codeLensProvider"] = map[string]any{"resolveProvider": false}
	capabilities["executeCommandProvider"] = map[string]any{"commands": []string{cmdRunTests}}
}

// codeLens puts "run test" above each test block of the document and
// "run N tests" above each community that has tests.
func (s *Server) codeLens(params json.RawMessage) (any, error) {
	d, a, err := s.documentParams(params)
	if err != nil {
		return nil, err
	}
	lenses := []CodeLens{}
	arg := func(v string) json.RawMessage { b, _ := json.Marshal(v); return b }
	for _, c := range a.model.Communities {
		if c.Decl == nil || c.Decl.Pos.Filename != d.name || len(c.Tests) == 0 {
			continue
		}
		title := "▶ run 1 test"
		if n := len(c.Tests); n > 1 {
			title = "▶ run " + strconv.Itoa(n) + " tests"
		}
		lenses = append(lenses, CodeLens{
			Range:   d.text.rangeOf(c.Decl.Name.Range(), s.enc),
			Command: &Command{Title: title, Command: cmdRunTests, Arguments: []json.RawMessage{arg(d.uri), arg(c.Name)}},
		})
		for _, t := range c.Tests {
			if t.Name == nil {
				continue
			}
			lenses = append(lenses, CodeLens{
				Range:   d.text.rangeOf(t.Name.Range(), s.enc),
				Command: &Command{Title: "▶ run test", Command: cmdRunTests, Arguments: []json.RawMessage{arg(d.uri), arg(c.Name), arg(t.Name.Value())}},
			})
		}
	}
	return lenses, nil
}

// TestResult is one test's outcome as the run command reports it.
type TestResult struct {
	Community string    `json:"community"`
	Name      string    `json:"name"`
	Passed    bool      `json:"passed"`
	Failure   string    `json:"failure,omitempty"`
	Location  *Location `json:"location,omitempty"` // the failing step
}

// TestRun is the run command's result.
type TestRun struct {
	Passed  int          `json:"passed"`
	Failed  int          `json:"failed"`
	Results []TestResult `json:"results"`
	// Summary is charter test's last line, "N passed, N failed".
	Summary string `json:"summary"`
}

func (s *Server) executeCommand(params json.RawMessage) (any, error) {
	p, err := decode[ExecuteCommandParams](params)
	if err != nil {
		return nil, err
	}
	if p.Command != cmdRunTests {
		return nil, &respError{Code: codeInvalidParams, Message: "unknown command " + p.Command}
	}
	var args []string
	for _, raw := range p.Arguments {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, &respError{Code: codeInvalidParams, Message: cmdRunTests + ": arguments are strings: a URI, then a community and a test name"}
		}
		args = append(args, v)
	}
	if len(args) == 0 || len(args) > 3 {
		return nil, &respError{Code: codeInvalidParams, Message: cmdRunTests + " takes a document URI, then optionally a community and a test name"}
	}
	return s.runTests(args[0], args[1:]...)
}

// runTests runs the test blocks of the communities a document declares
// (or of one community, or one test) as charter test runs them, each in a
// fresh live state; a load set with errors runs nothing, as charter test
// runs nothing.
func (s *Server) runTests(uri string, only ...string) (*TestRun, error) {
	d, ok := s.byURI[uri]
	name := fileName(uri)
	if ok {
		name = d.name
	}
	a := s.ws.get(name)
	if a.prog == nil {
		n := len(a.diags.Errors())
		if n == 0 {
			return nil, fmt.Errorf("%s is not in a load set with tests", filepath.Base(name))
		}
		return nil, fmt.Errorf("the load set has %d errors; fix them to run its tests", n)
	}
	run := &TestRun{Results: []TestResult{}}
	for _, c := range a.prog.Communities() {
		cc := c.Checked()
		if cc.Decl == nil || cc.Decl.Pos.Filename != name || len(only) > 0 && only[0] != c.Name {
			continue
		}
		for _, t := range cc.Tests {
			if len(only) > 1 && t.Name.Value() != only[1] {
				continue
			}
			r := chartertest.RunBlock(c, t)
			tr := TestResult{Community: r.Community, Name: r.Name, Passed: r.Passed, Failure: r.Failure}
			if r.Passed {
				run.Passed++
			} else {
				run.Failed++
				if loc, ok := s.location(a, r.FailPos.Filename, r.FailPos.Offset, r.FailPos.Offset); ok {
					tr.Location = &loc
				}
				s.logf("%s: FAIL %s/%q: %s", r.FailPos, r.Community, r.Name, r.Failure)
			}
			run.Results = append(run.Results, tr)
		}
	}
	if len(only) > 1 && len(run.Results) == 0 {
		return nil, fmt.Errorf("no test %q in community %s of %s", only[1], only[0], filepath.Base(name))
	}
	run.Summary = fmt.Sprintf("%d passed, %d failed", run.Passed, run.Failed)
	typ := 3 // info
	if run.Failed > 0 {
		typ = 1 // error
	}
	s.notify("window/showMessage", map[string]any{"type": typ, "message": "charter test: " + run.Summary})
	return run, nil
}
