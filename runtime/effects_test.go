package runtime_test

import (
	"context"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/runtime"
)

// TestEffectLimits: an effect whose result would leave the limits of a
// stored value (a string of 1 MiB, an int or duration in 64 bits) is an
// error naming the effect and the attribute, and changes nothing: no
// attribute of either member, no history (the snapshot holds both).
func TestEffectLimits(t *testing.T) {
	const src = `community E {
  member { s: string; n: int; d: duration; k: int }
  action grow()
  action add(by: int)
  action sub(by: int)
  action mul(by: int)
  action twice(by: int)
  action neg()
  action absk()
  action wait(by: duration)
  action send(to: member, by: int)
  action loud()
  action append(x: string)
  action keep(x: string)
  action konst()
  action later(by: duration)
  may grow, add, sub, mul, twice, neg, absk, wait, send, loud, append, keep, konst, later
  on grow { k += 1; s = s + s }
  on add { k += 1; n += by }
  on sub { k += 1; n -= by }
  on mul { k += 1; n *= by }
  on twice { k += 1; n = by * 2 }
  on neg { k += 1; n = -n }
  on absk { k += 1; n = abs(n) }
  on wait { k += 1; d += by * 3 }
  on send { k += 1; to.k += 1; to.n += by }
  on loud { k += 1; s = upper(s) }
  on append { k += 1; s += x }
  on keep { k += 1; s = x + s + x }
  on konst { k += 1; n = 9223372036854775807 + 1 }
  on later { k += 1; d += by }
}
`
	prog, err := runtime.CompileSource("e.charter", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("E")
	big := strings.Repeat("ab", 300_000) // 600,000 bytes
	for _, tc := range []struct {
		name   string
		attrs  map[string]any
		action string
		args   runtime.Args
		want   string // regexp of the error
	}{
		{"concat", map[string]any{"s": big}, "grow", nil, `^grow: effect e\.charter:18:21: value of s: the string would be longer than the limit of 1048576 bytes$`},
		{"append", map[string]any{"s": big}, "append", runtime.Args{"x": big}, `^append: effect e\.charter:28:23: s would be 1200000 bytes, more than the limit of 1048576$`},
		{"concat both sides", map[string]any{"s": big[:500_000]}, "keep", runtime.Args{"x": big[:300_000]}, `effect e\.charter:29:21: value of s: the string would be longer`},
		{"upper lengthens", map[string]any{"s": strings.Repeat("ɐ", 1<<19)}, "loud", nil, `effect e\.charter:27:21: value of s: the string would be longer`},
		{"int +=", map[string]any{"n": int64(math.MaxInt64)}, "add", runtime.Args{"by": 1}, `^add: effect e\.charter:19:20: n \+= 1 would leave the 64-bit range of int \(it is 9223372036854775807\)$`},
		{"int -=", map[string]any{"n": int64(math.MinInt64)}, "sub", runtime.Args{"by": 1}, `effect e\.charter:20:20: n -= 1 would leave`},
		{"int *=", map[string]any{"n": int64(1) << 62}, "mul", runtime.Args{"by": 2}, `effect e\.charter:21:20: n \*= 2 would leave`},
		{"int * in the value", nil, "twice", runtime.Args{"by": int64(1) << 62}, `^twice: effect e\.charter:22:22: value of n: int overflow`},
		{"unary minus", map[string]any{"n": int64(math.MinInt64)}, "neg", nil, `effect e\.charter:23:20: value of n: int overflow`},
		{"abs", map[string]any{"n": int64(math.MinInt64)}, "absk", nil, `effect e\.charter:24:21: value of n: int overflow`},
		{"duration", nil, "wait", runtime.Args{"by": "1000000h"}, `effect e\.charter:25:21: value of d: duration overflow`},
		{"constant", nil, "konst", nil, `effect e\.charter:30:22: value of n: int overflow`},
		{"duration +=", map[string]any{"d": "2000000h"}, "later", runtime.Args{"by": "1000000h"}, `effect e\.charter:31:22: d \+= 1000000h0m0s would leave the 64-bit range of duration \(it is 2000000h0m0s\)`},
		{"other member", map[string]any{"n": int64(math.MaxInt64)}, "send", runtime.Args{"to": "a", "by": 1}, `effect e\.charter:26:32: n \+= 1 would leave`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := runtime.NewState(c)
			m, err := c.Member(tc.attrs)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Join("a", m); err != nil {
				t.Fatal(err)
			}
			before := st.Snapshot()
			res, err := st.Apply(context.Background(), "a", tc.action, tc.args, t0)
			if err == nil {
				t.Fatalf("applied (%+v)", res)
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error %q, want %s", err, tc.want)
			}
			if diff := cmp.Diff(before, st.Snapshot()); diff != "" {
				t.Errorf("a refused effect changed the state:\n%s", diff)
			}
		})
	}
}

