package eval

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charterlang/charter/lang/check"
)

func TestConvert(t *testing.T) {
	day := int64(24 * time.Hour)
	tests := []struct {
		t    check.Type
		in   any
		want any    // runtime form, when err is ""
		err  string // part of the error
	}{
		{t: typ(check.Int), in: 3, want: int64(3)},
		{t: typ(check.Int), in: int64(-3), want: int64(-3)},
		{t: typ(check.Int), in: uint8(7), want: int64(7)},
		{t: typ(check.Int), in: 3.0, want: int64(3)}, // JSON numbers arrive as float64
		{t: typ(check.Int), in: json.Number("42"), want: int64(42)},
		{t: typ(check.Int), in: json.Number("4.0"), want: int64(4)},
		{t: typ(check.Int), in: json.Number("1e3"), want: int64(1000)},
		{t: typ(check.Int), in: 1.5, err: "want int, got a number 1.5: not a whole number"},
		{t: typ(check.Int), in: json.Number("4.5"), err: "not a whole number"},
		{t: typ(check.Int), in: json.Number("four"), err: "not a number"},
		{t: typ(check.Int), in: math.NaN(), err: "not a whole number"},
		{t: typ(check.Int), in: 1e19, err: "out of range"},
		{t: typ(check.Int), in: uint64(math.MaxUint64), err: "out of range"},
		{t: typ(check.Int), in: "3", err: `want int, got a string "3"`},
		{t: typ(check.Int), in: true, err: "want int, got a boolean true"},
		{t: typ(check.Int), in: time.Hour, err: "want int, got a duration 1h0m0s"},
		{t: typ(check.Int), in: nil, err: "want int, got null"},
		{t: typ(check.Float), in: 1.5, want: 1.5},
		{t: typ(check.Float), in: 2, want: 2.0},
		{t: typ(check.Float), in: float32(0.5), want: 0.5},
		{t: typ(check.Float), in: json.Number("2.5"), want: 2.5},
		{t: typ(check.Float), in: math.NaN(), err: "NaN and infinities are not values"},
		{t: typ(check.Float), in: math.Inf(-1), err: "NaN and infinities"},
		{t: typ(check.Float), in: json.Number("NaN"), err: "NaN and infinities"},
		{t: typ(check.Float), in: "1.5", err: "want float, got a string \"1.5\""},
		{t: typ(check.Float), in: time.Second, err: "want float, got a duration 1s"},
		{t: typ(check.Bool), in: true, want: true},
		{t: typ(check.Bool), in: 1, err: "want bool, got a number 1"},
		{t: typ(check.Bool), in: "true", err: "want bool, got a string"},
		{t: typ(check.String), in: "x", want: "x"},
		{t: typ(check.String), in: 1, err: "want string, got a number 1"},
		{t: typ(check.Member), in: "bob", want: "bob"},
		{t: typ(check.Role), in: 3, want: int64(3)},
		{t: typ(check.Time), in: at, want: at.UnixNano()},
		{t: typ(check.Time), in: "2025-03-10T12:00:00Z", want: at.UnixNano()},
		{t: typ(check.Time), in: "2025-03-10T14:00:00+02:00", want: at.UnixNano()},
		{t: typ(check.Time), in: "2025-03-10T12:00:00.5Z", want: at.UnixNano() + 5e8},
		{t: typ(check.Time), in: time.Time{}, want: int64(0)},
		{t: typ(check.Time), in: "yesterday", err: "RFC 3339"},
		{t: typ(check.Time), in: "2025-03-10", err: "RFC 3339"},
		{t: typ(check.Time), in: 1700000000, err: "want time, got a number 1700000000"},
		{t: typ(check.Time), in: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), err: "between 1677-09-21 and 2262-04-11"},
		{t: typ(check.Time), in: "2300-01-01T00:00:00Z", err: "between 1677"},
		{t: typ(check.Duration), in: time.Hour, want: int64(time.Hour)},
		{t: typ(check.Duration), in: "7d", want: 7 * day},
		{t: typ(check.Duration), in: "2w", want: 14 * day},
		{t: typ(check.Duration), in: "1_000ms", want: int64(time.Second)},
		{t: typ(check.Duration), in: "1h30m", want: int64(90 * time.Minute)},
		{t: typ(check.Duration), in: "-5m", want: -int64(5 * time.Minute)},
		{t: typ(check.Duration), in: "1.5h", want: int64(90 * time.Minute)},
		{t: typ(check.Duration), in: 3600, err: "a number has no unit"},
		{t: typ(check.Duration), in: "7 days", err: "durations are written like"},
		{t: typ(check.Duration), in: "d", err: "durations are written like"},
		{t: typ(check.Duration), in: "", err: "durations are written like"},
		{t: typ(check.Duration), in: "_7d", err: "durations are written like"},
		{t: typ(check.Duration), in: "99999999999999999999d", err: "durations are written like"},
		{t: typ(check.Duration), in: "200000w", err: "durations are written like"},
		{t: listOf(check.String), in: []any{"a", "b"}, want: []string{"a", "b"}},
		{t: listOf(check.String), in: []string{"a"}, want: []string{"a"}},
		{t: listOf(check.Int), in: []any{1, 2.0, json.Number("3")}, want: []int64{1, 2, 3}},
		{t: listOf(check.Int), in: []any{1, 1.5}, err: "attribute x[1]: want int, got a number 1.5"},
		{t: listOf(check.Float), in: []int{1, 2}, want: []float64{1, 2}},
		{t: listOf(check.Bool), in: []any{true, false}, want: []bool{true, false}},
		{t: listOf(check.Time), in: []any{"2025-03-10T12:00:00Z", at}, want: []int64{at.UnixNano(), at.UnixNano()}},
		{t: listOf(check.Duration), in: []string{"7d", "1h"}, want: []int64{7 * day, int64(time.Hour)}},
		{t: listOf(check.String), in: []any{}, want: []string{}},
		{t: listOf(check.String), in: "a", err: "want []string, got a string \"a\""},
		{t: listOf(check.List), in: []any{}, err: "cannot hold"},
		{t: typ(check.Invalid), in: 1, err: "cannot hold"},
	}
	for _, tt := range tests {
		got, err := Convert("x", tt.t, tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Convert(%s, %#v) = %#v, %v; want error %q", tt.t, tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Convert(%s, %#v) = %#v, %v; want %#v", tt.t, tt.in, got, err, tt.want)
		}
	}
}

