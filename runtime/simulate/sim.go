package simulate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/runtime"
)

// Options say how long to run a model, from when, and with which seed.
type Options struct {
	// Days is the number of simulated days (at least 1).
	Days int
	// Seed seeds the run's random numbers: the same community, model,
	// options and seed give the same Series.
	Seed int64
	// Start is the start of day 1: when zero, the model's start, else
	// DefaultStart.
	Start time.Time
	// Rules and Model name the rule file and the model file in the
	// Series; the run does not read them.
	Rules, Model string
	// Progress, when not nil, is called after every simulated day.
	Progress func(Progress)
}

// Progress is how far a run has come, for a progress bar.
type Progress struct {
	Day, Days int
	Members   int
	// Attempts is the number of actions tried since the run began.
	Attempts uint64
}

// maxDays bounds a run: a century of days is past any community's plan.
const maxDays = 36600

// Run runs community c forward under model m for o.Days days and returns
// what happened, day by day. Each day, members try the actions their role,
// badges and messages give them at times through the day, which the live
// state decides and applies; at its end the state reviews the duties
// (State.Review), inactive members may leave, new members join, and the
// figures of the day are read. The run is deterministic for o.Seed and
// never reads the clock: the simulated time starts at o.Start.
//
// A run stops with an error when the state refuses what the model asks of
// it (an attribute value the community refuses, an effect that fails) or
// ctx is done.
func Run(ctx context.Context, c *runtime.Community, m *Model, o Options) (*Series, error) {
	if o.Days < 1 || o.Days > maxDays {
		return nil, fmt.Errorf("simulate: days must be from 1 to %d, not %d", maxDays, o.Days)
	}
	if m.community != c {
		return nil, fmt.Errorf("simulate: the model was read for community %s, not %s", m.community.Name, c.Name)
	}
	start := o.Start
	if start.IsZero() {
		start = m.start
	}
	if start.IsZero() {
		start = DefaultStart
	}
	s, err := newSim(c, m, o, start.UTC())
	if err != nil {
		return nil, err
	}
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	return s.series, nil
}

// mem is a simulated member, in join order.
type mem struct {
	id string
	// role is the member's rank as last seen (-1 before its first
	// reading), badges its badges as of the last daily reading (bit i for
	// badge i < 64).
	role   int
	badges uint64
	prof   *profile
}

// source is one way a member comes to try an action: a rate of a
// behaviour entry, with its prepared call and its arguments.
type source struct {
	call   *runtime.Call
	action int
	args   []*argDist // those drawn at each try; constants are set once
	pools  []int      // for member arguments: the pool index, by args
	// strs are the string arguments the call holds, by args: a choice
	// drawn again is not set again (setting one looks its name up).
	strs []string
}

// profile is the behaviour of the members of one role, set of badges and
// set of messages: the sources they try, with their rates.
type profile struct {
	srcs  []int
	cum   []float64 // cumulative rates
	total float64
}

type profKey struct {
	role   int
	badges uint64
	msgs   uint64
}

// attempt is one try of the day. It carries the member's handle so that
// the tries, in time order, read their members' data from the attempts
// and a few small arrays rather than from the members (a cache miss each:
// a tenth of the run at 100,000 members).
type attempt struct {
	h      *runtime.Handle
	member int32
	src    int32
	hour   int32
}

