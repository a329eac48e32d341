// Package check resolves and type-checks a load set of parsed Charter files.
//
//	prog, ds := check.Check(files)
//	if ds.HasErrors() { ... }
//	club := prog.Community("FanClub")
package check

import (
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
)

// Check resolves extends, merges inherited declarations, type-checks every
// expression and runs the lint checks. It reports every finding; the
// Program is usable only when the list has no errors.
func Check(files []*syntax.File) (*Program, diag.List) {
	c := &checker{prog: &Program{Files: files, byName: map[string]*Community{}}}
	c.run()
	c.diags.Sort()
	return c.prog, c.diags
}

type checker struct {
	prog  *Program
	diags diag.List
}

func (c *checker) run() {}
