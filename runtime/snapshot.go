package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/charterlang/charter/internal/jsonkeys"
	"github.com/charterlang/charter/stdlib"
)

// Snapshot is the documented JSON form of a live state (SPEC.md, "Live
// state"): the community's name, the number of events committed, and every
// member, sorted by ID, with its attributes and action history.
type Snapshot struct {
	Community string           `json:"community"`
	Events    uint64           `json:"events"`
	Members   []MemberSnapshot `json:"members"`
	// Removed lists the members remove sanctions removed, by ID, while
	// re-joining may still be refused (SPEC §11.6).
	Removed []RemovalSnapshot `json:"removed,omitempty"`
	// Latest is the latest event time the state had seen, its reference
	// time without a clock (SPEC §11.2): an action the histories keep no
	// time of may have set it. nil before the first event.
	Latest *time.Time `json:"latest,omitempty"`
}

// RemovalSnapshot is a member a remove sanction removed: when, by which
// rule, and until when re-joining is refused (nil: for good).
type RemovalSnapshot struct {
	ID     string     `json:"id"`
	At     time.Time  `json:"at"`
	Until  *time.Time `json:"until,omitempty"`
	Rule   string     `json:"rule"`
	Reason string     `json:"reason"`
}

// SanctionsSnapshot is what the state keeps of one member's sanctions:
// its mute, and when each duty's sanction last applied at a review.
type SanctionsSnapshot struct {
	Mute     *MuteSnapshot      `json:"mute,omitempty"`
	Reviewed []ReviewedSnapshot `json:"reviewed,omitempty"`
}

// MuteSnapshot is a member's mute: actions in [From, Until) are denied.
// For is the duration of the mute sanction, as a Go duration string.
type MuteSnapshot struct {
	From   time.Time `json:"from"`
	Until  time.Time `json:"until"`
	For    string    `json:"for"`
	Rule   string    `json:"rule"`
	Reason string    `json:"reason"`
}

// ReviewedSnapshot is the last time a review applied a duty's sanction
// to the member. Duty is the duty's label without its position ("must
// visit 1 per 7d"), followed by " #N" for the N-th of duties so written.
type ReviewedSnapshot struct {
	Duty string    `json:"duty"`
	At   time.Time `json:"at"`
}

// MemberSnapshot is one member in a Snapshot. Attribute values are JSON
// numbers, booleans and strings; times are RFC 3339 strings and durations
// Go duration strings ("36h0m0s"). History lists, per action, whether it was
// ever taken and the times the rules keep.
type MemberSnapshot struct {
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes"`
	// NotGiven lists, sorted, the attributes whose value no record,
	// update or effect gave (SPEC §7.7: has is false for them); their
	// values are in Attributes all the same. Left out when every
	// attribute was given, and absent from snapshots written before has
	// existed, where every attribute with a value counts as given.
	NotGiven  []string                  `json:"not_given,omitempty"`
	History   map[string]ActionSnapshot `json:"history,omitempty"`
	Sanctions *SanctionsSnapshot        `json:"sanctions,omitempty"`
}

// ActionSnapshot is one action's history in a MemberSnapshot. First is the
// earliest taking, kept for an action a `first` rule names; without it an
// action ever taken counts as taken before any question's time.
type ActionSnapshot struct {
	Ever  bool        `json:"ever"`
	First *time.Time  `json:"first,omitempty"`
	Times []time.Time `json:"times,omitempty"`
}

// Snapshot returns a consistent copy of the whole state: it reflects every
// event committed before it and none after.
func (s *State) Snapshot() *Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.c
	snap := &Snapshot{Community: c.Name, Events: s.events, Members: make([]MemberSnapshot, 0, s.st.len())}
	var v view // a view of each member in turn (snapshots may run concurrently, so not a shared one)
	for k := range s.st.len() {
		s.st.load(c, k, &v, s.st.ids[k])
		ms := c.memberSnapshot(&v.m)
		ms.Sanctions = s.memberSanctions(ms.ID)
		snap.Members = append(snap.Members, ms)
	}
	sort.Slice(snap.Members, func(i, j int) bool { return snap.Members[i].ID < snap.Members[j].ID })
	for id, r := range s.sanc.removed {
		rs := RemovalSnapshot{ID: id, At: stdlib.Time(r.at), Rule: r.rule, Reason: r.reason}
		if !r.forever {
			u := stdlib.Time(r.until)
			rs.Until = &u
		}
		snap.Removed = append(snap.Removed, rs)
	}
	sort.Slice(snap.Removed, func(i, j int) bool { return snap.Removed[i].ID < snap.Removed[j].ID })
	if s.seen {
		t := stdlib.Time(s.latest)
		snap.Latest = &t
	}
	return snap
}

