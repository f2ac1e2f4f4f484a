package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// flipper is an HTTP backend on a loopback address whose status can flip.
type flipper struct {
	srv    *httptest.Server
	addr   string
	status atomic.Int32
	hits   atomic.Int64
}

// newFlipper serves on addr ("127.0.0.21:0" picks a port).
func newFlipper(t *testing.T, addr string) *flipper {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("backend %s: %v", addr, err)
	}
	return serveFlipper(t, l)
}

// serveFlipperAt serves a flipper on addr, or says why it cannot bind.
func serveFlipperAt(t *testing.T, addr string) (*flipper, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return serveFlipper(t, l), nil
}

func serveFlipper(t *testing.T, l net.Listener) *flipper {
	f := &flipper{addr: l.Addr().String()}
	f.status.Store(200)
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "app.example.com:"+portOf(f.addr) || r.URL.Path != "/health" {
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

// backends starts flippers on 127.0.0.11..14, all on one port: the first
// binds port 0 and the others bind the port it got, trying again with a
// new port if one of them is taken.
func backends(t *testing.T) ([]*flipper, string) {
	for range 20 {
		first, err := net.Listen("tcp", "127.0.0.11:0")
		if err != nil {
			t.Fatal(err)
		}
		port := portOf(first.Addr().String())
		ls := []net.Listener{first}
		for i := 12; i <= 14; i++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:%s", i, port))
			if err != nil {
				break
			}
			ls = append(ls, l)
		}
		if len(ls) < 4 {
			for _, l := range ls {
				l.Close()
			}
			continue
		}
		var out []*flipper
		for _, l := range ls {
			out = append(out, serveFlipper(t, l))
		}
		return out, port
	}
	t.Fatal("no port free on all of 127.0.0.11-14")
	return nil, ""
}

const failoverZone = servertest.Apex + `www:
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

func TestFailoverEndToEnd(t *testing.T) {
	bk, port := backends(t)
	events := make(chan health.Event, 64)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev health.Event
		_ = json.NewDecoder(r.Body).Decode(&ev)
		events <- ev
	}))
	defer hook.Close()
	cfg := servertest.Workspace(t, strings.ReplaceAll(failoverZone, "PORT", port),
		fmt.Sprintf("healthcheck: {interval: 200ms, timeout: 100ms, failures: 2, successes: 2}\nnotify:\n  webhooks:\n    - url: %s\n      events: [down]\n", hook.URL))
	n := start(t, cfg, server.Options{})
	want := func(what string, name string, values ...string) {
		t.Helper()
		waitFor(t, what, func() bool { return slices.Equal(servertest.QueryA(n.dns, name), values) })
	}
	want("both primary values", "www.example.com.", "127.0.0.11", "127.0.0.12")

	// A value two records share is one target; a status up value is none.
	waitFor(t, "the shared value probed", func() bool { return bk[0].hits.Load() > 0 })
	var shared []string
	for _, tg := range n.State().Table.Targets() {
		if tg.Address == "127.0.0.14" {
			t.Errorf("a status up value is a target: %+v", tg)
		}
		if tg.Address == "127.0.0.11" {
			shared = append(shared, tg.Records...)
		}
	}
	if !slices.Equal(shared, []string{"www.example.com. A", "api.example.com. A"}) {
		t.Errorf("the shared value's targets serve %q, want one target for both records", shared)
	}
	if n := bk[3].hits.Load(); n != 0 {
		t.Errorf("a status up value was probed %d times", n)
	}

	waitFor(t, "127.0.0.12 up", func() bool { return healthOf(t, n.http, "127.0.0.12").State == "up" })
	bk[1].status.Store(503)
	want("the failing value leaves", "www.example.com.", "127.0.0.11")
	ev := <-events // the webhook's delivery is the event waited for
	if ev.Address != "127.0.0.12" || ev.To != "down" || ev.Reason != "HTTP 503" {
		t.Errorf("webhook event %+v", ev)
	}
	checkHealthAPI(t, n.http, "127.0.0.12", "down", "HTTP 503")

	// A reload keeps health: .12 must not come back as unknown-and-served.
	if err := n.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if got := servertest.QueryA(n.dns, "www.example.com."); !slices.Equal(got, []string{"127.0.0.11"}) {
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

	_, m := servertest.HTTPGet("http://" + n.http + "/metrics")
	for _, s := range []string{`signpost_healthcheck_up{address="127.0.0.11",host="app.example.com",path="/health",port="` + port + `",protocol="HTTP",state="down"} 0`,
		`signpost_healthcheck_transitions_total{to="down"}`, `signpost_healthcheck_duration_seconds_bucket{protocol="HTTP"`} {
		if !strings.Contains(m, s) {
			t.Errorf("/metrics lacks %s", s)
		}
	}
	if !strings.Contains(n.log.String(), `msg="health transition" component=health target="HTTP 127.0.0.12:`+port+` app.example.com/health" from=up to=down reason="HTTP 503"`) {
		t.Errorf("transition not logged:\n%s", n.log)
	}
	if err := n.stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func checkHealthAPI(t *testing.T, httpAddr, address, state, lastErr string) {
	t.Helper()
	s := healthOf(t, httpAddr, address)
	if s.State != state || s.LastError != lastErr || s.Serving || s.LastCheck == nil || len(s.Records) != 1 {
		t.Errorf("health of %s: %+v", address, s)
	}
}

// healthOf reads address's entry in /api/v1/health.
func healthOf(t *testing.T, httpAddr, address string) health.TargetStatus {
	t.Helper()
	_, body := servertest.HTTPGet("http://" + httpAddr + "/api/v1/health")
	var list []health.TargetStatus
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("/api/v1/health: %v\n%s", err, body)
	}
	for _, s := range list {
		if s.Address == address {
			return s
		}
	}
	t.Fatalf("%s not in /api/v1/health: %s", address, body)
	return health.TargetStatus{}
}
