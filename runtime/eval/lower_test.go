package eval

import (
	"testing"

	"github.com/expr-lang/expr/ast"

	"github.com/charterlang/charter/lang/check"
)

// scalarTypes are the operand types the lowering tests combine.
var scalarTypes = []check.Type{
	typ(check.Bool), typ(check.Int), typ(check.Role), typ(check.Float),
	typ(check.String), typ(check.Member), typ(check.Time), typ(check.Duration),
}

var binaryOps = []string{
	"==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "**", "^",
	"&&", "||", "and", "or", "contains", "startsWith", "endsWith", "matches",
}

// TestLowerBinaryBuilds checks that every form LowerBinary gives has a
// closure, of the result type the form states: a form added to the
// classification but not to lower fails here.
func TestLowerBinaryBuilds(t *testing.T) {
	for _, op := range binaryOps {
		for _, lt := range scalarTypes {
			for _, rt := range scalarTypes {
				low, msg := LowerBinary(op, lt, rt)
				if low.Op == OpNone {
					if msg == "" {
						t.Errorf("%s %s %s: no form and no message", lt, op, rt)
					}
					continue
				}
				if len(low.In) != 2 {
					t.Errorf("%s %s %s: %d operand types", lt, op, rt, len(low.In))
				}
				l := load(Ref{Kind: RefAttr, Type: lt})
				r := load(Ref{Kind: RefAttr, Type: rt, Index: 1})
				if op == "matches" {
					r = constant(rt, "a")
				}
				n := &ast.BinaryNode{Operator: op}
				x, err := lower(n, low, l, r)
				if err != nil {
					t.Errorf("%s %s %s: form %d: %v", lt, op, rt, low.Op, err)
					continue
				}
				if x.typ != low.Result {
					t.Errorf("%s %s %s: the closure gives a %s, the form says %s", lt, op, rt, x.typ, low.Result)
				}
			}
		}
	}
}