type sim struct {
	c      *runtime.Community
	cc     *check.Community
	m      *Model
	o      Options
	st     *runtime.State
	r      *rand.Rand
	start  time.Time
	series *Series

	// members are values, not pointers: a try reads its member from
	// one array rather than from wherever the allocator put it (at
	// 100,000 members that miss was a tenth of the run).
	members []mem
	// What a try reads and writes of its member, by place in members,
	// apart from it: alive (false once the member left), the day of its
	// latest allowed action (or its join) and the day the seen attribute
	// was last set.
	alive      []bool
	lastActive []int32
	seenDay    []int32
	// handles are the members' handles in the state: a try through one
	// skips looking the ID up (a quarter of the run at 100,000 members).
	// Apart from members too, since tip targets are picked at random.
	handles []*runtime.Handle
	// bySeq[n-1] is the place in members of member "m<n>", -1 for an
	// ID whose join was refused: reading the number back out of an ID is
	// cheaper than hashing it (a lookup for each member every day).
	bySeq []int32
	seq   int // IDs handed out

	roleNames []string
	roleRank  map[string]int
	srcs      []*source
	// srcOf maps an entry's rates to sources: srcOf[e][i] for
	// m.entries[e].rates[i].
	srcOf    [][]int
	profiles map[profKey]*profile
	// msgBit maps a message index to its bit in profKey.msgs, for the
	// messages the model gives factors for.
	msgBit map[int]uint
	msgs   []int // the keys of msgBit, by bit

	// pools: the members each member argument picks from, rebuilt daily;
	// poolWho[i] is whom pool i holds.
	pools   [][]int32
	poolWho []who

	attempts, sorted []attempt
	drawn            value // a try's argument, drawn into (see drawTo)
	counts           []int

	day       *Day
	roleCount []int
	badgeCnt  []int
	msgCount  []int
	trans     map[[2]string]int
	transSeq  [][2]string
	total     uint64
	invited   int // new members the day's allowed tries bring (join_per_action)
	seenVals  map[string]any
}

func newSim(c *runtime.Community, m *Model, o Options, start time.Time) (*sim, error) {
	s := &sim{
		c: c, cc: c.Checked(), m: m, o: o, start: start,
		// No skew check: without a clock the reference is the latest
		// action, and a community quiet for over a year (DefaultMaxGap)
		// would have its next review refused; simulated time only moves
		// forward, a day at a time, so there is nothing to guard against.
		st:       runtime.NewState(c, runtime.MaxSkew(-1)),
		r:        rand.New(rand.NewPCG(uint64(o.Seed), 0x63686172746572)), // "charter"
		roleRank: map[string]int{},
		profiles: map[profKey]*profile{},
		msgBit:   map[int]uint{},
		trans:    map[[2]string]int{},
	}
	s.roleNames = c.RoleNames()
	for i, r := range s.roleNames {
		s.roleRank[r] = i
	}
	s.series = &Series{
		RunInfo: RunInfo{Community: c.Name, Rules: o.Rules, Model: o.Model, Seed: o.Seed, Start: start,
			Roles: s.roleNames, Badges: []string{}, Goals: []GoalInfo{}},
		Days: []Day{}, Transitions: []Transition{},
	}
	if s.series.Roles == nil {
		s.series.Roles = []string{}
	}
	for _, b := range s.cc.Badges {
		s.series.Badges = append(s.series.Badges, b.Name)
	}
	for _, g := range s.st.Goals(start) {
		s.series.Goals = append(s.series.Goals, GoalInfo{Name: g.Name, Title: g.Title, Op: g.Op, Target: g.Target})
	}
	for i := range s.cc.Messages {
		if _, ok := m.factors[i]; ok {
			s.msgBit[i] = uint(len(s.msgs))
			s.msgs = append(s.msgs, i)
		}
	}
	s.poolWho = append(s.poolWho, who{name: "*", all: true, role: -1, badge: -1})
	for _, p := range m.pools {
		w, _ := whom(s.cc, p, 0, "")
		s.poolWho = append(s.poolWho, w)
	}
	s.pools = make([][]int32, len(s.poolWho))
	for _, e := range m.entries {
		var ids []int
		for i := range e.rates {
			ids = append(ids, len(s.srcs))
			src, err := s.source(&e.rates[i])
			if err != nil {
				return nil, err
			}
			s.srcs = append(s.srcs, src)
		}
		s.srcOf = append(s.srcOf, ids)
	}
	s.roleCount = make([]int, len(s.roleNames))
	s.badgeCnt = make([]int, len(s.cc.Badges))
	s.msgCount = make([]int, len(s.cc.Messages))
	s.counts = make([]int, hoursPerDay+1)
	return s, nil
}

