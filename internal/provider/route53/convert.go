package route53

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// normName reads a name as Route53 returns it: lower case, trailing dot,
// and the escapes it uses for "*" decoded.
func normName(n string) string {
	n = strings.ToLower(strings.ReplaceAll(n, `\052`, "*"))
	if !strings.HasSuffix(n, ".") {
		n += "."
	}
	return n
}

// hostValued types hold one absolute host name per value.
var hostValued = map[string]bool{"NS": true, "CNAME": true, "PTR": true}

// fromAPI converts a record set read from Route53. A CIDR config keeps the
// collection id until read maps it to the collection's name.
func fromAPI(r types.ResourceRecordSet) RRSet {
	s := RRSet{Name: normName(aws.ToString(r.Name)), Type: string(r.Type), SetID: aws.ToString(r.SetIdentifier),
		TTL: uint32(aws.ToInt64(r.TTL)), Weight: r.Weight, Region: string(r.Region), Failover: string(r.Failover), HealthCheck: aws.ToString(r.HealthCheckId)}
	for _, v := range r.ResourceRecords {
		val := aws.ToString(v.Value)
		if hostValued[s.Type] && !strings.HasSuffix(val, ".") {
			val += "." // some emulators drop the dot of absolute names
		}
		s.Value = append(s.Value, val)
	}
	if g := r.GeoLocation; g != nil {
		s.Geo = &Geo{Continent: aws.ToString(g.ContinentCode), Country: aws.ToString(g.CountryCode), Subdivision: aws.ToString(g.SubdivisionCode)}
	}
	if c := r.CidrRoutingConfig; c != nil {
		s.CIDR = &CIDR{Collection: aws.ToString(c.CollectionId), Location: aws.ToString(c.LocationName)}
	}
	if a := r.AliasTarget; a != nil {
		s.Alias = &Alias{Target: normName(aws.ToString(a.DNSName)), EvaluateHealth: a.EvaluateTargetHealth}
		s.TTL = 0
	}
	return s
}

// toAPI converts a planned rrset; checks maps "new:<ref>" placeholders to
// the ids of the checks the apply created, cidrIDs collection names to ids.
func toAPI(s RRSet, zoneID string, checks, cidrIDs map[string]string) types.ResourceRecordSet {
	r := types.ResourceRecordSet{Name: aws.String(s.Name), Type: types.RRType(s.Type), Weight: s.Weight,
		Region: types.ResourceRecordSetRegion(s.Region), Failover: types.ResourceRecordSetFailover(s.Failover)}
	if s.SetID != "" {
		r.SetIdentifier = aws.String(s.SetID)
	}
	if s.Alias != nil {
		r.AliasTarget = &types.AliasTarget{DNSName: aws.String(s.Alias.Target), HostedZoneId: aws.String(zoneID), EvaluateTargetHealth: s.Alias.EvaluateHealth}
	} else {
		r.TTL = aws.Int64(int64(s.TTL))
		for _, v := range s.Value {
			r.ResourceRecords = append(r.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
		}
	}
	if g := s.Geo; g != nil {
		r.GeoLocation = &types.GeoLocation{}
		if g.Continent != "" {
			r.GeoLocation.ContinentCode = aws.String(g.Continent)
		}
		if g.Country != "" {
			r.GeoLocation.CountryCode = aws.String(g.Country)
		}
		if g.Subdivision != "" {
			r.GeoLocation.SubdivisionCode = aws.String(g.Subdivision)
		}
	}
	if c := s.CIDR; c != nil {
		r.CidrRoutingConfig = &types.CidrRoutingConfig{CollectionId: aws.String(cidrIDs[c.Collection]), LocationName: aws.String(c.Location)}
	}
	if s.HealthCheck != "" {
		id := s.HealthCheck
		if created, ok := checks[id]; ok {
			id = created
		}
		r.HealthCheckId = aws.String(id)
	}
	return r
}

// group collects rrsets into the user records they implement: the
// _octodns-* sets of a dynamic record and the rule sets at its name go
// with the record itself.
func group(rrsets []RRSet) []Record {
	index := map[string]int{}
	var out []Record
	for _, s := range rrsets {
		owner := s.Name
		if strings.HasPrefix(owner, "_octodns-") {
			if _, rest, ok := strings.Cut(owner, "."); ok {
				owner = rest
			}
		}
		key := owner + " " + s.Type
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Record{Name: owner, Type: s.Type})
		}
		out[i].Sets = append(out[i].Sets, s)
	}
	return out
}
