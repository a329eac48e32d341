package runtime

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/charterlang/charter/internal/jsonkeys"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
	"github.com/charterlang/charter/stdlib"
)

// Member is one member's values in the compact, slot-indexed form the
// compiled conditions read, with the action history that `first`, `limit`
// and duties need. Build one with Community.Member or MemberFromStruct.
// A Member is a plain value: reading it from several goroutines is safe,
// changing it while others read is not (the State does its own locking).
type Member struct {
	ID   string
	c    *Community  // the community whose layout r has
	r    eval.Record // the member's values: rec returns it
	hist history
	// role caches the member's rank plus one when the ladder does not
	// read the time: 0 unknown, so that a new member needs no store.
	// Atomic, since a member may be read by several goroutines at once;
	// reset whenever rec changes.
	role atomic.Int64
}

// rec returns m's record. It was a pointer field, always to m.r: the
// pointer made every new member 8 bytes larger and one pointer store
// (with its write barrier while the collector marks) longer.
func (m *Member) rec() *eval.Record { return &m.r }

// forgetRole clears the cached role; call it whenever m's record changes.
// Whoever changes m has it to itself (readers on other goroutines are
// ordered before or after the change by the caller's own locking, as
// Member's documentation requires), so the store need not be atomic: an
// atomic store is a locked exchange, about 8 ns here
// (BenchmarkRoleUncached, which forgets before each Role; the readers'
// atomic loads and the cache's atomic stores stay as they are).
func (m *Member) forgetRole() {
	*(*int64)(unsafe.Pointer(&m.role)) = 0
}

// HistoryKey is the key under which a member record given as a map may
// carry its action history: {"@history": {"introduce": ["2026-01-02T10:00:00Z"]}}.
// The "@" keeps it apart from attribute names, which cannot contain it.
const HistoryKey = "@history"

// Member builds a member from attribute values: int, int64, float64,
// json.Number, bool, string, time.Time or an RFC 3339 string for times,
// time.Duration or a duration string ("36h", "7d") for durations, and
// slices of those. Missing attributes take their default and are not
// given (SPEC §7.7: has is false for them), except required ones: a
// record without them is an error naming them. A nil value is an error,
// not a value left out. An
// unknown attribute or a value of the wrong type is an error naming the
// attribute, the expected and the given type. The optional HistoryKey
// entry lists when each action was taken.
func (c *Community) Member(values map[string]any) (*Member, error) {
	if len(c.required) > 0 {
		if err := c.missingRequired(func(name string) bool { _, ok := values[name]; return ok }); err != nil {
			return nil, err
		}
	}
	m := c.newMember("")
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names) // deterministic: the first error is always the same
	for _, k := range names {
		v := values[k]
		if k == HistoryKey {
			if err := c.setHistory(m, v); err != nil {
				return nil, err
			}
			continue
		}
		i, ok := c.layout.Lookup(k)
		if !ok {
			if _, set := c.settings[k]; set {
				return nil, fmt.Errorf("unknown attribute %q: %s is a setting of %s, which no member record holds; the host sets it with WithSettings", k, k, c.Name)
			}
			return nil, fmt.Errorf("unknown attribute %q: %s declares %s", k, c.Name, c.attrList())
		}
		if v == nil {
			// Not a way to leave the value out, which has could not tell
			// from an oversight: say how (SPEC §7.7).
			return nil, fmt.Errorf("attribute %s: want %s, got null: leave the key out for a value not given", k, c.layout.Slot(i).Type)
		}
		if err := c.layout.Set(m.rec(), i, v); err != nil {
			return nil, err
		}
		c.layout.Give(m.rec(), i) // the record gave it (SPEC §7.7)
	}
	return m, nil
}

