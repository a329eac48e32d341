package diag

// Code is a stable identifier of a kind of diagnostic. Codes never change
// meaning; SPEC.md lists every one with an example.
type Code string

// Syntax and limits.
const (
	Lex           Code = "CH0001" // a character, string, number or duration that cannot be read
	Syntax        Code = "CH0002" // tokens that do not form a declaration
	ExprSyntax    Code = "CH0003" // an expression expr-lang cannot parse
	LimitFile     Code = "CH0004" // file larger than MaxFileSize
	LimitDepth    Code = "CH0005" // brackets nested deeper than MaxDepth
	LimitNodes    Code = "CH0006" // an expression with more than MaxExprNodes nodes
	LimitDecls    Code = "CH0007" // more than MaxDecls declarations in a load set
	LimitTests    Code = "CH0008" // more than MaxTests test blocks in a load set
	LimitLine     Code = "CH0009" // a token longer than MaxTokenLen
	Encoding      Code = "CH0010" // invalid UTF-8 or a NUL byte
	LimitLoad     Code = "CH0011" // a load set over MaxLoadSize bytes or MaxLoadFiles files
	LimitTestWork Code = "CH0012" // the tests of one file join more than MaxTestMembers members or run more than MaxTestSteps steps
	LimitPattern  Code = "CH0013" // a matches pattern whose program exceeds MaxPatternInsts
	LimitTotal    Code = "CH0014" // more than MaxTotalDecls declarations counting inherited ones
)

// Names, declarations and types.
const (
	DupCommunity    Code = "CH0100" // two communities with one name
	UnknownParent   Code = "CH0101" // extends names no community
	ExtendsCycle    Code = "CH0102" // communities extend each other in a cycle
	Duplicate       Code = "CH0103" // a name declared twice in one community
	UnknownName     Code = "CH0104" // an expression names nothing in scope
	UnknownAction   Code = "CH0105" // a rule, effect or test names no action
	UnknownType     Code = "CH0106" // an attribute or parameter type that does not exist
	TypeMismatch    Code = "CH0107" // an expression of the wrong type
	BadOtherwise    Code = "CH0108" // otherwise missing, repeated, or not last in roles
	BadEffect       Code = "CH0109" // an assignment Charter cannot carry out
	BadMeasure      Code = "CH0110" // aggregate misuse in or outside goal measures
	BadWhen         Code = "CH0111" // a when condition or body that is not allowed
	BadCount        Code = "CH0112" // a count or duration that is not positive
	BadTest         Code = "CH0113" // a test that names unknown things or gives wrong values
	BadSanction     Code = "CH0114" // a sanction that is malformed
	Reserved        Code = "CH0115" // a declaration uses a reserved name
	BadAdmit        Code = "CH0116" // admit in a community that extends nothing, or twice
	MissingPart     Code = "CH0117" // a required part of a declaration is missing
	Override        Code = "CH0118" // (warning) a child community overrides a parent declaration
	BadTarget       Code = "CH0119" // a goal target that is not a number comparison
	ExprError       Code = "CH0120" // any other expr-lang checker error
	BadDefault      Code = "CH0121" // an attribute default of the wrong type or not constant
	GoNameClash     Code = "CH0122" // charter gen: two declarations would get one Go name
	BadCall         Code = "CH0123" // a call written as text whose arguments do not fit its action
	BadText         Code = "CH0124" // a text placeholder that names a goal field other than target
	RequiredDefault Code = "CH0125" // a required attribute with a default
	BadWindow       Code = "CH0126" // an unknown calendar period or time zone
	LetInLadder     Code = "CH0127" // a rung reads a named condition that reads the role or a badge
	BadTaken        Code = "CH0128" // a taken(action, D) count that is malformed, misplaced or not compared with a whole number
	BadHas          Code = "CH0129" // a has(attr) whose argument is not an attribute of the member that records may give
)

