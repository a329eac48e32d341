package fuzz

// Targets for the shapes of issue 16 ("Hostile input"): inheritance
// generated from the input, effects that grow their values, history at
// arbitrary times, and the snapshot of any state Apply can reach.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
)

// inheritSource writes a file of up to 12 communities from r: each may
// extend an earlier one (a chain, a star, or a tree), now and then a later
// one or itself (a cycle), and declares a few members, actions, rules,
// effects, roles and badges over a small pool of names, so that children
// override, repeat and contradict what they inherit.
func inheritSource(r *bytesReader) []byte {
	attrs := []string{"a", "b", "c", "d"}
	types := []string{"int", "int", "int", "float", "string", "bool", "duration", "time", "[]string"}
	acts := []string{"p", "q", "r"}
	var b strings.Builder
	n := 1 + r.n(12)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "community C%d", i)
		switch k := r.n(16); {
		case k == 0:
			fmt.Fprintf(&b, " extends C%d", r.n(n)) // perhaps a cycle
		case k <= 7 && i > 0:
			fmt.Fprintf(&b, " extends C%d", r.n(i)) // a tree; C0 often, so a star
		case k <= 11 && i > 0:
			fmt.Fprintf(&b, " extends C%d", i-1) // a chain
		}
		b.WriteString(" {\n")
		if bits := r.next(); bits&15 != 0 {
			b.WriteString("  member {")
			for j, a := range attrs {
				if bits&(1<<j) != 0 {
					fmt.Fprintf(&b, " %s: %s;", a, types[r.n(len(types))])
				}
			}
			b.WriteString(" }\n")
		}
		bits := r.next()
		for j, x := range acts {
			if bits&(1<<j) != 0 {
				if bits&(8<<j) != 0 {
					fmt.Fprintf(&b, "  action %s(n: int, to: member)\n", x)
				} else {
					fmt.Fprintf(&b, "  action %s()\n", x)
				}
			}
		}
		for j := r.n(7); j > 0; j-- {
			a, x, k := attrs[r.n(len(attrs))], acts[r.n(len(acts))], int(int8(r.next()))
			switch r.n(11) {
			case 0:
				fmt.Fprintf(&b, "  may %s if %s > %d\n", x, a, k)
			case 1:
				fmt.Fprintf(&b, "  must not %s if %s == %d because \"no\"\n", x, a, k)
			case 2:
				fmt.Fprintf(&b, "  limit %s %d per 1d\n", x, 1+r.n(4))
			case 3:
				fmt.Fprintf(&b, "  on %s { %s += %d }\n", x, a, k)
			case 4:
				fmt.Fprintf(&b, "  roles {\n    top if %s > %d\n    base otherwise\n  }\n", a, k)
			case 5:
				fmt.Fprintf(&b, "  badge b%d if %s >= %d\n", r.n(3), a, k)
			case 6:
				b.WriteString([]string{"  default allow\n", "  default deny\n"}[r.n(2)])
			case 7:
				fmt.Fprintf(&b, "  first %s then %s\n", x, acts[r.n(len(acts))])
			case 8:
				fmt.Fprintf(&b, "  may %s if role >= top\n", x)
			case 9:
				fmt.Fprintf(&b, "  on %s { to.%s += n }\n", x, a)
			default:
				fmt.Fprintf(&b, "  may %s\n", x)
			}
		}
		b.WriteString("}\n")
	}
	return []byte(b.String())
}

