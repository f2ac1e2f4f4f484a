package server_test

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
	"github.com/signpost-dns/signpost/internal/store"
)

// storeWorkspace is a workspace whose store exists, opened for the test to
// write into; the node opens the same file.
func storeWorkspace(t *testing.T, extra string) (string, *store.Store) {
	t.Helper()
	cfg := servertest.Workspace(t, servertest.ZoneV1, extra)
	ctx := context.Background()
	if err := server.EnsureStore(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(filepath.Dir(cfg), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return cfg, st
}

func write(t *testing.T, st *store.Store, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := st.Update(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// TestStoreZonesServed: a store zone with a policy record and a plain
// record is served beside the zone files; a committed write reaches the
// answers through StoreChanged.
func TestStoreZonesServed(t *testing.T) {
	cfg, st := storeWorkspace(t, "policies:\n  healthcheck: {protocol: TCP, port: 1}\n")
	a, b := netip.MustParseAddr("127.0.3.1"), netip.MustParseAddr("127.0.3.2")
	p := &model.Policy{Name: "web", Routing: model.RoutingWeighted, TTL: 30, Members: []model.Member{
		{IP: a, Region: "us-east-1", Weight: 10, Enabled: true}, {IP: b, Region: "us-east-1", Weight: 0, Enabled: true}}}
	z := &store.Zone{Root: "example.org."}
	write(t, st, func(ctx context.Context, tx *store.Tx) error {
		for _, ip := range []netip.Addr{a, b} {
			if err := tx.CreateIP(ctx, &model.IP{Address: ip, Enabled: true}); err != nil {
				return err
			}
		}
		if err := tx.CreatePolicy(ctx, p); err != nil {
			return err
		}
		if err := tx.CreateZone(ctx, z); err != nil {
			return err
		}
		if err := tx.CreateRecord(ctx, &store.Record{ZoneID: z.ID, Name: "www", Type: "POLICY_ROUTED", TTL: 30, Values: []string{p.ID}}); err != nil {
			return err
		}
		return tx.CreateRecord(ctx, &store.Record{ZoneID: z.ID, Name: "static", Type: "A", TTL: 300, Values: []string{"127.0.4.1"}})
	})
	n := start(t, cfg, server.Options{Probe: upProbe})
	waitFor(t, "the policy answer", func() bool { return slices.Equal(servertest.QueryA(n.dns, "www.example.org."), []string{"127.0.3.1"}) })
	if got := servertest.QueryA(n.dns, "static.example.org."); !slices.Equal(got, []string{"127.0.4.1"}) {
		t.Errorf("static.example.org. %v", got)
	}
	if got := servertest.QueryAFromDE(n.dns, "www.example.com."); !slices.Equal(got, []string{"127.0.1.1"}) {
		t.Errorf("the zone file's record %v", got)
	}
	// Disable the only member of weight 10: the weight-0 member serves.
	p.Members[0].Enabled = false
	write(t, st, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePolicy(ctx, p) })
	n.StoreChanged("policy web updated")
	waitFor(t, "the write in the answers", func() bool { return slices.Equal(servertest.QueryA(n.dns, "www.example.org."), []string{"127.0.3.2"}) })
}

// upProbe reports every target healthy without sending anything.
func upProbe(context.Context, *health.Target) (string, error) { return "up by fiat", nil }

func TestStoreProblemsAndClash(t *testing.T) {
	cfg, st := storeWorkspace(t, "")
	ctx := context.Background()
	bad := &store.Record{Name: "www", Type: "A", TTL: 300, Values: []string{"nope"}}
	clash := &store.Zone{Root: "example.com."} // also a zone file
	write(t, st, func(ctx context.Context, tx *store.Tx) error {
		z := &store.Zone{Root: "example.org."}
		if err := tx.CreateZone(ctx, z); err != nil {
			return err
		}
		bad.ZoneID = z.ID
		if err := tx.CreateRecord(ctx, bad); err != nil {
			return err
		}
		return tx.CreateZone(ctx, clash)
	})
	_, err := server.Load(ctx, cfg, nil)
	var be *server.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a BuildError", err)
	}
	text := be.Problems.Error()
	for _, want := range []string{
		"store record " + bad.ID + `: www.example.org. A: invalid IPv4 address "nope"`,
		"zone example.com. is both in " + filepath.Join(filepath.Dir(cfg), "zones", "example.com.yaml") + " and in store zone example.com.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
}
