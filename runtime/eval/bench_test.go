package eval

import (
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// The benchmarks measure the choice of closures over expr-lang's VM on
// the conditions Charter evaluates most: each expression runs through
// Compile's closures and through expr-lang's VM (compiled with a struct
// environment, the VM reused), on the same member.

// vmMember is the FanClub member as expr-lang's VM sees it.
type vmMember struct {
	Posts      int       `expr:"posts"`
	Followers  int       `expr:"followers"`
	Reputation float64   `expr:"reputation"`
	Role       int       `expr:"role"`
	Creator    int       `expr:"creator"`
	LastSeen   time.Time `expr:"last_seen"`
}

var benchExprs = []struct{ name, src string }{
	{"FanClubLeader", "posts >= 50 && followers >= 100"},
	{"RoleAtLeast", "role >= creator"},
	{"DaysSince", "days_since(last_seen) > 30"},
}

var sinkBool bool

func BenchmarkClosures(b *testing.B) {
	f := newFixture(b)
	for _, bx := range benchExprs {
		x := f.compile(b, bx.src)
		b.Run(bx.name, func(b *testing.B) {
			env := f.env
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = x.Bool(env)
			}
		})
	}
	// The role computed from the ladder on every run, as for a new member.
	x := f.compile(b, "role >= creator")
	b.Run("RoleAtLeastFromLadder", func(b *testing.B) {
		env := f.env
		b.ReportAllocs()
		for b.Loop() {
			env.SetMember(env.M)
			sinkBool = x.Bool(env)
		}
	})
}

func BenchmarkExprVM(b *testing.B) {
	m := vmMember{
		Posts: 60, Followers: 120, Reputation: 52.5, Role: 3, Creator: 3,
		LastSeen: at.Add(-45*24*time.Hour - 3*time.Hour),
	}
	// days_since as tight as expr-lang allows: no overload search.
	daysSince := expr.Function("days_since", func(args ...any) (any, error) {
		return int(at.Sub(args[0].(time.Time)) / (24 * time.Hour)), nil
	}, new(func(time.Time) int))
	var env any = m // boxed once, as a host would per member
	for _, bx := range benchExprs {
		prog, err := expr.Compile(bx.src, expr.Env(vmMember{}), expr.AsBool(), daysSince)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bx.name, func(b *testing.B) {
			var machine vm.VM
			b.ReportAllocs()
			for b.Loop() {
				out, err := machine.Run(prog, env)
				if err != nil {
					b.Fatal(err)
				}
				sinkBool = out.(bool)
			}
		})
	}
}

// BenchmarkFanClubMember evaluates what deciding one FanClub action
// needs: a fresh member's role from the ladder, both badges, and the
// conditions of the rules on post, invite and tip.
func BenchmarkFanClubMember(b *testing.B) {
	f := newFixture(b)
	conds := []*Expr{
		f.compile(b, "role >= creator"),        // may invite
		f.compile(b, "amount <= reputation"),   // may tip
		f.compile(b, "length > 5000"),          // must not post
		f.compile(b, "role <= collector"),      // limit post
		f.compile(b, "opinion_leader"),         // badge
		f.compile(b, "active"),                 // badge
		f.compile(b, "!size.met"),              // when
		f.compile(b, "to.reputation + amount"), // effect value
	}
	env := f.env
	b.ReportAllocs()
	for b.Loop() {
		env.SetMember(env.M)
		for _, c := range conds {
			evalTyped(c, env)
		}
	}
}