// MemberJSON builds a member from one JSON object, as Member does; numbers
// keep their exact text so that 3 is an int and 3.5 is not. A key given
// twice, at any depth, is an error naming its line and column: decoding
// would keep the last and drop the first without a word.
func (c *Community) MemberJSON(data []byte) (*Member, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var values map[string]any
	if err := dec.Decode(&values); err != nil {
		return nil, fmt.Errorf("member JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("member JSON: more than one value")
	}
	if values == nil {
		return nil, fmt.Errorf("member JSON: want an object, got null")
	}
	if d := jsonkeys.Find(data); d != nil {
		line, col := d.Position(data)
		return nil, fmt.Errorf("member JSON: %v at line %d, column %d", d, line, col)
	}
	return c.Member(values)
}

// missingRequired returns an error naming the required attributes
// (SPEC §6.4) for which given is false, or nil.
func (c *Community) missingRequired(given func(name string) bool) error {
	var missing []string
	for _, name := range c.required {
		if !given(name) {
			missing = append(missing, name)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("missing attribute %s, which %s requires of every member", missing[0], c.Name)
	}
	return fmt.Errorf("missing attributes %s, which %s requires of every member", strings.Join(missing, ", "), c.Name)
}

func (c *Community) attrList() string {
	names := make([]string, c.layout.Len())
	for i := range names {
		names[i] = c.layout.Name(i)
	}
	if len(names) == 0 {
		return "no attributes"
	}
	return strings.Join(names, ", ")
}

func (c *Community) newMember(id string) *Member {
	m := c.block.alloc(id, c)
	m.rec().CopyFrom(c.defaults)
	return m
}

// memberBlock says how a new member of one community is laid out: the
// Member with its Record inline, its ints, floats and history bits in one
// pointer-free array, and its strings and lists (when the layout has any)
// in their own. Its kept times come at its first recorded taking
// (history.slots): most members built per question never record one.
// When the array is small, it sits in the Member's own allocation
// (memberWith): for FanClub and bench's workload a new member is one
// allocation where it was seven (BenchmarkDecideArgs, the path README
// shows first: a member from the host's struct per question).
type memberBlock struct {
	ni, nf, ns, nl, never int
}

func newMemberBlock(l *eval.Layout, h *historyShape) memberBlock {
	r := eval.NewRecord(l)
	return memberBlock{ni: len(r.I), nf: len(r.F), ns: len(r.Strings()), nl: len(r.Lists()), never: h.never}
}

// memberWith is a Member followed by its words, allocated together. A few
// array sizes are enough: a type made per community (reflect.StructOf)
// costs a sync.Map lookup in reflect.New on every member, about 300
// instructions.
type memberWith[W any] struct {
	m Member
	w W
}

// withWords returns a new zero Member and n words in the same
// allocation, for n up to 37; ok is false for more. Each array fills a
// size class of the allocator with the 120-byte Member (160, 176, 192,
// 208, 224, 240, 256, 288, 320, 352, 384 and 416 bytes): FanClub's 10
// words (eight ints with the given-bit word of SPEC §7.7 and demotions, a
// float, the history bits) take 208 bytes, where the 160-byte Member (the
// record's strings and lists inline) took 240, the 192-byte one (the
// history's two slice headers) 288, 200-byte Members with 19 words 352,
// and the kept times, before they came at the first taking, 320.
func withWords(n int) (m *Member, words []int64, ok bool) {
	switch {
	case n <= 5:
		p := new(memberWith[[5]int64])
		return &p.m, p.w[:n:n], true
	case n <= 7:
		p := new(memberWith[[7]int64])
		return &p.m, p.w[:n:n], true
	case n <= 9:
		p := new(memberWith[[9]int64])
		return &p.m, p.w[:n:n], true
	case n <= 11:
		p := new(memberWith[[11]int64])
		return &p.m, p.w[:n:n], true
	case n <= 13:
		p := new(memberWith[[13]int64])
		return &p.m, p.w[:n:n], true
	case n <= 15:
		p := new(memberWith[[15]int64])
		return &p.m, p.w[:n:n], true
	case n <= 17:
		p := new(memberWith[[17]int64])
		return &p.m, p.w[:n:n], true
	case n <= 21:
		p := new(memberWith[[21]int64])
		return &p.m, p.w[:n:n], true
	case n <= 25:
		p := new(memberWith[[25]int64])
		return &p.m, p.w[:n:n], true
	case n <= 29:
		p := new(memberWith[[29]int64])
		return &p.m, p.w[:n:n], true
	case n <= 33:
		p := new(memberWith[[33]int64])
		return &p.m, p.w[:n:n], true
	case n <= 37:
		p := new(memberWith[[37]int64])
		return &p.m, p.w[:n:n], true
	}
	return nil, nil, false
}

// slWith is a record's strings and lists with its strings, allocated
// together.
type slWith[S any] struct {
	sl eval.SL
	s  S
}

// withStrings returns a record's SL and n strings in one allocation, as
// the strings alone were before SL left the Member, for n up to 32 (two
// allocations for more).
func withStrings(n int) (*eval.SL, []string) {
	switch {
	case n == 0:
		return new(eval.SL), nil
	case n <= 1:
		p := new(slWith[[1]string])
		return &p.sl, p.s[:n:n]
	case n <= 2:
		p := new(slWith[[2]string])
		return &p.sl, p.s[:n:n]
	case n <= 4:
		p := new(slWith[[4]string])
		return &p.sl, p.s[:n:n]
	case n <= 8:
		p := new(slWith[[8]string])
		return &p.sl, p.s[:n:n]
	case n <= 16:
		p := new(slWith[[16]string])
		return &p.sl, p.s[:n:n]
	case n <= 32:
		p := new(slWith[[32]string])
		return &p.sl, p.s[:n:n]
	}
	return new(eval.SL), make([]string, n)
}

// alloc returns a member of c with ID id, its values zero, laid out as b
// says. Floats and history bits share the pointer-free array with the
// ints: they are eight bytes each and hold no pointers, so the garbage
// collector need not tell them apart.
//
// The member's pointers are stored together, with no branch between
// them, so that the compiler tests the write barrier once and, while the
// collector marks, buffers all six in two calls (gcWriteBarrier8 and 4)
// rather than six calls of gcWriteBarrier2 spread over the branches that
// lay the arrays out.
func (b *memberBlock) alloc(id string, c *Community) *Member {
	n := b.ni + b.nf + b.never
	m, words, ok := withWords(n)
	if !ok {
		m, words = &Member{}, make([]int64, n)
	}
	ints := words[:b.ni:b.ni]
	rest := words[b.ni:]
	var flts []float64
	if b.nf > 0 {
		flts = unsafe.Slice((*float64)(unsafe.Pointer(&rest[0])), b.nf)
	}
	rest = rest[b.nf:]
	var ever *uint64
	if b.never > 0 {
		ever = (*uint64)(unsafe.Pointer(&rest[0]))
	}
	m.ID, m.c, m.r.H, m.r.I, m.r.F, m.hist.ever = id, c, (*taker)(m), ints, flts, ever
	if b.ns+b.nl > 0 {
		sl, strs := withStrings(b.ns)
		sl.S = strs
		m.r.SL = sl
		if b.nl > 0 {
			m.r.L = make([]any, b.nl)
		}
	}
	return m
}

// adopt returns m in c's layout: m itself when c built it, else a copy whose
// attributes are taken by name (defaults for those m lacks), as when a
// parent's member is asked about a child community's admit rule.
func (c *Community) adopt(m *Member) *Member {
	if m.c == c {
		return m
	}
	out := c.newMember(m.ID)
	if m.c != nil {
		for i := 0; i < c.layout.Len(); i++ {
			if j, ok := m.c.layout.Lookup(c.layout.Name(i)); ok && m.c.layout.Slot(j).Type == c.layout.Slot(i).Type {
				_ = c.layout.Set(out.rec(), i, m.rec().Get(m.c.layout.Slot(j)))
				if m.c.layout.Given(m.rec(), j) {
					c.layout.Give(out.rec(), i)
				}
			}
		}
		for _, a := range c.actions {
			if b, ok := m.c.actionByName[a.name]; ok {
				out.hist.copyAction(&c.hist, a.index, &m.hist, &m.c.hist, b.index)
			}
		}
	}
	return out
}

func (c *Community) setHistory(m *Member, v any) error {
	h, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: want an object of action: [times], got %s", HistoryKey, eval.Describe(v))
	}
	actions := make([]string, 0, len(h))
	for k := range h {
		actions = append(actions, k)
	}
	sort.Strings(actions)
	for _, name := range actions {
		a, ok := c.actionByName[name]
		if !ok {
			return fmt.Errorf("%s: unknown action %q", HistoryKey, name)
		}
		times, ok := h[name].([]any)
		if !ok {
			return fmt.Errorf("%s.%s: want a list of times, got %s", HistoryKey, name, eval.Describe(h[name]))
		}
		for i, t := range times {
			ns, err := timeValue(t)
			if err != nil {
				return fmt.Errorf("%s.%s[%d]: %w", HistoryKey, name, i, err)
			}
			m.hist.record(&c.hist, a.index, ns)
		}
	}
	return nil
}

func timeValue(v any) (int64, error) {
	switch t := v.(type) {
	case time.Time:
		ns, ok := stdlib.Nanos(t)
		if !ok {
			return 0, fmt.Errorf("time %v is out of range", t)
		}
		return ns, nil
	case string:
		tt, err := time.Parse(time.RFC3339Nano, t)
		if err != nil {
			return 0, fmt.Errorf("want an RFC 3339 time such as 2026-01-02T15:04:05Z, got %q", t)
		}
		return timeValue(tt)
	}
	return 0, fmt.Errorf("want an RFC 3339 time, got %s", eval.Describe(v))
}

// taker is a Member as its record's eval.Taker: the count `taken` reads.
type taker Member

func (t *taker) Taken(action int, at, per int64) int64 {
	m := (*Member)(t)
	return int64(m.hist.count(&m.c.hist, action, at, per))
}

// Did records in m's history that it took action at time at, as the live
// state does after an allowed action; for hosts that keep their own state
// and ask stateless questions.
func (c *Community) Did(m *Member, action string, at time.Time) error {
	if m.c != c {
		return fmt.Errorf("member %q was built by community %s, not %s", m.ID, m.c.Name, c.Name)
	}
	a, ok := c.actionByName[action]
	if !ok {
		return c.unknownAction(action)
	}
	ns, err := timeValue(at)
	if err != nil {
		return err
	}
	m.hist.record(&c.hist, a.index, ns)
	return nil
}

// Get returns attribute name of m as a Go value (int64, float64, bool,
// string, time.Time, time.Duration or a slice).
func (c *Community) Get(m *Member, name string) (any, bool) {
	m = c.adopt(m)
	i, ok := c.layout.Lookup(name)
	if !ok {
		return nil, false
	}
	return m.rec().Get(c.layout.Slot(i)), true
}

// Values returns every attribute of m by name.
func (c *Community) Values(m *Member) map[string]any {
	m = c.adopt(m)
	out := make(map[string]any, c.layout.Len())
	for i := 0; i < c.layout.Len(); i++ {
		out[c.layout.Name(i)] = m.rec().Get(c.layout.Slot(i))
	}
	return out
}

// Clone returns a copy of m that shares no mutable memory with it.
func (m *Member) Clone() *Member {
	if m.c == nil {
		cp := &Member{ID: m.ID} // no community: no actions, no history
		cp.r.CopyFrom(&m.r)
		return cp
	}
	cp := m.c.block.alloc(m.ID, m.c)
	cp.rec().CopyFrom(m.rec())
	s := &m.c.hist
	copy(cp.hist.bits(s), m.hist.bits(s))
	if m.hist.times != nil {
		copy(cp.hist.slots(s), m.hist.all(s))
	}
	return cp
}

// structBinding maps the tagged fields of a Go struct type to attributes.
type structBinding struct {
	t      reflect.Type
	fields []fieldBinding
	err    error
	// direct lists by kind the fields fill reads straight from memory
	// when the struct is given by pointer; allFast is true when that is
	// every field, complete when the fields bind every attribute.
	direct            direct
	allFast, complete bool
	// fast is true when a *t binds every attribute (complete) with fields
	// fill reads from memory (allFast), and without error: FillFromStruct
	// then reads a *t, whose type word is ptWord, in one step.
	fast   bool
	ptWord unsafe.Pointer
}

// eface is the layout of an interface value: its type word and its data
// word (a pointer, for a pointer type).
type eface struct{ typ, data unsafe.Pointer }

// typeWord returns the type word of an interface holding a value of t.
func typeWord(t reflect.Type) unsafe.Pointer {
	v := reflect.Zero(t).Interface()
	return (*eface)(unsafe.Pointer(&v)).typ
}

// direct lists, per Go kind, the fields of a struct that fill reads
// straight from memory: one loop per kind, no dispatch per field (a list
// of fields with a switch on each measured more instructions). Each entry
// is a pair of byte offsets, the field's in the struct and its slot's in
// the record array, so that the loops index neither the struct nor the
// record: fillDirect checks the record's lengths once (ni, nf, ns).
type direct struct {
	// words are runs of 8-byte integer fields (int on 64-bit platforms,
	// int64, time.Duration) adjacent in both the struct and the int
	// array, each copied as one array of up to 4 words (an inner loop per
	// run measured more instructions than a loop over single words: 243
	// against 223 in BenchmarkFillFromStruct; the array copies, fewer).
	words                            []wordRun
	ints, bools, floats, strs, times []copyOp
	// floatAttr and timeAttr are the attributes of floats and times, by
	// the same index, for the errors.
	floatAttr, timeAttr []int
	// fixed are int words fill sets to a value of their own, whatever
	// the struct holds: the slots of the attributes the live state keeps
	// for sanctions (warnings, demotions, ...) that the struct does not
	// bind, to their default, 0, so that a struct without them still
	// fills every slot; and the given-bit words (SPEC §7.7), to a bit for
	// each attribute a field binds that is not a pointer (a nil pointer
	// gives nothing, so fillWith gives those one by one), which also
	// clears the bits of a previous fill. One loop for both: the given
	// word cost a loop of its own 16 instructions (BenchmarkFillFromStruct).
	// The first two are fix0 and fix1 (fix1 repeats fix0 when there is
	// one), stored without a loop when nfix > 0: every layout has a given
	// word, and FanClub's structs leave out one kept attribute
	// (demotions); the loop's two rounds cost its fill 20 instructions,
	// the two stores 10 (BenchmarkFillFromStruct). fixed is the rest.
	fix0, fix1 fixedWord
	nfix       int
	fixed      []fixedWord
	// ni, nf and ns are the lengths of the record arrays the offsets are
	// within: the community's layout.
	ni, nf, ns int
}

// fixedWord is a value v for the int word at byte offset dst of a
// record's int array.
type fixedWord struct {
	dst uint32
	v   int64
}

// setFixed gives d the fixed words ws: the first two in fix0 and fix1, the
// rest in fixed.
func (d *direct) setFixed(ws []fixedWord) {
	d.nfix = len(ws)
	switch {
	case len(ws) == 0:
		return
	case len(ws) == 1:
		d.fix0, d.fix1 = ws[0], ws[0]
	default:
		d.fix0, d.fix1, d.fixed = ws[0], ws[1], ws[2:]
	}
}

// copyOp copies the field at byte offset src of a struct to byte offset
// dst of a record array.
type copyOp struct{ src, dst uint32 }

// wordRun copies n 8-byte words, 1 to 4, from byte offset src of a struct
// to byte offset dst of the int array.
type wordRun struct{ src, dst, n uint32 }

// addWord adds the 8-byte field o to d's runs, extending the last run
// when o follows it in both the struct and the record.
func (d *direct) addWord(o copyOp) {
	if n := len(d.words); n > 0 {
		r := &d.words[n-1]
		if r.n < 4 && r.src+r.n*8 == o.src && r.dst+r.n*8 == o.dst {
			r.n++
			return
		}
	}
	d.words = append(d.words, wordRun{src: o.src, dst: o.dst, n: 1})
}

// copyWords copies n words, 1 to 4, from src to dst with one or two
// 16-byte moves (Go copies a [3]int64 or larger through unsafe pointers
// by calling memmove, which made fillDirect save its registers).
func copyWords(dst, src unsafe.Pointer, n uint32) {
	switch n {
	case 1:
		*(*int64)(dst) = *(*int64)(src)
	case 2:
		*(*[2]int64)(dst) = *(*[2]int64)(src)
	case 3:
		*(*[2]int64)(dst) = *(*[2]int64)(src)
		*(*int64)(unsafe.Add(dst, 16)) = *(*int64)(unsafe.Add(src, 16))
	default:
		*(*[2]int64)(dst) = *(*[2]int64)(src)
		*(*[2]int64)(unsafe.Add(dst, 16)) = *(*[2]int64)(unsafe.Add(src, 16))
	}
}

type fieldBinding struct {
	index []int
	attr  int // the attribute's index in the layout
	slot  int // and its slot's index in its record array
	// ptr marks a field of pointer type: nil gives no value, the attribute
	// keeps its default and is not given (SPEC §7.7); otherwise the value
	// it points to is the field's.
	ptr bool
	// set stores the field without boxing it when its Go kind matches the
	// attribute's type directly; nil means convert through Layout.Set.
	set func(rec *eval.Record, slot int, v reflect.Value) error
	// offset and fast let fill read the field straight from the struct's
	// memory when it was given by pointer: fast is the field's kind when
	// the field is reached without following a pointer and is one of int,
	// int64, float64, bool or string into a matching attribute.
	offset uintptr
	fast   reflect.Kind
}

// directSetter returns a setter for a struct field of type ft into an
// attribute of type t, for the kinds that need no conversion or check.
func directSetter(ft reflect.Type, t check.Type) func(*eval.Record, int, reflect.Value) error {
	switch {
	case t.Kind == check.Int && ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Int64:
		return func(r *eval.Record, i int, v reflect.Value) error { r.I[i] = v.Int(); return nil }
	case t.Kind == check.Int && ft.Kind() >= reflect.Uint8 && ft.Kind() <= reflect.Uint32:
		return func(r *eval.Record, i int, v reflect.Value) error { r.I[i] = int64(v.Uint()); return nil }
	case t.Kind == check.Float && (ft.Kind() == reflect.Float64 || ft.Kind() == reflect.Float32):
		return func(r *eval.Record, i int, v reflect.Value) error {
			f := v.Float()
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Errorf("attribute: want float, got %v: NaN and infinities are not stored", f)
			}
			r.F[i] = f
			return nil
		}
	case t.Kind == check.Bool && ft.Kind() == reflect.Bool:
		return func(r *eval.Record, i int, v reflect.Value) error {
			r.I[i] = 0
			if v.Bool() {
				r.I[i] = 1
			}
			return nil
		}
	case t.Kind == check.String && ft.Kind() == reflect.String:
		return func(r *eval.Record, i int, v reflect.Value) error { r.S[i] = v.String(); return nil }
	case t.Kind == check.Duration && ft == reflect.TypeOf(time.Duration(0)):
		return func(r *eval.Record, i int, v reflect.Value) error { r.I[i] = v.Int(); return nil }
	}
	return nil // times (range checked), lists and the rest: convert
}

