package server_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/reconcile"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// TestServeReconciles runs a node that pushes its zone to the Route53
// emulator every 100ms, and waits for a plan made apart from it to be
// empty.
func TestServeReconciles(t *testing.T) {
	ep := os.Getenv("SIGNPOST_ROUTE53_ENDPOINT")
	if ep == "" {
		t.Skip("SIGNPOST_ROUTE53_ENDPOINT is not set: run scripts/start-moto.sh (CI does)")
	}
	t.Setenv("TEST_AWS_KEY", "test")
	name := fmt.Sprintf("t%d.example.com.", time.Now().UnixNano())
	cfg := servertest.Workspace(t, servertest.ZoneV1, fmt.Sprintf("zones:\n  targets: [r53]\nproviders:\n  r53: {type: route53, endpoint: %q, access_key_id: env/TEST_AWS_KEY, secret_access_key: env/TEST_AWS_KEY}\nreconcile: {interval: 100ms}\n", ep))
	if err := os.Rename(servertest.ZonePath(cfg), servertest.ZonePath(cfg)[:len(servertest.ZonePath(cfg))-len("example.com.yaml")]+name+"yaml"); err != nil {
		t.Fatal(err)
	}
	n := start(t, cfg, server.Options{})
	ctx := context.Background()
	st, err := server.Load(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		p, err := reconcile.Plan(ctx, st.Targets())
		if err == nil && len(p.Zones) == 1 && p.Empty() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node did not reconcile the zone: %v\n%s", err, n.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