const hoursPerDay = 24

// source prepares the call of one behaviour rate (the model checked that
// it can be prepared).
func (s *sim) source(rs *rateSpec) (*source, error) {
	src := &source{action: rs.action}
	a := s.cc.Actions[rs.action]
	args := runtime.Args{}
	for _, p := range a.Params {
		ad := s.m.argFor(rs, p.Name)
		if ad.d.constant() {
			args[p.Name] = ad.d.goValue(ad.d.consts[0])
			continue
		}
		args[p.Name] = zeroArg(p.Type.Kind)
		src.args = append(src.args, ad)
		pool := -1
		if ad.d.kind == dMember {
			pool = 0
			for i, w := range s.poolWho {
				if w.name == ad.d.pool {
					pool = i
				}
			}
		}
		src.pools = append(src.pools, pool)
	}
	k, err := s.c.Call(a.Name, args)
	if err != nil {
		return nil, fmt.Errorf("simulate: %s: %w", a.Name, err) // ParseModel checked it
	}
	src.call = k
	src.strs = make([]string, len(src.args)) // zeroArg set every string to ""
	return src, nil
}

func zeroArg(k check.Kind) any {
	switch k {
	case check.Int:
		return int64(0)
	case check.Float:
		return 0.0
	case check.Bool:
		return false
	}
	return ""
}

func (s *sim) run(ctx context.Context) error {
	s.day = s.newDay(0)
	for _, g := range s.m.groups {
		if err := s.join(g.count, s.start, g.attrs); err != nil {
			return err
		}
	}
	s.read(s.start, false)
	joined, refused := s.day.Joined, s.day.Refused
	for d := 1; d <= s.o.Days; d++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.day = s.newDay(d)
		if d == 1 {
			s.day.Joined, s.day.Refused = joined, refused
		}
		if err := s.live(ctx, d); err != nil {
			return err
		}
		if s.o.Progress != nil {
			s.o.Progress(Progress{Day: d, Days: s.o.Days, Members: s.st.Len(), Attempts: s.total})
		}
	}
	for _, k := range s.transSeq {
		s.series.Transitions = append(s.series.Transitions, Transition{From: k[0], To: k[1], Count: s.trans[k]})
	}
	return nil
}

func (s *sim) newDay(d int) *Day {
	return &Day{Day: d, Date: s.start.Add(time.Duration(d) * 24 * time.Hour),
		Roles: map[string]int{}, Badges: map[string]int{}, Denials: map[string]int{}, Sanctions: map[string]int{}, Messages: map[string]int{}}
}

