package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeCommands runs every `go run ./cmd/charter ...` command of the
// README and of each example's README, from the repository root as they
// say, and wants each to succeed: they are what a new user copies first.
// A trailing `# comment` is dropped, and a `> FILE` redirect sends the
// output nowhere.
func TestReadmeCommands(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readmes, err := filepath.Glob(filepath.Join(root, "examples", "*", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readmes = append([]string{filepath.Join(root, "README.md")}, readmes...)
	t.Chdir(root)
	for _, readme := range readmes {
		data, err := os.ReadFile(readme)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, readme)
		cmds := charterCommands(string(data))
		if strings.HasPrefix(rel, "examples") && !strings.Contains(rel, "embed") && len(cmds) == 0 {
			t.Errorf("%s shows no charter command to try", rel)
		}
		for _, cmd := range cmds {
			t.Run(rel+": "+cmd, func(t *testing.T) {
				args := shellWords(t, cmd)
				if args[0] == "serve" {
					// A server runs until stopped: it must listen, and
					// stop cleanly (startServe checks both).
					startServe(t, append(args[1:], "--addr", "127.0.0.1:0"))
					return
				}
				code, _, errOut := charterIn(t, "", args...)
				if code != exitOK {
					t.Errorf("exit %d, stderr:\n%s", code, errOut)
				}
			})
		}
	}
}

// charterCommands finds the `go run ./cmd/charter` commands in the sh
// blocks of a README, continuation lines joined, and returns what follows
// `./cmd/charter` in each.
func charterCommands(text string) []string {
	var out []string
	inBlock := false
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if strings.HasPrefix(line, "```") {
			inBlock = !inBlock && strings.TrimPrefix(line, "```") == "sh"
			continue
		}
		rest, ok := strings.CutPrefix(line, "go run ./cmd/charter ")
		if !inBlock || !ok {
			continue
		}
		for strings.HasSuffix(rest, "\\") && i+1 < len(lines) {
			i++
			rest = strings.TrimSuffix(rest, "\\") + " " + strings.TrimSpace(lines[i])
		}
		if j := strings.Index(rest, " #"); j >= 0 && strings.Count(rest[:j], "'")%2 == 0 {
			rest = rest[:j]
		}
		if j := strings.Index(rest, " > "); j >= 0 && strings.Count(rest[:j], "'")%2 == 0 {
			rest = rest[:j]
		}
		out = append(out, strings.TrimSpace(rest))
	}
	return out
}
