package engine

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

// A zone's blocks are sized by its records: a store zone of one record
// must not take a block made for thousands (100,000 such zones would
// hold hundreds of megabytes), and a large zone gets blocks of bounded
// size.
func TestBlocksAreSizedByTheZone(t *testing.T) {
	hdr := dns.RR_Header{Name: "a.example.", Rrtype: dns.TypeA, Class: dns.ClassINET}
	ip := netip.MustParseAddr("192.0.2.1")
	for _, tc := range []struct {
		records                int
		wantAs, wantIPs, wantW int
	}{
		{1, 1, 4, 64},
		{10, 10, 40, 480},
		{1_000_000, 256, 1024, 64 << 10},
	} {
		var b blocks
		b.reset(tc.records)
		a := b.a(hdr, ip)
		if a.A.String() != "192.0.2.1" || a.Hdr.Name != "a.example." {
			t.Fatalf("a() = %v", a)
		}
		b.bytes(1)
		if got := len(b.as) + 1; got != tc.wantAs {
			t.Errorf("%d records: A block of %d, want %d", tc.records, got, tc.wantAs)
		}
		if got := cap(b.ips); got != tc.wantIPs {
			t.Errorf("%d records: address block of %d bytes, want %d", tc.records, got, tc.wantIPs)
		}
		if got := cap(b.wire); got != tc.wantW {
			t.Errorf("%d records: wire block of %d bytes, want %d", tc.records, got, tc.wantW)
		}
	}
}
