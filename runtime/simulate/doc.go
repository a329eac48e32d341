// Package simulate runs a compiled community forward in time under a
// behaviour model and records what it did, day by day (charter simulate).
//
// A Series is the whole record of one run: the names that label its
// columns, one Day per simulated day, and the conversions between roles
// over the run. The simulation (Run) writes it; the report
// (runtime/simulate/report) draws it; WriteCSV and WriteJSONL carry it to
// other tools.
//
//	prog, _ := runtime.CompileFiles("club.charter")
//	club := prog.Community("FanClub")
//	model, err := simulate.ReadModel("model.json", club) // errors name file:line:col
//	series, err := simulate.Run(ctx, club, model, simulate.Options{Days: 180, Seed: 1})
//	simulate.WriteCSV(w, series)
//
// # The run
//
// Run drives a live runtime.State, as a host would: members join with
// State.JoinAt, try actions with State.ApplyCall (the rules decide, effects
// apply, denials apply their sanctions), and at the end of every day the
// state reviews the duties (State.Review). Day d covers [start + (d-1)·24h,
// start + d·24h). Its order:
//
//  1. Every member in the community at the start of the day draws how many
//     actions it tries (a Poisson draw with the sum of its rates as mean),
//     which actions (in proportion to their rates), and for each a random
//     hour of the day; the tries are applied in time order, at the start
//     of their hour, so that the state sees time move only forward. The
//     arguments are drawn when a try is applied. A member removed by a
//     sanction during the day tries nothing more.
//  2. At the day's end: the review; then each member that a leave rule
//     holds for may leave; then the new members join (join_per_day, and
//     one for each allowed try that join_per_action says brings one).
//  3. The day's figures are read at its end (Day.Date): members per role
//     and badge, goals, and the nudges and offers that reach each member
//     (Day.Messages). Those messages, the role and the badges then set
//     what each member does the next day.
//
// The members at the start ("initial") join at the start of day 1 and count
// in day 1's Joined. New members are called m1, m2, ... in the order they
// join. A role change is counted in Series.Transitions when an action, a
// denial's sanction or the review causes it (runtime.Result.Changes,
// runtime.ReviewResult.Changes), and the member then holds its new role
// for the day's leave rules; otherwise the daily reading finds it (time
// moved a member).
//
// The run is deterministic: random numbers come from a PCG seeded with
// Options.Seed, members are visited in join order, and nothing reads the
// clock: the simulated time starts at Options.Start, else the model's
// "start", else DefaultStart (2026-01-01T00:00:00Z).
//
// # The behaviour model
//
// A model is a JSON object (JSON, for it needs nothing beyond the standard
// library, and a model is a page of numbers). Every name in it must be one
// the community declares; an unknown name, a value of the wrong type or a
// JSON syntax error is an error naming the model's file, line and column,
// with a did-you-mean where a name is close to a declared one. Every field
// is optional.
//
//	{
//	  "start": "2026-01-01T00:00:00Z",
//	  "members": {
//	    "initial": 40,
//	    "join_per_day": {"poisson": 1.5},
//	    "join_per_action": {"invite": 0.7},
//	    "attributes": {"followers": {"choice": [5, 150], "weights": [9, 1]}, "last_seen": "now"}
//	  },
//	  "seen": "last_seen",
//	  "args": {
//	    "post": {"length": {"normal": [600, 400], "min": 1}, "topic": {"choice": ["phones", "apps"]}},
//	    "tip":  {"to": {"member": "creator"}, "amount": {"uniform": [1, 3]}}
//	  },
//	  "behaviour": {
//	    "*":        {"comment": {"per_day": 0.2, "args": {"on": "news"}}},
//	    "creator":  {"post": {"per_day": 0.5}, "tip": {"per_day": 0.1}},
//	    "inactive": {"*": {"times": 0.3}}
//	  },
//	  "leave": [{"who": "inactive", "inactive_days": 30, "chance": 0.05}],
//	  "messages": {"A daily discussion topic": {"comment": 1.5}}
//	}
//
// "start" is the start of day 1, in RFC 3339.
//
// "members": "initial" is the number of members at the start, or an array
// of groups {"count": N, "attributes": {...}} whose attributes override
// the model's (an owner, two admins, the rest). "join_per_day" is a
// distribution of whole numbers: the members who join at the end of each
// day. "join_per_action" gives, per action, the chance from 0 to 1 that an
// allowed try brings a new member (an invitation accepted). "attributes"
// gives a new member's attributes as distributions; the others take their
// defaults, and an attribute the community requires must be given.
//
// "seen" names a time attribute that a member's first allowed action of
// each day sets to its time (State.Update), as a host records a visit.
//
// "behaviour" says who tries what. Its keys are "*" (every member), roles
// and badges; each holds actions, each with "per_day" (the mean number of
// tries a day), "args" (the arguments, overriding the model's "args" for
// this action) and "times" (a factor on the action's rate); "*" as an
// action takes only "times", a factor on every action. A member's rate of
// an action is the sum of the per_day of every entry that holds for it
// (everyone's, its role's, each of its badges') times the factors of those
// entries and of the messages that reach it. Each try takes its arguments
// from the entry whose rate it came from. Every argument of an action
// tried must have a distribution, in the entry or in the model's "args".
//
// "leave" rules are tried in order for every member at each day's end:
// {"who": "*", a role or a badge; "inactive_days": N; "chance": p}
// makes a member it holds for, without an allowed action in the last N
// days (counting from its join), leave with chance p (1 if not given).
//
// "messages" are keyed by the text of a nudge or offer of the community:
// the factors by which reaching a member multiplies its rate of each
// action ("*" for every action).
//
// # Distributions
//
// Where the model gives a value (an argument, an attribute, join_per_day),
// it is a constant of the parameter's or attribute's type (3, 2.5, true,
// "text"; for a time, "now" — the time of the draw — or RFC 3339), or one
// of:
//
//	{"choice": [a, b, c], "weights": [5, 3, 1]}   one of the values; weights default to equal
//	{"uniform": [low, high]}                      whole numbers low..high for an int; [low, high) for a float
//	{"normal": [mean, sd], "min": x, "max": y}    rounded for an int; min and max clamp, and are optional
//	{"poisson": mean}                             a count: an int or a float
//	{"bernoulli": p}                              true with probability p: a bool
//	{"member": "*"}                               another member, for a member parameter: "*" any,
//	                                              or a role or badge: one who held it at the day's start
//
// A member argument names a member other than the one trying; when the
// pool has none, the member does not try. Durations, lists and time
// arguments take one constant value.
//
// # Output
//
// WriteCSV writes one row per day, its columns listed by CSVHeader;
// WriteJSONL writes a header line, one line per Day and a last line with
// the transitions, and ReadJSONL reads that back.
package simulate
