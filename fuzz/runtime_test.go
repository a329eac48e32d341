package fuzz

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/charterlang/charter/runtime"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// examples compiles every example directory once.
func examples(tb testing.TB) []*runtime.Community {
	tb.Helper()
	dirs, _ := filepath.Glob("../examples/*")
	var out []*runtime.Community
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, "*.charter")); len(m) == 0 {
			continue
		}
		prog, err := runtime.CompileFiles(d)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, prog.Communities()...)
	}
	return out
}

// bytesReader hands out fuzz input bytes as choices; past the end, zeros.
type bytesReader struct {
	b []byte
	i int
}

func (r *bytesReader) next() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *bytesReader) n(limit int) int {
	if limit <= 0 {
		return 0
	}
	return int(r.next()) % limit
}

// value returns an arbitrary JSON-like value, of any type, with edge cases.
func (r *bytesReader) value() any {
	switch r.n(12) {
	case 0:
		return int(int8(r.next()))
	case 1:
		return float64(int8(r.next())) / 4
	case 2:
		return r.next()%2 == 0
	case 3:
		return fmt.Sprintf("s%d", r.next())
	case 4:
		return nil
	case 5:
		return math.NaN()
	case 6:
		return math.Inf(1 - 2*int(r.next()%2))
	case 7:
		return json.Number("99999999999999999999999")
	case 8:
		return "2026-01-02T03:04:05Z"
	case 9:
		return []any{int(r.next()), "x"}
	case 10:
		return "7d"
	}
	return map[string]any{"k": 1}
}

// FuzzDecide: random member records and action arguments (wrong types
// included) give an error or a decision, never a panic, and the same inputs
// always give the same decision.
func FuzzDecide(f *testing.F) {
	for _, s := range [][]byte{{}, {0, 1, 2, 3}, {5, 9, 200, 17, 3, 3, 3, 0, 1}, []byte("charter decides")} {
		f.Add(s)
	}
	coms := examples(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &bytesReader{b: data}
		c := coms[r.n(len(coms))]
		values := map[string]any{}
		names := c.Checked().Attrs
		for i := r.n(6); i > 0; i-- {
			if len(names) == 0 || r.n(8) == 0 {
				values[fmt.Sprintf("x%d", r.next())] = r.value()
				continue
			}
			values[names[r.n(len(names))].Name] = r.value()
		}
		m, err := c.Member(values)
		if err != nil {
			return
		}
		acts := c.Checked().Actions
		if len(acts) == 0 {
			return
		}
		a := acts[r.n(len(acts))]
		args := runtime.Args{}
		for _, p := range a.Params {
			if r.n(4) != 0 {
				args[p.Name] = r.value()
			}
		}
		at := t0.Add(time.Duration(int8(r.next())) * time.Hour)
		k, err := c.Call(a.Name, args)
		if err != nil {
			return
		}
		goals := c.Goals([]*runtime.Member{m}, at)
		d1 := c.DecideCall(m, k, at, goals)
		d2 := c.DecideCall(m, k, at, goals)
		if d1.String() != d2.String() {
			t.Fatalf("same inputs, different decisions: %v / %v", d1, d2)
		}
		c.Role(m, at)
		c.Badges(m, at)
		c.Duties(m, at)
		c.Messages(m, at, goals)
		c.Admit(m, at)
	})
}

// FuzzState: random sequences of join, leave and apply against the exchange
// example keep the total of points equal to what asks and answers add and
// remove (transfers never mint or lose points), and no balance goes
// negative, since the rules forbid spending points one does not have.
func FuzzState(f *testing.F) {
	for _, s := range [][]byte{{}, {0, 1, 0, 2, 2, 1, 3, 4}, []byte("exchange of value between members")} {
		f.Add(s)
	}
	prog, err := runtime.CompileFiles("../examples/exchange")
	if err != nil {
		f.Fatal(err)
	}
	c := prog.Community("Exchange")
	if c == nil {
		f.Fatal("no community Exchange in examples/exchange")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &bytesReader{b: data}
		at := t0
		// The state's clock is the step's time, as a host's would be. (Steps
		// of up to two days once passed the default skew without a clock;
		// since DefaultMaxGap they would not, and the clock keeps the
		// target on the path hosts are told to take.)
		st := runtime.NewState(c, runtime.Clock(func() time.Time { return at }))
		ctx := context.Background()
		ids := []string{"a", "b", "c", "d", "e"}
		joined := map[string]bool{}
		var total int64
		points := func(id string) int64 {
			m, ok := st.Member(id)
			if !ok {
				t.Fatalf("member %s missing", id)
			}
			v, _ := c.Get(m, "points")
			return v.(int64)
		}
		for step := 0; step < 64 && r.i < len(r.b); step++ {
			at = at.Add(time.Duration(r.n(48)) * time.Hour)
			id := ids[r.n(len(ids))]
			other := ids[r.n(len(ids))]
			switch r.n(6) {
			case 0:
				m, err := c.Member(map[string]any{"points": r.n(30)})
				if err != nil {
					t.Fatal(err)
				}
				if st.Join(id, m) == nil {
					joined[id] = true
					total += points(id)
				}
				continue
			case 1:
				if joined[id] {
					total -= points(id)
					if err := st.Leave(id); err != nil {
						t.Fatal(err)
					}
					delete(joined, id)
				}
				continue
			}
			var action string
			var args runtime.Args
			var delta int64
			switch r.n(4) {
			case 0:
				cost := r.n(12) - 2
				action, args, delta = "ask", runtime.Args{"question": "q", "cost": cost}, -int64(cost)
			case 1:
				action, args, delta = "answer", runtime.Args{"question": "q"}, 1
			case 2:
				action, args = "thank", runtime.Args{"to": other, "amount": r.n(12) - 2}
			default:
				action, args = "introduce_to", runtime.Args{"to": other, "price": r.n(20)}
			}
			if action != "ask" && action != "answer" && !joined[other] {
				continue
			}
			res, err := st.Apply(ctx, id, action, args, at)
			if err != nil {
				if joined[id] {
					t.Fatalf("%s %s %v: %v", id, action, args, err)
				}
				continue
			}
			if res.Applied {
				total += delta
			}
			var sum int64
			for m := range joined {
				p := points(m)
				if p < 0 {
					t.Fatalf("after %s %s %v: %s has %d points", id, action, args, m, p)
				}
				sum += p
			}
			if sum != total {
				t.Fatalf("after %s %s %v: points total %d, want %d", id, action, args, sum, total)
			}
		}
	})
}
