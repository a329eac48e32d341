package lsp

import (
	"slices"
	"strings"
	"testing"
)

// complete opens src with the cursor at "|" and returns the labels offered.
func complete(t *testing.T, c *client, uri, src string) []string {
	t.Helper()
	i := strings.Index(src, "|")
	text := src[:i] + src[i+1:]
	c.change(uri, 2, text)
	var list CompletionList
	c.mustCall("textDocument/completion", pos(uri, newText([]byte(text)).position(i, utf16Units)), &list)
	var out []string
	for _, it := range list.Items {
		out = append(out, it.Label)
	}
	return out
}

func TestCompletion(t *testing.T) {
	f := newNav(t)
	uri := fileURI(f.dir + "/new.charter")
	f.c.open(uri, "")
	for _, tc := range []struct {
		name     string
		src      string
		want     []string
		dontWant []string
	}{
		{"declaration keywords", "community K extends Club {\n  |\n}\n", []string{"may", "must not", "roles", "goal", "test", "use", "let", "settings", "timezone"}, []string{"posts", "given member"}},
		{"top level", "|", []string{"community"}, []string{"may"}},
		{"extends", "community K extends |", []string{"Club", "Kids"}, nil},
		{"actions after may", "community K extends Club {\n  may p|\n}\n", []string{"post"}, []string{"posts"}},
		{"rule condition sees attrs, roles, params, functions", "community K extends Club {\n  may post if |\n}\n",
			[]string{"posts", "reputation", "role", "creator", "length", "days_since"}, []string{"count", "members"}},
		{"a half-typed rule before others", "community K extends Club {\n  may post if len|\n  action x()\n}\n", []string{"length"}, nil},
		{"role conditions see attributes only", "community K extends Club {\n  roles {\n    a if |\n  }\n}\n", []string{"posts", "now"}, []string{"role", "creator", "length"}},
		{"measure", "community K extends Club {\n  goal g { measure |\n}\n", []string{"count", "share", "members", "posts"}, []string{"length"}},
		{"goal fields", "community K extends Kids {\n  when busy.| {\n  }\n}\n", []string{"met", "progress", "value", "target"}, []string{"posts"}},
		{"when sees goals", "community K extends Kids {\n  when !|\n}\n", []string{"busy", "members"}, []string{"posts", "role"}},
		{"pieces after use", "community K {\n  use std.|\n}\n", []string{"dunbar", "exchange"}, nil},
		{"member types", "community K {\n  member { a: | }\n}\n", []string{"int", "duration"}, []string{"member"}},
		{"parameter types", "community K {\n  action a(x: |)\n}\n", []string{"int", "member"}, nil},
		{"sanctions", "community K extends Club {\n  must not post else |\n}\n", []string{"warn", "mute", "demote", "remove"}, []string{"posts"}},
		{"effect targets", "community K extends Club {\n  on post {\n    |\n  }\n}\n", []string{"posts", "reputation"}, []string{"post"}},
		{"test steps", "community K extends Club {\n  test \"x\" {\n    |\n  }\n}\n", []string{"given member", "given settings", "do", "try", "update", "review", "expect"}, []string{"may"}},
		{"expect", "community K extends Club {\n  test \"x\" {\n    expect |\n  }\n}\n", []string{"allow", "role", "sanction", "that"}, nil},
		{"expect role", "community K extends Club {\n  test \"x\" {\n    expect role |\n  }\n}\n", []string{"creator", "reader"}, []string{"posts"}},
		{"call arguments", "community K extends Club {\n  test \"x\" {\n    do post(|)\n  }\n}\n", []string{"length"}, []string{"posts"}},
		{"given fields", "community K extends Kids {\n  test \"x\" {\n    given member { |\n  }\n}\n", []string{"posts", "age"}, nil},
		{"nothing in a string", "community K extends Club {\n  purpose \"may |\"\n}\n", nil, []string{"posts", "may", "purpose"}},
		{"nothing in a comment", "community K extends Club {\n  // may |\n}\n", nil, []string{"posts", "may", "purpose"}},
		{"after a comment", "community K extends Club { /* c */ |\n}\n", []string{"may"}, nil},
		{"expect message", "community K extends Kids {\n  nudge \"Post more\"\n  test \"x\" {\n    expect no message |\n  }\n}\n", []string{`"Post more"`}, []string{"posts"}},
		{"settings, named conditions and taken", "community S {\n  member { n: int }\n  settings { cap: int = 3 }\n  let busy = n > cap\n  action a()\n  may a if |\n}\n",
			[]string{"cap", "busy", "taken", "has", "n"}, nil},
		{"no taken in a when", "community S {\n  member { n: int }\n  settings { cap: int = 3 }\n  goal g { measure members; target >= 1 }\n  when |\n}\n",
			[]string{"cap", "g"}, []string{"taken", "has", "n"}},
		{"nudge targets", "community K extends Kids {\n  nudge |\n}\n", []string{"creator", "young"}, nil},
	} {
		got := complete(t, f.c, uri, tc.src)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %v lacks %q", tc.name, got, w)
			}
		}
		for _, w := range tc.dontWant {
			if slices.Contains(got, w) {
				t.Errorf("%s: %v has %q", tc.name, got, w)
			}
		}
	}
	f.c.shutdown()
}
