package runtime_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const standingSrc = `community Club {
  member { posts: int  last_seen: time }
  action post()
  action tip(to: member)
  roles {
    regular if posts >= 2
    newcomer otherwise
  }
  badge quiet if days_since(last_seen) > 7
  may post, tip
  on post { posts += 1 }
  goal busy "Two regulars" { measure count(role == regular); target >= 2 }
  when !busy.met { nudge regular "Bring a friend" }
  offer newcomer "A guide"
  nudge quiet "We miss you"
}`

// TestStandings: one pass gives each member's role, badges and messages,
// with the state's goals at the time asked, as the questions one member
// at a time do.
func TestStandings(t *testing.T) {
	prog, err := runtime.CompileSource("club.charter", []byte(standingSrc))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("Club")
	st := runtime.NewState(c)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range []string{"ann", "bob", "cy"} {
		m, err := c.Member(map[string]any{"last_seen": t0})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.JoinAt(id, m, t0); err != nil {
			t.Fatal(err)
		}
	}
	k, err := c.Call("tip", runtime.Args{"to": "bob"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := st.Apply(context.Background(), "ann", "post", nil, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.SetMember("to", "cy"); err != nil {
		t.Fatal(err)
	}
	if got := k.Args()["to"]; got != "cy" {
		t.Errorf("after SetMember the call names %v", got)
	}
	if err := k.SetMember("nobody", "cy"); err == nil {
		t.Error("SetMember of an unknown parameter")
	}
	type row struct {
		Role         int
		Badges, Msgs []int
	}
	at := t0.Add(10 * 24 * time.Hour)
	got := map[string]row{}
	st.Standings(at, func(s *runtime.Standing) {
		got[s.ID] = row{s.Role, append([]int{}, s.Badges...), append([]int{}, s.Messages...)}
	})
	// Messages in declaration order: 0 Bring a friend (regular, when
	// busy is unmet), 1 A guide (newcomer), 2 We miss you (quiet).
	want := map[string]row{
		"ann": {1, []int{0}, []int{0, 2}},
		"bob": {0, []int{0}, []int{1, 2}},
		"cy":  {0, []int{0}, []int{1, 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("standings %v, want %v", got, want)
	}
	for id, w := range want {
		msgs, err := st.Messages(id, at)
		if err != nil || len(msgs) != len(w.Msgs) {
			t.Errorf("%s: State.Messages %v, %v; Standings gave %v", id, msgs, err, w.Msgs)
		}
	}
}
