package source

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// Store serves the zones kept in the store: their records as written, and
// their policy records (POLICY_ROUTED, POLICY_ROUTED_IPv6) compiled from
// the policy they name.
type Store struct {
	st      *store.Store
	regions model.Regions
	check   model.Healthcheck // the check of IPs without one of their own
	changed chan string
}

// NewStore returns the store source. regions are those members may name;
// check is the default check of policy IPs.
func NewStore(st *store.Store, regions model.Regions, check model.Healthcheck) *Store {
	return &Store{st: st, regions: regions, check: check, changed: make(chan string, 1)}
}

// Store returns the store read.
func (s *Store) Store() *store.Store { return s.st }

// Name implements Source.
func (s *Store) Name() string { return "the store (" + s.st.Dialect() + ")" }

// Changed tells the watcher that a write was committed. It never blocks.
func (s *Store) Changed(why string) {
	select {
	case s.changed <- why:
	default: // a change is already pending; one reload reads both
	}
}

// Watch implements Source.
func (s *Store) Watch(ctx context.Context, changed func(why string)) {
	for {
		select {
		case <-ctx.Done():
			return
		case why := <-s.changed:
			changed(why)
		}
	}
}

// contents is everything Zones reads, in one transaction.
type contents struct {
	zones    []*store.Zone
	records  map[string][]*store.Record
	policies map[string]*model.Policy
	ips      map[netip.Addr]*model.IP
}

// Zones implements Source.
func (s *Store) Zones(ctx context.Context) ([]*model.Zone, model.Problems, error) {
	c, err := s.read(ctx)
	if err != nil {
		return nil, nil, err
	}
	var zones []*model.Zone
	var probs model.Problems
	for _, sz := range c.zones {
		z := &model.Zone{Name: sz.Root, File: "store zone " + sz.Root}
		for _, r := range c.records[sz.ID] {
			rec, rp := s.record(c, sz, r)
			probs = append(probs, rp...)
			if rec != nil {
				z.Records = append(z.Records, rec)
			}
		}
		for _, p := range model.ValidateZone(z) {
			p.File = z.File
			probs = append(probs, p)
		}
		zones = append(zones, z)
	}
	return zones, probs, nil
}

func (s *Store) read(ctx context.Context) (*contents, error) {
	c := &contents{records: map[string][]*store.Record{}, policies: map[string]*model.Policy{}, ips: map[netip.Addr]*model.IP{}}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if c.zones, err = tx.Zones(ctx); err != nil {
			return err
		}
		for _, z := range c.zones {
			if c.records[z.ID], err = tx.Records(ctx, z.ID); err != nil {
				return err
			}
		}
		ps, err := tx.Policies(ctx)
		for _, p := range ps {
			c.policies[p.ID] = p
		}
		if err != nil {
			return err
		}
		ips, err := tx.IPs(ctx)
		c.ips = model.IPsByAddress(ips)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the store: %w", err)
	}
	return c, nil
}

// record builds one store record; problems name the record's id.
func (s *Store) record(c *contents, z *store.Zone, r *store.Record) (*model.Record, model.Problems) {
	name := r.Name
	if name == "@" {
		name = ""
	}
	where := func(probs model.Problems) model.Problems {
		for i := range probs {
			probs[i].File = "store record " + r.ID
		}
		return probs
	}
	typ, policy := model.PolicyRecordType(r.Type)
	if !policy {
		rec, probs := model.TextRecord(z.Root, strings.ToLower(name), model.RRType(r.Type), r.TTL, r.Values)
		return rec, where(probs)
	}
	fqdn := (&model.Record{Zone: z.Root, Name: name}).FQDN()
	bad := func(format string, args ...any) model.Problems {
		return where(model.Problems{{Name: fqdn, Type: model.RRType(r.Type), Reason: fmt.Sprintf(format, args...)}})
	}
	if len(r.Values) != 1 {
		return nil, bad("Only one value can be specified for %s records.", r.Type)
	}
	p := c.policies[r.Values[0]]
	if p == nil {
		return nil, bad("policy %s does not exist", r.Values[0])
	}
	rec, ok := model.PolicyRecord(z.Root, name, typ, p, c.ips, s.regions, s.check)
	if !ok {
		return nil, bad("%s", model.CheckPointable(p, c.ips, typ))
	}
	return rec, nil
}