// SnapshotMember returns m in the form a Snapshot gives its members, under
// id: what RestoreMember reads back into the same member. A host that
// keeps a log of joins (as runtime/store does) writes members so.
func (c *Community) SnapshotMember(id string, m *Member) MemberSnapshot {
	m = c.adopt(m)
	ms := c.memberSnapshot(m)
	ms.ID = id
	return ms
}

// memberSnapshot is m's snapshot form; m is in c's layout.
func (c *Community) memberSnapshot(m *Member) MemberSnapshot {
	ms := MemberSnapshot{ID: m.ID, Attributes: map[string]any{}}
	for i := 0; i < c.layout.Len(); i++ {
		v := m.rec().Get(c.layout.Slot(i))
		switch v := v.(type) {
		case time.Duration:
			ms.Attributes[c.layout.Name(i)] = v.String()
		case []time.Duration:
			ds := make([]string, len(v))
			for j, d := range v {
				ds[j] = d.String()
			}
			ms.Attributes[c.layout.Name(i)] = ds
		default:
			ms.Attributes[c.layout.Name(i)] = v
		}
		// The attributes the state keeps for sanctions are not asked
		// about with has, and always hold what the state set.
		if !c.layout.Given(m.rec(), i) && !c.def.Attrs[i].Implicit {
			ms.NotGiven = append(ms.NotGiven, c.layout.Name(i))
		}
	}
	sort.Strings(ms.NotGiven)
	for _, a := range c.actions {
		if !m.hist.done(a.index) {
			continue
		}
		as := ActionSnapshot{Ever: true}
		if t, ok := m.hist.firstTime(&c.hist, a.index); ok {
			ft := stdlib.Time(t)
			as.First = &ft
		}
		k := c.hist.keep[a.index]
		for i := c.hist.off[a.index]; i < c.hist.off[a.index]+k; i++ {
			if t := m.hist.time(i); t != noTime {
				as.Times = append(as.Times, stdlib.Time(t))
			}
		}
		if ms.History == nil {
			ms.History = map[string]ActionSnapshot{}
		}
		ms.History[a.name] = as
	}
	return ms
}

// memberSanctions is the snapshot of member id's sanctions, nil when it
// holds none.
func (s *State) memberSanctions(id string) *SanctionsSnapshot {
	var out SanctionsSnapshot
	if mu := s.sanc.mutes[id]; mu != nil && !s.lifted(mu) {
		out.Mute = &MuteSnapshot{From: stdlib.Time(mu.from), Until: stdlib.Time(mu.until), For: mu.sanction.For.String(), Rule: mu.rule, Reason: mu.reason}
	}
	if s.sanc.marks != nil {
		keys := s.c.dutyKeys()
		for j := range s.c.duties {
			if t, ok := s.sanc.marks[markKey{id, j}]; ok {
				out.Reviewed = append(out.Reviewed, ReviewedSnapshot{Duty: keys[j], At: stdlib.Time(t)})
			}
		}
	}
	if out.Mute == nil && out.Reviewed == nil {
		return nil
	}
	return &out
}

// dutyKeys names the duties with a sanction in snapshots: the label
// without its position, and " #N" for the N-th (N > 1) so written.
func (c *Community) dutyKeys() []string {
	keys := make([]string, len(c.duties))
	seen := map[string]int{}
	for j, d := range c.duties {
		k := d.def.Text()
		seen[k]++
		if n := seen[k]; n > 1 {
			k += " #" + strconv.Itoa(n)
		}
		keys[j] = k
	}
	return keys
}

