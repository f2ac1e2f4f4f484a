package route53

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// ErrConflict is a compare-and-swap Route53 refused: the set is not as it
// was read.
var ErrConflict = errors.New("the record set moved since it was read")

// ReadPlain reads one simple record set (no routing) of zone; nil when
// the name has no such set.
func (p *Provider) ReadPlain(ctx context.Context, zone, name, typ string) (*RRSet, error) {
	id, err := p.zoneID(ctx, strings.ToLower(zone))
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("%s: no hosted zone %s", p.opts.Name, zone)
	}
	name = strings.ToLower(name)
	sets, err := p.listRRSets(ctx, id) // whole: emulators differ on where a listing starts
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", name, typ, err)
	}
	for _, set := range sets {
		if set.Name == name && set.Type == typ && set.SetID == "" && set.Alias == nil {
			slices.Sort(set.Value)
			return &set, nil
		}
	}
	return nil, nil
}

// SwapPlain replaces old (nil: the set must not exist) with next (nil:
// delete it) in one batch: a DELETE of exactly old and a CREATE of next,
// which Route53 applies together or not at all. ErrConflict when the set
// moved since it was read.
func (p *Provider) SwapPlain(ctx context.Context, zone string, old, next *RRSet) error {
	id, err := p.zoneID(ctx, strings.ToLower(zone))
	if err != nil || id == "" {
		return errors.Join(err, fmt.Errorf("%s: no hosted zone %s", p.opts.Name, zone))
	}
	var changes []types.Change
	if old != nil {
		changes = append(changes, types.Change{Action: types.ChangeActionDelete, ResourceRecordSet: ptr(toAPI(*old, id, nil, nil))})
	}
	if next != nil {
		changes = append(changes, types.Change{Action: types.ChangeActionCreate, ResourceRecordSet: ptr(toAPI(*next, id, nil, nil))})
	}
	if len(changes) == 0 {
		return nil
	}
	_, err = call(ctx, p.c, "ChangeResourceRecordSets", p.c.api.ChangeResourceRecordSets, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(id), ChangeBatch: &types.ChangeBatch{Changes: changes, Comment: aws.String("signpost agent")}})
	var icb *types.InvalidChangeBatch
	if errors.As(err, &icb) {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

// ZoneOf returns the hosted zone that holds name: the longest of its
// suffixes Route53 has.
func (p *Provider) ZoneOf(ctx context.Context, name string) (string, error) {
	labels := strings.Split(strings.TrimSuffix(strings.ToLower(name), "."), ".")
	for i := range labels {
		zone := strings.Join(labels[i:], ".") + "."
		id, err := p.zoneID(ctx, zone)
		if err != nil {
			return "", err
		}
		if id != "" {
			return zone, nil
		}
	}
	return "", fmt.Errorf("%s: no hosted zone holds %s", p.opts.Name, name)
}
