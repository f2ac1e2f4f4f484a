package engine

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/miekg/dns"
)

// A zone's blocks are sized by its records: a store zone of one record
// must not take a block made for thousands (100,000 such zones would
// hold hundreds of megabytes), and a large zone gets blocks of bounded
// size.
func TestBlocksAreSizedByTheZone(t *testing.T) {
	for _, tc := range []struct {
		records, wantW int
	}{
		{1, 64},
		{10, 480},
		{1_000_000, 64 << 10},
	} {
		var b blocks
		b.reset(tc.records)
		b.bytes(1)
		if got := cap(b.wire); got != tc.wantW {
			t.Errorf("%d records: wire block of %d bytes, want %d", tc.records, got, tc.wantW)
		}
	}
}

// The scratch A record is packed before the next is built into it, so
// every record keeps its own address.
func TestBlocksScratchA(t *testing.T) {
	var b blocks
	b.reset(3)
	var recs []record
	for _, ip := range []string{"192.0.2.1", "192.0.2.2", "198.51.100.7"} {
		hdr := dns.RR_Header{Name: "a.example.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}
		r, err := b.record(b.a(hdr, netip.MustParseAddr(ip)))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	var got []string
	for _, r := range recs {
		rr, err := r.decode()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rr.String())
	}
	want := []string{"a.example.\t60\tIN\tA\t192.0.2.1", "a.example.\t60\tIN\tA\t192.0.2.2", "a.example.\t60\tIN\tA\t198.51.100.7"}
	if !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
}
