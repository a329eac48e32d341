package runtime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

const settingsSrc = `community Shed {
  settings {
    deposit:   float    = 20.0
    min_posts: int      = 5
    grace:     duration = 2d
    open:      bool     = true
    motto:     string   = "share"
  }
  member { posts: int; balance: float }
  action borrow(tool: string)
  roles {
    regular if posts >= min_posts * 2
    neighbour otherwise
  }
  may borrow if open && posts >= min_posts && balance >= deposit && tool != motto
  must not borrow if grace < 1h
}

community Annex extends Shed {
  settings { deposit: float = 30.0 }
}
`

func settingsProgram(t *testing.T) *runtime.Program {
	t.Helper()
	prog, err := runtime.CompileSource("shed.charter", []byte(settingsSrc))
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

func must(c *runtime.Community, err error) *runtime.Community {
	if err != nil {
		panic(err)
	}
	return c
}

func allowed(t *testing.T, c *runtime.Community, values map[string]any) bool {
	t.Helper()
	m, err := c.Member(values)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Decide(m, "borrow", runtime.Args{"tool": "saw"}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return d.Allowed
}

// TestSettings: rules read a setting's default, WithSettings changes it
// for the returned community only, a child's redeclared default holds in
// the child alone, and the live State reads the configured values.
func TestSettings(t *testing.T) {
	prog := settingsProgram(t)
	shed, annex := prog.Community("Shed"), prog.Community("Annex")
	member := map[string]any{"posts": 5, "balance": 25.0}
	if !allowed(t, shed, member) {
		t.Error("Shed: a member with 5 posts and 25.0 is refused under the defaults")
	}
	if allowed(t, annex, member) {
		t.Error("Annex: its deposit of 30.0 does not hold")
	}
	if got := annex.Settings()["deposit"]; got != 30.0 {
		t.Errorf("Annex deposit = %v, want 30", got)
	}
	strict, err := shed.WithSettings(map[string]any{"min_posts": 6.0, "deposit": 25})
	if err != nil {
		t.Fatal(err)
	}
	if allowed(t, strict, member) {
		t.Error("min_posts 6: a member with 5 posts is allowed")
	}
	if !allowed(t, shed, member) {
		t.Error("WithSettings changed the community it was called on")
	}
	if got := strict.Settings(); got["min_posts"] != int64(6) || got["deposit"] != 25.0 || got["motto"] != "share" {
		t.Errorf("settings = %v", got)
	}
	m, _ := strict.Member(map[string]any{"posts": 12})
	if r := strict.Role(m, time.Unix(0, 0)); r != "regular" {
		t.Errorf("role with 12 posts, min_posts 6 = %s, want regular", r)
	}
	m, _ = strict.Member(map[string]any{"posts": 11})
	if r := strict.Role(m, time.Unix(0, 0)); r != "neighbour" {
		t.Errorf("role with 11 posts, min_posts 6 = %s, want neighbour", r)
	}
	closed, err := annex.WithSettings(map[string]any{"open": false, "deposit": 1.0})
	if err != nil {
		t.Fatal(err)
	}
	if allowed(t, closed, map[string]any{"posts": 9, "balance": 99.0}) {
		t.Error("Annex with open false allows")
	}
	// The live State reads the configured community.
	if allowed(t, must(shed.WithSettings(map[string]any{"grace": "30m"})), member) {
		t.Error("grace 30m: the rule reading grace < 1h does not deny")
	}
	if !allowed(t, must(shed.WithSettings(map[string]any{"grace": "90m"})), member) {
		t.Error("grace 90m: denied")
	}
	cheap, err := annex.WithSettings(map[string]any{"deposit": 1.0, "grace": 3 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	st := runtime.NewState(cheap)
	jm, _ := cheap.Member(map[string]any{"posts": 5, "balance": 2.0})
	if err := st.Join("ann", jm); err != nil {
		t.Fatal(err)
	}
	d, err := st.Decide("ann", "borrow", runtime.Args{"tool": "saw"}, time.Unix(0, 0))
	if err != nil || !d.Allowed {
		t.Errorf("State over deposit 1.0: %v, %v; want allowed", d.Allowed, err)
	}
}

// TestSettingsRefused: a value of the wrong type, an unknown name, an
// attribute's name, and a member record that carries a setting are errors
// naming the setting.
func TestSettingsRefused(t *testing.T) {
	shed := settingsProgram(t).Community("Shed")
	for _, tc := range []struct {
		set  map[string]any
		want string
	}{
		{map[string]any{"min_posts": 5.5}, "setting min_posts: want int"},
		{map[string]any{"deposit": "20"}, "setting deposit: want float"},
		{map[string]any{"open": 1}, "setting open: want bool"},
		{map[string]any{"grace": true}, "setting grace: want duration"},
		{map[string]any{"depost": 1.0}, "community Shed has no setting depost"},
		{map[string]any{"posts": 1}, "posts is an attribute of a member, not a setting"},
	} {
		_, err := shed.WithSettings(tc.set)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WithSettings(%v) = %v, want an error with %q", tc.set, err, tc.want)
		}
	}
	_, err := shed.Member(map[string]any{"posts": 1, "deposit": 1.0})
	if err == nil || !strings.Contains(err.Error(), "deposit is a setting of Shed") {
		t.Errorf("Member with deposit: %v, want the setting named", err)
	}
	_, err = shed.MemberJSON([]byte(`{"min_posts": 0}`))
	if err == nil || !strings.Contains(err.Error(), "min_posts is a setting of Shed") {
		t.Errorf("MemberJSON with min_posts: %v, want the setting named", err)
	}
}