// FuzzInherit checks load sets of communities that extend each other in
// shapes drawn from the input: checking never panics and its diagnostics
// lie in the file; a set that checks compiles, or fails with diagnostics;
// a child has every attribute and action of its parent; and every action
// of every community decides, the same way twice, for a member with
// default values.
func FuzzInherit(f *testing.F) {
	f.Add([]byte{})
	// Found by a search for inputs that check cleanly: 10 communities with
	// 9 extends, and 12 with 10.
	f.Add([]byte{0xe1, 0xd1, 0xb4, 0x5d, 0xcf, 0x2b, 0xad, 0xee, 0xbe, 0x2e, 0xfc, 0x28, 0x8a, 0x12, 0x27, 0xc0, 0x1b, 0x80, 0xe8, 0x3e, 0xfc, 0x3b, 0xe, 0x81, 0x45, 0x8f, 0xed, 0x19, 0xae, 0x22, 0xf1, 0x4f, 0xf9, 0x65, 0x82, 0x2b, 0x5e, 0x7, 0x54, 0xa3})
	f.Add([]byte{0x5f, 0xfd, 0x78, 0x6, 0xd4, 0x70, 0x16, 0xfa, 0xd7, 0xed, 0x1d, 0xf4, 0x16, 0x2f, 0x71, 0x32, 0x4, 0xa8, 0xdc, 0xa2, 0x67, 0x6, 0xec, 0xc1, 0xd0, 0xcf, 0xfc, 0xa, 0x94, 0xb6, 0xeb, 0xb1, 0x7a, 0xb4, 0xc6, 0xff, 0xe1, 0x78, 0x3d, 0x61})
	f.Add([]byte("extends, overrides, cycles"))
	at := t0.Add(36 * time.Hour)
	f.Fuzz(func(t *testing.T, data []byte) {
		src := inheritSource(&bytesReader{b: data})
		ls := lang.LoadSources(map[string][]byte{"f.charter": src})
		for _, d := range ls.Diags {
			if p := d.Range.Start; p.Filename != "f.charter" || p.Line < 1 || p.Offset < 0 || p.Offset > len(src) {
				t.Fatalf("diagnostic outside the file: %v\n%s", d, src)
			}
		}
		if ls.Diags.HasErrors() {
			return
		}
		prog, err := runtime.Compile(ls.Program)
		if err != nil {
			var ds diag.List
			if !errors.As(err, &ds) {
				t.Fatalf("compile: an error that is not a diagnostic list: %v\n%s", err, src)
			}
			return
		}
		for _, c := range prog.Communities() {
			cc := c.Checked()
			if p := cc.Parent; p != nil {
				for _, a := range p.Attrs {
					if cc.Attr(a.Name) == nil {
						t.Fatalf("%s lost attribute %s of its parent %s\n%s", c.Name, a.Name, p.Name, src)
					}
				}
				for _, a := range p.Actions {
					if cc.Action(a.Name) == nil {
						t.Fatalf("%s lost action %s of its parent %s\n%s", c.Name, a.Name, p.Name, src)
					}
				}
			}
			m, err := c.Member(nil)
			if err != nil {
				t.Fatalf("%s: a member of defaults: %v", c.Name, err)
			}
			for _, a := range cc.Actions {
				if _, err := c.Cost(a.Name); err != nil {
					t.Fatalf("%s: Cost(%s): %v", c.Name, a.Name, err)
				}
				args := runtime.Args{}
				for _, p := range a.Params {
					if p.Name == "to" {
						args[p.Name] = "x"
					} else {
						args[p.Name] = 1
					}
				}
				d1, err1 := c.Decide(m, a.Name, args, at)
				d2, err2 := c.Decide(m, a.Name, args, at)
				if (err1 == nil) != (err2 == nil) || err1 == nil && d1.String() != d2.String() {
					t.Fatalf("%s: %s decided twice: %v %v / %v %v", c.Name, a.Name, d1, err1, d2, err2)
				}
			}
		}
	})
}

// growSource declares effects that grow a value on every application:
// strings that double or more, integers that square, floats that overflow
// to infinity, durations that double, and a transfer that grows another
// member too.
const growSource = `community Grow {
  default allow
  member { s: string = "ab"; n: int = 3; f: float = 1.5; d: duration = 1h; l: []string }
  action dup()
  action cat(x: string)
  action shout()
  action square()
  action mul(k: int)
  action fsquare()
  action fmul(k: float)
  action ddup()
  action dadd(k: duration)
  action give(to: member)
  on dup { s += s }
  on cat { s = s + x + s }
  on shout { s = upper(s) + lower(s) + s }
  on square { n *= n }
  on mul { n = n * k + k }
  on fsquare { f *= f }
  on fmul { f = f * k }
  on ddup { d += d }
  on dadd { d += k }
  on give { to.s += s; to.n += n; s += to.s }
}
`

// hostLimits are the largest string (bytes) and list (elements) a host may
// give (SPEC §13); issue 16 makes every effect result obey them.
const (
	maxString = 1 << 20
	maxList   = 65536
)

