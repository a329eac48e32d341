// Package bench compares Charter with other Go rule engines on one workload:
// a community's member roles and the decisions on what a member may do.
//
// Every engine states the same rules in its own language (workload.charter,
// the expression strings in expr.go and cel.go, the Rego module in rego.go,
// the Cedar policies in cedar.go) and a hand-written Go function is the
// limit. agreement_test.go checks that all of them give the same answers on
// every generated call before bench_test.go measures them.
//
// The module is separate from github.com/charterlang/charter so that users
// of Charter never download the peers.
package bench

import (
	"math/rand/v2"
)

// Member is what the host knows of one member. The tags bind it to the
// attributes of workload.charter (runtime.Community.MemberFromStruct).
type Member struct {
	Posts      int `charter:"posts"`
	Comments   int `charter:"comments"`
	Saves      int `charter:"saves"`
	DaysActive int `charter:"days_active"`
	// Reputation is kept to multiples of 1/4 by the generator so that
	// Cedar's decimal (4 fractional digits) holds it exactly.
	Reputation float64 `charter:"reputation"`
	Introduced bool    `charter:"introduced"`
	Banned     bool    `charter:"banned"`
}

// Role is a rung of the ladder; a larger value is a higher role, as in
// Charter, where the last rung has rank 0.
type Role int

const (
	Onlooker Role = iota
	Participant
	Collector
	Commenter
	Creator
	Leader
)

var roleNames = [...]string{"onlooker", "participant", "collector", "commenter", "creator", "leader"}

func (r Role) String() string { return roleNames[r] }

// Actions are the actions of the workload, post first. Every engine takes a
// length argument with every action; only post, comment, edit and message
// read it.
var Actions = []string{"post", "comment", "react", "save", "invite", "pin", "delete", "edit", "report", "message", "host"}

// ReasonDefault is the reason of a decision that no rule made: Charter's
// generated text for `default deny`. An allowed decision has reason "".
const ReasonDefault = "default deny"

// The reasons of the denying rules. A reason may belong to rules of several
// actions ("banned").
const (
	ReasonBanned       = "banned"
	ReasonIntroduce    = "introduce yourself first"
	ReasonOnlookerPost = "onlookers post short"
	ReasonCommentLong  = "comments are capped at 2000 characters"
	ReasonSaveLimit    = "save limit reached"
	ReasonInviteNew    = "members invite after a week"
	ReasonDeleteRep    = "deleting needs reputation 50"
	ReasonEditLong     = "edits are capped at 5000 characters"
	ReasonReportRole   = "reports are for participants"
	ReasonReportNew    = "members report after three days"
	ReasonMessageLong  = "messages are capped at 1000 characters"
	ReasonHostNew      = "hosts need 30 active days"
)

// RoleOf is the hand-written ladder: the first rung from the top whose
// condition holds.
func RoleOf(m *Member) Role {
	switch {
	case m.Posts >= 50 && m.Reputation >= 100:
		return Leader
	case m.Posts >= 5 && m.Reputation >= 10:
		return Creator
	case m.Comments >= 20:
		return Commenter
	case m.Saves >= 10:
		return Collector
	case m.Posts+m.Comments >= 1:
		return Participant
	}
	return Onlooker
}

// DecideRef is the hand-written reference decision. Per action, the denying
// rules come first in the order every engine declares them, and the first
// one that holds gives the reason; then the permissions; then the default
// (deny). This is Charter's algorithm (SPEC §10.1) reduced to what the
// interface reports: the first denying rule's reason.
func DecideRef(m *Member, action string, length int) (allowed bool, reason string, role Role) {
	role = RoleOf(m)
	deny := func(r string) (bool, string, Role) { return false, r, role }
	allow := func() (bool, string, Role) { return true, "", role }
	switch action {
	case "post":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case !m.Introduced:
			return deny(ReasonIntroduce)
		case role == Onlooker && length > 500:
			return deny(ReasonOnlookerPost)
		case role >= Participant:
			return allow()
		}
	case "comment":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case length > 2000:
			return deny(ReasonCommentLong)
		}
		return allow()
	case "react":
		if m.Banned {
			return deny(ReasonBanned)
		}
		return allow()
	case "save":
		if m.Saves >= 5000 {
			return deny(ReasonSaveLimit)
		}
		return allow()
	case "invite":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case m.DaysActive < 7:
			return deny(ReasonInviteNew)
		case role >= Creator:
			return allow()
		}
	case "pin":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case role == Leader:
			return allow()
		}
	case "delete":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case m.Reputation < 50:
			return deny(ReasonDeleteRep)
		case role >= Participant:
			return allow()
		}
	case "edit":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case length > 5000:
			return deny(ReasonEditLong)
		case role >= Participant:
			return allow()
		}
	case "report":
		switch {
		case role < Participant:
			return deny(ReasonReportRole)
		case m.DaysActive < 3:
			return deny(ReasonReportNew)
		}
		return allow()
	case "message":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case !m.Introduced:
			return deny(ReasonIntroduce)
		case length > 1000:
			return deny(ReasonMessageLong)
		case role >= Participant, m.Reputation >= 5:
			return allow()
		}
	case "host":
		switch {
		case m.Banned:
			return deny(ReasonBanned)
		case m.DaysActive < 30:
			return deny(ReasonHostNew)
		case role >= Creator, role == Commenter && m.Reputation >= 25:
			return allow()
		}
	}
	return deny(ReasonDefault)
}

