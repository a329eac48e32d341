package runtime

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/charterlang/charter/runtime/eval"
)

// Migration is what Migrate changed in a snapshot to fit a community whose
// rule file changed since the snapshot was taken.
type Migration struct {
	// Dropped counts, per attribute the community no longer declares, the
	// members whose value of it was dropped.
	Dropped map[string]int
	// Defaulted counts, per attribute the snapshot's members lack, the
	// members that take its default.
	Defaulted map[string]int
	// DroppedActions counts, per action the community no longer declares,
	// the members whose history of it was dropped.
	DroppedActions map[string]int
	// DroppedDuties counts, per duty with a sanction the community no
	// longer declares (as a snapshot names it, SPEC §11.6), the members
	// whose record of its last review was dropped.
	DroppedDuties map[string]int
}

// Empty reports whether the migration changed nothing.
func (m *Migration) Empty() bool {
	return len(m.Dropped) == 0 && len(m.Defaulted) == 0 && len(m.DroppedActions) == 0 && len(m.DroppedDuties) == 0
}

// String lists what the migration did, one line per attribute or action,
// sorted; "" when it did nothing.
func (m *Migration) String() string {
	var lines []string
	for name, n := range m.Dropped {
		lines = append(lines, fmt.Sprintf("attribute %s: no longer declared, dropped from %d %s", name, n, plural(n, "member")))
	}
	for name, n := range m.Defaulted {
		lines = append(lines, fmt.Sprintf("attribute %s: new, %d %s take its default", name, n, plural(n, "member")))
	}
	for name, n := range m.DroppedActions {
		lines = append(lines, fmt.Sprintf("action %s: no longer declared, its history dropped from %d %s", name, n, plural(n, "member")))
	}
	for name, n := range m.DroppedDuties {
		lines = append(lines, fmt.Sprintf("duty %s: no longer declared with a sanction, its last review dropped from %d %s", name, n, plural(n, "member")))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Migrate rewrites snap, taken of a community of c's name under an older
// rule file, so that Restore(c, snap) reads it: every member stays; the
// values of attributes c no longer declares are dropped, attributes the
// snapshot lacks take their defaults when restored, and the history of
// actions c no longer declares is dropped, each counted in the report. A
// value whose attribute changed type is converted where Community.Member
// converts it without loss (an int into a float, a whole float into an
// int); any other is an error naming the member, the attribute and the
// value, and then snap is left as it was.
func (c *Community) Migrate(snap *Snapshot) (*Migration, error) {
	if snap == nil {
		return nil, fmt.Errorf("migrate: no snapshot")
	}
	if snap.Community != c.Name {
		return nil, fmt.Errorf("migrate: snapshot is of community %q, not %s", snap.Community, c.Name)
	}
	mig := &Migration{Dropped: map[string]int{}, Defaulted: map[string]int{}, DroppedActions: map[string]int{}, DroppedDuties: map[string]int{}}
	duties := map[string]bool{}
	for _, k := range c.dutyKeys() {
		duties[k] = true
	}
	// Check every value first, so that a refusal leaves snap unchanged.
	for _, ms := range snap.Members {
		for name, v := range ms.Attributes {
			i, ok := c.layout.Lookup(name)
			if !ok {
				continue
			}
			t := c.layout.Slot(i).Type
			if _, err := eval.Convert(name, t, v); err != nil {
				return nil, fmt.Errorf("migrate: member %q: attribute %s is now %s, and its value %s does not convert: the rule file changed its type; convert the values or give the attribute a new name", ms.ID, name, t, eval.Describe(v))
			}
		}
	}
	for i := range snap.Members {
		ms := &snap.Members[i]
		for name := range ms.Attributes {
			if _, ok := c.layout.Lookup(name); !ok {
				delete(ms.Attributes, name)
				mig.Dropped[name]++
			}
		}
		if len(ms.NotGiven) > 0 {
			// The names of attributes no longer declared go with their
			// values; an attribute the file adds is not given, as it is
			// not in the values.
			ms.NotGiven = slices.DeleteFunc(ms.NotGiven, func(name string) bool {
				_, ok := c.layout.Lookup(name)
				return !ok
			})
		}
		for j := 0; j < c.layout.Len(); j++ {
			if _, ok := ms.Attributes[c.layout.Name(j)]; !ok {
				mig.Defaulted[c.layout.Name(j)]++
			}
		}
		for name := range ms.History {
			if _, ok := c.actionByName[name]; !ok {
				delete(ms.History, name)
				mig.DroppedActions[name]++
			}
		}
		if sc := ms.Sanctions; sc != nil && len(sc.Reviewed) > 0 {
			kept := sc.Reviewed[:0]
			for _, rv := range sc.Reviewed {
				if duties[rv.Duty] {
					kept = append(kept, rv)
				} else {
					mig.DroppedDuties[rv.Duty]++
				}
			}
			sc.Reviewed = kept
		}
	}
	return mig, nil
}