// TestLowering checks the forms chosen for operand types whose form is
// easy to get wrong: mixed numbers read as floats, durations keep their
// type through int arithmetic, duration + time swaps.
func TestLowering(t *testing.T) {
	tInt, tRole, tFloat := typ(check.Int), typ(check.Role), typ(check.Float)
	tTime, tDur, tStr, tMember := typ(check.Time), typ(check.Duration), typ(check.String), typ(check.Member)
	for _, c := range []struct {
		op     string
		l, r   check.Type
		want   Op
		in     [2]check.Type
		result check.Type
	}{
		{"<", tInt, tRole, OpCmpInt, [2]check.Type{tInt, tRole}, tBool},
		{"==", tInt, tFloat, OpCmpFloat, [2]check.Type{tFloat, tFloat}, tBool},
		{"<", tTime, tTime, OpCmpInt, [2]check.Type{tTime, tTime}, tBool},
		{"==", tMember, tMember, OpCmpString, [2]check.Type{tMember, tMember}, tBool},
		{"/", tInt, tInt, OpDivFloat, [2]check.Type{tFloat, tFloat}, tFloat},
		{"**", tInt, tInt, OpPowFloat, [2]check.Type{tFloat, tFloat}, tFloat},
		{"*", tRole, tInt, OpMulInt, [2]check.Type{tRole, tInt}, tInt},
		{"*", tInt, tDur, OpMulInt, [2]check.Type{tInt, tDur}, tDur},
		{"-", tDur, tDur, OpSubInt, [2]check.Type{tDur, tDur}, tDur},
		{"*", tFloat, tInt, OpMulFloat, [2]check.Type{tFloat, tFloat}, tFloat},
		{"+", tDur, tTime, OpAddDurationTime, [2]check.Type{tDur, tTime}, tTime},
		{"-", tTime, tTime, OpSubTimes, [2]check.Type{tTime, tTime}, tDur},
		{"+", tStr, tStr, OpConcat, [2]check.Type{tStr, tStr}, tStr},
	} {
		low, msg := LowerBinary(c.op, c.l, c.r)
		if low.Op != c.want || len(low.In) != 2 || low.In[0] != c.in[0] || low.In[1] != c.in[1] || low.Result != c.result {
			t.Errorf("%s %s %s: %+v (%s), want form %d reading %v giving %s", c.l, c.op, c.r, low, msg, c.want, c.in, c.result)
		}
	}
	for _, c := range []struct {
		op   string
		l, r check.Type
		msg  string
	}{
		{"<", tMember, tMember, "cannot order member and member with <"},
		{"==", tTime, tDur, "cannot compare time with duration"},
		{"%", tFloat, tInt, "operator % needs ints, not float and int"},
		{"*", tDur, tFloat, "a duration multiplies only by an int, not by float"},
		{"+", tStr, tInt, "invalid operation: string + int"},
		{"&&", tBool, tInt, "operator && needs bools, not bool and int"},
		{"matches", tStr, tMember, "operator matches needs strings, not string and member"},
		{"..", tInt, tInt, "operator .. is not supported"},
	} {
		if low, msg := LowerBinary(c.op, c.l, c.r); low.Op != OpNone || msg != c.msg {
			t.Errorf("%s %s %s: form %d, %q; want none, %q", c.l, c.op, c.r, low.Op, msg, c.msg)
		}
	}
	list := func(k check.Kind) check.Type { return check.Type{Kind: check.List, Elem: k} }
	for _, c := range []struct {
		x, list check.Type
		want    Op
		in      check.Type
	}{
		{tRole, list(check.Int), OpInInts, tRole},
		{tDur, list(check.Duration), OpInInts, tDur},
		{tInt, list(check.Float), OpInFloats, tFloat},
		{tFloat, list(check.Int), OpInWidened, tFloat},
		{tStr, list(check.String), OpInStrings, tStr},
	} {
		if low, msg := LowerIn(c.x, c.list); low.Op != c.want || low.In[0] != c.in {
			t.Errorf("%s in %s: %+v (%s), want form %d reading %s", c.x, c.list, low, msg, c.want, c.in)
		}
	}
	if low, msg := LowerIn(tTime, list(check.Int)); low.Op != OpNone || msg != "cannot look for a time in a []int" {
		t.Errorf("time in []int: form %d, %q", low.Op, msg)
	}
	if low, _ := LowerInRange(tFloat); low.Op != OpInRangeFloat {
		t.Errorf("float in lo..hi: form %d", low.Op)
	}
	if low, msg := LowerUnary("-", tRole); low.Op != OpNegInt || low.Result != tInt {
		t.Errorf("-role: %+v (%s), want an int", low, msg)
	}
}

// TestCompileTypedLowering checks that CompileTyped records the form each
// operator and call was compiled in, and that eval compiled the in of a
// non-constant list element by element.
func TestCompileTypedLowering(t *testing.T) {
	f := newFixture(t)
	tree, err := f.check(`(posts > 1 ? posts : reputation) > 2 && posts > reputation && -posts < 0 && posts in [1, comments] && abs(posts) >= 1 && greatest(posts, reputation) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	_, typed, err := CompileTyped(tree.Node, f.scope)
	if err != nil {
		t.Fatal(err)
	}
	var got []Op
	ast.Find(tree.Node, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.BinaryNode, *ast.UnaryNode, *ast.CallNode, *ast.BuiltinNode, *ast.ConditionalNode:
			low, ok := typed.Lowering(n)
			if !ok {
				t.Errorf("%s: no form recorded", n)
			}
			got = append(got, low.Op)
			if low.Op == OpCall && (low.Sig == nil || low.Result != low.Sig.Result) {
				t.Errorf("%s: call form %+v", n, low)
			}
			if low.Op == OpCond && (low.Result != tFloat || low.In[1] != tFloat) {
				t.Errorf("%s: an int branch of a float ?: is read as a %s", n, low.In[1])
			}
		}
		return false
	})
	want := map[Op]bool{OpCmpFloat: true, OpNegInt: true, OpInEach: true, OpCall: true, OpAnd: true, OpCmpInt: true, OpCond: true}
	for op := range want {
		found := false
		for _, g := range got {
			found = found || g == op
		}
		if !found {
			t.Errorf("no node in form %d; recorded %v", op, got)
		}
	}
	if _, ok := typed.Lowering(tree.Node.(*ast.BinaryNode).Right.(*ast.BinaryNode).Left); !ok {
		t.Error("no form for greatest(posts, reputation)")
	}
}
