package runtime

import (
	"math"
	"sync"
	"time"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/runtime/eval"
)

// Aggregates of goal measures.
const (
	aggCount = iota
	aggShare
	aggSum
	aggAvg
	aggMin
	aggMax
)

var aggregateKinds = map[string]int{
	"count": aggCount, "share": aggShare, "sum": aggSum, "avg": aggAvg, "min": aggMin, "max": aggMax,
}

// aggregate is one aggregate call of a goal measure, such as
// share(role >= participant); arg is evaluated per member.
type aggregate struct {
	kind      int
	arg       *eval.Expr
	node      exprast.Node // arg's source, for what it reads (reach.go)
	readsTime bool
	monotone  bool // readsTime, and monotone in the time (timegoals.go)
}

// acc accumulates one aggregate over members. Count, share, sum and avg are
// kept exactly under additions and removals (sums in an exactSum); min and
// max are kept under additions, and a removal of the current extreme marks
// them stale until the next scan (see State). NaN contributions are counted
// apart (they make min and max NaN), so an acc depends only on the members
// it holds, not on the order they came in.
type acc struct {
	n     int64 // members counted (for share and avg, and min/max emptiness)
	count int64 // true conditions, for count and share
	sum   *exactSum
	ext   float64 // current min or max of the values that are not NaN
	extN  int64   // values that are not NaN, for min and max
	nan   int64   // NaN values, for min and max
	stale bool
}

// contribution is one member's input to an aggregate: the condition (count,
// share) or the number (sum, avg, min, max).
func (a *aggregate) contribution(e *eval.Env) float64 {
	switch a.kind {
	case aggCount, aggShare:
		if a.arg.Bool(e) {
			return 1
		}
		return 0
	}
	return a.arg.Float(e)
}

// beyond reports whether v is a new extreme of kind over ext. Zeros
// compare by sign (-0 below +0), so that the extreme does not depend on
// which zero came first.
func beyond(kind int, v, ext float64) bool {
	if v == ext {
		v, ext = math.Copysign(1, v), math.Copysign(1, ext)
	}
	if kind == aggMin {
		return v < ext
	}
	return v > ext
}

func (x *acc) add(kind int, v float64) {
	x.n++
	switch kind {
	case aggCount, aggShare:
		if v != 0 {
			x.count++
		}
	case aggSum, aggAvg:
		if x.sum == nil {
			x.sum = &exactSum{}
		}
		x.sum.add(v, +1)
	case aggMin, aggMax:
		if math.IsNaN(v) {
			x.nan++
			return
		}
		x.extN++
		if x.extN == 1 || beyond(kind, v, x.ext) {
			x.ext = v
		}
	}
}

func (x *acc) remove(kind int, v float64) {
	x.n--
	switch kind {
	case aggCount, aggShare:
		if v != 0 {
			x.count--
		}
	case aggSum, aggAvg:
		x.sum.add(v, -1)
	case aggMin, aggMax:
		if math.IsNaN(v) {
			x.nan--
			return
		}
		x.extN--
		if v == x.ext || x.extN == 0 {
			x.stale = x.extN > 0 // the extreme may have left; a scan finds the next one
			if x.extN == 0 {
				x.ext = 0
			}
		}
	}
}

// merge adds the members y accumulated to x.
func (x *acc) merge(kind int, y *acc) {
	if y.n == 0 {
		return
	}
	switch kind {
	case aggMin, aggMax:
		if y.extN > 0 && (x.extN == 0 || beyond(kind, y.ext, x.ext)) {
			x.ext = y.ext
		}
	case aggSum, aggAvg:
		if x.sum == nil {
			x.sum = &exactSum{}
		}
		x.sum.merge(y.sum)
	}
	x.n += y.n
	x.count += y.count
	x.extN += y.extN
	x.nan += y.nan
}

func (x *acc) value(kind int) float64 {
	switch kind {
	case aggCount:
		return float64(x.count)
	case aggShare:
		if x.n == 0 {
			return 0
		}
		return float64(x.count) / float64(x.n)
	case aggSum:
		if x.sum == nil {
			return 0
		}
		return x.sum.value()
	case aggAvg:
		if x.n == 0 || x.sum == nil {
			return 0
		}
		return x.sum.value() / float64(x.n)
	}
	if x.n == 0 {
		return 0
	}
	if x.nan > 0 {
		return math.NaN()
	}
	return x.ext
}

// Goals computes every goal over members at time at, in a single pass over
// the members for all goals together. members are taken as the community's
// members: for a community that admits by a condition, pass those it
// admits (Admitted, or a State's members), as charter goals does.
func (c *Community) Goals(members []*Member, at time.Time) []GoalValue {
	accs := c.scan(members, nanos(at))
	pe := c.env()
	out := c.goalValues(&pe.Env, accs, int64(len(members)), nil, nil)
	c.release(pe)
	return out
}

// GoalsParallel is Goals with the members split into parts scanned
// concurrently, one goroutine each, and the aggregates merged. The result
// equals Goals': sums are exact whatever order they are added in.
func (c *Community) GoalsParallel(members []*Member, at time.Time, parts int) []GoalValue {
	if parts < 1 {
		parts = 1
	}
	if parts > len(members) {
		parts = max(1, len(members))
	}
	ns := nanos(at)
	results := make([][]acc, parts)
	var wg sync.WaitGroup
	size := (len(members) + parts - 1) / parts
	for p := 0; p < parts; p++ {
		lo, hi := p*size, min((p+1)*size, len(members))
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			results[p] = c.scan(members[lo:hi], ns)
		}(p)
	}
	wg.Wait()
	accs := make([]acc, len(c.aggs))
	for _, r := range results {
		for i := range accs {
			accs[i].merge(c.aggs[i].kind, &r[i])
		}
	}
	pe := c.env()
	out := c.goalValues(&pe.Env, accs, int64(len(members)), nil, nil)
	c.release(pe)
	return out
}

// scan accumulates every aggregate over members at time at.
func (c *Community) scan(members []*Member, at int64) []acc {
	accs := make([]acc, len(c.aggs))
	if len(c.aggs) == 0 {
		return accs
	}
	pe := c.env()
	e := &pe.Env
	e.At = at
	for _, m := range members {
		if m.c != c {
			m = c.adopt(m)
		}
		e.SetMember(m.rec())
		for i, a := range c.aggs {
			accs[i].add(a.kind, a.contribution(e))
		}
	}
	c.release(pe)
	return accs
}

// goalValues evaluates the measures from the aggregates' accumulators,
// reusing aggs and out when they are large enough.
func (c *Community) goalValues(e *eval.Env, accs []acc, members int64, aggs []float64, out []GoalValue) []GoalValue {
	aggs = aggs[:0]
	for i := range accs {
		aggs = append(aggs, accs[i].value(c.aggs[i].kind))
	}
	e.Aggs, e.Members = aggs, members
	out = out[:0]
	for _, g := range c.goals {
		v := GoalValue{Name: g.def.Name, Title: g.def.Title, Op: g.def.Op, Target: g.target}
		v.Value = g.measure.Float(e)
		if math.IsNaN(v.Value) {
			v.Value = 0
		}
		v.evaluate()
		out = append(out, v)
	}
	return out
}