// Engine is one rule engine holding the workload, compiled once.
type Engine interface {
	Name() string
	// Decide answers one call end to end, from the host's Member: whatever
	// the engine needs built from it is built inside the call.
	Decide(m *Member, action string, length int) (allowed bool, reason string)
	Role(m *Member) string
}

// Evaluator is the eval-only entry: Prepare builds the engine's natural
// input for a call (outside the timed loop), DecideEval evaluates it. The
// input travels as `any`, which costs one type assertion per call.
type Evaluator interface {
	Prepare(m *Member, action string, length int) any
	DecideEval(in any) (allowed bool, reason string)
}

// Go is the hand-written engine: the limit the others are measured against.
type Go struct{}

func (Go) Name() string { return "go" }

func (Go) Decide(m *Member, action string, length int) (bool, string) {
	ok, reason, _ := DecideRef(m, action, length)
	return ok, reason
}

func (Go) Role(m *Member) string { return RoleOf(m).String() }

// Call is one question: may this member take this action with this length?
type Call struct {
	Member *Member
	Action string
	Length int
}

func (Go) Prepare(m *Member, action string, length int) any {
	return &Call{Member: m, Action: action, Length: length}
}

func (Go) DecideEval(in any) (bool, string) {
	c := in.(*Call)
	ok, reason, _ := DecideRef(c.Member, c.Action, c.Length)
	return ok, reason
}

// Seed fixes the generator, so every run measures the same calls.
const Seed = 20261125

// Lengths are the length arguments the agreement test tries with every
// action: both sides of every length bound in the rules.
var Lengths = []int{0, 500, 501, 1000, 1001, 2000, 2001, 5000, 5001}

// Members returns n members, the same for the same n. About half of every
// attribute's draws sit on or next to a bound in the rules, so every rung
// of the ladder and every rule's both outcomes are reached; the agreement
// test checks that they are.
func Members(n int) []Member {
	r := rand.New(rand.NewPCG(Seed, Seed>>1))
	near := func(bounds []int, hi int) int {
		if r.IntN(2) == 0 {
			return bounds[r.IntN(len(bounds))]
		}
		return r.IntN(hi)
	}
	repBounds := []float64{0, 4.75, 5, 9.75, 10, 24.75, 25, 49.75, 50, 99.75, 100, 100.25}
	out := make([]Member, n)
	for i := range out {
		m := &out[i]
		m.Posts = near([]int{0, 1, 4, 5, 6, 49, 50, 51}, 200)
		m.Comments = near([]int{0, 1, 19, 20, 21}, 80)
		m.Saves = near([]int{0, 9, 10, 11, 4999, 5000, 5001}, 60)
		m.DaysActive = near([]int{0, 2, 3, 6, 7, 29, 30, 31}, 400)
		if r.IntN(2) == 0 {
			m.Reputation = repBounds[r.IntN(len(repBounds))]
		} else {
			m.Reputation = float64(r.IntN(1200)) / 4
		}
		m.Introduced = r.IntN(100) < 85
		m.Banned = r.IntN(100) < 8
		// Onlookers are rare when the attributes are drawn apart; make a
		// sixth of the members newcomers: no posts, no comments, few saves,
		// and mostly little reputation.
		if r.IntN(6) == 0 {
			m.Posts, m.Comments = 0, 0
			m.Saves = r.IntN(12)
			if r.IntN(4) > 0 {
				m.Reputation = float64(r.IntN(40)) / 4
			}
		}
	}
	return out
}

// AllCalls is every member with every action and every length of Lengths:
// what the agreement test checks.
func AllCalls(members []Member) []Call {
	out := make([]Call, 0, len(members)*len(Actions)*len(Lengths))
	for i := range members {
		for _, a := range Actions {
			for _, l := range Lengths {
				out = append(out, Call{Member: &members[i], Action: a, Length: l})
			}
		}
	}
	return out
}

// BenchCalls is n calls drawn from members with a fixed seed: the mix the
// benchmarks cycle through. Every action is equally likely.
func BenchCalls(members []Member, n int) []Call {
	r := rand.New(rand.NewPCG(Seed+1, Seed))
	out := make([]Call, n)
	for i := range out {
		out[i] = Call{
			Member: &members[r.IntN(len(members))],
			Action: Actions[r.IntN(len(Actions))],
			Length: Lengths[r.IntN(len(Lengths))],
		}
	}
	return out
}
