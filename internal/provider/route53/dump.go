package route53

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
)

// Dump implements provider.Provider.
func (p *Provider) Dump(ctx context.Context, zone string) (*model.Zone, error) {
	zone = strings.ToLower(zone)
	st, err := p.read(ctx, zone, false) // CIDR collections are read if records use them
	if err != nil {
		return nil, err
	}
	if st.zoneID == "" {
		return nil, fmt.Errorf("no hosted zone %s", zone)
	}
	if trees := zincTrees(st.records); len(trees) > 0 {
		return nil, fmt.Errorf("%w: %s holds zinc's hidden policy trees (%s): its policy records are not zone-file records. "+
			"Import zinc's database with `signpost import zinc --config FILE --from DSN`: the zone, its policies and its plain records "+
			"go into the store, and `signpost plan` then shows what would change (nothing, for a zone zinc keeps in step)", ErrZincManaged, zone, strings.Join(trees, ", "))
	}
	checks := map[string]*types.HealthCheckConfig{}
	for _, hc := range st.checks {
		checks[aws.ToString(hc.Id)] = hc.HealthCheckConfig
	}
	z := &model.Zone{Name: zone}
	for _, r := range st.records {
		rec, err := dumpRecord(zone, r, checks)
		if err != nil {
			return nil, err
		}
		if err := p.dumpSubnets(ctx, st, r, rec); err != nil {
			return nil, err
		}
		z.Records = append(z.Records, rec)
	}
	slices.SortFunc(z.Records, func(a, b *model.Record) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type)) })
	return z, nil
}

func relName(fqdn, zone string) string {
	if fqdn == zone {
		return ""
	}
	return strings.TrimSuffix(fqdn, "."+zone)
}

func dumpRecord(zone string, r Record, checks map[string]*types.HealthCheckConfig) (*model.Record, error) {
	rec := &model.Record{Zone: zone, Name: relName(r.Name, zone), Type: model.RRType(r.Type), TTL: model.DefaultTTL}
	if len(r.Sets) == 1 && r.Sets[0].Name == r.Name && r.Sets[0].Alias == nil && r.Sets[0].SetID == "" {
		rec.TTL, rec.Values = r.Sets[0].TTL, r.Sets[0].Value
		return rec, nil
	}
	d := &model.Dynamic{}
	pools := map[string]*model.Pool{}
	pool := func(name string) *model.Pool {
		if pools[name] == nil {
			pools[name] = &model.Pool{Name: name}
			d.Pools = append(d.Pools, pools[name])
		}
		return pools[name]
	}
	rules := map[int]*model.Rule{}
	for _, s := range r.Sets {
		label, _, _ := strings.Cut(s.Name, ".")
		switch {
		case label == "_octodns-default-pool":
			rec.TTL, rec.Values = s.TTL, s.Value
		case strings.HasSuffix(label, "-value"):
			pl := pool(strings.TrimSuffix(strings.TrimPrefix(label, "_octodns-"), "-value"))
			pl.Values = append(pl.Values, dumpValue(rec, s, checks))
			rec.TTL = s.TTL
		case strings.HasSuffix(label, "-pool") && s.Failover == "SECONDARY" && s.Alias != nil:
			pl := pool(strings.TrimSuffix(strings.TrimPrefix(label, "_octodns-"), "-pool"))
			target, _, _ := strings.Cut(s.Alias.Target, ".")
			if target != "_octodns-default-pool" {
				pl.Fallback = strings.TrimSuffix(strings.TrimPrefix(target, "_octodns-"), "-pool")
			}
		case s.Name == r.Name && s.SetID != "":
			if err := dumpRule(rules, s); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.Name, r.Type, err)
			}
		}
	}
	for _, i := range slices.Sorted(intKeys(rules)) {
		d.Rules = append(d.Rules, rules[i])
	}
	slices.SortFunc(d.Pools, func(a, b *model.Pool) int { return cmp.Compare(a.Name, b.Name) })
	for _, pl := range d.Pools {
		slices.SortFunc(pl.Values, func(a, b model.PoolValue) int { return cmp.Compare(a.Value, b.Value) })
	}
	rec.Dynamic = d
	return rec, nil
}

