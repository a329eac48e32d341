package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
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
}

// MemberSnapshot is one member in a Snapshot. Attribute values are JSON
// numbers, booleans and strings; times are RFC 3339 strings and durations
// Go duration strings ("36h0m0s"). History lists, per action, whether it was
// ever taken and the times the rules keep.
type MemberSnapshot struct {
	ID         string                    `json:"id"`
	Attributes map[string]any            `json:"attributes"`
	History    map[string]ActionSnapshot `json:"history,omitempty"`
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
	m := &v.m
	for k := range s.st.len() {
		s.st.load(c, k, &v)
		ms := MemberSnapshot{ID: m.ID, Attributes: map[string]any{}}
		for i := 0; i < c.layout.Len(); i++ {
			v := m.rec.Get(c.layout.Slot(i))
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
		}
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
			for _, t := range m.hist.times[c.hist.off[a.index] : c.hist.off[a.index]+k] {
				if t != noTime {
					as.Times = append(as.Times, stdlib.Time(t))
				}
			}
			if ms.History == nil {
				ms.History = map[string]ActionSnapshot{}
			}
			ms.History[a.name] = as
		}
		snap.Members = append(snap.Members, ms)
	}
	sort.Slice(snap.Members, func(i, j int) bool { return snap.Members[i].ID < snap.Members[j].ID })
	return snap
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
	for i, ms := range snap.Members {
		m, err := c.Member(ms.Attributes)
		if err != nil {
			return nil, fmt.Errorf("restore: member %d (%q): %w", i, ms.ID, err)
		}
		for name, as := range ms.History {
			a, ok := c.actionByName[name]
			if !ok {
				return nil, fmt.Errorf("restore: member %q: unknown action %q in history", ms.ID, name)
			}
			if as.Ever {
				m.hist.ever[a.index/64] |= 1 << (a.index % 64)
			}
			earliest, kept := int64(0), false
			for _, t := range as.Times {
				ns, err := timeValue(t)
				if err != nil {
					return nil, fmt.Errorf("restore: member %q: %s: %w", ms.ID, name, err)
				}
				m.hist.record(&c.hist, a.index, ns)
				if !kept || ns < earliest {
					earliest, kept = ns, true
				}
			}
			if as.First != nil && c.hist.first[a.index] >= 0 {
				ns, err := timeValue(*as.First)
				if err != nil {
					return nil, fmt.Errorf("restore: member %q: %s: first: %w", ms.ID, name, err)
				}
				// The earliest taking is the earlier of "first" and the
				// kept times restored above: a snapshot whose "first" is
				// later than one of its times would otherwise make the
				// action not done between the two.
				if kept && earliest < ns {
					ns = earliest
				}
				m.hist.ever[a.index/64] |= 1 << (a.index % 64)
				m.hist.times[c.hist.first[a.index]] = ns
			}
		}
		if err := s.Join(ms.ID, m); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
	}
	s.events = snap.Events
	return s, nil
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