// Errors name values in JSON's and Charter's words, never Go's
// (issue 14: no "[]interface {}" or "json.Number" in a CLI error).
func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{nil, "null"},
		{"x", `a string "x"`},
		{strings.Repeat("y", 50), `a string "` + strings.Repeat("y", 36) + "..."},
		{true, "a boolean true"},
		{json.Number("5"), "a number 5"},
		{3, "a number 3"},
		{2.5, "a number 2.5"},
		{[]any{1}, "a list"},
		{[]string{"a"}, "a list"},
		{map[string]any{"a": 1}, "an object"},
		{time.Hour, "a duration 1h0m0s"},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), "a time 2026-01-02T00:00:00Z"},
		{struct{}{}, "a Go struct {}"},
	} {
		if got := Describe(tc.in); got != tc.want {
			t.Errorf("Describe(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestValueErrorNamesEverything(t *testing.T) {
	_, err := Convert("posts", typ(check.Int), 1.5)
	ve, ok := err.(*ValueError)
	if !ok {
		t.Fatalf("error %T, want *ValueError", err)
	}
	if ve.Name != "posts" || ve.Want != typ(check.Int) || ve.Got != 1.5 {
		t.Errorf("ValueError %+v", ve)
	}
	if got := err.Error(); got != "attribute posts: want int, got a number 1.5: not a whole number" {
		t.Errorf("message %q", got)
	}
}

func TestLayoutAndRecord(t *testing.T) {
	names := []string{"posts", "rep", "ok", "name", "seen", "window", "tags", "to", "rank", "scores"}
	types := []check.Type{typ(check.Int), typ(check.Float), typ(check.Bool), typ(check.String), typ(check.Time),
		typ(check.Duration), listOf(check.String), typ(check.Member), typ(check.Role), listOf(check.Int)}
	l, err := NewLayout(names, types)
	if err != nil {
		t.Fatal(err)
	}
	wantSlots := []Slot{
		{types[0], 0}, {types[1], 0}, {types[2], 1}, {types[3], 0}, {types[4], 2},
		{types[5], 3}, {types[6], 0}, {types[7], 1}, {types[8], 4}, {types[9], 1},
	}
	for i, want := range wantSlots {
		if got := l.Slot(i); got != want {
			t.Errorf("slot of %s = %+v, want %+v", names[i], got, want)
		}
	}
	r := NewRecord(l)
	zero := []any{int64(0), 0.0, false, "", time.Unix(0, 0).UTC(), time.Duration(0), []string{}, "", int64(0), []int64{}}
	for i, want := range zero {
		if got := r.Get(l.Slot(i)); !reflect.DeepEqual(got, want) {
			t.Errorf("zero %s = %#v, want %#v", names[i], got, want)
		}
	}
	values := []any{int64(5), 1.5, true, "Ann", at, 36 * time.Hour, []string{"go"}, "bob", int64(2), []int64{1, 2}}
	for i, v := range values {
		if err := l.SetByName(r, names[i], v); err != nil {
			t.Fatal(err)
		}
		if got := r.Get(l.Slot(i)); !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %#v, want %#v", names[i], got, v)
		}
	}
	if err := l.SetByName(r, "karma", 1); err == nil || !strings.Contains(err.Error(), "unknown attribute karma") {
		t.Errorf("SetByName(karma) = %v", err)
	}
	if err := l.Set(r, 99, 1); err == nil {
		t.Error("Set(99) succeeded")
	}
	if err := l.SetByName(r, "posts", "many"); err == nil || !strings.Contains(err.Error(), "attribute posts") {
		t.Errorf("SetByName(posts, \"many\") = %v", err)
	}
	if i, ok := l.Lookup("seen"); !ok || l.Name(i) != "seen" || l.Len() != len(names) {
		t.Error("Lookup, Name or Len is wrong")
	}

	c := r.Clone()
	c.I[0] = 99
	if r.I[0] == 99 {
		t.Error("Clone shares its arrays")
	}
	if allocs := testing.AllocsPerRun(20, func() { c.CopyFrom(r) }); allocs != 0 {
		t.Errorf("CopyFrom allocates %v times", allocs)
	}
	if !reflect.DeepEqual(c, r) {
		t.Error("CopyFrom did not copy")
	}
}

func TestNewLayoutErrors(t *testing.T) {
	tests := []struct {
		names []string
		types []check.Type
		err   string
	}{
		{[]string{"a"}, nil, "1 names for 0 types"},
		{[]string{"a", "a"}, []check.Type{typ(check.Int), typ(check.Int)}, "declared twice"},
		{[]string{"a"}, []check.Type{typ(check.Invalid)}, "cannot hold"},
		{[]string{"a"}, []check.Type{listOf(check.Member)}, "cannot hold"},
	}
	for _, tt := range tests {
		if _, err := NewLayout(tt.names, tt.types); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("NewLayout(%v, %v) = %v, want %q", tt.names, tt.types, err, tt.err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"500ms", int64(500 * time.Millisecond), true},
		{"30s", int64(30 * time.Second), true},
		{"15m", int64(15 * time.Minute), true},
		{"24h", int64(24 * time.Hour), true},
		{"7d", int64(7 * 24 * time.Hour), true},
		{"2w", int64(14 * 24 * time.Hour), true},
		{"1_0d", int64(10 * 24 * time.Hour), true},
		{"2h45m", int64(2*time.Hour + 45*time.Minute), true},
		{"7", 0, false},
		{"7x", 0, false},
		{"7d_", 0, false},
		{"7__d", int64(7 * 24 * time.Hour), true},
		{"1d2h", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseDuration(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
