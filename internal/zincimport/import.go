package zincimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// Options configure an import.
type Options struct {
	// Target is the provider zinc's zones are pushed to (its Route53
	// account, as configured in signpost.yaml).
	Target string
	// Regions are the regions members may name.
	Regions model.Regions
	// Plain reads a hosted zone's plain records at the target (zinc kept
	// them only there); nil leaves them out.
	Plain func(ctx context.Context, zone string) ([]*model.Record, []string, error)
}

// Report says what an import did.
type Report struct {
	Created, Updated map[string]int // by kind: ip, policy, zone, policy record, record
	Skipped          []string       // what was left out, and why
}

func (r *Report) count(kind string, created bool) {
	if created {
		r.Created[kind]++
	} else {
		r.Updated[kind]++
	}
}

func (r *Report) skip(format string, args ...any) {
	r.Skipped = append(r.Skipped, fmt.Sprintf(format, args...))
}

// Print writes the report.
func (r *Report) Print(w io.Writer) {
	for _, kind := range []string{"ip", "health check", "policy", "zone", "policy record", "record"} {
		fmt.Fprintf(w, "%-14s created %d, updated %d\n", kind+"s:", r.Created[kind], r.Updated[kind])
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "skipped: %s\n", s)
	}
}

// Import reads zinc's database db into dst in one transaction: nothing is
// written if anything fails. Running it again updates what it made to
// zinc's current state.
func Import(ctx context.Context, db *sql.DB, dst *store.Store, opts Options) (*Report, error) {
	t, err := read(ctx, db)
	if err != nil {
		return nil, err
	}
	rep := &Report{Created: map[string]int{}, Updated: map[string]int{}}
	plain := map[string][]*model.Record{}
	for _, z := range t.zones {
		if z.deleted || opts.Plain == nil {
			continue
		}
		recs, skipped, err := opts.Plain(ctx, root(z.root))
		if err != nil {
			return nil, fmt.Errorf("reading the plain records of %s: %w", root(z.root), err)
		}
		plain[z.id] = recs
		for _, s := range skipped {
			rep.skip("%s", s)
		}
	}
	err = dst.Update(ctx, func(tx *store.Tx) error {
		ips, err := importIPs(ctx, tx, t, opts, rep)
		if err != nil {
			return err
		}
		if err := importPolicies(ctx, tx, t, ips, opts, rep); err != nil {
			return err
		}
		return importZones(ctx, tx, t, plain, opts, rep)
	})
	return rep, err
}

func root(r string) string { return strings.ToLower(strings.TrimSuffix(r, ".") + ".") }

func importIPs(ctx context.Context, tx *store.Tx, t *tables, opts Options, rep *Report) (map[netip.Addr]*model.IP, error) {
	out := map[netip.Addr]*model.IP{}
	for _, r := range t.ips {
		if r.deleted {
			rep.skip("ip %s: deleted in zinc", r.addr)
			continue
		}
		ip := &model.IP{Address: r.addr, Hostname: r.hostname, FriendlyName: r.friendly, Enabled: r.enabled}
		if fe := model.ValidateIP(ip); len(fe) > 0 {
			rep.skip("ip %s: %v", r.addr, fe)
			continue
		}
		created, err := put(func() error { _, err := tx.IP(ctx, ip.Address); return err },
			func() error { return tx.CreateIP(ctx, ip) }, func() error { return tx.UpdateIP(ctx, ip) })
		if err != nil {
			return nil, fmt.Errorf("ip %s: %w", r.addr, err)
		}
		rep.count("ip", created)
		out[ip.Address] = ip
		if r.hcID != "" || r.hc != "" {
			c := &store.IPCheck{Provider: opts.Target, Address: ip.Address, Reference: uuid(r.hc), ID: r.hcID}
			if err := tx.PutIPCheck(ctx, c); err != nil {
				return nil, fmt.Errorf("ip %s: its health check: %w", r.addr, err)
			}
			rep.count("health check", true)
		}
	}
	return out, nil
}

