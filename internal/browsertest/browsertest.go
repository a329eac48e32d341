// Package browsertest loads a file in headless Chromium for a test and
// reports what a reader's browser would: console errors, uncaught
// exceptions, failed requests, the DOM, and a screenshot.
//
// It exists so that the pictures Charter writes (the simulation report,
// charter graph's SVG) are tested the way people see them, not only as
// text. A test opens a page and asserts on it:
//
//	p := browsertest.Open(t, "report.html")
//	p.NoErrors()                         // no console error, no failed request
//	if n := p.Count("path[data-role]"); n != 3 { ... }
//	p.Screenshot("report.png")           // kept under CHARTER_TEST_ARTIFACTS
//	p.Navigate("other.svg")              // the same browser, a new page
//
// Chromium is found at $CHARTER_TEST_CHROMIUM, else /usr/bin/chromium (the
// Debian package), else as chromium on PATH. Without it the test skips —
// except when CI is set, where it fails: CI installs Chromium
// (.ci/chromium.sh), so a missing browser there is a broken run, not a
// reason to pass.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// EnvChromium names the Chromium binary to use; EnvArtifacts, a directory
// where screenshots are kept after the test (one subdirectory per package
// and test).
const (
	EnvChromium  = "CHARTER_TEST_CHROMIUM"
	EnvArtifacts = "CHARTER_TEST_ARTIFACTS"
)

// Timeout bounds one page's whole life: starting Chromium, loading,
// every Eval and the screenshot. It is generous because CI machines are
// small and shared; a healthy page needs a second or two.
var Timeout = 2 * time.Minute

// Chromium returns the path of the Chromium binary. It skips the test when
// there is none, or fails it when the environment variable CI is set.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", EnvChromium, p, err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no Chromium (set %s, or install Debian's chromium): CI runs the browser tests (.ci/run sources .ci/chromium.sh)", EnvChromium)
	}
	t.Skipf("no Chromium: skipping the browser test (apt-get install chromium, or set %s)", EnvChromium)
	return ""
}

// Page is a file loaded in its own headless Chromium, alive until the test
// ends.
type Page struct {
	t   testing.TB
	ctx context.Context
	url string

	mu       sync.Mutex
	console  []string // every console message, as "type: text"
	errors   []string // console errors, exceptions, error log entries
	requests []string // every URL requested, in order
	failed   []string // requests that failed, as "url: reason"
	reqURL   map[network.RequestID]string
}

// Open starts Chromium, loads the file at path through a file:// URL and
// waits for its load event. The browser ends with the test.
func Open(t testing.TB, path string) *Page {
	t.Helper()
	bin := Chromium(t)
	// The profile directory must outlive the browser: TempDir's cleanup is
	// registered before the browser's, so it runs after it.
	profile := t.TempDir()

	p := &Page{t: t, reqURL: map[network.RequestID]string{}}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // CI runs as root, where the sandbox refuses to start
		chromedp.Flag("disable-gpu", true),
		// Without these Chromium reaches out to Google's services at start
		// and, on a closed network, logs the refused connections.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(p.listen))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	p.ctx = bctx
	p.Navigate(path)
	return p
}

// Navigate loads another file in the same browser, which is quicker than
// starting a new one, and forgets what the previous file logged and
// requested.
func (p *Page) Navigate(path string) {
	p.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		p.t.Fatalf("browsertest: %v", err)
	}
	if _, err := os.Stat(abs); err != nil {
		p.t.Fatalf("browsertest: %v", err)
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	p.mu.Lock()
	p.url = u
	p.console, p.errors, p.requests, p.failed = nil, nil, nil, nil
	clear(p.reqURL)
	p.mu.Unlock()
	if err := chromedp.Do(p.ctx, chromedp.Navigate(u)); err != nil {
		p.t.Fatalf("browsertest: loading %s: %v", path, err)
	}
}