// Lint findings (warnings).
const (
	UnusedAttr        Code = "CH0200" // an attribute nothing reads
	UnusedAction      Code = "CH0201" // an action no rule mentions
	UnreachableRole   Code = "CH0202" // a role that can never be held
	DupCondition      Code = "CH0203" // the same condition twice in one list
	ConstCondition    Code = "CH0204" // a condition that is always true or always false
	PointlessMay      Code = "CH0205" // a may with no condition under default allow
	UnboundedTransfer Code = "CH0206" // an effect moves a quantity between members by a parameter no rule bounds below
	NoAudience        Code = "CH0207" // a standard piece's nudge goes to a badge the community never redeclares
	UnsetTime         Code = "CH0208" // a time attribute neither required nor defaulted, read against the clock
	HasRequired       Code = "CH0209" // has(attr) of a required attribute, always true
)

// CodeInfo describes a code for catalogues (SARIF rules, SPEC.md).
type CodeInfo struct {
	Code     Code
	Severity Severity
	Title    string
}

// Catalogue lists every code with its default severity and a one-line title.
var Catalogue = []CodeInfo{
	{Lex, Error, "malformed token"},
	{Syntax, Error, "syntax error"},
	{ExprSyntax, Error, "expression syntax error"},
	{LimitFile, Error, "file too large"},
	{LimitDepth, Error, "nesting too deep"},
	{LimitNodes, Error, "expression too large"},
	{LimitDecls, Error, "too many declarations"},
	{LimitTests, Error, "too many tests"},
	{LimitLine, Error, "token too long"},
	{Encoding, Error, "invalid encoding"},
	{LimitLoad, Error, "load set too large"},
	{LimitTestWork, Error, "tests too large"},
	{LimitPattern, Error, "pattern too large"},
	{LimitTotal, Error, "too many declarations with inherited ones"},
	{DupCommunity, Error, "duplicate community"},
	{UnknownParent, Error, "unknown parent community"},
	{ExtendsCycle, Error, "extends cycle"},
	{Duplicate, Error, "duplicate declaration"},
	{UnknownName, Error, "unknown name"},
	{UnknownAction, Error, "unknown action"},
	{UnknownType, Error, "unknown type"},
	{TypeMismatch, Error, "type mismatch"},
	{BadOtherwise, Error, "misplaced otherwise"},
	{BadEffect, Error, "invalid effect"},
	{BadMeasure, Error, "invalid measure"},
	{BadWhen, Error, "invalid when block"},
	{BadCount, Error, "count or duration not positive"},
	{BadTest, Error, "invalid test"},
	{BadSanction, Error, "invalid sanction"},
	{Reserved, Error, "reserved name"},
	{BadAdmit, Error, "invalid admit"},
	{MissingPart, Error, "missing part"},
	{Override, Info, "override of parent declaration"},
	{BadTarget, Error, "invalid goal target"},
	{ExprError, Error, "invalid expression"},
	{BadDefault, Error, "invalid attribute default"},
	{GoNameClash, Error, "Go name clash (charter gen)"},
	{BadCall, Error, "invalid action call"},
	{BadText, Error, "invalid text placeholder"},
	{RequiredDefault, Error, "required attribute with a default"},
	{BadWindow, Error, "invalid calendar window or time zone"},
	{LetInLadder, Error, "named condition the ladder cannot read"},
	{BadTaken, Error, "invalid count over a window"},
	{BadHas, Error, "invalid has"},
	{UnusedAttr, Warning, "unused attribute"},
	{UnusedAction, Warning, "action without rules"},
	{UnreachableRole, Warning, "unreachable role"},
	{DupCondition, Warning, "duplicate condition"},
	{ConstCondition, Warning, "constant condition"},
	{PointlessMay, Warning, "pointless may"},
	{UnboundedTransfer, Warning, "transfer by an unbounded parameter"},
	{NoAudience, Warning, "piece message without audience"},
	{UnsetTime, Warning, "time attribute read against the clock without a value"},
	{HasRequired, Warning, "has of a required attribute"},
}