// tooBig reports whether a member's values have grown past the host-value
// limits.
func tooBig(values map[string]any) bool {
	for _, v := range values {
		switch v := v.(type) {
		case string:
			if len(v) > maxString {
				return true
			}
		case []string:
			if len(v) > maxList {
				return true
			}
		}
	}
	return false
}

// FuzzEffectGrowth applies effects that grow their values, again and
// again, in an order and with arguments drawn from the input. Apply never
// panics; it either applies (Applied, one event more) or returns an error
// or a denial and changes nothing: no member's values and no event count.
// What it applies obeys SPEC §6.14: no string past 1 MiB, integers and
// durations exact (an effect that would leave the 64-bit range is an
// error, never a wrap-around), floats finite.
func FuzzEffectGrowth(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 48)) // 24 times dup: "ab" grows past 1 MiB
	f.Add([]byte{3, 3, 3, 3, 3, 3, 3, 3, 4, 255, 4, 127, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5})
	f.Add([]byte{1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3}) // 3 squared six times leaves 64 bits
	f.Add(bytes.Repeat([]byte{7}, 48))                // 1h doubled 24 times leaves 64 bits
	f.Add([]byte{9, 0, 9, 1, 9, 0, 9, 1, 1, 40, 2, 6, 1, 200, 9, 0, 9, 1, 9, 0, 9, 1, 9, 0, 9, 1})
	prog, err := runtime.CompileSource("grow.charter", []byte(growSource))
	if err != nil {
		f.Fatal(err)
	}
	c := prog.Community("Grow")
	ints := []int64{0, 1, -1, 2, 1000, math.MaxInt64, math.MinInt64, math.MaxInt32, -7}
	floats := []float64{0, 1, -1, 1e300, -1e300, 1e-300, 2.5, math.MaxFloat64, math.SmallestNonzeroFloat64}
	durs := []string{"0s", "1ns", "-1ns", "2562047h", "-2562047h", "7d", "1h"}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &bytesReader{b: data}
		st := runtime.NewState(c)
		ids := []string{"a", "b"}
		for _, id := range ids {
			m, err := c.Member(nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Join(id, m); err != nil {
				t.Fatal(err)
			}
		}
		values := func() map[string]map[string]any {
			out := map[string]map[string]any{}
			for _, id := range ids {
				m, _ := st.Member(id)
				out[id] = c.Values(m)
			}
			return out
		}
		at := t0
		for step := 0; step < 64 && r.i < len(r.b); step++ {
			at = at.Add(time.Minute)
			id := ids[r.n(2)]
			var action string
			args := runtime.Args{}
			switch r.n(10) {
			case 0:
				action = "dup"
			case 1:
				action, args["x"] = "cat", strings.Repeat("x", r.n(256)*r.n(256))
			case 2:
				action = "shout"
			case 3:
				action = "square"
			case 4:
				action, args["k"] = "mul", ints[r.n(len(ints))]
			case 5:
				action = "fsquare"
			case 6:
				action, args["k"] = "fmul", floats[r.n(len(floats))]
			case 7:
				action = "ddup"
			case 8:
				action, args["k"] = "dadd", durs[r.n(len(durs))]
			default:
				action, args["to"] = "give", ids[r.n(2)]
			}
			before, events := values(), st.Events()
			res, err := st.Apply(context.Background(), id, action, args, at)
			if err != nil && err.Error() == "" {
				t.Fatalf("%s %v: an error without a message", action, args)
			}
			want, fits, exact := exactResult(action, before[id], args)
			if err != nil || !res.Applied {
				if after := values(); !reflect.DeepEqual(before, after) || st.Events() != events {
					t.Fatalf("%s %v by %s was not applied (%v, err %v) but changed the state: events %d -> %d", action, args, id, res.Decision, err, events, st.Events())
				}
				if exact != "" && fits {
					t.Fatalf("%s %v by %s: %s = %v fits in 64 bits at every step, but Apply refused it: %v", action, args, id, exact, want, err)
				}
				continue
			}
			if st.Events() != events+1 {
				t.Fatalf("%s %v applied: events %d -> %d, want one more", action, args, events, st.Events())
			}
			after := values()
			for who, v := range after {
				if tooBig(v) {
					t.Fatalf("%s %v by %s applied, and %s now holds a value past the host-value limits", action, args, id, who)
				}
				if f := v["f"].(float64); math.IsNaN(f) || math.IsInf(f, 0) {
					t.Fatalf("%s %v by %s applied, and %s now holds f = %v", action, args, id, who, f)
				}
			}
			if exact != "" {
				got := after[id][exact]
				if d, ok := got.(time.Duration); ok {
					got = int64(d)
				}
				if !fits || want.Int64() != got.(int64) {
					t.Fatalf("%s %v by %s: %s is %v, want exactly %v (in 64 bits at every step: %v)", action, args, id, exact, got, want, fits)
				}
			}
		}
	})
}

