package runtime

import (
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime/eval"
)

// Operand is one operand of a condition and its value for a member: what a
// failing `expect that` shows (SPEC §6.18).
type Operand struct {
	Src   string // the operand as written
	Value any    // as eval.Expr.Value gives it
}

// String writes the operand as "posts is 3".
func (o Operand) String() string { return o.Src + " is " + FormatValue(o.Value) }

// FormatValue writes a value as Charter writes it: strings quoted, times
// in RFC 3339, durations as 7d.
func FormatValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case time.Duration:
		return check.FormatDuration(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = FormatValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// Operands evaluates, for member id at time at, each maximal operand of a
// comparison in cond, and each boolean leaf joined by and, or and not, in
// the order written. Constants are left out: their value is what is
// written. cond is a checked condition, as for Holds.
func (s *State) Operands(id string, cond *syntax.Expr, at time.Time) ([]Operand, error) {
	if cond == nil || cond.Err != nil || cond.Root == nil {
		return nil, fmt.Errorf("operands: no condition")
	}
	var nodes []ast.Node
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		switch n := n.(type) {
		case *ast.BinaryNode:
			switch n.Operator {
			case "and", "&&", "or", "||":
				walk(n.Left)
				walk(n.Right)
				return
			case "==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "startsWith", "endsWith", "matches":
				nodes = append(nodes, n.Left, n.Right)
				return
			}
		case *ast.UnaryNode:
			if n.Operator == "not" || n.Operator == "!" {
				walk(n.Node)
				return
			}
		}
		nodes = append(nodes, n)
	}
	walk(cond.Root)
	sc := &scope{c: s.c, cm: &compiler{c: s.c}}
	var xs []*eval.Expr
	var srcs []string
	for _, n := range nodes {
		x, err := eval.Compile(n, sc)
		if err != nil || x.Const() {
			continue // an operand the evaluator cannot take alone is shown by the condition itself
		}
		xs = append(xs, x)
		// The checker's $7d stands for the duration literal 7d.
		srcs = append(srcs, strings.ReplaceAll(n.String(), "$", ""))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.member(id)
	if err != nil {
		return nil, err
	}
	e := s.bindMember(m, nanos(at))
	defer e.Reset()
	out := make([]Operand, len(xs))
	for i, x := range xs {
		out[i] = Operand{Src: srcs[i], Value: x.Value(e)}
	}
	return out, nil
}
