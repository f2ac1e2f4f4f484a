package r53fake

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// CreateHealthCheck creates a check; the same CallerReference returns the
// same check if the config matches, and fails otherwise.
func (f *Fake) CreateHealthCheck(_ context.Context, in *route53.CreateHealthCheckInput, _ ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("CreateHealthCheck"); err != nil {
		return nil, err
	}
	ref := aws.ToString(in.CallerReference)
	if len(ref) == 0 || len(ref) > 64 {
		return nil, &types.InvalidInput{Message: aws.String("CallerReference must be 1 to 64 characters")}
	}
	for _, id := range f.checkOrder {
		hc := f.checks[id]
		if aws.ToString(hc.CallerReference) == ref {
			if reflect.DeepEqual(hc.HealthCheckConfig, in.HealthCheckConfig) {
				return &route53.CreateHealthCheckOutput{HealthCheck: hc}, nil
			}
			return nil, &types.HealthCheckAlreadyExists{Message: aws.String("CallerReference in use with another config")}
		}
	}
	if msg := checkConfig(in.HealthCheckConfig); msg != "" {
		return nil, &types.InvalidInput{Message: aws.String(msg)}
	}
	hc := &types.HealthCheck{Id: aws.String(f.id("hc-")), CallerReference: in.CallerReference, HealthCheckConfig: in.HealthCheckConfig, HealthCheckVersion: aws.Int64(1)}
	f.checks[*hc.Id] = hc
	f.checkOrder = append(f.checkOrder, *hc.Id)
	return &route53.CreateHealthCheckOutput{HealthCheck: hc}, nil
}

// GetHealthCheck returns one check, or NoSuchHealthCheck.
func (f *Fake) GetHealthCheck(_ context.Context, in *route53.GetHealthCheckInput, _ ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("GetHealthCheck"); err != nil {
		return nil, err
	}
	hc := f.checks[aws.ToString(in.HealthCheckId)]
	if hc == nil {
		return nil, &types.NoSuchHealthCheck{Message: aws.String("no health check " + aws.ToString(in.HealthCheckId))}
	}
	return &route53.GetHealthCheckOutput{HealthCheck: hc}, nil
}

func checkConfig(c *types.HealthCheckConfig) string {
	switch {
	case c == nil:
		return "HealthCheckConfig is required"
	case c.Type != types.HealthCheckTypeHttp && c.Type != types.HealthCheckTypeHttps && c.Type != types.HealthCheckTypeTcp:
		return fmt.Sprintf("unsupported type %s", c.Type)
	case c.RequestInterval != nil && *c.RequestInterval != 10 && *c.RequestInterval != 30:
		return "RequestInterval must be 10 or 30"
	case c.FailureThreshold != nil && (*c.FailureThreshold < 1 || *c.FailureThreshold > 10):
		return "FailureThreshold must be 1 to 10"
	case c.IPAddress == nil && c.FullyQualifiedDomainName == nil:
		return "IPAddress or FullyQualifiedDomainName is required"
	case c.Type == types.HealthCheckTypeTcp && c.Port == nil:
		return "Port is required for TCP checks"
	}
	return ""
}

// DeleteHealthCheck deletes a check no record uses.
func (f *Fake) DeleteHealthCheck(_ context.Context, in *route53.DeleteHealthCheckInput, _ ...func(*route53.Options)) (*route53.DeleteHealthCheckOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("DeleteHealthCheck"); err != nil {
		return nil, err
	}
	id := aws.ToString(in.HealthCheckId)
	if f.checks[id] == nil {
		return nil, &types.NoSuchHealthCheck{Message: aws.String("No health check found with ID " + id)}
	}
	for _, z := range f.zones {
		for _, s := range z.sets {
			if aws.ToString(s.HealthCheckId) == id {
				return nil, &types.HealthCheckInUse{Message: aws.String("health check " + id + " is still referenced from " + aws.ToString(s.Name))}
			}
		}
	}
	delete(f.checks, id)
	f.checkOrder = slices.DeleteFunc(f.checkOrder, func(s string) bool { return s == id })
	return &route53.DeleteHealthCheckOutput{}, nil
}

