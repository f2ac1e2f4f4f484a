package route53

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
)

// A store zone (model.Zone.Managed) is laid out differently from a zone
// file: its plain records as they are, its policy records in zinc's
// layout with one health check per IP, and only what it names is
// managed — any other record in the hosted zone is left alone, as zinc
// left records it did not make.

// ipCheckPrefix marks an IP's check in a layout until its id is known.
const ipCheckPrefix = "ip:"

// managed lays out a store zone's policy records and records what it
// owns.
func (l *layout) managed(z *model.Zone) {
	m := z.Managed
	zz := ZincZone{Root: strings.ToLower(z.Name), Policies: m.Policy, IPs: m.IPs, Checks: map[netip.Addr]string{}}
	l.owned = map[string]bool{}
	l.held = map[string]bool{}
	for _, r := range z.Records {
		if r.Policy == "" && !r.Ignored {
			l.owned[strings.ToLower(r.FQDN())+" "+string(r.Type)] = true
		}
	}
	for _, d := range m.Deleted {
		l.owned[zincName(d.Name, zz.Root)+" "+string(d.Type)] = true
	}
	l.ipChecks = map[netip.Addr]*types.HealthCheckConfig{}
	for _, ref := range m.Policies {
		key := zincName(ref.Name, zz.Root) + " " + string(ref.Type)
		l.owned[key] = true
		p := m.Policy[ref.Policy]
		if p == nil || len(usable(p, m.IPs)) == 0 {
			l.held[key] = true // left as it is at the provider, with its tree
			why := "policy " + ref.Policy + " does not exist"
			if p != nil {
				l.held[zincPrefix+p.Name] = true
				why = "Policy " + p.Name + " can't be applied: it has no enabled member with an enabled IP"
			}
			name, typ, _ := strings.Cut(key, " ")
			l.refused = append(l.refused, plan.RecordError{Name: name, Type: typ, Reason: why})
			continue
		}
		if why := l.ipChecksOf(p, m); why != "" {
			l.held[key], l.held[zincPrefix+p.Name] = true, true
			name, typ, _ := strings.Cut(key, " ")
			l.refused = append(l.refused, plan.RecordError{Name: name, Type: typ, Reason: why})
			continue
		}
		zz.Records = append(zz.Records, ZincRecord(ref))
		for _, mb := range usable(p, m.IPs) {
			zz.Checks[mb.IP] = ipCheckPrefix + mb.IP.String()
		}
	}
	sets, problems := ZincLayout(zz)
	for _, msg := range problems {
		name, rest, _ := strings.Cut(msg, " ")
		typ, reason, _ := strings.Cut(rest, ": ")
		l.refused = append(l.refused, plan.RecordError{Name: name, Type: typ, Reason: reason})
	}
	l.records = append(l.records, group(sets)...)
}

// ipChecksOf lays out the Route53 health checks of p's usable members:
// each IP's own check, or the policies' default. It returns why p cannot
// go to Route53 when one of them cannot be a Route53 check (ICMP): the
// embedded server probes it, but Route53 has no such check, so the
// records of p are refused at push time, not the whole zone.
func (l *layout) ipChecksOf(p *model.Policy, m *model.Managed) string {
	for _, mb := range usable(p, m.IPs) {
		if _, done := l.ipChecks[mb.IP]; done {
			continue
		}
		hc := m.Check
		if ip := m.IPs[mb.IP]; ip != nil && ip.Healthcheck != nil {
			hc = *ip.Healthcheck
		}
		cfg, warnings, err := ZincCheckConfig(mb.IP, hc)
		if err != nil {
			return "the health check of IP " + err.Error()
		}
		l.warnings = append(l.warnings, warnings...)
		l.ipChecks[mb.IP] = cfg
	}
	return ""
}

