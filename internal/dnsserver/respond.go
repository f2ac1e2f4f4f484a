package dnsserver

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
)

// worker holds what one serving goroutine reuses across queries.
type worker struct {
	resp engine.Response
	rnd  *rand.Rand
	q    engine.Query

	fq       fastQuery
	counters counters
	name     [256]byte // the question name as asked, for the fast path
	nameLen  int
}

// newWorker gives each goroutine its own random source, seeded from the
// runtime's, so that picks need no lock.
func newWorker() *worker {
	return &worker{rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// request is a parsed query and what the protocol layer decided about it.
type request struct {
	msg     *dns.Msg
	opt     *dns.OPT // the client's OPT record, nil without EDNS0
	ecs     *dns.EDNS0_SUBNET
	udpSize int
	client  netip.Addr
	srcBits int
}

// respond builds the reply to one query packet, or returns nil when nothing
// should be sent (too short to answer, or not a query).
func (s *Server) respond(w *worker, pkt []byte, src netip.Addr, udp bool) []byte {
	start := time.Now()
	out := s.respondInto(w, nil, pkt, src, udp)
	if out != nil {
		s.opts.Metrics.observe(time.Since(start), 1)
	}
	return out
}

// respondInto is respond appending the reply to buf, which it may reuse,
// and leaving the time taken to the caller (Metrics.observe), which may
// time a whole batch. Plain queries take the fast path; everything else
// the full one.
func (s *Server) respondInto(w *worker, buf, pkt []byte, src netip.Addr, udp bool) []byte {
	if out, ok := s.respondFast(w, buf, pkt, src, udp); ok {
		return out
	}
	return s.respondFull(w, buf, pkt, src, udp)
}

// respondFull answers any packet through miekg/dns's message parser.
func (s *Server) respondFull(w *worker, buf, pkt []byte, src netip.Addr, udp bool) []byte {
	if len(pkt) < 12 {
		return nil
	}
	m := new(dns.Msg)
	if err := m.Unpack(pkt); err != nil {
		return s.finishMsg(w, buf, formErr(pkt), "", 0)
	}
	if m.Response {
		return nil
	}
	req, rcode := s.parse(m, src.Unmap(), udp)
	reply := newReply(m, req)
	if rcode != dns.RcodeSuccess {
		reply.Rcode = rcode
		return s.pack(w, buf, reply, req, "", 0)
	}
	q := m.Question[0]
	w.q = engine.Query{Name: q.Name, Type: q.Qtype, Client: req.client, SourceBits: req.srcBits}
	live := s.live.Load()
	live.table.Answer(&w.q, live.health, w.rnd, &w.resp, nil)
	fill(reply, &w.resp)
	if req.ecs != nil {
		req.ecs.SourceScope = uint8(min(w.resp.ScopeBits, req.srcBits))
	}
	s.opts.Metrics.answer(&w.counters, &w.resp)
	return s.pack(w, buf, reply, req, w.resp.Zone, q.Qtype)
}

// parse applies the protocol's rules to a query. A non-success rcode means
// the engine is not asked.
func (s *Server) parse(m *dns.Msg, src netip.Addr, udp bool) (*request, int) {
	req := &request{msg: m, udpSize: 512, client: src}
	if !udp {
		req.udpSize = dns.MaxMsgSize
	}
	if rcode := s.parseEDNS(m, req, udp); rcode != dns.RcodeSuccess {
		return req, rcode
	}
	switch {
	case m.Opcode != dns.OpcodeQuery:
		return req, dns.RcodeNotImplemented
	case len(m.Question) != 1 || len(m.Answer) > 0 || len(m.Ns) > 0:
		return req, dns.RcodeFormatError
	}
	q := m.Question[0]
	switch {
	case q.Qclass != dns.ClassINET && q.Qclass != dns.ClassANY:
		return req, dns.RcodeRefused
	case q.Qtype == dns.TypeOPT || q.Qtype == 0:
		return req, dns.RcodeFormatError
	case q.Qtype == dns.TypeAXFR || q.Qtype == dns.TypeIXFR:
		return req, dns.RcodeRefused // zone transfers are not offered
	}
	return req, dns.RcodeSuccess
}

func (s *Server) parseEDNS(m *dns.Msg, req *request, udp bool) int {
	for _, rr := range m.Extra {
		opt, ok := rr.(*dns.OPT)
		if !ok {
			continue
		}
		if req.opt != nil || opt.Hdr.Name != "." {
			return dns.RcodeFormatError // at most one OPT, owned by the root
		}
		req.opt = opt
	}
	if req.opt == nil {
		return dns.RcodeSuccess
	}
	if udp {
		req.udpSize = max(512, min(int(req.opt.UDPSize()), s.opts.MaxUDPSize))
	}
	if req.opt.Version() != 0 {
		return dns.RcodeBadVers
	}
	for _, o := range req.opt.Option {
		if e, ok := o.(*dns.EDNS0_SUBNET); ok {
			if rcode := s.parseECS(e, req); rcode != dns.RcodeSuccess {
				return rcode
			}
		}
	}
	return dns.RcodeSuccess
}

// parseECS checks an EDNS Client Subnet option (RFC 7871) and takes the
// client address from it.
func (s *Server) parseECS(e *dns.EDNS0_SUBNET, req *request) int {
	if req.ecs != nil || e.SourceScope != 0 {
		return dns.RcodeFormatError
	}
	var addr netip.Addr
	switch e.Family {
	case 1:
		a, ok := netip.AddrFromSlice(e.Address.To4())
		if !ok || e.SourceNetmask > 32 {
			return dns.RcodeFormatError
		}
		addr = a
	case 2:
		a, ok := netip.AddrFromSlice(e.Address.To16())
		if !ok || e.SourceNetmask > 128 {
			return dns.RcodeFormatError
		}
		addr = a
	default:
		return dns.RcodeFormatError
	}
	bits := int(e.SourceNetmask)
	reply := *e
	req.ecs = &reply
	if bits == 0 {
		return dns.RcodeSuccess // the client asks not to be located by subnet
	}
	p, _ := addr.Prefix(bits)
	req.client, req.srcBits = p.Addr(), bits
	return dns.RcodeSuccess
}

// formErr answers a packet that does not parse: its ID and opcode, FORMERR.
func formErr(pkt []byte) *dns.Msg {
	m := new(dns.Msg)
	m.Id = binary.BigEndian.Uint16(pkt)
	m.Response = true
	m.Opcode = int(pkt[2]>>3) & 0xF
	m.Rcode = dns.RcodeFormatError
	return m
}

func newReply(m *dns.Msg, req *request) *dns.Msg {
	r := new(dns.Msg)
	r.Id = m.Id
	r.Response = true
	r.Opcode = m.Opcode
	r.RecursionDesired = m.RecursionDesired
	r.CheckingDisabled = m.CheckingDisabled
	r.Compress = true
	if m.Opcode == dns.OpcodeQuery && len(m.Question) == 1 {
		r.Question = m.Question // keeps the question's case
	}
	return r
}

// fill copies the engine's answer into the reply, writing each record under
// its owner name without touching the shared table.
func fill(r *dns.Msg, resp *engine.Response) {
	r.Rcode = resp.Rcode
	r.Authoritative = resp.Authoritative
	r.Answer = appendRRs(r.Answer, resp.Answer)
	r.Ns = appendRRs(r.Ns, resp.Authority)
	r.Extra = appendRRs(r.Extra, resp.Extra)
}

// appendRRs unpacks the table's records for the full path. A record the
// table packed always unpacks; one that did not would be left out.
func appendRRs(dst []dns.RR, src []engine.RR) []dns.RR {
	for _, x := range src {
		if rr, err := x.Record(); err == nil {
			dst = append(dst, rr)
		}
	}
	return dst
}

// pack adds the OPT record, truncates to the client's size over UDP, and
// packs the reply.
func (s *Server) pack(w *worker, buf []byte, r *dns.Msg, req *request, zone string, qtype uint16) []byte {
	if req.opt != nil {
		opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		opt.SetUDPSize(uint16(s.opts.MaxUDPSize))
		opt.SetDo(req.opt.Do())
		if req.ecs != nil {
			opt.Option = append(opt.Option, req.ecs)
		}
		r.Extra = append(r.Extra, opt)
	}
	if r.Len() > req.udpSize {
		r.Truncate(req.udpSize)
	}
	return s.finishMsg(w, buf, r, zone, qtype)
}

func (s *Server) finishMsg(w *worker, buf []byte, r *dns.Msg, zone string, qtype uint16) []byte {
	out, err := r.PackBuffer(buf[:cap(buf)])
	if err != nil {
		s.log.Warn("packing reply", "err", err)
		fail := formErr([]byte{byte(r.Id >> 8), byte(r.Id), byte(r.Opcode << 3), 0})
		fail.Rcode = dns.RcodeServerFailure
		out, _ = fail.Pack()
		r = fail
	}
	s.opts.Metrics.query(&w.counters, zone, qtype, r.Rcode)
	return out
}
