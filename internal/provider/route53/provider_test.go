package route53_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/providertest"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

func noSleep(context.Context, time.Duration) error { return nil }

func newProvider(api route53.API) *route53.Provider {
	return route53.New(route53.Options{Name: "r53", API: api, RPS: 1e6, Sleep: noSleep})
}

func zone(t testing.TB, src string) *model.Zone { return zoneIn(t, "example.com.", src) }

func zoneIn(t testing.TB, name, src string) *model.Zone {
	t.Helper()
	z, probs := zonefile.Parse(name+"yaml", name, []byte(src))
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	return z
}

// converge plans and applies src, then checks that a second plan is empty.
func converge(t testing.TB, p *route53.Provider, src string) *plan.ZonePlan {
	t.Helper()
	return convergeIn(t, p, "example.com.", src)
}

func convergeIn(t testing.TB, p *route53.Provider, name, src string) *plan.ZonePlan {
	t.Helper()
	return providertest.Converge(t, p, zoneIn(t, name, src))
}

func summary(zp *plan.ZonePlan) string { return providertest.Summary(zp) }

// docsDynamic is octoDNS's documentation example.
const docsDynamic = providertest.Dynamic

// statics are plain records of the common types.
const statics = providertest.Statics

// TestSuite runs the shared provider conformance suite against the fake.
func TestSuite(t *testing.T) {
	providertest.Run(t, providertest.Harness{New: func(testing.TB) provider.Provider { return newProvider(r53fake.New()) }})
}

// createdChecks counts the health checks a plan creates.
func createdChecks(zp *plan.ZonePlan) int {
	n := 0
	for _, s := range zp.Steps {
		if strings.HasPrefix(s, "create health check ") {
			n++
		}
	}
	return n
}

// TestConformance walks a zone through changes; every step converges.
func TestConformance(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	steps := []struct {
		name   string
		src    string
		checks int
	}{
		{"create statics and a dynamic record", statics + docsDynamic, 7},
		{"a value goes down", statics + strings.Replace(docsDynamic, "{value: 2.2.2.2}", "{value: 2.2.2.2, status: down}", 1), 7},
		{"a value is status up", statics + strings.Replace(docsDynamic, "{value: 2.2.2.2}", "{value: 2.2.2.2, status: up}", 1), 6},
		{"weights change", statics + strings.Replace(docsDynamic, "weight: 3", "weight: 7", 1), 7},
		{"a pool and its rule go", statics + strings.Replace(strings.Replace(docsDynamic, "      apac:\n        fallback: na\n        values: [{value: 1.1.1.1}, {value: 2.2.2.2}]\n", "", 1), "      - geos: [AF-ZA, AS, OC]\n        pool: apac\n", "", 1), 5},
		{"the health check path changes", statics + docsDynamic + "  octodns:\n    healthcheck: {path: /status}\n", 7},
		{"CNAME becomes A", strings.Replace(statics, "www:\n  type: CNAME\n  value: api.example.com.", "www:\n  type: A\n  value: 192.0.2.82", 1) + docsDynamic, 7},
		{"the dynamic record goes", statics, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			converge(t, p, s.src)
			if n := len(fake.HealthChecks()); n != s.checks {
				t.Errorf("%d health checks, want %d", n, s.checks)
			}
		})
	}
}

const subnetRecord = `office:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      inside:
        values: [{value: 192.0.2.2, status: up}]
      outside:
        values: [{value: 192.0.2.3, status: up}]
    rules:
      - subnets: [10.1.0.0/16, 10.2.0.0/16]
        pool: inside
      - pool: outside
`

func TestSubnetRulesConverge(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	converge(t, p, statics+subnetRecord)
	converge(t, p, statics+strings.Replace(subnetRecord, "10.2.0.0/16", "10.3.0.0/16", 1))
	var cidr int
	for _, s := range fake.Records("example.com.") {
		if s.CidrRoutingConfig != nil {
			cidr++
		}
	}
	if cidr != 2 {
		t.Errorf("%d CIDR record sets, want 2", cidr)
	}
}

func TestDumpRebuildsSubnetRules(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	converge(t, p, subnetRecord)
	z, err := p.Dump(context.Background(), "example.com.")
	if err != nil {
		t.Fatal(err)
	}
	out, err := zonefile.Format(z)
	if err != nil {
		t.Fatal(err)
	}
	if again := mustPlan(t, p, string(out)); !again.Empty() {
		t.Fatalf("the dumped zone plans changes:\n%s\n%s", summary(again), out)
	}
	if !strings.Contains(string(out), "- 10.1.0.0/16") {
		t.Errorf("dump lacks the subnets:\n%s", out)
	}
}