func intKeys[V any](m map[int]V) func(func(int) bool) {
	return func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// dumpSubnets fills in the subnets of a record's CIDR rules from the
// blocks of their locations.
func (p *Provider) dumpSubnets(ctx context.Context, st *state, r Record, rec *model.Record) error {
	for _, s := range r.Sets {
		if s.CIDR == nil || s.CIDR.Location == "*" || s.Name != r.Name {
			continue
		}
		idx, _, _ := strings.Cut(s.SetID, "-")
		i, err := strconv.Atoi(idx)
		if err != nil || rec.Dynamic == nil || i >= len(rec.Dynamic.Rules) {
			continue
		}
		out, err := call(ctx, p.c, "ListCidrBlocks", p.c.api.ListCidrBlocks, &route53.ListCidrBlocksInput{
			CollectionId: aws.String(st.cidrIDs[s.CIDR.Collection]), LocationName: aws.String(s.CIDR.Location)})
		if err != nil {
			return fmt.Errorf("reading CIDR location %s: %w", s.CIDR.Location, err)
		}
		for _, b := range out.CidrBlocks {
			if pfx, ok := model.ParseSubnet(aws.ToString(b.CidrBlock)); ok {
				rec.Dynamic.Rules[i].Subnets = append(rec.Dynamic.Rules[i].Subnets, pfx)
			}
		}
	}
	return nil
}

// dumpValue reads a weighted value: no check means status up, a disabled
// and inverted check means down, and the check's settings give the
// record's health-check spec.
func dumpValue(rec *model.Record, s RRSet, checks map[string]*types.HealthCheckConfig) model.PoolValue {
	v := model.PoolValue{Value: strings.Join(s.Value, " "), Weight: 1, Status: model.StatusUp}
	if s.Weight != nil {
		v.Weight = uint32(*s.Weight)
	}
	cfg, ok := checks[s.HealthCheck]
	if s.HealthCheck == "" || !ok {
		return v
	}
	v.Status = model.StatusObey
	if aws.ToBool(cfg.Disabled) && aws.ToBool(cfg.Inverted) {
		v.Status = model.StatusDown
	}
	if rec.Check == nil {
		def := model.DefaultHealthcheck()
		rec.Check = &def
	}
	hc := rec.Check
	hc.Protocol, hc.Port = string(cfg.Type), uint16(aws.ToInt32(cfg.Port))
	if cfg.ResourcePath != nil {
		hc.Path = aws.ToString(cfg.ResourcePath)
	}
	if host := aws.ToString(cfg.FullyQualifiedDomainName); host != "" && rec.Type != "CNAME" && host != strings.TrimSuffix(rec.FQDN(), ".") {
		hc.Host = host
	}
	return v
}

// dumpRule reads a rule record "<index>-<pool>-<geo|None|subnet>".
func dumpRule(rules map[int]*model.Rule, s RRSet) error {
	idx, rest, ok := strings.Cut(s.SetID, "-")
	i, err := strconv.Atoi(idx)
	if !ok || err != nil || s.Alias == nil {
		return fmt.Errorf("record set %q is not a signpost/octoDNS rule", s.SetID)
	}
	target, _, _ := strings.Cut(s.Alias.Target, ".")
	poolName := strings.TrimSuffix(strings.TrimPrefix(target, "_octodns-"), "-pool")
	ru := rules[i]
	if ru == nil {
		ru = &model.Rule{Pool: poolName}
		rules[i] = ru
	}
	_ = rest
	if g := s.Geo; g != nil && g.Country != "*" {
		ru.Geos = append(ru.Geos, geoCode(g))
		slices.SortFunc(ru.Geos, func(a, b model.GeoCode) int { return strings.Compare(a.String(), b.String()) })
	}
	return nil
}

func geoCode(g *Geo) model.GeoCode {
	if g.Continent != "" {
		return model.GeoCode{Continent: g.Continent}
	}
	return model.GeoCode{Continent: model.CountryContinents()[g.Country], Country: g.Country, Subdivision: g.Subdivision}
}

// ErrZincManaged is a zone whose policy records zinc manages.
var ErrZincManaged = errors.New("zinc-managed zone")

// zincTrees names the policies whose _zn_ trees a zone holds.
func zincTrees(records []Record) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range records {
		policy := model.TreePolicy(r.Name)
		if policy != "" && !seen[policy] {
			seen[policy] = true
			out = append(out, policy)
		}
	}
	slices.Sort(out)
	return out
}

// Plain reads a hosted zone's plain records (what zinc kept only in
// Route53) as records of the model, for an import into the store: every
// record set without a SetIdentifier or alias, but the apex SOA and NS and
// zinc's hidden trees. What is left out is listed in skipped with why;
// the aliases of policy records are left out without a word.
func (p *Provider) Plain(ctx context.Context, zone string) (records []*model.Record, skipped []string, err error) {
	zone = strings.ToLower(zone)
	st, err := p.read(ctx, zone, false)
	if err != nil {
		return nil, nil, err
	}
	if st.zoneID == "" {
		return nil, []string{fmt.Sprintf("zone %s: no hosted zone at %s yet; a plan creates it", zone, p.opts.Name)}, nil
	}
	for _, r := range st.records {
		switch {
		case r.Name == zone && (r.Type == "SOA" || r.Type == "NS"), model.TreePolicy(r.Name) != "":
			continue
		case len(r.Sets) == 1 && r.Sets[0].Alias != nil && model.TreePolicy(r.Sets[0].Alias.Target) != "":
			continue // a policy record's alias
		}
		if s := r.Sets[0]; len(r.Sets) > 1 || s.SetID != "" || s.Alias != nil {
			skipped = append(skipped, fmt.Sprintf("%s %s: routed or alias record sets are not plain records", r.Name, r.Type))
			continue
		}
		rec, err := dumpRecord(zone, r, nil)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s %s: %v", r.Name, r.Type, err))
			continue
		}
		records = append(records, rec)
	}
	return records, skipped, nil
}
