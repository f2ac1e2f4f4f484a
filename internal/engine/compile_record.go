package engine

import (
	"strings"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/health/target"
	"github.com/signpost-dns/signpost/internal/model"
)

// rrset compiles one record, or returns nil and records a problem.
func (c *compiler) rrset(rec *model.Record, fqdn string) *rrset {
	rtype := rec.Type.Code()
	if rtype == 0 {
		c.problem(rec, false, "unknown type %s", rec.Type)
		return nil
	}
	s := &rrset{rtype: rtype, fqdn: fqdn, rrs: make([]record, 0, len(rec.Values))}
	for _, v := range rec.Values {
		rr, err := c.rr(rec, fqdn, v)
		if err != nil {
			c.problem(rec, rec.Lenient, "value %s: %v", v, err)
			continue
		}
		if len(s.rrs) == 0 && rtype == dns.TypeCNAME { // build writes the value as the target
			s.more = &rrsetMore{target: cnameTo(v)}
		}
		s.rrs = append(s.rrs, rr)
	}
	if rec.Dynamic != nil {
		s.dyn = c.dynamic(rec, fqdn)
	}
	if len(s.rrs) == 0 && s.dyn == nil {
		return nil
	}
	return s
}

func (c *compiler) rr(rec *model.Record, fqdn, rdata string) (record, error) {
	rr, err := build(&c.mem, rec, fqdn, rdata)
	if err != nil {
		return record{}, err
	}
	return c.mem.record(rr)
}

func (c *compiler) dynamic(rec *model.Record, fqdn string) *dynamic {
	d := &dynamic{answers: max(1, rec.Signpost.Answers), neverDark: rec.Dynamic.NeverDark}
	index := func(name string) (int, bool) { // pools are few: no map
		for i, p := range rec.Dynamic.Pools {
			if p.Name == name {
				return i, true
			}
		}
		return -1, false
	}
	d.pools = make([]pool, 0, len(rec.Dynamic.Pools))
	d.rules = make([]rule, 0, len(rec.Dynamic.Rules))
	for _, p := range rec.Dynamic.Pools {
		pl := pool{name: p.Name, fallback: -1, point: p.Point, values: make([]value, 0, len(p.Values))}
		if i, ok := index(p.Fallback); ok && p.Fallback != "" {
			pl.fallback = i
		}
		for _, pv := range p.Values {
			if v, ok := c.value(rec, fqdn, pv); ok {
				pl.values = append(pl.values, v)
			}
		}
		d.pools = append(d.pools, pl)
	}
	for _, r := range rec.Dynamic.Rules {
		ru := rule{pool: -1, nearest: r.Nearest, subnets: r.Subnets, poolName: r.Pool}
		if i, ok := index(r.Pool); ok {
			ru.pool = i
		}
		for _, code := range r.Geos {
			c.checkCoverage(rec, r, code)
			ru.geos = append(ru.geos, code)
		}
		d.rules = append(d.rules, ru)
	}
	return d
}

func (c *compiler) value(rec *model.Record, fqdn string, pv model.PoolValue) (value, bool) {
	rr, err := c.rr(rec, fqdn, pv.Value)
	if err != nil {
		c.problem(rec, rec.Lenient, "pool value %s: %v", pv.Value, err)
		return value{}, false
	}
	v := value{rr: rr, text: pv.Value, weight: int(pv.Weight), status: pv.Status, target: -1}
	if rec.Type.Code() == dns.TypeCNAME { // build writes the value as the target
		to := cnameTo(pv.Value)
		v.cname = &to
	}
	hc := rec.Healthcheck()
	if pv.Healthcheck != nil {
		hc = *pv.Healthcheck
	}
	switch {
	case pv.Status != model.StatusObey || hc.Protocol == "UDP":
	case pv.Healthcheck != nil:
		v.target = c.sharedTarget(rec, pv)
	default:
		v.target = c.target(rec, pv.Value, hc)
	}
	return v, true
}

// sharedTarget is target for a value whose check other records share:
// keyed once per value and check.
func (c *compiler) sharedTarget(rec *model.Record, pv model.PoolValue) int {
	key := sharedCheck{pv.Value, pv.Healthcheck}
	c.reg.mu.Lock()
	st, ok := c.reg.shared[key]
	c.reg.mu.Unlock()
	if ok {
		c.use(st.id, st.check, rec)
		return st.id
	}
	id, check := c.newTarget(rec, pv.Value, *pv.Healthcheck)
	c.reg.mu.Lock()
	c.reg.shared[key] = sharedTarget{id: id, check: check}
	c.reg.mu.Unlock()
	return id
}

// target returns the id of the health-check target for val, adding it
// when it is new. One target serves every record and pool that uses it.
func (c *compiler) target(rec *model.Record, val string, hc model.Healthcheck) int {
	id, _ := c.newTarget(rec, val, hc)
	return id
}

// newTarget is target, also returning the target's filled, normalized
// check.
func (c *compiler) newTarget(rec *model.Record, val string, hc model.Healthcheck) (int, model.Healthcheck) {
	tg := target.New(rec.FQDN(), val, hc, c.probe)
	if tg.Check.Timeout >= tg.Check.Interval {
		c.problem(rec, false, "health check timeout %s must be below its interval %s", tg.Check.Timeout, tg.Check.Interval)
	}
	c.reg.mu.Lock()
	id, ok := c.t.keyIDs[tg.Key]
	if !ok {
		id = len(c.t.base)
		c.t.keyIDs[tg.Key] = id
		c.t.base = append(c.t.base, tg)
	}
	c.reg.mu.Unlock()
	c.use(id, tg.Check, rec)
	return id, tg.Check
}

// use records that the zone being compiled probes target id with check
// for rec.
func (c *compiler) use(id int, check model.Healthcheck, rec *model.Record) {
	u := c.uses[id]
	if u == nil {
		u = &use{id: id, Target: target.Target{Check: check}}
		c.uses[id] = u
	}
	u.Merge(check, rec.FQDN()+" "+string(rec.Type))
}

// text describes the rule for explain; made only when explaining.
func (ru *rule) text() string {
	if ru.nearest {
		return "nearest region"
	}
	var parts []string
	for _, s := range ru.subnets {
		parts = append(parts, s.String())
	}
	for _, g := range ru.geos {
		parts = append(parts, g.String())
	}
	if len(parts) == 0 {
		return "catch-all"
	}
	return strings.Join(parts, ", ") + " -> " + ru.poolName
}

// checkCoverage warns about geo codes the locator can never match.
func (c *compiler) checkCoverage(rec *model.Record, r *model.Rule, code model.GeoCode) {
	switch cov := c.t.locator.Coverage(); {
	case cov == geo.CoverageNone:
		c.problem(rec, true, "geo %s (pool %s) cannot match: GeoIP is off (geoip.database: none)", code, r.Pool)
	case cov == geo.CoverageCountry && code.Subdivision != "":
		c.problem(rec, true, "geo %s (pool %s) cannot match: %s has no subdivisions; configure a City database", code, r.Pool, c.t.locator.Source())
	}
}
