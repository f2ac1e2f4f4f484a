package route53

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"

	"github.com/signpost-dns/signpost/internal/plan"
)

// Apply implements provider.Provider: it checks that the zone is as the
// plan found it, creates the zone and health checks the plan needs, sends
// the record changes in dependency order and in batches within Route53's
// limits, then deletes the health checks nothing uses any more.
func (p *Provider) Apply(ctx context.Context, zp *plan.ZonePlan) error {
	var pl payload
	if err := json.Unmarshal(zp.Payload, &pl); err != nil {
		return fmt.Errorf("%s: the plan's route53 payload: %w", zp.Zone, err)
	}
	st, err := p.read(ctx, zp.Zone, len(pl.CIDRLocations) > 0)
	if err != nil {
		return err
	}
	if fingerprint(zp.Zone, st) != zp.State {
		return fmt.Errorf("%s: %w", zp.Zone, plan.ErrStale)
	}
	zoneID := st.zoneID
	changes := pl.Changes
	if zoneID == "" {
		if zoneID, err = p.createZone(ctx, zp.Zone); err != nil {
			return err
		}
		changes = upsertApexNS(zp.Zone, changes)
	}
	if err := p.ensureCIDR(ctx, pl.CIDRLocations, st); err != nil {
		return err
	}
	created, err := p.createChecks(ctx, pl.CreateChecks)
	if err != nil {
		return err
	}
	ipIDs, err := p.ensureIPChecks(ctx, pl.IPChecks)
	if err != nil {
		return err
	}
	maps.Copy(created, ipIDs)
	batches, err := batch(changes, p.opts.MaxChanges)
	if err != nil {
		return fmt.Errorf("%s: %w", zp.Zone, err)
	}
	var failed []plan.RecordError
	for i, b := range batches {
		send := p.sendIsolated
		if !pl.Isolate {
			send = p.sendWhole
		}
		f, err := send(ctx, zoneID, b, created, st.cidrIDs)
		if err != nil {
			return fmt.Errorf("%s: change batch %d of %d: %w", zp.Zone, i+1, len(batches), err)
		}
		failed = append(failed, f...)
	}
	for _, id := range pl.DeleteChecks {
		if _, err := p.deleteCheck(ctx, id); err != nil {
			return fmt.Errorf("%s: unused health check: %w", zp.Zone, err)
		}
	}
	if err := p.sweepChecks(ctx); err != nil {
		return fmt.Errorf("%s: retired health checks: %w", zp.Zone, err)
	}
	if len(failed) > 0 {
		return &plan.PartialError{Zone: zp.Zone, Failed: failed}
	}
	return nil
}

// upsertApexNS turns a planned CREATE of the apex NS into an UPSERT:
// Route53 gives every new zone an apex NS of its own.
func upsertApexNS(zone string, changes []recordChange) []recordChange {
	out := slices.Clone(changes)
	for i, c := range out {
		if c.Name != zone || c.Type != "NS" {
			continue
		}
		rs := slices.Clone(c.Sets)
		for j := range rs {
			if rs[j].Op == plan.Add {
				rs[j].Op = plan.Replace
			}
		}
		out[i].Sets = rs
	}
	return out
}

// createZone creates a public hosted zone. Its CallerReference is stored
// before the call, so a retry after a failure reuses it and cannot create
// a second zone. A reference whose zone was since deleted (Route53 keeps
// references for good) is replaced by a new one, once.
func (p *Provider) createZone(ctx context.Context, zone string) (string, error) {
	ref, ok, err := p.opts.Refs.Get(zone)
	if err != nil {
		return "", err
	}
	for attempt := 0; ; attempt++ {
		if !ok {
			ref, ok = "signpost:"+zone+":"+randomHex(16), true
			if err := p.opts.Refs.Put(zone, ref); err != nil {
				return "", fmt.Errorf("saving the caller reference of %s: %w", zone, err)
			}
		}
		out, err := call(ctx, p.c, "CreateHostedZone", p.c.api.CreateHostedZone,
			&route53.CreateHostedZoneInput{Name: aws.String(zone), CallerReference: aws.String(ref)})
		var exists *types.HostedZoneAlreadyExists
		if errors.As(err, &exists) {
			id, lerr := p.zoneID(ctx, zone)
			if lerr == nil && id != "" {
				return id, nil
			}
			if attempt == 0 {
				ok = false // the reference's zone is gone: a new reference
				continue
			}
		}
		if err != nil {
			return "", fmt.Errorf("creating hosted zone %s: %w", zone, err)
		}
		return strings.TrimPrefix(aws.ToString(out.HostedZone.Id), "/hostedzone/"), nil
	}
}

