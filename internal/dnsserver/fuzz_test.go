package dnsserver

import (
	"math/rand/v2"
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
		checkFastMatchesFull(t, s, pkt, src, udp)
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

// seeded returns a worker whose random source starts at a fixed state, so
// that two workers make the same weighted choices.
func seeded() *worker {
	w := newWorker()
	w.rnd = rand.New(rand.NewPCG(7, 7))
	return w
}

// checkFastMatchesFull fails when the fast path answers a packet
// differently from the full path.
func checkFastMatchesFull(t *testing.T, s *Server, pkt []byte, src netip.Addr, udp bool) {
	t.Helper()
	fast, ok := s.respondFast(seeded(), nil, pkt, src, udp)
	if !ok {
		return
	}
	full := s.respondFull(seeded(), nil, pkt, src, udp)
	a, b := new(dns.Msg), new(dns.Msg)
	if err := a.Unpack(fast); err != nil {
		t.Fatalf("fast reply does not parse: %v", err)
	}
	if err := b.Unpack(full); err != nil {
		t.Fatalf("full reply does not parse: %v", err)
	}
	if a.String() != b.String() {
		t.Fatalf("fast path differs from the full path:\n--- fast\n%s\n--- full\n%s", a, b)
	}
}

func TestFastPathMatchesFullPath(t *testing.T) {
	s := New(Options{}, fuzzTable(t), nil)
	src := netip.MustParseAddr("127.0.0.1")
	cases := 0
	for _, name := range []string{"www.example.com.", "WwW.Example.COM.", "big.example.com.", "example.com.", "nope.example.com.", "ns1.example.com.", "example.org."} {
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeNS, dns.TypeSOA, dns.TypeANY, dns.TypeMX} {
			for _, edns := range []int{0, 1, 2} {
				m := new(dns.Msg)
				m.SetQuestion(name, qt)
				switch edns {
				case 1:
					m.SetEdns0(4096, true)
				case 2:
					o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
					o.SetUDPSize(1232)
					o.Option = []dns.EDNS0{&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: []byte{198, 51, 100, 0}}}
					m.Extra = append(m.Extra, o)
				}
				pkt, _ := m.Pack()
				if _, ok := s.respondFast(seeded(), nil, pkt, src, true); ok {
					cases++
				}
				checkFastMatchesFull(t, s, pkt, src, true)
				checkFastMatchesFull(t, s, pkt, src, false)
			}
		}
	}
	if cases < 60 {
		t.Errorf("the fast path answered only %d of 126 plain queries", cases)
	}
}

func fuzzTable(t *testing.T) *engine.Table {
	zones, _, err := zonefile.LoadDir("testdata/zones")
	if err != nil {
		t.Fatal(err)
	}
	table, _ := engine.Compile(zones, engine.Options{Serial: 1})
	return table
}
