package store_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// TestVersions: every write to what is served moves seq; a write to a
// policy, a member or an IP moves policies; a write to a zone's records
// moves that zone's records version and no other zone's; writes that
// change nothing served (events, tokens, a statement touching no row)
// move nothing.
func TestVersions(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, _ string) {
		a, b := &store.Zone{Root: "a.test."}, &store.Zone{Root: "b.test."}
		rec := &store.Record{Name: "www", Type: "A", TTL: 60, Values: []string{"192.0.2.1"}}
		ip := &model.IP{Address: netip.MustParseAddr("127.0.0.9"), Enabled: true}
		p := &model.Policy{Name: "web", Routing: model.RoutingWeighted, TTL: 30,
			Members: []model.Member{{IP: ip.Address, Region: "us-east-1", Weight: 1, Enabled: true}}}
		must(t, s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateZone(ctx, a); err != nil {
				return err
			}
			return tx.CreateZone(ctx, b)
		}))
		type moved struct{ seq, policies, a, b bool }
		for _, c := range []struct {
			name  string
			write func(context.Context, *store.Tx) error
			want  moved
		}{
			{"create a record in a", func(ctx context.Context, tx *store.Tx) error { rec.ZoneID = a.ID; return tx.CreateRecord(ctx, rec) }, moved{seq: true, a: true}},
			{"update it", func(ctx context.Context, tx *store.Tx) error {
				rec.Values = []string{"192.0.2.2"}
				return tx.UpdateRecord(ctx, rec)
			}, moved{seq: true, a: true}},
			{"create an IP", func(ctx context.Context, tx *store.Tx) error { return tx.CreateIP(ctx, ip) }, moved{seq: true, policies: true}},
			{"create a policy", func(ctx context.Context, tx *store.Tx) error { return tx.CreatePolicy(ctx, p) }, moved{seq: true, policies: true}},
			{"disable its member", func(ctx context.Context, tx *store.Tx) error {
				p.Members[0].Enabled = false
				return tx.UpdatePolicy(ctx, p)
			}, moved{seq: true, policies: true}},
			{"disable the IP", func(ctx context.Context, tx *store.Tx) error { ip.Enabled = false; return tx.UpdateIP(ctx, ip) }, moved{seq: true, policies: true}},
			{"an event", func(ctx context.Context, tx *store.Tx) error {
				return tx.AddEvent(ctx, &store.Event{Actor: "test", Kind: "test", Subject: "x"})
			}, moved{}},
			{"a token", func(ctx context.Context, tx *store.Tx) error {
				return tx.CreateToken(ctx, &store.Token{Name: "t", Hash: "h"})
			}, moved{}},
			{"a zone's push error and name servers", func(ctx context.Context, tx *store.Tx) error {
				if err := tx.ZoneFailed(ctx, a.ID, "refused"); err != nil {
					return err
				}
				return tx.SetNameServers(ctx, a.ID, []string{"ns1.example.net."})
			}, moved{}},
			{"a record's push error", func(ctx context.Context, tx *store.Tx) error {
				return tx.MarkPushed(ctx, []store.Pushed{{ID: rec.ID, Error: "refused"}})
			}, moved{}},
			{"mark a clean zone clean", func(ctx context.Context, tx *store.Tx) error { return tx.MarkClean(ctx, b.ID) }, moved{}},
			{"delete the record", func(ctx context.Context, tx *store.Tx) error { return tx.DeleteRecord(ctx, rec.ID) }, moved{seq: true, a: true}},
			{"delete zone b", func(ctx context.Context, tx *store.Tx) error { return tx.DeleteZone(ctx, b.ID) }, moved{seq: true}},
		} {
			before := versions(t, s, a.ID, b.ID)
			must(t, s.Update(ctx, func(tx *store.Tx) error { return c.write(ctx, tx) }))
			after := versions(t, s, a.ID, b.ID)
			got := moved{after.seq != before.seq, after.policies != before.policies, after.a != before.a, after.b != before.b && after.b != 0}
			if got != c.want {
				t.Errorf("%s: moved %+v, want %+v", c.name, got, c.want)
			}
		}
	})
}

type zoneVersions struct{ seq, policies, a, b int64 }

// versions reads the store's versions and zones a's and b's records
// versions (0 for a zone that is gone).
func versions(t *testing.T, s *store.Store, a, b string) zoneVersions {
	t.Helper()
	var v zoneVersions
	must(t, s.View(ctx, func(tx *store.Tx) error {
		vs, err := tx.Versions(ctx)
		if err != nil {
			return err
		}
		v.seq, v.policies = vs.Seq, vs.Policies
		zs, err := tx.Zones(ctx)
		for _, z := range zs {
			switch z.ID {
			case a:
				v.a = z.RecordsVersion
			case b:
				v.b = z.RecordsVersion
			}
		}
		return err
	}))
	return v
}
