package engine

import (
	"net/netip"

	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/model"
)

// client is what is known of the client during one answer. The location is
// looked up at most once, and only when a geo rule is reached.
type client struct {
	addr    netip.Addr
	t       *Table
	located bool
	found   bool
	loc     geo.Location
	need    int // address bits the answer has depended on so far
}

func (c *client) location() (geo.Location, bool) {
	if !c.located {
		c.located = true
		if c.addr.IsValid() {
			c.loc, c.found = c.t.locator.Locate(c.addr)
		}
		bits := c.loc.Bits
		if bits == 0 {
			bits = c.addr.BitLen()
		}
		c.depend(bits)
	}
	return c.loc, c.found
}

func (c *client) depend(bits int) {
	if bits > c.need {
		c.need = bits
	}
}

// steer answers a dynamic set: the first matching rule chooses a pool (or,
// for a nearest rule, pools by distance), the pool's fallback chain is
// followed until a pool has an eligible value; a never-dark set then
// answers as if every value were healthy, and the backup values answer
// when all that runs out.
func (t *Table) steer(s *rrset, owner string, c *client, h Health, r Rand, resp *Response, tr *Trace) *cnameTarget {
	d := s.dyn
	resp.Record, resp.RecordType = s.fqdn, s.rtype
	ru := t.matchRule(d, c, tr)
	if first, ok := choose(d, ru, owner, c, h, r, resp, tr); ok {
		return first
	}
	if d.neverDark && ru != nil {
		if tr != nil {
			tr.addf("no value is healthy: answering as if every value were (Route53's rule)")
		}
		if first, ok := choose(d, ru, owner, c, AllUp{}, r, resp, tr); ok {
			return first
		}
	}
	resp.Pool = "backup"
	for _, rr := range s.rrs {
		resp.Answer = append(resp.Answer, rr.under(owner))
	}
	if tr != nil {
		tr.addf("serving the backup values (%d)", len(s.rrs))
	}
	return s.target()
}

// choose answers from the pools rule ru leads to, following fallbacks.
func choose(d *dynamic, ru *rule, owner string, c *client, h Health, r Rand, resp *Response, tr *Trace) (*cnameTarget, bool) {
	if ru == nil {
		return nil, false
	}
	if ru.nearest {
		return nearest(d, owner, c, h, r, resp, tr)
	}
	p := ru.pool
	for hops := 0; p >= 0 && hops < len(d.pools); hops++ {
		pl := &d.pools[p]
		if first, ok := pick(pl, d.answers, owner, h, r, resp, tr); ok {
			resp.Pool = pl.name
			return first, true
		}
		p = pl.fallback
		if tr == nil {
			continue
		}
		if p >= 0 {
			tr.addf("pool %s has no eligible value: falling back to pool %s", pl.name, d.pools[p].name)
		} else {
			tr.addf("pool %s has no eligible value and no fallback", pl.name)
		}
	}
	return nil, false
}

// matchRule returns the first rule that matches the client, or nil. It
// records how many address bits the decision depended on.
func (t *Table) matchRule(d *dynamic, c *client, tr *Trace) *rule {
	for i := range d.rules {
		ru := &d.rules[i]
		if ru.matches(c, tr, i+1) {
			return ru
		}
	}
	if tr != nil {
		tr.addf("no rule matched")
	}
	return nil
}

func (ru *rule) matches(c *client, tr *Trace, num int) bool {
	if ru.nearest {
		if tr != nil {
			tr.addf("rule %d (nearest region) matched", num)
		}
		return true
	}
	if len(ru.subnets) == 0 && len(ru.geos) == 0 {
		if tr != nil {
			tr.addf("rule %d (catch-all) matched", num)
		}
		return true
	}
	for _, p := range ru.subnets {
		c.depend(subnetBits(p, c.addr))
		if c.addr.IsValid() && p.Contains(c.addr) {
			if tr != nil {
				tr.addf("rule %d (%s) matched: client %s is in %s", num, ru.text(), c.addr, p)
			}
			return true
		}
	}
	if len(ru.geos) > 0 {
		loc, ok := c.location()
		if ok {
			for _, g := range ru.geos {
				if geoMatch(g, loc) {
					if tr != nil {
						tr.addf("rule %d (%s) matched: location %s is in %s", num, ru.text(), loc.Code(), g)
					}
					return true
				}
			}
		}
	}
	if tr != nil {
		tr.addf("rule %d (%s) did not match", num, ru.text())
	}
	return false
}

