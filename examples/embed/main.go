// Command embed serves a Charter community over HTTP from a Go program:
// it compiles a rules file once, keeps the community's live state in
// memory, and mounts runtime/serve's JSON handler over it, the handler
// `charter serve` runs. A host adds its own handlers beside it, or wraps
// it with its authentication.
//
// Run it from the repository root:
//
//	go run ./examples/embed -rules examples/fanclub/fanclub.charter -addr 127.0.0.1:8080
//
// Some endpoints (SPEC.md §17.9 has them all):
//
//	POST /members  {"id": "alice", "attributes": {"reputation": 10}}
//	POST /actions  {"member": "alice", "action": "post", "args": {"length": 120, "topic": "x"}, "at": "2026-01-15T09:00:00Z"}
//	GET  /goals?at=2026-01-15T09:00:00Z
//
// Unlike charter serve, this host gives the handler no clock: every
// question carries its time, and a request without "at" is refused rather
// than answered for "now". Refused requests are answered with
// {"error": "..."} and a status code.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/serve"
)

func main() {
	rules := flag.String("rules", "examples/fanclub/fanclub.charter", "the Charter file or directory to compile (relative to the working directory)")
	name := flag.String("community", "FanClub", "the community to serve")
	addr := flag.String("addr", "127.0.0.1:8080", "the address to listen on")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "embed: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	club, err := load(*rules, *name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "embed: %v\n", err)
		os.Exit(1)
	}
	s, err := newServer(club)
	if err != nil {
		fmt.Fprintf(os.Stderr, "embed: %v\n", err)
		os.Exit(1)
	}
	log.Printf("serving %s from %s on http://%s", club.Name, *rules, *addr)
	log.Fatal(s.Server(*addr).ListenAndServe()) // the handler's timeouts and limits
}

// load compiles the rules at path and returns the community called name.
func load(path, name string) (*runtime.Community, error) {
	prog, err := runtime.CompileFiles(path)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", path, err)
	}
	c := prog.Community(name)
	if c == nil {
		var names []string
		for _, c := range prog.Communities() {
			names = append(names, c.Name)
		}
		return nil, fmt.Errorf("%s has no community %q (it has %s)", path, name, strings.Join(names, ", "))
	}
	return c, nil
}

// server is the HTTP face of one community's live state: the handler,
// and the state the host keeps for its own use (reading members, taking
// snapshots).
type server struct {
	*serve.Handler
	club  *runtime.Community
	state *runtime.State
}

func newServer(club *runtime.Community) (*server, error) {
	// The state's clock only bounds how far ahead a client may date an
	// action (one dated years ahead would hold a history slot until then);
	// the handler has none, so answers read only the "at" each request gives.
	state := runtime.NewState(club, runtime.Clock(time.Now))
	h, err := serve.New(state, serve.Config{})
	if err != nil {
		return nil, err
	}
	return &server{Handler: h, club: club, state: state}, nil
}
