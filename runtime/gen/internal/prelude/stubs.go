package prelude

import "strconv"

// What follows stands for the declarations charter gen writes per
// community, so that the copied code compiles and can be tested here; the
// generator never copies this file. The values make a small community:
// two actions, the first named by a first rule, the second keeping its
// last two takings, two rules.

const (
	actionWords   = 1
	historySize   = 3
	decisionWords = 1
	badgeWords    = 1
)

type Action int

const (
	ActionPost Action = iota
	ActionSave
)

var actionNames = [...]string{"post", "save"}

type Badge int

var badgeNames = [...]string{"fresh", "old"}

func (x Badge) String() string {
	if x >= 0 && int(x) < len(badgeNames) {
		return badgeNames[x]
	}
	return "Badge(" + strconv.Itoa(int(x)) + ")"
}

var (
	keep  = [...]int{0, 2}
	off   = [...]int{0, 0}
	first = [...]int{2, -1} // a first rule names post
)

type Member struct {
	Posts int64
	hist  history
}

var defaultMember = Member{Posts: 1, hist: history{times: [historySize]int64{noTime, noTime, noTime}}}

var rules = [...]struct {
	kind, label, reason string
	sanction            *Sanction
}{
	{"must not", "must not post (c.charter:3:3)", "banned", &Sanction{Name: "mute", For: 36 * 60 * 60 * 1e9}},
	{"may", "may post (c.charter:4:3)", "may post", nil},
}

var actionRules = [...][]Rule{ActionPost: {0, 1}, ActionSave: {}}

type env struct {
	m         *Member
	role      int64
	roleKnown bool
	ladders   int // how many times ladder ran
}

func (e *env) ladder() int64 {
	e.ladders++
	return 2
}
