package source

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
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

	mu    sync.Mutex                 // protects rows, stale and last
	rows  map[string][]*store.Record // each zone's records as last read
	stale map[string]bool            // zones whose records changed since
	last  *contents                  // what Zones last built from
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
	fresh    map[string]bool              // zones whose records were read again
	changed  map[string]bool              // policies changed since the last read
	// zones as built, by zone id, with their problems: a zone whose
	// records and policies did not change is the same *model.Zone next
	// time, and the engine reuses its compiled form.
	out map[string]builtZone
}

type builtZone struct {
	root  string
	z     *model.Zone
	probs model.Problems
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
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	var zones []*model.Zone
	var probs model.Problems
	for _, sz := range c.zones {
		b, ok := last.builtZone(sz.ID)
		if !ok || c.fresh[sz.ID] || b.root != sz.Root || !slices.Equal(b.z.Managed.Targets, sz.Targets) {
			b = s.build(c, sz)
		}
		c.out[sz.ID] = b
		zones = append(zones, b.z)
		probs = append(probs, b.probs...)
	}
	s.mu.Lock()
	s.last = c
	s.mu.Unlock()
	return zones, probs, nil
}

// build builds one store zone.
func (s *Store) build(c *contents, sz *store.Zone) builtZone {
	b := builtZone{root: sz.Root, z: &model.Zone{Name: sz.Root, File: "store zone " + sz.Root, Token: rand.Uint64() | 1,
		Managed: &model.Managed{Targets: sz.Targets, Policy: c.policies, IPs: c.ips, Check: s.check, ZoneID: sz.ID}}}
	m := b.z.Managed
	if sz.Token != "" {
		m.Pending = append(m.Pending, model.PendingRecord{Zone: true, ID: sz.ID, Name: "@", Token: sz.Token})
	}
	for _, r := range c.records[sz.ID] {
		typ, policy := model.PolicyRecordType(r.Type)
		if r.Token != "" {
			pr := model.PendingRecord{ID: r.ID, Name: r.Name, Type: typ, Token: r.Token}
			if p := c.policies[r.PolicyID()]; policy && p != nil {
				pr.Policy = p.Name
			}
			m.Pending = append(m.Pending, pr)
		}
		switch {
		case r.Deleted:
			m.Deleted = append(m.Deleted, model.NameType{Name: r.Name, Type: typ})
			continue
		case policy && len(r.Values) == 1:
			m.Policies = append(m.Policies, model.PolicyRef{Name: r.Name, Type: typ, Policy: r.Values[0]})
		}
		rec, rp := s.record(c, sz, r)
		b.probs = append(b.probs, rp...)
		if rec != nil {
			b.z.Records = append(b.z.Records, rec)
		}
	}
	for _, p := range model.ValidateZone(b.z) {
		p.File = b.z.File
		b.probs = append(b.probs, p)
	}
	return b
}

func (c *contents) builtZone(id string) (builtZone, bool) {
	if c == nil {
		return builtZone{}, false
	}
	b, ok := c.out[id]
	return b, ok
}

// changedPolicies returns the policies that differ between two reads: new,
// gone, edited, or with a member IP that changed.
func changedPolicies(old, cur *contents) map[string]bool {
	out := map[string]bool{}
	if old == nil {
		return out
	}
	ips := map[netip.Addr]bool{}
	for a, ip := range cur.ips {
		if o := old.ips[a]; o == nil || !reflect.DeepEqual(o, ip) {
			ips[a] = true
		}
	}
	for a := range old.ips {
		if cur.ips[a] == nil {
			ips[a] = true
		}
	}
	for id, p := range cur.policies {
		if o := old.policies[id]; o == nil || !reflect.DeepEqual(o, p) || slices.ContainsFunc(p.Members, func(m model.Member) bool { return ips[m.IP] }) {
			out[id] = true
		}
	}
	for id := range old.policies {
		if cur.policies[id] == nil {
			out[id] = true
		}
	}
	return out
}

// refersTo reports whether any of rows is a policy record of a policy in
// changed.
func refersTo(rows []*store.Record, changed map[string]bool) bool {
	if len(changed) == 0 {
		return false
	}
	for _, r := range rows {
		if _, ok := model.PolicyRecordType(r.Type); ok && len(r.Values) == 1 && changed[r.Values[0]] {
			return true
		}
	}
	return false
}

// read reads the zones, policies and IPs, and the records of zones not
// read before, changed since, or pointing at a policy that changed (their
// dirty marks moved with it); the rest come from the last read. Zones
// marked stale during the read stay marked for the next.
func (s *Store) read(ctx context.Context) (*contents, error) {
	c := &contents{records: map[string][]*store.Record{}, policies: map[string]*model.Policy{}, ips: map[netip.Addr]*model.IP{},
		built: map[policyKey]*model.Dynamic{}, fresh: map[string]bool{}, out: map[string]builtZone{}}
	s.mu.Lock()
	stale, cached, last := s.stale, s.rows, s.last
	s.stale = map[string]bool{}
	s.mu.Unlock()
	err := s.st.View(ctx, func(tx *store.Tx) error {
		ps, err := tx.Policies(ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			c.policies[p.ID] = p
		}
		ips, err := tx.IPs(ctx)
		if err != nil {
			return err
		}
		c.ips = model.IPsByAddress(ips)
		c.changed = changedPolicies(last, c)
		if c.zones, err = tx.Zones(ctx); err != nil {
			return err
		}
		for _, z := range c.zones {
			rows, ok := cached[z.ID]
			if !ok || stale[z.ID] || refersTo(rows, c.changed) {
				if rows, err = zoneRows(ctx, tx, z.ID); err != nil {
					return err
				}
				c.fresh[z.ID] = true
			}
			c.records[z.ID] = rows
		}
		return nil
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

// zoneRows reads a zone's records and tombstones.
func zoneRows(ctx context.Context, tx *store.Tx, zoneID string) ([]*store.Record, error) {
	rows, err := tx.Records(ctx, zoneID)
	if err != nil {
		return nil, err
	}
	gone, err := tx.Tombstones(ctx, zoneID)
	return append(rows, gone...), err
}

// record builds one store record; problems name the record's id.
func (s *Store) record(c *contents, z *store.Zone, r *store.Record) (*model.Record, model.Problems) {
	name := model.APIName(r.Name)
	where := func(probs model.Problems) model.Problems {
		for i := range probs {
			probs[i].File = "store record " + r.ID
		}
		return probs
	}
	typ, policy := model.PolicyRecordType(r.Type)
	if !policy {
		rec, probs := model.TextRecord(z.Root, name, model.RRType(r.Type), r.TTL, r.Values)
		if rec != nil {
			rec.Create = r.CreatePending
		}
		return rec, where(probs)
	}
	fqdn := model.NameFQDN(name, z.Root)
	// A policy record that cannot answer is left out with a warning: the
	// API refuses to make one, and the rest of the zone still serves.
	bad := func(format string, args ...any) model.Problems {
		return where(model.Problems{{Name: fqdn, Type: model.RRType(r.Type), Reason: fmt.Sprintf(format, args...), Warning: true}})
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
