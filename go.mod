module github.com/charterlang/charter

go 1.24

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/expr-lang/expr v1.17.8
)

require github.com/google/go-cmp v0.7.0
