package route53

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/plan"
)

// NameServers returns the delegation Route53 assigned to zone's hosted
// zone; none when it has no hosted zone.
func (p *Provider) NameServers(ctx context.Context, zone string) ([]string, error) {
	id, err := p.zoneID(ctx, zone)
	if err != nil || id == "" {
		return nil, err
	}
	out, err := call(ctx, p.c, "GetHostedZone", p.c.api.GetHostedZone, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("reading hosted zone %s: %w", zone, err)
	}
	if out.DelegationSet == nil {
		return nil, nil
	}
	return out.DelegationSet.NameServers, nil
}

// DeleteZone removes zone's hosted zone: every record set but the apex SOA
// and NS first, in batches within Route53's limits and in dependency
// order, then the zone. A zone already gone is done, so a retry after a
// failure picks up where it stopped.
func (p *Provider) DeleteZone(ctx context.Context, zone string) error {
	zone = strings.ToLower(zone)
	id, err := p.zoneID(ctx, zone)
	if err != nil || id == "" {
		return err
	}
	rrsets, err := p.listRRSets(ctx, id)
	if err != nil {
		return err
	}
	var changes []recordChange
	for _, r := range group(rrsets) {
		if r.Name == zone && (r.Type == "SOA" || r.Type == "NS") {
			continue
		}
		c := recordChange{Action: plan.Delete, Name: r.Name, Type: r.Type}
		for _, s := range r.Sets {
			c.Sets = append(c.Sets, RRSetChange{Op: plan.Remove, Set: s})
		}
		changes = append(changes, c)
	}
	batches, err := batch(changes, p.opts.MaxChanges)
	if err != nil {
		return fmt.Errorf("%s: %w", zone, err)
	}
	for i, b := range batches {
		if err := p.send(ctx, id, sets(b), nil, nil); err != nil {
			return fmt.Errorf("deleting the records of %s, batch %d of %d: %w", zone, i+1, len(batches), err)
		}
	}
	_, err = call(ctx, p.c, "DeleteHostedZone", p.c.api.DeleteHostedZone, &route53.DeleteHostedZoneInput{Id: aws.String(id)})
	var gone *types.NoSuchHostedZone
	if err != nil && !errors.As(err, &gone) {
		return fmt.Errorf("deleting hosted zone %s: %w", zone, err)
	}
	return nil
}
