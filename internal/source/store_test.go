package source_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/source"
	"github.com/signpost-dns/signpost/internal/store"
)

// TestStoreRereadsChangedZones: records are read again only for the zones
// a change names; policies and IPs every time.
func TestStoreRereadsChangedZones(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := &store.Zone{Root: "a.test."}
	b := &store.Zone{Root: "b.test."}
	rec := &store.Record{Name: "www", Type: "A", TTL: 60, Values: []string{"192.0.2.1"}}
	write := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := st.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	write(func(tx *store.Tx) error {
		if err := tx.CreateZone(ctx, a); err != nil {
			return err
		}
		rec.ZoneID = a.ID
		if err := tx.CreateRecord(ctx, rec); err != nil {
			return err
		}
		return tx.CreateZone(ctx, b)
	})
	src := source.NewStore(st, model.NewRegions(), model.Healthcheck{Protocol: "TCP", Port: 80})
	values := func() []string {
		t.Helper()
		zones, probs, err := src.Zones(ctx)
		if err != nil || len(probs.Errors()) > 0 || len(zones) != 2 {
			t.Fatalf("zones %v %v %v", zones, probs, err)
		}
		return zones[0].Records[0].Values
	}
	if got := values(); !slices.Equal(got, []string{"192.0.2.1"}) {
		t.Fatalf("first read %v", got)
	}
	rec.Values = []string{"192.0.2.2"}
	write(func(tx *store.Tx) error { return tx.UpdateRecord(ctx, rec) })
	src.Changed("another zone's write", b.ID)
	if got := values(); !slices.Equal(got, []string{"192.0.2.1"}) {
		t.Errorf("zone a was read again for a change to zone b: %v", got)
	}
	src.Changed("a write to zone a", a.ID)
	if got := values(); !slices.Equal(got, []string{"192.0.2.2"}) {
		t.Errorf("zone a was not read again after its change: %v", got)
	}
}

// TestStorePolicyRecordWithoutMembers: a policy record whose policy has no
// usable member is left out with a warning; the zone's other records serve.
func TestStorePolicyRecordWithoutMembers(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := &model.Policy{Name: "empty", Routing: model.RoutingWeighted, TTL: 30}
	err = st.Update(ctx, func(tx *store.Tx) error {
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
	zones, probs, err := source.NewStore(st, model.NewRegions(), model.Healthcheck{}).Zones(ctx)
	if err != nil || len(probs.Errors()) != 0 || len(probs) != 1 || len(zones) != 1 || len(zones[0].Records) != 1 {
		t.Fatalf("zones %v, problems %v, %v", zones, probs, err)
	}
	if want := `has no enabled IPv4 member`; !slices.ContainsFunc(probs, func(p model.Problem) bool { return p.Warning && strings.Contains(p.Reason, want) }) {
		t.Errorf("problems %v lack a warning %q", probs, want)
	}
}