// exactResult is, for the actions of growSource whose effect is integer or
// duration arithmetic on the actor alone, the attribute it sets and its
// exact value from the values before, with whether that value and every
// step on the way to it fit in 64 bits (SPEC §6.14 refuses an effect when
// any of them does not); exact is "" for the other actions.
func exactResult(action string, before map[string]any, args runtime.Args) (want *big.Int, fits bool, exact string) {
	fits = true
	step := func(x *big.Int) *big.Int {
		fits = fits && x.IsInt64()
		return x
	}
	n := big.NewInt(before["n"].(int64))
	d := big.NewInt(int64(before["d"].(time.Duration)))
	switch action {
	case "square":
		return step(n.Mul(n, n)), fits, "n"
	case "mul":
		k := big.NewInt(args["k"].(int64))
		return step(n.Add(step(n.Mul(n, k)), k)), fits, "n"
	case "ddup":
		return step(d.Add(d, d)), fits, "d"
	}
	return nil, false, ""
}

// histSource reads history every way a rule can: first/then, a limit per
// window, a duty, and a badge and a role over a time attribute that the
// effects set from now().
const histSource = `community Hist {
  member { posts: int; last_seen: time }
  action introduce()
  action post()
  action visit()
  roles {
    regular if posts >= 3
    newcomer otherwise
  }
  badge recent if hours_since(last_seen) < 24
  may introduce, post, visit
  first introduce then post
  limit post 3 per 1d
  limit visit 2 per 1h
  must post 1 per 7d if role >= regular else warn
  on post { posts += 1; last_seen = now() }
  on visit { last_seen = now() }
  goal active { measure count(recent); target >= 1 }
}
`

// edgeTime returns a time from r: near the start of the test clock, or far
// before or after it, at the edges of what Charter can hold (§12.2), the
// zero time.Time, or any nanosecond count.
func edgeTime(r *bytesReader) time.Time {
	switch r.n(10) {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(0, math.MaxInt64)
	case 2:
		return time.Unix(0, math.MinInt64)
	case 3:
		return time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	case 4:
		return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	case 5:
		return t0.AddDate(100+r.n(200), 0, 0)
	case 6:
		return time.Unix(0, int64(r.next())<<56|int64(r.next())<<40|int64(r.next())<<24)
	case 7:
		return t0.Add(-time.Duration(r.n(256)) * time.Hour)
	}
	return t0.Add(time.Duration(r.n(256)) * time.Hour)
}

