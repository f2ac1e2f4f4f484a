package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
)

// flipper is an HTTP backend on a loopback address whose status can flip.
type flipper struct {
	srv    *httptest.Server
	status atomic.Int32
	hits   atomic.Int64
}

func newFlipper(t *testing.T, addr string) *flipper {
	t.Helper()
	f := &flipper{}
	f.status.Store(200)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("backend %s: %v", addr, err)
	}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "app.example.com:"+portOf(addr) || r.URL.Path != "/health" {
			http.Error(w, "wrong host or path", http.StatusNotFound)
			return
		}
		f.hits.Add(1)
		w.WriteHeader(int(f.status.Load()))
	}))
	f.srv.Listener.Close()
	f.srv.Listener = l
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func portOf(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

// backends starts flippers on 127.0.0.11..14, all on one port.
func backends(t *testing.T) ([]*flipper, string) {
	for attempt := 0; attempt < 20; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.11:0")
		if err != nil {
			t.Fatal(err)
		}
		port := portOf(l.Addr().String())
		l.Close()
		var out []*flipper
		ok := true
		for i := 11; i <= 14; i++ {
			addr := fmt.Sprintf("127.0.0.%d:%s", i, port)
			if c, err := net.Listen("tcp", addr); err != nil {
				ok = false
				break
			} else {
				c.Close()
			}
		}
		if !ok {
			continue
		}
		for i := 11; i <= 14; i++ {
			out = append(out, newFlipper(t, fmt.Sprintf("127.0.0.%d:%s", i, port)))
		}
		return out, port
	}
	t.Fatal("no free port on 127.0.0.11-14")
	return nil, ""
}

const failoverZone = apex + `www:
  type: A
  values: [127.0.0.99]
  octodns:
    healthcheck: {protocol: HTTP, port: PORT, host: app.example.com, path: /health}
    signpost: {answers: 2}
  dynamic:
    pools:
      primary:
        fallback: secondary
        values: [{value: 127.0.0.11}, {value: 127.0.0.12}]
      secondary:
        values: [{value: 127.0.0.13}]
    rules: [{pool: primary}]
api:
  type: A
  values: [127.0.0.99]
  octodns:
    healthcheck: {protocol: HTTP, port: PORT, host: app.example.com, path: /health}
  dynamic:
    pools:
      p:
        values: [{value: 127.0.0.11}, {value: 127.0.0.14, status: up}]
    rules: [{pool: p}]
`

func plainA(addr, name string) []string { return queryA(addr, name) }

func TestFailoverEndToEnd(t *testing.T) {
	bk, port := backends(t)
	events := make(chan health.Event, 64)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev health.Event
		_ = json.NewDecoder(r.Body).Decode(&ev)
		events <- ev
	}))
	defer hook.Close()

	dnsAddr, httpAddr := freePort(t), freePort(t)
	cfg := workspace(t, dnsAddr, httpAddr, strings.ReplaceAll(failoverZone, "PORT", port))
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "healthcheck: {interval: 200ms, timeout: 100ms, failures: 2, successes: 2}\nnotify:\n  webhooks:\n    - url: %s\n      events: [down]\n", hook.URL)
	f.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var stderr syncBuffer
	go func() { done <- run(ctx, []string{"serve", "--config", cfg}, io.Discard, &stderr) }()

	want := func(what string, name string, values ...string) {
		t.Helper()
		waitFor(t, what, func() bool { return slices.Equal(plainA(dnsAddr, name), values) })
	}
	want("both primary values", "www.example.com.", "127.0.0.11", "127.0.0.12")

	// A value two records share is one target, probed once per interval.
	start := bk[0].hits.Load()
	time.Sleep(2 * time.Second)
	if n := bk[0].hits.Load() - start; n < 5 || n > 14 {
		t.Errorf("shared value probed %d times in 2s at a 200ms interval, want about 10", n)
	}
	if n := bk[3].hits.Load(); n != 0 {
		t.Errorf("a status up value was probed %d times", n)
	}

	bk[1].status.Store(503)
	want("the failing value leaves", "www.example.com.", "127.0.0.11")
	select {
	case ev := <-events:
		if ev.Address != "127.0.0.12" || ev.To != "down" || ev.Reason != "HTTP 503" {
			t.Errorf("webhook event %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Error("no webhook event for the failure")
	}
	checkHealthAPI(t, httpAddr, "127.0.0.12", "down", "HTTP 503")

	// A reload keeps health: .12 must not come back as unknown-and-served.
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "reload", func() bool {
		_, m := httpGet("http://" + httpAddr + "/metrics")
		return strings.Contains(m, `signpost_reload_total{result="success"} 1`)
	})
	if got := plainA(dnsAddr, "www.example.com."); !slices.Equal(got, []string{"127.0.0.11"}) {
		t.Errorf("right after a reload: %v, want [127.0.0.11]", got)
	}

	bk[0].srv.Close() // connection refused
	want("the fallback pool", "www.example.com.", "127.0.0.13")
	want("the status up value alone", "api.example.com.", "127.0.0.14")
	bk[2].status.Store(503)
	want("the backup values", "www.example.com.", "127.0.0.99")

	bk[2].status.Store(200)
	want("recovery", "www.example.com.", "127.0.0.13")
	bk[1].status.Store(200)
	want("primary recovers", "www.example.com.", "127.0.0.12")

	_, m := httpGet("http://" + httpAddr + "/metrics")
	for _, s := range []string{`signpost_healthcheck_up{address="127.0.0.11",host="app.example.com",path="/health",port="` + port + `",protocol="HTTP",state="down"} 0`,
		`signpost_healthcheck_transitions_total{to="down"}`, `signpost_healthcheck_duration_seconds_bucket{protocol="HTTP"`} {
		if !strings.Contains(m, s) {
			t.Errorf("/metrics lacks %s", s)
		}
	}
	if !strings.Contains(stderr.String(), `msg="health transition" component=health target="HTTP 127.0.0.12:`+port+` app.example.com/health" from=up to=down reason="HTTP 503"`) {
		t.Errorf("transition not logged:\n%s", stderr.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
}

func checkHealthAPI(t *testing.T, httpAddr, address, state, lastErr string) {
	t.Helper()
	_, body := httpGet("http://" + httpAddr + "/api/v1/health")
	var list []health.TargetStatus
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("/api/v1/health: %v\n%s", err, body)
	}
	for _, s := range list {
		if s.Address == address {
			if s.State != state || s.LastError != lastErr || s.Serving || s.LastCheck == nil || len(s.Records) != 1 {
				t.Errorf("health of %s: %+v", address, s)
			}
			return
		}
	}
	t.Errorf("%s not in /api/v1/health: %s", address, body)
}
