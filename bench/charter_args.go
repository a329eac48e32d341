package bench

import (
	"fmt"

	"github.com/charterlang/charter/runtime"
)

// CharterArgs runs the workload on Charter's runtime the way README shows
// first: a new member from the host's struct (MemberFromStruct) and a
// decision on the action's name with its arguments in a map
// (Community.Decide with runtime.Args). It prepares nothing and keeps
// nothing between calls, so it is safe for concurrent use; the Charter
// engine is the same runtime on its prepared, allocation-free path.
type CharterArgs struct {
	club *runtime.Community
	// hasLength says which actions declare the length parameter: Decide
	// rejects an argument the action does not declare.
	hasLength map[string]bool
}

func NewCharterArgs() (*CharterArgs, error) {
	c, err := NewCharter()
	if err != nil {
		return nil, fmt.Errorf("charter-args: %w", err)
	}
	return &CharterArgs{club: c.club, hasLength: c.hasLength}, nil
}

func (*CharterArgs) Name() string { return "charter-args" }

// args is the Args of a call of action: the length when the action
// declares it, else none.
func (c *CharterArgs) args(action string, length int) runtime.Args {
	if c.hasLength[action] {
		return runtime.Args{"length": length}
	}
	return nil
}

func (c *CharterArgs) Decide(m *Member, action string, length int) (bool, string) {
	rm, err := c.club.MemberFromStruct(m)
	if err != nil {
		return false, "engine error: " + err.Error()
	}
	d, err := c.club.Decide(rm, action, c.args(action, length), charterAt)
	if err != nil {
		return false, "engine error: " + err.Error()
	}
	return verdict(d)
}

func (c *CharterArgs) Role(m *Member) string {
	rm, err := c.club.MemberFromStruct(m)
	if err != nil {
		return "engine error: " + err.Error()
	}
	return c.club.Role(rm, charterAt)
}

// charterArgsCall is CharterArgs' prepared input: the member built from
// the struct, the action's name and its Args.
type charterArgsCall struct {
	m      *runtime.Member
	action string
	args   runtime.Args
}

// Prepare builds the member and the Args. An error is returned in place
// of the input, for DecideEval to report.
func (c *CharterArgs) Prepare(m *Member, action string, length int) any {
	rm, err := c.club.MemberFromStruct(m)
	if err != nil {
		return fmt.Errorf("charter-args: member: %w", err)
	}
	return &charterArgsCall{m: rm, action: action, args: c.args(action, length)}
}

func (c *CharterArgs) DecideEval(in any) (bool, string) {
	call, ok := in.(*charterArgsCall)
	if !ok {
		return false, fmt.Sprintf("engine error: %v", in)
	}
	d, err := c.club.Decide(call.m, call.action, call.args, charterAt)
	if err != nil {
		return false, "engine error: " + err.Error()
	}
	return verdict(d)
}