func importPolicies(ctx context.Context, tx *store.Tx, t *tables, ips map[netip.Addr]*model.IP, opts Options, rep *Report) error {
	members := map[string][]model.Member{}
	for _, m := range t.members {
		addr, err := netip.ParseAddr(m.ip)
		if err != nil || ips[addr] == nil {
			rep.skip("member %s: its IP %s is deleted or invalid", uuid(m.id), m.ip)
			continue
		}
		members[uuid(m.policy)] = append(members[uuid(m.policy)], model.Member{ID: uuid(m.id), IP: addr, Region: m.region, Weight: m.weight, Enabled: m.enabled})
	}
	for _, r := range t.policies {
		p := &model.Policy{ID: uuid(r.id), Name: r.name, Routing: model.Routing(r.routing), TTL: r.ttl, Members: members[uuid(r.id)]}
		if fe := model.ValidatePolicy(p, nil, ips, opts.Regions); len(fe) > 0 {
			rep.skip("policy %s: %v", r.name, fe)
			continue
		}
		created, err := put(func() error { _, err := tx.Policy(ctx, p.ID); return err },
			func() error { return tx.CreatePolicy(ctx, p) }, func() error { return tx.UpdatePolicy(ctx, p) })
		if err != nil {
			return fmt.Errorf("policy %s: %w", r.name, err)
		}
		rep.count("policy", created)
	}
	return nil
}

func importZones(ctx context.Context, tx *store.Tx, t *tables, plain map[string][]*model.Record, opts Options, rep *Report) error {
	live := map[string]bool{}
	for _, z := range t.zones {
		if z.deleted {
			rep.skip("zone %s: deleted in zinc", root(z.root))
			continue
		}
		live[z.id] = true
		sz := &store.Zone{ID: z.id, Root: root(z.root), Targets: []string{opts.Target}}
		created, err := put(func() error { _, err := tx.Zone(ctx, sz.ID); return err },
			func() error { return tx.CreateZone(ctx, sz) }, func() error { return nil })
		if err != nil {
			return fmt.Errorf("zone %s: %w", sz.Root, err)
		}
		rep.count("zone", created)
		for _, r := range plain[z.id] {
			rec := &store.Record{ZoneID: z.id, Name: cmpName(r.Name), Type: string(r.Type), TTL: r.TTL, Values: r.Values}
			if err := putRecord(ctx, tx, rec, "record", rep); err != nil {
				return err
			}
		}
	}
	for _, r := range t.records {
		switch {
		case !live[r.zone]:
			rep.skip("policy record %s: its zone is deleted in zinc", r.name)
			continue
		case r.deleted:
			rep.skip("policy record %s: deleted in zinc", r.name)
			continue
		}
		typ := "POLICY_ROUTED"
		if r.typ == "AAAA" {
			typ = "POLICY_ROUTED_IPv6"
		}
		rec := &store.Record{ID: uuid(r.id), ZoneID: r.zone, Name: r.name, Type: typ, Values: []string{uuid(r.policy)}}
		if err := putRecord(ctx, tx, rec, "policy record", rep); err != nil {
			return err
		}
	}
	for id := range live {
		if err := tx.MarkClean(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// putRecord creates rec, or updates the zone's record of its name and type.
func putRecord(ctx context.Context, tx *store.Tx, rec *store.Record, kind string, rep *Report) error {
	have, err := tx.Records(ctx, rec.ZoneID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(have, func(h *store.Record) bool { return h.Name == rec.Name && h.Type == rec.Type })
	if i < 0 {
		err = tx.CreateRecord(ctx, rec)
	} else {
		rec.ID = have[i].ID
		err = tx.UpdateRecord(ctx, rec)
	}
	if err != nil {
		return fmt.Errorf("%s %s %s: %w", kind, rec.Name, rec.Type, err)
	}
	rep.count(kind, i < 0)
	return nil
}

// put creates or updates: get says whether it exists.
func put(get, create, update func() error) (created bool, err error) {
	switch err := get(); {
	case errors.Is(err, store.ErrNotFound):
		return true, create()
	case err != nil:
		return false, err
	}
	return false, update()
}

func cmpName(n string) string {
	if n == "" {
		return "@"
	}
	return n
}
