package runtime

import (
	"math"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime/eval"
)

// Goals whose aggregates read the time change as time passes, without
// events. Rescanning every member whenever a question comes at a new time
// costs O(members) per event; instead, when every such aggregate's argument
// is monotone in the time (days_since(joined) < 30, now() - last_seen > 7d,
// sum(days_since(joined)), ...), each member's contribution stays what it
// is until a time that a binary search over the time finds, and the State
// keeps the members in a heap by that time: moving the goals forward to a
// new time re-evaluates only the members whose time has come. Arguments not
// known to be monotone, and questions at a time before the goals' time,
// still rescan.

// Monotonicity of an expression in the time, false < true for bools.
const (
	monoConst = 0
	monoUp    = 1
	monoDown  = -1
	monoNone  = 2 // not known to be monotone
)

func monoFlip(d int) int {
	if d == monoUp || d == monoDown {
		return -d
	}
	return d
}

// monoJoin is the monotonicity of an expression increasing in both a and b.
func monoJoin(a, b int) int {
	switch {
	case a == monoConst:
		return b
	case b == monoConst || a == b:
		return a
	}
	return monoNone
}

// monotone returns how n, an expression over one member, changes as the
// time grows. It is conservative: monoNone whenever it cannot tell, as for
// int arithmetic, which wraps.
func (cm *compiler) monotone(n exprast.Node) int {
	if !cm.readsTime(n) {
		return monoConst
	}
	switch n := n.(type) {
	case *exprast.IdentifierNode:
		if b := cm.c.def.Badge(n.Value); b != nil {
			return cm.monotone(b.Cond.Root)
		}
		return monoNone // role, through a ladder that reads the time
	case *exprast.CallNode:
		id, ok := n.Callee.(*exprast.IdentifierNode)
		if !ok {
			return monoNone
		}
		args := make([]int, len(n.Arguments))
		for i, a := range n.Arguments {
			args[i] = cm.monotone(a)
		}
		switch id.Value {
		case "now":
			return monoUp
		case "since", "days_since", "hours_since":
			if len(args) == 1 && args[0] == monoConst {
				return monoUp
			}
		case "until":
			if len(args) == 1 && args[0] == monoConst {
				return monoDown
			}
		case "floor", "ceil", "round":
			if len(args) == 1 {
				return args[0]
			}
		case "clamp":
			if len(args) == 3 && args[1] == monoConst && args[2] == monoConst {
				return args[0]
			}
		case "least", "greatest":
			d := monoConst
			for _, a := range args {
				d = monoJoin(d, a)
			}
			return d
		}
		return monoNone
	case *exprast.UnaryNode:
		d := cm.monotone(n.Node)
		switch n.Operator {
		case "!", "not":
			return monoFlip(d)
		case "+":
			return d
		case "-":
			if cm.kindOf(n.Node) == check.Float {
				return monoFlip(d)
			}
		}
		return monoNone
	case *exprast.ConditionalNode:
		if cm.monotone(n.Cond) == monoConst {
			return monoJoin(cm.monotone(n.Exp1), cm.monotone(n.Exp2))
		}
		return monoNone
	case *exprast.BinaryNode:
		l, r := cm.monotone(n.Left), cm.monotone(n.Right)
		switch n.Operator {
		case "&&", "and", "||", "or":
			return monoJoin(l, r)
		case "<", "<=":
			return monoJoin(monoFlip(l), r)
		case ">", ">=":
			return monoJoin(l, monoFlip(r))
		case "+", "-":
			// Time arithmetic saturates and float arithmetic does not
			// wrap; int and duration arithmetic wrap.
			lk, rk := cm.kindOf(n.Left), cm.kindOf(n.Right)
			if lk != check.Time && rk != check.Time && cm.kindOf(n) != check.Float {
				return monoNone
			}
			if n.Operator == "-" {
				r = monoFlip(r)
			}
			return monoJoin(l, r)
		case "*", "/":
			c, ok := positiveLiteral(n.Right)
			other := l
			if !ok && n.Operator == "*" {
				c, ok = positiveLiteral(n.Left)
				other = r
			}
			if ok && c > 0 && cm.kindOf(n) == check.Float {
				return other
			}
		}
		return monoNone
	}
	return monoNone
}

