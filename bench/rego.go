package bench

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

//go:embed workload.rego
var regoModule string

// Rego runs the workload on OPA: each query (the decision, the role) is
// parsed, compiled and planned once with PrepareForEval; a call is one Eval
// of the prepared query with the call as input. OPA's rule index picks the
// rules of the action asked by their `input.action == ...` test. A
// prepared query is safe for concurrent use.
type Rego struct {
	decide, role rego.PreparedEvalQuery
}

func NewRego() (*Rego, error) {
	ctx := context.Background()
	prepare := func(query string) (rego.PreparedEvalQuery, error) {
		pq, err := rego.New(
			rego.Query(query),
			rego.Module("workload.rego", regoModule),
		).PrepareForEval(ctx)
		if err != nil {
			return pq, fmt.Errorf("rego: prepare %s: %w", query, err)
		}
		return pq, nil
	}
	r := &Rego{}
	var err error
	if r.decide, err = prepare("data.charter.decision"); err != nil {
		return nil, err
	}
	if r.role, err = prepare("data.charter.role"); err != nil {
		return nil, err
	}
	return r, nil
}

func (*Rego) Name() string { return "rego" }

// regoMember is the member as OPA takes Go input: a map of plain values,
// which OPA converts to its AST without a JSON round trip (a struct would
// take one).
func regoMember(m *Member) map[string]any {
	return map[string]any{
		"posts":       m.Posts,
		"comments":    m.Comments,
		"saves":       m.Saves,
		"days_active": m.DaysActive,
		"reputation":  m.Reputation,
		"introduced":  m.Introduced,
		"banned":      m.Banned,
	}
}

// Decide builds the input map from the member, as a host does, and
// evaluates with rego.EvalInput.
func (r *Rego) Decide(m *Member, action string, length int) (bool, string) {
	in := map[string]any{"member": regoMember(m), "action": action, "length": length}
	return r.decision(r.decide.Eval(context.Background(), rego.EvalInput(in)))
}

func (r *Rego) decision(rs rego.ResultSet, err error) (bool, string) {
	if err != nil {
		return false, "engine error: " + err.Error()
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return false, fmt.Sprintf("engine error: %d results", len(rs))
	}
	d, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return false, fmt.Sprintf("engine error: decision %v", rs[0].Expressions[0].Value)
	}
	allowed, _ := d["allowed"].(bool)
	reason, _ := d["reason"].(string)
	return allowed, reason
}

func (r *Rego) Role(m *Member) string {
	in := map[string]any{"member": regoMember(m)}
	rs, err := r.role.Eval(context.Background(), rego.EvalInput(in))
	if err != nil {
		return "engine error: " + err.Error()
	}
	if len(rs) != 1 {
		return fmt.Sprintf("engine error: %d results", len(rs))
	}
	s, _ := rs[0].Expressions[0].Value.(string)
	return s
}

// Prepare converts the input to OPA's AST value, which Eval then takes as
// is (rego.EvalParsedInput): OPA's most prepared input. A conversion error
// is returned in place of the value, for DecideEval to report.
func (*Rego) Prepare(m *Member, action string, length int) any {
	v, err := ast.InterfaceToValue(map[string]any{"member": regoMember(m), "action": action, "length": length})
	if err != nil {
		return fmt.Errorf("rego: input: %w", err)
	}
	return v
}

func (r *Rego) DecideEval(in any) (bool, string) {
	v, ok := in.(ast.Value)
	if !ok {
		return false, fmt.Sprintf("engine error: %v", in)
	}
	return r.decision(r.decide.Eval(context.Background(), rego.EvalParsedInput(v)))
}
