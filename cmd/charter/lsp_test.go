package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func frame(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}

// TestLSP runs the sub-command as an editor would start it: a session of
// initialize, a document, shutdown and exit. (Diagnostics wait for the
// client to pause, which this one never does: internal/lsp tests them.)
func TestLSP(t *testing.T) {
	in := frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`) +
		frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:a","languageId":"charter","version":1,"text":"community A { may post }"}}}`) +
		frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`) +
		frame(`{"jsonrpc":"2.0","method":"exit"}`)
	var out, errOut bytes.Buffer
	if code := run([]string{"lsp", "--stdio"}, strings.NewReader(in), &out, &errOut); code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	for _, want := range []string{`"positionEncoding":"utf-16"`, `"id":2,"jsonrpc":"2.0","result":null`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
	// Input that ends without shutdown is exit status 1; an argument is a
	// usage error.
	if code := run([]string{"lsp"}, strings.NewReader(""), &out, &errOut); code != exitFindings {
		t.Errorf("empty input: exit %d, want %d", code, exitFindings)
	}
	errOut.Reset()
	if code := run([]string{"lsp", "x"}, strings.NewReader(""), &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), `unexpected argument "x"`) {
		t.Errorf("argument: exit %d, %q", code, errOut.String())
	}
}
