package agent_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/agent"
	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136/rfc2136test"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

var addrs = []string{"127.0.0.21", "127.0.0.22", "127.0.0.23"}

// backends serves /health on 127.0.0.21–23 at one port.
func backends(t *testing.T) ([]*atomic.Bool, uint16) {
	flags, p := servertest.Backends(t, addrs...)
	var port uint16
	fmt.Sscan(p, &port)
	return flags, port
}

// fleet runs one agent per address against one provider until the test
// ends.
type fleet struct {
	t        *testing.T
	record   string
	provider config.Provider
	sets     agent.Sets      // nil: the provider's
	values   func() []string // the record's values, sorted
	partial  string          // why the backend cannot take the last step
	cancel   []context.CancelFunc
	wg       sync.WaitGroup
}

// bindFleet is a fleet whose record lives at a real BIND.
func bindFleet(t *testing.T) *fleet {
	ns := rfc2136test.StartBIND(t, "example.com.")
	key := ns.Key
	return &fleet{t: t, record: "www.example.com.",
		provider: config.Provider{Type: "rfc2136", Server: ns.Addr, TSIG: &config.TSIG{Name: key.Name, Algorithm: "hmac-sha256", Secret: key.Secret}},
		values:   func() []string { return servertest.QueryA(ns.Addr, "www.example.com.") }}
}

func (f *fleet) cfg(addr string, port uint16, quorum string) *agent.Config {
	return &agent.Config{Record: f.record, Type: "A", TTL: 30, Provider: f.provider,
		Self: agent.Self{Address: addr}, Check: agent.Check{Protocol: "HTTP", Port: port, Path: "/health"},
		Interval: config.Duration(200 * time.Millisecond), Timeout: config.Duration(100 * time.Millisecond), Failures: 2, Quorum: quorum}
}

func (f *fleet) start(c *agent.Config) {
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = append(f.cancel, cancel)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		run := func() error { return agent.Run(ctx, c, slog.New(slog.DiscardHandler)) }
		if f.sets != nil {
			run = func() error { return agent.RunWith(ctx, c, slog.New(slog.DiscardHandler), f.sets) }
		}
		if err := run(); err != nil {
			f.t.Errorf("agent %s: %v", c.Self.Address, err)
		}
	}()
}

func (f *fleet) stop() {
	for _, c := range f.cancel {
		c()
	}
	f.wg.Wait()
}

func (f *fleet) waitFor(what string, want ...string) {
	f.t.Helper()
	servertest.WaitFor(f.t, 15*time.Second, what, func() bool { return slices.Equal(f.values(), want) })
}

// TestAgentsAgainstBIND: three agents register themselves; a dead backend
// is taken out by the others and put back by its own agent; with every
// backend dead the record keeps one value.
func TestAgentsAgainstBIND(t *testing.T) { agents(t, bindFleet(t)) }

func agents(t *testing.T, f *fleet) {
	up, port := backends(t)
	defer f.stop()
	for _, i := range []int{2, 0, 1} { // any start order
		f.start(f.cfg(addrs[i], port, "majority"))
	}
	f.waitFor("all three register", addrs...)
	up[1].Store(false)
	t0 := time.Now()
	f.waitFor("the others remove the dead one", addrs[0], addrs[2])
	t.Logf("removed %v after its backend stopped (interval 200ms, failures 2)", time.Since(t0))
	if f.partial != "" {
		t.Log("not run here: the recovery and all-down steps, where agents write at once:", f.partial)
		return
	}
	up[1].Store(true)
	f.waitFor("its own agent puts it back", addrs...)
	for _, u := range up {
		u.Store(false)
	}
	servertest.WaitFor(t, 15*time.Second, "one value left", func() bool { return len(f.values()) == 1 })
	time.Sleep(time.Second)
	if got := f.values(); len(got) != 1 {
		t.Errorf("with every backend dead the record holds %v, want one value", got)
	}
}

// TestBrokenChecker: one agent's checker sees every peer dead (it passes
// only for its own address). With quorum: majority nobody is removed; with
// quorum: none it removes what it can, but never the last value.
func TestBrokenChecker(t *testing.T) {
	_, port := backends(t)
	for _, quorum := range []string{"majority", "none"} {
		t.Run(quorum, func(t *testing.T) {
			f := bindFleet(t)
			defer f.stop()
			for _, a := range addrs[1:] {
				f.start(f.cfg(a, port, quorum))
			}
			broken := f.cfg(addrs[0], port, quorum)
			broken.Check = agent.Check{Command: []string{"test", "{address}", "=", addrs[0]}}
			f.start(broken)
			if quorum == "majority" {
				f.waitFor("all three register", addrs...)
				time.Sleep(2 * time.Second) // ten intervals
				if got := f.values(); !slices.Equal(got, addrs) {
					t.Errorf("a broken checker outvoted: %v", got)
				}
				return
			}
			servertest.WaitFor(t, 15*time.Second, "the record keeps at least one value", func() bool { return len(f.values()) >= 1 })
			time.Sleep(2 * time.Second)
			if got := f.values(); len(got) == 0 {
				t.Error("the record went dark")
			}
		})
	}
}