// listen runs in the tab's message loop: it only records.
func (p *Page) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		msg := string(ev.Type) + ": " + argsText(ev.Args)
		p.console = append(p.console, msg)
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p.errors = append(p.errors, "console."+msg)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		msg := fmt.Sprintf("exception: %s (%s:%d:%d)", text, d.URL, d.LineNumber+1, d.ColumnNumber+1)
		p.console = append(p.console, msg)
		p.errors = append(p.errors, msg)
	case *log.EventEntryAdded:
		e := ev.Entry
		msg := fmt.Sprintf("%s: %s", e.Level, e.Text)
		if e.URL != "" {
			msg += " (" + e.URL + ")"
		}
		p.console = append(p.console, msg)
		if e.Level == log.EntryLevelError {
			p.errors = append(p.errors, "log "+msg)
		}
	case *network.EventRequestWillBeSent:
		p.reqURL[ev.RequestID] = ev.Request.URL
		p.requests = append(p.requests, ev.Request.URL)
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			p.failed = append(p.failed, fmt.Sprintf("%s: HTTP %d", ev.Response.URL, ev.Response.Status))
		}
	case *network.EventLoadingFailed:
		p.failed = append(p.failed, fmt.Sprintf("%s: %s", p.reqURL[ev.RequestID], ev.ErrorText))
	}
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, string(a.Value))
			}
		case a.UnserializableValue != "":
			parts = append(parts, string(a.UnserializableValue))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// URL is the file:// URL the page was loaded from.
func (p *Page) URL() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.url
}

// Console returns every console message so far, "type: text", in order.
func (p *Page) Console() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...)
}

// Errors returns the console errors, uncaught exceptions and error entries
// of the browser log so far.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// Requests returns the URL of every request the page made, the page itself
// first.
func (p *Page) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// FailedRequests returns the requests that failed, "url: reason".
func (p *Page) FailedRequests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.failed...)
}

// NoErrors fails the test for each console error, exception and failed
// request so far.
func (p *Page) NoErrors() {
	p.t.Helper()
	u := p.URL()
	for _, e := range p.Errors() {
		p.t.Errorf("%s: %s", u, e)
	}
	for _, f := range p.FailedRequests() {
		p.t.Errorf("%s: failed request %s", u, f)
	}
}

// SelfContained fails the test for every request other than the page's own
// file: a self-contained page fetches nothing.
func (p *Page) SelfContained() {
	p.t.Helper()
	u := p.URL()
	for _, r := range p.Requests() {
		if r != u {
			p.t.Errorf("%s: requested %s: the page should need nothing but itself", u, r)
		}
	}
}

// Eval runs the JavaScript expression js in the page and decodes its value,
// as JSON, into out (nil to ignore it). A thrown exception fails the test.
func (p *Page) Eval(js string, out any) {
	p.t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]byte](js))
	if err != nil {
		p.t.Fatalf("browsertest: evaluating %s: %v", js, err)
	}
	if out == nil {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		p.t.Fatalf("browsertest: evaluating %s: decoding %s: %v", js, raw, err)
	}
}

// Count returns the number of elements that the CSS selector matches.
func (p *Page) Count(selector string) int {
	p.t.Helper()
	var n int
	p.Eval(fmt.Sprintf("document.querySelectorAll(%s).length", jsString(selector)), &n)
	return n
}

// Texts returns the text content of every element the CSS selector matches,
// in document order, with white space collapsed.
func (p *Page) Texts(selector string) []string {
	p.t.Helper()
	var texts []string
	p.Eval(fmt.Sprintf("Array.from(document.querySelectorAll(%s), e => e.textContent)", jsString(selector)), &texts)
	for i, s := range texts {
		texts[i] = strings.Join(strings.Fields(s), " ")
	}
	return texts
}

// Attrs returns the value of the attribute name on every element the CSS
// selector matches, in document order ("" where it is absent).
func (p *Page) Attrs(selector, name string) []string {
	p.t.Helper()
	var vals []string
	p.Eval(fmt.Sprintf("Array.from(document.querySelectorAll(%s), e => e.getAttribute(%s) || '')", jsString(selector), jsString(name)), &vals)
	return vals
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Screenshot captures the whole page as PNG into the test's artifact
// directory and returns the file's path. The directory is
// $CHARTER_TEST_ARTIFACTS/<package>/<test> when that variable is set (the file
// then outlives the test; .ci/run sets it), else a temporary directory of
// the test.
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("browsertest: screenshot of %s: %v", p.URL(), err)
	}
	path := filepath.Join(ArtifactDir(p.t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatalf("browsertest: %v", err)
	}
	p.t.Logf("screenshot: %s", path)
	return path
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// ArtifactDir returns a directory for the test's output files:
// $CHARTER_TEST_ARTIFACTS/<package>/<test> when that variable is set, else
// a temporary directory removed after the test. <package> is the name of
// the directory go test runs the test in, its package's.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	root := os.Getenv(EnvArtifacts)
	if root == "" {
		return t.TempDir()
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	dir := filepath.Join(root, filepath.Base(wd), unsafeName.ReplaceAllString(t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("browsertest: %s: %v", EnvArtifacts, err)
	}
	return dir
}