// TestEffectGrowthStops: s = s + s doubles a string on each Apply until the
// next would pass 1 MiB; that Apply is refused and the string stays at
// its last size, so the state never holds more than the limit.
func TestEffectGrowthStops(t *testing.T) {
	prog, err := runtime.CompileSource("g.charter", []byte("community G {\n  member { s: string = \"ab\" }\n  action grow()\n  may grow\n  on grow { s = s + s + s + s + s + s + s + s }\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("G")
	st := runtime.NewState(c)
	m, _ := c.Member(nil)
	if err := st.Join("a", m); err != nil {
		t.Fatal(err)
	}
	applied := 0
	for i := 0; i < 30; i++ {
		_, err := st.Apply(context.Background(), "a", "grow", nil, t0)
		if err != nil {
			if !strings.Contains(err.Error(), "value of s: the string would be longer than the limit") {
				t.Fatalf("apply %d: %v", i, err)
			}
			continue
		}
		applied++
	}
	// 2 bytes times 8^k stays within 1 MiB for k <= 6.
	if applied != 6 {
		t.Errorf("%d applies succeeded, want 6", applied)
	}
	if n := len(st.Snapshot().Members[0].Attributes["s"].(string)); n != 2<<18 {
		t.Errorf("len(s) = %d, want %d", n, 2<<18)
	}
}

// TestCostOfStrings: Cost counts what strings cost. A matches is its
// input's bound times its program's size, so a pattern that compiles to
// 100 times the instructions of ^x costs about 100 times as much; a
// concatenation copies its operands; an effect's string work stops at the
// limit it is refused at.
func TestCostOfStrings(t *testing.T) {
	prog, err := runtime.CompileSource("c.charter", []byte(`community C {
  member { s: string; n: int }
  action anchored()
  action counted()
  action concat()
  action grow()
  action plain()
  may anchored if s matches "^x"
  may counted if s matches "[a-z]{1,200}x"
  may concat if len(s + s + s) > 3
  may grow, plain
  on grow { s = s + s + s + s }
  on plain { n += 1 }
}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := prog.Community("C")
	cost := func(action string) int64 {
		t.Helper()
		k, err := c.Cost(action)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	const mib = 1 << 20
	anchored, counted := cost("anchored"), cost("counted")
	if anchored < 4*mib || anchored > 4*mib+10 {
		t.Errorf("cost of s matches ^x = %d, want 4 instructions times 1 MiB", anchored)
	}
	if r := float64(counted) / float64(anchored); r < 95 || r > 105 {
		t.Errorf("cost of [a-z]{1,200}x is %.1f times that of ^x (%d vs %d), want about 100 (402 instructions against 4)", r, counted, anchored)
	}
	// (s + s) copies 2 MiB, (s + s) + s 3 MiB, and len scans the 3 MiB.
	if k := cost("concat"); k < 8*mib || k > 8*mib+20 {
		t.Errorf("cost of len(s + s + s) = %d, want 8 MiB of copying and scanning", k)
	}
	// In an effect each concatenation stops at 1 MiB: 2 + 3 + 4 capped at 1 MiB each.
	if k := cost("grow"); k < 3*mib || k > 3*mib+20 {
		t.Errorf("cost of on grow = %d, want 3 concatenations of at most 1 MiB", k)
	}
	if k := cost("plain"); k < 2 || k > 10 {
		t.Errorf("cost of plain = %d, want a few nodes for the effect", k)
	}
}

// TestPatternLimit: a pattern whose program passes check.MaxPatternInsts
// is refused when the file is checked (CH0013), before it can take half a
// minute over a 1 MiB string.
func TestPatternLimit(t *testing.T) {
	_, err := runtime.CompileSource("c.charter", []byte("community C {\n  member { s: string }\n  action a()\n  may a if s matches \"[a-z]{1,1000}x\"\n}\n"))
	if err == nil || !strings.Contains(err.Error(), "c.charter:4:22") || !strings.Contains(err.Error(), "CH0013") {
		t.Fatalf("err = %v, want CH0013 at 4:22", err)
	}
}