// restoreSanctions gives member id the sanctions ss of a snapshot.
func (s *State) restoreSanctions(id string, ss *SanctionsSnapshot) error {
	if mu := ss.Mute; mu != nil {
		from, err := timeValue(mu.From)
		if err != nil {
			return fmt.Errorf("mute: from: %w", err)
		}
		until, err := timeValue(mu.Until)
		if err != nil {
			return fmt.Errorf("mute: until: %w", err)
		}
		d, err := time.ParseDuration(mu.For)
		if err != nil || d <= 0 {
			return fmt.Errorf("mute: for: want a positive Go duration such as \"24h0m0s\", got %q", mu.For)
		}
		if until <= from {
			return fmt.Errorf("mute: until %s is not after from %s", mu.Until.Format(time.RFC3339Nano), mu.From.Format(time.RFC3339Nano))
		}
		// A snapshot written before lifted mutes were forgotten may hold
		// one: it holds at no time, so the restored state need not keep it.
		if m := (&mute{from: from, until: until, sanction: &Sanction{Name: "mute", For: d}, rule: mu.Rule, reason: mu.Reason}); !s.lifted(m) {
			if s.sanc.mutes == nil {
				s.sanc.mutes = map[string]*mute{}
			}
			s.sanc.mutes[id] = m
		}
	}
	if len(ss.Reviewed) > 0 {
		keys := s.c.dutyKeys()
		for _, rv := range ss.Reviewed {
			j := slices.Index(keys, rv.Duty)
			if j < 0 {
				return fmt.Errorf("reviewed: %s has no duty %q with a sanction", s.c.Name, rv.Duty)
			}
			t, err := timeValue(rv.At)
			if err != nil {
				return fmt.Errorf("reviewed: %s: %w", rv.Duty, err)
			}
			if s.sanc.marks == nil {
				s.sanc.marks = map[markKey]int64{}
			}
			s.sanc.marks[markKey{id, j}] = t
		}
	}
	return nil
}

// restoreRemoved gives the state the removals of a snapshot.
func (s *State) restoreRemoved(rs []RemovalSnapshot) error {
	for _, r := range rs {
		if err := checkID(r.ID); err != nil {
			return fmt.Errorf("removed: %w", err)
		}
		if _, ok := s.st.find(r.ID); ok {
			return fmt.Errorf("removed: %q is also a member", r.ID)
		}
		if _, ok := s.sanc.removed[r.ID]; ok {
			return fmt.Errorf("removed: %q is listed twice", r.ID)
		}
		at, err := timeValue(r.At)
		if err != nil {
			return fmt.Errorf("removed: %q: at: %w", r.ID, err)
		}
		rm := &removal{at: at, forever: r.Until == nil, rule: r.Rule, reason: r.Reason, sanction: &Sanction{Name: "remove"}}
		if r.Until != nil {
			if rm.until, err = timeValue(*r.Until); err != nil {
				return fmt.Errorf("removed: %q: until: %w", r.ID, err)
			}
			if rm.until <= at {
				return fmt.Errorf("removed: %q: until is not after at", r.ID)
			}
			rm.sanction.For = time.Duration(rm.until - at)
		}
		if s.sanc.removed == nil {
			s.sanc.removed = map[string]*removal{}
		}
		s.sanc.removed[r.ID] = rm
		if !s.seen || at > s.latest {
			s.latest, s.seen = at, true
		}
	}
	return nil
}

// MarshalJSON writes the snapshot of s.
func (s *State) MarshalJSON() ([]byte, error) { return json.Marshal(s.Snapshot()) }

// Restore builds a live state of c from a snapshot, as Snapshot or its
// JSON form (ReadSnapshot) gives it, with the options NewState takes.
func Restore(c *Community, snap *Snapshot, opts ...StateOption) (*State, error) {
	if c == nil || snap == nil {
		return nil, fmt.Errorf("restore: no community or no snapshot")
	}
	if snap.Community != c.Name {
		return nil, fmt.Errorf("restore: snapshot is of community %q, not %s", snap.Community, c.Name)
	}
	s := NewState(c, opts...)
	// The snapshot's own times are the reference for its members' histories
	// (a clock, when given, still checks them): members joined at times
	// further apart than the skew are not refused because of that.
	for _, ms := range snap.Members {
		for _, as := range ms.History {
			for _, t := range as.Times {
				if ns, ok := stdlib.Nanos(t); ok && (!s.seen || ns > s.latest) {
					s.latest, s.seen = ns, true
				}
			}
			if as.First != nil {
				if ns, ok := stdlib.Nanos(*as.First); ok && (!s.seen || ns > s.latest) {
					s.latest, s.seen = ns, true
				}
			}
		}
	}
	if snap.Latest != nil {
		ns, err := timeValue(*snap.Latest)
		if err != nil {
			return nil, fmt.Errorf("restore: latest: %w", err)
		}
		if !s.seen || ns > s.latest {
			s.latest, s.seen = ns, true
		}
	}
	for i, ms := range snap.Members {
		m, err := c.RestoreMember(ms)
		if err != nil {
			return nil, fmt.Errorf("restore: member %d of %d: %w", i+1, len(snap.Members), err)
		}
		// Restored members were admitted when they joined: admission is
		// not asked again.
		if err := s.join(ms.ID, m, nil); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if ms.Sanctions != nil {
			if err := s.restoreSanctions(ms.ID, ms.Sanctions); err != nil {
				return nil, fmt.Errorf("restore: member %q: %w", ms.ID, err)
			}
		}
	}
	if err := s.restoreRemoved(snap.Removed); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	s.events = snap.Events
	return s, nil
}

