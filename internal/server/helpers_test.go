package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
	"github.com/signpost-dns/signpost/internal/server"
)

// syncBuffer is a log sink safe for the server's goroutines and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// workspace writes a config (DNS and HTTP on 127.0.0.1:0, then extra),
// a zone and a GeoIP database into a temporary directory and returns the
// config path.
func workspace(t *testing.T, zone, extra string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "zones"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := geotest.Write(filepath.Join(dir, "city.mmdb"), geotest.Default); err != nil {
		t.Fatal(err)
	}
	cfg := "dns:\n  listen: [127.0.0.1:0]\nhttp:\n  listen: 127.0.0.1:0\ngeoip:\n  database: city.mmdb\n" + extra
	writeFile(t, filepath.Join(dir, "signpost.yaml"), cfg)
	writeFile(t, zonePath(filepath.Join(dir, "signpost.yaml")), zone)
	return filepath.Join(dir, "signpost.yaml")
}

func zonePath(cfg string) string {
	return filepath.Join(filepath.Dir(cfg), "zones", "example.com.yaml")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// node is a server started by start.
type node struct {
	*server.Server
	dns  string // the first DNS address
	http string
	log  *syncBuffer
	stop func() error // cancels Run and returns its error once it returned
}

// start loads cfg and runs a node until the test ends (or stop).
func start(t *testing.T, cfg string, opts server.Options) *node {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := server.Load(ctx, cfg, nil)
	if err != nil {
		cancel()
		t.Fatalf("load: %v", err)
	}
	n := &node{log: &syncBuffer{}}
	if opts.Logger == nil {
		opts.Logger = newLogger(n.log)
	}
	srv, err := server.New(opts, st)
	if err != nil {
		cancel()
		t.Fatalf("new: %v", err)
	}
	n.Server, n.http = srv, srv.HTTPAddr()
	if a := srv.DNSAddrs(); len(a) > 0 {
		n.dns = a[0].String()
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	var once sync.Once
	var runErr error
	n.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(10 * time.Second):
				runErr = fmt.Errorf("Run did not return within 10s")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = n.stop() })
	return n
}

// dnsA asks for name's A records from a client in 198.51.100.0/24 (ECS),
// which the test GeoIP database places in EU-DE.
func dnsA(addr, name string) []string {
	return queryA(addr, name, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("198.51.100.0").To4()})
}

// queryA returns the A records answered for name over UDP, sorted; nil on
// error.
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
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// client keeps no idle connections, so that no goroutine of a test's
// requests outlives them.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}

func httpGet(url string) (int, string) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
