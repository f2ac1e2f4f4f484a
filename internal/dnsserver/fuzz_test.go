package dnsserver

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

func fuzzServer(f *testing.F) *Server {
	zones, _, err := zonefile.LoadDir("testdata/zones")
	if err != nil {
		f.Fatal(err)
	}
	table, _ := engine.Compile(zones, engine.Options{Serial: 1})
	return New(Options{}, table, nil)
}

func seed(f *testing.F, name string, qtype uint16, edit func(*dns.Msg)) {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	if edit != nil {
		edit(m)
	}
	b, err := m.Pack()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, true)
	f.Add(b, false)
}

// FuzzRespond feeds arbitrary packets through the whole query path: parse,
// answer, pack. The reply must never panic, and must be a well-formed
// response to the same ID whenever there is one.
func FuzzRespond(f *testing.F) {
	s := fuzzServer(f)
	seed(f, "www.example.com.", dns.TypeA, nil)
	seed(f, "big.example.com.", dns.TypeA, nil)
	seed(f, "example.com.", dns.TypeANY, nil)
	seed(f, "nope.example.com.", dns.TypeAAAA, nil)
	seed(f, "WWW.example.COM.", dns.TypeA, func(m *dns.Msg) { m.SetEdns0(4096, true) })
	seed(f, "www.example.com.", dns.TypeA, func(m *dns.Msg) {
		o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		o.Option = append(o.Option, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: []byte{198, 51, 100, 0}})
		m.Extra = append(m.Extra, o)
	})
	f.Add([]byte{0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x05, 'a'}, true)
	f.Add([]byte{}, true)
	w := newWorker()
	src := netip.MustParseAddr("127.0.0.1")
	f.Fuzz(func(t *testing.T, pkt []byte, udp bool) {
		out := s.respond(w, pkt, src, udp)
		if out == nil {
			return
		}
		r := new(dns.Msg)
		if err := r.Unpack(out); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
		if !r.Response || r.Id != uint16(pkt[0])<<8|uint16(pkt[1]) {
			t.Fatalf("reply id %d response %v", r.Id, r.Response)
		}
		if udp && len(out) > 65535 {
			t.Fatalf("udp reply of %d bytes", len(out))
		}
	})
}