// createChecks creates planned health checks and tags them; it returns
// "new:<ref>" -> id. A check whose reference already exists (a retried
// apply) is found and reused.
func (p *Provider) createChecks(ctx context.Context, checks []HealthCheck) (map[string]string, error) {
	out := map[string]string{}
	for _, h := range checks {
		res, err := call(ctx, p.c, "CreateHealthCheck", p.c.api.CreateHealthCheck,
			&route53.CreateHealthCheckInput{CallerReference: aws.String(h.Reference), HealthCheckConfig: configFromPlan(h)})
		if err != nil {
			return nil, fmt.Errorf("creating health check for %s %s: %w", h.Record, h.Value, err)
		}
		id := aws.ToString(res.HealthCheck.Id)
		out["new:"+h.Reference] = id
		_, err = call(ctx, p.c, "ChangeTagsForResource", p.c.api.ChangeTagsForResource, &route53.ChangeTagsForResourceInput{
			ResourceId: aws.String(id), ResourceType: types.TagResourceTypeHealthcheck,
			AddTags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(h.Tag)}}})
		if err != nil {
			return nil, fmt.Errorf("tagging health check %s: %w", id, err)
		}
	}
	return out, nil
}

func (p *Provider) ensureCIDR(ctx context.Context, locs map[string][]string, st *state) error {
	if len(locs) == 0 {
		return nil
	}
	id, ok := st.cidrIDs[cidrCollection]
	if !ok {
		out, err := call(ctx, p.c, "CreateCidrCollection", p.c.api.CreateCidrCollection,
			&route53.CreateCidrCollectionInput{Name: aws.String(cidrCollection), CallerReference: aws.String("signpost:" + randomHex(16))})
		if err != nil {
			return fmt.Errorf("creating CIDR collection: %w", err)
		}
		id = aws.ToString(out.Collection.Id)
		st.cidrIDs[cidrCollection] = id
	}
	var changes []types.CidrCollectionChange
	for _, name := range slices.Sorted(mapKeys(locs)) {
		changes = append(changes, types.CidrCollectionChange{Action: types.CidrCollectionChangeActionPut, LocationName: aws.String(name), CidrList: locs[name]})
	}
	_, err := call(ctx, p.c, "ChangeCidrCollection", p.c.api.ChangeCidrCollection,
		&route53.ChangeCidrCollectionInput{Id: aws.String(id), Changes: changes})
	if err != nil {
		return fmt.Errorf("adding CIDR locations: %w", err)
	}
	return nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// send submits one batch.
func (p *Provider) send(ctx context.Context, zoneID string, b []RRSetChange, checks, cidrIDs map[string]string) error {
	changes := make([]types.Change, len(b))
	for i, c := range b {
		changes[i] = types.Change{Action: types.ChangeAction(action(c.Op)), ResourceRecordSet: ptr(toAPI(c.Set, zoneID, checks, cidrIDs))}
	}
	_, err := call(ctx, p.c, "ChangeResourceRecordSets", p.c.api.ChangeResourceRecordSets, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(zoneID), ChangeBatch: &types.ChangeBatch{Changes: changes, Comment: aws.String("signpost")}})
	var icb *types.InvalidChangeBatch
	if errors.As(err, &icb) && len(icb.Messages) > 0 && !strings.Contains(err.Error(), icb.Messages[0]) {
		return fmt.Errorf("%w: %s", err, strings.Join(icb.Messages, "; "))
	}
	return err
}

func ptr[T any](v T) *T { return &v }

// size is what a change counts against a batch's limits; UPSERT counts
// twice, as Route53 counts it.
func size(c RRSetChange) (records, chars int) {
	for _, v := range c.Set.Value {
		chars += len(v)
	}
	records = len(c.Set.Value)
	if c.Op == plan.Replace {
		records, chars = 2*records, 2*chars
	}
	return records, chars
}

