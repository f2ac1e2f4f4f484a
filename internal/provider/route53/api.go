package route53

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"
)

// API is the part of the Route53 API signpost uses. *route53.Client
// satisfies it, and so does the fake in r53fake.
type API interface {
	ListHostedZonesByName(context.Context, *route53.ListHostedZonesByNameInput, ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error)
	CreateHostedZone(context.Context, *route53.CreateHostedZoneInput, ...func(*route53.Options)) (*route53.CreateHostedZoneOutput, error)
	GetHostedZone(context.Context, *route53.GetHostedZoneInput, ...func(*route53.Options)) (*route53.GetHostedZoneOutput, error)
	DeleteHostedZone(context.Context, *route53.DeleteHostedZoneInput, ...func(*route53.Options)) (*route53.DeleteHostedZoneOutput, error)
	ListResourceRecordSets(context.Context, *route53.ListResourceRecordSetsInput, ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error)
	ChangeResourceRecordSets(context.Context, *route53.ChangeResourceRecordSetsInput, ...func(*route53.Options)) (*route53.ChangeResourceRecordSetsOutput, error)
	ListHealthChecks(context.Context, *route53.ListHealthChecksInput, ...func(*route53.Options)) (*route53.ListHealthChecksOutput, error)
	CreateHealthCheck(context.Context, *route53.CreateHealthCheckInput, ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error)
	GetHealthCheck(context.Context, *route53.GetHealthCheckInput, ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error)
	DeleteHealthCheck(context.Context, *route53.DeleteHealthCheckInput, ...func(*route53.Options)) (*route53.DeleteHealthCheckOutput, error)
	ChangeTagsForResource(context.Context, *route53.ChangeTagsForResourceInput, ...func(*route53.Options)) (*route53.ChangeTagsForResourceOutput, error)
	ListCidrCollections(context.Context, *route53.ListCidrCollectionsInput, ...func(*route53.Options)) (*route53.ListCidrCollectionsOutput, error)
	CreateCidrCollection(context.Context, *route53.CreateCidrCollectionInput, ...func(*route53.Options)) (*route53.CreateCidrCollectionOutput, error)
	ChangeCidrCollection(context.Context, *route53.ChangeCidrCollectionInput, ...func(*route53.Options)) (*route53.ChangeCidrCollectionOutput, error)
	ListCidrBlocks(context.Context, *route53.ListCidrBlocksInput, ...func(*route53.Options)) (*route53.ListCidrBlocksOutput, error)
}

// retryable error codes: throttling and a zone still busy with the last
// change. 5xx responses are retried too.
var retryable = map[string]bool{"Throttling": true, "ThrottlingException": true, "PriorRequestNotComplete": true, "RequestLimitExceeded": true}

// client calls the API under a token bucket, retries what is worth
// retrying with exponential backoff and jitter, and counts calls.
type client struct {
	api      API
	lim      *rate.Limiter
	attempts int
	backoff  time.Duration
	sleep    func(context.Context, time.Duration) error

	mu    sync.Mutex // protects calls and checks
	calls map[string]int
	// checks is the account's health checks as last listed, kept during a
	// reconcile pass (StartPass..EndPass) and forgotten when this client
	// creates or deletes one.
	checks *checkList
}

type checkList struct {
	owned []types.HealthCheck
	all   map[string]*types.HealthCheckConfig
	byRef map[string]string // CallerReference -> id
}

func newClient(api API, rps float64, attempts int, backoff time.Duration) *client {
	return &client{api: api, lim: rate.NewLimiter(rate.Limit(rps), 1), attempts: attempts, backoff: backoff, sleep: sleepCtx, calls: map[string]int{}}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Calls returns how many requests each operation made, retries included.
func (c *client) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
}

// call runs one API operation with rate limiting and retries.
func call[In, Out any](ctx context.Context, c *client, op string, fn func(context.Context, In, ...func(*route53.Options)) (Out, error), in In) (Out, error) {
	var zero Out
	wait := c.backoff
	for attempt := 1; ; attempt++ {
		if err := c.lim.Wait(ctx); err != nil {
			return zero, err
		}
		c.mu.Lock()
		c.calls[op]++
		if op == "CreateHealthCheck" || op == "DeleteHealthCheck" {
			c.checks = nil
		}
		c.mu.Unlock()
		out, err := fn(ctx, in)
		if err != nil && CutOff(err) {
			if doneWhenAccepted[op] {
				return zero, nil // the service said 2xx; nothing in the body is used
			}
			if readOnly(op) && attempt < c.attempts {
				continue // asking again changes nothing
			}
		}
		if err == nil || !shouldRetry(err) || attempt >= c.attempts {
			return out, err
		}
		jittered := wait/2 + time.Duration(rand.Int64N(int64(wait)+1))
		if err := c.sleep(ctx, jittered); err != nil {
			return zero, err
		}
		wait = min(2*wait, 20*time.Second)
	}
}

// doneWhenAccepted are the writes whose callers use nothing of the reply:
// a 2xx means the change was made, even if its body could not be read.
var doneWhenAccepted = map[string]bool{"ChangeResourceRecordSets": true, "ChangeTagsForResource": true,
	"DeleteHealthCheck": true, "DeleteHostedZone": true}

func readOnly(op string) bool { return strings.HasPrefix(op, "List") || strings.HasPrefix(op, "Get") }

// CutOff reports a reply whose status was a success but whose body could
// not be read: the connection was closed under it (seen on loopback under
// load, aws/aws-sdk-go-v2#2737). A write it answered was made; a read can
// be asked again.
func CutOff(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= 200 && re.HTTPStatusCode() < 300
}

func shouldRetry(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && retryable[ae.ErrorCode()] {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError
}