// FuzzHistoryTimes joins members with histories and applies and asks at
// times drawn from the input, far future and far past included. Nothing
// panics; the same question asked twice gets the same answer; an Apply
// that fails or is denied changes no member and no event count.
func FuzzHistoryTimes(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 9, 1, 2, 0, 9, 1, 9, 1, 9, 1, 9, 2, 9, 3, 9})
	f.Add([]byte{0, 5, 1, 1, 5, 2, 9, 1, 9, 1, 9, 3, 9, 4, 9, 2, 1})
	f.Add([]byte{3, 5, 0, 2, 1, 9, 7, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	prog, err := runtime.CompileSource("hist.charter", []byte(histSource))
	if err != nil {
		f.Fatal(err)
	}
	c := prog.Community("Hist")
	actions := []string{"introduce", "post", "visit"}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &bytesReader{b: data}
		st := runtime.NewState(c)
		ids := []string{"a", "b", "c"}
		values := func() map[string]map[string]any {
			out := map[string]map[string]any{}
			for _, id := range ids {
				if m, ok := st.Member(id); ok {
					out[id] = c.Values(m)
				}
			}
			return out
		}
		for step := 0; step < 48 && r.i < len(r.b); step++ {
			id := ids[r.n(len(ids))]
			at := edgeTime(r)
			switch r.n(4) {
			case 0: // join with a history
				hist := map[string]any{}
				for k := r.n(4); k > 0; k-- {
					a := actions[r.n(len(actions))]
					times, _ := hist[a].([]any)
					hist[a] = append(times, edgeTime(r).Format(time.RFC3339Nano))
				}
				m, err := c.Member(map[string]any{"posts": r.n(5), "last_seen": edgeTime(r).Format(time.RFC3339Nano), runtime.HistoryKey: hist})
				if err != nil {
					continue
				}
				st.Join(id, m)
			case 1: // stateless questions of the member
				m, ok := st.Member(id)
				if !ok {
					continue
				}
				for _, a := range actions {
					d1, err1 := c.Decide(m, a, nil, at)
					d2, err2 := c.Decide(m, a, nil, at)
					if (err1 == nil) != (err2 == nil) || err1 == nil && d1.String() != d2.String() {
						t.Fatalf("%s at %v decided twice: %v %v / %v %v", a, at, d1, err1, d2, err2)
					}
				}
				c.Role(m, at)
				c.Badges(m, at)
				c.Duties(m, at)
				c.Messages(m, at, nil)
				st.Goals(at)
			default: // apply
				a := actions[r.n(len(actions))]
				before, events := values(), st.Events()
				res, err := st.Apply(context.Background(), id, a, nil, at)
				if err != nil || !res.Applied {
					if after := values(); !reflect.DeepEqual(before, after) || st.Events() != events {
						t.Fatalf("%s by %s at %v was not applied (%v, err %v) but changed the state", a, id, at, res.Decision, err)
					}
					continue
				}
				if _, err := st.Decide(id, a, nil, at); err != nil {
					t.Fatalf("%s by %s at %v applied, then Decide failed: %v", a, id, at, err)
				}
			}
		}
	})
}

// roundSource has an attribute of every type a snapshot writes, lists
// included, history that keeps times (a limit), and goals over ints and
// floats.
const roundSource = `community Round {
  default allow
  member {
    n: int; f: float; s: string; ok: bool; d: duration; t: time
    ln: []int; lf: []float; ls: []string; lb: []bool; ld: []duration; lt: []time
  }
  action bump(k: int, x: float, w: string, g: duration)
  action send(to: member, k: int)
  action stamp()
  action double()
  limit stamp 5 per 1d
  limit bump 100 per 1h
  on bump { n += k; f += x; s += w; d += g; ok = !ok }
  on send { to.n += k; n -= k; to.f += f }
  on stamp { t = now() }
  on double { s += s }
  goal total { measure sum(n); target >= 0 }
  goal mass { measure sum(f); target >= 0 }
  goal people { measure count(ok); target >= 0 }
}
`

// pastLimits reports whether a member of st holds a value past the host-value
// limits.
func pastLimits(st *runtime.State) bool {
	for _, id := range st.IDs() {
		if m, ok := st.Member(id); ok && tooBig(st.Community().Values(m)) {
			return true
		}
	}
	return false
}

