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
	c    *Community // the community whose layout rec has
	rec  *eval.Record
	r    eval.Record // rec's storage for the members newMember makes
	hist history
	// role caches the member's rank plus one when the ladder does not
	// read the time: 0 unknown, so that a new member needs no store.
	// Atomic, since a member may be read by several goroutines at once;
	// reset whenever rec changes.
	role atomic.Int64
}

// forgetRole clears the cached role; call it whenever m.rec changes.
func (m *Member) forgetRole() {
	if m.role.Load() != 0 { // an atomic store is a locked exchange: skip it when already clear
		m.role.Store(0)
	}
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
		if err := c.layout.Set(m.rec, i, v); err != nil {
			return nil, err
		}
		c.layout.Give(m.rec, i) // the record gave it (SPEC §7.7)
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
	m := c.block.alloc()
	m.ID, m.c = id, c
	m.rec.CopyFrom(c.defaults)
	m.hist.clearTimes()
	return m
}

// memberBlock says how a new member of one community is laid out: the
// Member with its Record inline, its ints, floats, history bits and kept
// times in one pointer-free array, and its strings and lists (when the
// layout has any) in their own. When that array is small, it sits in the
// Member's own allocation (memberWith): for FanClub and bench's workload
// a new member is one allocation where it was seven
// (BenchmarkDecideArgs, the path README shows first: a member from the
// host's struct per question).
type memberBlock struct {
	ni, nf, ns, nl, never, ntimes int
}

