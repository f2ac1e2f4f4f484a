package route53

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// responseError is what the SDK returns for a reply of status code whose
// body could not be read or decoded.
func responseError(code int) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}},
		Err:      errors.New("deserialization failed, failed to decode response body, read tcp: use of closed network connection"),
	}}
}

func TestCallWhenTheReplyIsCutOff(t *testing.T) {
	for _, tc := range []struct {
		op        string
		errs      []error // one per attempt; then success
		wantCalls int
		wantErr   bool
	}{
		{"ChangeResourceRecordSets", []error{responseError(200)}, 1, false}, // 200: the change was made
		{"DeleteHealthCheck", []error{responseError(200)}, 1, false},        // likewise
		{"ListResourceRecordSets", []error{responseError(200)}, 2, false},   // a read is asked again
		{"GetHostedZone", []error{responseError(200), responseError(200)}, 3, false},
		{"CreateHealthCheck", []error{responseError(201)}, 1, true},         // its reply is needed: not guessed
		{"ChangeResourceRecordSets", []error{responseError(500)}, 2, false}, // 5xx: retried as before
		{"ChangeResourceRecordSets", []error{responseError(400)}, 1, true},  // 4xx: an answer
	} {
		c := newClient(nil, 1000, 8, time.Millisecond)
		c.sleep = func(context.Context, time.Duration) error { return nil }
		calls := 0
		fn := func(context.Context, *route53.GetHostedZoneInput, ...func(*route53.Options)) (*route53.GetHostedZoneOutput, error) {
			calls++
			if calls <= len(tc.errs) {
				return nil, tc.errs[calls-1]
			}
			return &route53.GetHostedZoneOutput{}, nil
		}
		_, err := call(context.Background(), c, tc.op, fn, &route53.GetHostedZoneInput{})
		if calls != tc.wantCalls || (err != nil) != tc.wantErr {
			t.Errorf("%s after %v: %d calls, err %v; want %d calls, error %v", tc.op, tc.errs, calls, err, tc.wantCalls, tc.wantErr)
		}
	}
}
