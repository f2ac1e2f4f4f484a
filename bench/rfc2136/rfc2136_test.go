// Package rfc2136bench measures the RFC 2136 provider against a real
// BIND 9 on loopback: a zone of 10,000 records created through UPDATE
// messages, a no-op plan of it, and the time from a backend failing to
// BIND answering without its address.
package rfc2136bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/provider/providertest"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136/rfc2136test"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// BenchmarkZone10k creates a zone of 10,000 records on BIND through
// updates, then plans it again (a transfer and a diff, no change).
func BenchmarkZone10k(b *testing.B) {
	for range b.N {
		ns := rfc2136test.StartBIND(b, "example.com.")
		p := ns.Provider(b)
		var src strings.Builder
		for i := range 10_000 {
			fmt.Fprintf(&src, "h%05d:\n  type: A\n  values: [127.1.%d.%d]\n", i, i/250, i%250+1)
		}
		z := providertest.Parse(b, "example.com.", src.String())
		ctx := context.Background()
		t0 := time.Now()
		zp, err := p.Plan(ctx, z)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Apply(ctx, zp); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "create-s")
		b.ReportMetric(float64(p.Updates()["ok"]), "update-messages")
		t1 := time.Now()
		again, err := p.Plan(ctx, z)
		if err != nil || !again.Empty() {
			b.Fatalf("second plan: %v, %d changes", err, len(again.Changes))
		}
		b.ReportMetric(time.Since(t1).Seconds(), "noop-plan-s")
	}
}

// BenchmarkHealthToBIND runs a node pushing a zone file to BIND; a
// record's two values are checked every 200 ms (failures 2). Each round
// fails one backend and times until BIND answers without it, then
// restores it. Reported: the slowest and fastest of 5 rounds.
func BenchmarkHealthToBIND(b *testing.B) {
	for range b.N {
		ns := rfc2136test.StartBIND(b, "example.com.")
		up, port := servertest.Backends(b, "127.0.0.41", "127.0.0.42")
		b.Setenv("BENCH_TSIG", ns.Key.Secret)
		dir := b.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "zones"), 0o755); err != nil {
			b.Fatal(err)
		}
		servertest.WriteFile(b, filepath.Join(dir, "zones", "example.com.yaml"), fmt.Sprintf(`www:
  type: A
  ttl: 30
  values: [127.0.0.99]
  octodns:
    healthcheck: {protocol: HTTP, port: %s, path: /health}
  dynamic:
    pools:
      main:
        values: [{value: 127.0.0.41}, {value: 127.0.0.42}]
    rules: [{pool: main}]
`, port))
		cfg := filepath.Join(dir, "signpost.yaml")
		servertest.WriteFile(b, cfg, fmt.Sprintf("dns:\n  listen: [127.0.0.1:0]\nhttp:\n  listen: 127.0.0.1:0\ngeoip:\n  database: none\nstore:\n  url: none\n"+
			"healthcheck: {interval: 200ms, timeout: 100ms, failures: 2, successes: 1}\nzones:\n  targets: [ns1]\n"+
			"providers:\n  ns1:\n    type: rfc2136\n    server: %s\n    tsig: {name: %s, secret: env/BENCH_TSIG}\nreconcile: {interval: 1h}\n", ns.Addr, ns.Key.Name))
		ctx, cancel := context.WithCancel(context.Background())
		st, err := server.Load(ctx, cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		srv, err := server.New(server.Options{Logger: slog.New(slog.DiscardHandler)}, st)
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- srv.Run(ctx) }()
		both := []string{"127.0.0.41", "127.0.0.42"}
		wait(b, ns.Addr, both, 10*time.Second)
		var fastest, slowest time.Duration
		for i := range 5 {
			up[0].Store(false)
			t0 := time.Now()
			took := wait(b, ns.Addr, both[1:], 10*time.Second).Sub(t0)
			if i == 0 || took < fastest {
				fastest = took
			}
			slowest = max(slowest, took)
			up[0].Store(true)
			wait(b, ns.Addr, both, 10*time.Second)
		}
		cancel()
		<-done
		b.ReportMetric(fastest.Seconds(), "fail-to-bind-min-s")
		b.ReportMetric(slowest.Seconds(), "fail-to-bind-max-s")
	}
}

// wait polls BIND until www answers want, and returns when it did.
func wait(b *testing.B, addr string, want []string, limit time.Duration) time.Time {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if slices.Equal(servertest.QueryA(addr, "www.example.com."), want) {
			return time.Now()
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatalf("BIND did not answer %v", want)
	return time.Time{}
}
