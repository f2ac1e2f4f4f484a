package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// api calls a node's REST API.
type api struct {
	t     *testing.T
	base  string
	token string
}

// do sends body (nil for none) and decodes the answer into out (nil to
// drop it); it returns the status.
func (a api) do(method, path string, body, out any) int {
	a.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, a.base+path, rd)
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func (a api) must(want int, method, path string, body, out any) {
	a.t.Helper()
	var raw json.RawMessage
	if got := a.do(method, path, body, &raw); got != want {
		a.t.Fatalf("%s %s: HTTP %d, want %d: %s", method, path, got, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

// TestRestAPI drives a node through its REST API on SQLite and, when
// scripts/test.sh names one, PostgreSQL: tokens, IPs with real HTTP
// backends, a policy, a store zone with a policy record, answers that
// follow writes and health, validation that stores nothing, events, and a
// restart that keeps everything.
func TestRestAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { restAPI(t, "") })
	if url := servertest.PostgresURL(t); url != "" {
		t.Run("postgres", func(t *testing.T) { restAPI(t, url) })
	}
}

func restAPI(t *testing.T, storeURL string) {
	bk := newFlipper(t, "127.0.0.31:0")
	port := portOf(bk.addr)
	if _, err := serveFlipperAt(t, "127.0.0.32:"+port); err != nil {
		t.Skipf("127.0.0.32:%s is taken: %v", port, err)
	}
	cfg, rw := storeWorkspaceAt(t, storeURL, fmt.Sprintf("healthcheck: {interval: 200ms, timeout: 100ms, failures: 1, successes: 1}\npolicies:\n  healthcheck: {protocol: HTTP, port: %s, host: app.example.com, path: /health}\n", port))
	ro, _ := server.CreateToken(context.Background(), cfg, "viewer", true)
	n := start(t, cfg, server.Options{})
	base := "http://" + n.http
	anon, admin, viewer := api{t, base, ""}, api{t, base, rw}, api{t, base, ro}

	if got := anon.do("GET", "/api/v1/ips", nil, nil); got != http.StatusUnauthorized {
		t.Errorf("no token: HTTP %d", got)
	}
	if got := viewer.do("POST", "/api/v1/ips", map[string]any{"address": "127.0.0.31"}, nil); got != http.StatusForbidden {
		t.Errorf("read-only token writing: HTTP %d", got)
	}
	admin.must(201, "POST", "/api/v1/ips", map[string]any{"address": "127.0.0.31", "hostname": "node1.example.net"}, nil)
	admin.must(201, "POST", "/api/v1/ips", map[string]any{"address": "127.0.0.32"}, nil)
	var p struct{ ID string }
	admin.must(201, "POST", "/api/v1/policies", map[string]any{"name": "web", "routing": "weighted",
		"members": []map[string]any{{"ip": "127.0.0.31", "region": "eu-west-1", "weight": 10}, {"ip": "127.0.0.32", "region": "eu-west-1", "weight": 10}}}, &p)
	var z struct{ ID string }
	admin.must(201, "POST", "/api/v1/zones", map[string]any{"root": "example.org"}, &z)
	admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "www", "type": "POLICY_ROUTED", "values": []string{p.ID}}, nil)
	waitFor(t, "both members answer", func() bool { return answersOver(n.dns, "www.example.org.", "127.0.0.31", "127.0.0.32") })

	// Bad input: every problem at once, with zinc's messages, and nothing stored.
	var fe map[string][]string
	if got := admin.do("POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "_zn_x", "type": "CNAME", "values": []string{"a.example.com.", "b.example.com."}, "ttl": 0}, &fe); got != 400 ||
		!slices.Contains(fe["name"], "Record _zn_x can't start with _zn. It's a reserved prefix.") || !slices.Contains(fe["ttl"], "Ensure this value is greater than or equal to 1.") {
		t.Errorf("bad record: HTTP %d %v", got, fe)
	}
	fe = nil
	if got := admin.do("POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "www", "type": "CNAME", "values": []string{"x.example.com."}}, &fe); got != 400 ||
		!slices.Contains(fe["name"], "A POLICY_ROUTED record of the same name already exists.") {
		t.Errorf("a CNAME beside a policy record: HTTP %d %v", got, fe)
	}
	var records []map[string]any
	admin.must(200, "GET", "/api/v1/zones/"+z.ID+"/records", nil, &records)
	if len(records) != 1 {
		t.Errorf("%d records after refused writes, want 1", len(records))
	}

	// Health: a failing backend leaves the answers and comes back.
	bk.status.Store(503)
	waitFor(t, "127.0.0.31 leaves", func() bool { return answersOver(n.dns, "www.example.org.", "127.0.0.32") })
	var ips []map[string]any
	admin.must(200, "GET", "/api/v1/ips", nil, &ips)
	if ips[0]["state"] != "down" || ips[0]["last_error"] != "HTTP 503" {
		_, h := servertest.HTTPGet(base + "/api/v1/health")
		t.Errorf("live health of 127.0.0.31: %v\n%s", ips[0], h)
	}
	var health struct {
		Events []struct{ Actor, Kind, Subject string }
	}
	waitFor(t, "the transition in the event log", func() bool {
		viewer.must(200, "GET", "/api/v1/events?limit=20", nil, &health)
		return slices.ContainsFunc(health.Events, func(e struct{ Actor, Kind, Subject string }) bool {
			return e.Actor == "health" && e.Kind == "health.down" && e.Subject == "127.0.0.31"
		})
	})
	bk.status.Store(200)
	waitFor(t, "127.0.0.31 comes back", func() bool { return answersOver(n.dns, "www.example.org.", "127.0.0.31", "127.0.0.32") })

	// Disabling through the API; the last enabled member cannot go.
	admin.must(200, "PATCH", "/api/v1/ips/127.0.0.32", map[string]any{"enabled": false}, nil)
	waitFor(t, "a disabled IP leaves", func() bool { return answersOver(n.dns, "www.example.org.", "127.0.0.31") })
	fe = nil
	if got := admin.do("PATCH", "/api/v1/ips/127.0.0.31", map[string]any{"enabled": false}, &fe); got != 409 ||
		!strings.Contains(strings.Join(fe["non_field_errors"], " "), `Policy "web" has no enabled IPv4 member.`) {
		t.Errorf("disabling the last member: HTTP %d %v", got, fe)
	}

	var page struct {
		Events []struct{ Actor, Kind string }
	}
	viewer.must(200, "GET", "/api/v1/events?limit=50", nil, &page)
	page.Events = slices.DeleteFunc(page.Events, func(e struct{ Actor, Kind string }) bool { return e.Actor == "health" })
	if len(page.Events) < 3 || page.Events[0].Kind != "ip.update" || page.Events[0].Actor != "ops" {
		t.Errorf("events %+v", page.Events)
	}

	// A restart keeps everything.
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	n2 := start(t, cfg, server.Options{})
	waitFor(t, "answers after a restart", func() bool { return answersOver(n2.dns, "www.example.org.", "127.0.0.31") })
}

// storeWorkspaceAt is a workspace with extra config whose store is at
// storeURL ("" for SQLite beside the config), created, with a read-write
// token called ops.
func storeWorkspaceAt(t *testing.T, storeURL, extra string) (cfg, token string) {
	t.Helper()
	if storeURL != "" {
		extra += fmt.Sprintf("store: {url: %q}\n", storeURL)
	}
	cfg = servertest.Workspace(t, servertest.ZoneV1, extra)
	ctx := context.Background()
	if err := server.EnsureStore(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	token, err := server.CreateToken(ctx, cfg, "ops", false)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, token
}

// answersOver reports whether 20 queries of name saw every one of want and
// nothing else.
func answersOver(addr, name string, want ...string) bool {
	seen := map[string]bool{}
	for range 20 {
		got := servertest.QueryA(addr, name)
		if len(got) != 1 || !slices.Contains(want, got[0]) {
			return false
		}
		seen[got[0]] = true
	}
	return len(seen) == len(want)
}

// TestLatencyPolicyOverDNS: a latency policy made through the API answers
// real DNS queries by the client's place, with the location's network as
// ECS scope: ECS from Berlin (the test database has its coordinates) goes
// to Frankfurt, from Sydney to Tokyo (nearer than Cape Town and Frankfurt),
// from Japan (no coordinates: Japan's representative point) to Tokyo, and
// from a network the database does not know to the first region by name.
func TestLatencyPolicyOverDNS(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { latencyOverDNS(t, "") })
	if url := servertest.PostgresURL(t); url != "" {
		t.Run("postgres", func(t *testing.T) { latencyOverDNS(t, url) })
	}
}

func latencyOverDNS(t *testing.T, storeURL string) {
	cfg, token := storeWorkspaceAt(t, storeURL, "policies:\n  healthcheck: {protocol: TCP, port: 1}\n")
	n := start(t, cfg, server.Options{Probe: upProbe})
	admin := api{t, "http://" + n.http, token}
	for _, ip := range []string{"127.0.5.1", "127.0.5.2", "127.0.5.3"} {
		admin.must(201, "POST", "/api/v1/ips", map[string]any{"address": ip}, nil)
	}
	var p, z struct{ ID string }
	admin.must(201, "POST", "/api/v1/policies", map[string]any{"name": "cdn", "members": []map[string]any{
		{"ip": "127.0.5.1", "region": "af-south-1"}, {"ip": "127.0.5.2", "region": "ap-northeast-1"}, {"ip": "127.0.5.3", "region": "eu-central-1"}}}, &p)
	admin.must(201, "POST", "/api/v1/zones", map[string]any{"root": "example.org."}, &z)
	admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "cdn", "type": "POLICY_ROUTED", "values": []string{p.ID}}, nil)
	for _, tc := range []struct {
		client string
		want   string
		scope  uint8 // 0: not checked
	}{
		{"198.51.100.0", "127.0.5.3", 24}, // Berlin
		{"2001:db8::", "127.0.5.2", 32},   // Sydney
		{"203.0.113.0", "127.0.5.2", 24},  // Japan
		{"100.64.0.0", "127.0.5.1", 0},    // unknown: af-south-1 comes first by name
	} {
		waitFor(t, tc.client, func() bool {
			got, scope := queryECS(t, n.dns, "cdn.example.org.", tc.client)
			return slices.Equal(got, []string{tc.want}) && (tc.scope == 0 || scope == tc.scope)
		})
	}
}

// queryECS asks name's A records for a client network (/24 or /32 for
// IPv6) and returns them with the answer's ECS scope.
func queryECS(t *testing.T, addr, name, client string) ([]string, uint8) {
	t.Helper()
	ip := net.ParseIP(client)
	family, bits := uint16(1), uint8(24)
	if ip.To4() == nil {
		family, bits = 2, 32
	} else {
		ip = ip.To4()
	}
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeA)
	m.Extra = append(m.Extra, &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}, Option: []dns.EDNS0{
		&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: family, SourceNetmask: bits, Address: ip}}})
	r, _, err := (&dns.Client{Timeout: time.Second}).Exchange(m, addr)
	if err != nil {
		return nil, 0
	}
	var out []string
	for _, rr := range r.Answer {
		if a, ok := rr.(*dns.A); ok {
			out = append(out, a.A.String())
		}
	}
	var scope uint8
	if opt := r.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			if s, ok := o.(*dns.EDNS0_SUBNET); ok {
				scope = s.SourceScope
			}
		}
	}
	return out, scope
}
