package route53

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// IPCheckStore keeps each IP's health check at this provider: its
// CallerReference, saved before the check is created, and its id.
type IPCheckStore interface {
	// IPCheck returns the reference and id kept for addr ("" and "" for
	// none).
	IPCheck(ctx context.Context, addr netip.Addr) (ref, id string, err error)
	PutIPCheck(ctx context.Context, addr netip.Addr, ref, id string) error
	// Retire keeps a replaced check to delete once no record set uses it;
	// Retired lists those (and the checks of IPs that are gone); Forget
	// drops one that was deleted.
	Retire(ctx context.Context, id string) error
	Retired(ctx context.Context) ([]string, error)
	Forget(ctx context.Context, id string) error
}

// EnsureIPCheck returns the id of addr's health check with cfg. The kept
// check is used while Route53 has it with an equivalent config. Otherwise
// a check is created, its CallerReference kept first: a retry after a
// crash between the two reuses the reference, and Route53 answers with
// the check it made, never a second one. replaced is the id of a check
// whose config changed, for the caller to delete once no record set uses
// it.
func (p *Provider) EnsureIPCheck(ctx context.Context, refs IPCheckStore, addr netip.Addr, cfg *types.HealthCheckConfig) (id, replaced string, err error) {
	ref, id, err := refs.IPCheck(ctx, addr)
	if err != nil {
		return "", "", err
	}
	if id != "" {
		out, err := call(ctx, p.c, "GetHealthCheck", p.c.api.GetHealthCheck, &route53.GetHealthCheckInput{HealthCheckId: aws.String(id)})
		var gone *types.NoSuchHealthCheck
		switch {
		case err == nil && sameIPCheck(out.HealthCheck.HealthCheckConfig, cfg):
			return id, "", nil
		case err == nil:
			replaced = id // the config changed: a new check, a new reference
		case !errors.As(err, &gone):
			return "", "", fmt.Errorf("reading the health check of %s: %w", addr, err)
		}
		ref = "" // deleted out of band, or replaced
	}
	if ref != "" {
		if id, err := p.recoverIPCheck(ctx, ref, cfg); id != "" || err != nil {
			if err == nil {
				err = refs.PutIPCheck(ctx, addr, ref, id)
			}
			return id, replaced, err
		}
	}
	id, err = p.createIPCheck(ctx, refs, addr, cfg)
	return id, replaced, err
}

// recoverIPCheck finds the check a crash left made but not kept: the one
// with CallerReference ref, if it does what cfg asks. Route53 itself
// would hand it back on a create with the same reference; emulators
// (moto) make a second one, so it is looked up first.
func (p *Provider) recoverIPCheck(ctx context.Context, ref string, cfg *types.HealthCheckConfig) (string, error) {
	l, err := p.checkList(ctx)
	if err != nil {
		return "", err
	}
	if id, ok := l.byRef[ref]; ok && sameIPCheck(l.all[id], cfg) {
		return id, nil
	}
	return "", nil
}

// createIPCheck creates addr's check under a new reference, kept first.
func (p *Provider) createIPCheck(ctx context.Context, refs IPCheckStore, addr netip.Addr, cfg *types.HealthCheckConfig) (string, error) {
	ref := "signpost " + randomHex(32)
	if err := refs.PutIPCheck(ctx, addr, ref, ""); err != nil {
		return "", fmt.Errorf("keeping the reference of %s's check: %w", addr, err)
	}
	out, err := call(ctx, p.c, "CreateHealthCheck", p.c.api.CreateHealthCheck,
		&route53.CreateHealthCheckInput{CallerReference: aws.String(ref), HealthCheckConfig: cfg})
	if err != nil {
		return "", fmt.Errorf("creating the health check of %s: %w", addr, err)
	}
	id := aws.ToString(out.HealthCheck.Id)
	if err := refs.PutIPCheck(ctx, addr, ref, id); err != nil {
		return "", fmt.Errorf("keeping the id of %s's check: %w", addr, err)
	}
	return id, nil
}

// sameIPCheck reports whether an existing check does what cfg asks. What
// cfg leaves unset is AWS's default (interval 30 s, threshold 3), as
// Route53 reports it for checks made without them, zinc's among them; SNI
// matters only to HTTPS checks (Route53 may report it on HTTP ones).
func sameIPCheck(have, want *types.HealthCheckConfig) bool {
	str := func(p *string) string { return aws.ToString(p) }
	or := func(p *int32, def int32) int32 {
		if p == nil {
			return def
		}
		return *p
	}
	return have.Type == want.Type && sameIP(str(have.IPAddress), str(want.IPAddress)) &&
		aws.ToInt32(have.Port) == aws.ToInt32(want.Port) && str(have.ResourcePath) == str(want.ResourcePath) &&
		str(have.FullyQualifiedDomainName) == str(want.FullyQualifiedDomainName) && str(have.SearchString) == str(want.SearchString) &&
		(!strings.HasPrefix(string(want.Type), "HTTPS") || aws.ToBool(have.EnableSNI) == aws.ToBool(want.EnableSNI)) &&
		or(have.RequestInterval, 30) == or(want.RequestInterval, 30) && or(have.FailureThreshold, 3) == or(want.FailureThreshold, 3)
}

// deleteCheck deletes a health check; inUse reports one Route53 keeps
// because a record set still uses it. A check already gone is fine.
func (p *Provider) deleteCheck(ctx context.Context, id string) (inUse bool, err error) {
	_, err = call(ctx, p.c, "DeleteHealthCheck", p.c.api.DeleteHealthCheck, &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(id)})
	var gone *types.NoSuchHealthCheck
	var used *types.HealthCheckInUse
	switch {
	case err == nil, errors.As(err, &gone):
		return false, nil
	case errors.As(err, &used):
		return true, nil
	}
	return false, fmt.Errorf("deleting health check %s: %w", id, err)
}
