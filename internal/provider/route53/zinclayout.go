package route53

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
)

// ZincZone is what zinc's layout needs of a store zone: its policy
// records, the policies and IPs they use, and each IP's Route53 health
// check.
type ZincZone struct {
	Root     string // fully qualified
	Records  []ZincRecord
	Policies map[string]*model.Policy
	IPs      map[netip.Addr]*model.IP
	Checks   map[netip.Addr]string // health check id by IP; none: no check
}

// ZincRecord is one policy record: a name (relative, "@" the apex), A or
// AAAA, and the policy's id.
type ZincRecord struct {
	Name   string
	Type   model.RRType
	Policy string
}

// zincPrefix starts the names of zinc's hidden trees.
const zincPrefix = model.TreePrefix

// ZincLayout lays out a zone's policies as zinc writes them (zinc
// reference §2), byte for byte, so that zones zinc manages are adopted
// without churn:
//   - a leaf per usable member (member and IP enabled): _zn_{policy}
//     (weighted) or _zn_{policy}_{region} (latency), A or AAAA by address,
//     TTL the policy's, SetIdentifier {member id}-{region}, the member's
//     weight, the IP's health check;
//   - for a latency policy, _zn_{policy} aliases per region (Region and
//     SetIdentifier the region, EvaluateTargetHealth true), A only where
//     the region has an IPv4 member, AAAA only where it has an IPv6 one;
//   - an alias from each policy record to _zn_{policy}
//     (EvaluateTargetHealth false).
//
// Each policy's tree is laid out once however many records use it. A
// record whose policy has no usable member is left out, with a problem
// (zinc's "Policy can't be applied"); the rest of the zone still goes.
func ZincLayout(z ZincZone) (sets []RRSet, problems []string) {
	trees := map[string][]model.Member{} // by policy id: its usable members
	records := slices.Clone(z.Records)
	slices.SortFunc(records, func(a, b ZincRecord) int {
		return strings.Compare(zincName(a.Name, z.Root)+" "+string(a.Type), zincName(b.Name, z.Root)+" "+string(b.Type))
	})
	var aliases []RRSet
	for _, r := range records {
		p := z.Policies[r.Policy]
		name := zincName(r.Name, z.Root)
		if p == nil {
			problems = append(problems, fmt.Sprintf("%s %s: policy %s does not exist", name, r.Type, r.Policy))
			continue
		}
		members := usable(p, z.IPs)
		if len(members) == 0 {
			problems = append(problems, fmt.Sprintf("%s %s: Policy %s can't be applied: it has no enabled member with an enabled IP", name, r.Type, p.Name))
			continue
		}
		trees[p.ID] = members
		aliases = append(aliases, RRSet{Name: name, Type: string(r.Type), Alias: &Alias{Target: treeName(p, "", z.Root)}})
	}
	ids := make([]string, 0, len(trees))
	for id := range trees {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return strings.Compare(z.Policies[a].Name, z.Policies[b].Name) })
	for _, id := range ids { // trees by policy name, each once
		sets = append(sets, zincTree(z, z.Policies[id], trees[id])...)
	}
	return append(sets, aliases...), problems
}

// usable returns the members zinc builds from, by region, then IP
// hostname, then address (zinc's ordering).
func usable(p *model.Policy, ips map[netip.Addr]*model.IP) []model.Member {
	var out []model.Member
	for _, m := range p.Members {
		if ip := ips[m.IP]; m.Enabled && ip != nil && ip.Enabled {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b model.Member) int {
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		if c := strings.Compare(ips[a.IP].Hostname, ips[b.IP].Hostname); c != 0 {
			return c
		}
		return a.IP.Compare(b.IP)
	})
	return out
}

// zincTree lays out one policy's leaves and, for latency, its region
// aliases.
func zincTree(z ZincZone, p *model.Policy, members []model.Member) []RRSet {
	var leaves, regions []RRSet
	families := map[string]map[string]bool{} // region -> A/AAAA present
	for _, m := range members {
		typ := "A"
		if m.IP.Is6() {
			typ = "AAAA"
		}
		region := ""
		if p.Routing == model.RoutingLatency {
			region = m.Region
		}
		w := int64(m.Weight)
		leaves = append(leaves, RRSet{Name: treeName(p, region, z.Root), Type: typ, SetID: m.ID + "-" + m.Region, TTL: p.TTL,
			Value: []string{m.IP.String()}, Weight: &w, HealthCheck: z.Checks[m.IP]})
		if families[m.Region] == nil {
			families[m.Region] = map[string]bool{}
		}
		families[m.Region][typ] = true
	}
	if p.Routing != model.RoutingLatency {
		return leaves
	}
	codes := make([]string, 0, len(families))
	for c := range families {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		for _, typ := range []string{"A", "AAAA"} {
			if families[c][typ] {
				regions = append(regions, RRSet{Name: treeName(p, "", z.Root), Type: typ, SetID: c, Region: c,
					Alias: &Alias{Target: treeName(p, c, z.Root), EvaluateHealth: true}})
			}
		}
	}
	return append(leaves, regions...)
}

// treeName is _zn_{policy}[_{region}].{root}.
func treeName(p *model.Policy, region, root string) string {
	n := zincPrefix + p.Name
	if region != "" {
		n += "_" + region
	}
	return n + "." + root
}

// zincName is a policy record's fully qualified, lower-case name.
func zincName(name, root string) string { return strings.ToLower(model.NameFQDN(name, root)) }
