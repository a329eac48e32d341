package arith

import _ "embed"

// Source is arith.go, which charter gen copies function by function into
// the packages it generates.
//
//go:embed arith.go
var Source []byte
