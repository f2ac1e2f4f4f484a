package route53bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
	"github.com/signpost-dns/signpost/internal/store"
)

const (
	zincZones    = 100
	zincPolicies = 1000 // ten per zone, each with its own IP and its zone's shared one
	driftEvery   = 10 * time.Second
)

// BenchmarkZincPolicies runs a node whose 100 store zones hold 1,000
// policy records on 1,000 weighted policies, pushed in zinc's layout to
// the in-process Route53 fake (it enforces AWS's rules and counts calls;
// moto takes minutes at this size). It reports the API calls of the first
// push, of one member's weight changed (target: exactly one
// ChangeResourceRecordSets, for the one zone that uses it, and no reads
// of other zones), and of a no-op drift pass over every zone.
func BenchmarkZincPolicies(b *testing.B) {
	b.Setenv("BENCH_AWS_KEY", "test")
	for range b.N {
		zincRun(b)
	}
}

func zincRun(b *testing.B) {
	dir := b.TempDir()
	cfg := filepath.Join(dir, "signpost.yaml")
	if err := os.Mkdir(filepath.Join(dir, "zones"), 0o755); err != nil {
		b.Fatal(err)
	}
	servertest.WriteFile(b, cfg, fmt.Sprintf("dns:\n  listen: [127.0.0.1:0]\nhttp:\n  listen: 127.0.0.1:0\ngeoip:\n  database: none\n"+
		"providers:\n  r53:\n    type: route53\n    access_key_id: env/BENCH_AWS_KEY\n    secret_access_key: env/BENCH_AWS_KEY\n    endpoint: http://127.0.0.1:1\n    requests_per_second: 100000\n"+
		"reconcile: {interval: 200ms, drift_interval: %s}\n", driftEvery))
	ctx := context.Background()
	if err := server.EnsureStore(ctx, cfg); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "signpost.db"))
	if err != nil {
		b.Fatal(err)
	}
	policy, zone, root := fillZinc(b, st)
	st.Close()
	token, err := server.CreateToken(ctx, cfg, "bench", false)
	if err != nil {
		b.Fatal(err)
	}
	state, err := server.Load(ctx, cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	fake := r53fake.New()
	srv, err := server.New(server.Options{Logger: slog.New(slog.DiscardHandler), Probe: upProbe, Route53API: map[string]route53.API{"r53": fake}}, state)
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- srv.Run(runCtx) }()
	defer func() { cancel(); <-done; _ = srv.State().Close() }()
	base := "http://" + srv.HTTPAddr()

	waitClean(b, base, token, "")
	first := calls(b, base)
	b.ReportMetric(time.Since(start).Seconds(), "first-push-s")
	b.ReportMetric(first["ChangeResourceRecordSets"], "first-push-changes")
	b.ReportMetric(first["CreateHealthCheck"], "first-push-checks")

	// One member's weight: exactly one zone is planned and changed.
	t0 := time.Now()
	body := `{"weight": 20}`
	req, _ := http.NewRequest("PATCH", base+"/api/v1/policies/"+policy.ID+"/members/"+policy.Members[0].ID, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("PATCH member: %v %v", err, resp)
	}
	resp.Body.Close()
	readsBefore := fake.Reads()
	waitClean(b, base, token, zone)
	b.ReportMetric(time.Since(t0).Seconds(), "write-to-route53-s")
	one := delta(calls(b, base), first)
	for _, op := range []string{"ChangeResourceRecordSets", "ListResourceRecordSets", "ListHostedZonesByName", "ListHealthChecks"} {
		b.ReportMetric(one[op], "one-write-"+op)
	}
	// The zone is read twice, by the plan and by the apply's check that
	// it did not move since; no other zone is read.
	reads := fake.Reads()
	for name, n := range reads {
		if n != readsBefore[name] && name != root {
			b.Errorf("one member's weight in %s: zone %s was read too", root, name)
		}
	}
	if one["ChangeResourceRecordSets"] != 1 {
		b.Errorf("one member's weight: %v calls, want one change batch", one)
	}

	// A no-op drift pass over every zone.
	before := calls(b, base)
	passes := noopRuns(b, base)
	for noopRuns(b, base) < passes+zincZones {
		if time.Since(t0) > 3*driftEvery+time.Minute {
			b.Fatal("no drift pass came")
		}
		time.Sleep(200 * time.Millisecond)
	}
	pass := delta(calls(b, base), before)
	total := 0.0
	for op, n := range pass {
		b.ReportMetric(n, "drift-pass-"+op)
		total += n
	}
	b.ReportMetric(total, "drift-pass-calls")
	if pass["ChangeResourceRecordSets"] != 0 {
		b.Errorf("a no-op drift pass changed records: %v", pass)
	}
}

