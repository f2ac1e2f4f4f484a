package r53fake

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
)

// ChangeResourceRecordSets applies a batch all or nothing.
func (f *Fake) ChangeResourceRecordSets(_ context.Context, in *route53.ChangeResourceRecordSetsInput, _ ...func(*route53.Options)) (*route53.ChangeResourceRecordSetsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ChangeResourceRecordSets"); err != nil {
		return nil, err
	}
	if f.failChanges == 0 {
		return nil, &smithy.GenericAPIError{Code: "InternalFailure", Message: "injected failure", Fault: smithy.FaultServer}
	}
	if f.failChanges > 0 {
		f.failChanges--
	}
	z, err := f.zone(in.HostedZoneId)
	if err != nil {
		return nil, err
	}
	if msgs := batchLimits(in.ChangeBatch.Changes); len(msgs) > 0 {
		return nil, invalid(msgs...)
	}
	next := maps.Clone(z.sets)
	var msgs []string
	for _, c := range in.ChangeBatch.Changes {
		msgs = append(msgs, f.change(z, next, c)...)
	}
	msgs = append(msgs, checkZone(next)...)
	if len(msgs) > 0 {
		return nil, invalid(msgs...)
	}
	z.sets = next
	return &route53.ChangeResourceRecordSetsOutput{ChangeInfo: &types.ChangeInfo{Id: aws.String(f.id("C")), Status: types.ChangeStatusInsync}}, nil
}

func batchLimits(changes []types.Change) []string {
	records, chars := 0, 0
	for _, c := range changes {
		n, l := len(c.ResourceRecordSet.ResourceRecords), 0
		for _, r := range c.ResourceRecordSet.ResourceRecords {
			l += len(aws.ToString(r.Value))
		}
		if c.Action == types.ChangeActionUpsert {
			n, l = 2*n, 2*l
		}
		records, chars = records+n, chars+l
	}
	var msgs []string
	if records > 1000 {
		msgs = append(msgs, "Number of records limit of 1000 exceeded.")
	}
	if chars > 32000 {
		msgs = append(msgs, "Number of characters limit of 32000 exceeded.")
	}
	return msgs
}

func describe(s *types.ResourceRecordSet) string {
	d := fmt.Sprintf("[name='%s', type='%s'", norm(aws.ToString(s.Name)), s.Type)
	if s.SetIdentifier != nil {
		d += fmt.Sprintf(", set-identifier='%s'", *s.SetIdentifier)
	}
	return d + "]"
}

