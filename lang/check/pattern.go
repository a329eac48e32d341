package check

import (
	"fmt"
	"regexp/syntax"

	exprast "github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/diag"
	lsyntax "github.com/charterlang/charter/lang/syntax"
)

// MaxPatternInsts bounds the compiled program of a `matches` pattern. Go's
// regexp runs in time linear in the input times the program's size, so a
// short pattern with a counted repetition ([a-z]{1,1000}x compiles to 2,002
// instructions) took 32 s over a 1 MiB string here. At this limit the
// worst match over the longest string a host may give took about 6 s
// ([a-z]{1,249}x, 500 instructions), while real patterns (an e-mail
// address, a URL, a list of a few dozen words) compile to well under it;
// Community.Cost counts each match by its size (SPEC §13.1).
const MaxPatternInsts = 500

// PatternInsts returns the number of instructions of the program Go's
// regexp compiles pattern to (RE2 syntax, as regexp.Compile parses it), the
// factor by which matching it multiplies the length of its input.
func PatternInsts(pattern string) (int, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0, err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return 0, err
	}
	return len(prog.Inst), nil
}

// PatternTooLarge says why pattern is refused, or returns "" when its
// program is within MaxPatternInsts (or it does not compile: that is
// another error).
func PatternTooLarge(pattern string) string {
	n, err := PatternInsts(pattern)
	if err != nil || n <= MaxPatternInsts {
		return ""
	}
	return fmt.Sprintf("pattern compiles to %d regexp instructions; the limit is %d (matching takes time proportional to the input times this number)", n, MaxPatternInsts)
}

// checkPatterns reports the `matches` patterns of e whose program exceeds
// MaxPatternInsts.
func (b *builder) checkPatterns(e *lsyntax.Expr) {
	exprast.Find(e.Root, func(n exprast.Node) bool {
		bn, ok := n.(*exprast.BinaryNode)
		if !ok || bn.Operator != "matches" {
			return false
		}
		if s, ok := bn.Right.(*exprast.StringNode); ok {
			if msg := PatternTooLarge(s.Value); msg != "" {
				b.errorf(diag.LimitPattern, e.RangeOf(bn.Right), "%s", msg)
			}
		}
		return false
	})
}