var bindings sync.Map // key bindingKey -> *structBinding

type bindingKey struct {
	c *Community
	t reflect.Type
}

// MemberFromStruct builds a member from a struct (or pointer to one) whose
// fields carry `charter:"name"` tags. The binding of a struct type to the
// community's attributes is computed once per type; untagged fields are
// ignored; a tag naming no attribute is an error. Every tagged field
// gives its attribute (SPEC §7.7: has is true for it), except a field of
// pointer type that is nil, which leaves the attribute at its default and
// not given: the way a host's struct says a value is optional.
func (c *Community) MemberFromStruct(v any) (*Member, error) {
	if b := c.lastBinding.Load(); b != nil && b.fast {
		// As in FillFromStruct: a pointer to the struct type bound last
		// sets every attribute, so the defaults need not be copied first.
		if ef := (*eface)(unsafe.Pointer(&v)); ef.typ == b.ptWord && ef.data != nil {
			m := c.block.alloc("", c)
			if err := c.fillDirect(&b.direct, m.rec(), ef.data); err != nil {
				return nil, err
			}
			return m, nil
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, fmt.Errorf("member struct: nil pointer")
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("member struct: want a struct, got %T", v)
	}
	m := c.newMember("")
	if err := c.fill(m, rv); err != nil {
		return nil, err
	}
	return m, nil
}

// FillFromStruct refills m, a member c built, from a struct as
// MemberFromStruct reads it: untagged attributes take their defaults and
// the history is emptied. It reuses m's memory, so a host deciding for
// many members from its own structs can keep one Member per goroutine and
// decide without allocating. On an error m is left with defaults.
func (c *Community) FillFromStruct(m *Member, v any) error {
	if b := c.lastBinding.Load(); b != nil && b.fast && m.c == c {
		// The host's usual call: a pointer to the struct type it bound
		// last, every field read from memory. The interface's two words
		// are read as they are laid out (internal/abi.EmptyInterface)
		// rather than through reflect.TypeOf and reflect.Value, which
		// cost a ninth of BenchmarkFillFromStruct.
		if ef := (*eface)(unsafe.Pointer(&v)); ef.typ == b.ptWord && ef.data != nil {
			m.forgetRole()
			m.hist.reset(&c.hist)
			if err := c.fillDirect(&b.direct, m.rec(), ef.data); err != nil {
				m.rec().CopyFrom(c.defaults)
				return err
			}
			return nil
		}
	}
	return c.fillFromStruct(m, v)
}

// fillFromStruct is FillFromStruct's path through reflect, a function of
// its own so that the one-step path above has a small frame (reflect's
// values made FillFromStruct's 384 bytes, its arguments spilled to it on
// every call).
func (c *Community) fillFromStruct(m *Member, v any) error {
	if m.c != c {
		return fmt.Errorf("member %q was built by community %s, not %s", m.ID, m.c.Name, c.Name)
	}
	rv := reflect.ValueOf(v)
	var base unsafe.Pointer // the struct's memory, when given by pointer
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return fmt.Errorf("member struct: nil pointer")
		}
		base = rv.UnsafePointer()
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return fmt.Errorf("member struct: want a struct, got %T", v)
	}
	m.forgetRole()
	b := c.binding(rv.Type())
	if !b.complete || base == nil {
		// Attributes the struct does not bind keep their defaults; when
		// it binds all of them, fill overwrites every slot.
		m.rec().CopyFrom(c.defaults)
	}
	m.hist.reset(&c.hist)
	if err := c.fillWith(b, m, rv, base); err != nil {
		m.rec().CopyFrom(c.defaults)
		return err
	}
	return nil
}

