package report

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charterlang/charter/internal/numfmt"
)

// linear maps a domain [d0, d1] onto a range [r0, r1].
type linear struct{ d0, d1, r0, r1 float64 }

func (l linear) at(v float64) float64 {
	if l.d1 == l.d0 {
		return (l.r0 + l.r1) / 2
	}
	return l.r0 + (v-l.d0)/(l.d1-l.d0)*(l.r1-l.r0)
}

// ticks are the round values of an axis, and the step between them.
type ticks struct {
	values []float64
	step   float64
}

// niceTicks widens [lo, hi] to round numbers and returns at most about max
// ticks on them, spaced 1, 2 or 5 times a power of ten. lo and hi must be
// finite; a zero-width domain is widened around its value.
func niceTicks(lo, hi float64, max int) ticks {
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		if lo == 0 {
			hi = 1
		} else {
			d := math.Abs(lo) * 0.1
			lo, hi = lo-d, hi+d
		}
	}
	span := hi - lo
	if math.IsInf(span, 0) {
		// Values near ±MaxFloat64: no round numbers fit between them.
		return ticks{values: []float64{lo, hi}, step: math.Inf(1)}
	}
	if max < 2 {
		max = 2
	}
	step := niceStep(span / float64(max-1))
	k0 := math.Floor(lo/step + 1e-9)
	k1 := math.Ceil(hi/step - 1e-9)
	var vs []float64
	// Dividing by a whole inverse keeps 0.1 steps at 0.3, not
	// 0.30000000000000004.
	inv := math.Round(1 / step)
	exact := step < 1 && math.Abs(1/step-inv) < 1e-9*inv
	for k := k0; k <= k1; k++ {
		v := k * step
		if exact {
			v = k / inv
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		vs = append(vs, v)
	}
	return ticks{values: vs, step: step}
}

// niceStep returns the smallest of 1, 2, 5 × 10^k that is at least raw.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

func (t ticks) lo() float64 { return t.values[0] }
func (t ticks) hi() float64 { return t.values[len(t.values)-1] }

// labels formats the ticks alike: as many decimals as the step needs, and
// from ten thousand up in k, M, G or T so that huge counts stay short.
func (t ticks) labels() []string {
	maxAbs := 0.0
	for _, v := range t.values {
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	unit, suffix := 1.0, ""
	for _, u := range []struct {
		v float64
		s string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e4, "k"}} {
		if maxAbs >= u.v {
			unit, suffix = u.v, u.s
			if u.s == "k" {
				unit = 1e3
			}
			break
		}
	}
	out := make([]string, len(t.values))
	if maxAbs >= 1e15 || math.IsInf(t.step, 0) {
		// Past a thousand T, exponents read better than suffixes.
		for i, v := range t.values {
			out[i] = strconv.FormatFloat(v, 'g', 3, 64)
		}
		return out
	}
	decimals := 0
	{
		if d := -int(math.Floor(math.Log10(t.step/unit) + 1e-9)); d > 0 {
			decimals = d
		}
	}
	for i, v := range t.values {
		if v == 0 {
			out[i] = "0"
			continue
		}
		out[i] = formatNumber(v/unit, decimals) + suffix
	}
	return out
}

// formatNumber writes v with the given decimals and a thousands separator.
func formatNumber(v float64, decimals int) string {
	if math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) >= 1e21 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	out := numfmt.Group(s)
	if neg && strings.Trim(out, "0.,") != "" {
		out = "-" + out
	}
	return out
}

// count formats a count for a label: exact below ten thousand, then
// shortened (12.3k, 4.5M).
func count(n int) string {
	v := float64(n)
	switch a := math.Abs(v); {
	case a >= 1e12:
		return trimZero(strconv.FormatFloat(v/1e12, 'f', 1, 64)) + "T"
	case a >= 1e9:
		return trimZero(strconv.FormatFloat(v/1e9, 'f', 1, 64)) + "G"
	case a >= 1e6:
		return trimZero(strconv.FormatFloat(v/1e6, 'f', 1, 64)) + "M"
	case a >= 1e4:
		return trimZero(strconv.FormatFloat(v/1e3, 'f', 1, 64)) + "k"
	}
	return formatNumber(v, 0)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }

// value formats a goal's value or target: up to four significant digits.
func value(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return formatNumber(v, 0)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// timeTick is one labelled tick of a time axis.
type timeTick struct {
	t     time.Time
	label string
}

// timeStep is a candidate spacing of time ticks: days, months or years.
type timeStep struct {
	days, months, years int
}

var timeSteps = []timeStep{
	{days: 1}, {days: 2}, {days: 7}, {days: 14},
	{months: 1}, {months: 2}, {months: 3}, {months: 6},
	{years: 1}, {years: 2}, {years: 5}, {years: 10}, {years: 20}, {years: 50},
	{years: 100}, {years: 200}, {years: 500}, {years: 1000}, {years: 2000}, {years: 5000},
}

func (s timeStep) approx() time.Duration {
	const day = 24 * time.Hour
	switch {
	case s.days > 0:
		return time.Duration(s.days) * day
	case s.months > 0:
		return time.Duration(s.months) * 30 * day
	}
	return time.Duration(s.years) * 365 * day
}

// timeTicks returns ticks at round dates within [t0, t1] (midnights,
// Mondays, firsts of months, new years) in t0's location, at most max of
// them, with labels that give the year where it first shows or changes.
func timeTicks(t0, t1 time.Time, max int) []timeTick {
	span := t1.Sub(t0)
	for _, st := range timeSteps {
		if span/st.approx() > time.Duration(max) {
			continue
		}
		ts := st.ticks(t0, t1, max+2)
		if len(ts) > max {
			continue
		}
		out := make([]timeTick, len(ts))
		prevYear := -1 << 31
		for i, t := range ts {
			var label string
			switch {
			case st.years > 0:
				label = strconv.Itoa(t.Year())
			case st.months > 0:
				label = t.Format("Jan")
				if t.Year() != prevYear {
					label = t.Format("Jan 2006")
				}
			default:
				label = t.Format("Jan 2")
				if t.Year() != prevYear {
					label = t.Format("Jan 2, 2006")
				}
			}
			prevYear = t.Year()
			out[i] = timeTick{t, label}
		}
		return out
	}
	return nil
}

// ticks lists the step's aligned times in [t0, t1], giving up past limit.
func (s timeStep) ticks(t0, t1 time.Time, limit int) []time.Time {
	loc := t0.Location()
	var t time.Time
	switch {
	case s.years > 0:
		y := t0.Year()
		t = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		if t.Before(t0) {
			y++
		}
		y = ceilDiv(y, s.years) * s.years
		t = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	case s.months > 0:
		t = time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, loc)
		if t.Before(t0) {
			t = t.AddDate(0, 1, 0)
		}
		for (int(t.Month())-1)%s.months != 0 {
			t = t.AddDate(0, 1, 0)
		}
	default:
		t = time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, loc)
		if t.Before(t0) {
			t = t.AddDate(0, 0, 1)
		}
		if s.days >= 7 {
			for t.Weekday() != time.Monday {
				t = t.AddDate(0, 0, 1)
			}
		}
	}
	var out []time.Time
	for !t.After(t1) && len(out) <= limit {
		out = append(out, t)
		t = t.AddDate(s.years, s.months, s.days)
	}
	return out
}

func ceilDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}
