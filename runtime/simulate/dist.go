package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charterlang/charter/lang/check"
)

// dist is a distribution of values of one Charter type: what a model
// gives for an action argument or a new member's attribute.
type dist struct {
	kind   distKind
	out    check.Kind // the type of the values drawn
	consts []value    // constant (one), choice (several)
	cum    []float64  // choice: cumulative weights, the last 1
	a, b   float64    // uniform: lo, hi; normal: mean, sd; poisson, bernoulli: the parameter
	lo, hi float64    // normal's optional bounds (±Inf when not given)
	// pool names whom a member argument picks from: "*" for every member,
	// or a role or badge.
	pool    string
	poolOff int64 // of the pool's name in the model
	now     bool  // a time: the time of the draw
	raw     any   // a constant the runtime converts (a duration, a list, a time)
}

type distKind int

const (
	dConst distKind = iota
	dChoice
	dUniformInt
	dUniform
	dNormal
	dPoisson
	dBernoulli
	dMember
)

// value is a drawn value: I for int and bool (0 or 1), F for float, S for
// string and member (an ID); time for time.
type value struct {
	I int64
	F float64
	S string
	T time.Time
}

// constant reports whether every draw gives the same value, so that a
// prepared call sets it once.
func (d *dist) constant() bool { return d.kind == dConst && !d.now }

func (d *dist) draw(r *rand.Rand, now time.Time) value {
	var v value
	d.drawTo(r, now, &v)
	return v
}

// drawTo is draw into *v: a value is too large for registers, and a try
// that got its arguments returned by value paid for copying them through
// memory (2% of the 100k-member run).
func (d *dist) drawTo(r *rand.Rand, now time.Time, v *value) {
	switch d.kind {
	case dConst:
		if d.now {
			*v = value{T: now}
			return
		}
		*v = d.consts[0]
	case dChoice:
		x := r.Float64()
		for i, c := range d.cum {
			if x < c {
				*v = d.consts[i]
				if v.S == "now" && d.out == check.Time {
					v.T = now
				}
				return
			}
		}
		*v = d.consts[len(d.consts)-1]
	case dUniformInt:
		lo, hi := int64(d.a), int64(d.b)
		*v = value{I: lo + r.Int64N(hi-lo+1)}
	case dUniform:
		*v = d.real(d.a + r.Float64()*(d.b-d.a))
	case dNormal:
		x := d.a + r.NormFloat64()*d.b
		x = math.Max(d.lo, math.Min(d.hi, x))
		if d.out == check.Int {
			*v = value{I: int64(math.Round(x))}
			return
		}
		*v = value{F: x}
	case dPoisson:
		*v = d.real(float64(poisson(r, d.a)))
	case dBernoulli:
		if r.Float64() < d.a {
			*v = value{I: 1}
			return
		}
		*v = value{}
	default:
		*v = value{}
	}
}

func (d *dist) real(x float64) value {
	if d.out == check.Int {
		return value{I: int64(x)}
	}
	return value{F: x}
}

// goValue is a drawn value as Community.Member takes it.
func (d *dist) goValue(v value) any {
	if d.raw != nil {
		return d.raw
	}
	switch d.out {
	case check.Int:
		return v.I
	case check.Float:
		return v.F
	case check.Bool:
		return v.I != 0
	case check.Time:
		return v.T
	}
	return v.S
}

// poisson draws from a Poisson distribution of mean m: by Knuth's product
// of uniforms for small means (a few draws, as many as the mean), and by
// the normal approximation for large ones, where that product would take
// too many draws and underflow.
func poisson(r *rand.Rand, m float64) int64 {
	if m <= 0 {
		return 0
	}
	if m > 30 {
		x := math.Round(m + r.NormFloat64()*math.Sqrt(m))
		return int64(math.Max(0, x))
	}
	l := math.Exp(-m)
	k := int64(0)
	p := r.Float64()
	for p > l {
		k++
		p *= r.Float64()
	}
	return k
}

// distError is a model error at a node.
func distError(n *node, format string, args ...any) error {
	return &posError{off: n.off, msg: fmt.Sprintf(format, args...)}
}

