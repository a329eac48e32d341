// Package lsp is Charter's language server: `charter lsp` serves it on
// standard input and output to editors (SPEC.md §17.8).
//
//	if err := lsp.NewServer(os.Stdin, os.Stdout).Run(); err != nil {
//		return err // lsp.ErrNoShutdown: the client went away without shutdown
//	}
//
// It is a client of the front end like the rest of the CLI: diagnostics
// are runtime.Load's, formatting is lang/format's, tests run through
// runtime/chartertest, and hover, definition, references, completion and
// rename read the checked model of lang/check. JSON-RPC is spoken over the
// standard library (jsonrpc.go); only the LSP types the server uses are
// declared (protocol.go).
//
// Each open file belongs to a load set, the directory holding it
// (workspace.go); a change drops the load sets that hold the file, and
// the next question loads them again. The index (index.go) lists every
// name of a load set's model with the symbol it stands for, which
// navigate.go, complete.go and rename.go answer from.
package lsp
