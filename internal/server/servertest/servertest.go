// Package servertest helps tests that run signpost nodes: a workspace with
// a configuration, a zone and a GeoIP database; DNS and HTTP clients for
// the node's listeners; and waiting for a condition. It sends traffic only
// to the addresses it is given, which tests keep on loopback.
package servertest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
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

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for PostgresURL
	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/geo/geotest"
)

// Apex is the start every test zone shares.
const Apex = `'':
  type: NS
  values: [ns1.example.com.]
ns1: {type: A, value: 127.0.0.1}
`

// ZoneV1 steers www by location: EU-DE clients get 127.0.1.1 (127.0.1.2 is
// down), the rest 127.0.2.1; the backup value is 127.0.0.9.
const ZoneV1 = Apex + `www:
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

// Workspace writes signpost.yaml (DNS and HTTP on 127.0.0.1:0, the test
// GeoIP database, then extra), zones/example.com.yaml holding zone, and
// city.mmdb into a temporary directory, and returns the config's path.
func Workspace(t testing.TB, zone, extra string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "zones"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := geotest.Write(filepath.Join(dir, "city.mmdb"), geotest.Default); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "signpost.yaml")
	WriteFile(t, cfg, "dns:\n  listen: [127.0.0.1:0]\nhttp:\n  listen: 127.0.0.1:0\ngeoip:\n  database: city.mmdb\n"+extra)
	WriteFile(t, ZonePath(cfg), zone)
	return cfg
}

// ZonePath is the path of the workspace's example.com. zone file.
func ZonePath(cfg string) string {
	return filepath.Join(filepath.Dir(cfg), "zones", "example.com.yaml")
}

// WriteFile writes content to path or fails t.
func WriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// QueryA returns the A records answered for name over UDP, sorted; nil on
// error.
func QueryA(addr, name string, opts ...dns.EDNS0) []string {
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

// QueryAFromDE is QueryA from a client in 198.51.100.0/24 (EDNS Client
// Subnet), which the test GeoIP database places in EU-DE.
func QueryAFromDE(addr, name string) []string {
	return QueryA(addr, name, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("198.51.100.0").To4()})
}

// WaitFor polls cond until it holds, failing t after limit.
func WaitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// client keeps no idle connections, so that no goroutine of a test's
// requests outlives them.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}

// HTTPGet returns the status and body of a GET, or 0 and "" on error.
func HTTPGet(url string) (int, string) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// SyncBuffer is a log sink safe for a node's goroutines and a test.
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// PostgresEnv names a PostgreSQL URL; scripts/test.sh sets it to the
// server on 127.0.0.1:5432.
const PostgresEnv = "SIGNPOST_TEST_POSTGRES"

// PostgresURL creates a schema of its own for t in the PostgreSQL that
// PostgresEnv names, drops it when t ends, and returns a URL that uses it;
// "" when PostgresEnv is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return ""
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("creating a schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
