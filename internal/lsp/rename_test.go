package lsp

import (
	"strings"
	"testing"
)

// apply applies a rename's edits to the texts they name.
func apply(t *testing.T, texts map[string]string, edit WorkspaceEdit) map[string]string {
	t.Helper()
	out := map[string]string{}
	for uri, src := range texts {
		edits := edit.Changes[uri]
		tx := newText([]byte(src))
		// From the last edit back, so offsets stay true.
		for i := len(edits) - 1; i >= 0; i-- {
			e := edits[i]
			start, end := tx.offset(e.Range.Start, utf16Units), tx.offset(e.Range.End, utf16Units)
			src = src[:start] + e.NewText + src[end:]
			tx = newText([]byte(src))
		}
		out[uri] = src
	}
	return out
}

func TestRename(t *testing.T) {
	f := newNav(t)
	texts := map[string]string{f.clubURI: club, f.kidURI: kids}

	var prep map[string]any
	f.c.mustCall("textDocument/prepareRename", pos(f.kidURI, at(kids, "posts", 0, 1)), &prep)
	if prep["placeholder"] != "posts" {
		t.Fatalf("prepareRename: %v", prep)
	}
	var edit WorkspaceEdit
	f.c.mustCall("textDocument/rename", map[string]any{
		"textDocument": map[string]any{"uri": f.kidURI}, "position": at(kids, "posts", 0, 1), "newName": "messages"}, &edit)
	got := apply(t, texts, edit)
	if strings.Contains(got[f.clubURI]+got[f.kidURI], "posts") {
		t.Errorf("posts left after the rename:\n%s\n%s", got[f.clubURI], got[f.kidURI])
	}
	if n := strings.Count(got[f.clubURI], "messages") + strings.Count(got[f.kidURI], "messages"); n != 6 {
		t.Errorf("%d renamed, want 6", n)
	}

	// Renaming an action renames rules, effects and test calls.
	f.c.mustCall("textDocument/rename", map[string]any{
		"textDocument": map[string]any{"uri": f.kidURI}, "position": at(kids, "post(", 0, 0), "newName": "write"}, &edit)
	got = apply(t, texts, edit)
	if !strings.Contains(got[f.clubURI], "action write(length: int)") || !strings.Contains(got[f.clubURI], "on write {") ||
		!strings.Contains(got[f.kidURI], "do write(length: 3)") || !strings.Contains(got[f.kidURI], "may write if") {
		t.Errorf("action rename:\n%s\n%s", got[f.clubURI], got[f.kidURI])
	}

	// Refused: a name already declared, a reserved one, a non-name, and
	// what is not an attribute, action, role, badge or goal.
	for _, tc := range []struct {
		marker, newName, want string
	}{
		{"age", "reputation", "CH0103"},
		{"age", "members", "reserved"},
		{"age", "1x", "not a name"},
		{"since", "x", "cannot be renamed"},
		{"length", "x", "cannot be renamed"},
	} {
		err := f.c.call("textDocument/rename", map[string]any{
			"textDocument": map[string]any{"uri": f.kidURI}, "position": at(kids, tc.marker, 0, 1), "newName": tc.newName}, nil)
		if err == nil || !strings.Contains(err.Message, tc.want) && !strings.Contains(err.Message, "would make an error") {
			t.Errorf("rename %s to %s: %v, want an error about %s", tc.marker, tc.newName, err, tc.want)
		}
	}
	f.c.shutdown()
}

// TestRenameGoalInTexts: a goal shown in a text as {g.target} is renamed
// there too, and has references and definition from there.
func TestRenameGoalInTexts(t *testing.T) {
	src := "community A {\n  action invite(guest: string)\n  goal size { measure members; target <= 150 }\n  may invite\n  when size.value >= size.target {\n    must not invite because \"The club has {size.target} members\"\n    nudge \"Still {size.target}, {x.y} and {size.targets}\"\n  }\n}\n"
	c := newClient(t)
	c.initialize()
	c.open("untitled:a", src)
	if ds := c.diagnostics("untitled:a"); len(ds) != 0 {
		t.Fatalf("diagnostics %+v", ds)
	}
	var locs []Location
	c.mustCall("textDocument/definition", pos("untitled:a", at(src, "{size", 0, 2)), &locs)
	if len(locs) != 1 || locs[0].Range.Start != at(src, "size", 0, 0) {
		t.Errorf("definition from a placeholder: %+v", locs)
	}
	var edit WorkspaceEdit
	c.mustCall("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": "untitled:a"},
		"position": at(src, "size", 0, 1), "newName": "room"}, &edit)
	got := apply(t, map[string]string{"untitled:a": src}, edit)["untitled:a"]
	for _, want := range []string{"goal room {", "when room.value >= room.target", "\"The club has {room.target} members\"", "\"Still {room.target}, {x.y} and {size.targets}\""} {
		if !strings.Contains(got, want) {
			t.Errorf("renamed text lacks %q:\n%s", want, got)
		}
	}
	c.shutdown()
}

// TestRenameActionInReasons: a test that expects a reason Charter makes of
// a rule without because ("limit post 3 per 1d reached") keeps passing
// when the action is renamed; a reason written by hand is left alone.
func TestRenameActionInReasons(t *testing.T) {
	src := `community A {
  action post()
  action introduce()
  may post, introduce
  limit post 1 per 1d
  first introduce then post
  must not post if false because "post no more"
  test "t" {
    do introduce()
    do post()
    expect deny post() because "limit post 1 per 1d reached"
  }
  test "u" {
    expect deny post() because "first introduce then post: introduce not done yet"
    expect allow introduce()
  }
}
`
	c := newClient(t)
	c.initialize()
	c.open("untitled:a", src)
	c.diagnostics("untitled:a")
	var edit WorkspaceEdit
	c.mustCall("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": "untitled:a"},
		"position": at(src, "post", 0, 1), "newName": "write"}, &edit)
	got := apply(t, map[string]string{"untitled:a": src}, edit)["untitled:a"]
	for _, want := range []string{`"limit write 1 per 1d reached"`, `"first introduce then write: introduce not done yet"`, `because "post no more"`} {
		if !strings.Contains(got, want) {
			t.Errorf("renamed text lacks %s:\n%s", want, got)
		}
	}
	c.mustCall("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": "untitled:a"},
		"position": at(src, "introduce", 0, 1), "newName": "hello"}, &edit)
	got = apply(t, map[string]string{"untitled:a": src}, edit)["untitled:a"]
	if !strings.Contains(got, `"first hello then post: hello not done yet"`) {
		t.Errorf("renaming the first action:\n%s", got)
	}
	// The renamed files' tests pass: run them.
	c.change("untitled:a", 2, got)
	var run TestRun
	c.mustCall("workspace/executeCommand", map[string]any{"command": cmdRunTests, "arguments": []string{"untitled:a"}}, &run)
	if run.Failed != 0 || run.Passed != 2 {
		t.Errorf("tests after the rename: %+v", run)
	}
	c.shutdown()
}
