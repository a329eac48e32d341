package runtime

import (
	"math"
	"unsafe"
)

// history is what one member has done, as much as the rules need: whether
// each action was ever taken and, for an action a `first` rule names, the
// time of its earliest taking (so that a question at a time before it does
// not count it); and the times of its last K takings, K being the largest
// count of any `limit` or `must` rule on it (for windows). Times are Unix
// nanoseconds, kept in ascending order.
//
// Both arrays are held by a pointer to their first element, their lengths
// being the community's (historyShape.never and size): two slice headers
// were 32 bytes more of every new member, which took FanClub's from the
// allocator's 240-byte size class to its 288 (BenchmarkDecideArgs, the
// path README shows first). bits and all return them as slices.
type history struct {
	ever *uint64 // never words; bit i: action i was taken at least once
	// times holds, per action a, times[off[a] : off[a]+keep[a]] and
	// times[first[a]]; empty slots hold noTime. A member outside a State
	// gets it at its first recorded taking (nil until then reads as every
	// slot empty): a member built per question (MemberFromStruct) then
	// costs no kept times, which a rule file can make 80 KB an action
	// (SPEC §13's count of 10,000).
	times *int64
}

// bits returns h's ever bits, laid out as s says (nil without actions).
func (h *history) bits(s *historyShape) []uint64 {
	if h.ever == nil {
		return nil
	}
	return unsafe.Slice(h.ever, s.never)
}

// all returns h's kept times, laid out as s says, nil while h keeps none.
func (h *history) all(s *historyShape) []int64 {
	if h.times == nil {
		return nil
	}
	return unsafe.Slice(h.times, s.size)
}

// elem0 returns the address of a's first element, nil for an empty a:
// how a history holds its arrays.
func elem0[T any](a []T) *T {
	if len(a) == 0 {
		return nil
	}
	return &a[0]
}

const noTime = math.MinInt64

// historyShape says, per action, how many times to keep and where.
type historyShape struct {
	keep []int // per action index
	off  []int
	// first is the slot of the action's earliest time, -1 for an action
	// no `first` rule names. The slot holds noTime while the action was
	// never taken, or when it was taken at a time not known (a snapshot
	// that gives only "ever"): then it counts as taken at any time.
	first []int
	size  int
	never int // words of ever bits: one per 64 actions
}

// KeptTimes is how many taking times each member's history keeps, across
// all actions: for each action the largest count of a limit or must rule
// on it, or of a taken comparison (plus one), and one more for an action a
// first rule names. Each is 8 bytes of every member a State holds, and
// of every other member once a taking is recorded in it (SPEC §11.2,
// §13): a host that accepts rule files from others can weigh them by it,
// as by Cost.
func (c *Community) KeptTimes() int { return c.hist.size }

// newHistoryShape lays out the kept times of each action, and an earliest
// time for each action whose firsts entry is true.
func newHistoryShape(keep []int, firsts []bool) historyShape {
	s := historyShape{keep: keep, off: make([]int, len(keep)), first: make([]int, len(keep)), never: (len(keep) + 63) / 64}
	for i, k := range keep {
		s.off[i] = s.size
		s.size += k
	}
	for i := range s.first {
		s.first[i] = -1
		if i < len(firsts) && firsts[i] {
			s.first[i] = s.size
			s.size++
		}
	}
	return s
}

// slots returns h's kept times, laid out as s says, making them (every
// slot empty) when h has none yet.
func (h *history) slots(s *historyShape) []int64 {
	if h.times == nil && s.size > 0 {
		ts := make([]int64, s.size)
		emptyTimes(ts)
		h.times = &ts[0]
	}
	return h.all(s)
}

// emptyTimes sets every kept time of ts to noTime, as in a history that
// recorded no taking.
func emptyTimes(ts []int64) {
	for i := range ts {
		ts[i] = noTime
	}
}

