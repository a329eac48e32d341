// Command charter checks, formats, evaluates and tests Charter rule files,
// and compiles them into Go.
//
//	charter check examples/
//	charter fmt -w club.charter
//	charter test examples/
//	charter gen --community FanClub -o fanclub/fanclub.go club.charter
//	charter serve examples/fanclub --community FanClub --snapshot club.json
//
// Each sub-command lives in its own file and registers itself in commands;
// the work is done by the library packages, never here.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit statuses shared by every command.
const (
	exitOK       = 0 // clean
	exitFindings = 1 // errors in rule files, or failing tests
	exitUsage    = 2 // bad flags, unreadable files, malformed input
)

// command is one sub-command.
type command struct {
	name    string
	summary string // one line for `charter --help`
	usage   string // the full text for `charter help NAME`
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return exitOK
		}
		c, ok := commands[args[1]]
		if !ok {
			fmt.Fprintf(stderr, "charter: unknown command %q; run 'charter --help' for the list\n", args[1])
			return exitUsage
		}
		fmt.Fprint(stdout, c.usage)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "charter: unknown command %q; run 'charter --help' for the list\n", args[0])
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Charter checks, formats, evaluates and tests community rule files.\n\nUsage:\n\n\tcharter <command> [arguments]\n\nCommands:\n\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "\t%-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\nRun 'charter help <command>' for a command's flags.\nExit status: 0 clean, 1 findings or failures, 2 usage or I/O errors.\n")
}

// newFlags returns a flag set that reports errors instead of exiting, and
// prints the command's usage text on -h.
func newFlags(c *command, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("charter "+c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, c.usage) }
	return fs
}
