package route53

import (
	"context"
	"encoding/json"
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
	ipChecks, err := p.resolveIPChecks(ctx, l, st)
	if err != nil {
		return nil, err
	}
	zp := p.planFrom(zone, l, st, ipChecks)
	return zp, nil
}

func (p *Provider) planFrom(zone string, l *layout, st *state, ipChecks []IPCheck) *plan.ZonePlan {
	zp := &plan.ZonePlan{Zone: zone, Target: p.opts.Name, Warnings: l.warnings, State: fingerprint(zone, st), Refused: l.refused}
	refusedFirst(zp.Refused)
	ign := ignore(zone, l.records)
	if l.owned != nil {
		owns := l.ownsFn(zone)
		ign = func(name, typ string) bool { return !owns(name, typ) }
	}
	for i := range st.records {
		if !ign(st.records[i].Name, st.records[i].Type) {
			zp.Existing++
		}
	}
	used := reuseChecks(l, st)
	pl := payload{ZoneID: st.zoneID, IPChecks: ipChecks, Isolate: l.owned != nil}
	pl.Changes = plan.Diff(l.records, st.records, plan.DiffOptions{Keep: p.opts.Keep && l.owned == nil, Ignore: ign})
	createOnly(pl.Changes, l.fresh)
	for _, c := range l.checks {
		if c.id == "" && referenced(pl.Changes, c.placeholder()) {
			pl.CreateChecks = append(pl.CreateChecks, c.toPlan())
		}
	}
	pl.DeleteChecks = staleChecks(zone, l, st, used)
	if len(l.cidrs) > 0 {
		pl.CIDRLocations = l.cidrs
	}
	describe(zp, &pl)
	zp.Payload, _ = json.Marshal(pl) // plain data: cannot fail
	return zp
}

// describe fills the provider-neutral part of a zone plan: a record-level
// change per record, with its record-set changes as native lines, and the
// steps around them.
func describe(zp *plan.ZonePlan, pl *payload) {
	if pl.ZoneID == "" {
		zp.CreatesZone = true
		zp.Steps = append(zp.Steps, "create hosted zone "+zp.Zone)
	}
	for _, c := range pl.IPChecks {
		cfg := c.Config
		zp.Steps = append(zp.Steps, fmt.Sprintf("make sure of health check %s %s:%d%s host=%s for IP %s", cfg.Type,
			c.Address, aws.ToInt32(cfg.Port), aws.ToString(cfg.ResourcePath), aws.ToString(cfg.FullyQualifiedDomainName), c.Address))
	}
	for _, h := range pl.CreateChecks {
		zp.Steps = append(zp.Steps, fmt.Sprintf("create health check %s %s %s:%d%s for %s", h.Protocol, h.Value, h.FQDN, h.Port, h.Path, h.Record))
	}
	zp.Changes = plan.NativeChanges(pl.Changes, action)
	for _, id := range pl.DeleteChecks {
		zp.Steps = append(zp.Steps, "delete health check "+id+" (no longer used)")
	}
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
		for j := range l.records[i].Sets {
			s := &l.records[i].Sets[j]
			if id, ok := ids[s.HealthCheck]; ok {
				s.HealthCheck = id
			}
		}
	}
	return used
}

func referenced(changes []recordChange, check string) bool {
	for _, c := range changes {
		for _, rc := range c.Sets {
			if rc.Op != plan.Remove && rc.Set.HealthCheck == check {
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
	add := func(r Record) {
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
	return fingerprintOf(st.records, append(ids, "zone:"+st.zoneID))
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
