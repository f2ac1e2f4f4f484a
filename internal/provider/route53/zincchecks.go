package route53

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
)

// maxSearchString is the longest body match Route53 checks for.
const maxSearchString = 255

// ZincCheckConfig is the Route53 health check of a policy IP: zinc's
// (HTTP, the IP, its port and path, FullyQualifiedDomainName the check's
// host) for the default check, and every option of signpost's check that
// Route53 has — HTTPS with SNI, TCP, a body match as *_STR_MATCH, and
// interval (10 or 30 s) and failure threshold (1–10) when the check sets
// them; left unset they take AWS's defaults, as zinc's checks did, so
// zinc's checks compare equal. What Route53 cannot do is an error (ICMP,
// a body match over 255 bytes) or, for expected statuses, a warning.
func ZincCheckConfig(addr netip.Addr, hc model.Healthcheck) (*types.HealthCheckConfig, []string, error) {
	var warnings []string
	cfg := &types.HealthCheckConfig{IPAddress: aws.String(addr.String())}
	port := hc.Port
	switch hc.Protocol {
	case "HTTP", "HTTPS":
		if port == 0 {
			port = map[string]uint16{"HTTP": 80, "HTTPS": 443}[hc.Protocol]
		}
		path := hc.Path
		if path == "" {
			path = "/"
		}
		cfg.Type, cfg.ResourcePath = types.HealthCheckType(hc.Protocol), aws.String(path)
		if hc.Host != "" {
			cfg.FullyQualifiedDomainName = aws.String(hc.Host)
		}
		if hc.Protocol == "HTTPS" {
			cfg.EnableSNI = aws.Bool(hc.Host != "")
		}
		if hc.ExpectBody != "" {
			if len(hc.ExpectBody) > maxSearchString {
				return nil, nil, fmt.Errorf("%s: a body match of %d bytes; Route53 searches for at most %d", addr, len(hc.ExpectBody), maxSearchString)
			}
			cfg.Type, cfg.SearchString = types.HealthCheckType(hc.Protocol+"_STR_MATCH"), aws.String(hc.ExpectBody)
		}
		if len(hc.ExpectStatus) > 0 {
			warnings = append(warnings, fmt.Sprintf("%s: Route53 checks pass on 2xx and 3xx; expect_status is not sent", addr))
		}
	case "TCP":
		cfg.Type = types.HealthCheckTypeTcp
	default:
		return nil, nil, fmt.Errorf("%s: Route53 health checks are HTTP, HTTPS or TCP, not %s", addr, hc.Protocol)
	}
	if port == 0 {
		return nil, nil, fmt.Errorf("%s: a %s check needs a port", addr, hc.Protocol)
	}
	cfg.Port = aws.Int32(int32(port))
	if hc.Interval > 0 {
		interval := int32(30)
		if hc.Interval <= 10*time.Second {
			interval = 10
		}
		cfg.RequestInterval = aws.Int32(interval)
	}
	if hc.Failures > 0 {
		cfg.FailureThreshold = aws.Int32(int32(min(max(hc.Failures, 1), 10)))
	}
	return cfg, warnings, nil
}
