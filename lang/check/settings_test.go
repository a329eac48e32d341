package check_test

import (
	"strings"
	"testing"

	"github.com/charterlang/charter/lang/diag"
)

const settingsBase = `community Shed {
  settings {
    deposit:   float = 20.0
    min_posts: int   = 5
  }
  member { posts: int; balance: float }
  action borrow(tool: string, to: member)
  roles {
    regular if posts >= min_posts
    guest otherwise
  }
  badge solvent if balance >= deposit
  let ready = posts >= min_posts
  may borrow if ready && balance >= deposit && to.posts >= min_posts
  on borrow { balance -= deposit }
  goal busy { measure count(posts >= min_posts); target >= 1 }
  when busy.value >= min_posts { may borrow }
  test "t" {
    given settings { deposit: 25, min_posts: 1 }
    given member { posts: 1, balance: 30.0 }
    expect that balance >= deposit
  }
}

community Annex extends Shed {
  settings { deposit: float = 30.0; fee: int = 2 }
}
`

// TestSettingsAccepted: a setting reads in every context SPEC §6.4.1
// names, and a child redeclares one with the same type.
func TestSettingsAccepted(t *testing.T) {
	prog, ds := checkSrc(t, settingsBase)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	annex := prog.Community("Annex")
	if st := annex.Setting("deposit"); st == nil || st.Default != 30.0 {
		t.Errorf("Annex deposit = %+v, want default 30", st)
	}
	if st := prog.Community("Shed").Setting("deposit"); st.Default != 20.0 {
		t.Errorf("Shed deposit changed by its child: %v", st.Default)
	}
	if len(annex.Settings) != 3 {
		t.Errorf("Annex has %d settings, want 3", len(annex.Settings))
	}
}

// TestSettingsRejected: each misuse of a setting has its code, at the
// setting's position.
func TestSettingsRejected(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		code           diag.Code
		msg            string
	}{
		{"no default", "min_posts: int   = 5", "min_posts: int", diag.BadDefault, "setting min_posts needs a default"},
		{"required", "min_posts: int   = 5", "min_posts: int required = 5", diag.BadDefault, "cannot be required"},
		{"default type", "min_posts: int   = 5", `min_posts: int   = "five"`, diag.BadDefault, "default of setting min_posts"},
		{"default not constant", "min_posts: int   = 5", `min_posts: int   = posts`, diag.BadDefault, "default of setting min_posts"},
		{"list type", "min_posts: int   = 5", "min_posts: []int = []", diag.UnknownType, "a setting is an int, float, bool, string or duration"},
		{"clash with attribute", "min_posts: int   = 5", "posts: int = 5", diag.Duplicate, "same name"},
		{"clash with badge", "min_posts: int   = 5", "solvent: int = 5", diag.Duplicate, "same name"},
		{"twice", "min_posts: int   = 5", "deposit: float = 5.0", diag.Duplicate, "already declared"},
		{"two blocks", "  member {", "  settings { x: int = 1 }\n  member {", diag.Duplicate, "settings are already declared"},
		{"child changes type", "deposit: float = 30.0", "deposit: int = 30", diag.Duplicate, "cannot change type"},
		{"assigned", "balance -= deposit", "deposit -= 1.0", diag.BadEffect, "deposit is a setting of Shed"},
		{"member field", "to.posts >= min_posts", "to.min_posts >= 1", diag.UnknownName, "unknown attribute min_posts of member parameter to"},
		{"in a target", "target >= 1", "target >= min_posts", diag.BadTarget, ""},
		{"test: not first", `    given member { posts: 1, balance: 30.0 }
    expect`, `    given member { posts: 1, balance: 30.0 }
    given settings { deposit: 1.0 }
    expect`, diag.BadTest, "given settings comes before every other step"},
		{"test: unknown", "deposit: 25, min_posts: 1", "deposit: 25, min_post: 1", diag.BadTest, "unknown setting min_post"},
		{"test: attribute", "deposit: 25, min_posts: 1", "deposit: 25, posts: 1", diag.BadTest, "posts is an attribute of a member, not a setting"},
		{"test: type", "deposit: 25, min_posts: 1", `deposit: "a"`, diag.BadTest, "value of setting deposit"},
		{"test: twice", "deposit: 25, min_posts: 1", "deposit: 25, deposit: 1", diag.BadTest, "given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(settingsBase, tc.old) {
				t.Fatalf("base has no %q", tc.old)
			}
			_, ds := checkSrc(t, strings.Replace(settingsBase, tc.old, tc.new, 1))
			for _, d := range ds {
				if d.Code == tc.code && strings.Contains(d.Message, tc.msg) {
					return
				}
			}
			t.Errorf("no %s diagnostic with %q; got %v", tc.code, tc.msg, ds)
		})
	}
}
