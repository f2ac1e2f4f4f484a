package dnsserver

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// BenchmarkRespond measures the whole packet path without sockets: unpack,
// answer, pack.
func BenchmarkRespond(b *testing.B) {
	zones, _, err := zonefile.LoadDir("testdata/zones")
	if err != nil {
		b.Fatal(err)
	}
	table, _ := engine.Compile(zones, engine.Options{Serial: 1})
	// Metrics on, as in production.
	s := New(Options{Metrics: NewMetrics(prometheus.NewRegistry(), false)}, table, nil)
	for _, c := range []struct {
		name string
		ecs  bool
	}{{"static", false}, {"dynamic-ecs", true}} {
		m := new(dns.Msg)
		m.SetQuestion("www.example.com.", dns.TypeA)
		if c.name == "static" {
			m.SetQuestion("ns1.example.com.", dns.TypeA)
		}
		if c.ecs {
			o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
			o.SetUDPSize(1232)
			o.Option = []dns.EDNS0{&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: []byte{198, 51, 100, 0}}}
			m.Extra = append(m.Extra, o)
		}
		pkt, _ := m.Pack()
		b.Run(c.name, func(b *testing.B) {
			w := newWorker()
			src := netip.MustParseAddr("127.0.0.1")
			buf := make([]byte, 0, 4096) // the server reuses one per batch slot
			b.ReportAllocs()
			for b.Loop() {
				if out := s.respondInto(w, buf, pkt, src, true); out == nil {
					b.Fatal("no reply")
				}
			}
		})
	}
}
