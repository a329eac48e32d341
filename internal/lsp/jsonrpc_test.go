package lsp

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// zeros is a stream of NUL bytes that never ends, as /dev/zero is.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestReadMessageBoundsHeaders: a header line is read only up to
// maxHeaderLine bytes, so that a client that sends one without end (or
// `charter lsp < /dev/zero`) gets an error, not all the memory it asks for.
func TestReadMessageBoundsHeaders(t *testing.T) {
	for name, r := range map[string]io.Reader{
		"endless":       zeros{},
		"one long line": strings.NewReader(strings.Repeat("x", 2000) + "\r\n\r\n{}"),
		"long, no end":  strings.NewReader(strings.Repeat("x", 2000)),
		"just over":     strings.NewReader("Content-Length: 2" + strings.Repeat(" ", maxHeaderLine-18) + "\r\n\r\n{}"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readMessage(bufio.NewReader(r))
			if err == nil || !strings.Contains(err.Error(), "header line longer than 1024 bytes") {
				t.Errorf("err = %v, want the header line refused", err)
			}
		})
	}
	// A line of exactly maxHeaderLine bytes, its \r\n included, is read.
	line := "Content-Length: 2" + strings.Repeat(" ", maxHeaderLine-19) + "\r\n"
	body, err := readMessage(bufio.NewReader(strings.NewReader(line + "\r\n{}")))
	if len(line) != maxHeaderLine || err != nil || string(body) != "{}" {
		t.Errorf("a %d-byte header line: body %q, err %v", len(line), body, err)
	}
	if _, err := readMessage(bufio.NewReader(strings.NewReader(""))); err != io.EOF {
		t.Errorf("an empty stream: err = %v, want io.EOF", err)
	}
}