// batch splits changes into batches within the limits, keeping each
// record's changes in one batch, and the records in dependency order
// across batches: a batch never holds an alias whose target comes in a
// later one.
func batch(changes []recordChange, maxRecords int) ([][]recordChange, error) {
	changes = slices.Clone(changes)
	slices.SortStableFunc(changes, func(x, y recordChange) int { return cmp.Compare(firstRank(x), firstRank(y)) })
	var out [][]recordChange
	var cur []recordChange
	records, chars := 0, 0
	for _, c := range changes {
		r, ch := 0, 0
		for _, rc := range c.Sets {
			a, b := size(rc)
			r, ch = r+a, ch+b
		}
		if r > maxRecords || ch > MaxBatchChars {
			return nil, fmt.Errorf("%s %s: too many modifications for one batch: %d records, %d characters", c.Name, c.Type, r, ch)
		}
		if len(cur) > 0 && (records+r > maxRecords || chars+ch > MaxBatchChars) {
			out = append(out, cur)
			cur, records, chars = nil, 0, 0
		}
		cur = append(cur, c)
		records, chars = records+r, chars+ch
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out, nil
}

// sets flattens a batch's record changes into record-set changes in
// dependency order.
func sets(b []recordChange) []RRSetChange {
	var out []RRSetChange
	for _, c := range b {
		out = append(out, c.Sets...)
	}
	slices.SortStableFunc(out, func(x, y RRSetChange) int { return cmp.Compare(rank(x), rank(y)) })
	return out
}

// sendIsolated sends a batch. When Route53 refuses it for what it holds
// (InvalidChangeBatch, InvalidInput), each record's changes are sent on
// their own, in dependency order, so that one bad record does not hold
// the rest back; the records refused then come back as failed.
func (p *Provider) sendIsolated(ctx context.Context, zoneID string, b []recordChange, checks, cidrIDs map[string]string) ([]plan.RecordError, error) {
	err := p.send(ctx, zoneID, sets(b), checks, cidrIDs)
	if err == nil || !refusedContent(err) {
		return nil, err
	}
	if len(b) == 1 {
		return []plan.RecordError{{Name: b[0].Name, Type: b[0].Type, Reason: err.Error()}}, nil
	}
	one := slices.Clone(b)
	slices.SortStableFunc(one, func(x, y recordChange) int { return cmp.Compare(firstRank(x), firstRank(y)) })
	var failed []plan.RecordError
	for _, c := range one {
		if err := p.send(ctx, zoneID, sets([]recordChange{c}), checks, cidrIDs); err != nil {
			if !refusedContent(err) {
				return nil, err
			}
			failed = append(failed, plan.RecordError{Name: c.Name, Type: c.Type, Reason: err.Error()})
		}
	}
	return failed, nil
}

// sendWhole sends a batch as one: a zone file's zone goes whole or not.
func (p *Provider) sendWhole(ctx context.Context, zoneID string, b []recordChange, checks, cidrIDs map[string]string) ([]plan.RecordError, error) {
	return nil, p.send(ctx, zoneID, sets(b), checks, cidrIDs)
}

// refusedContent reports an error about what a batch holds, as opposed to
// throttling, credentials or the network.
func refusedContent(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "InvalidChangeBatch" || ae.ErrorCode() == "InvalidInput")
}

// firstRank is where a record's changes go in dependency order.
func firstRank(c recordChange) int {
	r := 1 << 30
	for _, s := range c.Sets {
		r = min(r, rank(s))
	}
	return r
}

// rank orders a batch as octodns-route53's _mod_keyer does: deletes first,
// dependants before what they point at (rules, SECONDARY, PRIMARY, values);
// then creates and upserts, targets before dependants.
func rank(c RRSetChange) int {
	kind := 0 // values, the default pool, plain records
	switch s := c.Set; {
	case s.Alias != nil && strings.HasPrefix(s.Name, "_octodns-") && s.Failover == "PRIMARY":
		kind = 1
	case s.Alias != nil && (strings.HasPrefix(s.Name, "_octodns-") || strings.HasPrefix(s.Name, zincPrefix)):
		kind = 2 // pool aliases; zinc's latency level
	case s.Alias != nil:
		kind = 3 // rules at the record's name
	}
	if c.Op == plan.Remove {
		return 3 - kind
	}
	return 10 + kind
}
