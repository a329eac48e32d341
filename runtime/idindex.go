package runtime

import "hash/maphash"

// idIndex finds a member's place k in a store by its ID. It replaces a
// map[string]int, whose entries hold a copy of the ID's string header
// (24 bytes a slot, about 63 bytes a member at a million members with the
// map's groups and spare capacity: BENCHMARKS.md, "StateMemory after
// has"): the IDs are in the store's ids array already, so a slot here is
// one word, 32 bits of the ID's hash beside k+1, about 16 bytes a member.
//
// It is a linear-probing table whose slot count is a power of two, kept at
// most three quarters full. A slot's home is computed from the 32 hash
// bits it keeps, so growing the table never hashes an ID again; removals
// shift the slots after them back rather than leaving tombstones, so
// lookups never slow with churn. Comparing the kept bits first makes a
// lookup read the ids array, and the ID's bytes, only for the slot that
// almost surely holds it.
type idIndex struct {
	seed  maphash.Seed
	slots []uint64 // 0: empty; else tag<<32 | (k+1)
	shift uint     // 32 - log2(len(slots))
	n     int
}

// maxMembers bounds a store: k+1 must fit the 32 bits of a slot, and home
// shifts a 32-bit product, so the table has at most 2^32 slots, of which
// three quarters may be full.
const maxMembers = 3 << 30

func newIDIndex() idIndex { return idIndex{seed: maphash.MakeSeed()} }

func (x *idIndex) tag(id string) uint32 { return uint32(maphash.String(x.seed, id) >> 32) }

// home is the slot where a probe for tag starts: the top bits of a
// multiplicative (Fibonacci) hash of the tag.
func (x *idIndex) home(tag uint32) int { return int((tag * 0x9E3779B1) >> x.shift) }

// slot returns the slot holding id (ids is the store's ids array) and
// whether there is one.
func (x *idIndex) slot(ids []string, id string) (int, bool) {
	if x.n == 0 {
		return 0, false
	}
	tag := x.tag(id)
	mask := len(x.slots) - 1
	for i := x.home(tag); ; i = (i + 1) & mask {
		e := x.slots[i]
		if e == 0 {
			return 0, false
		}
		if uint32(e>>32) == tag && ids[uint32(e)-1] == id {
			return i, true
		}
	}
}

// find returns k of id and whether id is in the index.
func (x *idIndex) find(ids []string, id string) (int, bool) {
	i, ok := x.slot(ids, id)
	if !ok {
		return 0, false
	}
	return int(uint32(x.slots[i])) - 1, true
}

// add indexes id, which is not in the index, as k (< maxMembers).
func (x *idIndex) add(id string, k int) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.grow()
	}
	x.put(uint64(x.tag(id))<<32 | uint64(k+1))
	x.n++
}

// put stores slot value e in the first empty slot from its home.
func (x *idIndex) put(e uint64) {
	mask := len(x.slots) - 1
	i := x.home(uint32(e >> 32))
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = e
}

// grow doubles the table (8 slots at first) and puts every slot back.
func (x *idIndex) grow() {
	old := x.slots
	size := max(8, 2*len(old))
	x.slots = make([]uint64, size)
	x.shift = 32
	for s := size; s > 1; s >>= 1 {
		x.shift--
	}
	for _, e := range old {
		if e != 0 {
			x.put(e)
		}
	}
}

// move makes the slot of id, which is in the index, say k.
func (x *idIndex) move(ids []string, id string, k int) {
	i, _ := x.slot(ids, id)
	x.slots[i] = x.slots[i]&^(1<<32-1) | uint64(k+1)
}

// remove takes id, which is in the index, out of it: each later slot of
// the run is shifted back into the gap when its home is not between the
// gap and it, so that every probe still reaches its slot.
func (x *idIndex) remove(ids []string, id string) {
	i, _ := x.slot(ids, id)
	mask := len(x.slots) - 1
	for j := (i + 1) & mask; x.slots[j] != 0; j = (j + 1) & mask {
		h := x.home(uint32(x.slots[j] >> 32))
		// Slot j stays when its home lies cyclically in (i, j].
		if i < j && i < h && h <= j || j < i && (i < h || h <= j) {
			continue
		}
		x.slots[i] = x.slots[j]
		i = j
	}
	x.slots[i] = 0
	x.n--
}