// fillZinc stores 100 zones targeting r53, each with ten policy records
// on ten weighted policies; it returns the first policy and its zone.
func fillZinc(b *testing.B, st *store.Store) (*model.Policy, string, string) {
	ctx := context.Background()
	run := time.Now().UnixNano()
	var first *model.Policy
	var firstZone, firstRoot string
	err := st.Update(ctx, func(tx *store.Tx) error {
		for zi := range zincZones {
			shared := netip.AddrFrom4([4]byte{127, 4, byte(zi), 1})
			if err := tx.CreateIP(ctx, &model.IP{Address: shared, Enabled: true}); err != nil {
				return err
			}
			z := &store.Zone{Root: fmt.Sprintf("z%03d.r%d.bench.", zi, run), Targets: []string{"r53"}}
			if err := tx.CreateZone(ctx, z); err != nil {
				return err
			}
			for pi := range zincPolicies / zincZones {
				own := netip.AddrFrom4([4]byte{127, 5, byte(zi), byte(pi + 1)})
				if err := tx.CreateIP(ctx, &model.IP{Address: own, Enabled: true}); err != nil {
					return err
				}
				p := &model.Policy{Name: fmt.Sprintf("p%03d-%02d", zi, pi), Routing: model.RoutingWeighted, TTL: 30, Members: []model.Member{
					{IP: own, Region: "us-east-1", Weight: 10, Enabled: true}, {IP: shared, Region: "us-east-1", Weight: 10, Enabled: true}}}
				if err := tx.CreatePolicy(ctx, p); err != nil {
					return err
				}
				rec := &store.Record{ZoneID: z.ID, Name: fmt.Sprintf("www%02d", pi), Type: "POLICY_ROUTED", Values: []string{p.ID}}
				if err := tx.CreateRecord(ctx, rec); err != nil {
					return err
				}
				if first == nil {
					first, firstZone, firstRoot = p, z.ID, z.Root
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return first, firstZone, firstRoot
}

func upProbe(context.Context, *health.Target) (string, error) { return "up", nil }

// waitClean waits until no store zone (or the one named) is dirty.
func waitClean(b *testing.B, base, token, zone string) {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", base+"/api/v1/zones", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var zs []struct {
			ID    string
			Dirty bool
			Error string
		}
		err = json.NewDecoder(resp.Body).Decode(&zs)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		clean := true
		for _, z := range zs {
			if (zone == "" || z.ID == zone) && z.Dirty {
				clean = false
			}
		}
		if clean {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatal("the zones did not become clean")
}

// calls reads signpost_provider_api_calls_total by operation.
func calls(b *testing.B, base string) map[string]float64 {
	return scrape(b, base, "signpost_provider_api_calls_total{", "operation")
}

// noopRuns sums signpost_reconcile_runs_total{result="noop"}.
func noopRuns(b *testing.B, base string) float64 {
	total := 0.0
	for k, v := range scrape(b, base, "signpost_reconcile_runs_total{", "result") {
		if k == "noop" {
			total += v
		}
	}
	return total
}

// scrape sums a metric's series by one label.
func scrape(b *testing.B, base, prefix, label string) map[string]float64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		_, rest, _ := strings.Cut(line, label+`="`)
		key, _, _ := strings.Cut(rest, `"`)
		v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		if err == nil {
			out[key] += v
		}
	}
	return out
}

func delta(after, before map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}
