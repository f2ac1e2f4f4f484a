package source

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// Store serves the zones kept in the store: their records as written, and
// their policy records (POLICY_ROUTED, POLICY_ROUTED_IPv6) compiled from
// the policy they name. A read takes again only what the store's change
// versions say moved since the last, whoever wrote it.
type Store struct {
	st      *store.Store
	regions model.Regions
	check   model.Healthcheck // the check of IPs without one of their own
	poll    time.Duration
	changed chan string

	mu   sync.Mutex // protects last
	last *contents  // what Zones last built from
}

// NewStore returns the store source. regions are those members may name;
// check is the default check of policy IPs; every poll, Watch looks for
// writes by other processes (0: never).
func NewStore(st *store.Store, regions model.Regions, check model.Healthcheck, poll time.Duration) *Store {
	return &Store{st: st, regions: regions, check: check, poll: poll, changed: make(chan string, 1)}
}

// Store returns the store read.
func (s *Store) Store() *store.Store { return s.st }

// Name implements Source.
func (s *Store) Name() string { return "the store (" + s.st.Dialect() + ")" }

// Changed tells the watcher that this process committed a write, so that
// it reloads without waiting for the next poll. It never blocks.
func (s *Store) Changed(why string) {
	select {
	case s.changed <- why:
	default: // a change is already pending; one reload reads both
	}
}

// Watch implements Source: it reports this process's writes as they are
// committed and, every poll, any other writer's.
func (s *Store) Watch(ctx context.Context, changed func(why string)) {
	var tick <-chan time.Time
	if s.poll > 0 {
		t := time.NewTicker(s.poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case why := <-s.changed:
			changed(why)
		case <-tick:
			if s.moved(ctx) {
				changed("written by another process")
			}
		}
	}
}

// moved reports whether the store's change version differs from the last
// read's. A store it cannot read within a poll (or a second) has not
// moved: serving goes on, this process's writes are still reported, and
// the next poll asks again.
func (s *Store) moved(ctx context.Context) bool {
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	if last == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, max(s.poll, time.Second))
	defer cancel()
	var v store.Versions
	err := s.st.View(ctx, func(tx *store.Tx) (err error) { v, err = tx.Versions(ctx); return err })
	return err == nil && v.Seq != last.versions.Seq
}

// contents is everything Zones reads, in one transaction, and the dynamic
// blocks built from it: records of one policy share one.
type contents struct {
	versions store.Versions
	zones    []*store.Zone
	records  map[string]zoneRecords // by zone id
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

// zoneRecords are a zone's records and tombstones, as of a records version.
type zoneRecords struct {
	at   int64
	rows []*store.Record
}

type builtZone struct {
	from  *store.Zone // the zone's row as built
	z     *model.Zone
	probs model.Problems
}

type policyKey struct {
	id  string
	typ model.RRType
}

// Zones implements Source.
func (s *Store) Zones(ctx context.Context) ([]*model.Zone, model.Problems, error) {
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	c, err := s.read(ctx, last)
	if err != nil {
		return nil, nil, err
	}
	var zones []*model.Zone
	var probs model.Problems
	for _, sz := range c.zones {
		b, ok := last.builtZone(sz.ID)
		if !ok || c.fresh[sz.ID] || refersTo(c.records[sz.ID].rows, c.changed) || !sameZone(b.from, sz) {
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

// sameZone reports whether a zone's row builds as it did: its records
// aside, a zone is its root, its targets and its own dirty token.
func sameZone(a, b *store.Zone) bool {
	return a.Root == b.Root && a.Token == b.Token && slices.Equal(a.Targets, b.Targets)
}

// build builds one store zone.
func (s *Store) build(c *contents, sz *store.Zone) builtZone {
	b := builtZone{from: sz, z: &model.Zone{Name: sz.Root, File: "store zone " + sz.Root, Token: rand.Uint64() | 1,
		Managed: &model.Managed{Targets: sz.Targets, Policy: c.policies, IPs: c.ips, Check: s.check, ZoneID: sz.ID}}}
	m := b.z.Managed
	if sz.Token != "" {
		m.Pending = append(m.Pending, model.PendingRecord{Zone: true, ID: sz.ID, Name: "@", Token: sz.Token})
	}
	for _, r := range c.records[sz.ID].rows {
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

// read reads the store's change versions first, then what moved since
// last: the policies and IPs if any of them changed, and the records of
// zones whose records version did; the rest comes from last. A write
// committed during the read is read again next time, as its version
// differs from the one read first.
func (s *Store) read(ctx context.Context, last *contents) (*contents, error) {
	c := &contents{records: map[string]zoneRecords{}, built: map[policyKey]*model.Dynamic{}, fresh: map[string]bool{}, out: map[string]builtZone{}}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if c.versions, err = tx.Versions(ctx); err != nil {
			return err
		}
		if err := c.readPolicies(ctx, tx, last); err != nil {
			return err
		}
		if c.zones, err = tx.Zones(ctx); err != nil {
			return err
		}
		for _, z := range c.zones {
			if old, ok := last.zoneRecords(z.ID); ok && old.at == z.RecordsVersion {
				c.records[z.ID] = old
				continue
			}
			rows, err := zoneRows(ctx, tx, z.ID)
			if err != nil {
				return err
			}
			c.records[z.ID], c.fresh[z.ID] = zoneRecords{at: z.RecordsVersion, rows: rows}, true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the store: %w", err)
	}
	return c, nil
}

// readPolicies reads the policies and IPs, unless their version is last's.
func (c *contents) readPolicies(ctx context.Context, tx *store.Tx, last *contents) error {
	if last != nil && last.versions.Policies == c.versions.Policies {
		c.policies, c.ips, c.changed = last.policies, last.ips, map[string]bool{}
		return nil
	}
	ps, err := tx.Policies(ctx)
	if err != nil {
		return err
	}
	c.policies = make(map[string]*model.Policy, len(ps))
	for _, p := range ps {
		c.policies[p.ID] = p
	}
	ips, err := tx.IPs(ctx)
	if err != nil {
		return err
	}
	c.ips = model.IPsByAddress(ips)
	c.changed = changedPolicies(last, c)
	return nil
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

// zoneRecords returns a zone's records as last read.
func (c *contents) zoneRecords(zoneID string) (zoneRecords, bool) {
	if c == nil {
		return zoneRecords{}, false
	}
	r, ok := c.records[zoneID]
	return r, ok
}
