package route53

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
)

// TestZincTreesApply sends the worked example's trees through the
// provider's batching and conversion to the fake, which enforces AWS's
// rules for latency and alias record sets, and reads them back unchanged.
func TestZincTreesApply(t *testing.T) {
	ctx := context.Background()
	fake := r53fake.New()
	p := New(Options{Name: "r53", API: fake, RPS: 1e6, Sleep: func(context.Context, time.Duration) error { return nil }})
	zoneID, err := p.createZone(ctx, "example.com.")
	if err != nil {
		t.Fatal(err)
	}
	z := ZincZone{Root: "example.com.", Policies: map[string]*model.Policy{}, IPs: map[netip.Addr]*model.IP{}, Checks: map[netip.Addr]string{},
		Records: []ZincRecord{{Name: "www", Type: "A", Policy: "p"}, {Name: "@", Type: "A", Policy: "p"}}}
	pol := &model.Policy{ID: "p", Name: "web", Routing: model.RoutingLatency, TTL: 30}
	for i, m := range []struct{ ip, region string }{{"1.1.1.1", "us-east-1"}, {"1.1.1.2", "us-east-1"}, {"2.2.2.1", "eu-west-1"}, {"2.2.2.2", "eu-west-1"}} {
		a := netip.MustParseAddr(m.ip)
		z.IPs[a] = &model.IP{Address: a, Enabled: true}
		pol.Members = append(pol.Members, model.Member{ID: "m" + string(rune('1'+i)), IP: a, Region: m.region, Weight: 10, Enabled: true})
		out, err := fake.CreateHealthCheck(ctx, &awsr53.CreateHealthCheckInput{CallerReference: aws.String("zinc " + m.ip),
			HealthCheckConfig: &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String(m.ip), Port: aws.Int32(80), ResourcePath: aws.String("/status")}})
		if err != nil {
			t.Fatal(err)
		}
		z.Checks[a] = aws.ToString(out.HealthCheck.Id)
	}
	z.Policies["p"] = pol
	laid, problems := ZincLayout(z)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	change := recordChange{Action: plan.Create, Name: "example.com.", Type: "A"}
	for _, s := range laid {
		change.Sets = append(change.Sets, RRSetChange{Op: plan.Add, Set: s})
	}
	batches, err := batch([]recordChange{change}, MaxBatchRecords)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := p.send(ctx, zoneID, sets(b), nil, nil); err != nil {
			t.Fatalf("the fake refused zinc's trees: %v", err)
		}
	}
	var want, got []string
	for _, s := range laid {
		want = append(want, s.String())
	}
	for _, r := range fake.Records("example.com.") {
		if r.Type == types.RRTypeSoa || r.Type == types.RRTypeNs {
			continue
		}
		got = append(got, fromAPI(r).String())
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("read back:\n%q\nwant:\n%q", got, want)
	}
	// Route53's rules hold for latency sets: one per region at a name.
	dup := laid[4]
	dup.SetID = "again"
	bad := []RRSetChange{{Op: plan.Add, Set: dup}}
	if err := p.send(ctx, zoneID, bad, nil, nil); err == nil || !strings.Contains(err.Error(), "two records for one region") {
		t.Errorf("a second latency record for one region: %v", err)
	}
}
