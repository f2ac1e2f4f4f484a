// Package route53bench counts the Route53 API calls signpost makes for a
// zone of 5,000 records, 500 of them dynamic, against the emulator: a full
// create, a no-op plan, and one value's status changed.
package route53bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

func zone(b *testing.B, downValue bool) *model.Zone {
	var s strings.Builder
	for i := range 4500 {
		fmt.Fprintf(&s, "s%04d:\n  type: A\n  values: [192.0.%d.%d]\n", i, i/250, i%250+1)
	}
	for i := range 500 {
		status := ""
		if downValue && i == 0 {
			status = ", status: down"
		}
		fmt.Fprintf(&s, `d%03d:
  type: A
  values: [198.51.100.%d]
  dynamic:
    pools:
      eu:
        fallback: us
        values: [{value: 203.0.%d.1%s}, {value: 203.0.%d.2}]
      us:
        values: [{value: 203.1.%d.1}, {value: 203.1.%d.2}]
    rules:
      - geos: [EU]
        pool: eu
      - pool: us
`, i, i%250+1, i%250, status, i%250, i%250, i%250)
	}
	z, probs := zonefile.Parse("bench.yaml", "bench.example.", []byte(s.String()))
	if len(probs.Errors()) > 0 {
		b.Fatal(probs.Errors()[0])
	}
	return z
}

func diff(after, before map[string]int) (string, int) {
	var parts []string
	total := 0
	for op, n := range after {
		if d := n - before[op]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", op, d))
			total += d
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " "), total
}

func BenchmarkRoute53Calls(b *testing.B) {
	ep := os.Getenv("SIGNPOST_ROUTE53_ENDPOINT")
	if ep == "" {
		b.Skip("SIGNPOST_ROUTE53_ENDPOINT is not set: run scripts/start-moto.sh")
	}
	ctx := context.Background()
	for b.Loop() {
		resp, err := http.Post(ep+"/moto-api/reset", "", nil)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		client := awsr53.New(awsr53.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
		// The emulator is local: the client-side limit (4 req/s for AWS) is
		// lifted so the run measures calls, not the limiter.
		p := route53.New(route53.Options{Name: "r53", API: client, RPS: 1e6})
		phase := func(name string, z *model.Zone, apply bool) {
			before := p.Calls()
			start := time.Now()
			zp, err := p.Plan(ctx, z)
			if err != nil {
				b.Fatal(err)
			}
			if apply {
				if err := p.Apply(ctx, zp); err != nil {
					b.Fatal(err)
				}
			}
			calls, total := diff(p.Calls(), before)
			el := time.Since(start)
			b.ReportMetric(float64(total), name+"-calls")
			b.ReportMetric(el.Seconds(), name+"-s")
			b.Logf("%s: %d calls in %s (%s at AWS's 4 req/s): %s", name, total, el.Round(time.Millisecond),
				(time.Duration(total) * time.Second / 4).Round(time.Second), calls)
		}
		phase("create", zone(b, false), true)
		phase("noop-plan", zone(b, false), false)
		phase("one-status", zone(b, true), true)
	}
}
