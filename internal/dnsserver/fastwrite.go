package dnsserver

import (
	"encoding/binary"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
)

// writeFast writes the reply to q from w.resp: header, the question as
// asked, the records (owners equal to the question as a pointer to it),
// and the OPT record with the ECS option echoed.
func writeFast(w *worker, out, pkt []byte, q *fastQuery, maxUDP int) ([]byte, bool) {
	r := &w.resp
	if r.Rcode > 0xF {
		return nil, false
	}
	flags := uint16(0x8000) | q.flags&(0x0100|0x0010) | uint16(r.Rcode) // QR, RD and CD kept
	if r.Authoritative {
		flags |= 0x0400
	}
	extra := len(r.Extra)
	if q.opt {
		extra++
	}
	out = binary.BigEndian.AppendUint16(out, q.id)
	out = binary.BigEndian.AppendUint16(out, flags)
	out = binary.BigEndian.AppendUint16(out, 1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(r.Answer)))
	out = binary.BigEndian.AppendUint16(out, uint16(len(r.Authority)))
	out = binary.BigEndian.AppendUint16(out, uint16(extra))
	out = append(out, pkt[12:q.questionEnd]...)
	var ok bool
	if out, ok = appendWireRRs(w, out, r.Answer, q.name); !ok {
		return nil, false
	}
	if out, ok = appendWireRRs(w, out, r.Authority, q.name); !ok {
		return nil, false
	}
	if out, ok = appendWireRRs(w, out, r.Extra, q.name); !ok {
		return nil, false
	}
	if q.opt {
		out = appendOPT(out, q, maxUDP, r.ScopeBits)
	}
	return out, true
}

func appendWireRRs(w *worker, out []byte, sec []engine.RR, qname string) ([]byte, bool) {
	var ok bool
	for i := range sec {
		if out, ok = appendRR(out, &sec[i], qname); !ok {
			return nil, false
		}
	}
	return out, true
}

// appendRR writes one record from its compiled wire form under its owner:
// a pointer to the question when they are the same name, else the owner's
// own labels.
func appendRR(out []byte, x *engine.RR, qname string) ([]byte, bool) {
	skip := nameLen(x.Wire)
	if skip < 0 {
		return nil, false
	}
	var err error
	if x.Owner == qname {
		out = append(out, 0xC0, 12)
	} else if out, err = appendName(out, x.Owner); err != nil {
		return nil, false
	}
	return append(out, x.Wire[skip:]...), true
}

// nameLen returns the length of the uncompressed name at the start of b.
func nameLen(b []byte) int {
	for i := 0; i < len(b); {
		l := int(b[i])
		if l == 0 {
			return i + 1
		}
		if l > 63 {
			return -1
		}
		i += l + 1
	}
	return -1
}

func appendName(out []byte, name string) ([]byte, error) {
	var buf [256]byte
	n, err := dns.PackDomainName(name, buf[:], 0, nil, false)
	if err != nil {
		return nil, err
	}
	return append(out, buf[:n]...), nil
}

func appendOPT(out []byte, q *fastQuery, maxUDP, scope int) []byte {
	out = append(out, 0)
	out = binary.BigEndian.AppendUint16(out, dns.TypeOPT)
	out = binary.BigEndian.AppendUint16(out, uint16(maxUDP))
	var ttl uint32
	if q.do {
		ttl = 0x8000
	}
	out = binary.BigEndian.AppendUint32(out, ttl)
	if !q.ecs {
		return binary.BigEndian.AppendUint16(out, 0)
	}
	alen := (q.srcBits + 7) / 8
	out = binary.BigEndian.AppendUint16(out, uint16(8+alen))
	out = binary.BigEndian.AppendUint16(out, dns.EDNS0SUBNET)
	out = binary.BigEndian.AppendUint16(out, uint16(4+alen))
	out = binary.BigEndian.AppendUint16(out, q.family)
	out = append(out, byte(q.srcBits), byte(min(scope, q.srcBits)))
	return append(out, q.ecsAddr[:alen]...)
}