// word and slot return the address of ever word i and of kept time i.
// They check no bounds: the paths that decide (done, time, count) read
// them, where a slice made from the pointer and the shape's length cost
// Decide 7% more instructions and doneBy its inlining. Callers index by
// an action of the community (word action/64) or a slot of its shape;
// under -race, checkptr checks that the address stays in the array's
// allocation.
func (h *history) word(i int) *uint64 {
	return (*uint64)(unsafe.Add(unsafe.Pointer(h.ever), uintptr(i)*8))
}

func (h *history) slot(i int) *int64 {
	return (*int64)(unsafe.Add(unsafe.Pointer(h.times), uintptr(i)*8))
}

// time returns the kept time in slot i, noTime while h keeps none.
func (h *history) time(i int) int64 {
	if h.times == nil {
		return noTime
	}
	return *h.slot(i)
}

// reset empties h: no action taken, no time kept. A time is kept only
// for an action whose ever bit is set, so a history with no bit set is
// already empty and reset reads only its bits: a host refilling one
// member per question (BenchmarkFillFromStruct) pays nothing for a
// history it never recorded.
func (h *history) reset(s *historyShape) {
	if h.ever == nil {
		return
	}
	for i := range s.never {
		if *h.word(i) != 0 {
			clear(h.bits(s))
			emptyTimes(h.all(s))
			return
		}
	}
}

func (h *history) done(action int) bool {
	return h.ever != nil && *h.word(int(uint(action) / 64))&(1<<(uint(action)%64)) != 0
}

// doneBy reports whether action was taken at or before at: a taking dated
// after the question's time does not count (SPEC §11.2).
func (h *history) doneBy(s *historyShape, action int, at int64) bool {
	if !h.done(action) {
		return false
	}
	f := s.first[action]
	return f < 0 || h.time(f) <= at // noTime, the least int64, is before any at
}

// record notes that action was taken at t.
func (h *history) record(s *historyShape, action int, t int64) {
	times := h.slots(s)
	if f := s.first[action]; f >= 0 {
		// An action already done at an unknown time (noTime) stays so.
		if !h.done(action) || (times[f] != noTime && t < times[f]) {
			times[f] = t
		}
	}
	h.bits(s)[action/64] |= 1 << (action % 64)
	k := s.keep[action]
	if k == 0 {
		return
	}
	ts := times[s.off[action] : s.off[action]+k]
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
	if h.times == nil {
		return 0
	}
	k, off := s.keep[action], s.off[action]
	from := at - per
	n := 0
	for i := k - 1; i >= 0; i-- {
		t := *h.slot(off + i)
		if t == noTime || t <= from {
			break
		}
		if t <= at {
			n++
		}
	}
	return n
}

// kept returns the kept times of action (empty slots hold noTime) and its
// earliest time, when it has a slot for it.
func (h *history) kept(s *historyShape, action int) []int64 {
	if h.times == nil {
		return nil
	}
	all := h.all(s)
	ts := all[s.off[action] : s.off[action]+s.keep[action]]
	if f := s.first[action]; f >= 0 {
		ts = append(ts[:len(ts):len(ts)], all[f])
	}
	return ts
}

// firstTime returns the earliest time action was taken, and false when
// that is not kept or not known.
func (h *history) firstTime(s *historyShape, action int) (int64, bool) {
	f := s.first[action]
	if f < 0 || !h.done(action) || h.time(f) == noTime {
		return 0, false
	}
	return *h.slot(f), true
}

// copyAction makes action a of h, of shape s, what action b of src, of
// shape ss, is: as when a member moves between related communities.
func (h *history) copyAction(s *historyShape, a int, src *history, ss *historyShape, b int) {
	if !src.done(b) {
		return
	}
	h.bits(s)[a/64] |= 1 << (a % 64)
	if src.times != nil {
		for _, t := range src.all(ss)[ss.off[b] : ss.off[b]+ss.keep[b]] {
			if t != noTime {
				h.record(s, a, t)
			}
		}
	}
	if f := s.first[a]; f >= 0 {
		ft, ok := src.firstTime(ss, b)
		if !ok {
			ft = noTime // earliest unknown: counts as done at any time
		}
		h.slots(s)[f] = ft
	}
}
