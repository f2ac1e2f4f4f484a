package dnsserver_test

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/dnsserver"
	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/geo/geotest"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// startServer serves testdata/zones on a loopback port with a generated
// GeoIP database and returns its address.
func startServer(t *testing.T) string { return startServerWith(t, dnsserver.Options{}) }

// startServerWith is startServer with opts (Addrs default to
// 127.0.0.1:0).
func startServerWith(t *testing.T, opts dnsserver.Options) string {
	t.Helper()
	if opts.Addrs == nil {
		opts.Addrs = []string{"127.0.0.1:0"}
	}
	return startServing(t, opts).Addrs()[0].String()
}

// startServing serves testdata/zones with opts until the test ends, and
// returns once every listener is read.
func startServing(t *testing.T, opts dnsserver.Options) *dnsserver.Server {
	t.Helper()
	loc := geotest.Open(t, geotest.Default)
	zones, probs, err := zonefile.LoadDir("testdata/zones")
	if err != nil || len(probs) > 0 {
		t.Fatalf("zones: %v %v", err, probs)
	}
	table, cprobs := engine.Compile(zones, engine.Options{Locator: loc, Serial: 7})
	if len(cprobs) > 0 {
		t.Fatal(cprobs)
	}
	srv := dnsserver.New(opts, table, nil)
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("server did not stop")
		}
	})
	<-srv.Serving()
	return srv
}

// Wildcard addresses, as a server on port 53 lists them: 0.0.0.0 serves
// IPv4 and [::] IPv6, side by side, over both UDP readers.
func TestEndToEndWildcardAddresses(t *testing.T) {
	for _, raw := range []bool{true, false} {
		t.Run(fmt.Sprintf("raw_udp=%v", raw), func(t *testing.T) {
			for _, addrs := range [][]string{{"0.0.0.0:0"}, {"[::]:0"}, {"0.0.0.0:0", "[::]:0"}} {
				srv := startServing(t, dnsserver.Options{Addrs: addrs, RawUDP: raw})
				for i, a := range srv.Addrs() {
					lo := "127.0.0.1"
					if addrs[i] == "[::]:0" {
						lo = "::1"
					}
					target := net.JoinHostPort(lo, fmt.Sprint(a.Port()))
					for _, proto := range []string{"udp", "tcp"} {
						if got := answerA(exchange(t, target, proto, query("ns1.example.com.", dns.TypeA, ""))); len(got) == 0 {
							t.Errorf("%v: no answer over %s at %s", addrs, proto, target)
						}
					}
				}
			}
		})
	}
}

func exchange(t *testing.T, addr, net string, m *dns.Msg) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: net, Timeout: 2 * time.Second, UDPSize: 65535}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s exchange: %v", net, err)
	}
	if r.Id != m.Id {
		t.Fatalf("reply id %d, want %d", r.Id, m.Id)
	}
	return r
}

func query(name string, qtype uint16, ecs string) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	if ecs != "" {
		_, n, _ := net.ParseCIDR(ecs)
		ones, _ := n.Mask.Size()
		family := uint16(1)
		if n.IP.To4() == nil {
			family = 2
		}
		o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		o.SetUDPSize(1232)
		o.Option = append(o.Option, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: family, SourceNetmask: uint8(ones), Address: n.IP})
		m.Extra = append(m.Extra, o)
	}
	return m
}

func answerA(r *dns.Msg) []string {
	var out []string
	for _, rr := range r.Answer {
		if a, ok := rr.(*dns.A); ok {
			out = append(out, a.A.String())
		}
	}
	return out
}

func ecsScope(t *testing.T, r *dns.Msg) int {
	t.Helper()
	opt := r.IsEdns0()
	if opt == nil {
		t.Fatal("reply has no OPT record")
	}
	for _, o := range opt.Option {
		if e, ok := o.(*dns.EDNS0_SUBNET); ok {
			return int(e.SourceScope)
		}
	}
	t.Fatal("reply has no ECS option")
	return -1
}

func TestEndToEndSteering(t *testing.T) {
	for _, raw := range []bool{false, true} {
		t.Run(fmt.Sprintf("raw=%v", raw), func(t *testing.T) { steering(t, startServerWith(t, dnsserver.Options{RawUDP: raw})) })
	}
}

func steering(t *testing.T, addr string) {
	tests := []struct {
		name  string
		ecs   string
		want  string
		scope int
	}{
		{"no ECS: loopback source is nowhere", "", "127.0.3.1", -1},
		{"ECS in Germany", "198.51.100.0/24", "127.0.1.1", 24},
		{"ECS in Japan", "203.0.113.0/24", "127.0.2.1", 24},
		{"ECS in California", "192.0.2.0/24", "127.0.3.1", 24},
		{"ECS /16 is capped", "198.51.0.0/16", "127.0.3.1", 16},
		{"ECS v6 in Australia", "2001:db8::/48", "127.0.3.1", 32},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, tc := range tests {
			t.Run(network+"/"+tc.name, func(t *testing.T) {
				r := exchange(t, addr, network, query("www.example.com.", dns.TypeA, tc.ecs))
				if got := answerA(r); len(got) != 1 || got[0] != tc.want {
					t.Fatalf("answer %v, want [%s]", got, tc.want)
				}
				if !r.Authoritative || r.RecursionAvailable || r.Rcode != dns.RcodeSuccess {
					t.Errorf("flags aa=%v ra=%v rcode=%d", r.Authoritative, r.RecursionAvailable, r.Rcode)
				}
				if tc.scope >= 0 {
					if got := ecsScope(t, r); got != tc.scope {
						t.Errorf("ECS scope %d, want %d", got, tc.scope)
					}
				}
			})
		}
	}
}