// fastField returns the byte offset of field f of struct type t and its
// kind when fill may read it directly, or kind Invalid.
var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

func fastField(t reflect.Type, f reflect.StructField, at check.Type) (uintptr, reflect.Kind) {
	var off uintptr
	cur := t
	for _, i := range f.Index {
		sf := cur.Field(i)
		off += sf.Offset
		cur = sf.Type
		if cur.Kind() == reflect.Pointer && len(f.Index) > 1 && i != f.Index[len(f.Index)-1] {
			return 0, reflect.Invalid // an embedded pointer: not inline memory
		}
	}
	switch k := f.Type.Kind(); {
	case at.Kind == check.Time && f.Type == timeType:
		return off, reflect.Struct // the one struct read directly: a time.Time
	case at.Kind == check.Duration && f.Type == durationType:
		return off, reflect.Int64
	case f.Type.PkgPath() != "" && f.Type.Name() != "":
		return 0, reflect.Invalid // named types such as time.Duration: convert
	case at.Kind == check.Int && (k == reflect.Int || k == reflect.Int64),
		at.Kind == check.Float && k == reflect.Float64,
		at.Kind == check.Bool && k == reflect.Bool,
		at.Kind == check.String && k == reflect.String:
		return off, k
	}
	return 0, reflect.Invalid
}

