package runtime

import "math"

// history is what one member has done, as much as the rules need: whether
// each action was ever taken (for `first`), and the times of its last K
// takings, K being the largest count of any `limit` or `must` rule on it
// (for windows). Times are Unix nanoseconds, kept in ascending order.
type history struct {
	ever  []uint64 // bit i: action i was taken at least once
	times []int64  // per action a, times[off[a] : off[a]+keep[a]]; empty slots hold noTime
}

const noTime = math.MinInt64

// historyShape says, per action, how many times to keep and where.
type historyShape struct {
	keep []int // per action index
	off  []int
	size int
}

func newHistoryShape(keep []int) historyShape {
	s := historyShape{keep: keep, off: make([]int, len(keep))}
	for i, k := range keep {
		s.off[i] = s.size
		s.size += k
	}
	return s
}

func (s *historyShape) empty() history {
	h := history{ever: make([]uint64, (len(s.keep)+63)/64), times: make([]int64, s.size)}
	for i := range h.times {
		h.times[i] = noTime
	}
	return h
}

func (h *history) clone() history {
	return history{ever: append([]uint64(nil), h.ever...), times: append([]int64(nil), h.times...)}
}

// reset empties h: no action taken, no time kept.
func (h *history) reset() {
	clear(h.ever)
	for i := range h.times {
		h.times[i] = noTime
	}
}

func (h *history) done(action int) bool {
	return h.ever != nil && h.ever[action/64]&(1<<(action%64)) != 0
}

// record notes that action was taken at t.
func (h *history) record(s *historyShape, action int, t int64) {
	h.ever[action/64] |= 1 << (action % 64)
	k := s.keep[action]
	if k == 0 {
		return
	}
	ts := h.times[s.off[action] : s.off[action]+k]
	if ts[0] != noTime && t < ts[0] {
		return // older than everything kept: it cannot matter to any window
	}
	// Drop the oldest, then insert t in order (events may arrive out of order).
	copy(ts, ts[1:])
	i := k - 1
	for i > 0 && ts[i-1] != noTime && ts[i-1] > t {
		ts[i] = ts[i-1]
		i--
	}
	ts[i] = t
}

// count returns how many of the kept takings of action fall in (at-per, at].
func (h *history) count(s *historyShape, action int, at, per int64) int {
	k := s.keep[action]
	ts := h.times[s.off[action] : s.off[action]+k]
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
