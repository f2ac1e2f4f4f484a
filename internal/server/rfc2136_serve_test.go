package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/provider/rfc2136/rfc2136test"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

const bindZone = `www:
  type: A
  ttl: 30
  values: [127.0.0.99]
  octodns:
    healthcheck: {protocol: HTTP, port: PORT, host: app.example.com, path: /health}
  dynamic:
    pools:
      main:
        values: [{value: 127.0.0.11}, {value: 127.0.0.12}]
    rules: [{pool: main}]
`

// TestHealthPushedToBIND: a zone file pushed to a real BIND by the
// reconcile loop, whose dynamic record is flattened there; when a value's
// backend fails, BIND stops answering it within interval × failures + 1 s
// (the transition is pushed at once, not at the reconcile interval); it
// comes back on recovery; with every value down BIND answers the backup.
func TestHealthPushedToBIND(t *testing.T) {
	bk, port := backends(t)
	ns := rfc2136test.StartBIND(t, "example.com.")
	t.Setenv("TEST_TSIG", ns.Key.Secret)
	const interval, failures = 200 * time.Millisecond, 2
	cfg := servertest.Workspace(t, strings.ReplaceAll(bindZone, "PORT", port), fmt.Sprintf(
		"healthcheck: {interval: 200ms, timeout: 100ms, failures: %d, successes: 1}\nzones:\n  targets: [ns1]\n"+
			"providers:\n  ns1:\n    type: rfc2136\n    server: %s\n    tsig: {name: %s, algorithm: hmac-sha256, secret: env/TEST_TSIG}\n"+
			"reconcile: {interval: 1h}\n", failures, ns.Addr, ns.Key.Name))
	start(t, cfg, server.Options{})
	bindAnswers := func(want ...string) func() bool {
		return func() bool { return slices.Equal(servertest.QueryA(ns.Addr, "www.example.com."), want) }
	}
	waitFor(t, "BIND answers both values", bindAnswers("127.0.0.11", "127.0.0.12"))

	budget := interval*failures + time.Second
	bk[0].status.Store(503)
	t0 := time.Now()
	waitFor(t, "BIND drops the failed value", bindAnswers("127.0.0.12"))
	if took := time.Since(t0); took > budget {
		t.Errorf("BIND dropped the value after %v, want within %v", took, budget)
	} else {
		t.Logf("BIND dropped the value after %v (budget %v)", took, budget)
	}
	bk[0].status.Store(200)
	waitFor(t, "the value comes back", bindAnswers("127.0.0.11", "127.0.0.12"))
	bk[0].status.Store(503)
	bk[1].status.Store(503)
	waitFor(t, "BIND answers the backup values", bindAnswers("127.0.0.99"))
}