func (c *Community) fill(m *Member, rv reflect.Value) error {
	var base unsafe.Pointer
	if rv.CanAddr() {
		base = rv.Addr().UnsafePointer()
	}
	return c.fillWith(c.binding(rv.Type()), m, rv, base)
}

// fillWith is fill with the binding b of rv's type and rv's address base
// (nil when rv is not addressable).
func (c *Community) fillWith(b *structBinding, m *Member, rv reflect.Value, base unsafe.Pointer) error {
	if b.err != nil {
		return b.err
	}
	addr := base != nil
	if addr {
		if err := c.fillDirect(&b.direct, m.rec(), base); err != nil {
			return err
		}
		if b.allFast {
			return nil
		}
	}
	for _, f := range b.fields {
		if f.fast != reflect.Invalid && addr {
			continue
		}
		fv := rv.FieldByIndex(f.index)
		if f.ptr {
			if fv.IsNil() {
				if c.def.Attrs[f.attr].Required {
					return fmt.Errorf("member struct %s: %w: field %s is nil", rv.Type(), c.missingRequired(func(name string) bool { return name != c.layout.Name(f.attr) }), rv.Type().FieldByIndex(f.index).Name)
				}
				continue // not given: the default stays
			}
			fv = fv.Elem()
		}
		c.layout.Give(m.rec(), f.attr)
		if f.set != nil {
			if err := f.set(m.rec(), f.slot, fv); err != nil {
				return fmt.Errorf("%s: %w", c.layout.Name(f.attr), err)
			}
			continue
		}
		if err := c.layout.Set(m.rec(), f.attr, fv.Interface()); err != nil {
			return err
		}
	}
	return nil
}

