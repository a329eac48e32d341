package runtime

import (
	"slices"

	"github.com/charterlang/charter/runtime/eval"
)

// store keeps a State's members column-wise rather than as one *Member
// each: member k's int slots are ints[k*ni : (k+1)*ni], and likewise its
// float, string and list slots and its history. A member then costs its
// slot values, its ID and its index entry, with no slice headers or
// pointers of its own (BENCHMARKS.md, StateMemory), and a scan of every
// member walks contiguous memory.
//
// The questions and effects of the runtime work on *Member values; a view
// is a Member whose record and history are slices of the store's arrays,
// so reading a view reads the store and writing through it (effects copied
// in, history recorded) writes the store. A view is valid until the store
// next grows or shrinks.
type store struct {
	ni, nf, ns, nl int // slots per member of each record array
	ne, nt         int // history words per member: ever bits, kept times
	ids            []string
	ints           []int64
	flts           []float64
	strs           []string
	lists          []any
	ever           []uint64
	times          []int64
	index          idIndex // member ID → k
	// handles[k] is member k's Handle once the host asked for one (nil
	// before): moving or removing a member moves or voids its handle, so
	// that a handle's k is always where its member is.
	handles []*Handle
}

func newStore(c *Community) store {
	return store{
		ni: len(c.defaults.I), nf: len(c.defaults.F), ns: len(c.defaults.Strings()), nl: len(c.defaults.Lists()),
		ne: c.hist.never, nt: c.hist.size,
		index: newIDIndex(),
	}
}

func (st *store) len() int { return len(st.ids) }

// find returns the k of member id, and whether id is a member.
func (st *store) find(id string) (int, bool) { return st.index.find(st.ids, id) }

// full reports whether the store holds as many members as it can.
func (st *store) full() bool { return uint64(len(st.ids)) >= maxMembers }

// add appends a copy of m's record and history under id. m is in the
// store's community's layout.
func (st *store) add(id string, m *Member) {
	st.index.add(id, len(st.ids))
	st.ids = append(st.ids, id)
	st.handles = append(st.handles, nil)
	st.ints = append(st.ints, m.rec().I...)
	st.flts = append(st.flts, m.rec().F...)
	st.strs = append(st.strs, m.rec().Strings()...)
	st.lists = append(st.lists, m.rec().Lists()...)
	st.ever = append(st.ever, m.hist.bits(&m.c.hist)...)
	if m.hist.times != nil {
		st.times = append(st.times, m.hist.all(&m.c.hist)...)
	} else {
		st.times = appendEmptyTimes(st.times, st.nt)
	}
}

// remove deletes member k by moving the last member into its place.
func (st *store) remove(k int) {
	st.index.remove(st.ids, st.ids[k])
	if h := st.handles[k]; h != nil {
		h.k = -1
	}
	last := len(st.ids) - 1
	if k != last {
		st.index.move(st.ids, st.ids[last], k)
		st.ids[k] = st.ids[last]
		st.handles[k] = st.handles[last]
		if h := st.handles[k]; h != nil {
			h.k = k
		}
		move(st.ints, k, last, st.ni)
		move(st.flts, k, last, st.nf)
		move(st.strs, k, last, st.ns)
		move(st.lists, k, last, st.nl)
		move(st.ever, k, last, st.ne)
		move(st.times, k, last, st.nt)
	}
	// Clear the vacated tail so that the arrays hold no strings or lists
	// of a member that left.
	st.ids[last] = ""
	st.handles[last] = nil
	clear(st.strs[last*st.ns:])
	clear(st.lists[last*st.nl:])
	st.ids = st.ids[:last]
	st.handles = st.handles[:last]
	st.ints = st.ints[:last*st.ni]
	st.flts = st.flts[:last*st.nf]
	st.strs = st.strs[:last*st.ns]
	st.lists = st.lists[:last*st.nl]
	st.ever = st.ever[:last*st.ne]
	st.times = st.times[:last*st.nt]
}

// move copies element block from onto block to of an array of blocks of n.
func move[T any](a []T, to, from, n int) {
	copy(a[to*n:(to+1)*n], a[from*n:(from+1)*n])
}

// block returns block k of an array of blocks of n, its capacity limited
// so that nothing appended to it can reach the next block.
func block[T any](a []T, k, n int) []T {
	return a[k*n : (k+1)*n : (k+1)*n]
}

// record points rec at member k's slots.
func (st *store) record(k int, rec *eval.Record) {
	rec.I = block(st.ints, k, st.ni)
	rec.F = block(st.flts, k, st.nf)
	if st.ns+st.nl > 0 {
		if rec.SL == nil {
			rec.SL = new(eval.SL) // rec's own: a view's or a scan's, reused
		}
		rec.S = block(st.strs, k, st.ns)
		rec.L = block(st.lists, k, st.nl)
	}
}

// view is a Member that reads and writes member k of a store: its
// record's arrays are the member's blocks of the store's arrays.
type view struct {
	m Member
	k int
}

// load makes v a view of member k of community c's store, whose ID is id.
func (st *store) load(c *Community, k int, v *view, id string) {
	st.record(k, &v.m.r)
	v.k = k
	v.m.ID = id
	v.m.c = c
	v.m.r.H = (*taker)(&v.m)
	v.m.hist = history{ever: elem0(block(st.ever, k, st.ne)), times: elem0(block(st.times, k, st.nt))}
	v.m.forgetRole()
}

// member returns a copy of member k that shares no memory with the store.
func (st *store) member(c *Community, k int) *Member {
	var v view
	st.load(c, k, &v, st.ids[k])
	return v.m.Clone()
}

// appendEmptyTimes appends n empty kept times (noTime): the history of a
// member that has recorded no taking yet.
func appendEmptyTimes(ts []int64, n int) []int64 {
	ts = slices.Grow(ts, n)
	ts = ts[:len(ts)+n]
	emptyTimes(ts[len(ts)-n:])
	return ts
}
