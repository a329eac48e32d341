// Package lang loads Charter rule files: it finds the .charter files under
// the paths it is given, parses each one and checks them together as one
// load set, so that a community may extend one declared in another file.
//
//	ls, err := lang.Load("examples/")
//	if err != nil {
//		return nil, err // a path that does not exist or cannot be read
//	}
//	if err := diag.WriteText(os.Stderr, ls.Diags, ls.Sources()); err != nil {
//		return nil, err
//	}
//	if ls.Diags.HasErrors() {
//		return nil, ls.Diags
//	}
//	return ls.Program.Community("FanClub"), nil
//
// ExampleLoad and ExampleLoadSources run it.
//
// The parts live in sub-packages: lang/syntax reads one file, lang/check
// resolves and type-checks a load set, lang/diag reports what they find.
package lang
