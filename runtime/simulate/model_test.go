package simulate_test

import (
	"strings"
	"testing"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/simulate"
)

func fanclub(t testing.TB) *runtime.Community {
	t.Helper()
	prog, err := runtime.CompileFiles("../../examples/fanclub/fanclub.charter")
	if err != nil {
		t.Fatal(err)
	}
	return prog.Community("FanClub")
}

// TestModelErrors holds every kind of bad model to an error that names
// the file, line and column of what is wrong, and says what would be
// right.
func TestModelErrors(t *testing.T) {
	c := fanclub(t)
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "{\n  \"members\": {\"initial\": 3,}\n}", `m.json:2:28: invalid character '}'`},
		{"truncated", "{\"members\": {", `m.json:1:14: unexpected end of JSON input`},
		{"two values", "{} {}", `m.json:1:4: more than one JSON value`},
		{"not an object", "[]", `m.json:1:1: the model: want an object, got an array`},
		{"unknown field", "{\n\"behavior\": {}}", `m.json:2:1: the model: unknown field "behavior" (did you mean behaviour?)`},
		{"duplicate key", `{"seen": "last_seen", "seen": "last_seen"}`, `m.json:1:23: key "seen" given twice`},
		{"unknown role", `{"behaviour": {"onloker": {}}}`, `m.json:1:16: behaviour: unknown role or badge "onloker" (did you mean onlooker?); "*" is every member, and FanClub has leader, creator`},
		{"unknown action", `{"behaviour": {"*": {"pst": {"per_day": 1}}}}`, `m.json:1:22: unknown action "pst" (did you mean post?); FanClub declares introduce, post`},
		{"unknown param", `{"args": {"post": {"lenght": 3}}}`, `m.json:1:20: action post has no parameter "lenght" (did you mean length?); it has parameters length, topic`},
		{"wrong type", `{"args": {"post": {"length": "long"}}}`, `m.json:1:30: argument length of post is a int, and "long" is not one`},
		{"fraction for int", `{"args": {"post": {"length": {"uniform": [1.5, 3]}}}}`, `m.json:1:42: argument length of post is an int: uniform takes whole numbers for it`},
		{"unknown distribution", `{"args": {"post": {"length": {"gauss": [1, 3]}}}}`, `m.json:1:31: argument length of post: unknown distribution "gauss"`},
		{"missing argument", `{"behaviour": {"*": {"post": {"per_day": 1, "args": {"length": 5}}}}}`, `m.json:1:22: behaviour *: action post needs argument topic (string)`},
		{"member for int", `{"args": {"post": {"length": {"member": "*"}}}}`, `member picks another member, for a parameter of type member`},
		{"unknown pool", `{"args": {"tip": {"to": {"member": "creators"}, "amount": 1}}}`, `m.json:1:36: argument to of tip: unknown role or badge "creators" (did you mean creator?)`},
		{"unknown attribute", `{"members": {"attributes": {"post": 3}}}`, `m.json:1:29: members: unknown attribute "post" (did you mean posts?)`},
		{"seen not a time", `{"seen": "posts"}`, `m.json:1:10: seen: posts is a int; seen names a time attribute`},
		{"unknown message", `{"messages": {"A weekly digest of the best post": {"save": 2}}}`, `m.json:1:15: messages: no nudge or offer of FanClub says "A weekly digest of the best post" (did you mean "A weekly digest of the best posts"?)`},
		{"negative rate", `{"behaviour": {"*": {"save": {"per_day": -1, "args": {"item": "x"}}}}}`, `m.json:1:42: behaviour * save: per_day is the mean number of tries a day`},
		{"chance", `{"leave": [{"inactive_days": 3, "chance": 2}]}`, `m.json:1:43: leave: chance is a probability per day, from 0 to 1`},
		{"inactive_days", `{"leave": [{"chance": 0.5}]}`, `m.json:1:12: leave: inactive_days is required`},
		{"weights", `{"args": {"save": {"item": {"choice": ["a", "b"], "weights": [1]}}}}`, `m.json:1:62: argument item of save: weights takes an array of 2 numbers`},
		{"deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), `nested more than 64 deep`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := simulate.ParseModel("m.json", []byte(tc.src), c)
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n  %v\nwant it to contain:\n  %s", err, tc.want)
			}
		})
	}
}

// TestModelRequiredAttribute: a community that requires an attribute
// refuses a model whose new members lack it, before the run.
func TestModelRequiredAttribute(t *testing.T) {
	prog, err := runtime.CompileFiles("../../examples/wechat-group/wechat_group.charter")
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("WeChatGroup")
	_, err = simulate.ParseModel("m.json", []byte(`{"members": {"initial": 3}}`), c)
	if err == nil || !strings.Contains(err.Error(), "m.json:1:25: members: attributes of a new member:") || !strings.Contains(err.Error(), "joined_at") {
		t.Errorf("error %v; want one about joined_at at the initial count", err)
	}
	if _, err := simulate.ParseModel("m.json", []byte(`{"members": {"initial": 3, "attributes": {"joined_at": "now"}}}`), c); err != nil {
		t.Errorf("with joined_at: %v", err)
	}
}
