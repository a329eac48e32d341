// Package lang loads Charter rule files: it finds the .charter files under
// the paths it is given, parses each one and checks them together as one
// load set, so that a community may extend one declared in another file.
//
//	ls, err := lang.Load("examples/")
//	if err != nil {
//		return err // a path that does not exist or cannot be read
//	}
//	diag.WriteText(os.Stderr, ls.Diags, ls.Sources())
//	if ls.Diags.HasErrors() {
//		return ls.Diags
//	}
//	club := ls.Program.Community("FanClub")
//
// The parts live in sub-packages: lang/syntax reads one file, lang/check
// resolves and type-checks a load set, lang/diag reports what they find.
package lang
