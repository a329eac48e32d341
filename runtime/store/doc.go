// Package store keeps a live community durable: a State is a
// runtime.State whose every change is written to a log before the call
// that made it returns, so that reopening after a crash recovers exactly
// the acknowledged operations, with goals equal to a rescan.
//
//	st, err := store.Open(ctx, club, "club.db") // bbolt: one file, nothing to run
//	st, err := store.Open(ctx, club, "postgres://host/db") // several app servers
//	defer st.Close()
//	res, err := st.Apply(ctx, "ann", "post", runtime.Args{"length": 120}, at)
//
// The mutators have the names and signatures of runtime.State's, and
// return once the change is durable: Join, JoinAt, Leave, Update, Apply,
// ApplyCall, Review, Lift. Every operation that changes the state is an
// event of the log, a denial that applies a sanction included; one that
// changes nothing (a denied action without a sanction, an error) writes
// nothing. The questions are runtime.State's too, answered from memory:
// Member, Len, Events, IDs, Goals, Decide, Holds, Sanctions, Snapshot,
// Community. Compact writes a
// snapshot and drops the log before it (the State also does so by itself,
// see CompactEvery); Close compacts and closes; Migration reports what
// opening changed for a new rule file; Refresh catches up with other
// processes' events (PostgreSQL) before a question that must see them.
//
// The log holds operations, not their effects: recovery replays them
// through the State, which decides them as it did (time is an input, so
// the replay is exact). A store records the rule file its State runs (a
// hash of the community's source, and the source itself with the standard
// pieces and settings it ran); opened with a changed file it migrates its
// snapshot (runtime.Community.Migrate) and reports what changed, after
// replaying a crash's log by the recorded rules that decided it.
//
// With PostgreSQL, several processes apply to one community: each
// operation locks the community's row, replays the events the others
// committed since, decides, appends and commits, so every decision is made
// against the latest committed state. LISTEN/NOTIFY brings the others'
// events into each process's memory between operations.
package store
