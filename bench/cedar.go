package bench

import (
	_ "embed"
	"fmt"

	cedar "github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
)

//go:embed workload.cedar
var cedarPolicies []byte

//go:embed workload_roles.cedar
var cedarRolePolicies []byte

// Cedar runs the workload on cedar-go. Cedar answers allow or deny and
// which policies decided; it computes no values. So, honestly stated:
//
//   - The role: Cedar evaluates the ladder's conditions (workload_roles.cedar,
//     one Authorize call on Action::"role") and Go reads which permits
//     matched and takes the highest role. Decide makes that call first,
//     then puts the member under its Role entity, whose parent chain gives
//     `principal in Role::"creator"` the meaning "role >= creator". A host
//     that computes roles itself would skip the first call: DecideEval
//     measures the decision call alone, with the role already in place.
//   - The reason: each forbid carries @reason; Go takes the reason of the
//     first matching forbid in file order from the Diagnostic (Cedar
//     reports every matching policy, in map order). "default deny" is Go's
//     word for a deny with no forbid.
//   - The inputs: Decide builds the member's attribute record (reputation
//     converted to Cedar's decimal), the entity and the request per call;
//     the Role entities, their parent sets and the action UIDs are built
//     once.
//
// Cedar's Authorize evaluates every policy of the set on every call (it
// does not index by action), so the 34 decision policies are all tried.
// A Cedar value is safe for concurrent use.
type Cedar struct {
	decide, roles *cedar.PolicySet
	// reasons and order give each decision policy's @reason and its place
	// in the file; roleOf gives each role policy's rank.
	reasons map[cedar.PolicyID]string
	order   map[cedar.PolicyID]int
	roleOf  map[cedar.PolicyID]Role
	// roleEntities holds the Role chain; parents[r] is the parent set of a
	// member of role r.
	roleEntities types.EntityMap
	parents      [Leader + 1]types.EntityUIDSet
	actions      map[string]types.EntityUID
}

var (
	cedarMember     = types.NewEntityUID("Member", "m")
	cedarCommunity  = types.NewEntityUID("Community", "bench")
	cedarRoleAction = types.NewEntityUID("Action", "role")
	cedarNoContext  = types.NewRecord(nil)
)

func NewCedar() (*Cedar, error) {
	c := &Cedar{
		decide:       cedar.NewPolicySet(),
		roles:        cedar.NewPolicySet(),
		reasons:      map[cedar.PolicyID]string{},
		order:        map[cedar.PolicyID]int{},
		roleOf:       map[cedar.PolicyID]Role{},
		roleEntities: types.EntityMap{},
		actions:      map[string]types.EntityUID{},
	}
	list, err := cedar.NewPolicyListFromBytes("workload.cedar", cedarPolicies)
	if err != nil {
		return nil, fmt.Errorf("cedar: %w", err)
	}
	for i, p := range list {
		id := cedar.PolicyID(fmt.Sprintf("p%02d", i))
		c.decide.Add(id, p)
		c.order[id] = i
		if r, ok := p.Annotations()["reason"]; ok {
			c.reasons[id] = string(r)
		} else if p.Effect() == cedar.Forbid {
			return nil, fmt.Errorf("cedar: forbid at %v has no @reason", p.Position())
		}
	}
	list, err = cedar.NewPolicyListFromBytes("workload_roles.cedar", cedarRolePolicies)
	if err != nil {
		return nil, fmt.Errorf("cedar: %w", err)
	}
	for i, p := range list {
		id := cedar.PolicyID(fmt.Sprintf("r%02d", i))
		name := string(p.Annotations()["role"])
		r, ok := roleByName(name)
		if !ok {
			return nil, fmt.Errorf("cedar: role policy at %v names role %q", p.Position(), name)
		}
		c.roles.Add(id, p)
		c.roleOf[id] = r
	}
	for r := Onlooker; r <= Leader; r++ {
		uid := types.NewEntityUID("Role", types.String(r.String()))
		c.parents[r] = types.NewEntityUIDSet(uid)
		e := types.Entity{UID: uid}
		if r > Onlooker {
			e.Parents = types.NewEntityUIDSet(types.NewEntityUID("Role", types.String((r - 1).String())))
		}
		c.roleEntities[uid] = e
	}
	for _, a := range Actions {
		c.actions[a] = types.NewEntityUID("Action", types.String(a))
	}
	return c, nil
}

func roleByName(name string) (Role, bool) {
	for r := Onlooker; r <= Leader; r++ {
		if r.String() == name {
			return r, true
		}
	}
	return 0, false
}

