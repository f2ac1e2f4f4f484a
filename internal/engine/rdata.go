package engine

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/model"
)

// BuildRR builds the record of rec with one value in presentation format,
// as the engine serves it; providers that speak DNS (RFC 2136) write the
// same records.
func BuildRR(rec *model.Record, rdata string) (dns.RR, error) {
	return build(nil, rec, rec.FQDN(), rdata)
}

// build makes the DNS record for one value that model validated, from its
// fields, without a second parser: the value is checked once, by model.
// An error means model let through what it should not have. fqdn is
// rec.FQDN(), made once by the caller; b, if not nil, holds the zone's
// A records.
func build(b *blocks, rec *model.Record, fqdn, rdata string) (dns.RR, error) {
	rtype := rec.Type.Code()
	hdr := dns.RR_Header{Name: dns.Fqdn(fqdn), Rrtype: rtype, Class: dns.ClassINET, Ttl: rec.TTL}
	n := &numbers{rdata: rdata}
	var rr dns.RR
	switch rtype {
	case dns.TypeA, dns.TypeAAAA:
		ip, err := netip.ParseAddr(rdata)
		if err != nil {
			return nil, err
		}
		switch {
		case rtype == dns.TypeA && b != nil && ip.Is4():
			rr = b.a(hdr, ip)
		case rtype == dns.TypeA:
			rr = &dns.A{Hdr: hdr, A: ip.AsSlice()}
		default:
			rr = &dns.AAAA{Hdr: hdr, AAAA: ip.AsSlice()}
		}
	case dns.TypeCNAME:
		rr = &dns.CNAME{Hdr: hdr, Target: rdata}
	case dns.TypeNS:
		rr = &dns.NS{Hdr: hdr, Ns: rdata}
	case dns.TypePTR:
		rr = &dns.PTR{Hdr: hdr, Ptr: rdata}
	case dns.TypeTXT:
		rr = &dns.TXT{Hdr: hdr, Txt: model.Fields(rdata)}
	case dns.TypeSPF:
		rr = &dns.SPF{Hdr: hdr, Txt: model.Fields(rdata)}
	case dns.TypeMX:
		rr = &dns.MX{Hdr: hdr, Preference: n.u16(0), Mx: n.text(1)}
	case dns.TypeSRV:
		rr = &dns.SRV{Hdr: hdr, Priority: n.u16(0), Weight: n.u16(1), Port: n.u16(2), Target: n.text(3)}
	case dns.TypeCAA:
		rr = &dns.CAA{Hdr: hdr, Flag: n.u8(0), Tag: n.text(1), Value: n.text(2)}
	case dns.TypeNAPTR:
		rr = &dns.NAPTR{Hdr: hdr, Order: n.u16(0), Preference: n.u16(1), Flags: n.text(2), Service: n.text(3), Regexp: n.text(4), Replacement: n.text(5)}
	case dns.TypeSSHFP:
		rr = &dns.SSHFP{Hdr: hdr, Algorithm: n.u8(0), Type: n.u8(1), FingerPrint: n.text(2)}
	case dns.TypeTLSA:
		rr = &dns.TLSA{Hdr: hdr, Usage: n.u8(0), Selector: n.u8(1), MatchingType: n.u8(2), Certificate: n.text(3)}
	case dns.TypeDS:
		rr = &dns.DS{Hdr: hdr, KeyTag: n.u16(0), Algorithm: n.u8(1), DigestType: n.u8(2), Digest: n.text(3)}
	default:
		return nil, fmt.Errorf("type %s is not built", rec.Type)
	}
	if n.err != nil {
		return nil, n.err
	}
	return rr, nil
}

// numbers reads the fields of structured rdata, split on first use,
// keeping the first problem.
type numbers struct {
	rdata  string
	fields []string
	err    error
}

func (n *numbers) text(i int) string {
	if n.fields == nil {
		n.fields = model.Fields(n.rdata)
	}
	if i >= len(n.fields) {
		n.fail(fmt.Errorf("field %d missing", i+1))
		return ""
	}
	return n.fields[i]
}

func (n *numbers) uint(i, bits int) uint64 {
	v, err := strconv.ParseUint(n.text(i), 10, bits)
	if err != nil {
		n.fail(err)
	}
	return v
}

func (n *numbers) u8(i int) uint8   { return uint8(n.uint(i, 8)) }
func (n *numbers) u16(i int) uint16 { return uint16(n.uint(i, 16)) }

func (n *numbers) fail(err error) {
	if n.err == nil {
		n.err = err
	}
}
