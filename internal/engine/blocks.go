package engine

import (
	"errors"
	"net/netip"

	"github.com/miekg/dns"
)

// blocks hands out the packed wire forms of one zone's records, cut from
// shared allocations sized by the zone, so that a small zone takes little.
// A zone's records are built together and dropped together, so sharing
// costs no memory, and it saves the collector and the allocator an object
// a record. A records, the most numerous, are built in a scratch record
// that is packed and reused.
type blocks struct {
	records int // in the zone being compiled
	wire    []byte
	scratch dns.A
	ip      [4]byte
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

// a returns the scratch A record set to hdr and ip, valid until the next
// call: pack it before asking for another.
func (b *blocks) a(hdr dns.RR_Header, ip netip.Addr) *dns.A {
	b.ip = ip.As4()
	b.scratch = dns.A{Hdr: hdr, A: b.ip[:]}
	return &b.scratch
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
	return record{wire: buf[:n:n]}, nil
}
