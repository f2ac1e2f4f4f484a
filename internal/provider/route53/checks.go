package route53

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
)

// checkVersion is octodns-route53's HEALTH_CHECK_VERSION.
const checkVersion = "0001"

// checkSpec is a health check a value needs. id is set once an equivalent
// existing check is found; otherwise ref is the CallerReference to create.
type checkSpec struct {
	record, typ, fqdn, value string
	cfg                      types.HealthCheckConfig
	id, ref                  string
}

func (c *checkSpec) placeholder() string {
	if c.id != "" {
		return c.id
	}
	return "new:" + c.ref
}

// r53Options are a record's octodns.route53.healthcheck settings.
type r53Options struct {
	threshold int32
	interval  int32
	latency   bool
}

func route53Options(r *model.Record) (r53Options, error) {
	o := r53Options{threshold: 6, interval: 10, latency: true}
	hc, ok := r.Providers["route53"].Get("healthcheck")
	if !ok {
		return o, nil
	}
	if v, ok := hc.Get("failure_threshold"); ok {
		n, valid := v.Int()
		if !valid || n < 1 || n > 10 {
			return o, fmt.Errorf("octodns.route53.healthcheck.failure_threshold %s must be 1 to 10", v)
		}
		o.threshold = int32(n)
	}
	if v, ok := hc.Get("request_interval"); ok {
		n, valid := v.Int()
		if !valid || (n != 10 && n != 30) {
			return o, fmt.Errorf("octodns.route53.healthcheck.request_interval %s must be 10 or 30", v)
		}
		o.interval = int32(n)
	}
	if v, ok := hc.Get("measure_latency"); ok {
		if v.Kind != model.KindBool {
			return o, fmt.Errorf("octodns.route53.healthcheck.measure_latency %s must be true or false", v)
		}
		o.latency = v.Text == "true"
	}
	return o, nil
}

// check returns the spec for value's health check, one per distinct value
// of a record (shared between its pools).
func (l *layout) check(r *model.Record, fqdn string, v model.PoolValue, o r53Options) *checkSpec {
	for _, c := range l.checks {
		if c.fqdn == fqdn && c.typ == string(r.Type) && c.value == v.Value {
			return c
		}
	}
	hc := r.Healthcheck()
	switch hc.Protocol {
	case "HTTP", "HTTPS", "TCP":
	default:
		if msg := fmt.Sprintf("%s %s: healthcheck protocol %q not supported", r.FQDN(), r.Type, hc.Protocol); !slices.Contains(l.errs, msg) {
			l.errs = append(l.errs, msg)
		}
	}
	down := v.Status == model.StatusDown
	cfg := types.HealthCheckConfig{
		Type: types.HealthCheckType(hc.Protocol), Port: aws.Int32(int32(hc.Port)),
		Disabled: aws.Bool(down), Inverted: aws.Bool(down), EnableSNI: aws.Bool(hc.Protocol == "HTTPS"),
		FailureThreshold: aws.Int32(o.threshold), MeasureLatency: aws.Bool(o.latency), RequestInterval: aws.Int32(o.interval),
	}
	host := hc.Host
	if host == "" {
		host = strings.TrimSuffix(r.FQDN(), ".")
	}
	if r.Type == "CNAME" {
		host = v.Value // CNAME checks probe the target itself, with no Host header of their own
	} else {
		cfg.IPAddress = aws.String(v.Value)
	}
	if hc.Protocol != "TCP" {
		cfg.FullyQualifiedDomainName = aws.String(host)
		cfg.ResourcePath = aws.String(hc.Path)
	}
	c := &checkSpec{record: fqdn + " " + string(r.Type), typ: string(r.Type), fqdn: fqdn, value: v.Value, cfg: cfg}
	c.ref = refPrefix(string(r.Type), fqdn) + randomHex(12)
	l.checks = append(l.checks, c)
	return c
}