// FuzzSnapshotRoundTrip drives a state with joins, leaves, updates and
// applies drawn from the input (odd IDs, odd strings, any number), then
// checks that the state's own snapshot restores, directly and through its
// JSON form, to a state with the same snapshot and the same goals: a state
// must never write a snapshot it cannot read back (issue 16, item 8).
func FuzzSnapshotRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 1, 0, 2, 3, 0, 1, 2, 3, 4, 3, 1, 5, 6, 7, 3, 2, 1})
	f.Add([]byte{0, 1, 0, 5, 3, 2, 9, 9, 9, 9, 3, 5, 3, 3, 1, 5, 1, 2, 0, 0, 0, 4, 7, 7, 6, 1, 4, 1, 9})
	f.Add([]byte("snapshots come back whole"))
	prog, err := runtime.CompileSource("round.charter", []byte(roundSource))
	if err != nil {
		f.Fatal(err)
	}
	c := prog.Community("Round")
	// The last of each is not valid UTF-8, which JSON cannot carry: Join,
	// Update and Apply must refuse it (so must Join a control character in
	// an ID), and the round trip below must hold for whatever they let in.
	ids := []string{"a", "b", "a b", "ü", "tab\tid", strings.Repeat("long", 64), "é\u0301", "\xff"}
	strs := []string{"", "x", "\x00", "line\nbreak", "\u2028", strings.Repeat("s", 1000), "\"quoted\"", "\xff\xfe"}
	badID := func(id string) bool { return id == "tab\tid" || !utf8.ValidString(id) }
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &bytesReader{b: data}
		st := runtime.NewState(c)
		at := t0
		for step := 0; step < 48 && r.i < len(r.b); step++ {
			at = at.Add(time.Duration(r.n(64)) * time.Minute)
			id := ids[r.n(len(ids))]
			switch r.n(7) {
			case 0:
				vals := map[string]any{
					"n": int(int8(r.next())), "f": float64(int8(r.next())) / 8, "s": strs[r.n(len(strs))], "ok": r.n(2) == 0,
					"d": "90m", "t": at.Add(-time.Duration(r.n(100)) * time.Hour),
					"ln": []any{1, -2}, "lf": []any{0.5}, "ls": []any{strs[r.n(len(strs))], "y"}, "lb": []any{true},
					"ld": []any{"7d"}, "lt": []any{"2026-01-02T03:04:05.123456789Z"},
				}
				s, ls := vals["s"].(string), vals["ls"].([]any)[0].(string)
				m, err := c.Member(vals)
				if err == nil {
					err = st.Join(id, m)
				}
				if err == nil && (badID(id) || !utf8.ValidString(s) || !utf8.ValidString(ls)) {
					t.Fatalf("joined %q with s %q, ls %q: want an error", id, s, ls)
				}
			case 1:
				st.Leave(id)
			case 2:
				s := strs[r.n(len(strs))]
				if err := st.Update(id, map[string]any{"s": s, "n": int(int8(r.next()))}); err == nil && !utf8.ValidString(s) {
					t.Fatalf("updated %q with s %q: want an error", id, s)
				}
			case 3:
				args := runtime.Args{
					"k": int(int8(r.next())), "x": float64(int8(r.next())) / 3, "w": strs[r.n(len(strs))], "g": "1h30m",
				}
				res, err := st.Apply(context.Background(), id, "bump", args, at)
				if w := args["w"].(string); err == nil && res.Applied && !utf8.ValidString(w) {
					t.Fatalf("%q applied bump appending %q: want an error", id, w)
				}
			case 4:
				st.Apply(context.Background(), id, "send", runtime.Args{"to": ids[r.n(len(ids))], "k": r.n(9)}, at)
			case 5:
				st.Apply(context.Background(), id, "double", nil, at)
			default:
				st.Apply(context.Background(), id, "stamp", nil, at)
			}
			if pastLimits(st) {
				break // past what effects are to allow (see FuzzEffectGrowth)
			}
		}
		snap := st.Snapshot()
		back, err := runtime.Restore(c, snap)
		if err != nil {
			t.Fatalf("Restore of the state's own snapshot: %v", err)
		}
		if again := back.Snapshot(); !reflect.DeepEqual(snap, again) {
			t.Fatalf("restored state has another snapshot:\n%+v\n%+v", snap, again)
		}
		data, err = json.Marshal(st)
		if err != nil {
			t.Fatalf("snapshot JSON: %v", err)
		}
		read, err := runtime.ReadSnapshot(data)
		if err != nil {
			t.Fatalf("ReadSnapshot of the state's own JSON: %v", err)
		}
		fromJSON, err := runtime.Restore(c, read)
		if err != nil {
			t.Fatalf("Restore of the state's own JSON snapshot: %v\n%s", err, data)
		}
		if again := fromJSON.Snapshot(); !reflect.DeepEqual(snap, again) {
			t.Fatalf("state restored from JSON has another snapshot:\n%+v\n%+v", snap, again)
		}
		want := st.Goals(at)
		for _, got := range [][]runtime.GoalValue{back.Goals(at), fromJSON.Goals(at)} {
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("restored goals differ:\n%+v\n%+v", want, got)
			}
		}
	})
}