func geoMatch(g model.GeoCode, l geo.Location) bool {
	return g.Continent == l.Continent &&
		(g.Country == "" || g.Country == l.Country) &&
		(g.Subdivision == "" || g.Subdivision == l.Subdivision)
}

// subnetBits is how many leading bits of a decide whether it is inside p.
func subnetBits(p netip.Prefix, a netip.Addr) int {
	if !a.IsValid() || p.Addr().Is4() != a.Is4() {
		return 0
	}
	if p.Contains(a) {
		return p.Bits()
	}
	return min(commonBits(p.Addr(), a)+1, p.Bits())
}

func commonBits(a, b netip.Addr) int {
	x, y := a.As16(), b.As16()
	off := 0
	if a.Is4() {
		off = 12
	}
	n := 0
	for i := off; i < 16; i++ {
		d := x[i] ^ y[i]
		if d == 0 {
			n += 8
			continue
		}
		for d&0x80 == 0 {
			n++
			d <<= 1
		}
		return n
	}
	return n
}

func eligible(v *value, h Health) bool {
	switch v.status {
	case model.StatusUp:
		return true
	case model.StatusDown:
		return false
	}
	return v.target < 0 || h.Up(v.target)
}

// maxAnswers bounds octodns.signpost.answers (validation allows 1..64).
const maxAnswers = 64

// pick appends up to n distinct eligible values of p, each chosen at random
// in proportion to its weight among those not yet chosen. Values of weight
// 0 are chosen (evenly) only when no heavier value is eligible.
func pick(p *pool, n int, owner string, h Health, r Rand, resp *Response, tr *Trace) (*cnameTarget, bool) {
	total, zeros := 0, 0
	for i := range p.values {
		v := &p.values[i]
		if eligible(v, h) {
			total += v.weight
			if v.weight == 0 {
				zeros++
			}
		}
		traceValue(tr, p, v, h)
	}
	if total == 0 {
		if zeros == 0 {
			return nil, false
		}
		return pickEvenly(p, owner, h, r, resp, tr, zeros), true
	}
	var chosen [maxAnswers]int
	k := 0
	for ; k < n && total > 0; k++ {
		x := r.IntN(total)
		for i := range p.values {
			v := &p.values[i]
			if !eligible(v, h) || taken(chosen[:k], i) {
				continue
			}
			if x < v.weight {
				chosen[k] = i
				total -= v.weight
				break
			}
			x -= v.weight
		}
	}
	for _, i := range chosen[:k] {
		resp.Answer = append(resp.Answer, p.values[i].rr.under(owner))
		if tr != nil {
			tr.addf("pool %s answered %s", p.name, p.values[i].text)
		}
	}
	return p.values[chosen[0]].cname, true
}

// pickEvenly answers one of the zeros eligible values, all of weight 0.
func pickEvenly(p *pool, owner string, h Health, r Rand, resp *Response, tr *Trace, zeros int) *cnameTarget {
	x := r.IntN(zeros)
	for i := range p.values {
		v := &p.values[i]
		if !eligible(v, h) {
			continue
		}
		if x == 0 {
			resp.Answer = append(resp.Answer, v.rr.under(owner))
			if tr != nil {
				tr.addf("pool %s answered %s (every eligible value weighs 0)", p.name, v.text)
			}
			return v.cname
		}
		x--
	}
	return nil
}

func taken(chosen []int, i int) bool {
	for _, c := range chosen {
		if c == i {
			return true
		}
	}
	return false
}