func newMemberBlock(l *eval.Layout, h *historyShape, nActions int) memberBlock {
	r := eval.NewRecord(l)
	return memberBlock{ni: len(r.I), nf: len(r.F), ns: len(r.S), nl: len(r.L), never: (nActions + 63) / 64, ntimes: h.size}
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
// allocation, for n up to 35; ok is false for more. Each array fills the
// size class of the allocator that a 200-byte Member with 4, 8, 16 or 32
// words took (240, 288, 352 and 480 bytes): up to 5, 11, 19 and 35 words
// cost no more than those, so the given-bit word of SPEC §7.7 does not
// move bench's workload (16 words before it) into a class twice the size.
func withWords(n int) (m *Member, words []int64, ok bool) {
	switch {
	case n <= 5:
		p := new(memberWith[[5]int64])
		return &p.m, p.w[:n:n], true
	case n <= 11:
		p := new(memberWith[[11]int64])
		return &p.m, p.w[:n:n], true
	case n <= 19:
		p := new(memberWith[[19]int64])
		return &p.m, p.w[:n:n], true
	case n <= 35:
		p := new(memberWith[[35]int64])
		return &p.m, p.w[:n:n], true
	}
	return nil, nil, false
}

// alloc returns a zero member laid out as b says. Floats and history bits
// share the pointer-free array with the ints: they are eight bytes each
// and hold no pointers, so the garbage collector need not tell them apart.
func (b *memberBlock) alloc() *Member {
	n := b.ni + b.nf + b.never + b.ntimes
	m, words, ok := withWords(n)
	if !ok {
		m, words = &Member{}, make([]int64, n)
	}
	m.rec = &m.r
	m.r.H = (*taker)(m)
	m.r.I = words[:b.ni:b.ni]
	rest := words[b.ni:]
	if b.nf > 0 {
		m.r.F = unsafe.Slice((*float64)(unsafe.Pointer(&rest[0])), b.nf)
	}
	rest = rest[b.nf:]
	if b.never > 0 {
		m.hist.ever = unsafe.Slice((*uint64)(unsafe.Pointer(&rest[0])), b.never)
	}
	m.hist.times = rest[b.never:]
	if b.ns > 0 {
		m.r.S = make([]string, b.ns)
	}
	if b.nl > 0 {
		m.r.L = make([]any, b.nl)
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
				_ = c.layout.Set(out.rec, i, m.rec.Get(m.c.layout.Slot(j)))
				if m.c.layout.Given(m.rec, j) {
					c.layout.Give(out.rec, i)
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
	return m.rec.Get(c.layout.Slot(i)), true
}

// Values returns every attribute of m by name.
func (c *Community) Values(m *Member) map[string]any {
	m = c.adopt(m)
	out := make(map[string]any, c.layout.Len())
	for i := 0; i < c.layout.Len(); i++ {
		out[c.layout.Name(i)] = m.rec.Get(c.layout.Slot(i))
	}
	return out
}

// Clone returns a copy of m that shares no mutable memory with it.
func (m *Member) Clone() *Member {
	if m.c == nil {
		return &Member{ID: m.ID, rec: m.rec.Clone(), hist: m.hist.clone()}
	}
	cp := m.c.block.alloc()
	cp.ID, cp.c = m.ID, m.c
	cp.rec.CopyFrom(m.rec)
	copy(cp.hist.ever, m.hist.ever)
	copy(cp.hist.times, m.hist.times)
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
// of fields with a switch on each measured more instructions).
type direct struct {
	// words are runs of 8-byte integer fields (int on 64-bit platforms,
	// int64, time.Duration) bound to consecutive int slots, each copied
	// at once: a struct that declares its counters in the order the
	// community does is one run (BenchmarkFillFromStruct: 4 fields).
	words                            []wordRun
	ints, bools, floats, strs, times []fieldAt
	// fixed are int words fill sets to a value of their own, whatever
	// the struct holds: the slots of the attributes the live state keeps
	// for sanctions (warnings, demotions, ...) that the struct does not
	// bind, to their default, 0, so that a struct without them still
	// fills every slot; and the given-bit words (SPEC §7.7), to a bit for
	// each attribute a field binds that is not a pointer (a nil pointer
	// gives nothing, so fillWith gives those one by one), which also
	// clears the bits of a previous fill. One loop for both: the given
	// word cost a loop of its own 16 instructions (BenchmarkFillFromStruct).
	fixed []fixedWord
}

// fixedWord is a value v for the int word I[slot] of a record.
type fixedWord struct {
	slot int
	v    int64
}

// wordRun is n 8-byte fields from byte offset off, bound to the int
// slots slot to slot+n-1.
type wordRun struct {
	off     uintptr
	slot, n int
}

// fieldAt is a field at byte offset off, bound to attribute attr, whose
// value goes to slot slot of its record array.
type fieldAt struct {
	off        uintptr
	slot, attr int
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
			m := c.block.alloc()
			m.c = c
			m.hist.clearTimes() // new: no bit set, the times are zero
			if err := c.fillDirect(&b.direct, m.rec, ef.data); err != nil {
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
			p := ef.data
			m.forgetRole()
			m.hist.reset()
			if err := c.fillDirect(&b.direct, m.rec, p); err != nil {
				m.rec.CopyFrom(c.defaults)
				return err
			}
			return nil
		}
	}
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
		m.rec.CopyFrom(c.defaults)
	}
	m.hist.reset()
	if err := c.fillWith(b, m, rv, base); err != nil {
		m.rec.CopyFrom(c.defaults)
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
		if err := c.fillDirect(&b.direct, m.rec, base); err != nil {
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
		c.layout.Give(m.rec, f.attr)
		if f.set != nil {
			if err := f.set(m.rec, f.slot, fv); err != nil {
				return fmt.Errorf("%s: %w", c.layout.Name(f.attr), err)
			}
			continue
		}
		if err := c.layout.Set(m.rec, f.attr, fv.Interface()); err != nil {
			return err
		}
	}
	return nil
}

// fillDirect reads the fields d lists from the struct at base into rec,
// one loop per kind.
func (c *Community) fillDirect(d *direct, rec *eval.Record, base unsafe.Pointer) error {
	// The slice in a local: a store through rec.I makes the compiler load
	// rec.I again for the next one.
	ints := rec.I
	for _, f := range d.fixed {
		ints[f.slot] = f.v
	}
	for _, r := range d.words {
		// A loop rather than copy: memmove's call and checks cost more
		// than the few words of a run.
		p, dst := unsafe.Add(base, r.off), rec.I[r.slot:r.slot+r.n]
		for j := range dst {
			dst[j] = *(*int64)(unsafe.Add(p, j*8))
		}
	}
	for _, f := range d.ints {
		rec.I[f.slot] = int64(*(*int)(unsafe.Add(base, f.off)))
	}
	for _, f := range d.bools {
		var v int64
		if *(*bool)(unsafe.Add(base, f.off)) {
			v = 1
		}
		rec.I[f.slot] = v
	}
	for _, f := range d.floats {
		v := *(*float64)(unsafe.Add(base, f.off))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: want float, got %v: NaN and infinities are not stored", c.layout.Name(f.attr), v)
		}
		rec.F[f.slot] = v
	}
	for _, f := range d.strs {
		rec.S[f.slot] = *(*string)(unsafe.Add(base, f.off))
	}
	for _, f := range d.times {
		tm := (*time.Time)(unsafe.Add(base, f.off))
		if s := tm.Unix(); s > stdlib.MinNanosSec && s < stdlib.MaxNanosSec {
			// stdlib.Nanos's common case, inline: the call, and the
			// registers saved around it, were a sixth of
			// BenchmarkFillFromStruct.
			rec.I[f.slot] = s*1e9 + int64(tm.Nanosecond())
			continue
		}
		ns, ok := stdlib.Nanos(*tm)
		if !ok {
			return c.layout.Set(rec, f.attr, *tm) // out of range: its error
		}
		rec.I[f.slot] = ns
	}
	return nil
}

// addWord adds the 8-byte field at to d's runs of words, extending the
// last run when at follows it in both the struct and the record.
func (d *direct) addWord(at fieldAt) {
	if n := len(d.words); n > 0 {
		r := &d.words[n-1]
		if r.off+uintptr(r.n)*8 == at.off && r.slot+r.n == at.slot {
			r.n++
			return
		}
	}
	d.words = append(d.words, wordRun{off: at.off, slot: at.slot, n: 1})
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
		at := fieldAt{off: f.offset, slot: f.slot, attr: f.attr}
		switch f.fast {
		case reflect.Int:
			if unsafe.Sizeof(int(0)) == 8 {
				b.direct.addWord(at)
			} else {
				b.direct.ints = append(b.direct.ints, at)
			}
		case reflect.Int64:
			b.direct.addWord(at)
		case reflect.Bool:
			b.direct.bools = append(b.direct.bools, at)
		case reflect.Float64:
			b.direct.floats = append(b.direct.floats, at)
		case reflect.String:
			b.direct.strs = append(b.direct.strs, at)
		case reflect.Struct:
			b.direct.times = append(b.direct.times, at)
		}
	}
	b.complete = !slices.Contains(bound, false)
	given := make([]int64, (c.layout.Len()+63)/64)
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
		b.direct.fixed = append(b.direct.fixed, fixedWord{at, v})
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
			b.direct.fixed = append(b.direct.fixed, fixedWord{slot: slot.Index})
		}
	}
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