func TestEndToEndProtocol(t *testing.T) {
	addr := startServer(t)

	t.Run("question case preserved", func(t *testing.T) {
		r := exchange(t, addr, "udp", query("WwW.ExAmPlE.cOm.", dns.TypeA, ""))
		if r.Question[0].Name != "WwW.ExAmPlE.cOm." || len(r.Answer) != 1 {
			t.Fatalf("question %q answers %d", r.Question[0].Name, len(r.Answer))
		}
	})
	t.Run("refused outside zones", func(t *testing.T) {
		r := exchange(t, addr, "udp", query("example.org.", dns.TypeA, ""))
		if r.Rcode != dns.RcodeRefused || r.Authoritative {
			t.Fatalf("rcode %s aa %v", dns.RcodeToString[r.Rcode], r.Authoritative)
		}
	})
	t.Run("NXDOMAIN carries SOA", func(t *testing.T) {
		r := exchange(t, addr, "udp", query("nope.example.com.", dns.TypeA, ""))
		if r.Rcode != dns.RcodeNameError || len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA || r.Ns[0].Header().Ttl != 300 {
			t.Fatalf("rcode %s ns %v", dns.RcodeToString[r.Rcode], r.Ns)
		}
	})
	t.Run("truncated without EDNS, whole over TCP", func(t *testing.T) {
		m := query("big.example.com.", dns.TypeA, "")
		c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
		r, _, err := c.Exchange(m, addr)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Truncated || len(r.Answer) >= 60 {
			t.Fatalf("udp: tc=%v answers=%d, want truncation", r.Truncated, len(r.Answer))
		}
		r = exchange(t, addr, "tcp", m)
		if r.Truncated || len(r.Answer) != 60 {
			t.Fatalf("tcp: tc=%v answers=%d, want 60", r.Truncated, len(r.Answer))
		}
	})
	t.Run("EDNS buffer honoured", func(t *testing.T) {
		m := query("big.example.com.", dns.TypeA, "")
		m.SetEdns0(4096, false)
		r := exchange(t, addr, "udp", m)
		if r.Truncated || len(r.Answer) != 60 || r.IsEdns0() == nil {
			t.Fatalf("tc=%v answers=%d opt=%v", r.Truncated, len(r.Answer), r.IsEdns0() != nil)
		}
	})
	t.Run("unknown EDNS version", func(t *testing.T) {
		m := query("www.example.com.", dns.TypeA, "")
		m.SetEdns0(1232, false)
		m.IsEdns0().SetVersion(1)
		r := exchange(t, addr, "udp", m)
		if r.Rcode != dns.RcodeBadVers {
			t.Fatalf("rcode %s, want BADVERS", dns.RcodeToString[r.Rcode])
		}
	})
	t.Run("opcode not implemented", func(t *testing.T) {
		m := query("www.example.com.", dns.TypeA, "")
		m.Opcode = dns.OpcodeStatus
		r := exchange(t, addr, "udp", m)
		if r.Rcode != dns.RcodeNotImplemented {
			t.Fatalf("rcode %s, want NOTIMP", dns.RcodeToString[r.Rcode])
		}
	})
	t.Run("ANY is minimal", func(t *testing.T) {
		r := exchange(t, addr, "tcp", query("example.com.", dns.TypeANY, ""))
		if len(r.Answer) != 1 || r.Answer[0].Header().Rrtype != dns.TypeNS {
			t.Fatalf("answer %v", r.Answer)
		}
	})
	t.Run("AXFR refused", func(t *testing.T) {
		r := exchange(t, addr, "tcp", query("example.com.", dns.TypeAXFR, ""))
		if r.Rcode != dns.RcodeRefused {
			t.Fatalf("rcode %s", dns.RcodeToString[r.Rcode])
		}
	})
}

func TestEndToEndMalformed(t *testing.T) {
	addr := startServer(t)
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A header claiming one question that is not there.
	bad := []byte{0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x05, 'a'}
	if _, err := conn.Write(bad); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	r := new(dns.Msg)
	if err := r.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	if r.Id != 0xbeef || r.Rcode != dns.RcodeFormatError || !r.Response {
		t.Fatalf("id %x rcode %s", r.Id, dns.RcodeToString[r.Rcode])
	}
	// The server still answers afterwards.
	if got := answerA(exchange(t, addr, "udp", query("www.example.com.", dns.TypeA, ""))); len(got) != 1 {
		t.Fatalf("after malformed packet: %v", got)
	}
}

// Raw readers block in recvmmsg holding their Ps; while it serves, the
// server keeps one P more than it has readers per socket, and gives it
// back when it stops.
func TestRawReadersHaveASpareP(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("raw UDP readers are Linux only")
	}
	before := runtime.GOMAXPROCS(0)
	t.Run("serving", func(t *testing.T) {
		startServing(t, dnsserver.Options{Addrs: []string{"127.0.0.1:0"}, RawUDP: true})
		want := max(2, before) + 1 // a reader per P, at least two, and a spare P
		if got := runtime.GOMAXPROCS(0); got != want {
			t.Errorf("GOMAXPROCS while serving = %d, want %d", got, want)
		}
	})
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("GOMAXPROCS after serving = %d, want %d", got, before)
	}
	t.Run("netpoller", func(t *testing.T) {
		startServing(t, dnsserver.Options{Addrs: []string{"127.0.0.1:0"}})
		if got := runtime.GOMAXPROCS(0); got != before {
			t.Errorf("GOMAXPROCS with netpoller readers = %d, want %d", got, before)
		}
	})
}
