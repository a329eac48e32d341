package lang

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/stdlib"
)

// Ext is the file name extension of Charter source files. Test files end in
// _test.charter and are loaded like any other.
const Ext = ".charter"

// Limits on a load set as a whole (SPEC §13), beside syntax.MaxFileSize
// for each file: a directory of many files each under the file limit must
// not hold the checker to an unbounded amount of text.
const (
	MaxLoadSize  = 8 << 20 // bytes of source in one load set
	MaxLoadFiles = 10000   // files in one load set
)

// LoadSet is the result of loading: every file read, the checked program
// and every diagnostic, sorted by file and position.
type LoadSet struct {
	// Files holds one entry per file read, in the order they were loaded
	// (sorted by name). A file with syntax errors is here with the
	// communities that could be read; a file over the size limit is here
	// with no source and no communities.
	Files []*syntax.File
	// Program is the checked load set of the files that parsed without
	// errors. It is never nil, but usable only when Diags has no errors.
	Program *check.Program
	// Diags holds the diagnostics of every file and of the checker.
	Diags diag.List
}

// Sources returns the text of each loaded file by name, as the diagnostics
// name them; it is what diag.WriteText needs for its excerpts.
func (s *LoadSet) Sources() map[string][]byte {
	m := make(map[string][]byte, len(s.Files))
	for _, f := range s.Files {
		if f.Src != nil {
			m[f.Name] = f.Src
		}
	}
	return m
}

