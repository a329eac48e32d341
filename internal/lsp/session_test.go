package lsp

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSession is one editing session as the issue lays it out, over real
// framing: initialize, open, diagnostics, a change that breaks and one
// that mends, hover, definition, references, completion, formatting,
// rename, a file changed on disk, shutdown.
func TestSession(t *testing.T) {
	dir := workspaceDir(t, map[string]string{"club.charter": club})
	c := newClient(t)
	c.initialize("utf-8")
	kidsPath := filepath.Join(dir, "kids.charter")
	uri := fileURI(kidsPath)
	c.open(uri, kids)
	if ds := c.diagnostics(uri); len(ds) != 0 {
		t.Fatalf("open: %+v", ds)
	}

	typo := strings.Replace(kids, "age < 12", "agee < 12", 1)
	c.change(uri, 2, typo)
	ds := c.diagnostics(uri)
	if len(ds) != 2 || ds[0].Code != "CH0200" || ds[1].Code != "CH0104" || ds[1].Data == nil || ds[1].Data.Fix == nil || ds[1].Data.Fix.NewText != "age" {
		t.Fatalf("typo: %+v", ds)
	}
	c.change(uri, 3, kids)
	if ds := c.diagnostics(uri); len(ds) != 0 {
		t.Fatalf("mended: %+v", ds)
	}

	var h *Hover
	c.mustCall("textDocument/hover", pos(uri, at(kids, "reader", 0, 0)), &h)
	if h == nil || !strings.Contains(h.Contents.Value, "rank 0") {
		t.Errorf("hover: %+v", h)
	}
	var locs []Location
	c.mustCall("textDocument/definition", pos(uri, at(kids, "reader", 0, 0)), &locs)
	if len(locs) != 1 || !strings.HasSuffix(locs[0].URI, "/club.charter") || locs[0].Range.Start != (Position{5, 4}) {
		t.Errorf("definition: %+v", locs)
	}
	c.mustCall("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": uri},
		"position": at(kids, "age", 0, 0), "context": map[string]any{"includeDeclaration": true}}, &locs)
	if len(locs) != 3 {
		t.Errorf("references of age: %+v", locs)
	}
	var list CompletionList
	src := strings.Replace(kids, "may post if role == reader", "may post if role == ", 1)
	c.change(uri, 4, src)
	c.mustCall("textDocument/completion", pos(uri, at(src, "== \n", 0, 3)), &list)
	labels := []string{}
	for _, it := range list.Items {
		labels = append(labels, it.Label)
	}
	if !slices.Contains(labels, "reader") || !slices.Contains(labels, "length") {
		t.Errorf("completion: %v", labels)
	}
	c.change(uri, 5, strings.Replace(kids, "  member { age: int }", "member {age:int}", 1))
	var edits []TextEdit
	c.mustCall("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}}, &edits)
	if len(edits) != 1 || edits[0].NewText != kids {
		t.Errorf("formatting: %+v", edits)
	}
	c.change(uri, 6, kids)
	var edit WorkspaceEdit
	c.mustCall("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": uri},
		"position": at(kids, "young", 0, 0), "newName": "little"}, &edit)
	if n := len(edit.Changes[uri]); n != 2 {
		t.Errorf("rename: %d edits, want 2: %+v", n, edit)
	}

	// club.charter is not open: a change on disk reaches kids once the
	// client says files changed.
	if err := os.WriteFile(filepath.Join(dir, "club.charter"), []byte(strings.Replace(club, "reader otherwise", "lurker otherwise", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": fileURI(filepath.Join(dir, "club.charter")), "type": 2}}})
	c.diagnosticsUntil(uri, func(ds []Diagnostic) bool {
		return len(ds) == 1 && ds[0].Code == "CH0104" && strings.Contains(ds[0].Message, "unknown name reader")
	})
	c.shutdown()
}
