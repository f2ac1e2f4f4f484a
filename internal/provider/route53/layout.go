package route53

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
)

// CIDR collection octodns-route53 uses for subnet rules.
const cidrCollection = "octodns"

// layout is a zone's desired state in Route53's terms.
type layout struct {
	records  []Record
	checks   []*checkSpec // one per health-checked value of a dynamic record
	warnings []string
	errs     []string
	cidrs    map[string][]string // location name -> subnets

	// A store zone's (see managed.go).
	zone     string
	owned    map[string]bool // "fqdn TYPE" it names; nil for a zone file
	held     map[string]bool // policy records, and _zn_{policy}, left as they are
	fresh    map[string]bool // "fqdn TYPE" of records never pushed
	ipChecks map[netip.Addr]*types.HealthCheckConfig
	refused  []plan.RecordError
}

// desired lays out z's records as octodns-route53 does, so that zones it
// manages are adopted without churn.
func desired(z *model.Zone) *layout {
	l := &layout{cidrs: map[string][]string{}, zone: strings.ToLower(z.Name), fresh: map[string]bool{}}
	for _, r := range z.Records {
		if r.Ignored || r.Policy != "" {
			continue
		}
		fqdn := strings.ToLower(r.FQDN())
		if r.Create {
			l.fresh[fqdn+" "+string(r.Type)] = true
		}
		if r.Dynamic == nil {
			l.records = append(l.records, Record{Name: fqdn, Type: string(r.Type),
				Sets: []RRSet{{Name: fqdn, Type: string(r.Type), TTL: r.TTL, Value: r.Values}}})
			continue
		}
		l.dynamic(r, fqdn)
	}
	if z.Managed != nil {
		l.managed(z)
	}
	return l
}

func poolName(pool, kind, fqdn string) string { return "_octodns-" + pool + "-" + kind + "." + fqdn }

// dynamic lays out one dynamic record: the default pool, weighted values,
// PRIMARY/SECONDARY pool aliases and the rule records at the name.
func (l *layout) dynamic(r *model.Record, fqdn string) {
	rec := Record{Name: fqdn, Type: string(r.Type)}
	add := func(s RRSet) { rec.Sets = append(rec.Sets, s) }
	add(RRSet{Name: poolName("default", "pool", fqdn), Type: string(r.Type), TTL: r.TTL, Value: r.Values})
	opts, err := route53Options(r)
	if err != nil {
		l.errs = append(l.errs, fmt.Sprintf("%s %s: %v", r.FQDN(), r.Type, err))
	}
	for _, p := range r.Dynamic.Pools {
		for i, v := range p.Values {
			w := int64(v.Weight)
			s := RRSet{Name: poolName(p.Name, "value", fqdn), Type: string(r.Type), SetID: fmt.Sprintf("%s-%03d", p.Name, i),
				TTL: r.TTL, Value: []string{v.Value}, Weight: &w}
			if v.Status != model.StatusUp {
				s.HealthCheck = l.check(r, fqdn, v, opts).placeholder()
			}
			add(s)
		}
		fallback, target := "default", poolName("default", "pool", fqdn)
		if p.Fallback != "" {
			fallback, target = p.Fallback, poolName(p.Fallback, "pool", fqdn)
		}
		add(RRSet{Name: poolName(p.Name, "pool", fqdn), Type: string(r.Type), SetID: p.Name + "-Primary", Failover: "PRIMARY",
			Alias: &Alias{Target: poolName(p.Name, "value", fqdn), EvaluateHealth: true}})
		add(RRSet{Name: poolName(p.Name, "pool", fqdn), Type: string(r.Type), SetID: p.Name + "-Secondary-" + fallback, Failover: "SECONDARY",
			Alias: &Alias{Target: target, EvaluateHealth: true}})
	}
	l.rules(r, fqdn, add)
	l.records = append(l.records, rec)
}

// rules lays out the rules at the record's name: geolocation records, or
// CIDR records when any rule has subnets.
func (l *layout) rules(r *model.Record, fqdn string, add func(RRSet)) {
	subnetMode := false
	for _, ru := range r.Dynamic.Rules {
		if len(ru.Subnets) > 0 {
			subnetMode = true
			if len(ru.Geos) > 0 {
				l.errs = append(l.errs, fmt.Sprintf("%s %s: mixed geo and subnet rules not supported", r.FQDN(), r.Type))
				return
			}
		}
	}
	for i, ru := range r.Dynamic.Rules {
		target := &Alias{Target: poolName(ru.Pool, "pool", fqdn), EvaluateHealth: true}
		base := RRSet{Name: fqdn, Type: string(r.Type), Alias: target}
		switch {
		case subnetMode:
			s := base
			s.SetID = fmt.Sprintf("%d-%s-subnet", i, ru.Pool)
			s.CIDR = &CIDR{Collection: cidrCollection, Location: "*"} // the catch-all
			if len(ru.Subnets) > 0 {
				s.CIDR.Location = l.cidrLocation(ru)
			}
			add(s)
		case len(ru.Geos) == 0:
			s := base
			s.SetID = fmt.Sprintf("%d-%s-None", i, ru.Pool)
			s.Geo = &Geo{Country: "*"}
			add(s)
		default:
			l.geoRule(r, i, ru, base, add)
		}
	}
}

func (l *layout) geoRule(r *model.Record, i int, ru *model.Rule, base RRSet, add func(RRSet)) {
	kept := 0
	for _, g := range ru.Geos {
		code := g.String()
		if g.Country == "CA" && g.Subdivision != "" {
			l.warnings = append(l.warnings, fmt.Sprintf("%s: NA-CA-* not supported for %s; filtering %s from rule %d", r.FQDN(), r.FQDN(), code, i+1))
			continue
		}
		s := base
		s.SetID = fmt.Sprintf("%d-%s-%s", i, ru.Pool, code)
		s.Geo = &Geo{Country: g.Country, Subdivision: g.Subdivision}
		if g.Country == "" {
			s.Geo = &Geo{Continent: g.Continent}
		}
		add(s)
		kept++
	}
	if kept == 0 {
		l.warnings = append(l.warnings, fmt.Sprintf("%s: skipping rule %d: none of its geos are supported by Route53", r.FQDN(), i+1))
	}
}

// cidrLocation names a rule's subnets as octodns-route53 does: the first
// 16 hex digits of sha256 over the sorted subnets joined by commas.
func (l *layout) cidrLocation(ru *model.Rule) string {
	subnets := make([]string, len(ru.Subnets))
	for i, s := range ru.Subnets {
		subnets[i] = s.String()
	}
	name := locationName(subnets)
	l.cidrs[name] = subnets
	return name
}