// ListHealthChecks pages through the checks by marker.
func (f *Fake) ListHealthChecks(_ context.Context, in *route53.ListHealthChecksInput, _ ...func(*route53.Options)) (*route53.ListHealthChecksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListHealthChecks"); err != nil {
		return nil, err
	}
	max := int(aws.ToInt32(in.MaxItems))
	if max <= 0 || max > 1000 {
		max = 100
	}
	start := 0
	if in.Marker != nil {
		start = slices.Index(f.checkOrder, *in.Marker)
		if start < 0 {
			start = len(f.checkOrder)
		}
	}
	end := min(start+max, len(f.checkOrder))
	out := &route53.ListHealthChecksOutput{MaxItems: aws.Int32(int32(max))}
	for _, id := range f.checkOrder[start:end] {
		out.HealthChecks = append(out.HealthChecks, *f.checks[id])
	}
	if end < len(f.checkOrder) {
		out.IsTruncated, out.NextMarker = true, aws.String(f.checkOrder[end])
	}
	return out, nil
}

// ChangeTagsForResource records tags.
func (f *Fake) ChangeTagsForResource(_ context.Context, in *route53.ChangeTagsForResourceInput, _ ...func(*route53.Options)) (*route53.ChangeTagsForResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ChangeTagsForResource"); err != nil {
		return nil, err
	}
	f.tags[aws.ToString(in.ResourceId)] = append(f.tags[aws.ToString(in.ResourceId)], in.AddTags...)
	return &route53.ChangeTagsForResourceOutput{}, nil
}

// Tags returns a resource's tags.
func (f *Fake) Tags(id string) []types.Tag {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.tags[id])
}

// HealthChecks returns every check, oldest first.
func (f *Fake) HealthChecks() []types.HealthCheck {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []types.HealthCheck
	for _, id := range f.checkOrder {
		out = append(out, *f.checks[id])
	}
	return out
}

// ListCidrCollections lists collections.
func (f *Fake) ListCidrCollections(_ context.Context, _ *route53.ListCidrCollectionsInput, _ ...func(*route53.Options)) (*route53.ListCidrCollectionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListCidrCollections"); err != nil {
		return nil, err
	}
	out := &route53.ListCidrCollectionsOutput{}
	for _, c := range f.collections {
		out.CidrCollections = append(out.CidrCollections, types.CollectionSummary{Id: c.Id, Name: c.Name})
	}
	return out, nil
}

// CreateCidrCollection creates a collection.
func (f *Fake) CreateCidrCollection(_ context.Context, in *route53.CreateCidrCollectionInput, _ ...func(*route53.Options)) (*route53.CreateCidrCollectionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("CreateCidrCollection"); err != nil {
		return nil, err
	}
	c := &types.CidrCollection{Id: aws.String(f.id("cidr-")), Name: in.Name}
	f.collections[*c.Id] = c
	f.locations[*c.Id] = map[string][]string{}
	return &route53.CreateCidrCollectionOutput{Collection: c}, nil
}

// ChangeCidrCollection puts or deletes locations.
func (f *Fake) ChangeCidrCollection(_ context.Context, in *route53.ChangeCidrCollectionInput, _ ...func(*route53.Options)) (*route53.ChangeCidrCollectionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ChangeCidrCollection"); err != nil {
		return nil, err
	}
	locs := f.locations[aws.ToString(in.Id)]
	if locs == nil {
		return nil, &types.NoSuchCidrCollectionException{Message: aws.String("no such collection")}
	}
	for _, c := range in.Changes {
		if c.Action == types.CidrCollectionChangeActionPut {
			locs[aws.ToString(c.LocationName)] = c.CidrList
		} else {
			delete(locs, aws.ToString(c.LocationName))
		}
	}
	return &route53.ChangeCidrCollectionOutput{Id: in.Id}, nil
}

// Records returns a zone's record sets in Route53's order.
func (f *Fake) Records(zone string) []types.ResourceRecordSet {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, z := range f.zones {
		if z.name == norm(zone) {
			return sortedSets(z)
		}
	}
	return nil
}

// ListCidrBlocks lists a location's blocks.
func (f *Fake) ListCidrBlocks(_ context.Context, in *route53.ListCidrBlocksInput, _ ...func(*route53.Options)) (*route53.ListCidrBlocksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListCidrBlocks"); err != nil {
		return nil, err
	}
	locs := f.locations[aws.ToString(in.CollectionId)]
	if locs == nil {
		return nil, &types.NoSuchCidrCollectionException{Message: aws.String("no such collection")}
	}
	out := &route53.ListCidrBlocksOutput{}
	for _, c := range locs[aws.ToString(in.LocationName)] {
		out.CidrBlocks = append(out.CidrBlocks, types.CidrBlockSummary{CidrBlock: aws.String(c), LocationName: in.LocationName})
	}
	return out, nil
}
