package simulate

import "time"

// Series is the record of one simulation run.
type Series struct {
	RunInfo

	Days []Day `json:"days"`

	// Transitions counts, over the whole run, members moving from one role
	// to another, in the order first seen. A member joining comes From
	// Joined; one leaving (of its own accord or removed) goes To Left.
	Transitions []Transition `json:"transitions"`
}

// RunInfo is what ran and the names its days count by: the first line of
// the JSON Lines form (WriteJSONL), and the start of a Series, whose JSON
// has its fields inline.
type RunInfo struct {
	// Community, Rules, Model and Seed say what ran: the community's name,
	// the rule file and model file as given, and the seed.
	Community string `json:"community"`
	Rules     string `json:"rules"`
	Model     string `json:"model"`
	Seed      int64  `json:"seed"`
	// Start is the start of day 1.
	Start time.Time `json:"start"`

	// Roles are the community's roles, lowest rung first (empty for a
	// community without a ladder); Badges, its badges in declaration order.
	Roles  []string `json:"roles"`
	Badges []string `json:"badges"`
	// Goals are the community's goals in declaration order.
	Goals []GoalInfo `json:"goals"`
}

// Joined and Left stand for "outside the community" in a Transition.
const (
	Joined = "(joined)"
	Left   = "(left)"
)

// GoalInfo is what a goal is, apart from its daily value.
type GoalInfo struct {
	Name   string  `json:"name"`
	Title  string  `json:"title,omitempty"`
	Op     string  `json:"op"` // >=, <=, >, <, ==
	Target float64 `json:"target"`
}

// Day is one simulated day, read at its end (after that day's review).
type Day struct {
	Day  int       `json:"day"`  // 1-based
	Date time.Time `json:"date"` // the end of the day: when its figures were read

	Members int `json:"members"` // in the community at the end of the day
	Joined  int `json:"joined"`  // joined this day
	Left    int `json:"left"`    // left this day of their own accord
	Removed int `json:"removed"` // removed this day by a sanction
	// Refused counts the members the model brought this day whom the
	// community's admit condition refused (SPEC §10.7).
	Refused int `json:"refused,omitempty"`

	// Roles and Badges count members per role and per badge, by name.
	Roles  map[string]int `json:"roles"`
	Badges map[string]int `json:"badges"`
	// Goals are the goals' values at the end of the day, in Series.Goals'
	// order.
	Goals []GoalDay `json:"goals"`

	Attempts int `json:"attempts"` // actions tried this day
	Allowed  int `json:"allowed"`  // of those, allowed and applied
	// Denials counts this day's refused attempts by the label of each
	// rule that refused them (a refusal by several rules counts for each),
	// or "by default".
	Denials map[string]int `json:"denials"`
	// Sanctions counts sanctions applied this day by kind (warn, mute,
	// demote, remove, or the host's own).
	Sanctions map[string]int `json:"sanctions"`
	// Messages counts the nudges and offers that reached members this day,
	// by their text.
	Messages map[string]int `json:"messages"`
}

// GoalDay is one goal's value at the end of a day.
type GoalDay struct {
	Value float64 `json:"value"`
	Met   bool    `json:"met"`
}

// Transition counts members that moved From one role To another.
type Transition struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}
