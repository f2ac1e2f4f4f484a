package rfc2136

import (
	"fmt"
	"slices"
	"strings"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider"
)

// desired lays out z's records as record sets: static records as they
// are, dynamic ones flattened (see flatten).
func desired(z *model.Zone, up provider.HealthView) ([]record, error) {
	var out []record
	for _, r := range z.Records {
		if r.Ignored {
			continue
		}
		values := r.Values
		if r.Dynamic != nil {
			values = flatten(r, up)
		}
		s := RRSet{Name: strings.ToLower(r.FQDN()), Type: string(r.Type), TTL: r.TTL}
		for _, v := range values {
			rr, err := engine.BuildRR(r, v)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.FQDN(), r.Type, err)
			}
			s.Values = append(s.Values, rdata(rr))
		}
		slices.Sort(s.Values)
		s.Values = slices.Compact(s.Values)
		if len(s.Values) > 0 {
			out = append(out, record{Name: s.Name, Type: s.Type, Sets: []RRSet{s}})
		}
	}
	return out, nil
}

// flatten is what a dynamic record's catch-all answers now, for a server
// that gives everyone the same answer: the first rule without geos or
// subnets (a nearest-region rule takes every pool), its pool's serving
// values — status up, or obey and healthy; those of weight 0 only when no
// other serves — then its fallbacks in turn, then the backup values. A
// record that never goes dark serves every value of its pools when none
// is healthy.
func flatten(r *model.Record, up provider.HealthView) []string {
	d := r.Dynamic
	key := strings.ToLower(r.FQDN()) + " " + string(r.Type)
	pools := map[string]*model.Pool{}
	for _, p := range d.Pools {
		pools[p.Name] = p
	}
	var start []*model.Pool
	for _, ru := range d.Rules {
		if len(ru.Geos) > 0 || len(ru.Subnets) > 0 {
			continue
		}
		if ru.Nearest {
			start = d.Pools
		} else if p := pools[ru.Pool]; p != nil {
			start = []*model.Pool{p}
		}
		break
	}
	var serving []string
	for _, p := range start {
		serving = append(serving, chain(p, pools, key, up)...)
	}
	if len(serving) > 0 {
		return serving
	}
	if len(r.Values) == 0 && d.NeverDark {
		for _, p := range start {
			for _, v := range p.Values {
				if v.Status != model.StatusDown {
					serving = append(serving, v.Value)
				}
			}
		}
	}
	if len(serving) > 0 {
		return serving
	}
	return r.Values
}

// chain returns the serving values of p, or of the first pool of its
// fallback chain that has any.
func chain(p *model.Pool, pools map[string]*model.Pool, key string, up provider.HealthView) []string {
	seen := map[string]bool{}
	for p != nil && !seen[p.Name] {
		seen[p.Name] = true
		var weighted, zero []string
		for _, v := range p.Values {
			ok := v.Status == model.StatusUp || (v.Status == model.StatusObey && (up == nil || up(key, v.Value)))
			switch {
			case !ok:
			case v.Weight > 0:
				weighted = append(weighted, v.Value)
			default:
				zero = append(zero, v.Value)
			}
		}
		if len(weighted) > 0 {
			return weighted
		}
		if len(zero) > 0 {
			return zero
		}
		p = pools[p.Fallback]
	}
	return nil
}
