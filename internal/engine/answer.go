package engine

import (
	"unsafe"

	"github.com/miekg/dns"
)

// maxChase bounds CNAME chains followed inside a zone.
const maxChase = 8

// Answer answers q into resp. It never blocks and, with a nil trace, does
// not allocate once resp's slices have grown.
func (t *Table) Answer(q *Query, h Health, r Rand, resp *Response, tr *Trace) {
	resp.reset()
	name := lowerInto(&resp.name, q.Name)
	z := t.findZone(name)
	if z == nil {
		resp.Rcode = dns.RcodeRefused
		if tr != nil {
			tr.addf("%s is not in any zone served: REFUSED", q.Name)
		}
		return
	}
	resp.Zone = z.name
	resp.Authoritative = true
	c := client{addr: q.Client.Unmap(), t: t}
	t.lookup(z, name, q.Name, q.Type, &c, h, r, resp, tr)
	resp.ScopeBits = c.need
}

// lookup answers for one name of zone z; chase calls it again for CNAME
// targets. owner is the name to write answers under.
func (t *Table) lookup(z *zone, name, owner string, qtype uint16, c *client, h Health, r Rand, resp *Response, tr *Trace) {
	for depth := 0; ; depth++ {
		n, cut := z.find(name)
		if cut != nil && !(cut == n && qtype == dns.TypeDS) {
			referral(cut, resp, tr)
			return
		}
		if n == nil {
			resp.Rcode = dns.RcodeNameError
			resp.Authority = append(resp.Authority, z.negSOA.under(z.name))
			if tr != nil {
				tr.addf("%s does not exist: NXDOMAIN", owner)
			}
			return
		}
		if n.cname == nil || qtype == dns.TypeCNAME {
			answerNode(z, n, owner, qtype, c, h, r, resp, tr)
			return
		}
		target := t.emit(n.cname, owner, c, h, r, resp, tr)
		if target == nil || depth+1 >= maxChase || !inZone(target.lower, z.name) {
			return
		}
		if tr != nil {
			tr.addf("following CNAME to %s", target.lower)
		}
		name, owner = target.lower, target.name
	}
}

func answerNode(z *zone, n *node, owner string, qtype uint16, c *client, h Health, r Rand, resp *Response, tr *Trace) {
	s := n.set(qtype)
	if qtype == dns.TypeCNAME && n.cname != nil {
		s = n.cname
	}
	if qtype == dns.TypeANY && len(n.sets) > 0 {
		s = n.sets[0] // RFC 8482: one set is a sufficient answer
		if tr != nil {
			tr.addf("ANY answered minimally with the %s set (RFC 8482)", dns.TypeToString[s.rtype])
		}
	}
	if s == nil {
		resp.Authority = append(resp.Authority, z.negSOA.under(z.name))
		if tr != nil {
			tr.addf("%s has no %s records: NODATA", owner, dns.TypeToString[qtype])
		}
		return
	}
	c.t.emit(s, owner, c, h, r, resp, tr)
	resp.Extra = append(resp.Extra, s.glue()...)
}

func referral(cut *node, resp *Response, tr *Trace) {
	resp.Authoritative = false
	ns := cut.set(dns.TypeNS)
	for _, rr := range ns.rrs {
		resp.Authority = append(resp.Authority, rr.under(ns.fqdn))
	}
	resp.Extra = append(resp.Extra, ns.glue()...)
	if tr != nil {
		tr.addf("%s is delegated: referral", cut.name)
	}
}

// emit appends set s under owner, steering it if dynamic. It returns where
// the answer points when s is a CNAME, nil otherwise.
func (t *Table) emit(s *rrset, owner string, c *client, h Health, r Rand, resp *Response, tr *Trace) *cnameTarget {
	if s.dyn == nil {
		for _, rr := range s.rrs {
			resp.Answer = append(resp.Answer, rr.under(owner))
		}
		if tr != nil {
			tr.addf("%s %s is static: %d record(s)", s.fqdn, dns.TypeToString[s.rtype], len(s.rrs))
		}
		return s.target()
	}
	return t.steer(s, owner, c, h, r, resp, tr)
}

func inZone(name, zone string) bool {
	return len(name) >= len(zone) && name[len(name)-len(zone):] == zone &&
		(len(name) == len(zone) || name[len(name)-len(zone)-1] == '.')
}

// lowerInto writes the lower-cased name into buf and returns a string that
// aliases buf. The string must not outlive the Response that owns buf.
func lowerInto(buf *[256]byte, name string) string {
	n := min(len(name), len(buf))
	for i := 0; i < n; i++ {
		ch := name[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	if n == 0 {
		return ""
	}
	return unsafe.String(&buf[0], n)
}