// ownsFn says which existing record sets a store zone's plan may touch:
// those it names (records, policy records, tombstones) and the hidden
// _zn_ trees, except a held policy's; never the apex SOA, nor the apex
// NS unless the store names it.
func (l *layout) ownsFn(zone string) func(name, typ string) bool {
	return func(name, typ string) bool {
		key := name + " " + typ
		switch {
		case l.held[key]:
			return false
		case l.owned[key]:
			return true
		case name == zone && (typ == "SOA" || typ == "NS"):
			return false
		}
		policy := model.TreePolicy(name)
		return policy != "" && !l.held[zincPrefix+policy]
	}
}

// createOnly turns the UPSERT of a record never pushed into a CREATE, so
// that Route53 refuses it if a record it did not make is there (zinc's
// POST never overwrites).
func createOnly(changes []recordChange, fresh map[string]bool) {
	for i := range changes {
		c := &changes[i]
		if !fresh[c.Name+" "+c.Type] {
			continue
		}
		for j := range c.Sets {
			if c.Sets[j].Op == plan.Replace {
				c.Sets[j].Op, c.Sets[j].Old = plan.Add, nil
			}
		}
	}
}

// IPCheck is an IP health check a plan makes sure of before its record
// changes.
type IPCheck struct {
	Address string                   `json:"address"`
	Config  *types.HealthCheckConfig `json:"config"`
}

// resolveIPChecks puts each IP's kept check id into the layout when
// Route53 has that check with the wanted config; the others are planned
// to be made (or replaced) at apply.
func (p *Provider) resolveIPChecks(ctx context.Context, l *layout, st *state) ([]IPCheck, error) {
	ids := map[string]string{}
	var out []IPCheck
	addrs := make([]netip.Addr, 0, len(l.ipChecks))
	for a := range l.ipChecks {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, netip.Addr.Compare)
	for _, a := range addrs {
		cfg := l.ipChecks[a]
		if cfg == nil {
			continue
		}
		id := ""
		if p.opts.IPChecks != nil {
			var err error
			if _, id, err = p.opts.IPChecks.IPCheck(ctx, a); err != nil {
				return nil, err
			}
		}
		if have := st.all[id]; id != "" && have != nil && sameIPCheck(have, cfg) {
			ids[ipCheckPrefix+a.String()] = id
			continue
		}
		out = append(out, IPCheck{Address: a.String(), Config: cfg})
	}
	for i := range l.records {
		for j := range l.records[i].Sets {
			s := &l.records[i].Sets[j]
			if id, ok := ids[s.HealthCheck]; ok {
				s.HealthCheck = id
			}
		}
	}
	return out, nil
}

// ensureIPChecks makes sure of the plan's IP checks and returns their ids
// by placeholder; a check replaced is retired, to be deleted once nothing
// uses it.
func (p *Provider) ensureIPChecks(ctx context.Context, checks []IPCheck) (map[string]string, error) {
	out := map[string]string{}
	if len(checks) > 0 && p.opts.IPChecks == nil {
		return nil, fmt.Errorf("%s: IP health checks need the store", p.opts.Name)
	}
	for _, c := range checks {
		a, err := netip.ParseAddr(c.Address)
		if err != nil {
			return nil, fmt.Errorf("the plan's IP check %q: %w", c.Address, err)
		}
		id, replaced, err := p.EnsureIPCheck(ctx, p.opts.IPChecks, a, c.Config)
		if err != nil {
			return nil, err
		}
		if replaced != "" {
			if err := p.opts.IPChecks.Retire(ctx, replaced); err != nil {
				return nil, err
			}
		}
		out[ipCheckPrefix+c.Address] = id
	}
	return out, nil
}

// sweepChecks deletes the retired IP checks no record set uses any more;
// one still in use stays retired for a later sweep.
func (p *Provider) sweepChecks(ctx context.Context) error {
	if p.opts.IPChecks == nil {
		return nil
	}
	ids, err := p.opts.IPChecks.Retired(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		inUse, err := p.deleteCheck(ctx, id)
		if err != nil {
			return err
		}
		if !inUse {
			if err := p.opts.IPChecks.Forget(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// refusedFirst orders refused records by name and type.
func refusedFirst(r []plan.RecordError) {
	slices.SortFunc(r, func(a, b plan.RecordError) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Type, b.Type))
	})
}
