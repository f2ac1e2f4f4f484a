package engine

import (
	"errors"
	"net/netip"

	"github.com/miekg/dns"
)

// blocks hands out the small pieces of one zone's records (packed wire
// forms, A records and their addresses) cut from shared allocations,
// sized by the zone so that a small zone takes little. A zone's records
// are built together and dropped together, so sharing costs no memory,
// and it saves the collector and the allocator three objects a record.
type blocks struct {
	records int // in the zone being compiled
	wire    []byte
	as      []dns.A
	ips     []byte
}

// reset starts a zone of n records.
func (b *blocks) reset(n int) { *b = blocks{records: max(n, 1)} }

// blockSize is room for per units a record, up to limit: a zone of one
// record takes one record's room.
func (b *blocks) blockSize(per, limit int) int { return min(b.records*per, limit) }

// bytes returns n bytes of their own capacity.
func (b *blocks) bytes(n int) []byte {
	if n > cap(b.wire)-len(b.wire) {
		size := max(b.blockSize(48, 64<<10), 64)
		if n > size/4 {
			return make([]byte, n)
		}
		b.wire = make([]byte, 0, size)
	}
	s := len(b.wire)
	b.wire = b.wire[:s+n]
	return b.wire[s : s+n : s+n]
}

// a returns an A record for hdr and ip.
func (b *blocks) a(hdr dns.RR_Header, ip netip.Addr) *dns.A {
	if len(b.as) == 0 {
		b.as = make([]dns.A, b.blockSize(1, 256))
	}
	if len(b.ips)+4 > cap(b.ips) {
		b.ips = make([]byte, 0, b.blockSize(4, 1024))
	}
	s, v4 := len(b.ips), ip.As4()
	b.ips = append(b.ips, v4[:]...)
	a := &b.as[0]
	b.as = b.as[1:]
	*a = dns.A{Hdr: hdr, A: b.ips[s : s+4 : s+4]}
	return a
}

// record packs rr into bytes cut from b; the only time the table's RRs
// are packed. The size is dns.Len's uncompressed length, which is exact,
// so that a million records keep no slack.
func (b *blocks) record(rr dns.RR) (record, error) {
	buf := b.bytes(dns.Len(rr))
	n, err := dns.PackRR(rr, buf, 0, nil, false)
	if errors.Is(err, dns.ErrBuf) { // Len fell short: pack on its own
		return newRecord(rr)
	}
	if err != nil {
		return record{}, err
	}
	return record{rr: rr, wire: buf[:n:n]}, nil
}
