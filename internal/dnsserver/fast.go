package dnsserver

import (
	"encoding/binary"
	"net/netip"
	"unsafe"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
)

// fastQuery is a plain query as read straight from the wire.
type fastQuery struct {
	id, flags   uint16
	qtype       uint16
	questionEnd int // end of the question section
	nameEnd     int // end of the question name
	name        string
	opt         bool
	udpSize     int
	do          bool
	ecs         bool
	family      uint16
	srcBits     int
	ecsAddr     [16]byte
	client      netip.Addr
}

// parseFast reads a plain query: one question of class IN with a name of
// plain labels, and at most an OPT record carrying at most an ECS option.
// Anything else returns false and takes the full path.
func parseFast(w *worker, pkt []byte, q *fastQuery) bool {
	if len(pkt) < 17 {
		return false
	}
	q.id = binary.BigEndian.Uint16(pkt)
	q.flags = binary.BigEndian.Uint16(pkt[2:])
	if q.flags&0xF800 != 0 || q.flags&0x000F != 0 || // QR set, opcode not QUERY, or an rcode
		binary.BigEndian.Uint16(pkt[4:]) != 1 || binary.BigEndian.Uint16(pkt[6:]) != 0 || binary.BigEndian.Uint16(pkt[8:]) != 0 {
		return false
	}
	ar := binary.BigEndian.Uint16(pkt[10:])
	off, ok := readName(w, pkt, 12)
	if !ok || off+4 > len(pkt) {
		return false
	}
	q.nameEnd = off
	q.name = unsafe.String(&w.name[0], w.nameLen)
	q.qtype = binary.BigEndian.Uint16(pkt[off:])
	if binary.BigEndian.Uint16(pkt[off+2:]) != dns.ClassINET {
		return false
	}
	switch q.qtype {
	case 0, dns.TypeOPT, dns.TypeAXFR, dns.TypeIXFR:
		return false
	}
	q.questionEnd = off + 4
	q.opt, q.ecs, q.do, q.udpSize = false, false, false, 512
	switch ar {
	case 0:
		return q.questionEnd == len(pkt)
	case 1:
		return parseOPT(pkt[q.questionEnd:], q)
	}
	return false
}

// readName copies a question name of plain labels into w.name as text with
// a trailing dot, keeping its case.
func readName(w *worker, pkt []byte, off int) (int, bool) {
	n := 0
	for {
		if off >= len(pkt) {
			return 0, false
		}
		l := int(pkt[off])
		off++
		if l == 0 {
			break
		}
		if l > 63 || off+l > len(pkt) || n+l+1 > len(w.name) {
			return 0, false
		}
		for _, c := range pkt[off : off+l] {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*') {
				return 0, false
			}
		}
		n += copy(w.name[n:], pkt[off:off+l])
		w.name[n] = '.'
		n++
		off += l
	}
	if n == 0 {
		w.name[0] = '.'
		n = 1
	}
	w.nameLen = n
	return off, true
}

// parseOPT reads an OPT record of version 0 with no option or one valid
// ECS option, filling in the client.
func parseOPT(rr []byte, q *fastQuery) bool {
	if len(rr) < 11 || rr[0] != 0 || binary.BigEndian.Uint16(rr[1:]) != dns.TypeOPT {
		return false
	}
	q.opt = true
	q.udpSize = int(binary.BigEndian.Uint16(rr[3:]))
	ttl := binary.BigEndian.Uint32(rr[5:])
	if ttl&0x00FF0000 != 0 || ttl&0xFF000000 != 0 { // version or extended rcode
		return false
	}
	q.do = ttl&0x8000 != 0
	rdlen := int(binary.BigEndian.Uint16(rr[9:]))
	opts := rr[11:]
	if len(opts) != rdlen {
		return false
	}
	if rdlen == 0 {
		return true
	}
	if rdlen < 8 || binary.BigEndian.Uint16(opts) != dns.EDNS0SUBNET || int(binary.BigEndian.Uint16(opts[2:])) != rdlen-4 {
		return false
	}
	q.family, q.srcBits = binary.BigEndian.Uint16(opts[4:]), int(opts[6])
	addr := opts[8:]
	if opts[7] != 0 || q.srcBits == 0 || len(addr) != (q.srcBits+7)/8 {
		return false
	}
	switch {
	case q.family == 1 && q.srcBits <= 32:
		var a [4]byte
		copy(a[:], addr)
		q.client = netip.AddrFrom4(a)
	case q.family == 2 && q.srcBits <= 128:
		var a [16]byte
		copy(a[:], addr)
		q.client = netip.AddrFrom16(a)
	default:
		return false
	}
	p, _ := q.client.Prefix(q.srcBits)
	if p.Addr() != q.client { // bits set past the source prefix
		return false
	}
	copy(q.ecsAddr[:], addr)
	q.ecs = true
	return true
}

// respondFast answers a plain query without unpacking it into a dns.Msg;
// ok is false when the full path must answer instead.
func (s *Server) respondFast(w *worker, buf, pkt []byte, src netip.Addr, udp bool) ([]byte, bool) {
	q := &w.fq
	if !parseFast(w, pkt, q) {
		return nil, false
	}
	w.q = engine.Query{Name: q.name, Type: q.qtype, Client: src}
	if q.ecs {
		w.q.Client, w.q.SourceBits = q.client, q.srcBits
	}
	live := s.live.Load()
	live.table.Answer(&w.q, live.health, w.rnd, &w.resp, nil)
	limit := dns.MaxMsgSize
	if udp {
		limit = 512
		if q.opt {
			limit = max(512, min(q.udpSize, s.opts.MaxUDPSize))
		}
	}
	out, ok := writeFast(w, buf[:0], pkt, q, s.opts.MaxUDPSize)
	if !ok || len(out) > limit {
		return nil, false // the full path truncates properly
	}
	s.opts.Metrics.answer(&w.counters, &w.resp)
	s.opts.Metrics.query(&w.counters, w.resp.Zone, q.qtype, w.resp.Rcode)
	return out, true
}
