package prelude

import "math"

// noTime marks an empty slot of a history.
const noTime = math.MinInt64

// history is what a member has done, as runtime/history.go keeps it:
// whether each action was ever taken, the times of its last keep[a]
// takings in ascending order (nanoseconds since the Unix epoch), and at
// times[first[a]] the earliest taking of an action a first rule names.
type history struct {
	ever  [actionWords]uint64
	times [historySize]int64
}

func (h *history) done(a Action) bool { return h.ever[a/64]&(1<<(a%64)) != 0 }

// doneBy reports whether a was taken at or before at, as first rules ask.
func (h *history) doneBy(a Action, at int64) bool {
	return h.done(a) && (first[a] < 0 || h.times[first[a]] <= at)
}

// record notes that action a was taken at t.
func (h *history) record(a Action, t int64) {
	if f := first[a]; f >= 0 && (!h.done(a) || (h.times[f] != noTime && t < h.times[f])) {
		h.times[f] = t // an action done at an unknown time (noTime) stays so
	}
	h.ever[a/64] |= 1 << (a % 64)
	k := keep[a]
	if k == 0 {
		return
	}
	ts := h.times[off[a] : off[a]+k]
	if ts[0] != noTime && t < ts[0] {
		return // older than everything kept: it cannot matter to any window
	}
	copy(ts, ts[1:])
	i := k - 1
	for i > 0 && ts[i-1] != noTime && ts[i-1] > t {
		ts[i] = ts[i-1]
		i--
	}
	ts[i] = t
}

// count returns how many of the kept takings of a fall in (at-per, at].
func (h *history) count(a Action, at, per int64) int {
	k := keep[a]
	ts := h.times[off[a] : off[a]+k]
	from := at - per
	n := 0
	for i := k - 1; i >= 0; i-- {
		t := ts[i]
		if t == noTime || t <= from {
			break
		}
		if t <= at {
			n++
		}
	}
	return n
}
