package bench

import (
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
)

// CEL runs the workload on cel-go with the expressions of expr.go
// (ruleBodies, ruleRole): one checked program per action and one for the
// role, planned once with OptOptimize (constant folding), indexed by action
// with a Go map. A call is evaluated with an activation that reads the
// variables straight from a struct and returns CEL values, so no map is
// built and nothing is adapted per call. cel.bind (the ext.Bindings
// library) names the rank; CEL evaluates a binding lazily, on first use. A
// CEL value is safe for concurrent use.
type CEL struct {
	decide map[string]cel.Program
	role   cel.Program
}

func NewCEL() (*CEL, error) {
	env, err := cel.NewEnv(
		ext.Bindings(),
		cel.Variable("posts", cel.IntType),
		cel.Variable("comments", cel.IntType),
		cel.Variable("saves", cel.IntType),
		cel.Variable("days_active", cel.IntType),
		cel.Variable("reputation", cel.DoubleType),
		cel.Variable("introduced", cel.BoolType),
		cel.Variable("banned", cel.BoolType),
		cel.Variable("length", cel.IntType),
	)
	if err != nil {
		return nil, fmt.Errorf("cel: env: %w", err)
	}
	program := func(name, src string) (cel.Program, error) {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			return nil, fmt.Errorf("cel: compile %s: %w", name, iss.Err())
		}
		if !ast.OutputType().IsExactType(cel.StringType) {
			return nil, fmt.Errorf("cel: %s yields %s, want string", name, ast.OutputType())
		}
		prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			return nil, fmt.Errorf("cel: plan %s: %w", name, err)
		}
		return prg, nil
	}
	c := &CEL{decide: map[string]cel.Program{}}
	for action, body := range ruleBodies {
		if usesRank(body) {
			body = "cel.bind(rank, " + ruleRank + ",\n" + body + ")"
		}
		if c.decide[action], err = program(action, body); err != nil {
			return nil, err
		}
	}
	if c.role, err = program("role", ruleRole); err != nil {
		return nil, err
	}
	return c, nil
}

func (*CEL) Name() string { return "cel" }

// celInput is the activation: one call's variables, resolved by name.
type celInput struct {
	m      *Member
	action string
	length int
}

func (a *celInput) ResolveName(name string) (any, bool) {
	switch name {
	case "posts":
		return types.Int(a.m.Posts), true
	case "comments":
		return types.Int(a.m.Comments), true
	case "saves":
		return types.Int(a.m.Saves), true
	case "days_active":
		return types.Int(a.m.DaysActive), true
	case "reputation":
		return types.Double(a.m.Reputation), true
	case "introduced":
		return types.Bool(a.m.Introduced), true
	case "banned":
		return types.Bool(a.m.Banned), true
	case "length":
		return types.Int(a.length), true
	}
	return nil, false
}

func (*celInput) Parent() interpreter.Activation { return nil }

func (c *CEL) Decide(m *Member, action string, length int) (bool, string) {
	return c.eval(&celInput{m: m, action: action, length: length})
}

func (c *CEL) eval(in *celInput) (bool, string) {
	p, ok := c.decide[in.action]
	if !ok {
		return false, ReasonDefault
	}
	out, _, err := p.Eval(in)
	if err != nil {
		return false, "engine error: " + err.Error()
	}
	reason := celString(out)
	return reason == "", reason
}

func (c *CEL) Role(m *Member) string {
	out, _, err := c.role.Eval(&celInput{m: m})
	if err != nil {
		return "engine error: " + err.Error()
	}
	return celString(out)
}

func celString(v ref.Val) string {
	s, ok := v.(types.String)
	if !ok {
		return fmt.Sprintf("engine error: result %v is not a string", v)
	}
	return string(s)
}

// Prepare builds the activation: CEL's natural input.
func (*CEL) Prepare(m *Member, action string, length int) any {
	return &celInput{m: m, action: action, length: length}
}

func (c *CEL) DecideEval(in any) (bool, string) { return c.eval(in.(*celInput)) }
