package simulate

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// CSVHeader returns the columns of WriteCSV for s, in order:
//
//	day, date, members, joined, left, removed, refused, attempts, allowed,
//	role:NAME       for each role of s.Roles (lowest rung first),
//	badge:NAME      for each badge of s.Badges,
//	goal:NAME, goal:NAME:met   for each goal of s.Goals,
//	denied:LABEL    for every rule label that denied on some day, sorted,
//	sanction:KIND   for every sanction kind applied on some day, sorted,
//	message:TEXT    for every message sent on some day, sorted.
//
// A column that a day has no figure for holds 0. The date is the end of
// the day in RFC 3339; a goal's value is written in the shortest form
// that reads back the same float64, met as true or false.
func CSVHeader(s *Series) []string {
	h := []string{"day", "date", "members", "joined", "left", "removed", "refused", "attempts", "allowed"}
	for _, r := range s.Roles {
		h = append(h, "role:"+r)
	}
	for _, b := range s.Badges {
		h = append(h, "badge:"+b)
	}
	for _, g := range s.Goals {
		h = append(h, "goal:"+g.Name, "goal:"+g.Name+":met")
	}
	for _, k := range s.DenialLabels() {
		h = append(h, "denied:"+k)
	}
	for _, k := range s.SanctionKinds() {
		h = append(h, "sanction:"+k)
	}
	for _, k := range s.MessageTexts() {
		h = append(h, "message:"+k)
	}
	return h
}

// DenialLabels returns every rule label that denied an action on some
// day of s, sorted.
func (s *Series) DenialLabels() []string {
	return keysOf(s, func(d *Day) map[string]int { return d.Denials })
}

// SanctionKinds returns every kind of sanction applied on some day of s,
// sorted.
func (s *Series) SanctionKinds() []string {
	return keysOf(s, func(d *Day) map[string]int { return d.Sanctions })
}

// MessageTexts returns the text of every message sent on some day of s,
// sorted.
func (s *Series) MessageTexts() []string {
	return keysOf(s, func(d *Day) map[string]int { return d.Messages })
}

func keysOf(s *Series, f func(*Day) map[string]int) []string {
	seen := map[string]bool{}
	var out []string
	for i := range s.Days {
		for k := range f(&s.Days[i]) {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// WriteCSV writes s as CSV: the header of CSVHeader, then one row per day.
func WriteCSV(w io.Writer, s *Series) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader(s)); err != nil {
		return err
	}
	denials, sanctions, messages := s.DenialLabels(), s.SanctionKinds(), s.MessageTexts()
	var row []string
	itoa := strconv.Itoa
	for i := range s.Days {
		d := &s.Days[i]
		row = append(row[:0], itoa(d.Day), d.Date.UTC().Format(time.RFC3339), itoa(d.Members), itoa(d.Joined), itoa(d.Left), itoa(d.Removed), itoa(d.Refused), itoa(d.Attempts), itoa(d.Allowed))
		for _, r := range s.Roles {
			row = append(row, itoa(d.Roles[r]))
		}
		for _, b := range s.Badges {
			row = append(row, itoa(d.Badges[b]))
		}
		for gi := range s.Goals {
			var g GoalDay
			if gi < len(d.Goals) {
				g = d.Goals[gi]
			}
			row = append(row, strconv.FormatFloat(g.Value, 'g', -1, 64), strconv.FormatBool(g.Met))
		}
		for _, k := range denials {
			row = append(row, itoa(d.Denials[k]))
		}
		for _, k := range sanctions {
			row = append(row, itoa(d.Sanctions[k]))
		}
		for _, k := range messages {
			row = append(row, itoa(d.Messages[k]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

type trailer struct {
	Transitions []Transition `json:"transitions"`
}

// WriteJSONL writes s as JSON Lines: a first line with the run and its
// names, s.RunInfo ({"community", "rules", "model", "seed", "start",
// "roles", "badges", "goals"}),
// one line per Day in the form of Day's JSON, and a last line
// {"transitions": [...]}. ReadJSONL reads it back.
func WriteJSONL(w io.Writer, s *Series) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // rule labels and messages read as written: ">=", not "\u003e="
	if err := enc.Encode(&s.RunInfo); err != nil {
		return err
	}
	for i := range s.Days {
		if err := enc.Encode(&s.Days[i]); err != nil {
			return fmt.Errorf("day %d: %w", s.Days[i].Day, err)
		}
	}
	if err := enc.Encode(trailer{s.Transitions}); err != nil {
		return err
	}
	return bw.Flush()
}

// ReadJSONL reads a Series that WriteJSONL wrote.
func ReadJSONL(r io.Reader) (*Series, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	s := &Series{}
	if err := dec.Decode(&s.RunInfo); err != nil {
		return nil, fmt.Errorf("series line 1: %w", err)
	}
	// Each further line is a day, but the last, which holds the
	// transitions: read each as raw JSON and tell them apart by their key.
	for line := 2; ; line++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return nil, fmt.Errorf("series: no transitions line at the end")
		} else if err != nil {
			return nil, fmt.Errorf("series line %d: %w", line, err)
		}
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fmt.Errorf("series line %d: %w", line, err)
		}
		if _, ok := probe["transitions"]; ok {
			var t trailer
			if err := strict(raw, &t); err != nil {
				return nil, fmt.Errorf("series line %d: %w", line, err)
			}
			s.Transitions = t.Transitions
			if dec.More() {
				return nil, fmt.Errorf("series line %d: lines after the transitions", line+1)
			}
			return s, nil
		}
		var d Day
		if err := strict(raw, &d); err != nil {
			return nil, fmt.Errorf("series line %d: %w", line, err)
		}
		s.Days = append(s.Days, d)
	}
}

func strict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
