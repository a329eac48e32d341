package syntax

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/charterlang/charter/internal/hostile"
	"github.com/charterlang/charter/lang/diag"
)

// corpus returns every .charter file of the module, the inputs kept by
// the fuzz targets that read source, and small versions of the hostile
// shapes, by name.
func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "../.." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".charter") {
			return nil
		}
		src, err := os.ReadFile(path)
		out[path] = src
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := filepath.Glob("../../fuzz/testdata/fuzz/Fuzz*/*")
	for _, path := range kept {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// go test fuzz v1, then one []byte("...") per argument.
		for _, line := range strings.Split(string(data), "\n") {
			if q, ok := strings.CutPrefix(line, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					out[path] = []byte(s)
				}
			}
		}
	}
	for _, s := range []hostile.Shape{
		{Name: "chain", Src: hostile.Chain(50, 10)},
		{Name: "chaindecl", Src: hostile.ChainDeclaring(50, 10)},
		{Name: "star", Src: hostile.Star(50, 10)},
		{Name: "widechain", Src: hostile.WideChain(2, 3)},
		{Name: "nearmiss", Src: hostile.Attrs(60, 9, true)},
		{Name: "params", Src: hostile.Params(60, 30)},
		{Name: "attrschain", Src: hostile.AttrsChain(60, 9, 3)},
		{Name: "rungs", Src: hostile.Rungs(50)},
		{Name: "diags", Src: hostile.UnusedAttrs(50)},
	} {
		out["hostile "+s.Name] = s.Src
	}
	return out
}

// agree parses src with participle alone and as Parse does, and reports
// how they differ: the same file (tree, positions, comments) and the same
// diagnostics, and descent reading every file that participle parses
// without a syntax error. It returns whether descent read the file.
// It also holds countTokens to the tokens of any file that lexes.
func agree(t *testing.T, name string, src []byte) bool {
	t.Helper()
	want, wantDs := parse(name, src, true)
	got, gotDs := Parse(name, src)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: descent's tree differs from participle's (-participle +descent):\n%s", name,
			cmp.Diff(want, got, cmp.Exporter(func(reflect.Type) bool { return true })))
	}
	text, toks, lexDs := lex(name, src)
	if len(lexDs) > 0 || len(src) > MaxFileSize {
		if !reflect.DeepEqual(gotDs, wantDs) {
			t.Fatalf("%s: diagnostics differ:\nparticiple: %v\ndescent:    %v", name, wantDs, gotDs)
		}
		return false
	}
	// The one difference allowed: a syntax error participle reports at a
	// declaration's first word moves to the token descent gave up at.
	_, _, stop := parseFile(text, toks, want.EndPos)
	var moved diag.List
	for _, d := range wantDs {
		if d.Code == diag.Syntax {
			d = atOffendingToken(d, stop)
		}
		moved = append(moved, d)
	}
	moved.Sort()
	if !reflect.DeepEqual(gotDs, moved) {
		t.Fatalf("%s: diagnostics differ:\nparticiple (moved): %v\ndescent:    %v", name, moved, gotDs)
	}
	// Lex sizes its token slice by countTokens: never too small (the
	// slice is then never grown), at most about twice the tokens.
	if n := countTokens(strings.TrimPrefix(text, "\uFEFF")); n < len(toks) || n > 2*len(toks)+16 {
		t.Fatalf("%s: counted %d tokens, Lex made %d", name, n, len(toks))
	}
	_, ok, _ := parseFile(text, toks, want.EndPos)
	syntaxErr := false
	for _, d := range wantDs {
		syntaxErr = syntaxErr || d.Code == diag.Syntax || d.Code == diag.LimitDepth
	}
	if !ok && !syntaxErr {
		t.Fatalf("%s: participle parses the file and descent gives up on it:\n%s", name, src)
	}
	if ok && syntaxErr {
		t.Fatalf("%s: descent reads a file participle reports a syntax error in: %v", name, wantDs)
	}
	return ok
}

// TestDescentAgrees: descent builds participle's tree, positions
// included, for every file of the corpus, and for each of them with one
// token left out, or cut short after a token, at a dozen places:
// files that mostly do not parse, where descent must give up and leave
// the diagnostics to participle, and some that still do.
func TestDescentAgrees(t *testing.T) {
	read, gaveUp := 0, 0
	for name, src := range corpus(t) {
		agree(t, name, src)
		toks, ds := Lex(name, src)
		if len(ds) > 0 || len(toks) == 0 {
			continue
		}
		step := max(1, len(toks)/12)
		for i := 0; i < len(toks); i += step {
			tk := toks[i]
			end := tk.Pos.Offset + len(tk.Value)
			var cut bytes.Buffer
			cut.Write(src[:tk.Pos.Offset])
			cut.Write(src[end:])
			for _, variant := range [][]byte{cut.Bytes(), src[:end]} {
				if agree(t, name+" (changed)", variant) {
					read++
				} else {
					gaveUp++
				}
			}
		}
	}
	t.Logf("changed files: descent read %d, gave %d up to participle", read, gaveUp)
	if read == 0 || gaveUp == 0 {
		t.Errorf("changed files: %d read, %d given up: the variants do not test both ways", read, gaveUp)
	}
}

// FuzzDescentAgrees holds descent to participle's tree and diagnostics
// on any input, while both parsers exist.
//
//	go test ./lang/syntax -fuzz FuzzDescentAgrees -fuzztime 60s
func FuzzDescentAgrees(f *testing.F) {
	for _, src := range corpus(f) {
		if len(src) <= 4096 {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		agree(t, "fuzz.charter", src)
	})
}
