package server_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// TestNodesShareAStore: two nodes on one store (a SQLite file, and
// PostgreSQL when scripts/test.sh names one). What the API of one writes
// reaches the other's answers by its poll, with no signal: a new zone, a
// record's change, and the record's removal.
func TestNodesShareAStore(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { nodesShareAStore(t, filepath.Join(t.TempDir(), "shared.db")) })
	if url := servertest.PostgresURL(t); url != "" {
		t.Run("postgres", func(t *testing.T) { nodesShareAStore(t, url) })
	}
}

func nodesShareAStore(t *testing.T, url string) {
	extra := fmt.Sprintf("store: {url: %q, poll_interval: 100ms}\n", url)
	cfgA, token := storeWorkspaceAt(t, "", extra)
	cfgB := servertest.Workspace(t, servertest.ZoneV1, extra)
	a, b := start(t, cfgA, server.Options{Probe: upProbe}), start(t, cfgB, server.Options{Probe: upProbe})
	admin := api{t, "http://" + a.http, token}
	answers := func(n *node, want ...string) func() bool {
		return func() bool { return slices.Equal(servertest.QueryA(n.dns, "static.example.org."), want) }
	}

	var z, r struct{ ID string }
	admin.must(201, "POST", "/api/v1/zones", map[string]any{"root": "example.org"}, &z)
	admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "static", "type": "A", "values": []string{"127.0.5.1"}}, &r)
	waitFor(t, "node A answers its own write", answers(a, "127.0.5.1"))
	waitFor(t, "node B answers node A's write", answers(b, "127.0.5.1"))

	admin.must(200, "PATCH", "/api/v1/zones/"+z.ID+"/records/"+r.ID, map[string]any{"values": []string{"127.0.5.2"}}, nil)
	waitFor(t, "node B answers the change", answers(b, "127.0.5.2"))

	admin.must(204, "DELETE", "/api/v1/zones/"+z.ID+"/records/"+r.ID, nil, nil)
	waitFor(t, "node B forgets the record", answers(b))
}