func (*Cedar) Name() string { return "cedar" }

// cedarEntities is the entity store of one call: the member and the Role
// chain. It answers lookups without building a map per call.
type cedarEntities struct {
	member types.Entity
	roles  types.EntityMap
}

func (s *cedarEntities) Get(uid types.EntityUID) (types.Entity, bool) {
	if uid == s.member.UID {
		return s.member, true
	}
	e, ok := s.roles[uid]
	return e, ok
}

// cedarCall is Cedar's natural prepared input: entities and a request.
type cedarCall struct {
	entities cedarEntities
	req      cedar.Request
}

func cedarAttributes(m *Member) (types.Record, error) {
	rep, err := types.NewDecimalFromFloat(m.Reputation)
	if err != nil {
		return types.Record{}, fmt.Errorf("cedar: reputation: %w", err)
	}
	return types.NewRecord(types.RecordMap{
		"posts":       types.Long(m.Posts),
		"comments":    types.Long(m.Comments),
		"saves":       types.Long(m.Saves),
		"days_active": types.Long(m.DaysActive),
		"reputation":  rep,
		"introduced":  types.Boolean(m.Introduced),
		"banned":      types.Boolean(m.Banned),
	}), nil
}

// role asks Cedar which rungs' conditions hold for the member in s and
// returns the highest.
func (c *Cedar) role(s *cedarEntities) (Role, error) {
	_, diag := cedar.Authorize(c.roles, s, cedar.Request{
		Principal: s.member.UID, Action: cedarRoleAction, Resource: cedarCommunity, Context: cedarNoContext,
	})
	if len(diag.Errors) > 0 {
		return 0, fmt.Errorf("cedar: role: %s", diag.Errors[0].Message)
	}
	best := Onlooker
	for _, r := range diag.Reasons {
		best = max(best, c.roleOf[r.PolicyID])
	}
	return best, nil
}

// prepare builds the call's entities and request, the role included.
func (c *Cedar) prepare(call *cedarCall, m *Member, action string, length int) error {
	attrs, err := cedarAttributes(m)
	if err != nil {
		return err
	}
	call.entities = cedarEntities{member: types.Entity{UID: cedarMember, Attributes: attrs}, roles: c.roleEntities}
	r, err := c.role(&call.entities)
	if err != nil {
		return err
	}
	call.entities.member.Parents = c.parents[r]
	a, ok := c.actions[action]
	if !ok {
		a = types.NewEntityUID("Action", types.String(action))
	}
	call.req = cedar.Request{
		Principal: cedarMember, Action: a, Resource: cedarCommunity,
		Context: types.NewRecord(types.RecordMap{"length": types.Long(length)}),
	}
	return nil
}

func (c *Cedar) Decide(m *Member, action string, length int) (bool, string) {
	var call cedarCall
	if err := c.prepare(&call, m, action, length); err != nil {
		return false, "engine error: " + err.Error()
	}
	return c.eval(&call)
}

func (c *Cedar) eval(call *cedarCall) (bool, string) {
	decision, diag := cedar.Authorize(c.decide, &call.entities, call.req)
	if len(diag.Errors) > 0 {
		return false, "engine error: " + diag.Errors[0].Message
	}
	if decision == cedar.Allow {
		return true, ""
	}
	if len(diag.Reasons) == 0 {
		return false, ReasonDefault
	}
	first := diag.Reasons[0].PolicyID
	for _, r := range diag.Reasons[1:] {
		if c.order[r.PolicyID] < c.order[first] {
			first = r.PolicyID
		}
	}
	return false, c.reasons[first]
}

func (c *Cedar) Role(m *Member) string {
	attrs, err := cedarAttributes(m)
	if err != nil {
		return "engine error: " + err.Error()
	}
	r, err := c.role(&cedarEntities{member: types.Entity{UID: cedarMember, Attributes: attrs}, roles: c.roleEntities})
	if err != nil {
		return "engine error: " + err.Error()
	}
	return r.String()
}

// Prepare builds the entities and the request, running the role query, so
// that DecideEval is the decision's Authorize call alone. An error is
// returned in place of the input, for DecideEval to report.
func (c *Cedar) Prepare(m *Member, action string, length int) any {
	call := &cedarCall{}
	if err := c.prepare(call, m, action, length); err != nil {
		return err
	}
	return call
}

func (c *Cedar) DecideEval(in any) (bool, string) {
	call, ok := in.(*cedarCall)
	if !ok {
		return false, fmt.Sprintf("engine error: %v", in)
	}
	return c.eval(call)
}