// live runs day d: the members' tries, the review, leaves, joins and the
// reading at its end.
func (s *sim) live(ctx context.Context, d int) error {
	dayStart := s.start.Add(time.Duration(d-1) * 24 * time.Hour)
	end := dayStart.Add(24 * time.Hour)

	// Every member's tries for the day, each in a random hour, put in
	// time order by a stable counting sort on the hour. The state then
	// answers at times that only move forward, as a real community's do,
	// which keeps goals that read the time incremental; and within an
	// hour the tries stay in member order, so that they sweep through
	// the state's members in memory order rather than jump about (at
	// 100,000 members, three times as fast as minutes in random order).
	s.attempts = s.attempts[:0]
	for i := range s.members {
		mm := &s.members[i]
		p := mm.prof
		if !s.alive[i] || p == nil || p.total == 0 {
			continue
		}
		n := poisson(s.r, p.total)
		for range n {
			x := s.r.Float64() * p.total
			j := 0
			for j < len(p.cum)-1 && x >= p.cum[j] {
				j++
			}
			s.attempts = append(s.attempts, attempt{h: s.handles[i], member: int32(i), src: int32(p.srcs[j]), hour: int32(s.r.IntN(hoursPerDay))})
		}
	}
	clear(s.counts)
	for _, a := range s.attempts {
		s.counts[a.hour+1]++
	}
	for i := 1; i < len(s.counts); i++ {
		s.counts[i] += s.counts[i-1]
	}
	s.sorted = append(s.sorted[:0], s.attempts...)
	for _, a := range s.attempts {
		s.sorted[s.counts[a.hour]] = a
		s.counts[a.hour]++
	}
	for _, a := range s.sorted {
		if err := s.try(ctx, d, a, dayStart.Add(time.Duration(a.hour)*time.Hour)); err != nil {
			return err
		}
	}

	// The day's end: review, leaves, joins, and the reading.
	rev, err := s.st.Review(ctx, end)
	if err != nil {
		return fmt.Errorf("day %d: review: %w", d, err)
	}
	// The role changes first: a member the review demotes and then
	// removes leaves from the role it fell to.
	s.roleChanges(rev.Changes)
	for _, sc := range rev.Sanctions {
		s.sanctioned(sc)
	}
	for i := range s.members {
		mm := &s.members[i]
		if !s.alive[i] {
			continue
		}
		for _, l := range s.m.leaves {
			if !s.holds(l.who, mm) || d-int(s.lastActive[i]) < l.days {
				continue
			}
			if l.chance < 1 && s.r.Float64() >= l.chance {
				continue
			}
			if err := s.st.Leave(mm.id); err != nil {
				return fmt.Errorf("day %d: leave %s: %w", d, mm.id, err)
			}
			s.gone(i)
			s.day.Left++
			break
		}
	}
	n := s.m.joins.draw(s.r, end).I + int64(s.invited)
	s.invited = 0
	if err := s.join(int(max(n, 0)), end, nil); err != nil {
		return fmt.Errorf("day %d: %w", d, err)
	}
	s.read(end, true)
	return nil
}

// try applies one attempt at time t.
func (s *sim) try(ctx context.Context, d int, a attempt, t time.Time) error {
	if !s.alive[a.member] {
		return nil // removed earlier in the day
	}
	src := s.srcs[a.src]
	k := src.call
	for i, ad := range src.args {
		if ad.kind == check.Member {
			o := s.pick(src.pools[i], int(a.member))
			if o == nil {
				return nil // nobody to name: the member does not try
			}
			k.SetMemberHandle(ad.param, o)
			continue
		}
		v := &s.drawn
		ad.d.drawTo(s.r, t, v)
		switch ad.kind {
		case check.Int:
			k.SetInt(ad.param, v.I)
		case check.Float:
			if err := k.SetFloat(ad.param, v.F); err != nil {
				return fmt.Errorf("day %d: %w", d, err)
			}
		case check.Bool:
			k.SetBool(ad.param, v.I != 0)
		case check.String:
			if v.S != src.strs[i] {
				k.SetString(ad.param, v.S)
				src.strs[i] = v.S
			}
		}
	}
	res, err := s.st.ApplyCallTo(ctx, a.h, k, t)
	if err != nil {
		return fmt.Errorf("day %d: member %s tries %s: %w", d, a.h.ID(), k.Action(), err)
	}
	s.total++
	s.day.Attempts++
	if res.Applied {
		s.day.Allowed++
		s.lastActive[a.member] = int32(d)
		if p, ok := s.m.joinPer[src.action]; ok && (p >= 1 || s.r.Float64() < p) {
			s.invited++
		}
		if s.m.seen != "" && s.seenDay[a.member] != int32(d) {
			s.seenDay[a.member] = int32(d)
			if s.seenVals == nil {
				s.seenVals = map[string]any{}
			}
			s.seenVals[s.m.seen] = t
			if err := s.st.Update(a.h.ID(), s.seenVals); err != nil {
				return fmt.Errorf("day %d: member %s: seen: %w", d, a.h.ID(), err)
			}
		}
		s.roleChanges(res.Changes)
		return nil
	}
	d0 := &res.Decision
	if d0.ByDefault {
		s.day.Denials["by default"]++
	} else {
		for _, r := range d0.Rules {
			s.day.Denials[r.Label]++
		}
	}
	// A denial's demotion (or warning a role reads) moves the member now,
	// as an applied action's effects do.
	s.roleChanges(res.Changes)
	for _, sc := range res.Sanctions {
		s.sanctioned(sc)
	}
	return nil
}

