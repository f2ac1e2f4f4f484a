package route53_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
)

// memChecks keeps IP checks in memory; failPuts makes the next puts fail,
// as a crash between creating a check and keeping its id would.
type memChecks struct {
	refs, ids map[netip.Addr]string
	failPuts  int
	retired   []string
}

func (m *memChecks) Retire(_ context.Context, id string) error {
	m.retired = append(m.retired, id)
	return nil
}
func (m *memChecks) Retired(context.Context) ([]string, error) { return slices.Clone(m.retired), nil }
func (m *memChecks) Forget(_ context.Context, id string) error {
	m.retired = slices.DeleteFunc(m.retired, func(s string) bool { return s == id })
	return nil
}

func (m *memChecks) IPCheck(_ context.Context, a netip.Addr) (string, string, error) {
	return m.refs[a], m.ids[a], nil
}

func (m *memChecks) PutIPCheck(_ context.Context, a netip.Addr, ref, id string) error {
	if id != "" && m.failPuts > 0 {
		m.failPuts--
		return errors.New("crashed")
	}
	m.refs[a], m.ids[a] = ref, id
	return nil
}

func TestEnsureIPCheck(t *testing.T) {
	ctx := context.Background()
	fake := r53fake.New()
	p := newProvider(fake)
	refs := &memChecks{refs: map[netip.Addr]string{}, ids: map[netip.Addr]string{}}
	ip := netip.MustParseAddr("192.0.2.1")
	zinc := model.Healthcheck{Protocol: "HTTP", Port: 80, Path: "/status", Host: "node.presslabs.net"}
	cfg, _, err := route53.ZincCheckConfig(ip, zinc)
	if err != nil {
		t.Fatal(err)
	}

	// A crash after the check was made and before its id was kept: the
	// retry finds the same check through the kept reference.
	refs.failPuts = 1
	if _, _, err := p.EnsureIPCheck(ctx, refs, ip, cfg); err == nil {
		t.Fatal("the injected crash did not happen")
	}
	id, replaced, err := p.EnsureIPCheck(ctx, refs, ip, cfg)
	if err != nil || replaced != "" || len(fake.HealthChecks()) != 1 || aws.ToString(fake.HealthChecks()[0].Id) != id {
		t.Fatalf("after the crash: id %q replaced %q err %v, %d checks", id, replaced, err, len(fake.HealthChecks()))
	}
	// Unchanged: the kept check, nothing created.
	if again, _, err := p.EnsureIPCheck(ctx, refs, ip, cfg); err != nil || again != id || len(fake.HealthChecks()) != 1 {
		t.Errorf("unchanged: %q %v, %d checks", again, err, len(fake.HealthChecks()))
	}
	// A changed config replaces the check; the old id is handed back.
	https, _, _ := route53.ZincCheckConfig(ip, model.Healthcheck{Protocol: "HTTPS", Host: "node.presslabs.net", Path: "/status"})
	next, replaced, err := p.EnsureIPCheck(ctx, refs, ip, https)
	if err != nil || next == id || replaced != id {
		t.Errorf("changed: %q replacing %q, %v", next, replaced, err)
	}
	// Deleted out of band: made again.
	if _, err := fake.DeleteHealthCheck(ctx, deleteInput(next)); err != nil {
		t.Fatal(err)
	}
	if again, replaced, err := p.EnsureIPCheck(ctx, refs, ip, https); err != nil || again == next || replaced != "" {
		t.Errorf("after an out-of-band delete: %q replacing %q, %v", again, replaced, err)
	}
}

// TestZincChecksCompareWithAWSDefaults: a check made without interval and
// threshold, as zinc made them, reads back from AWS with 30 and 3, and is
// the same check.
func TestZincChecksCompareWithAWSDefaults(t *testing.T) {
	ctx := context.Background()
	fake := r53fake.New()
	p := newProvider(fake)
	ip := netip.MustParseAddr("192.0.2.1")
	cfg, _, _ := route53.ZincCheckConfig(ip, model.Healthcheck{Protocol: "HTTP", Port: 80, Path: "/status", Host: "node.presslabs.net"})
	aws30 := *cfg
	aws30.RequestInterval, aws30.FailureThreshold = aws.Int32(30), aws.Int32(3)
	out, err := fake.CreateHealthCheck(ctx, createInput("zinc-uuid", &aws30))
	if err != nil {
		t.Fatal(err)
	}
	refs := &memChecks{refs: map[netip.Addr]string{ip: "zinc-uuid"}, ids: map[netip.Addr]string{ip: aws.ToString(out.HealthCheck.Id)}}
	if id, replaced, err := p.EnsureIPCheck(ctx, refs, ip, cfg); err != nil || id != aws.ToString(out.HealthCheck.Id) || replaced != "" {
		t.Errorf("zinc's check was not taken as is: %q replacing %q, %v", id, replaced, err)
	}
}

// TestEnsureIPCheckAfterCrashOnMoto: the crash between making a check and
// keeping its id, against the emulator, which (unlike Route53) makes a
// second check for a repeated CallerReference: the retry must find the
// first one and make none.
func TestEnsureIPCheckAfterCrashOnMoto(t *testing.T) {
	ctx := context.Background()
	c := motoClient(t)
	p := newProvider(c)
	ip := netip.MustParseAddr(fmt.Sprintf("127.%d.%d.%d", 120+rand.IntN(100), rand.IntN(250), 1+rand.IntN(250)))
	cfg, _, err := route53.ZincCheckConfig(ip, model.Healthcheck{Protocol: "HTTP", Port: 80, Path: "/status"})
	if err != nil {
		t.Fatal(err)
	}
	refs := &memChecks{refs: map[netip.Addr]string{}, ids: map[netip.Addr]string{}, failPuts: 1}
	if _, _, err := p.EnsureIPCheck(ctx, refs, ip, cfg); err == nil {
		t.Fatal("the injected crash did not happen")
	}
	id, _, err := p.EnsureIPCheck(ctx, refs, ip, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	in := &awsr53.ListHealthChecksInput{MaxItems: aws.Int32(1000)}
	for {
		out, err := c.ListHealthChecks(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range out.HealthChecks {
			if aws.ToString(h.HealthCheckConfig.IPAddress) == ip.String() {
				ids = append(ids, aws.ToString(h.Id))
			}
		}
		if !out.IsTruncated {
			break
		}
		in.Marker = out.NextMarker
	}
	if len(ids) != 1 || ids[0] != id {
		t.Fatalf("checks of %s: %v, want only %s", ip, ids, id)
	}
}
