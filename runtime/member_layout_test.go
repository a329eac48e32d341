package runtime

import (
	"reflect"
	"testing"
	"unsafe"
)

// TestEfaceLayout checks the layout FillFromStruct's and MemberFromStruct's
// one-step path reads an interface by: the type word first, then the
// pointer it holds, the type word being what typeWord returns for the
// pointer type. Were the words swapped, typeWord would return the nil data
// word of a nil pointer, and binding turns the fast path off for that.
func TestEfaceLayout(t *testing.T) {
	type s struct{ X int }
	p := &s{X: 1}
	v := any(p)
	ef := (*eface)(unsafe.Pointer(&v))
	if ef.data != unsafe.Pointer(p) {
		t.Errorf("data word = %p, want the pointer %p", ef.data, p)
	}
	w := typeWord(reflect.PointerTo(reflect.TypeFor[s]()))
	if w == nil || ef.typ != w {
		t.Errorf("type word = %p, typeWord(*s) = %p: want equal and not nil", ef.typ, w)
	}
	var other any = &struct{ X int }{}
	if (*eface)(unsafe.Pointer(&other)).typ == w {
		t.Errorf("another pointer type has *s's type word")
	}
}

// TestMemberSize checks the size withWords' arrays were chosen for: each
// fills a size class of the allocator after a 120-byte Member (FanClub's
// 10 words, 208 bytes). A Member of another size wastes up to 16 bytes of
// every new member until the arrays are chosen again.
func TestMemberSize(t *testing.T) {
	if s := unsafe.Sizeof(Member{}); s != 120 {
		t.Errorf("Member is %d bytes: choose withWords' arrays again for the allocator's size classes", s)
	}
	if s := unsafe.Sizeof(memberWith[[11]int64]{}); s != 208 {
		t.Errorf("a Member with 11 words is %d bytes, want 208", s)
	}
}

// TestMemberBlockDisjoint checks that the ints, floats and history bits
// alloc lays over one array, and the kept times made at the first
// taking, do not overlap: writing each part leaves the others as written.
func TestMemberBlockDisjoint(t *testing.T) {
	// 7, 21 and 37 words (the largest of their arrays) sit in the
	// Member's own allocation; 40 in an array of their own.
	for _, b := range []memberBlock{{ni: 3, nf: 2, never: 2}, {ni: 12, nf: 7, never: 2}, {ni: 22, nf: 13, never: 2}, {ni: 30, nf: 8, never: 2}} {
		memberBlockDisjoint(t, b, &historyShape{size: 5, never: b.never})
	}
}

func memberBlockDisjoint(t *testing.T, b memberBlock, h *historyShape) {
	m := b.alloc("", nil)
	if len(m.r.I) != b.ni || cap(m.r.I) != b.ni || len(m.r.F) != b.nf || m.hist.ever == nil || m.hist.times != nil {
		t.Fatalf("lengths: I %d (cap %d), F %d, ever %p, times %p (want none before a taking)", len(m.r.I), cap(m.r.I), len(m.r.F), m.hist.ever, m.hist.times)
	}
	if ts := m.hist.slots(h); len(ts) != h.size || ts[0] != noTime || ts[h.size-1] != noTime {
		t.Fatalf("kept times made at the first taking: %v, want %d empty", ts, h.size)
	}
	if m.rec() != &m.r {
		t.Errorf("rec does not point at the member's own record")
	}
	for i := range m.r.I {
		m.r.I[i] = int64(10 + i)
	}
	for i := range m.r.F {
		m.r.F[i] = 0.5 + float64(i)
	}
	ever, times := m.hist.bits(h), m.hist.all(h)
	for i := range ever {
		ever[i] = ^uint64(i)
	}
	for i := range times {
		times[i] = int64(100 + i)
	}
	for i, x := range m.r.I {
		if x != int64(10+i) {
			t.Errorf("I[%d] = %d", i, x)
		}
	}
	for i, x := range m.r.F {
		if x != 0.5+float64(i) {
			t.Errorf("F[%d] = %v", i, x)
		}
	}
	for i, x := range m.hist.bits(h) {
		if x != ^uint64(i) {
			t.Errorf("ever[%d] = %x", i, x)
		}
	}
	for i, x := range m.hist.all(h) {
		if x != int64(100+i) {
			t.Errorf("times[%d] = %d", i, x)
		}
	}
	if uintptr(unsafe.Pointer(&m.r.F[0]))%unsafe.Alignof(float64(0)) != 0 {
		t.Errorf("floats misaligned")
	}
}
