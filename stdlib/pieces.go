package stdlib

import (
	"embed"
	"path"
	"sort"
	"strings"
)

// pieceFiles are the reusable community pieces: `use std.NAME` in a
// community mixes in the community NAME declared by pieces/NAME.charter.
//
//go:embed pieces/*.charter
var pieceFiles embed.FS

// Piece returns the source of the standard piece called name ("dunbar"
// for `use std.dunbar`) and the file name its positions use.
func Piece(name string) (filename string, src []byte, ok bool) {
	src, err := pieceFiles.ReadFile("pieces/" + name + ".charter")
	if err != nil {
		return "", nil, false
	}
	return "std/" + name + ".charter", src, true
}

// PieceNames lists the standard pieces, sorted.
func PieceNames() []string {
	entries, _ := pieceFiles.ReadDir("pieces")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
	}
	sort.Strings(out)
	return out
}
