// Package statehook lets runtime/store do to a runtime.State what a host
// must not: the log of a durable store holds what older binaries did, and
// replaying it must count each of their events, even one this binary
// refuses. runtime sets the hooks in its init; runtime/store calls them.
package statehook

// CountEvent counts an event that changes nothing on s, a *runtime.State:
// a lift of a mute that had ended, which binaries before mutes were
// forgotten (SPEC §11.5) logged as an event.
var CountEvent func(s any)