// Load reads the Charter files named by paths. A path may be a file, which
// is loaded whatever its extension, or a directory, which is walked
// recursively for files ending in .charter; directories and files whose
// names begin with "." are skipped below a directory given, but a path given
// explicitly is always read. Files are loaded once each, in name order.
//
// The error is non-nil only when a path does not exist, cannot be read, is
// not a regular file (a named pipe, a socket or a device, whether named or
// found in a directory), or is a directory holding no .charter file.
// Problems in the files themselves are diagnostics in the LoadSet: every
// lexical, syntax and limit error of every file (MaxLoadSize and
// MaxLoadFiles included), then what check.Check reports about the files
// that parsed.
func Load(paths ...string) (*LoadSet, error) {
	if len(paths) == 0 {
		return nil, errors.New("no paths to load")
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range paths {
		var err error
		if names, err = expand(p, seen, names); err != nil {
			return nil, err
		}
	}
	slices.Sort(names)
	if len(names) > MaxLoadFiles {
		return overLimit(nil, tooManyFiles(names)), nil
	}

	files := make([]*syntax.File, 0, len(names))
	var ds diag.List
	total := 0
	for _, name := range names {
		src, size, err := readSource(name)
		if err != nil {
			return nil, err
		}
		if src == nil {
			f, d := tooLarge(name, size)
			files = append(files, f)
			ds = append(ds, d)
			continue
		}
		if total += len(src); total > MaxLoadSize {
			return overLimit(files, tooMuchSource(name, total)), nil
		}
		f, fds := syntax.Parse(name, src)
		files = append(files, f)
		ds = append(ds, fds...)
	}
	return finish(files, ds), nil
}

// Units splits the files paths name (expanded as Load expands them) into
// independent load sets, one per file, for designers who keep unrelated
// variants side by side, each reusing the same community names: a file
// NAME.charter with a NAME_test.charter beside it is one unit with it (the
// test file tests it); any other file is a unit alone. Units come in name
// order. The errors are Load's, and more than MaxLoadFiles files is one too.
func Units(paths ...string) ([][]string, error) {
	if len(paths) == 0 {
		return nil, errors.New("no paths to load")
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range paths {
		var err error
		if names, err = expand(p, seen, names); err != nil {
			return nil, err
		}
	}
	if len(names) > MaxLoadFiles {
		return nil, fmt.Errorf("more than %d files to check", MaxLoadFiles)
	}
	slices.Sort(names)
	paired := map[string]bool{} // test files that go with their subject
	for _, n := range names {
		if base, ok := strings.CutSuffix(n, "_test"+Ext); ok && seen[base+Ext] {
			paired[n] = true
		}
	}
	var units [][]string
	for _, n := range names {
		if paired[n] {
			continue
		}
		unit := []string{n}
		if t := strings.TrimSuffix(n, Ext) + "_test" + Ext; paired[t] {
			unit = append(unit, t)
		}
		units = append(units, unit)
	}
	return units, nil
}

// LoadSources parses and checks in-memory files, keyed by the name their
// diagnostics should carry; files are loaded in name order. It is Load
// without the file system, for tests and for hosts that store rules
// elsewhere.
func LoadSources(sources map[string][]byte) *LoadSet {
	names := make([]string, 0, len(sources))
	for name := range sources {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) > MaxLoadFiles {
		return overLimit(nil, tooManyFiles(names))
	}
	files := make([]*syntax.File, 0, len(names))
	var ds diag.List
	total := 0
	for _, name := range names {
		// A file over syntax.MaxFileSize is refused by Parse unread, so it
		// adds nothing to the text the checker would see.
		if n := len(sources[name]); n <= syntax.MaxFileSize {
			if total += n; total > MaxLoadSize {
				return overLimit(files, tooMuchSource(name, total))
			}
		}
		f, fds := syntax.Parse(name, sources[name])
		files = append(files, f)
		ds = append(ds, fds...)
	}
	return finish(files, ds)
}

// overLimit is the load set of a load that stopped at a load-set limit:
// the files parsed so far are kept for their names, but nothing is checked,
// since a partial load set would only add follow-on errors (a parent in a
// file that was not read looks undeclared).
func overLimit(files []*syntax.File, d diag.Diagnostic) *LoadSet {
	prog, _ := check.Check(nil, Stdlib())
	return &LoadSet{Files: files, Program: prog, Diags: diag.List{d}}
}

// tooManyFiles is CH0011 at 1:1 of the first file beyond MaxLoadFiles.
func tooManyFiles(names []string) diag.Diagnostic {
	p := diag.Pos{Filename: names[MaxLoadFiles], Line: 1, Column: 1}
	return diag.Diagnostic{Severity: diag.Error, Code: diag.LimitLoad, Range: diag.Range{Start: p, End: p},
		Message: fmt.Sprintf("load set has more files than the limit of %d", MaxLoadFiles)}
}

// tooMuchSource is CH0011 at 1:1 of the file that takes the load set past
// MaxLoadSize; total counts the bytes up to and including it.
func tooMuchSource(name string, total int) diag.Diagnostic {
	p := diag.Pos{Filename: name, Line: 1, Column: 1}
	return diag.Diagnostic{Severity: diag.Error, Code: diag.LimitLoad, Range: diag.Range{Start: p, End: p},
		Message: fmt.Sprintf("load set has %d bytes of source up to this file; the limit is %d", total, MaxLoadSize)}
}

// finish checks the files that parsed cleanly: a partly read file would
// only add confusing follow-on errors (names declared after the syntax
// error would look undeclared).
func finish(files []*syntax.File, ds diag.List) *LoadSet {
	bad := map[string]bool{}
	for _, d := range ds {
		if d.Severity == diag.Error {
			bad[d.Range.Start.Filename] = true
		}
	}
	var good []*syntax.File
	for _, f := range files {
		if !bad[f.Name] {
			good = append(good, f)
		}
	}
	prog, cds := check.Check(good, Stdlib())
	ds = append(ds, cds...)
	ds.Sort()
	return &LoadSet{Files: files, Program: prog, Diags: ds}
}

// expand appends to names the files path names that are not in seen yet:
// path itself when it is not a directory, the .charter files below it when
// it is. It stops walking once names holds more than MaxLoadFiles, which
// is enough to know the load set is over the limit; counting only names
// not seen, a path given twice (or a directory and one below it) cannot
// stop the walk short of files never listed.
func expand(path string, seen map[string]bool, names []string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			names = append(names, p)
		}
	}
	if !info.IsDir() {
		add(path)
		return names, nil
	}
	found := false
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), Ext) {
			found = true
			if add(p); len(names) > MaxLoadFiles {
				return filepath.SkipAll
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("no %s files in %s", Ext, path)
	}
	return names, nil
}

