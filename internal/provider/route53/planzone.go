package route53

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
)

// ErrInvalid marks desired state Route53 cannot take.
var ErrInvalid = errors.New("invalid for route53")

// Check implements provider.Provider.
func (p *Provider) Check(z *model.Zone) []string {
	l := desired(z)
	return append(l.errs, validate(l.records)...)
}

// Plan implements provider.Provider.
func (p *Provider) Plan(ctx context.Context, z *model.Zone) (*plan.ZonePlan, error) {
	zone := strings.ToLower(z.Name)
	l := desired(z)
	if errs := append(l.errs, validate(l.records)...); len(errs) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalid, strings.Join(errs, "; "))
	}
	st, err := p.read(ctx, zone, len(l.cidrs) > 0)
	if err != nil {
		return nil, err
	}
	return p.planFrom(zone, l, st), nil
}

func (p *Provider) planFrom(zone string, l *layout, st *state) *plan.ZonePlan {
	zp := &plan.ZonePlan{Zone: zone, Target: p.opts.Name, ZoneID: st.zoneID, Warnings: l.warnings,
		State: fingerprint(zone, st)}
	ign := ignore(zone, l.records)
	for i := range st.records {
		if !ign(&st.records[i]) {
			zp.Existing++
		}
	}
	used := reuseChecks(l, st)
	zp.Changes = plan.Diff(l.records, st.records, plan.Options{Keep: p.opts.Keep, Ignore: ign})
	for _, c := range l.checks {
		if c.id == "" && referenced(zp.Changes, c.placeholder()) {
			zp.CreateChecks = append(zp.CreateChecks, c.toPlan())
		}
	}
	zp.DeleteChecks = staleChecks(zone, l, st, used)
	if len(l.cidrs) > 0 {
		zp.CIDRLocations = l.cidrs
	}
	return zp
}

// reuseChecks gives each desired check the id of an existing equivalent
// one with the same reference prefix, and rewrites the rrsets that use it.
// It returns the ids in use.
func reuseChecks(l *layout, st *state) map[string]bool {
	used := map[string]bool{}
	ids := map[string]string{}
	for _, c := range l.checks {
		prefix := refPrefix(c.typ, c.fqdn)
		for _, hc := range st.checks {
			id := aws.ToString(hc.Id)
			if used[id] || !strings.HasPrefix(aws.ToString(hc.CallerReference), prefix) || !equivalent(hc.HealthCheckConfig, &c.cfg) {
				continue
			}
			ids["new:"+c.ref], c.id = id, id
			used[id] = true
			break
		}
	}
	for i := range l.records {
		for j := range l.records[i].RRSets {
			s := &l.records[i].RRSets[j]
			if id, ok := ids[s.HealthCheck]; ok {
				s.HealthCheck = id
			}
		}
	}
	return used
}

func referenced(changes []plan.Change, check string) bool {
	for _, c := range changes {
		for _, rc := range c.RRSets {
			if rc.Action != "DELETE" && rc.RRSet.HealthCheck == check {
				return true
			}
		}
	}
	return false
}

// staleChecks returns the checks made for records of this zone (by their
// CallerReference) that the desired state no longer uses. Checks made by
// anyone else are never touched.
func staleChecks(zone string, l *layout, st *state, used map[string]bool) []string {
	prefixes := map[string]bool{}
	add := func(r plan.Record) {
		if r.Type == "A" || r.Type == "AAAA" || r.Type == "CNAME" {
			prefixes[refPrefix(r.Type, r.Name)] = true
		}
	}
	for _, r := range l.records {
		add(r)
	}
	for _, r := range st.records {
		add(r)
	}
	var out []string
	for _, hc := range st.checks {
		ref, id := aws.ToString(hc.CallerReference), aws.ToString(hc.Id)
		if used[id] || !ownedBy(ref, prefixes) {
			continue
		}
		out = append(out, id)
	}
	return out
}

var refShape = regexp.MustCompile(`^\d\d\d\d:[A-Z]+:`)

// ownedBy reports whether ref is "NNNN:TYPE:fqdn:" for one of prefixes,
// whatever its version.
func ownedBy(ref string, prefixes map[string]bool) bool {
	if !refShape.MatchString(ref) {
		return false
	}
	for p := range prefixes {
		if strings.HasPrefix(ref[4:], p[4:]) {
			return true
		}
	}
	return false
}

// fingerprint hashes the zone's records and the checks made for its
// records, so that a saved plan notices when this zone moved, and only
// this zone: other zones' checks live in the same account.
func fingerprint(zone string, st *state) string {
	var ids []string
	for _, hc := range st.checks {
		if checkZone(aws.ToString(hc.CallerReference)) == zone || inZone(checkZone(aws.ToString(hc.CallerReference)), zone) {
			ids = append(ids, aws.ToString(hc.Id))
		}
	}
	return plan.Fingerprint(st.records, append(ids, "zone:"+st.zoneID))
}

// checkZone returns the fqdn in a reference "NNNN:TYPE:fqdn:xxxx", or "".
func checkZone(ref string) string {
	parts := strings.Split(ref, ":")
	if len(parts) != 4 || !refShape.MatchString(ref) {
		return ""
	}
	return parts[2]
}

func inZone(name, zone string) bool { return name == zone || strings.HasSuffix(name, "."+zone) }