// refPrefix is "0001:TYPE:fqdn:", with the fqdn hashed when the reference
// would pass Route53's 64-character limit.
func refPrefix(typ, fqdn string) string {
	p := checkVersion + ":" + typ + ":" + fqdn + ":"
	if len(p)+12 > 64 {
		sum := sha512.Sum512([]byte(fqdn))
		p = checkVersion + ":" + typ + ":" + hex.EncodeToString(sum[:])[:20] + ":"
	}
	return p
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

var tagUnsafe = regexp.MustCompile(`[^A-Za-z0-9 _.:/=+\-@]`)

// tagName is the Name tag octodns-route53 puts on a check.
func (c *checkSpec) tagName() string {
	what := c.value
	if c.cfg.IPAddress == nil && c.cfg.FullyQualifiedDomainName != nil {
		what = *c.cfg.FullyQualifiedDomainName
	}
	return tagUnsafe.ReplaceAllString(c.fqdn+":"+c.typ+" - "+what, "-")
}

// equivalent reports whether an existing check can serve spec, comparing
// what octodns-route53 compares.
func equivalent(a, b *types.HealthCheckConfig) bool {
	str := func(p *string) string { return aws.ToString(p) }
	return str(a.FullyQualifiedDomainName) == str(b.FullyQualifiedDomainName) &&
		str(a.ResourcePath) == str(b.ResourcePath) && a.Type == b.Type &&
		aws.ToInt32(a.Port) == aws.ToInt32(b.Port) &&
		aws.ToBool(a.MeasureLatency) == aws.ToBool(b.MeasureLatency) &&
		aws.ToInt32(a.RequestInterval) == aws.ToInt32(b.RequestInterval) &&
		aws.ToInt32(a.FailureThreshold) == aws.ToInt32(b.FailureThreshold) &&
		aws.ToBool(a.Disabled) == aws.ToBool(b.Disabled) && aws.ToBool(a.Inverted) == aws.ToBool(b.Inverted) &&
		sameIP(str(a.IPAddress), str(b.IPAddress))
}

func sameIP(a, b string) bool {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return x == y
}

// toPlan renders a spec as plan data.
func (c *checkSpec) toPlan() HealthCheck {
	return HealthCheck{
		Reference: c.ref, Record: c.record, Value: c.value, Protocol: string(c.cfg.Type),
		Address: aws.ToString(c.cfg.IPAddress), FQDN: aws.ToString(c.cfg.FullyQualifiedDomainName),
		Path: aws.ToString(c.cfg.ResourcePath), Port: aws.ToInt32(c.cfg.Port),
		Interval: aws.ToInt32(c.cfg.RequestInterval), Threshold: aws.ToInt32(c.cfg.FailureThreshold),
		Latency: aws.ToBool(c.cfg.MeasureLatency), SNI: aws.ToBool(c.cfg.EnableSNI),
		Disabled: aws.ToBool(c.cfg.Disabled), Inverted: aws.ToBool(c.cfg.Inverted), Tag: c.tagName(),
	}
}

// configFromPlan rebuilds the API config of a planned check.
func configFromPlan(h HealthCheck) *types.HealthCheckConfig {
	cfg := &types.HealthCheckConfig{
		Type: types.HealthCheckType(h.Protocol), Port: aws.Int32(h.Port),
		RequestInterval: aws.Int32(h.Interval), FailureThreshold: aws.Int32(h.Threshold),
		MeasureLatency: aws.Bool(h.Latency), EnableSNI: aws.Bool(h.SNI),
		Disabled: aws.Bool(h.Disabled), Inverted: aws.Bool(h.Inverted),
	}
	if h.Address != "" {
		cfg.IPAddress = aws.String(h.Address)
	}
	if h.FQDN != "" {
		cfg.FullyQualifiedDomainName = aws.String(h.FQDN)
	}
	if h.Path != "" {
		cfg.ResourcePath = aws.String(h.Path)
	}
	return cfg
}

// locationName is octodns-route53's CIDR location name for subnets.
func locationName(subnets []string) string {
	s := slices.Clone(subnets)
	slices.Sort(s)
	sum := sha256.Sum256([]byte(strings.Join(s, ",")))
	return hex.EncodeToString(sum[:])[:16]
}
