package route53_test

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// route53in builds a CreateHealthCheck input with a given reference.
type route53in struct{ ref string }

func (r route53in) input() *route53.CreateHealthCheckInput {
	return &route53.CreateHealthCheckInput{CallerReference: aws.String(r.ref), HealthCheckConfig: &types.HealthCheckConfig{
		Type: types.HealthCheckTypeHttps, IPAddress: aws.String("192.0.2.200"), Port: aws.Int32(443), FullyQualifiedDomainName: aws.String("test.example.org")}}
}

func deleteInput(id string) *route53.DeleteHealthCheckInput {
	return &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(id)}
}

func createInput(ref string, cfg *types.HealthCheckConfig) *route53.CreateHealthCheckInput {
	return &route53.CreateHealthCheckInput{CallerReference: aws.String(ref), HealthCheckConfig: cfg}
}
