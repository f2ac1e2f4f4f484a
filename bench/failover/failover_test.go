// Package failover measures how long signpost takes to drop a failed
// address from its DNS answers, and to bring it back, with a 1 s probe
// interval and 2 failures (and 2 successes) as thresholds.
package failover

import (
	"context"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/dnsserver"
	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

const zone = `'':
  type: NS
  values: [ns1.example.com.]
ns1: {type: A, value: 127.0.0.1}
www:
  type: A
  values: [127.0.0.99]
  octodns:
    healthcheck: {protocol: HTTP, port: 18080, path: /health}
    signpost:
      answers: 2
      healthcheck: {interval: 1s, timeout: 500ms, failures: 2, successes: 2}
  dynamic:
    pools:
      web:
        values: [{value: 127.0.0.21}, {value: 127.0.0.22}]
    rules: [{pool: web}]
`

// Published defaults to compare with (not measured here):
//   - Route53's fastest check: RequestInterval 10 s x FailureThreshold 1,
//     before DNS propagation; its default is 30 s x 3.
//   - gdnsd's defaults: interval 10 s, down_thresh 10, up_thresh 20.
const (
	route53Fastest = 10 * time.Second
	route53Default = 90 * time.Second
	gdnsdDown      = 100 * time.Second
	gdnsdUp        = 200 * time.Second
)

func backend(b *testing.B, addr string) func() {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		b.Fatalf("backend %s: %v", addr, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(l) }()
	return func() { _ = srv.Close() }
}

func serve(b *testing.B, ctx context.Context) string {
	z, probs := zonefile.Parse("example.com.yaml", "example.com.", []byte(zone))
	if len(probs) > 0 {
		b.Fatal(probs)
	}
	table, cprobs := engine.Compile([]*model.Zone{z}, engine.Options{Serial: 1})
	if len(cprobs.Errors()) > 0 {
		b.Fatal(cprobs)
	}
	checker := health.New(health.Options{})
	targets := make([]health.Target, len(table.Targets()))
	for i, t := range table.Targets() {
		targets[i] = health.Target{Key: t.Key, Address: t.Address, Check: t.Check, Records: t.Records}
	}
	srv := dnsserver.New(dnsserver.Options{Addrs: []string{"127.0.0.1:0"}}, table, checker.Sync(targets))
	if err := srv.Listen(); err != nil {
		b.Fatal(err)
	}
	go checker.Run(ctx)
	go func() { _ = srv.Serve(ctx) }()
	return srv.Addrs()[0].String()
}

func answers(addr string) []string {
	m := new(dns.Msg)
	m.SetQuestion("www.example.com.", dns.TypeA)
	r, _, err := (&dns.Client{Timeout: 200 * time.Millisecond}).Exchange(m, addr)
	if err != nil {
		return nil
	}
	var out []string
	for _, rr := range r.Answer {
		out = append(out, rr.(*dns.A).A.String())
	}
	slices.Sort(out)
	return out
}

// until polls DNS every 5 ms until cond holds and returns how long it took.
func until(b *testing.B, addr string, cond func([]string) bool) time.Duration {
	start := time.Now()
	for !cond(answers(addr)) {
		if time.Since(start) > 30*time.Second {
			b.Fatal("no change within 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func BenchmarkFailover(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopA := backend(b, "127.0.0.21:18080")
	defer stopA()
	stopB := backend(b, "127.0.0.22:18080")
	addr := serve(b, ctx)
	both := func(a []string) bool { return slices.Equal(a, []string{"127.0.0.21", "127.0.0.22"}) }
	without := func(a []string) bool { return len(a) > 0 && !slices.Contains(a, "127.0.0.22") }
	until(b, addr, both)
	time.Sleep(1500 * time.Millisecond) // every target has been probed up

	var detect, recover time.Duration
	n := 0
	for b.Loop() {
		stopB()
		detect += until(b, addr, without)
		stopB = backend(b, "127.0.0.22:18080")
		recover += until(b, addr, both)
		n++
	}
	stopB()
	d, r := detect/time.Duration(n), recover/time.Duration(n)
	b.ReportMetric(d.Seconds(), "detect-s")
	b.ReportMetric(r.Seconds(), "recover-s")
	b.ReportMetric(route53Fastest.Seconds()/d.Seconds(), "x-faster-than-r53-fastest")
	b.ReportMetric(route53Default.Seconds()/d.Seconds(), "x-faster-than-r53-default")
	b.ReportMetric(gdnsdDown.Seconds()/d.Seconds(), "x-faster-than-gdnsd-down")
	b.ReportMetric(gdnsdUp.Seconds()/r.Seconds(), "x-faster-than-gdnsd-up")
}
