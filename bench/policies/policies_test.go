// Package policies measures zinc's model at size: with 10,000 policies
// and 100,000 policy records in the store, how many API writes a node
// takes per second, and how long a write takes to reach the DNS answers.
package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
	"github.com/signpost-dns/signpost/internal/store"
)

const (
	policies   = 10_000
	records    = 100_000
	zones      = 100
	writeCount = 20
)

// fill stores 20,000 IPs (127.1-127.2.x.y), 10,000 weighted policies of
// two members each, and 100,000 policy records in 100 zones.
func fill(b *testing.B, st *store.Store) []*model.Policy {
	ctx := context.Background()
	var ps []*model.Policy
	err := st.Update(ctx, func(tx *store.Tx) error {
		for i := range policies {
			a := netip.AddrFrom4([4]byte{127, 1, byte(i >> 8), byte(i)})
			c := netip.AddrFrom4([4]byte{127, 2, byte(i >> 8), byte(i)})
			for _, ip := range []netip.Addr{a, c} {
				if err := tx.CreateIP(ctx, &model.IP{Address: ip, Enabled: true}); err != nil {
					return err
				}
			}
			p := &model.Policy{Name: fmt.Sprintf("p%05d", i), Routing: model.RoutingWeighted, TTL: 30, Members: []model.Member{
				{IP: a, Region: "us-east-1", Weight: 10, Enabled: true}, {IP: c, Region: "us-east-1", Weight: 0, Enabled: true}}}
			if err := tx.CreatePolicy(ctx, p); err != nil {
				return err
			}
			ps = append(ps, p)
		}
		for zi := range zones {
			z := &store.Zone{Root: fmt.Sprintf("z%03d.test.", zi)}
			if err := tx.CreateZone(ctx, z); err != nil {
				return err
			}
			for ri := range records / zones {
				p := ps[(zi*(records/zones)+ri)%policies]
				rec := &store.Record{ZoneID: z.ID, Name: fmt.Sprintf("r%04d", ri), Type: "POLICY_ROUTED", TTL: 30, Values: []string{p.ID}}
				if err := tx.CreateRecord(ctx, rec); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ps
}

func upProbe(context.Context, *health.Target) (string, error) { return "up", nil }

// BenchmarkPolicyWrites reports writes/s and write-to-answer latency (p50,
// max) for PATCHes that move a policy's traffic from one member to the
// other.
func BenchmarkPolicyWrites(b *testing.B) {
	for range b.N {
		dir := b.TempDir()
		cfg := filepath.Join(dir, "signpost.yaml")
		if err := os.Mkdir(filepath.Join(dir, "zones"), 0o755); err != nil {
			b.Fatal(err)
		}
		servertest.WriteFile(b, cfg, "dns:\n  listen: [127.0.0.1:0]\nhttp:\n  listen: 127.0.0.1:0\ngeoip:\n  database: none\n")
		ctx := context.Background()
		if err := server.EnsureStore(ctx, cfg); err != nil {
			b.Fatal(err)
		}
		st, err := store.Open(ctx, filepath.Join(dir, "signpost.db"))
		if err != nil {
			b.Fatal(err)
		}
		ps := fill(b, st)
		st.Close()
		token, err := server.CreateToken(ctx, cfg, "bench", false)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		state, err := server.Load(ctx, cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "load-s")
		srv, err := server.New(server.Options{Logger: slog.New(slog.DiscardHandler), Probe: upProbe}, state)
		if err != nil {
			b.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- srv.Run(runCtx) }()
		lat, api := writes(b, srv, token, ps)
		cancel()
		<-done
		_ = srv.State().Close()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		total := time.Duration(0)
		for _, l := range lat {
			total += l
		}
		b.ReportMetric(lat[len(lat)/2].Seconds(), "write-to-answer-p50-s")
		b.ReportMetric(lat[len(lat)-1].Seconds(), "write-to-answer-max-s")
		b.ReportMetric(float64(len(lat))/total.Seconds(), "writes/s")
		sort.Slice(api, func(i, j int) bool { return api[i] < api[j] })
		b.ReportMetric(float64(api[len(api)/2].Microseconds())/1000, "api-write-p50-ms")
	}
}

// writes patches policies one by one, disabling the weight-10 member, and
// times each until its record answers with the other member.
// It returns the write-to-answer times and the API's own answer times.
func writes(b *testing.B, srv *server.Server, token string, ps []*model.Policy) (toAnswer, api []time.Duration) {
	dns := srv.DNSAddrs()[0].String()
	for i := range writeCount {
		p := ps[i*97%policies]
		body, _ := json.Marshal(map[string]any{"enabled": false})
		req, _ := http.NewRequest("PATCH", "http://"+srv.HTTPAddr()+"/api/v1/policies/"+p.ID+"/members/"+p.Members[0].ID, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("PATCH: %d %s", resp.StatusCode, msg)
		}
		api = append(api, time.Since(t0))
		// Record r of zone z points at policy (z*1000+r) % 10000.
		idx := i * 97 % policies
		name := fmt.Sprintf("r%04d.z%03d.test.", idx%(records/zones), idx/(records/zones))
		want := []string{p.Members[1].IP.String()}
		for !slices.Equal(servertest.QueryA(dns, name), want) {
			if time.Since(t0) > time.Minute {
				b.Fatalf("%s never answered %v", name, want)
			}
			time.Sleep(time.Millisecond)
		}
		toAnswer = append(toAnswer, time.Since(t0))
	}
	return toAnswer, api
}