func TestCheckIsOffline(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	msgs := p.Check(zone(t, docsDynamic+"  octodns:\n    healthcheck: {protocol: ICMP}\n"))
	if len(msgs) != 1 || !strings.Contains(msgs[0], `healthcheck protocol "ICMP" not supported`) || len(fake.Calls()) != 0 {
		t.Errorf("Check: %v, calls %v", msgs, fake.Calls())
	}
}

func TestHealthChecksOfOthersAreKept(t *testing.T) {
	fake := r53fake.New()
	ctx := context.Background()
	// A check somebody else made, and one octoDNS made for another zone.
	for _, ref := range []string{"manual-check", "0001:A:test.example.org.:aaaaaaaaaaaa"} {
		_, err := fake.CreateHealthCheck(ctx, route53in{ref}.input())
		if err != nil {
			t.Fatal(err)
		}
	}
	p := newProvider(fake)
	converge(t, p, docsDynamic)
	converge(t, p, statics)
	if n := len(fake.HealthChecks()); n != 2 {
		t.Errorf("%d health checks left, want the 2 signpost did not make", n)
	}
}

func TestTagsAndReferences(t *testing.T) {
	fake := r53fake.New()
	converge(t, newProvider(fake), docsDynamic)
	for _, hc := range fake.HealthChecks() {
		ref := aws.ToString(hc.CallerReference)
		if !strings.HasPrefix(ref, "0001:A:test.example.com.:") || len(ref) != len("0001:A:test.example.com.:")+12 {
			t.Errorf("CallerReference %q", ref)
		}
		tags := fake.Tags(aws.ToString(hc.Id))
		if len(tags) != 1 || aws.ToString(tags[0].Value) != "test.example.com.:A - "+aws.ToString(hc.HealthCheckConfig.IPAddress) {
			t.Errorf("tags %v", tags)
		}
	}
}

