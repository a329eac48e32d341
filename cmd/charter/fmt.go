package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/charterlang/charter/lang"
	"github.com/charterlang/charter/lang/format"
	"github.com/charterlang/charter/lang/syntax"
)

func init() {
	register(&command{
		name:    "fmt",
		summary: "rewrite rule files in the canonical layout",
		usage: `usage: charter fmt [-l] [-w] [-d] [PATH...]

Fmt prints Charter files in their canonical layout: two-space indentation,
one declaration per line, aligned columns, canonical spacing inside
expressions, every comment kept (SPEC.md, "Formatting"). A PATH is a file
or a directory, searched recursively for *.charter files (files and
directories whose names begin with "." are skipped). Flags may come before
or after the paths; "--" ends them. With no PATH, fmt reads standard input
and writes standard output.

By default the formatted text goes to standard output. The flags, which
may be combined, do this instead:

  -l  list the files whose formatting differs from the canonical layout
  -w  rewrite those files in place, keeping their permissions
  -d  print a unified diff of the changes for each of those files

A file with syntax errors is never rewritten: its diagnostics go to
standard error as file:line:col: error: message [CODE].

Exit status: 0 success, 1 a file has syntax errors, 2 usage errors or
files that cannot be read or written.
`,
		run: runFmt,
	})
}

type fmtOptions struct {
	list, write, diff bool
	stdout, stderr    io.Writer
}

func runFmt(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := commands["fmt"]
	flags := newFlags(c, stderr)
	o := fmtOptions{stdout: stdout, stderr: stderr}
	flags.BoolVar(&o.list, "l", false, "list files whose formatting differs")
	flags.BoolVar(&o.write, "w", false, "rewrite files in place")
	flags.BoolVar(&o.diff, "d", false, "print diffs")
	paths, code, ok := parseArgs(flags, args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		if o.write {
			fmt.Fprintln(stderr, "charter fmt: cannot use -w with standard input")
			return exitUsage
		}
		src, err := readLimited(stdin)
		if err != nil {
			fmt.Fprintf(stderr, "charter fmt: reading standard input: %v\n", err)
			return exitUsage
		}
		return o.format("<standard input>", src, 0)
	}
	status := exitOK
	for _, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			fmt.Fprintf(stderr, "charter fmt: %v\n", err)
			status = max(status, exitUsage)
			continue
		}
		if !info.IsDir() {
			status = max(status, o.formatFile(path))
			continue
		}
		err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(stderr, "charter fmt: %v\n", err)
				status = max(status, exitUsage)
				return nil
			}
			if d.IsDir() {
				if p != path && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, ".charter") && !strings.HasPrefix(d.Name(), ".") {
				status = max(status, o.formatFile(p))
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "charter fmt: %v\n", err)
			status = max(status, exitUsage)
		}
	}
	return status
}

// readLimited reads at most one byte more than a source file may have, so
// that an endless input cannot exhaust memory; the parser reports the size.
func readLimited(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, syntax.MaxFileSize+1))
}

func (o *fmtOptions) formatFile(path string) int {
	f, info, err := lang.OpenSource(path)
	if err != nil {
		fmt.Fprintf(o.stderr, "charter fmt: %v\n", err)
		return exitUsage
	}
	src, err := readLimited(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(o.stderr, "charter fmt: reading %s: %v\n", path, err)
		return exitUsage
	}
	return o.format(path, src, info.Mode().Perm())
}

// format handles one file's text; perm is the file's permissions, used by -w.
func (o *fmtOptions) format(name string, src []byte, perm fs.FileMode) int {
	out, ds := format.Bytes(name, src)
	if ds.HasErrors() {
		for _, d := range ds.Errors() {
			fmt.Fprintln(o.stderr, d)
		}
		return exitFindings
	}
	if !o.list && !o.write && !o.diff {
		if _, err := o.stdout.Write(out); err != nil {
			fmt.Fprintf(o.stderr, "charter fmt: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	if bytes.Equal(src, out) {
		return exitOK
	}
	if o.list {
		fmt.Fprintln(o.stdout, name)
	}
	if o.write {
		if err := writeFile(name, out, perm); err != nil {
			fmt.Fprintf(o.stderr, "charter fmt: %v\n", err)
			return exitUsage
		}
	}
	if o.diff {
		oldName, newName := name+".orig", name
		if _, err := o.stdout.Write(unifiedDiff(oldName, newName, src, out)); err != nil {
			fmt.Fprintf(o.stderr, "charter fmt: %v\n", err)
			return exitUsage
		}
	}
	return exitOK
}

// writeFile replaces path's content through a temporary file in the same
// directory, renamed over it, so that a failure midway leaves the original
// intact; the new file gets the old one's permissions. When path is a
// symbolic link the file it leads to is replaced, and the link kept.
func writeFile(path string, data []byte, perm fs.FileMode) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := replaceFile(target, data, perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func replaceFile(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, perm)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return err
	}
	return nil
}