// fillDirect reads the fields d lists from the struct at base into rec,
// one loop per kind.
func (c *Community) fillDirect(d *direct, rec *eval.Record, base unsafe.Pointer) error {
	if len(rec.I) != d.ni {
		// Every record of c's members has c's layout; this guards the
		// unchecked stores below should that ever not hold (F and S are
		// checked where they are written).
		return c.notLayout()
	}
	ri := unsafe.Pointer(unsafe.SliceData(rec.I))
	if d.nfix > 0 {
		*(*int64)(unsafe.Add(ri, d.fix0.dst)) = d.fix0.v
		*(*int64)(unsafe.Add(ri, d.fix1.dst)) = d.fix1.v
		if d.nfix > 2 { // ranging over the empty rest cost 7 instructions
			for _, f := range d.fixed {
				*(*int64)(unsafe.Add(ri, f.dst)) = f.v
			}
		}
	}
	for _, r := range d.words {
		copyWords(unsafe.Add(ri, r.dst), unsafe.Add(base, r.src), r.n)
	}
	if unsafe.Sizeof(int(0)) != 8 {
		// Only where int is 32 bits (on 64 bits ints go to words): the
		// test is constant, and ranging over an empty ints cost 6
		// instructions a fill.
		for _, o := range d.ints {
			*(*int64)(unsafe.Add(ri, o.dst)) = int64(*(*int)(unsafe.Add(base, o.src)))
		}
	}
	for _, o := range d.bools {
		// A Go bool is the byte 0 or 1: the slot's 0 or 1.
		*(*int64)(unsafe.Add(ri, o.dst)) = int64(*(*uint8)(unsafe.Add(base, o.src)))
	}
	if len(d.floats) > 0 {
		if len(rec.F) != d.nf {
			return c.notLayout()
		}
		rf := unsafe.Pointer(unsafe.SliceData(rec.F))
		for i, o := range d.floats {
			v := *(*float64)(unsafe.Add(base, o.src))
			if v-v != 0 { // NaN or an infinity: both give NaN
				return fmt.Errorf("%s: want float, got %v: NaN and infinities are not stored", c.layout.Name(d.floatAttr[i]), v)
			}
			*(*float64)(unsafe.Add(rf, o.dst)) = v
		}
	}
	if len(d.strs) > 0 {
		if len(rec.Strings()) != d.ns {
			return c.notLayout()
		}
		rs := unsafe.Pointer(unsafe.SliceData(rec.S))
		for _, o := range d.strs {
			*(*string)(unsafe.Add(rs, o.dst)) = *(*string)(unsafe.Add(base, o.src))
		}
	}
	for i, o := range d.times {
		tm := (*time.Time)(unsafe.Add(base, o.src))
		if s := tm.Unix(); s > stdlib.MinNanosSec && s < stdlib.MaxNanosSec {
			// stdlib.Nanos's common case, inline: the call, and the
			// registers saved around it, were a sixth of
			// BenchmarkFillFromStruct.
			*(*int64)(unsafe.Add(ri, o.dst)) = s*1e9 + int64(tm.Nanosecond())
			continue
		}
		ns, ok := stdlib.Nanos(*tm)
		if !ok {
			return c.layout.Set(rec, d.timeAttr[i], *tm) // out of range: its error
		}
		*(*int64)(unsafe.Add(ri, o.dst)) = ns
	}
	return nil
}

func (c *Community) notLayout() error {
	return fmt.Errorf("member record does not have the layout of %s", c.Name)
}