// change applies one change to next, returning what is wrong with it.
func (f *Fake) change(z *zone, next map[string]types.ResourceRecordSet, c types.Change) []string {
	s := c.ResourceRecordSet
	k := key(s)
	name := norm(aws.ToString(s.Name))
	if name != z.name && !strings.HasSuffix(name, "."+z.name) {
		return []string{fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", name, z.name)}
	}
	old, exists := next[k]
	switch c.Action {
	case types.ChangeActionCreate:
		if exists {
			return []string{fmt.Sprintf("Tried to create resource record set %s but it already exists", describe(s))}
		}
	case types.ChangeActionDelete:
		if !exists {
			return []string{fmt.Sprintf("Tried to delete resource record set %s but it was not found", describe(s))}
		}
		if !same(&old, s) {
			return []string{fmt.Sprintf("Tried to delete resource record set %s but the values provided do not match the current values", describe(s))}
		}
		delete(next, k)
		return nil
	}
	if msgs := f.checkSet(z, next, s); len(msgs) > 0 {
		return msgs
	}
	next[k] = *s
	return nil
}

// same compares two sets field by field, values as sets.
func same(a, b *types.ResourceRecordSet) bool {
	vals := func(s *types.ResourceRecordSet) []string {
		var v []string
		for _, r := range s.ResourceRecords {
			v = append(v, aws.ToString(r.Value))
		}
		slices.Sort(v)
		return v
	}
	alias := func(s *types.ResourceRecordSet) string {
		if s.AliasTarget == nil {
			return ""
		}
		return fmt.Sprintf("%s|%v", norm(aws.ToString(s.AliasTarget.DNSName)), s.AliasTarget.EvaluateTargetHealth)
	}
	geo := func(s *types.ResourceRecordSet) string {
		if s.GeoLocation == nil {
			return ""
		}
		g := s.GeoLocation
		return aws.ToString(g.ContinentCode) + "|" + aws.ToString(g.CountryCode) + "|" + aws.ToString(g.SubdivisionCode)
	}
	return slices.Equal(vals(a), vals(b)) && aws.ToInt64(a.TTL) == aws.ToInt64(b.TTL) &&
		aws.ToInt64(a.Weight) == aws.ToInt64(b.Weight) && (a.Weight == nil) == (b.Weight == nil) &&
		a.Failover == b.Failover && a.Region == b.Region && alias(a) == alias(b) && geo(a) == geo(b) &&
		aws.ToString(a.HealthCheckId) == aws.ToString(b.HealthCheckId)
}

// checkSet checks one set as CREATE and UPSERT would.
func (f *Fake) checkSet(z *zone, next map[string]types.ResourceRecordSet, s *types.ResourceRecordSet) []string {
	var msgs []string
	bad := func(format string, args ...any) { msgs = append(msgs, describe(s)+": "+fmt.Sprintf(format, args...)) }
	routed := s.Weight != nil || s.Failover != "" || s.GeoLocation != nil || s.CidrRoutingConfig != nil || s.Region != ""
	if routed && s.SetIdentifier == nil {
		bad("SetIdentifier is required")
	}
	if !routed && s.SetIdentifier != nil {
		bad("SetIdentifier is only for routed record sets")
	}
	if w := s.Weight; w != nil && (*w < 0 || *w > 255) {
		bad("Weight must be between 0 and 255")
	}
	if a := s.AliasTarget; a != nil {
		if s.TTL != nil || len(s.ResourceRecords) > 0 {
			bad("an alias takes no TTL and no values")
		}
		if !hasName(next, norm(aws.ToString(a.DNSName)), s.Type) {
			bad("Tried to create an alias that targets %s, type %s in zone %s, but that target was not found", norm(aws.ToString(a.DNSName)), s.Type, z.id)
		}
	} else if s.TTL == nil || len(s.ResourceRecords) == 0 {
		bad("TTL and ResourceRecords are required")
	}
	if id := aws.ToString(s.HealthCheckId); id != "" && f.checks[id] == nil {
		bad("health check %s does not exist", id)
	}
	if g := s.GeoLocation; g != nil && g.ContinentCode != nil && g.CountryCode != nil {
		bad("a geolocation names a continent or a country, not both")
	}
	if r := s.Region; r != "" && !slices.Contains(r.Values(), r) {
		bad("Region %s is not a region latency routing knows", r)
	}
	return msgs
}

func hasName(sets map[string]types.ResourceRecordSet, name string, t types.RRType) bool {
	for _, s := range sets {
		if norm(aws.ToString(s.Name)) == name && s.Type == t {
			return true
		}
	}
	return false
}

// checkZone checks the state a batch leaves: per name and type, one
// routing policy, at most 100 routed sets, one PRIMARY and one SECONDARY,
// unique locations; CNAME alone at its name; aliases still pointing at
// something.
func checkZone(sets map[string]types.ResourceRecordSet) []string {
	type nt struct {
		name string
		t    types.RRType
	}
	groups := map[nt][]types.ResourceRecordSet{}
	types_ := map[string]map[types.RRType]bool{}
	for _, s := range sets {
		n := norm(aws.ToString(s.Name))
		groups[nt{n, s.Type}] = append(groups[nt{n, s.Type}], s)
		if types_[n] == nil {
			types_[n] = map[types.RRType]bool{}
		}
		types_[n][s.Type] = true
	}
	var msgs []string
	for k, g := range groups {
		msgs = append(msgs, checkGroup(k.name, string(k.t), g)...)
		for _, s := range g {
			if a := s.AliasTarget; a != nil && !hasName(sets, norm(aws.ToString(a.DNSName)), s.Type) {
				msgs = append(msgs, describe(&s)+": its alias target was deleted")
			}
		}
	}
	for n, ts := range types_ {
		if ts[types.RRTypeCname] && len(ts) > 1 {
			msgs = append(msgs, fmt.Sprintf("RRSet of type CNAME with DNS name %s is not permitted because a conflicting RRSet of another type exists", n))
		}
	}
	slices.Sort(msgs)
	return msgs
}

func checkGroup(name, t string, g []types.ResourceRecordSet) []string {
	var msgs []string
	policies := map[string]bool{}
	failover := map[types.ResourceRecordSetFailover]int{}
	locations := map[string]bool{}
	regions := map[types.ResourceRecordSetRegion]bool{}
	for _, s := range g {
		switch {
		case s.Weight != nil:
			policies["weighted"] = true
		case s.Region != "":
			policies["latency"] = true
			if regions[s.Region] {
				msgs = append(msgs, fmt.Sprintf("%s %s: two records for one region", name, t))
			}
			regions[s.Region] = true
		case s.Failover != "":
			policies["failover"] = true
			failover[s.Failover]++
		case s.GeoLocation != nil:
			policies["geolocation"] = true
			l := aws.ToString(s.GeoLocation.ContinentCode) + "|" + aws.ToString(s.GeoLocation.CountryCode) + "|" + aws.ToString(s.GeoLocation.SubdivisionCode)
			if locations[l] {
				msgs = append(msgs, fmt.Sprintf("%s %s: two records for one location", name, t))
			}
			locations[l] = true
		case s.CidrRoutingConfig != nil:
			policies["cidr"] = true
		default:
			policies["simple"] = true
		}
	}
	if len(policies) > 1 {
		msgs = append(msgs, fmt.Sprintf("%s %s: routing policies cannot be mixed", name, t))
	}
	if policies["simple"] && len(g) > 1 {
		msgs = append(msgs, fmt.Sprintf("%s %s: a simple record set stands alone", name, t))
	}
	if !policies["simple"] && len(g) > 100 {
		msgs = append(msgs, fmt.Sprintf("%s %s: more than 100 routed record sets", name, t))
	}
	for f, n := range failover {
		if n > 1 {
			msgs = append(msgs, fmt.Sprintf("%s %s: more than one %s failover record", name, t, f))
		}
	}
	return msgs
}