// RestoreMember builds the member ms describes, attributes and history,
// as Restore does for each member of a snapshot.
func (c *Community) RestoreMember(ms MemberSnapshot) (*Member, error) {
	m, err := c.Member(ms.Attributes)
	if err != nil {
		return nil, fmt.Errorf("member %q: %w", ms.ID, err)
	}
	m.ID = ms.ID
	for j, name := range ms.NotGiven {
		i, ok := c.layout.Lookup(name)
		switch {
		case !ok:
			return nil, fmt.Errorf("member %q: not_given: %s has no attribute %q", ms.ID, c.Name, name)
		case c.def.Attrs[i].Required:
			return nil, fmt.Errorf("member %q: not_given: attribute %s is required, so every member gives it", ms.ID, name)
		case slices.Contains(ms.NotGiven[:j], name):
			return nil, fmt.Errorf("member %q: not_given: %s is listed twice", ms.ID, name)
		}
		c.layout.Forget(m.rec(), i)
	}
	names := make([]string, 0, len(ms.History))
	for name := range ms.History {
		names = append(names, name)
	}
	sort.Strings(names) // the first error is always the same
	for _, name := range names {
		as := ms.History[name]
		a, ok := c.actionByName[name]
		if !ok {
			return nil, fmt.Errorf("member %q: unknown action %q in history", ms.ID, name)
		}
		if as.Ever {
			m.hist.bits(&c.hist)[a.index/64] |= 1 << (a.index % 64)
		}
		earliest, kept := int64(0), false
		for _, t := range as.Times {
			ns, err := timeValue(t)
			if err != nil {
				return nil, fmt.Errorf("member %q: %s: %w", ms.ID, name, err)
			}
			m.hist.record(&c.hist, a.index, ns)
			if !kept || ns < earliest {
				earliest, kept = ns, true
			}
		}
		if as.First != nil && c.hist.first[a.index] >= 0 {
			ns, err := timeValue(*as.First)
			if err != nil {
				return nil, fmt.Errorf("member %q: %s: first: %w", ms.ID, name, err)
			}
			// The earliest taking is the earlier of "first" and the
			// kept times restored above: a snapshot whose "first" is
			// later than one of its times would otherwise make the
			// action not done between the two.
			if kept && earliest < ns {
				ns = earliest
			}
			m.hist.bits(&c.hist)[a.index/64] |= 1 << (a.index % 64)
			m.hist.slots(&c.hist)[c.hist.first[a.index]] = ns
		}
	}
	return m, nil
}

// ReadSnapshot decodes a snapshot's JSON form, keeping numbers exact. A
// field the form does not have (such as a misspelled "members", which would
// otherwise restore no member at all), a missing "community", or anything
// after the object is an error, and so is a key given twice (decoding would
// keep the last member or event list and drop the first).
func ReadSnapshot(data []byte) (*Snapshot, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var snap *Snapshot
	if err := dec.Decode(&snap); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if snap == nil {
		return nil, fmt.Errorf("snapshot: want an object, got null")
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("more than one value")
		}
		return nil, fmt.Errorf("snapshot: after the object at byte %d: %w", dec.InputOffset(), err)
	}
	if snap.Community == "" {
		return nil, fmt.Errorf("snapshot: no \"community\"")
	}
	if d := jsonkeys.Find(data); d != nil {
		line, col := d.Position(data)
		return nil, fmt.Errorf("snapshot: %v at line %d, column %d", d, line, col)
	}
	return snap, nil
}
