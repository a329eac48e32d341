package lsp

import (
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/check"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/lang/syntax"
	"github.com/charterlang/charter/runtime"
)

// maxWalk bounds the directory entries looked at to find a load set: a
// .charter file opened in a home directory must not walk the whole disk.
const maxWalk = 50000

// A workspace maps each open document to its load set. The load set of a
// file is the directory holding it, walked as `charter check DIR` walks it,
// with the open documents' text in place of what is on disk. A document
// that is not a file (an untitled buffer) is a load set on its own.
type workspace struct {
	s    *Server
	sets map[string]*analysis // by key: a directory, or "untitled:" URI
	disk map[string]diskFile  // files read from disk, by name
	// diskHeld is the bytes the disk cache holds, at most MaxHeld: the
	// load sets of closed documents leave their files in it, so that a
	// client opening and closing documents across directories would
	// otherwise grow it with every directory.
	diskHeld int64
}

type diskFile struct {
	size    int64
	modTime int64
	src     []byte // nil when over syntax.MaxFileSize
}

func newWorkspace(s *Server) *workspace {
	return &workspace{s: s, sets: map[string]*analysis{}, disk: map[string]diskFile{}}
}

func (w *workspace) forgetDisk() { w.disk, w.diskHeld = map[string]diskFile{}, 0 }

// keyOf is the key of the load set holding the file name.
func (w *workspace) keyOf(name string) string {
	if !filepath.IsAbs(name) {
		return "untitled:" + name
	}
	return filepath.Dir(name)
}

// analysis is a loaded, checked load set.
type analysis struct {
	key   string
	texts map[string]*text // every file of the load set, by name
	ls    *lang.LoadSet
	// diags are the load set's diagnostics with what the compiler
	// rejects, as `charter check` reports them.
	diags diag.List
	// prog is the compiled program; nil when the load set has errors.
	prog *runtime.Program
	// model is the checked program hover, completion and the other
	// questions about names use: the load set's own, or, when a file has
	// syntax errors, one checked from every file with whatever parsed of
	// the broken ones, so that a half-typed file still has names.
	model *check.Program
	idx   *index
	// walkCut is set when the directory walk stopped at maxWalk.
	walkCut bool
}

// get returns the analysis of the load set holding the file name.
func (w *workspace) get(name string) *analysis {
	key := w.keyOf(name)
	if a, ok := w.sets[key]; ok {
		return a
	}
	a := w.load(key, name)
	w.sets[key] = a
	return a
}

func (w *workspace) load(key, name string) *analysis {
	a := &analysis{key: key, texts: map[string]*text{}}
	srcs := map[string][]byte{}
	if strings.HasPrefix(key, "untitled:") {
		if d, ok := w.s.docs[name]; ok {
			srcs[name] = d.text.src
		}
	} else {
		for _, f := range w.walk(key, a) {
			if src, ok := w.read(f); ok {
				srcs[f] = src
			}
		}
		for n, d := range w.s.docs {
			if strings.HasSuffix(n, lang.Ext) && inLoadSet(key, n) {
				srcs[n] = d.text.src
			}
		}
		if d, ok := w.s.docs[name]; ok {
			srcs[name] = d.text.src // opened whatever its extension
		}
	}
	for n, src := range srcs {
		a.texts[n] = newText(src)
	}
	a.ls = lang.LoadSources(srcs)
	a.diags = a.ls.Diags
	if !a.diags.HasErrors() {
		prog, err := runtime.Compile(a.ls.Program)
		var ds diag.List
		switch {
		case err == nil:
			a.prog = prog
		case asList(err, &ds):
			a.diags = append(slices.Clone(a.diags), ds...)
			a.diags.Sort()
		default:
			a.diags = append(slices.Clone(a.diags), diag.Diagnostic{Severity: diag.Error, Code: diag.ExprError,
				Range: diag.Range{Start: diag.Pos{Filename: name, Line: 1, Column: 1}}, Message: err.Error()})
		}
	}
	a.model = a.ls.Program
	if len(a.ls.Program.Files) < len(a.ls.Files) {
		a.model = tolerantModel(a.mended(), a.model)
	}
	return a
}