// parseDist reads a distribution of values of type t from n. what names
// the thing for errors ("argument length of post").
func parseDist(n *node, t check.Type, what string) (*dist, error) {
	d := &dist{out: t.Kind, lo: math.Inf(-1), hi: math.Inf(1)}
	if n.kind != nObject {
		v, err := constValue(n, t, what)
		if err != nil {
			return nil, err
		}
		d.consts = []value{v}
		d.now = t.Kind == check.Time && n.kind == nString && n.str == "now"
		d.raw = rawValue(n, t)
		return d, nil
	}
	if len(n.keys) == 0 {
		return nil, distError(n, "%s: an empty object is no distribution; give a value, or one of %s", what, distNames)
	}
	form := n.keys[0]
	allowed := map[string][]string{
		"choice": {"weights"}, "uniform": nil, "normal": {"min", "max"},
		"poisson": nil, "bernoulli": nil, "member": nil,
	}
	extras, ok := allowed[form.key]
	if !ok {
		return nil, &posError{off: form.off, msg: fmt.Sprintf("%s: unknown distribution %q%s; the distributions are %s", what, form.key, suggest(form.key, distList), distNames)}
	}
	for _, k := range n.keys[1:] {
		if !slices.Contains(extras, k.key) {
			if len(extras) == 0 {
				return nil, &posError{off: k.off, msg: fmt.Sprintf("%s: %s takes no %q", what, form.key, k.key)}
			}
			return nil, &posError{off: k.off, msg: fmt.Sprintf("%s: %s takes no %q (it takes %s)", what, form.key, k.key, strings.Join(extras, ", "))}
		}
	}
	v := form.val
	numeric := t.Kind == check.Int || t.Kind == check.Float
	switch form.key {
	case "choice":
		if v.kind != nArray || len(v.arr) == 0 {
			return nil, distError(v, "%s: choice takes a non-empty array of values", what)
		}
		d.kind = dChoice
		for _, e := range v.arr {
			c, err := constValue(e, t, what)
			if err != nil {
				return nil, err
			}
			if e.kind == nString && e.str == "now" && t.Kind == check.Time {
				c.S = "now"
			}
			d.consts = append(d.consts, c)
		}
		weights := make([]float64, len(d.consts))
		for i := range weights {
			weights[i] = 1
		}
		if w := n.get("weights"); w != nil {
			if w.kind != nArray || len(w.arr) != len(d.consts) {
				return nil, distError(w, "%s: weights takes an array of %d numbers, one for each choice", what, len(d.consts))
			}
			for i, e := range w.arr {
				x, err := number(e, what+": a weight")
				if err != nil {
					return nil, err
				}
				if x < 0 {
					return nil, distError(e, "%s: a weight is not negative", what)
				}
				weights[i] = x
			}
		}
		total := 0.0
		for _, x := range weights {
			total += x
		}
		if total <= 0 || math.IsInf(total, 0) {
			return nil, distError(v, "%s: the weights add up to %v; they must add up to a positive number", what, total)
		}
		acc := 0.0
		for _, x := range weights {
			acc += x / total
			d.cum = append(d.cum, acc)
		}
		d.cum[len(d.cum)-1] = 1
		if t.Kind == check.Time || t.Kind == check.Duration || t.Kind == check.List {
			return nil, distError(v, "%s: a %s takes one constant value, not a choice", what, t)
		}
	case "uniform", "normal":
		if !numeric {
			return nil, distError(v, "%s is a %s: %s draws numbers", what, t, form.key)
		}
		if v.kind != nArray || len(v.arr) != 2 {
			if form.key == "uniform" {
				return nil, distError(v, "%s: uniform takes [low, high]", what)
			}
			return nil, distError(v, "%s: normal takes [mean, standard deviation]", what)
		}
		a, err := number(v.arr[0], what)
		if err != nil {
			return nil, err
		}
		b, err := number(v.arr[1], what)
		if err != nil {
			return nil, err
		}
		d.a, d.b = a, b
		if form.key == "uniform" {
			if b < a {
				return nil, distError(v, "%s: uniform's high %v is below its low %v", what, b, a)
			}
			d.kind = dUniform
			if t.Kind == check.Int {
				if !isInt(v.arr[0]) || !isInt(v.arr[1]) {
					return nil, distError(v, "%s is an int: uniform takes whole numbers for it", what)
				}
				if math.Abs(a) > 1<<53 || math.Abs(b) > 1<<53 {
					return nil, distError(v, "%s: uniform's bounds are beyond ±2^53", what)
				}
				d.kind = dUniformInt
			}
		} else {
			d.kind = dNormal
			if b < 0 {
				return nil, distError(v.arr[1], "%s: a standard deviation is not negative", what)
			}
			for _, k := range []string{"min", "max"} {
				if e := n.get(k); e != nil {
					x, err := number(e, what+": "+k)
					if err != nil {
						return nil, err
					}
					if k == "min" {
						d.lo = x
					} else {
						d.hi = x
					}
				}
			}
			if d.lo > d.hi {
				return nil, distError(n, "%s: normal's min %v is above its max %v", what, d.lo, d.hi)
			}
			if t.Kind == check.Int && (math.IsInf(d.lo, 0) || math.IsInf(d.hi, 0) || math.Abs(d.lo) > 1<<53 || math.Abs(d.hi) > 1<<53) {
				// A draw far out in a tail must not leave int64's range.
				d.lo, d.hi = math.Max(d.lo, -(1<<53)), math.Min(d.hi, 1<<53)
			}
		}
	case "poisson", "bernoulli":
		x, err := number(v, what+": "+form.key)
		if err != nil {
			return nil, err
		}
		d.a = x
		if form.key == "poisson" {
			if !numeric {
				return nil, distError(v, "%s is a %s: poisson draws counts", what, t)
			}
			if x < 0 || x > 1e6 {
				return nil, distError(v, "%s: poisson's mean is from 0 to 1000000", what)
			}
			d.kind = dPoisson
		} else {
			if t.Kind != check.Bool {
				return nil, distError(v, "%s is a %s: bernoulli draws a bool", what, t)
			}
			if x < 0 || x > 1 {
				return nil, distError(v, "%s: bernoulli's probability is from 0 to 1", what)
			}
			d.kind = dBernoulli
		}
	case "member":
		if t.Kind != check.Member {
			return nil, distError(v, "%s is a %s: member picks another member, for a parameter of type member", what, t)
		}
		if v.kind != nString || v.str == "" {
			return nil, distError(v, `%s: member takes "*" (any member) or the name of a role or badge`, what)
		}
		d.kind, d.pool, d.poolOff = dMember, v.str, v.off
	}
	return d, nil
}

