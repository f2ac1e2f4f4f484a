package source_test

import (
	"context"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/source"
	"github.com/signpost-dns/signpost/internal/store"
)

// TestStoreRebuildsWhatMoved: each read rebuilds only the zones whose
// records, or whose policies, changed since the last, whoever wrote them:
// here a second handle on the same file, as another process would.
func TestStoreRebuildsWhatMoved(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signpost.db")
	st := openStore(t, path)
	other := openStore(t, path)
	a, b := &store.Zone{Root: "a.test."}, &store.Zone{Root: "b.test."}
	rec := &store.Record{Name: "www", Type: "A", TTL: 60, Values: []string{"192.0.2.1"}}
	ip, spare := &model.IP{Address: netip.MustParseAddr("127.0.0.9"), Enabled: true}, &model.IP{Address: netip.MustParseAddr("127.0.0.10"), Enabled: true}
	p := &model.Policy{Name: "web", Routing: model.RoutingWeighted, TTL: 30,
		Members: []model.Member{{IP: ip.Address, Region: "us-east-1", Weight: 1, Enabled: true}}}
	commit(t, other, func(tx *store.Tx) error {
		for _, z := range []*store.Zone{a, b} {
			if err := tx.CreateZone(ctx, z); err != nil {
				return err
			}
		}
		for _, i := range []*model.IP{ip, spare} {
			if err := tx.CreateIP(ctx, i); err != nil {
				return err
			}
		}
		if err := tx.CreatePolicy(ctx, p); err != nil {
			return err
		}
		rec.ZoneID = a.ID
		if err := tx.CreateRecord(ctx, rec); err != nil {
			return err
		}
		return tx.CreateRecord(ctx, &store.Record{ZoneID: b.ID, Name: "web", Type: "POLICY_ROUTED", TTL: 30, Values: []string{p.ID}})
	})
	src := source.NewStore(st, model.NewRegions(), model.Healthcheck{Protocol: "TCP", Port: 80}, 0)
	prev := zonesByName(t, src)
	for _, c := range []struct {
		name          string
		write         func(tx *store.Tx) error
		rebuiltA, rbB bool
	}{
		{"nothing", func(*store.Tx) error { return nil }, false, false},
		{"a record of zone a", func(tx *store.Tx) error { rec.Values = []string{"192.0.2.2"}; return tx.UpdateRecord(ctx, rec) }, true, false},
		{"an IP no policy holds", func(tx *store.Tx) error { spare.Enabled = false; return tx.UpdateIP(ctx, spare) }, false, false},
		{"zone b's policy", func(tx *store.Tx) error { p.TTL = 60; return tx.UpdatePolicy(ctx, p) }, false, true},
		{"the IP in zone b's policy", func(tx *store.Tx) error { ip.Hostname = "web1"; return tx.UpdateIP(ctx, ip) }, false, true},
	} {
		commit(t, other, c.write)
		cur := zonesByName(t, src)
		if (cur[a.Root] != prev[a.Root]) != c.rebuiltA || (cur[b.Root] != prev[b.Root]) != c.rbB {
			t.Errorf("after a write to %s: zone a rebuilt %v, zone b rebuilt %v; want %v, %v", c.name,
				cur[a.Root] != prev[a.Root], cur[b.Root] != prev[b.Root], c.rebuiltA, c.rbB)
		}
		prev = cur
	}
	if got := prev[a.Root].Records[0].Values; !slices.Equal(got, []string{"192.0.2.2"}) {
		t.Errorf("zone a serves %v", got)
	}
	if got := prev[b.Root].Records[0].TTL; got != 60 {
		t.Errorf("zone b's policy record has TTL %d", got)
	}
}

// TestStoreWatchPolls: Watch reports a write by another process within a
// poll or two, and nothing while the store stands still.
func TestStoreWatchPolls(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "signpost.db")
	st, other := openStore(t, path), openStore(t, path)
	src := source.NewStore(st, model.NewRegions(), model.Healthcheck{}, 10*time.Millisecond)
	zonesByName(t, src)
	reports := make(chan string, 16)
	done := make(chan struct{})
	go func() { defer close(done); src.Watch(ctx, func(why string) { reports <- why }) }()
	defer func() { cancel(); <-done }()
	select {
	case why := <-reports:
		t.Fatalf("a report with no write: %s", why)
	case <-time.After(200 * time.Millisecond):
	}
	commit(t, other, func(tx *store.Tx) error { return tx.CreateZone(ctx, &store.Zone{Root: "c.test."}) })
	select {
	case why := <-reports:
		if !strings.Contains(why, "another process") {
			t.Errorf("report %q", why)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("another process's write was never reported")
	}
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func commit(t *testing.T, st *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// TestStorePolicyRecordWithoutMembers: a policy record whose policy has no
// usable member is left out with a warning; the zone's other records serve.
func TestStorePolicyRecordWithoutMembers(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "signpost.db"))
	p := &model.Policy{Name: "empty", Routing: model.RoutingWeighted, TTL: 30}
	err := st.Update(ctx, func(tx *store.Tx) error {
		z := &store.Zone{Root: "a.test."}
		if err := tx.CreatePolicy(ctx, p); err != nil {
			return err
		}
		if err := tx.CreateZone(ctx, z); err != nil {
			return err
		}
		if err := tx.CreateRecord(ctx, &store.Record{ZoneID: z.ID, Name: "www", Type: "POLICY_ROUTED", TTL: 30, Values: []string{p.ID}}); err != nil {
			return err
		}
		return tx.CreateRecord(ctx, &store.Record{ZoneID: z.ID, Name: "static", Type: "A", TTL: 30, Values: []string{"192.0.2.1"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	zones, probs, err := source.NewStore(st, model.NewRegions(), model.Healthcheck{}, 0).Zones(ctx)
	if err != nil || len(probs.Errors()) != 0 || len(probs) != 1 || len(zones) != 1 || len(zones[0].Records) != 1 {
		t.Fatalf("zones %v, problems %v, %v", zones, probs, err)
	}
	if want := `has no enabled IPv4 member`; !slices.ContainsFunc(probs, func(p model.Problem) bool { return p.Warning && strings.Contains(p.Reason, want) }) {
		t.Errorf("problems %v lack a warning %q", probs, want)
	}
}
