package source

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"

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

	mu    sync.Mutex                 // protects rows and stale
	rows  map[string][]*store.Record // each zone's records as last read
	stale map[string]bool            // zones whose records changed since
}

// NewStore returns the store source. regions are those members may name;
// check is the default check of policy IPs.
func NewStore(st *store.Store, regions model.Regions, check model.Healthcheck) *Store {
	return &Store{st: st, regions: regions, check: check, changed: make(chan string, 1), rows: map[string][]*store.Record{}, stale: map[string]bool{}}
}

// Store returns the store read.
func (s *Store) Store() *store.Store { return s.st }

// Name implements Source.
func (s *Store) Name() string { return "the store (" + s.st.Dialect() + ")" }

// Changed tells the watcher that a write was committed, naming the zones
// whose records it changed (none for a write to IPs or policies, whose
// records stay as they are). It never blocks.
func (s *Store) Changed(why string, zones ...string) {
	s.mu.Lock()
	for _, z := range zones {
		s.stale[z] = true
	}
	s.mu.Unlock()
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

// contents is everything Zones reads, in one transaction, and the dynamic
// blocks built from it: records of one policy share one.
type contents struct {
	zones    []*store.Zone
	records  map[string][]*store.Record
	policies map[string]*model.Policy
	ips      map[netip.Addr]*model.IP
	built    map[policyKey]*model.Dynamic // nil value: no eligible member
}

type policyKey struct {
	id  string
	typ model.RRType
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

// read reads the zones, policies and IPs, and the records of zones not
// read before or changed since; the rest come from the last read. Zones
// marked stale during the read stay marked for the next.
func (s *Store) read(ctx context.Context) (*contents, error) {
	c := &contents{records: map[string][]*store.Record{}, policies: map[string]*model.Policy{}, ips: map[netip.Addr]*model.IP{},
		built: map[policyKey]*model.Dynamic{}}
	s.mu.Lock()
	stale, cached := s.stale, s.rows
	s.stale = map[string]bool{}
	s.mu.Unlock()
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if c.zones, err = tx.Zones(ctx); err != nil {
			return err
		}
		for _, z := range c.zones {
			rows, ok := cached[z.ID]
			if !ok || stale[z.ID] {
				if rows, err = tx.Records(ctx, z.ID); err != nil {
					return err
				}
			}
			c.records[z.ID] = rows
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		for z := range stale { // read again next time
			s.stale[z] = true
		}
		return nil, fmt.Errorf("reading the store: %w", err)
	}
	s.rows = c.records // zones no longer listed drop out
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
	key := policyKey{p.ID, typ}
	d, seen := c.built[key]
	if !seen {
		d, _ = model.PolicyDynamic(p, typ, c.ips, s.regions, s.check)
		c.built[key] = d
	}
	if d == nil {
		return nil, bad("%s", model.CheckPointable(p, c.ips, typ))
	}
	return model.PolicyRecordWith(z.Root, name, typ, p, d, s.check), nil
}
