package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/geo/geotest"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// workspace writes a config, a zone and a GeoIP database into a temporary
// directory and returns the config path.
func workspace(t *testing.T, dnsAddr, httpAddr, zone string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "zones"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := geotest.Write(filepath.Join(dir, "city.mmdb"), geotest.Default); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("dns:\n  listen: [%q]\nhttp:\n  listen: %q\ngeoip:\n  database: city.mmdb\nzones:\n  directory: zones\n", dnsAddr, httpAddr)
	writeFile(t, filepath.Join(dir, "signpost.yaml"), cfg)
	writeFile(t, filepath.Join(dir, "zones", "example.com.yaml"), zone)
	return filepath.Join(dir, "signpost.yaml")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// apex is the start every test zone shares.
const apex = `'':
  type: NS
  values: [ns1.example.com.]
ns1: {type: A, value: 127.0.0.1}
`

const zoneV1 = apex + `www:
  type: A
  values: [127.0.0.9]
  dynamic:
    pools:
      eu:
        values: [{value: 127.0.1.1, status: up}, {value: 127.0.1.2, status: down}]
      rest:
        values: [{value: 127.0.2.1, status: up}]
    rules:
      - geos: [EU-DE]
        pool: eu
      - pool: rest
`

func TestVersion(t *testing.T) {
	code, out, _ := runCmd("version")
	if code != 0 || !strings.HasPrefix(out, "signpost ") {
		t.Fatalf("code %d out %q", code, out)
	}
}

func TestUsage(t *testing.T) {
	if code, _, errs := runCmd("bogus"); code != 2 || !strings.Contains(errs, `unknown command "bogus"`) {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	if code, _, errs := runCmd("validate", "--help"); code != 0 || !strings.Contains(errs, "--config") && !strings.Contains(errs, "-config") {
		t.Fatalf("code %d stderr %q", code, errs)
	}
}

func TestValidateQuickstart(t *testing.T) {
	code, out, errs := runCmd("validate", "--config", "../../examples/quickstart/signpost.yaml")
	if code != 0 || !strings.Contains(out, "ok: 1 zone(s), 8 record(s), 1 dynamic") {
		t.Fatalf("code %d out %q err %q", code, out, errs)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	bad := zoneV1 + "bad:\n  type: A\n  values: [1.2.3]\nworse:\n  type: CNAME\n  value: nodot\n"
	cfg := workspace(t, "127.0.0.1:0", "", bad)
	code, _, errs := runCmd("validate", "--config", cfg)
	zone := filepath.Join(filepath.Dir(cfg), "zones", "example.com.yaml")
	for _, want := range []string{
		zone + `:20: bad.example.com. A: invalid IPv4 address "1.2.3"`,
		zone + `:23: worse.example.com. CNAME: CNAME value "nodot" missing trailing .`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestValidateBadConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "signpost.yaml"), "dns:\n  port: 53\n")
	code, _, errs := runCmd("validate", "--config", filepath.Join(dir, "signpost.yaml"))
	if code != 1 || !strings.Contains(errs, "line 2: field port not found") {
		t.Fatalf("code %d stderr %q", code, errs)
	}
}

func TestQueryExplains(t *testing.T) {
	cfg := workspace(t, "127.0.0.1:0", "", zoneV1)
	code, out, errs := runCmd("query", "--config", cfg, "www.example.com", "A", "--subnet", "198.51.100.0/24")
	if code != 0 {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	for _, want := range []string{
		";; client: ECS 198.51.100.0/24",
		";; location: EU-DE (network /24)",
		"rule 1 (EU-DE -> eu) matched: location EU-DE is in EU-DE",
		"pool eu value 127.0.1.2 weight 1 status down: not eligible: status down",
		"pool eu answered 127.0.1.1",
		"ECS scope /24",
		"www.example.com.\t3600\tIN\tA\t127.0.1.1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestServeRefusesInvalidZones(t *testing.T) {
	cfg := workspace(t, "127.0.0.1:0", "", "www:\n  type: A\n  value: nope\n")
	code, _, errs := runCmd("serve", "--config", cfg)
	if code != 1 || !strings.Contains(errs, `invalid IPv4 address "nope"`) || !strings.Contains(errs, "not starting") {
		t.Fatalf("code %d stderr %q", code, errs)
	}
}

// dnsA asks for name's A records from a client in 198.51.100.0/24 (ECS).
func dnsA(t *testing.T, addr, name string) []string {
	t.Helper()
	return queryA(addr, name, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("198.51.100.0").To4()})
}

// queryA returns the A records answered for name, sorted; nil on error.
func queryA(addr, name string, opts ...dns.EDNS0) []string {
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeA)
	if len(opts) > 0 {
		m.Extra = append(m.Extra, &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}, Option: opts})
	}
	r, _, err := (&dns.Client{Timeout: time.Second}).Exchange(m, addr)
	if err != nil {
		return nil
	}
	var out []string
	for _, rr := range r.Answer {
		if a, ok := rr.(*dns.A); ok {
			out = append(out, a.A.String())
		}
	}
	sort.Strings(out)
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitForUpTo(t, 10*time.Second, what, cond)
}

func waitForUpTo(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func httpGet(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServe runs the serve command on ports the kernel picks, reads the
// bound addresses from its log, queries it, and stops it with its context
// (SIGINT and SIGTERM cancel that context in main).
func TestServe(t *testing.T) {
	cfg := workspace(t, "127.0.0.1:0", "127.0.0.1:0", zoneV1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--config", cfg}, io.Discard, &stderr) }()
	var dnsAddr, httpAddr string
	waitFor(t, "the listeners in the log", func() bool {
		dnsAddr, httpAddr = logged(stderr.String(), "dns listening"), logged(stderr.String(), "http listening")
		return dnsAddr != "" && httpAddr != ""
	})
	if a := dnsA(t, dnsAddr, "www.example.com."); len(a) != 1 || a[0] != "127.0.1.1" {
		t.Errorf("answer %v, want [127.0.1.1]", a)
	}
	if code, body := httpGet("http://" + httpAddr + "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz %d %q", code, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if a := dnsA(t, dnsAddr, "www.example.com."); a != nil {
		t.Errorf("still answering after shutdown: %v", a)
	}
}

// logged returns the addr= of the first log line with msg, or "".
func logged(log, msg string) string {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, `msg="`+msg+`"`) {
			if _, rest, ok := strings.Cut(line, " addr="); ok {
				addr, _, _ := strings.Cut(rest, " ")
				return addr
			}
		}
	}
	return ""
}
