package bench

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// exprEnv is expr's environment: a struct, which expr's checker types and
// its VM reads by field index, with no map to build per call.
type exprEnv struct {
	Posts      int     `expr:"posts"`
	Comments   int     `expr:"comments"`
	Saves      int     `expr:"saves"`
	DaysActive int     `expr:"days_active"`
	Reputation float64 `expr:"reputation"`
	Introduced bool    `expr:"introduced"`
	Banned     bool    `expr:"banned"`
	Action     string  `expr:"action"`
	Length     int     `expr:"length"`
}

// ruleRank is the ladder as a rank (onlooker 0 ... leader 5), so that
// "participant or above" is a comparison, as in Charter. expr and CEL share
// the syntax of ruleRank, ruleRole and ruleBodies; each engine binds rank
// its own way (expr's let, CEL's cel.bind).
const ruleRank = `posts >= 50 && reputation >= 100.0 ? 5 :
	posts >= 5 && reputation >= 10.0 ? 4 :
	comments >= 20 ? 3 :
	saves >= 10 ? 2 :
	posts + comments >= 1 ? 1 : 0`

const ruleRole = `posts >= 50 && reputation >= 100.0 ? "leader" :
	posts >= 5 && reputation >= 10.0 ? "creator" :
	comments >= 20 ? "commenter" :
	saves >= 10 ? "collector" :
	posts + comments >= 1 ? "participant" : "onlooker"`

// ruleBodies holds each action's rules as one expression, compiled to one
// program per action: the host indexes by action with a Go map, as a host
// of an expression engine would. An expression has one result, so it yields
// the reason: "" when allowed, the first denying rule's reason, or
// "default deny". The denials come first in declaration order and stop at
// the first that holds; then the permissions. A body that uses rank gets
// it bound by the engine.
var ruleBodies = map[string]string{
	"post": `banned ? "banned" :
		!introduced ? "introduce yourself first" :
		rank == 0 && length > 500 ? "onlookers post short" :
		rank >= 1 ? "" : "default deny"`,
	"comment": `banned ? "banned" :
		length > 2000 ? "comments are capped at 2000 characters" : ""`,
	"react": `banned ? "banned" : ""`,
	"save":  `saves >= 5000 ? "save limit reached" : ""`,
	"invite": `banned ? "banned" :
		days_active < 7 ? "members invite after a week" :
		rank >= 4 ? "" : "default deny"`,
	"pin": `banned ? "banned" :
		rank == 5 ? "" : "default deny"`,
	"delete": `banned ? "banned" :
		reputation < 50.0 ? "deleting needs reputation 50" :
		rank >= 1 ? "" : "default deny"`,
	"edit": `banned ? "banned" :
		length > 5000 ? "edits are capped at 5000 characters" :
		rank >= 1 ? "" : "default deny"`,
	"report": `rank < 1 ? "reports are for participants" :
		days_active < 3 ? "members report after three days" : ""`,
	"message": `banned ? "banned" :
		!introduced ? "introduce yourself first" :
		length > 1000 ? "messages are capped at 1000 characters" :
		rank >= 1 || reputation >= 5.0 ? "" : "default deny"`,
	"host": `banned ? "banned" :
		days_active < 30 ? "hosts need 30 active days" :
		rank >= 4 || rank == 3 && reputation >= 25.0 ? "" : "default deny"`,
}

// usesRank reports whether an expression reads rank, so that the engines
// bind it only where it is read.
func usesRank(body string) bool { return strings.Contains(body, "rank") }

// Expr runs the workload on expr-lang/expr: one program per action and one
// for the role, compiled once against the struct environment, and one
// vm.VM reused across calls (expr.Run would allocate a VM per call). The
// reused VM and env make an Expr value unsafe for concurrent use; a
// concurrent host keeps one per goroutine or in a sync.Pool.
type Expr struct {
	decide map[string]*vm.Program
	role   *vm.Program
	vm     vm.VM
	env    exprEnv
}

func NewExpr() (*Expr, error) {
	compile := func(name, src string) (*vm.Program, error) {
		p, err := expr.Compile(src, expr.Env(exprEnv{}), expr.AsKind(reflect.String))
		if err != nil {
			return nil, fmt.Errorf("expr: compile %s: %w", name, err)
		}
		return p, nil
	}
	e := &Expr{decide: map[string]*vm.Program{}}
	for action, body := range ruleBodies {
		if usesRank(body) {
			body = "let rank = " + ruleRank + ";\n" + body
		}
		p, err := compile(action, body)
		if err != nil {
			return nil, err
		}
		e.decide[action] = p
	}
	var err error
	if e.role, err = compile("role", ruleRole); err != nil {
		return nil, err
	}
	return e, nil
}

func (*Expr) Name() string { return "expr" }

func (e *Expr) fill(m *Member, action string, length int) {
	e.env = exprEnv{
		Posts: m.Posts, Comments: m.Comments, Saves: m.Saves, DaysActive: m.DaysActive,
		Reputation: m.Reputation, Introduced: m.Introduced, Banned: m.Banned,
		Action: action, Length: length,
	}
}

func (e *Expr) Decide(m *Member, action string, length int) (bool, string) {
	e.fill(m, action, length)
	return e.run(&e.env)
}

func (e *Expr) run(env *exprEnv) (bool, string) {
	p, ok := e.decide[env.Action]
	if !ok {
		return false, ReasonDefault
	}
	out, err := e.vm.Run(p, env)
	if err != nil {
		return false, "engine error: " + err.Error()
	}
	reason := out.(string)
	return reason == "", reason
}

func (e *Expr) Role(m *Member) string {
	e.fill(m, "", 0)
	out, err := e.vm.Run(e.role, &e.env)
	if err != nil {
		return "engine error: " + err.Error()
	}
	return out.(string)
}

// Prepare builds the environment struct: expr's natural input.
func (*Expr) Prepare(m *Member, action string, length int) any {
	return &exprEnv{
		Posts: m.Posts, Comments: m.Comments, Saves: m.Saves, DaysActive: m.DaysActive,
		Reputation: m.Reputation, Introduced: m.Introduced, Banned: m.Banned,
		Action: action, Length: length,
	}
}

func (e *Expr) DecideEval(in any) (bool, string) { return e.run(in.(*exprEnv)) }
