package serve_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/charterlang/charter/runtime"
	"github.com/charterlang/charter/runtime/serve"
)

// BenchmarkApplyHTTP measures POST /actions over loopback HTTP with
// keep-alive, from parallel clients: what a host not written in Go pays per
// applied action, JSON and HTTP included.
func BenchmarkApplyHTTP(b *testing.B) {
	prog, err := runtime.CompileFiles("../../examples/fanclub/fanclub.charter")
	if err != nil {
		b.Fatal(err)
	}
	st := runtime.NewState(prog.Community("FanClub"))
	h, err := serve.New(st, serve.Config{})
	if err != nil {
		b.Fatal(err)
	}
	const members = 64
	for i := range members {
		m, _ := st.Community().Member(map[string]any{"reputation": 1e9})
		if err := st.Join(fmt.Sprintf("m%d", i), m); err != nil {
			b.Fatal(err)
		}
	}
	srv := httpServer(b, h)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body := fmt.Sprintf(`{"member": "m%d", "action": "tip", "args": {"to": "m%d", "amount": 1}, "at": "2026-01-15T09:00:00Z"}`, i%members, (i+1)%members)
			resp, err := client.Post(srv+"/actions", "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

func httpServer(b *testing.B, h http.Handler) string {
	ts := httptest.NewServer(h)
	b.Cleanup(ts.Close)
	return ts.URL
}