// roleChanges counts the role changes an action or a review reports as
// transitions, and moves the members to their new roles, so that the
// day's leave rules and the reading see them.
func (s *sim) roleChanges(changes []runtime.Change) {
	for _, ch := range changes {
		if ch.Kind != "role" {
			continue
		}
		if i, ok := s.memberIndex(ch.Member); ok {
			o := &s.members[i]
			s.transition(ch.From, ch.To)
			o.role = s.roleRank[ch.To]
		}
	}
}

// memberIndex returns the place in s.members of the member with ID id.
func (s *sim) memberIndex(id string) (int, bool) {
	if len(id) < 2 || id[0] != 'm' {
		return 0, false
	}
	n, err := strconv.Atoi(id[1:])
	if err != nil || n < 1 || n > len(s.bySeq) || s.bySeq[n-1] < 0 {
		return 0, false
	}
	return int(s.bySeq[n-1]), true
}

// pick returns the handle of a member of pool p other than member self,
// or nil when there is none (a few draws, then gives up on a pool of
// members gone or of self alone).
func (s *sim) pick(p, self int) *runtime.Handle {
	pool := s.pools[p]
	if len(pool) == 0 {
		return nil
	}
	for range 8 {
		j := pool[s.r.IntN(len(pool))]
		if int(j) != self && s.alive[j] {
			return s.handles[j]
		}
	}
	return nil
}

func (s *sim) sanctioned(sc runtime.Sanctioned) {
	s.day.Sanctions[sc.Sanction.Name]++
	if sc.Sanction.Name != "remove" {
		return
	}
	if i, ok := s.memberIndex(sc.Member); ok && s.alive[i] {
		s.gone(i)
		s.day.Removed++
	}
}

// gone marks member i as having left the state.
func (s *sim) gone(i int) {
	mm := &s.members[i]
	s.alive[i] = false
	if len(s.roleNames) > 0 && mm.role >= 0 {
		s.transition(s.roleNames[mm.role], Left)
	}
}

func (s *sim) transition(from, to string) {
	if from == to {
		return
	}
	k := [2]string{from, to}
	if _, ok := s.trans[k]; !ok {
		s.transSeq = append(s.transSeq, k)
	}
	s.trans[k]++
}

func (s *sim) holds(w who, mm *mem) bool {
	switch {
	case w.all:
		return true
	case w.role >= 0:
		return mm.role == w.role
	}
	return mm.badges>>uint(w.badge)&1 != 0
}

// join adds n new members at time t, with attributes drawn from the model.
func (s *sim) join(n int, t time.Time, extra []attrDist) error {
	for range n {
		values := make(map[string]any, len(s.m.attrs))
		for _, a := range s.m.attrs {
			values[a.name] = a.d.goValue(a.d.draw(s.r, t))
		}
		for _, a := range extra {
			values[a.name] = a.d.goValue(a.d.draw(s.r, t))
		}
		m, err := s.c.Member(values)
		if err != nil {
			return fmt.Errorf("a new member: %w", err)
		}
		s.seq++
		id := "m" + strconv.Itoa(s.seq)
		s.bySeq = append(s.bySeq, -1)
		if err := s.st.JoinAt(id, m, t); err != nil {
			if errors.Is(err, runtime.ErrNotAdmitted) {
				s.day.Refused++
				continue
			}
			return fmt.Errorf("join %s: %w", id, err)
		}
		h, err := s.st.Handle(id)
		if err != nil {
			return fmt.Errorf("join %s: %w", id, err)
		}
		s.bySeq[s.seq-1] = int32(len(s.members))
		s.members = append(s.members, mem{id: id, role: -1})
		s.handles = append(s.handles, h)
		s.alive = append(s.alive, true)
		s.lastActive = append(s.lastActive, int32(s.day.Day))
		s.seenDay = append(s.seenDay, -1)
		s.day.Joined++
	}
	return nil
}

