package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/signpost-dns/signpost/internal/provider/rfc2136/rfc2136test"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// serveEnv makes the test binary a serving node for the config it names,
// as `signpost serve` is, so that a test can kill it with SIGKILL.
const serveEnv = "SIGNPOST_TEST_SERVE"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(serveEnv); cfg != "" {
		os.Exit(serveChild(cfg))
	}
	os.Exit(m.Run())
}

func serveChild(cfg string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := server.Load(ctx, cfg, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv, err := server.New(server.Options{}, st)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := srv.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// child starts a serving node for cfg in a process of its own.
func child(t *testing.T, cfg string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+cfg)
	log, err := os.Create(filepath.Join(filepath.Dir(cfg), fmt.Sprintf("node-%d.log", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return portOf(l.Addr().String())
}

// TestKillDuringRoute53Push kills a serving node with SIGKILL while its
// reconciler is pushing store zones to Route53 (the emulator), health
// checks made and zones still dirty. The next start converges: every zone
// pushed, one health check per IP, each used by a record set; none
// orphaned.
func TestKillDuringRoute53Push(t *testing.T) {
	ep, r53 := servertest.Route53(t)
	t.Setenv("TEST_AWS_KEY", "test")
	// addresses of this run's own: the emulator outlives test runs
	block := fmt.Sprintf("127.%d.%d", 70+rand.IntN(50), rand.IntN(250))
	var ips []string
	for i := 1; i <= 16; i++ {
		ips = append(ips, fmt.Sprintf("%s.%d", block, i))
	}
	_, port := servertest.Backends(t, ips...)
	cfg, rw := storeWorkspaceAt(t, "", fmt.Sprintf("providers:\n  r53:\n    type: route53\n    access_key_id: env/TEST_AWS_KEY\n"+
		"    secret_access_key: env/TEST_AWS_KEY\n    endpoint: %s\n    requests_per_second: 4\nreconcile: {interval: 100ms, drift_interval: 1h}\n"+
		"policies:\n  healthcheck: {protocol: HTTP, port: %s, path: /health}\n", ep, port))
	httpAddr := "127.0.0.1:" + freePort(t)
	b, _ := os.ReadFile(cfg)
	servertest.WriteFile(t, cfg, strings.Replace(string(b), "http:\n  listen: 127.0.0.1:0", "http:\n  listen: "+httpAddr, 1))
	admin := api{t, "http://" + httpAddr, rw}

	first := child(t, cfg)
	waitFor(t, "the first node's API", func() bool { s, _ := servertest.HTTPGet("http://" + httpAddr + "/healthz"); return s == 200 })
	stamp := time.Now().UnixNano()
	var zoneIDs, roots []string
	for i := range 8 {
		admin.must(201, "POST", "/api/v1/ips", map[string]any{"address": ips[2*i]}, nil)
		admin.must(201, "POST", "/api/v1/ips", map[string]any{"address": ips[2*i+1]}, nil)
		var p, z struct{ ID string }
		admin.must(201, "POST", "/api/v1/policies", map[string]any{"name": fmt.Sprintf("p%d", i), "routing": "weighted", "members": []map[string]any{
			{"ip": ips[2*i], "region": "eu-west-1", "weight": 10}, {"ip": ips[2*i+1], "region": "eu-west-1", "weight": 10}}}, &p)
		root := fmt.Sprintf("z%d-%d.kill.net.", i, stamp)
		admin.must(201, "POST", "/api/v1/zones", map[string]any{"root": root, "targets": []string{"r53"}}, &z)
		admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "www", "type": "POLICY_ROUTED", "values": []string{p.ID}}, nil)
		zoneIDs, roots = append(zoneIDs, z.ID), append(roots, root)
	}
	dirty := func() int {
		n := 0
		for _, id := range zoneIDs {
			var z struct {
				Dirty bool
				Error string
			}
			if admin.do("GET", "/api/v1/zones/"+id, nil, &z) != 200 || z.Dirty || z.Error != "" {
				n++
			}
		}
		return n
	}
	left := 0
	servertest.WaitFor(t, 30*time.Second, "a push under way", func() bool {
		time.Sleep(200 * time.Millisecond) // the emulator is shared: list its checks gently
		left = dirty()
		return left > 0 && len(ourChecks(t, r53, ips)) > 0
	})
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	t.Logf("killed with %d of 8 zones not pushed and %d health checks made", left, len(ourChecks(t, r53, ips)))

	child(t, cfg)
	waitFor(t, "the second node's API", func() bool { s, _ := servertest.HTTPGet("http://" + httpAddr + "/healthz"); return s == 200 })
	servertest.WaitFor(t, 90*time.Second, "every zone pushed after the restart", func() bool { return dirty() == 0 })
	checks := ourChecks(t, r53, ips)
	used := map[string]bool{}
	for _, root := range roots {
		for _, id := range checkIDsOf(t, r53, root) {
			used[id] = true
		}
	}
	perIP := map[string]int{}
	for id, ip := range checks {
		perIP[ip]++
		if !used[id] {
			t.Errorf("health check %s of %s is orphaned: no record set uses it", id, ip)
		}
	}
	for _, ip := range ips {
		if perIP[ip] != 1 {
			t.Errorf("%s has %d health checks, want 1", ip, perIP[ip])
		}
	}
}

// ourChecks returns the emulator's health checks of ips, id -> ip.
func ourChecks(t *testing.T, c *awsr53.Client, ips []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var marker *string
	for {
		res, err := c.ListHealthChecks(context.Background(), &awsr53.ListHealthChecksInput{Marker: marker, MaxItems: aws.Int32(1000)})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.HealthChecks {
			if ip := aws.ToString(h.HealthCheckConfig.IPAddress); slices.Contains(ips, ip) {
				out[aws.ToString(h.Id)] = ip
			}
		}
		if !res.IsTruncated {
			return out
		}
		marker = res.NextMarker
	}
}

// checkIDsOf returns the health check ids the record sets of root use.
func checkIDsOf(t *testing.T, c *awsr53.Client, root string) []string {
	t.Helper()
	id := hostedZoneID(t, c, root)
	if id == "" {
		t.Fatalf("no hosted zone %s", root)
	}
	res, err := c.ListResourceRecordSets(context.Background(), &awsr53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range res.ResourceRecordSets {
		if s.HealthCheckId != nil {
			out = append(out, aws.ToString(s.HealthCheckId))
		}
	}
	return out
}

// TestKillDuringRFC2136Push kills a serving node with SIGKILL while it is
// pushing a zone of 30,000 records to a real BIND in UPDATE messages: the
// next start converges, and BIND then holds exactly the zone file's
// records (a transfer and a plan find nothing to change).
func TestKillDuringRFC2136Push(t *testing.T) {
	ns := rfc2136test.StartBIND(t, "example.com.")
	t.Setenv("TEST_TSIG", ns.Key.Secret)
	var zone strings.Builder
	const n = 30000
	for i := range n {
		fmt.Fprintf(&zone, "h%d:\n  type: A\n  value: 127.6.%d.%d\n", i, i/250, i%250+1)
	}
	cfg := servertest.Workspace(t, zone.String(), fmt.Sprintf("zones:\n  targets: [ns1]\nproviders:\n  ns1:\n    type: rfc2136\n    server: %s\n"+
		"    tsig: {name: %s, algorithm: hmac-sha256, secret: env/TEST_TSIG}\nreconcile: {interval: 200ms}\n", ns.Addr, ns.Key.Name))
	first := child(t, cfg)
	// Killed once BIND has some of the records and not yet all.
	servertest.WaitFor(t, 30*time.Second, "a push under way", func() bool {
		got := servertest.QueryA(ns.Addr, "h100.example.com.")
		last := servertest.QueryA(ns.Addr, fmt.Sprintf("h%d.example.com.", n-1))
		return len(got) == 1 && len(last) == 0
	})
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	if got := servertest.QueryA(ns.Addr, fmt.Sprintf("h%d.example.com.", n-1)); len(got) != 0 {
		t.Fatal("the push had finished before the kill")
	}

	child(t, cfg)
	servertest.WaitFor(t, 60*time.Second, "the last record on BIND", func() bool {
		return slices.Equal(servertest.QueryA(ns.Addr, fmt.Sprintf("h%d.example.com.", n-1)), []string{fmt.Sprintf("127.6.%d.%d", (n-1)/250, (n-1)%250+1)})
	})
	st, err := server.Load(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	servertest.WaitFor(t, 30*time.Second, "a plan with nothing to change", func() bool {
		p, err := ns.Provider(t).Plan(context.Background(), st.Zones[0])
		return err == nil && len(p.Changes) == 0
	})
}