func positiveLiteral(n exprast.Node) (float64, bool) {
	switch n := n.(type) {
	case *exprast.IntegerNode:
		return float64(n.Value), n.Value > 0
	case *exprast.FloatNode:
		return n.Value, n.Value > 0
	}
	return 0, false
}

// kindOf returns the type of n as an expression over one member.
func (cm *compiler) kindOf(n exprast.Node) check.Kind {
	x, err := eval.Compile(n, &scope{c: cm.c, cm: cm})
	if err != nil {
		return check.Invalid
	}
	return x.Type().Kind
}

// sameValue is == for contributions, with NaN equal to itself.
func sameValue(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

// nextChange returns the first time after at when a's contribution for the
// member e shows differs from v, its value at at; math.MaxInt64 when it
// never does. a's argument is monotone in the time, so the times after at
// with another value form an interval up to the end of time, and a binary
// search finds where it starts. It leaves e.At changed.
func (a *aggregate) nextChange(e *eval.Env, at int64, v float64) int64 {
	rec := e.M
	valueAt := func(t int64) float64 {
		e.SetMember(rec) // forget badges computed at another time
		e.At = t
		return a.contribution(e)
	}
	lo, hi := at, int64(math.MaxInt64)
	if lo == hi || sameValue(valueAt(hi), v) {
		return math.MaxInt64
	}
	for hi-lo > 1 { // valueAt(lo) is v, valueAt(hi) is not
		mid := lo + (hi-lo)/2
		if sameValue(valueAt(mid), v) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// timeHeap orders members by the time their contributions to the
// time-reading aggregates next change: a binary min-heap of member indices
// of the store, with each member's place in it.
type timeHeap struct {
	next []int64 // per member
	pos  []int   // per member: its index in heap
	heap []int   // member indices
}

func (h *timeHeap) less(i, j int) bool { return h.next[h.heap[i]] < h.next[h.heap[j]] }

func (h *timeHeap) swap(i, j int) {
	h.heap[i], h.heap[j] = h.heap[j], h.heap[i]
	h.pos[h.heap[i]], h.pos[h.heap[j]] = i, j
}

func (h *timeHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *timeHeap) down(i int) {
	n := len(h.heap)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h.less(c+1, c) {
			c++
		}
		if !h.less(c, i) {
			return
		}
		h.swap(i, c)
		i = c
	}
}

// set gives member k the time t, adding k when it is new (k == len(next)).
func (h *timeHeap) set(k int, t int64) {
	if k == len(h.next) {
		h.next = append(h.next, t)
		h.pos = append(h.pos, len(h.heap))
		h.heap = append(h.heap, k)
		h.up(len(h.heap) - 1)
		return
	}
	old := h.next[k]
	h.next[k] = t
	if t < old {
		h.up(h.pos[k])
	} else {
		h.down(h.pos[k])
	}
}

// remove deletes member k, and renames the last member to k, as
// store.remove moves it.
func (h *timeHeap) remove(k int) {
	i := h.pos[k]
	last := len(h.heap) - 1
	if i != last {
		h.swap(i, last)
	}
	h.heap = h.heap[:last]
	if i != last {
		h.down(i)
		h.up(i)
	}
	lm := len(h.next) - 1
	if k != lm {
		h.next[k] = h.next[lm]
		h.pos[k] = h.pos[lm]
		h.heap[h.pos[k]] = k
	}
	h.next = h.next[:lm]
	h.pos = h.pos[:lm]
}

func (h *timeHeap) reset() {
	h.next, h.pos, h.heap = h.next[:0], h.pos[:0], h.heap[:0]
}

// schedule puts member k, whose record is rec and whose contributions to
// the time-reading aggregates at goalsAt are stored, in the heap at the
// first time one of them changes.
func (s *State) schedule(k int, rec *eval.Record) {
	e := s.env2
	e.M = rec
	nt := len(s.c.timeAggIdx)
	next := int64(math.MaxInt64)
	for p, i := range s.c.timeAggIdx {
		e.M = rec
		next = min(next, s.c.aggs[i].nextChange(e, s.goalsAt, s.tcon[k*nt+p]))
	}
	// Leave e at the goals' time, as contribute set it: refresh evaluates
	// the measures in it.
	e.SetMember(rec)
	e.At = s.goalsAt
	s.times.set(k, next)
}

// forgetTimes drops member k's stored contributions and heap entry, after
// store.remove moved the last member to k.
func (s *State) forgetTimes(k int) {
	if !s.c.timeInc {
		return
	}
	nt := len(s.c.timeAggIdx)
	last := len(s.tcon)/nt - 1
	copy(s.tcon[k*nt:(k+1)*nt], s.tcon[last*nt:(last+1)*nt])
	s.tcon = s.tcon[:last*nt]
	if s.scheduled {
		s.times.remove(k)
	}
}

// restale recomputes the aggregates at goalsAt after a min or max lost
// its extreme, taking the time-reading contributions stored rather than
// evaluating them again.
func (s *State) restale() {
	nt := len(s.c.timeAggIdx)
	e := s.env2
	e.At = s.goalsAt
	for i := range s.accs {
		sum := s.accs[i].sum
		if sum != nil {
			*sum = exactSum{}
		}
		s.accs[i] = acc{sum: sum}
	}
	for k := range s.st.len() {
		s.st.record(k, &s.scan)
		e.SetMember(&s.scan)
		p := 0
		for i, a := range s.c.aggs {
			if a.readsTime {
				s.accs[i].add(a.kind, s.tcon[k*nt+p])
				p++
			} else {
				s.accs[i].add(a.kind, a.contribution(e))
			}
		}
	}
	s.refresh()
}

// advance moves the time-reading aggregates from goalsAt forward to at,
// re-evaluating only the members whose contributions change by then.
func (s *State) advance(at int64) {
	s.goalsAt = at
	nt := len(s.c.timeAggIdx)
	e := s.env2
	h := &s.times
	// Rescheduling a member costs many evaluations; when a good share of
	// them change at once (questions far apart, goals that change every
	// hour), a plain rescan is cheaper, and the state stops scheduling
	// until questions come at later times in a row again (currentGoals).
	budget := len(h.heap)/32 + 16
	for len(h.heap) > 0 && h.next[h.heap[0]] <= at {
		if budget--; budget < 0 {
			s.forward = 0
			s.rescan(at, false)
			return
		}
		k := h.heap[0]
		s.st.record(k, &s.scan)
		e.SetMember(&s.scan)
		e.At = at
		for p, i := range s.c.timeAggIdx {
			a := s.c.aggs[i]
			old, v := s.tcon[k*nt+p], a.contribution(e)
			// Adding first keeps a growing extreme of min or max from
			// being marked stale.
			s.accs[i].add(a.kind, v)
			s.accs[i].remove(a.kind, old)
			s.tcon[k*nt+p] = v
		}
		s.schedule(k, &s.scan)
	}
	s.refresh()
}

// viewIndex returns the store index of m, a view of this event, or -1
// when the index is not needed.
func (s *State) viewIndex(m *Member) int {
	if !s.c.timeInc {
		return -1
	}
	k, _ := s.st.find(m.ID)
	return k
}

// pastGoals is the memory goalsBefore reuses.
type pastGoals struct {
	accs  []acc
	aggs  []float64
	goals []GoalValue
}

// goalsBefore computes the goals at a time before goalsAt by a scan of
// every member, leaving the aggregates kept for goalsAt, their stored
// contributions and the heap as they are: a question about the past does
// not undo the scheduling that later questions need.
func (s *State) goalsBefore(at int64) []GoalValue {
	p := &s.past
	if p.accs == nil {
		p.accs = make([]acc, len(s.c.aggs))
	}
	for i := range p.accs {
		sum := p.accs[i].sum
		if sum != nil {
			*sum = exactSum{}
		}
		p.accs[i] = acc{sum: sum}
	}
	e := s.env3
	for k := range s.st.len() {
		s.st.record(k, &s.scan)
		e.SetMember(&s.scan)
		e.At = at
		for i, a := range s.c.aggs {
			p.accs[i].add(a.kind, a.contribution(e))
		}
	}
	p.goals = s.c.goalValues(e, p.accs, int64(s.st.len()), p.aggs, p.goals)
	p.aggs = e.Aggs
	return p.goals
}
