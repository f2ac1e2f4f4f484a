// Package rfc2136test starts real authoritative servers (BIND 9, Knot
// DNS, PowerDNS) for tests: each on loopback at a random high port, holding one zone
// with nothing but its SOA and NS, taking updates and transfers for a
// fresh TSIG key.
package rfc2136test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/provider/rfc2136"
)

// Server is a real authoritative server started for one test.
type Server struct {
	Kind string // bind or knot
	Addr string // 127.0.0.x:port
	Key  rfc2136.TSIG
	// Reader is a key allowed to transfer the zone but not to update it.
	Reader rfc2136.TSIG
}

// Starter starts a server holding zone.
type Starter func(t testing.TB, zone string) *Server

// Servers are the servers installed here (scripts/test.sh installs them);
// it skips t when there is none.
func Servers(t testing.TB) map[string]Starter {
	out := map[string]Starter{}
	if _, err := exec.LookPath("named"); err == nil {
		out["bind"] = StartBIND
	}
	if _, err := exec.LookPath("knotd"); err == nil {
		out["knot"] = StartKnot
	}
	if _, err := exec.LookPath("pdns_server"); err == nil {
		if _, err := os.Stat(pdnsSchema); err == nil {
			out["powerdns"] = StartPowerDNS
		}
	}
	if len(out) == 0 {
		t.Skip("neither named nor knotd is installed: run scripts/test.sh, which installs bind9 and knot")
	}
	return out
}

// Provider returns a provider for s named ns1, with s's key.
func (s *Server) Provider(t testing.TB) *rfc2136.Provider { return s.ProviderWith(t, s.Key) }

// ProviderWith returns a provider for s named ns1, with key.
func (s *Server) ProviderWith(t testing.TB, key rfc2136.TSIG) *rfc2136.Provider {
	t.Helper()
	p, err := rfc2136.New(rfc2136.Options{Name: "ns1", Server: s.Addr, TSIG: &key})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newKey(name string) rfc2136.TSIG {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return rfc2136.TSIG{Name: name, Algorithm: "hmac-sha256", Secret: base64.StdEncoding.EncodeToString(b)}
}

const zoneFile = `$TTL 300
@ IN SOA ns1.%[1]s hostmaster.%[1]s 1 3600 600 86400 300
@ IN NS ns1.signpost.invalid.
`

// StartBIND runs named -g on 127.0.0.1 (named listens only on addresses
// an interface has) and a random high port.
func StartBIND(t testing.TB, zone string) *Server {
	dir := t.TempDir()
	key, reader := newKey("signpost-key."), newKey("reader.")
	write(t, filepath.Join(dir, "db"), fmt.Sprintf(zoneFile, zone))
	return start(t, "bind", "127.0.0.1", zone, key, reader, func(port int) *exec.Cmd {
		write(t, filepath.Join(dir, "named.conf"), fmt.Sprintf(`options {
  directory "%[1]s";
  pid-file "%[1]s/named.pid";
  listen-on port %[2]d { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
};
key "%[3]s" { algorithm hmac-sha256; secret "%[4]s"; };
key "%[6]s" { algorithm hmac-sha256; secret "%[7]s"; };
controls { };
zone "%[5]s" {
  type primary;
  file "%[1]s/db";
  update-policy { grant %[3]s zonesub ANY; };
  allow-transfer { key %[3]s; key %[6]s; };
  check-integrity no; # the suite's MX points at a name without an address
};
`, dir, port, key.Name, key.Secret, zone, reader.Name, reader.Secret))
		return exec.Command("named", "-g", "-u", "root", "-c", filepath.Join(dir, "named.conf"))
	})
}

// StartKnot runs knotd on 127.0.0.52 and a random high port.
func StartKnot(t testing.TB, zone string) *Server {
	dir := t.TempDir()
	key, reader := newKey("signpost-key."), newKey("reader.")
	write(t, filepath.Join(dir, zone+"zone"), fmt.Sprintf(zoneFile, zone))
	return start(t, "knot", "127.0.0.52", zone, key, reader, func(port int) *exec.Cmd {
		write(t, filepath.Join(dir, "knot.conf"), fmt.Sprintf(`server:
  rundir: "%[1]s"
  listen: 127.0.0.52@%[2]d
key:
  - id: %[3]s
    algorithm: hmac-sha256
    secret: %[4]s
  - id: %[6]s
    algorithm: hmac-sha256
    secret: %[7]s
acl:
  - id: signpost
    key: %[3]s
    action: [transfer, update]
  - id: reader
    key: %[6]s
    action: transfer
database:
  storage: "%[1]s"
zone:
  - domain: %[5]s
    storage: "%[1]s"
    file: "%[5]szone"
    acl: [signpost, reader]
    zonefile-sync: -1
    journal-content: all
`, dir, port, key.Name, key.Secret, zone, reader.Name, reader.Secret))
		return exec.Command("knotd", "-c", filepath.Join(dir, "knot.conf"))
	})
}

// start runs a server on addr at a random high port, trying other ports
// when one is taken, until it answers for the zone's SOA.
func start(t testing.TB, kind, ip, zone string, key, reader rfc2136.TSIG, cmd func(port int) *exec.Cmd) *Server {
	t.Helper()
	if _, err := exec.LookPath(cmd(0).Path); err != nil {
		t.Skipf("%s is not installed: run scripts/test.sh, which installs it", kind)
	}
	for range 5 {
		n, _ := rand.Int(rand.Reader, big.NewInt(20000))
		port := 30000 + int(n.Int64())
		c := cmd(port)
		var out strings.Builder
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		addr := net.JoinHostPort(ip, fmt.Sprint(port))
		if answers(addr, zone, done) {
			t.Cleanup(func() {
				_ = c.Process.Kill()
				<-done
				if t.Failed() {
					t.Logf("%s's log:\n%s", kind, lastLines(out.String(), 30))
				}
			})
			return &Server{Kind: kind, Addr: addr, Key: key, Reader: reader}
		}
		_ = c.Process.Kill()
		<-done
		t.Logf("%s on port %d did not come up:\n%s", kind, port, out.String())
	}
	t.Fatalf("%s did not start", kind)
	return nil
}

// answers waits until addr serves zone's SOA over TCP (the zone is
// loaded), or the process ends.
func answers(addr, zone string, done chan struct{}) bool {
	c := &dns.Client{Net: "tcp", Timeout: 200 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion(zone, dns.TypeSOA)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return false
		default:
		}
		if r, _, err := c.Exchange(m, addr); err == nil && r.Rcode == dns.RcodeSuccess && len(r.Answer) > 0 {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