// OpenSource opens the source file name, following symbolic links, and
// refuses anything but a regular file: opening a named pipe blocks until
// a writer comes, and a device such as /dev/zero never ends. The mode is
// looked at before opening for that reason, and again on the opened file
// in case name was replaced in between.
func OpenSource(name string) (*os.File, fs.FileInfo, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if err := regular(name, info); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err = f.Stat()
	if err == nil {
		err = regular(name, info)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

func regular(name string, info fs.FileInfo) error {
	m := info.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("read %s: is a directory", name)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("read %s: is a named pipe, not a regular file", name)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("read %s: is a socket, not a regular file", name)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("read %s: is a device, not a regular file", name)
	}
	return fmt.Errorf("read %s: not a regular file (mode %s)", name, m)
}

// readSource reads a file of at most syntax.MaxFileSize bytes. For a larger
// file it returns a nil slice and the size without reading the rest, so
// that a huge file costs no memory.
func readSource(name string) ([]byte, int64, error) {
	f, info, err := OpenSource(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	if info.Size() > syntax.MaxFileSize {
		return nil, info.Size(), nil
	}
	src, err := io.ReadAll(io.LimitReader(f, syntax.MaxFileSize+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", name, err)
	}
	if len(src) > syntax.MaxFileSize { // it grew since Stat
		return nil, -1, nil
	}
	if src == nil {
		src = []byte{} // an empty file has a source: nil means "too large"
	}
	return src, int64(len(src)), nil
}

// tooLarge is the file and diagnostic for a file over the size limit; the
// text matches what syntax.Parse says of a large source in memory.
func tooLarge(name string, size int64) (*syntax.File, diag.Diagnostic) {
	p := diag.Pos{Filename: name, Line: 1, Column: 1}
	f := &syntax.File{Name: name}
	f.Pos, f.EndPos = p, p
	d := diag.Diagnostic{Severity: diag.Error, Code: diag.LimitFile, Range: diag.Range{Start: p, End: p}}
	if size >= 0 {
		d.Message = fmt.Sprintf("file is %d bytes; the limit is %d", size, syntax.MaxFileSize)
	} else {
		d.Message = fmt.Sprintf("file is more than %d bytes; the limit is %d", syntax.MaxFileSize, syntax.MaxFileSize)
	}
	return f, d
}

// Stdlib is the check option that declares Charter's standard library:
// the functions every expression may call and the pieces `use std.NAME`
// mixes in.
func Stdlib() check.Option {
	names := make([]string, len(stdlib.Functions))
	for i, f := range stdlib.Functions {
		names[i] = f.Name
	}
	funcs := check.WithFunctions(names, stdlib.ExprOptions()...)
	sigs := check.WithSignatures(func(name string) []string {
		f, ok := stdlib.Lookup(name)
		if !ok {
			return nil
		}
		// Overloads that differ only in a list's element type read as one,
		// []T: len(l []T) int, not six forms of it.
		var out []string
		for i := range f.Sigs {
			sig := listOfAny.ReplaceAllString(f.Sigs[i].String(name), "[]T")
			if !slices.Contains(out, sig) {
				out = append(out, sig)
			}
		}
		return out
	})
	pieces := check.WithPieces(stdPiece)
	return func(c *check.Config) {
		funcs(c)
		sigs(c)
		pieces(c)
	}
}

var listOfAny = regexp.MustCompile(`\[\](int|float|string|bool|time|duration)\b`)

var (
	piecesOnce   sync.Once
	parsedPieces map[string]*syntax.File
)

// stdPiece returns the parsed standard piece called name. Pieces are
// parsed once per process; they are part of the binary and never change.
func stdPiece(name string) (*syntax.File, bool) {
	piecesOnce.Do(func() {
		parsedPieces = map[string]*syntax.File{}
		for _, n := range stdlib.PieceNames() {
			filename, src, _ := stdlib.Piece(n)
			f, ds := syntax.Parse(filename, src)
			if len(ds) == 0 {
				parsedPieces[n] = f
			}
		}
	})
	f, ok := parsedPieces[name]
	return f, ok
}
