package server

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
	"github.com/signpost-dns/signpost/internal/store"
)

// crashingChecks loses the id of the next checks made, as a crash between
// CreateHealthCheck and keeping its id would.
type crashingChecks struct {
	ipChecks
	crashes int
}

func (c *crashingChecks) PutIPCheck(ctx context.Context, addr netip.Addr, ref, id string) error {
	if id != "" && c.crashes > 0 {
		c.crashes--
		return errors.New("crashed")
	}
	return c.ipChecks.PutIPCheck(ctx, addr, ref, id)
}

// TestZincFaults: throttling bursts, a crash between creating a check and
// keeping its id, and server errors mid-push each converge, leave no
// orphaned health check, and never touch another owner's record or check.
func TestZincFaults(t *testing.T) {
	fake := r53fake.New()
	h := newZincHarness(t, fake, false)
	h.p = route53.New(route53.Options{Name: "r53", API: fake, RPS: 1e6, IPChecks: &crashingChecks{ipChecks{st: h.st, provider: "r53"}, 2},
		Sleep: func(context.Context, time.Duration) error { return nil }})
	theirs, err := fake.CreateHealthCheck(h.ctx, &awsr53.CreateHealthCheckInput{CallerReference: aws.String("someone else"),
		HealthCheckConfig: &types.HealthCheckConfig{Type: types.HealthCheckTypeTcp, IPAddress: aws.String("127.0.3.1"), Port: aws.Int32(22)}})
	if err != nil {
		t.Fatal(err)
	}
	h.ip("127.0.3.1", "127.0.3.2", "127.0.3.3")
	p := h.policy("p", model.RoutingWeighted, "127.0.3.1 us-east-1 10", "127.0.3.2 us-east-1 10", "127.0.3.3 us-east-1 10")
	h.record("x", "POLICY_ROUTED", 0, "p-p")

	fake.Throttle(5)
	if err := h.sync(); err == nil {
		t.Fatal("a pass whose check ids were lost reported no error")
	}
	if err := h.sync(); err == nil {
		t.Fatal("the second crash went unreported")
	}
	h.mustSync() // the kept references find the checks made before the crashes

	p.Members[0].Weight = 30
	h.write(func(tx *store.Tx) error { return tx.UpdatePolicy(h.ctx, p) })
	fake.FailChangesAfter(0)
	if err := h.sync(); err == nil {
		t.Fatal("a pass whose changes failed reported no error")
	}
	fake.Heal()
	h.mustSync()
	h.want(fixture,
		"_zn_p A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=30 hc=127.0.3.1",
		"_zn_p A id=m-p-2-us-east-1 ttl=30 127.0.3.2 w=10 hc=127.0.3.2",
		"_zn_p A id=m-p-3-us-east-1 ttl=30 127.0.3.3 w=10 hc=127.0.3.3",
		"x A alias=_zn_p eth=false")
	checks := fake.HealthChecks()
	if len(checks) != 4 {
		t.Errorf("%d health checks, want one per IP and the other owner's", len(checks))
	}
	found := false
	for _, c := range checks {
		found = found || aws.ToString(c.Id) == aws.ToString(theirs.HealthCheck.Id)
	}
	if !found {
		t.Error("another owner's health check was deleted")
	}

	// An IP removed from the store: its check goes once nothing uses it.
	p.Members = p.Members[1:]
	h.write(func(tx *store.Tx) error { return tx.UpdatePolicy(h.ctx, p) })
	h.write(func(tx *store.Tx) error { return tx.DeleteIP(h.ctx, netip.MustParseAddr("127.0.3.1")) })
	h.mustSync()
	if n := len(fake.HealthChecks()); n != 3 {
		t.Errorf("after an IP was deleted: %d health checks, want 3", n)
	}
}