// TestAgentsAgainstRoute53 runs the same fleet against Route53: the
// agents find the hosted zone and write by a DELETE of exactly what they
// read and a CREATE, in one batch. On the fake, which refuses a DELETE
// whose values differ as Route53 does, every step runs; on moto only
// registration and removal, since moto takes such a DELETE, so racing
// writes can clobber each other there.
func TestAgentsAgainstRoute53(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		fake := r53fake.New()
		p := route53.New(route53.Options{Name: "r53", API: fake, RPS: 1e6})
		zone := "agents.test."
		if _, err := fake.CreateHostedZone(context.Background(), &awsr53.CreateHostedZoneInput{Name: aws.String(zone), CallerReference: aws.String(zone)}); err != nil {
			t.Fatal(err)
		}
		agents(t, route53Fleet(t, fake, zone, agent.Route53Sets(p), config.Provider{Type: "route53"}))
	})
	t.Run("moto", func(t *testing.T) {
		ep, r53 := servertest.Route53(t)
		zone := fmt.Sprintf("z%d.agents.test.", time.Now().UnixNano())
		if _, err := r53.CreateHostedZone(context.Background(), &awsr53.CreateHostedZoneInput{Name: aws.String(zone), CallerReference: aws.String(zone)}); err != nil {
			t.Fatal(err)
		}
		t.Setenv("AGENT_AWS_KEY", "test")
		f := route53Fleet(t, r53, zone, nil, config.Provider{Type: "route53", Endpoint: ep, AccessKeyID: "env/AGENT_AWS_KEY",
			SecretAccessKey: "env/AGENT_AWS_KEY", RequestsPerSecond: 1000})
		f.partial = "moto takes a DELETE whose values differ from the set's, so compare-and-swap cannot hold"
		agents(t, f)
	})
}

// route53Fleet is a fleet whose record is www in zone, read back through
// api.
func route53Fleet(t *testing.T, api route53.API, zone string, sets agent.Sets, prov config.Provider) *fleet {
	record := "www." + zone
	return &fleet{t: t, record: record, provider: prov, sets: sets,
		values: func() []string {
			zones, err := api.ListHostedZonesByName(context.Background(), &awsr53.ListHostedZonesByNameInput{DNSName: aws.String(zone)})
			if err != nil || len(zones.HostedZones) == 0 {
				return nil
			}
			out, err := api.ListResourceRecordSets(context.Background(), &awsr53.ListResourceRecordSetsInput{HostedZoneId: zones.HostedZones[0].Id})
			if err != nil {
				return nil
			}
			var vals []string
			for _, s := range out.ResourceRecordSets {
				if aws.ToString(s.Name) == record && s.Type == types.RRTypeA {
					for _, rr := range s.ResourceRecords {
						vals = append(vals, aws.ToString(rr.Value))
					}
				}
			}
			slices.Sort(vals)
			return vals
		}}
}

// TestAgentsAgainstSignpost runs the fleet against a signpost server's
// API, the record in a store zone, and reads it back from that server's
// DNS listener with real queries.
func TestAgentsAgainstSignpost(t *testing.T) {
	cfg := servertest.Workspace(t, servertest.Apex, "")
	ctx, cancel := context.WithCancel(context.Background())
	if err := server.EnsureStore(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	token, err := server.CreateToken(ctx, cfg, "agents", false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := server.Load(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Logger: slog.New(slog.DiscardHandler)}, st)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() { cancel(); <-done; _ = srv.State().Close() }()
	base := "http://" + srv.HTTPAddr()
	req, _ := http.NewRequest("POST", base+"/api/v1/zones", strings.NewReader(`{"root": "example.org"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("creating the zone: %v %v", err, resp)
	}
	t.Setenv("AGENT_TOKEN", token)
	dnsAddr := srv.DNSAddrs()[0].String()
	agents(t, &fleet{t: t, record: "www.example.org.", provider: config.Provider{Type: "signpost", URL: base, Token: "env/AGENT_TOKEN"},
		values: func() []string { return servertest.QueryA(dnsAddr, "www.example.org.") }})
}