func TestKeepOption(t *testing.T) {
	fake := r53fake.New()
	converge(t, newProvider(fake), statics)
	keep := route53.New(route53.Options{Name: "r53", API: fake, RPS: 1e6, Sleep: noSleep, Keep: true})
	zp, err := keep.Plan(context.Background(), zone(t, "new:\n  type: A\n  value: 192.0.2.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c, u, d := zp.Counts(); c != 1 || u != 0 || d != 0 {
		t.Errorf("with keep: %d creates %d updates %d deletes, want 1 0 0", c, u, d)
	}
}

func TestSafety(t *testing.T) {
	fake := r53fake.New()
	var src strings.Builder
	for i := range 10 {
		fmt.Fprintf(&src, "h%d:\n  type: A\n  value: 192.0.2.%d\n", i, i+1)
	}
	converge(t, newProvider(fake), src.String())
	// Change 4 of 10 records: 40% is over 30%.
	changed := strings.NewReplacer("192.0.2.1\n", "192.0.2.101\n", "192.0.2.2\n", "192.0.2.102\n", "192.0.2.3\n", "192.0.2.103\n", "192.0.2.4\n", "192.0.2.104\n").Replace(src.String())
	zp, err := newProvider(fake).Plan(context.Background(), zone(t, changed))
	if err != nil {
		t.Fatal(err)
	}
	err = zp.CheckSafety()
	want := "[example.com.] Too many updates, 40.00% is over 30.00% (4/10), force required"
	if !errors.Is(err, plan.ErrUnsafe) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
	zp, _ = newProvider(fake).Plan(context.Background(), zone(t, src.String()+"'':\n  type: NS\n  values: [ns.example.net.]\n"))
	if err := zp.CheckSafety(); err == nil || !strings.HasSuffix(err.Error(), "Root NS record change, force required") {
		t.Errorf("root NS change: %v", err)
	}
}

func TestStalePlan(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	converge(t, p, statics)
	zp, err := p.Plan(context.Background(), zone(t, statics+"new:\n  type: A\n  value: 192.0.2.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	converge(t, p, statics+"other:\n  type: A\n  value: 192.0.2.6\n") // reality moves
	if err := p.Apply(context.Background(), zp); !errors.Is(err, plan.ErrStale) {
		t.Fatalf("applying a stale plan: %v, want ErrStale", err)
	}
}

func TestOtherZonesDoNotStalePlans(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	zp, err := p.Plan(context.Background(), zone(t, docsDynamic))
	if err != nil {
		t.Fatal(err)
	}
	convergeIn(t, p, "example.org.", docsDynamic) // checks appear in the account
	if err := p.Apply(context.Background(), zp); err != nil {
		t.Fatalf("another zone's health checks made the plan stale: %v", err)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	fake.Throttle(3)
	converge(t, p, statics)
	if calls := p.Calls(); calls["ListHostedZonesByName"] < 4 {
		t.Errorf("calls %v: the throttled requests were not retried", calls)
	}
}

func TestInvalidChangeBatchIsNotRetried(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	ctx := context.Background()
	converge(t, p, statics)
	zp, _ := p.Plan(ctx, zone(t, statics+"x:\n  type: A\n  value: 192.0.2.9\n"))
	// Somebody creates the same record first: the CREATE now fails.
	converge(t, p, statics+"x:\n  type: A\n  value: 192.0.2.9\n")
	zp.State = mustPlan(t, p, statics+"x:\n  type: A\n  value: 192.0.2.9\n").State
	before := p.Calls()["ChangeResourceRecordSets"]
	err := p.Apply(ctx, zp)
	var icb *types.InvalidChangeBatch
	if !errors.As(err, &icb) || !strings.Contains(err.Error(), "but it already exists") {
		t.Fatalf("got %v, want InvalidChangeBatch with AWS's message", err)
	}
	if n := p.Calls()["ChangeResourceRecordSets"] - before; n != 1 {
		t.Errorf("InvalidChangeBatch sent %d times, want once", n)
	}
}

func mustPlan(t *testing.T, p *route53.Provider, src string) *plan.ZonePlan {
	zp, err := p.Plan(context.Background(), zone(t, src))
	if err != nil {
		t.Fatal(err)
	}
	return zp
}

func bigZone(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "host%04d:\n  type: A\n  values: [192.0.%d.%d]\n", i, i/250, i%250+1)
	}
	return b.String()
}

func TestNewZoneTakesOurApexNS(t *testing.T) {
	fake := r53fake.New()
	converge(t, newProvider(fake), "'':\n  type: NS\n  values: [ns1.example.net., ns2.example.net.]\n")
	for _, s := range fake.Records("example.com.") {
		if s.Type == "NS" && (len(s.ResourceRecords) != 2 || aws.ToString(s.ResourceRecords[0].Value) != "ns1.example.net.") {
			t.Errorf("apex NS %v", s.ResourceRecords)
		}
	}
}

func TestLargeApplyIsBatched(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	converge(t, p, bigZone(2500))
	if n := p.Calls()["ChangeResourceRecordSets"]; n != 3 {
		t.Errorf("%d change batches for 2,500 records, want 3", n)
	}
	if n := len(fake.Records("example.com.")); n != 2502 { // + SOA and NS
		t.Errorf("%d record sets, want 2502", n)
	}
}

func TestPartialApplyConverges(t *testing.T) {
	fake := r53fake.New()
	p := newProvider(fake)
	ctx := context.Background()
	zp := mustPlan(t, p, bigZone(2500)+docsDynamic)
	fake.FailChangesAfter(1) // the second batch fails, and its retries
	if err := p.Apply(ctx, zp); err == nil {
		t.Fatal("apply succeeded through an injected failure")
	}
	fake.Heal()
	converge(t, p, bigZone(2500)+docsDynamic)
	if n := len(fake.HealthChecks()); n != 7 {
		t.Errorf("%d health checks after recovering, want 7", n)
	}
}

func TestRoute53Rejections(t *testing.T) {
	p := newProvider(r53fake.New())
	tests := []struct{ name, src, want string }{
		{"ICMP checks", docsDynamic + "  octodns:\n    healthcheck: {protocol: ICMP}\n", `healthcheck protocol "ICMP" not supported`},
		{"route53 options", docsDynamic + "  octodns:\n    route53:\n      healthcheck: {request_interval: 20}\n", "request_interval 20 must be 10 or 30"},
		{"mixed rules", "m:\n  type: A\n  values: [192.0.2.1]\n  dynamic:\n    pools:\n      a: {values: [{value: 192.0.2.2}]}\n      b: {values: [{value: 192.0.2.3}]}\n    rules:\n      - {subnets: [10.0.0.0/8], geos: [EU], pool: a}\n      - pool: b\n", "mixed geo and subnet rules not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Plan(context.Background(), zone(t, tc.src))
			if !errors.Is(err, route53.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
