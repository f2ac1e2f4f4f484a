package servertest

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"
)

// Route53Env names the Route53 emulator's endpoint; scripts/test.sh starts
// moto and sets it.
const Route53Env = "SIGNPOST_ROUTE53_ENDPOINT"

// Route53 returns the emulator's endpoint and an SDK client for it, and
// skips t when Route53Env is not set. Packages share the emulator at the
// same time: each test keeps to zones of its own.
func Route53(t testing.TB) (string, *awsr53.Client) {
	t.Helper()
	ep := os.Getenv(Route53Env)
	if ep == "" {
		t.Skipf("%s is not set: run scripts/start-moto.sh (scripts/test.sh does)", Route53Env)
	}
	return ep, awsr53.New(awsr53.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
}
