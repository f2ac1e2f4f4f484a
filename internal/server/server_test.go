package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

func TestReloadAndShutdown(t *testing.T) {
	cfg := servertest.Workspace(t, servertest.ZoneV1, "")
	n := start(t, cfg, server.Options{})
	waitFor(t, "first answer", func() bool {
		return slices.Equal(servertest.QueryAFromDE(n.dns, "www.example.com."), []string{"127.0.1.1"})
	})
	if code, body := servertest.HTTPGet("http://" + n.http + "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz %d %q", code, body)
	}
	_, metrics := servertest.HTTPGet("http://" + n.http + "/metrics")
	for _, want := range []string{`signpost_dns_queries_total{qtype="A",rcode="NOERROR",zone="example.com."}`,
		`signpost_dns_answers_total{pool="eu",type="A",zone="example.com."}`, "signpost_dns_request_duration_seconds_bucket"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	serial := n.State().Table.Serial()

	servertest.WriteFile(t, servertest.ZonePath(cfg), strings.Replace(servertest.ZoneV1, "127.0.1.1", "127.0.1.7", 1))
	if err := n.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if got := servertest.QueryAFromDE(n.dns, "www.example.com."); !slices.Equal(got, []string{"127.0.1.7"}) {
		t.Errorf("right after Reload: %v, want [127.0.1.7]", got)
	}
	if s := n.State().Table.Serial(); s <= serial {
		t.Errorf("serial %d after reload, want above %d", s, serial)
	}

	servertest.WriteFile(t, servertest.ZonePath(cfg), "www:\n  type: A\n  value: broken\n")
	var be *server.BuildError
	if err := n.Reload(context.Background(), "test"); !errors.As(err, &be) {
		t.Fatalf("bad reload: %v, want a BuildError", err)
	}
	if got := servertest.QueryAFromDE(n.dns, "www.example.com."); !slices.Equal(got, []string{"127.0.1.7"}) {
		t.Errorf("after a bad reload the old zones should still answer, got %v", got)
	}
	if _, m := servertest.HTTPGet("http://" + n.http + "/metrics"); !strings.Contains(m, `signpost_reload_total{result="error"} 1`) {
		t.Error("failed reload not metered")
	}
	if !strings.Contains(n.log.String(), `invalid IPv4 address \"broken\"`) {
		t.Errorf("bad reload not logged:\n%s", n.log)
	}
	if err := n.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := servertest.QueryA(n.dns, "www.example.com."); got != nil {
		t.Errorf("still answering after shutdown: %v", got)
	}
}

func TestWatchReloads(t *testing.T) {
	cfg := servertest.Workspace(t, servertest.ZoneV1, "zones:\n  watch: true\n  watch_interval: 50ms\n")
	n := start(t, cfg, server.Options{})
	waitFor(t, "first answer", func() bool {
		return slices.Equal(servertest.QueryAFromDE(n.dns, "www.example.com."), []string{"127.0.1.1"})
	})
	servertest.WriteFile(t, servertest.ZonePath(cfg), strings.Replace(servertest.ZoneV1, "127.0.1.1", "127.0.1.8", 1))
	waitFor(t, "watched reload", func() bool {
		return slices.Equal(servertest.QueryAFromDE(n.dns, "www.example.com."), []string{"127.0.1.8"})
	})
	// A reload by hand swaps the sources the watcher follows; it keeps
	// watching them.
	if err := n.Reload(context.Background(), "by hand"); err != nil {
		t.Fatal(err)
	}
	servertest.WriteFile(t, servertest.ZonePath(cfg), strings.Replace(servertest.ZoneV1, "127.0.1.1", "127.0.1.9", 1))
	waitFor(t, "a second watched reload", func() bool {
		return slices.Equal(servertest.QueryAFromDE(n.dns, "www.example.com."), []string{"127.0.1.9"})
	})
}