func (c *Community) binding(t reflect.Type) *structBinding {
	// Hosts usually bind one struct type: remember the last one, which
	// saves a map lookup hashing an interface on every member.
	if b := c.lastBinding.Load(); b != nil && b.t == t {
		return b
	}
	key := bindingKey{c, t}
	if b, ok := bindings.Load(key); ok {
		c.lastBinding.Store(b.(*structBinding))
		return b.(*structBinding)
	}
	b := &structBinding{t: t, ptWord: typeWord(reflect.PointerTo(t))}
	b.direct.ni, b.direct.nf, b.direct.ns = c.block.ni, c.block.nf, c.block.ns
	for _, f := range reflect.VisibleFields(t) {
		tag, ok := f.Tag.Lookup("charter")
		if !ok || tag == "-" || !f.IsExported() {
			continue
		}
		i, ok := c.layout.Lookup(tag)
		if !ok {
			b.err = fmt.Errorf("member struct %s: field %s is tagged %q, which is not an attribute of %s (%s)", t, f.Name, tag, c.Name, c.attrList())
			break
		}
		ft := f.Type
		fb := fieldBinding{index: f.Index, attr: i, slot: c.layout.Slot(i).Index}
		if ft.Kind() == reflect.Pointer {
			fb.ptr, ft = true, ft.Elem()
		} else {
			fb.offset, fb.fast = fastField(t, f, c.layout.Slot(i).Type)
		}
		fb.set = directSetter(ft, c.layout.Slot(i).Type)
		b.fields = append(b.fields, fb)
	}
	b.allFast = true
	bound := make([]bool, c.layout.Len())
	for _, f := range b.fields {
		b.allFast = b.allFast && f.fast != reflect.Invalid
		bound[f.attr] = true
		d := &b.direct
		op := copyOp{src: uint32(f.offset), dst: uint32(f.slot) * 8}
		switch f.fast {
		case reflect.Int:
			if unsafe.Sizeof(int(0)) == 8 {
				d.addWord(op)
			} else {
				d.ints = append(d.ints, op)
			}
		case reflect.Int64:
			d.addWord(op)
		case reflect.Bool:
			d.bools = append(d.bools, op)
		case reflect.Float64:
			d.floats = append(d.floats, op)
			d.floatAttr = append(d.floatAttr, f.attr)
		case reflect.String:
			op.dst = uint32(f.slot) * uint32(unsafe.Sizeof(""))
			d.strs = append(d.strs, op)
		case reflect.Struct:
			d.times = append(d.times, op)
			d.timeAttr = append(d.timeAttr, f.attr)
		}
	}
	b.complete = !slices.Contains(bound, false)
	given := make([]int64, (c.layout.Len()+63)/64)
	var fixed []fixedWord
	for _, f := range b.fields {
		if f.ptr {
			// A nil pointer leaves its attribute at the default, which
			// only a refill from the defaults restores.
			b.complete, b.allFast = false, false
			continue
		}
		_, bit := c.layout.GivenWord(f.attr)
		given[f.attr/64] |= int64(bit)
	}
	for j, v := range given {
		at, _ := c.layout.GivenWord(j * 64)
		fixed = append(fixed, fixedWord{dst: uint32(at) * 8, v: v})
	}
	if b.err == nil {
		if err := c.missingRequired(func(name string) bool { i, _ := c.layout.Lookup(name); return bound[i] }); err != nil {
			b.err = fmt.Errorf("member struct %s: %w: tag a field with it", t, err)
		}
	}
	// A struct that binds every attribute but those the state keeps for
	// sanctions (which a host's struct predates) fills them with 0.
	keptOnly := true
	for i, ok := range bound {
		if !ok {
			slot := c.layout.Slot(i)
			if !c.def.Attrs[i].Implicit || slot.Type.Kind != check.Int && slot.Type.Kind != check.Time {
				keptOnly = false
				break
			}
			fixed = append(fixed, fixedWord{dst: uint32(slot.Index) * 8})
		}
	}
	b.direct.setFixed(fixed)
	// A nil ptWord would mean typeWord did not read a type word (see
	// TestEfaceLayout): then no interface may take the one-step path.
	b.fast = b.allFast && keptOnly && b.err == nil && b.ptWord != nil
	actual, _ := bindings.LoadOrStore(key, b)
	c.lastBinding.Store(actual.(*structBinding))
	return actual.(*structBinding)
}

// Args are the arguments of an action call by parameter name. A member-typed
// parameter takes the other member's ID (a string) in the live state, or a
// *Member in stateless calls.
type Args map[string]any

// Call is a prepared action call: the action resolved and the arguments
// converted, so that deciding it repeatedly does no lookups or conversions.
type Call struct {
	act    *action
	args   *eval.Record
	others []*Member // by member parameter, when given as *Member
	ids    []string  // by member parameter, when given as IDs
	// handles are the members' handles given by SetMemberHandle, by
	// member parameter; one counts only while ids holds its ID.
	handles []*Handle
}

// Action returns the name of the called action.
func (k *Call) Action() string { return k.act.name }

// Args returns the call's arguments by parameter name, as Go values that
// Community.Call converts back into the same call: int64, float64, bool,
// string, time.Time, time.Duration or a slice of those, and a member
// parameter's member ID. A host that logs calls to replay them later (as
// runtime/store does) writes these.
func (k *Call) Args() Args {
	a := k.act
	out := make(Args, len(a.def.Params))
	for _, p := range a.def.Params {
		if p.Type.Kind == check.Member {
			out[p.Name] = k.ids[a.otherIndex(p.Slot)]
			continue
		}
		out[p.Name] = k.args.Get(a.args.Slot(p.Slot))
	}
	return out
}

// Call prepares a call of action with args. Every parameter must be given;
// an unknown action or parameter, or an argument of the wrong type, is an
// error.
func (c *Community) Call(action string, args Args) (*Call, error) {
	a, ok := c.actionByName[action]
	if !ok {
		return nil, c.unknownAction(action)
	}
	k := a.newCall()
	if err := k.fill(args); err != nil {
		return nil, err
	}
	return k, nil
}

func (a *action) newCall() *Call {
	return &Call{act: a, args: eval.NewRecord(a.args), others: make([]*Member, len(a.others)), ids: make([]string, len(a.others))}
}

// fill converts args into k's record, every parameter given and no other.
// It reuses k's memory, so that the live state can convert the arguments
// of each event into one scratch call per action.
func (k *Call) fill(args Args) error {
	a := k.act
	if len(args) > len(a.def.Params) {
		for name := range args {
			if a.def.Param(name) == nil {
				return fmt.Errorf("%s has no parameter %q (parameters: %s)", a.name, name, paramList(a.def))
			}
		}
	}
	found := 0
	for _, p := range a.def.Params {
		v, ok := args[p.Name]
		if !ok {
			return fmt.Errorf("%s needs argument %s (%s)", a.name, p.Name, p.Type)
		}
		found++
		slot := a.args.Slot(p.Slot)
		if p.Type.Kind == check.Member {
			oi := a.otherIndex(p.Slot)
			switch v := v.(type) {
			case *Member:
				if v == nil {
					return fmt.Errorf("argument %s: nil member", p.Name)
				}
				k.others[oi], k.ids[oi] = v, v.ID
			case string:
				k.others[oi], k.ids[oi] = nil, v
			default:
				return fmt.Errorf("argument %s: want a member (its ID as a string, or a *Member), got %T", p.Name, v)
			}
			k.args.S[slot.Index] = k.ids[oi]
			continue
		}
		// The common Go types go straight into their slots; the rest, and
		// every check Convert makes, go through Layout.Set.
		switch x := v.(type) {
		case int:
			if p.Type.Kind == check.Int {
				k.args.I[slot.Index] = int64(x)
				continue
			}
		case int64:
			if p.Type.Kind == check.Int {
				k.args.I[slot.Index] = x
				continue
			}
		case string:
			if p.Type.Kind == check.String && len(x) <= eval.MaxStringLen {
				k.args.S[slot.Index] = x
				continue
			}
		case bool:
			if p.Type.Kind == check.Bool {
				k.args.I[slot.Index] = 0
				if x {
					k.args.I[slot.Index] = 1
				}
				continue
			}
		}
		if err := a.args.Set(k.args, p.Slot, v); err != nil {
			return fmt.Errorf("argument %s of %s: %w", p.Name, a.name, unwrapAttr(err))
		}
	}
	if found != len(args) {
		for name := range args {
			if a.def.Param(name) == nil {
				return fmt.Errorf("%s has no parameter %q (parameters: %s)", a.name, name, paramList(a.def))
			}
		}
	}
	return nil
}