// mended returns the load set's files with each file that has lexical
// errors parsed again with the lines of the bad tokens blanked out: a
// string still being typed (unterminated) otherwise leaves the parser
// nothing of the file. Blanking keeps every offset, so positions hold in
// the real text.
func (a *analysis) mended() []*syntax.File {
	bad := map[string][]diag.Range{}
	for _, d := range a.ls.Diags {
		switch d.Code {
		case diag.Lex, diag.LimitLine, diag.Encoding:
			bad[d.Range.Start.Filename] = append(bad[d.Range.Start.Filename], d.Range)
		}
	}
	files := slices.Clone(a.ls.Files)
	for i, f := range files {
		rs, ok := bad[f.Name]
		if !ok || f.Src == nil {
			continue
		}
		src := slices.Clone(f.Src)
		for _, r := range rs {
			// The whole lines: half a statement would stop the parser.
			start := max(0, min(r.Start.Offset, len(src)))
			end := max(start, min(r.End.Offset, len(src)))
			for start > 0 && src[start-1] != '\n' {
				start--
			}
			for end < len(src) && src[end] != '\n' {
				end++
			}
			for j := start; j < end; j++ {
				src[j] = ' '
			}
		}
		files[i], _ = syntax.Parse(f.Name, src)
	}
	return files
}

// tolerantModel checks every file, broken ones with what parsed of them.
// Its diagnostics are not shown (the broken file's syntax errors are), and
// a checker that trips on a half-read file leaves the load set's model.
func tolerantModel(files []*syntax.File, fallback *check.Program) (model *check.Program) {
	defer func() {
		if recover() != nil {
			model = fallback
		}
	}()
	prog, _ := check.Check(files, lang.Stdlib())
	return prog
}

// walk lists the .charter files below dir as lang.Load finds them.
func (w *workspace) walk(dir string, a *analysis) []string {
	var out []string
	seen := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if seen++; seen > maxWalk {
			a.walkCut = true
			return filepath.SkipAll
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), lang.Ext) {
			out = append(out, p)
			if len(out) > lang.MaxLoadFiles {
				return filepath.SkipAll
			}
		}
		return nil
	})
	return out
}

// inLoadSet reports whether a walk of the directory key finds the file
// name: it lies below key, and no directory between them nor the file
// itself has a name beginning with ".".
func inLoadSet(key, name string) bool {
	if strings.HasPrefix(key, "untitled:") {
		return key == "untitled:"+name
	}
	rel, err := filepath.Rel(key, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return false
	}
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}

// read returns a file's source from disk, cached while its size and
// modification time stay the same. A file that cannot be read, or is not
// a regular file, is left out of the load set, as an editor shows no
// diagnostics for what it cannot open either; one over the size limit is
// given as it is, so that LoadSources reports CH0004 for it.
func (w *workspace) read(name string) ([]byte, bool) {
	info, err := os.Stat(name)
	if err != nil || !info.Mode().IsRegular() {
		return nil, false
	}
	if c, ok := w.disk[name]; ok && c.size == info.Size() && c.modTime == info.ModTime().UnixNano() && c.src != nil {
		return c.src, true
	}
	f, info, err := lang.OpenSource(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, syntax.MaxFileSize+1))
	if err != nil {
		return nil, false
	}
	if len(src) <= syntax.MaxFileSize {
		if old, ok := w.disk[name]; ok {
			w.diskHeld -= int64(len(old.src))
		}
		// Dropping a cache costs only reading the files again.
		if w.diskHeld+int64(len(src)) > MaxHeld {
			w.forgetDisk()
		}
		w.disk[name] = diskFile{size: info.Size(), modTime: info.ModTime().UnixNano(), src: src}
		w.diskHeld += int64(len(src))
	}
	return src, true
}

func asList(err error, ds *diag.List) bool {
	l, ok := err.(diag.List)
	if ok {
		*ds = l
	}
	return ok
}

// fileName is the load-set name of a document: its path for a file: URI,
// the URI itself otherwise.
func fileName(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return uri
	}
	return filepath.FromSlash(u.Path)
}

// uriOf is the URI of a load-set file: the one the client opened it by,
// or a file: URI made from its path.
func (s *Server) uriOf(name string) string {
	if d, ok := s.docs[name]; ok {
		return d.uri
	}
	if !filepath.IsAbs(name) {
		return name
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(name)}).String()
}