// TestAgentAndHandlers: without DNS the node still probes and serves HTTP,
// with the extra handlers beside the operations endpoints.
func TestAgentAndHandlers(t *testing.T) {
	cfg := servertest.Workspace(t, servertest.ZoneV1, "")
	ui := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ui") })
	n := start(t, cfg, server.Options{NoDNS: true, Handlers: map[string]http.Handler{"GET /ui/": ui}})
	if len(n.DNSAddrs()) != 0 {
		t.Errorf("DNS addresses %v in agent mode", n.DNSAddrs())
	}
	if code, body := servertest.HTTPGet("http://" + n.http + "/ui/"); code != 200 || body != "ui" {
		t.Errorf("/ui/ %d %q", code, body)
	}
	if code, _ := servertest.HTTPGet("http://" + n.http + "/healthz"); code != 200 {
		t.Errorf("/healthz %d", code)
	}
	if err := n.Reload(context.Background(), "agent"); err != nil {
		t.Errorf("reload in agent mode: %v", err)
	}
}

// TestStartStopJoinsGoroutines starts and stops a full node 50 times —
// DNS, HTTP, a probed target, notifications, a watcher and reconcile — and
// requires the goroutines to be back to where they started each time.
func TestStartStopJoinsGoroutines(t *testing.T) {
	backend := newFlipper(t, "127.0.0.21:0")
	hook := newFlipper(t, "127.0.0.22:0")
	t.Setenv("TEST_AWS_KEY", "test")
	zone := servertest.Apex + fmt.Sprintf(`www:
  type: A
  values: [127.0.0.9]
  octodns:
    healthcheck: {protocol: HTTP, port: %s, host: app.example.com, path: /health}
  dynamic:
    pools:
      p: {values: [{value: 127.0.0.21}]}
    rules: [{pool: p}]
`, portOf(backend.addr))
	extra := fmt.Sprintf(`zones:
  watch: true
  watch_interval: 20ms
  targets: [r53]
healthcheck: {interval: 100ms, timeout: 50ms}
notify:
  webhooks: [{url: "http://%s/health"}]
providers:
  r53: {type: route53, endpoint: "http://127.0.0.1:1", access_key_id: env/TEST_AWS_KEY, secret_access_key: env/TEST_AWS_KEY}
reconcile: {interval: 50ms}
`, hook.addr)
	cfg := servertest.Workspace(t, zone, extra)
	baseline := runtime.NumGoroutine()
	for i := range 50 {
		n := start(t, cfg, server.Options{Logger: newLogger(discard{})})
		waitFor(t, "an answer", func() bool { return len(servertest.QueryA(n.dns, "www.example.com.")) == 1 })
		if i == 0 {
			waitFor(t, "a probe", func() bool { return backend.hits.Load() > 0 })
		}
		if err := n.stop(); err != nil {
			t.Fatalf("round %d: Run: %v", i, err)
		}
		if left := ours(); len(left) > 0 {
			t.Fatalf("round %d: Run returned with goroutines of signpost's still running:\n%s", i, strings.Join(left, "\n\n"))
		}
		if !settles(baseline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("round %d: %d goroutines after stop, %d before start:\n%s", i, runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
	}
}

// ours returns the stacks of goroutines in signpost's code, the tests'
// own excepted. Once Run has returned there must be none but those on
// their way out (past a deferred Done): it looks again for up to 50ms.
func ours() []string {
	buf := make([]byte, 1<<20)
	var out []string
	for range 50 {
		out = out[:0]
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "signpost-dns/signpost/internal/") && !strings.Contains(g, "_test.go") {
				out = append(out, g)
			}
		}
		if len(out) == 0 {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return out
}

// settles waits briefly for goroutines that have returned from their
// work to exit, and reports whether the count is back to baseline.
func settles(baseline int) bool {
	for range 100 {
		if runtime.NumGoroutine() <= baseline {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestLoadReportsProblems(t *testing.T) {
	cfg := servertest.Workspace(t, "www:\n  type: A\n  value: nope\n", "")
	_, err := server.Load(context.Background(), cfg, nil)
	var be *server.BuildError
	if !errors.As(err, &be) || len(be.Problems.Errors()) != 1 || !strings.Contains(be.Problems.Errors()[0].String(), `example.com.yaml:3: www.example.com. A: invalid IPv4 address "nope"`) {
		t.Fatalf("got %v\n%s", err, be.Problems)
	}
	if _, err := server.Load(context.Background(), cfg+".missing", nil); err == nil || !os.IsNotExist(errors.Unwrap(err)) {
		t.Errorf("a missing config: %v", err)
	}
}