// ResolveMembers gives k the members its member arguments name by ID, as
// lookup finds them: the lookup a host passes when it decides without a
// State (Decide, DecideCall, Explain), so that rules reading another
// member's attributes (to.points) read that member (SPEC §6.5). An
// argument given as a *Member is kept; an ID lookup does not find is an
// error naming the argument.
func (k *Call) ResolveMembers(lookup func(id string) (*Member, bool)) error {
	for i, o := range k.others {
		if o != nil {
			continue
		}
		p := k.act.def.Params[k.act.others[i]].Name
		m, ok := lookup(k.ids[i])
		if !ok || m == nil {
			return fmt.Errorf("argument %s of %s: no member %q", p, k.act.name, k.ids[i])
		}
		k.others[i] = m
	}
	return nil
}

// SetInt sets the int argument name of a prepared call, without
// allocating; an unknown parameter, or one of another type, is an error.
func (k *Call) SetInt(name string, v int64) error {
	i, err := k.param(name, check.Int)
	if err != nil {
		return err
	}
	k.args.I[i] = v
	return nil
}

// SetFloat sets the float argument name of a prepared call; NaN and the
// infinities are refused, as everywhere.
func (k *Call) SetFloat(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("argument %s: %v is not a number Charter stores", name, v)
	}
	i, err := k.param(name, check.Float)
	if err != nil {
		return err
	}
	k.args.F[i] = v
	return nil
}

// SetString sets the string argument name of a prepared call; a string
// that is not valid UTF-8 is refused, as in an Args map.
func (k *Call) SetString(name string, v string) error {
	i, err := k.param(name, check.String)
	if err != nil {
		return err
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("argument %s: a string value must be valid UTF-8", name)
	}
	k.args.S[i] = v
	return nil
}

// SetBool sets the bool argument name of a prepared call.
func (k *Call) SetBool(name string, v bool) error {
	i, err := k.param(name, check.Bool)
	if err != nil {
		return err
	}
	k.args.I[i] = 0
	if v {
		k.args.I[i] = 1
	}
	return nil
}

// param returns the record slot of parameter name, which must be of kind.
func (k *Call) param(name string, kind check.Kind) (int, error) {
	p := k.act.def.Param(name)
	if p == nil {
		return 0, fmt.Errorf("%s has no parameter %q (parameters: %s)", k.act.name, name, paramList(k.act.def))
	}
	if p.Type.Kind != kind {
		return 0, fmt.Errorf("argument %s of %s: want %s, got %s", name, k.act.name, p.Type, check.Type{Kind: kind})
	}
	return k.act.args.Slot(p.Slot).Index, nil
}

// unwrapAttr rewords eval's "attribute x:" errors for arguments.
func unwrapAttr(err error) error {
	var ve *eval.ValueError
	if e, ok := err.(*eval.ValueError); ok {
		ve = e
		return fmt.Errorf("want %s, got %s", ve.Want, eval.Describe(ve.Got))
	}
	return err
}

func paramList(a *check.Action) string {
	if len(a.Params) == 0 {
		return "none"
	}
	var parts []string
	for _, p := range a.Params {
		parts = append(parts, p.Name+": "+p.Type.String())
	}
	return strings.Join(parts, ", ")
}

func (c *Community) unknownAction(name string) error {
	names := make([]string, len(c.actions))
	for i, a := range c.actions {
		names[i] = a.name
	}
	return fmt.Errorf("unknown action %q: %s declares %s", name, c.Name, strings.Join(names, ", "))
}

// adoptCall returns k as a call of c's action of the same name when k was
// prepared by another community (a parent deciding for a child, say), so
// that c's own rules decide. ok is false, and k returned as it is, when c
// has no action of that name with the same parameters.
func (c *Community) adoptCall(k *Call) (*Call, bool) {
	a := k.act
	if a.index < len(c.actions) && c.actions[a.index] == a {
		return k, true
	}
	b, ok := c.actionByName[a.name]
	if !ok || !sameParams(a.def, b.def) {
		return k, false
	}
	out := b.newCall()
	out.args.CopyFrom(k.args)
	copy(out.others, k.others)
	copy(out.ids, k.ids)
	return out, true
}

// sameParams reports whether two actions take the same parameters in the
// same order, so that their argument records have one layout.
func sameParams(a, b *check.Action) bool {
	return slices.EqualFunc(a.Params, b.Params, func(p, q *check.Param) bool {
		return p.Name == q.Name && p.Type == q.Type
	})
}

// foreignCall is the decision on a call c cannot adopt: denied, with the
// reason.
func (c *Community) foreignCall(k *Call) Decision {
	return Decision{Action: k.act.name, Rules: []*Rule{{
		Kind:   check.MustNot,
		Label:  "call of " + k.act.name + " prepared by another community",
		Reason: fmt.Sprintf("%s is not an action of %s with the parameters of the call (%s)", k.act.name, c.Name, paramList(k.act.def)),
	}}}
}
