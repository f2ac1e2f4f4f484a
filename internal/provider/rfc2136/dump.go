package rfc2136

import (
	"context"
	"strings"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/model"
)

// Dump implements provider.Provider: the zone as transferred, one static
// record per set (a flattened dynamic record comes back as what it
// answered).
func (p *Provider) Dump(ctx context.Context, zone string) (*model.Zone, error) {
	zone = strings.ToLower(dns.Fqdn(zone))
	st, err := p.read(ctx, zone)
	if err != nil {
		return nil, err
	}
	return st.zone(zone), nil
}

// zone is the transferred state as a zone of static records.
func (st *state) zone(zone string) *model.Zone {
	z := &model.Zone{Name: zone}
	for _, r := range st.records() {
		s := r.Sets[0]
		name := ""
		if s.Name != zone {
			name = strings.TrimSuffix(s.Name, "."+zone)
		}
		z.Records = append(z.Records, &model.Record{Zone: zone, Name: name, Type: model.RRType(s.Type), TTL: s.TTL, Values: s.Values})
	}
	return z
}
