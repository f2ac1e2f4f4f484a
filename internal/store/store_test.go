package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/server/servertest"
	"github.com/signpost-dns/signpost/internal/store"
)

// backend opens a fresh store at a URL.
type backend struct {
	name string
	url  func(t *testing.T) string
}

// backends are SQLite in a temporary directory and, when scripts/test.sh
// names one, PostgreSQL in a schema of the test's own.
func backends(t *testing.T) []backend {
	out := []backend{{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "signpost.db") }}}
	if os.Getenv(servertest.PostgresEnv) != "" {
		out = append(out, backend{"postgres", func(t *testing.T) string { return servertest.PostgresURL(t) }})
	} else {
		t.Logf("%s is not set: PostgreSQL not tested (scripts/test.sh sets it)", servertest.PostgresEnv)
	}
	return out
}

// each runs fn against a fresh store of every backend.
func each(t *testing.T, fn func(t *testing.T, s *store.Store, url string)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			url := b.url(t)
			s, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s, url)
		})
	}
}

var ctx = context.Background()

func TestMigrations(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, url string) {
		if s.Version() != 5 {
			t.Errorf("schema version %d, want 5", s.Version())
		}
		s.Close()
		again, err := store.Open(ctx, url) // migrations are idempotent
		if err != nil {
			t.Fatal(err)
		}
		again.Close()
		raw, err := sql.Open(map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[s.Dialect()], dsn(s.Dialect(), url))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, true)`); err != nil {
			t.Fatal(err)
		}
		_, err = store.Open(ctx, url)
		if !errors.Is(err, store.ErrNewer) || !strings.Contains(err.Error(), "version 99, this signpost knows up to 5") {
			t.Fatalf("a newer database: %v", err)
		}
	})
}

func dsn(dialect, url string) string {
	if dialect == "sqlite" {
		return "file:" + url
	}
	return url
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestIPs(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, _ string) {
		hc := &model.Healthcheck{Protocol: "HTTP", Port: 8080, Path: "/status", Interval: 5 * time.Second}
		v4 := &model.IP{Address: addr("192.0.2.1"), Hostname: "node1.example.net", Enabled: true, Healthcheck: hc}
		v6 := &model.IP{Address: addr("2001:db8::1"), FriendlyName: "node 2"}
		must(t, s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateIP(ctx, v4); err != nil {
				return err
			}
			return tx.CreateIP(ctx, v6)
		}))
		err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateIP(ctx, v4) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second 192.0.2.1: %v, want ErrConflict", err)
		}
		v6.Enabled = true
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateIP(ctx, v6) }))
		var got []*model.IP
		must(t, s.View(ctx, func(tx *store.Tx) (err error) { got, err = tx.IPs(ctx); return err }))
		if want := []*model.IP{v4, v6}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
		for _, op := range []func(*store.Tx) error{
			func(tx *store.Tx) error { return tx.UpdateIP(ctx, &model.IP{Address: addr("192.0.2.99")}) },
			func(tx *store.Tx) error { return tx.DeleteIP(ctx, addr("192.0.2.99")) },
			func(tx *store.Tx) error { _, err := tx.IP(ctx, addr("192.0.2.99")); return err },
		} {
			if err := s.Update(ctx, op); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a missing IP: %v, want ErrNotFound", err)
			}
		}
	})
}

func TestPoliciesAndRollback(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, url string) {
		must(t, s.Update(ctx, func(tx *store.Tx) error {
			for _, a := range []string{"192.0.2.1", "192.0.2.2", "2001:db8::1"} {
				if err := tx.CreateIP(ctx, &model.IP{Address: addr(a), Enabled: true}); err != nil {
					return err
				}
			}
			return nil
		}))
		p := &model.Policy{Name: "web", Routing: model.RoutingLatency, TTL: 30, Members: []model.Member{
			{IP: addr("192.0.2.2"), Region: "us-east-1", Weight: 20, Enabled: true},
			{IP: addr("192.0.2.1"), Region: "eu-west-1", Weight: 10, Enabled: true},
			{IP: addr("2001:db8::1"), Region: "eu-west-1", Weight: 0},
		}}
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.CreatePolicy(ctx, p) }))
		got := readPolicy(t, s, p.ID)
		// Members come back by region, then address.
		if len(got.Members) != 3 || got.Members[0].IP != addr("192.0.2.1") || got.Members[2].Region != "us-east-1" || got.Members[1].Weight != 0 {
			t.Fatalf("read back %+v", got)
		}
		ids := map[string]bool{}
		for _, m := range got.Members {
			ids[m.ID] = true
		}
		// An update replaces members; those carrying ids keep them.
		got.TTL, got.Members = 60, got.Members[:2]
		got.Members = append(got.Members, model.Member{IP: addr("192.0.2.2"), Region: "ap-south-1", Weight: 5, Enabled: true})
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.UpdatePolicy(ctx, got) }))
		again := readPolicy(t, s, p.ID)
		if again.TTL != 60 || len(again.Members) != 3 || !ids[again.Members[1].ID] || ids[again.Members[0].ID] {
			t.Errorf("after update %+v", again)
		}
		// A failing write stores nothing, not even what came before the error.
		err := s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateIP(ctx, &model.IP{Address: addr("192.0.2.50")}); err != nil {
				return err
			}
			return tx.CreatePolicy(ctx, &model.Policy{Name: "api", Routing: model.RoutingWeighted, TTL: 30,
				Members: []model.Member{{IP: addr("192.0.2.77"), Region: "us-east-1"}}})
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a member of an unknown IP: %v, want ErrNotFound", err)
		}
		must(t, s.View(ctx, func(tx *store.Tx) error {
			if _, err := tx.IP(ctx, addr("192.0.2.50")); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the rolled-back IP is there: %v", err)
			}
			ps, err := tx.Policies(ctx)
			if len(ps) != 1 {
				t.Errorf("%d policies after a failed write, want 1", len(ps))
			}
			return err
		}))
		if err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreatePolicy(ctx, &model.Policy{Name: "web", Routing: "latency", TTL: 1})
		}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second policy named web: %v, want ErrConflict", err)
		}
		must(t, s.View(ctx, func(tx *store.Tx) error {
			ps, err := tx.PoliciesWithIP(ctx, addr("2001:db8::1"))
			names, nerr := tx.PolicyNames(ctx)
			if err != nil || nerr != nil || len(ps) != 1 || ps[0].ID != p.ID || names[p.ID] != "web" {
				t.Errorf("policies with 2001:db8::1: %+v %v; names %v %v", ps, err, names, nerr)
			}
			return nil
		}))
		// Deleting an IP removes its memberships; deleting a policy, its members.
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteIP(ctx, addr("192.0.2.2")) }))
		if n := len(readPolicy(t, s, p.ID).Members); n != 2 {
			t.Errorf("%d members after the IP went, want 2", n)
		}
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.DeletePolicy(ctx, p.ID) }))
		if err := s.View(ctx, func(tx *store.Tx) error { _, err := tx.Policy(ctx, p.ID); return err }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a deleted policy: %v", err)
		}
	})
}

func readPolicy(t *testing.T, s *store.Store, id string) *model.Policy {
	t.Helper()
	var p *model.Policy
	must(t, s.View(ctx, func(tx *store.Tx) (err error) { p, err = tx.Policy(ctx, id); return err }))
	return p
}

func TestZonesAndRecords(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, url string) {
		z := &store.Zone{Root: "example.com.", Targets: []string{"r53"}}
		www := &store.Record{Name: "www", Type: "A", TTL: 300, Values: []string{"192.0.2.1", "192.0.2.2"}}
		must(t, s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateZone(ctx, z); err != nil {
				return err
			}
			www.ZoneID = z.ID
			if err := tx.CreateRecord(ctx, www); err != nil {
				return err
			}
			return tx.CreateRecord(ctx, &store.Record{ZoneID: z.ID, Name: "@", Type: "POLICY_ROUTED", TTL: 30, Values: []string{"5b1f1e58-0000-4000-8000-000000000000"}})
		}))
		dup := &store.Record{ZoneID: z.ID, Name: "www", Type: "A", TTL: 60, Values: []string{"192.0.2.9"}}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateRecord(ctx, dup) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second www A: %v, want ErrConflict", err)
		}
		www.TTL, www.Values = 60, []string{"192.0.2.3"}
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateRecord(ctx, www) }))
		if !www.Dirty || www.Token == "" {
			t.Error("a write to a zone with targets is not dirty") // it waits to be pushed
		}
		www.Token = "" // random; compared without
		z.Dirty, z.NameServers = true, []string{}
		// Ids survive a reopen.
		s.Close()
		s2, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		must(t, s2.View(ctx, func(tx *store.Tx) error {
			zs, err := tx.Zones(ctx)
			if len(zs) == 1 {
				if zs[0].RecordsVersion <= 1 {
					t.Errorf("records version %d after record writes", zs[0].RecordsVersion)
				}
				z.RecordsVersion = zs[0].RecordsVersion // a count of writes; TestVersions checks it
			}
			if err != nil || len(zs) != 1 || !reflect.DeepEqual(zs[0], z) {
				t.Errorf("zones %+v %v", zs, err)
			}
			got, err := tx.Record(ctx, www.ID)
			if got != nil {
				got.Token = "" // random
			}
			if err != nil || !reflect.DeepEqual(got, www) {
				t.Errorf("record %+v %v, want %+v", got, err, www)
			}
			rs, err := tx.Records(ctx, z.ID)
			if len(rs) != 2 || rs[0].Name != "@" {
				t.Errorf("records %+v", rs)
			}
			prs, perr := tx.PolicyRecords(ctx, "5b1f1e58-0000-4000-8000-000000000000", "no-such-policy")
			if perr != nil || len(prs) != 1 || prs[0].Type != "POLICY_ROUTED" {
				t.Errorf("policy records %+v %v", prs, perr)
			}
			return err
		}))
		// A zone with targets is only marked deleted until it is gone from
		// them; then it is purged with its records.
		must(t, s2.Update(ctx, func(tx *store.Tx) error { return tx.DeleteZone(ctx, z.ID) }))
		must(t, s2.View(ctx, func(tx *store.Tx) error {
			zs, err := tx.Zones(ctx)
			gone, _ := tx.DeletedZones(ctx)
			if len(zs) != 0 || len(gone) != 1 || !gone[0].Deleted {
				t.Errorf("after delete: zones %+v, deleted %+v", zs, gone)
			}
			return err
		}))
		must(t, s2.Update(ctx, func(tx *store.Tx) error { return tx.PurgeZone(ctx, z.ID) }))
		must(t, s2.View(ctx, func(tx *store.Tx) error {
			rs, err := tx.Records(ctx, z.ID)
			if len(rs) != 0 {
				t.Errorf("%d records outlived their zone", len(rs))
			}
			return err
		}))
	})
}

func TestTokensAndEvents(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, _ string) {
		created := time.Unix(1700000000, 123).UTC()
		tok := &store.Token{Name: "ci", Hash: "abc123", ReadOnly: true, Created: created}
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.CreateToken(ctx, tok) }))
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateToken(ctx, &store.Token{Name: "ci", Hash: "other"}) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second token named ci: %v", err)
		}
		must(t, s.View(ctx, func(tx *store.Tx) error {
			got, err := tx.TokenByHash(ctx, "abc123")
			if err != nil || !reflect.DeepEqual(got, tok) {
				t.Errorf("by hash: %+v %v", got, err)
			}
			return nil
		}))
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.RevokeToken(ctx, "ci") }))
		if err := s.View(ctx, func(tx *store.Tx) error { _, err := tx.TokenByHash(ctx, "abc123"); return err }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a revoked token: %v", err)
		}

		must(t, s.Update(ctx, func(tx *store.Tx) error {
			for i, kind := range []string{"ip.create", "policy.create", "health.down"} {
				e := &store.Event{Time: created.Add(time.Duration(i) * time.Second), Actor: "ci", Kind: kind, Subject: "x",
					After: json.RawMessage(`{"n":1}`)}
				if err := tx.AddEvent(ctx, e); err != nil {
					return err
				}
			}
			return nil
		}))
		var page1, page2 []*store.Event
		must(t, s.View(ctx, func(tx *store.Tx) (err error) {
			if page1, err = tx.Events(ctx, 0, 2); err != nil {
				return err
			}
			page2, err = tx.Events(ctx, page1[len(page1)-1].ID, 2)
			return err
		}))
		if len(page1) != 2 || page1[0].Kind != "health.down" || len(page2) != 1 || page2[0].Kind != "ip.create" || string(page2[0].After) != `{"n":1}` || page2[0].Before != nil {
			t.Errorf("pages %+v %+v", page1, page2)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestIPChecks(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, _ string) {
		a := addr("192.0.2.1")
		must(t, s.Update(ctx, func(tx *store.Tx) error {
			return tx.PutIPCheck(ctx, &store.IPCheck{Provider: "r53", Address: a, Reference: "signpost 1"})
		}))
		must(t, s.Update(ctx, func(tx *store.Tx) error {
			return tx.PutIPCheck(ctx, &store.IPCheck{Provider: "r53", Address: a, Reference: "signpost 1", ID: "hc-1"})
		}))
		must(t, s.View(ctx, func(tx *store.Tx) error {
			c, err := tx.IPCheck(ctx, "r53", a)
			if err != nil || c.Reference != "signpost 1" || c.ID != "hc-1" {
				t.Errorf("check %+v %v", c, err)
			}
			if _, err := tx.IPCheck(ctx, "other", a); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("another provider's: %v", err)
			}
			return nil
		}))
		must(t, s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteIPCheck(ctx, "r53", a) }))
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteIPCheck(ctx, "r53", a) }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}
	})
}
