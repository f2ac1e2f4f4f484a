package model

import (
	"cmp"
	"net/netip"
	"slices"
)

// PolicyRecord builds the record a policy record (zinc's POLICY_ROUTED,
// or POLICY_ROUTED_IPv6 with typ AAAA) serves at name in zone: a dynamic
// record that never goes dark, whose values are the policy's eligible
// members of the type's family, each probed with check or its IP's own.
// An IP is one health target whatever records use it: a check without a
// host takes the IP's hostname, or its address, rather than each record's
// name. A weighted policy is one pool behind a catch-all rule; a latency policy
// is one pool per region, sorted by code, behind a nearest-region rule.
// ok is false when no member of the family is eligible.
func PolicyRecord(zone, name string, typ RRType, p *Policy, ips map[netip.Addr]*IP, regions Regions, check Healthcheck) (*Record, bool) {
	d, ok := PolicyDynamic(p, typ, ips, regions, check)
	if !ok {
		return nil, false
	}
	return PolicyRecordWith(zone, name, typ, p, d, check), true
}

// PolicyRecordWith builds the record at name in zone from a dynamic block
// PolicyDynamic made for p and typ; records of one policy share it.
func PolicyRecordWith(zone, name string, typ RRType, p *Policy, d *Dynamic, check Healthcheck) *Record {
	return &Record{Zone: zone, Name: APIName(name), Type: typ, TTL: p.TTL, Dynamic: d, Check: &check,
		Signpost: SignpostOptions{Answers: 1}, Policy: p.ID}
}

// PolicyDynamic builds the dynamic block a policy answers typ with (see
// PolicyRecord); ok is false when no member of the family is eligible.
func PolicyDynamic(p *Policy, typ RRType, ips map[netip.Addr]*IP, regions Regions, check Healthcheck) (*Dynamic, bool) {
	family := 4
	if typ == "AAAA" {
		family = 6
	}
	members := p.Eligible(ips, family)
	if len(members) == 0 {
		return nil, false
	}
	d := &Dynamic{NeverDark: true}
	if p.Routing == RoutingWeighted {
		d.Pools = []*Pool{{Name: p.Name, Values: poolValues(members, ips, check)}}
		d.Rules = []*Rule{{Pool: p.Name}}
	} else {
		byRegion := map[string][]Member{}
		for _, m := range members {
			byRegion[m.Region] = append(byRegion[m.Region], m)
		}
		codes := make([]string, 0, len(byRegion))
		for c := range byRegion {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			pl := &Pool{Name: c, Values: poolValues(byRegion[c], ips, check)}
			if r, ok := regions[c]; ok {
				pt := r.Point()
				pl.Point = &pt
			}
			d.Pools = append(d.Pools, pl)
		}
		d.Rules = []*Rule{{Nearest: true}}
	}
	return d, true
}

func poolValues(members []Member, ips map[netip.Addr]*IP, check Healthcheck) []PoolValue {
	out := make([]PoolValue, len(members))
	for i, m := range members {
		ip := ips[m.IP]
		hc := check
		if ip.Healthcheck != nil {
			hc = *ip.Healthcheck
		}
		if hc.Host == "" {
			hc.Host = cmp.Or(ip.Hostname, m.IP.String())
		}
		out[i] = PoolValue{Value: m.IP.String(), Weight: uint32(m.Weight), Status: StatusObey, Healthcheck: &hc}
	}
	return out
}

// PolicyRecordType says whether an API record type is a policy record
// (zinc's POLICY_ROUTED, POLICY_ROUTED_IPv6), and the DNS type it answers.
func PolicyRecordType(t string) (RRType, bool) {
	switch t {
	case "POLICY_ROUTED":
		return "A", true
	case "POLICY_ROUTED_IPv6":
		return "AAAA", true
	}
	return RRType(t), false
}
