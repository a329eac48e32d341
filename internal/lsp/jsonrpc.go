package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxMessage bounds the body of one JSON-RPC message: a client that
// announces more is refused rather than given that much memory. Sources
// are at most syntax.MaxFileSize (2 MiB); JSON escaping can double that.
// MaxDocuments and MaxHeld bound what the open documents hold together.
const MaxMessage = 16 << 20

// maxHeaderLine bounds one header line, which the base protocol keeps to
// a name and a number: it must fit the reader's buffer (bufio's default
// is 4096 bytes).
const maxHeaderLine = 1024

// message is a JSON-RPC 2.0 request, notification or response: a request
// has an ID and a Method, a notification only a Method, a response an ID
// and a Result or an Error.
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *respError      `json:"error,omitempty"`
}

func (m *message) isRequest() bool { return len(m.ID) > 0 && m.Method != "" }

// respError is a JSON-RPC error object.
type respError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *respError) Error() string { return e.Message }

// JSON-RPC and LSP error codes.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeInternalError  = -32603
	codeNotInitialized = -32002
	codeRequestFailed  = -32803
)

// readMessage reads one message framed as the base protocol says: header
// lines ending in \r\n, an empty line, then Content-Length bytes of JSON.
// io.EOF means the stream ended cleanly between messages.
func readMessage(r *bufio.Reader) ([]byte, error) {
	length := -1
	first := true
	for {
		// ReadSlice stops when its buffer is full, so that a header line
		// that never ends is not read whole into memory.
		raw, err := r.ReadSlice('\n')
		if len(raw) > maxHeaderLine || errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("header line longer than %d bytes", maxHeaderLine)
		}
		if err != nil {
			if err == io.EOF && first && len(raw) == 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading header: %w", unexpectedEOF(err))
		}
		first = false
		line := strings.TrimRight(string(raw), "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", strings.TrimSpace(value))
			}
			if n > MaxMessage {
				return nil, fmt.Errorf("message of %d bytes is over the limit of %d", n, MaxMessage)
			}
			length = n
		}
	}
	if length < 0 {
		return nil, errors.New("message without Content-Length header")
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading body: %w", unexpectedEOF(err))
	}
	return body, nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// writeMessage frames v as one message.
func writeMessage(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	_, err = w.Write(b.Bytes())
	return err
}