var distList = []string{"choice", "uniform", "normal", "poisson", "bernoulli", "member"}

const distNames = `{"choice": [...], "weights": [...]}, {"uniform": [low, high]}, {"normal": [mean, sd], "min": x, "max": y}, {"poisson": mean}, {"bernoulli": p} and {"member": "*" or a role or badge}`

// constValue reads a constant of type t.
func constValue(n *node, t check.Type, what string) (value, error) {
	bad := func() (value, error) {
		return value{}, distError(n, "%s is a %s, and %s is not one", what, t, describe(n))
	}
	switch t.Kind {
	case check.Int:
		if n.kind != nNumber || !isInt(n) {
			return bad()
		}
		i, err := strconv.ParseInt(n.str, 10, 64)
		if err != nil {
			return value{}, distError(n, "%s: %s is beyond the range of int", what, n.str)
		}
		return value{I: i}, nil
	case check.Float:
		if n.kind != nNumber {
			return bad()
		}
		f, err := strconv.ParseFloat(n.str, 64)
		if err != nil || math.IsInf(f, 0) {
			return value{}, distError(n, "%s: %s is beyond the range of float", what, n.str)
		}
		return value{F: f}, nil
	case check.Bool:
		if n.kind != nBool {
			return bad()
		}
		if n.b {
			return value{I: 1}, nil
		}
		return value{}, nil
	case check.String:
		if n.kind != nString {
			return bad()
		}
		return value{S: n.str}, nil
	case check.Member:
		return value{}, distError(n, `%s is a member: pick one with {"member": "*"} (any member) or {"member": ROLE or BADGE}`, what)
	case check.Time:
		if n.kind != nString {
			return bad()
		}
		if n.str == "now" {
			return value{}, nil
		}
		tm, err := time.Parse(time.RFC3339, n.str)
		if err != nil {
			return value{}, distError(n, `%s is a time: give "now" (the time it is drawn) or a time in RFC 3339, such as "2026-01-01T00:00:00Z"`, what)
		}
		return value{T: tm}, nil
	}
	// Durations and lists: the runtime converts the constant, and says
	// what is wrong with it.
	return value{}, nil
}

// rawValue is a constant the runtime converts itself: a duration or a list.
func rawValue(n *node, t check.Type) any {
	if t.Kind != check.Duration && t.Kind != check.List {
		return nil
	}
	return plain(n)
}

// plain turns n into the Go value encoding/json would give, numbers as
// json.Number-like int64 or float64.
func plain(n *node) any {
	switch n.kind {
	case nBool:
		return n.b
	case nNumber:
		if i, err := strconv.ParseInt(n.str, 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(n.str, 64)
		return f
	case nString:
		return n.str
	case nArray:
		out := make([]any, len(n.arr))
		for i, e := range n.arr {
			out[i] = plain(e)
		}
		return out
	}
	return nil
}

func describe(n *node) string {
	switch n.kind {
	case nNumber:
		return n.str
	case nString:
		return strconv.Quote(n.str)
	case nBool:
		return strconv.FormatBool(n.b)
	}
	return n.kind.String()
}

func isInt(n *node) bool {
	return n.kind == nNumber && !strings.ContainsAny(n.str, ".eE")
}

func number(n *node, what string) (float64, error) {
	if n.kind != nNumber {
		return 0, distError(n, "%s: want a number, got %s", what, describe(n))
	}
	f, err := strconv.ParseFloat(n.str, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, distError(n, "%s: %s is out of range", what, n.str)
	}
	return f, nil
}

// suggest returns " (did you mean X?)" for the name in names closest to
// name, by the checker's measure (check.Distance) and bounds: one edit for
// a name of up to four letters, two for a longer one, never every letter.
func suggest(name string, names []string) string {
	runes := len([]rune(name))
	maxD := 1
	if runes > 4 {
		maxD = 2
	}
	maxD = min(maxD, runes-1)
	best, bestD := "", maxD+1
	for _, n := range names {
		if n == name {
			continue
		}
		if d := check.Distance(strings.ToLower(name), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}
