package route53_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/providertest"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// motoEnv names the emulator endpoint; scripts/start-moto.sh prints it and
// .ci/run sets it.
const motoEnv = "SIGNPOST_ROUTE53_ENDPOINT"

// motoClient returns an SDK client for the emulator. Tests share it with
// other packages running at the same time, so each uses a zone of its own
// (motoZone) instead of resetting it.
func motoClient(t testing.TB) *awsr53.Client {
	t.Helper()
	ep := os.Getenv(motoEnv)
	if ep == "" {
		t.Skipf("%s is not set: run scripts/start-moto.sh (CI does)", motoEnv)
	}
	return awsr53.New(awsr53.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(ep), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// motoZone names a zone no other test uses.
func motoZone() string { return fmt.Sprintf("t%d.example.com.", time.Now().UnixNano()) }

func TestMotoConformance(t *testing.T) {
	p := newProvider(motoClient(t))
	name := motoZone()
	// One dynamic record per zone: moto deletes every record set of a zone
	// with a given SetIdentifier (its bug 2), so two records sharing pool
	// names would clobber each other there, though not on Route53.
	steps := []string{
		statics + docsDynamic,
		statics + strings.Replace(docsDynamic, "{value: 2.2.2.2}", "{value: 2.2.2.2, status: down}", 1),
		statics + strings.Replace(docsDynamic, "weight: 3", "weight: 7", 1),
		statics,
	}
	for i, src := range steps {
		zp := convergeIn(t, p, name, src)
		if checks := createdChecks(zp); i == 0 && (checks != 7 || len(zp.Changes) != 5) {
			t.Errorf("first plan: %d checks, %d record changes; want 7 and 5", checks, len(zp.Changes))
		}
	}
}

// TestMotoSuite runs the shared provider conformance suite against the
// emulator through the real SDK client.
func TestMotoSuite(t *testing.T) {
	client := motoClient(t)
	providertest.Run(t, providertest.Harness{New: func(testing.TB) provider.Provider { return newProvider(client) }, Zone: motoZone,
		Without: []plan.Capability{plan.Subnets}}) // moto has no CIDR collections
}

func TestMotoPaging(t *testing.T) {
	p := newProvider(motoClient(t))
	convergeIn(t, p, motoZone(), bigZone(700)) // three pages of 300
	if n := p.Calls()["ListResourceRecordSets"]; n < 3 {
		t.Errorf("%d ListResourceRecordSets calls for 700 records, want at least 3 pages", n)
	}
}

func TestMotoDumpRoundTrip(t *testing.T) {
	p := newProvider(motoClient(t))
	src := statics + strings.Replace(docsDynamic, "{value: 2.2.2.2}", "{value: 2.2.2.2, status: down}", 1)
	name := motoZone()
	convergeIn(t, p, name, src)
	z, err := p.Dump(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := zonefile.Format(z)
	if err != nil {
		t.Fatal(err)
	}
	// What was dumped plans to no change: import = dump, then plan.
	again, err := p.Plan(context.Background(), zoneIn(t, name, string(out)))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Empty() {
		t.Fatalf("the dumped zone plans changes:\n%s\n%s", summary(again), out)
	}
	for _, want := range []string{"status: down", "fallback: na", "- AF-ZA", "weight: 3", "exchange: mx1.example.com."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("dump lacks %q:\n%s", want, out)
		}
	}
}