// read reads every member's standing at t: the day's counts (when count),
// the role changes time made, and each member's behaviour for the next day.
func (s *sim) read(t time.Time, count bool) {
	clear(s.roleCount)
	clear(s.badgeCnt)
	clear(s.msgCount)
	for i := range s.pools {
		s.pools[i] = s.pools[i][:0]
	}
	s.st.Standings(t, func(st *runtime.Standing) {
		i, _ := s.memberIndex(st.ID)
		mm := &s.members[i]
		if len(s.roleNames) > 0 {
			if mm.role < 0 {
				s.transition(Joined, s.roleNames[st.Role])
			} else if mm.role != st.Role {
				s.transition(s.roleNames[mm.role], s.roleNames[st.Role])
			}
			s.roleCount[st.Role]++
		}
		mm.role = st.Role
		mm.badges = 0
		for _, b := range st.Badges {
			s.badgeCnt[b]++
			if b < 64 {
				mm.badges |= 1 << uint(b)
			}
		}
		key := profKey{role: st.Role, badges: mm.badges}
		for _, msg := range st.Messages {
			s.msgCount[msg]++
			if bit, ok := s.msgBit[msg]; ok {
				key.msgs |= 1 << bit
			}
		}
		p, ok := s.profiles[key]
		if !ok {
			p = s.profile(key)
			s.profiles[key] = p
		}
		mm.prof = p
		for pi, w := range s.poolWho {
			if s.holds(w, mm) {
				s.pools[pi] = append(s.pools[pi], int32(i))
			}
		}
	})
	if !count {
		return
	}
	day := s.day
	day.Members = s.st.Len()
	for i, r := range s.roleNames {
		day.Roles[r] = s.roleCount[i]
	}
	for i, b := range s.series.Badges {
		day.Badges[b] = s.badgeCnt[i]
	}
	for i, n := range s.msgCount {
		if n > 0 {
			day.Messages[s.cc.Messages[i].Text] += n
		}
	}
	for _, g := range s.st.Goals(t) {
		day.Goals = append(day.Goals, GoalDay{Value: g.Value, Met: g.Met})
	}
	s.series.Days = append(s.series.Days, *day)
}

// profile works out the behaviour of members with key's role, badges and
// messages: every rate of the behaviour entries that hold for them,
// multiplied by the factors of those entries and of their messages.
func (s *sim) profile(key profKey) *profile {
	mm := &mem{role: key.role, badges: key.badges}
	p := &profile{}
	rates := map[int]float64{}
	var order []int
	for ei, e := range s.m.entries {
		if !s.holds(e.who, mm) {
			continue
		}
		for ri, rs := range e.rates {
			src := s.srcOf[ei][ri]
			rates[src] = rs.perDay
			order = append(order, src)
		}
	}
	factor := func(action int) float64 {
		f := 1.0
		for _, e := range s.m.entries {
			if !s.holds(e.who, mm) {
				continue
			}
			if x, ok := e.times[-1]; ok {
				f *= x
			}
			if x, ok := e.times[action]; ok {
				f *= x
			}
		}
		for bit, msg := range s.msgs {
			if key.msgs>>uint(bit)&1 == 0 {
				continue
			}
			fs := s.m.factors[msg]
			if x, ok := fs[-1]; ok {
				f *= x
			}
			if x, ok := fs[action]; ok {
				f *= x
			}
		}
		return f
	}
	for _, src := range order {
		r := rates[src] * factor(s.srcs[src].action)
		if r <= 0 {
			continue
		}
		p.total += r
		p.srcs = append(p.srcs, src)
		p.cum = append(p.cum, p.total)
	}
	return p
}
