// Package r53fake is an in-process Route53 for tests that enforces what
// Route53 enforces and the emulator does not: atomic change batches,
// CREATE of an existing set, exact-match DELETE, alias targets that must
// exist (in batch order), weights, SetIdentifier rules, routing-policy
// mixing, per-name limits and batch size. It can also throttle and fail on
// demand.
package r53fake

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
)

// Fake is an in-memory Route53 account.
type Fake struct {
	mu          sync.Mutex // protects everything below
	zones       map[string]*zone
	zoneRefs    map[string]string
	checks      map[string]*types.HealthCheck
	checkOrder  []string
	tags        map[string][]types.Tag
	collections map[string]*types.CidrCollection
	locations   map[string]map[string][]string
	next        int

	throttle    int // the next calls that fail with Throttling
	failChanges int // ChangeResourceRecordSets calls to accept before failing; <0 never
	calls       map[string]int
	reads       map[string]int // ListResourceRecordSets pages by zone name
}

type zone struct {
	id, name string
	sets     map[string]types.ResourceRecordSet
}

// New returns an empty account.
func New() *Fake {
	return &Fake{zones: map[string]*zone{}, zoneRefs: map[string]string{}, checks: map[string]*types.HealthCheck{},
		tags: map[string][]types.Tag{}, collections: map[string]*types.CidrCollection{},
		locations: map[string]map[string][]string{}, failChanges: -1, calls: map[string]int{}, reads: map[string]int{}}
}

// Throttle makes the next n calls fail with Throttling.
func (f *Fake) Throttle(n int) { f.mu.Lock(); f.throttle = n; f.mu.Unlock() }

// FailChangesAfter lets n more change batches through, then fails them
// with a server error until Heal.
func (f *Fake) FailChangesAfter(n int) { f.mu.Lock(); f.failChanges = n; f.mu.Unlock() }

// Heal stops injected failures.
func (f *Fake) Heal() { f.mu.Lock(); f.failChanges, f.throttle = -1, 0; f.mu.Unlock() }

// Calls returns the calls made per operation.
func (f *Fake) Calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.calls {
		out[k] = v
	}
	return out
}

// Reads returns the record-set pages read, by zone name.
func (f *Fake) Reads() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.reads)
}

// enter counts a call and injects throttling; callers hold f.mu.
func (f *Fake) enter(op string) error {
	f.calls[op]++
	if f.throttle > 0 {
		f.throttle--
		return &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	}
	return nil
}

func (f *Fake) id(prefix string) string {
	f.next++
	return fmt.Sprintf("%s%05d", prefix, f.next)
}

func norm(n string) string {
	n = strings.ToLower(n)
	if !strings.HasSuffix(n, ".") {
		n += "."
	}
	return n
}

func key(s *types.ResourceRecordSet) string {
	return norm(aws.ToString(s.Name)) + "|" + string(s.Type) + "|" + aws.ToString(s.SetIdentifier)
}

func invalid(msgs ...string) error {
	return &types.InvalidChangeBatch{Message: aws.String(strings.Join(msgs, "; ")), Messages: msgs}
}

// ListHostedZonesByName lists zones from DNSName on.
func (f *Fake) ListHostedZonesByName(_ context.Context, in *route53.ListHostedZonesByNameInput, _ ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListHostedZonesByName"); err != nil {
		return nil, err
	}
	var zs []*zone
	for _, z := range f.zones {
		zs = append(zs, z)
	}
	sort.Slice(zs, func(i, j int) bool { return zs[i].name < zs[j].name })
	out := &route53.ListHostedZonesByNameOutput{}
	for _, z := range zs {
		if in.DNSName != nil && z.name < norm(*in.DNSName) {
			continue
		}
		out.HostedZones = append(out.HostedZones, types.HostedZone{Id: aws.String("/hostedzone/" + z.id), Name: aws.String(z.name),
			CallerReference: aws.String(f.zoneRefs[z.id]), Config: &types.HostedZoneConfig{}})
	}
	return out, nil
}

// CreateHostedZone creates a zone; a reused CallerReference fails.
func (f *Fake) CreateHostedZone(_ context.Context, in *route53.CreateHostedZoneInput, _ ...func(*route53.Options)) (*route53.CreateHostedZoneOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("CreateHostedZone"); err != nil {
		return nil, err
	}
	for _, ref := range f.zoneRefs {
		if ref == aws.ToString(in.CallerReference) {
			return nil, &types.HostedZoneAlreadyExists{Message: aws.String("CallerReference already used")}
		}
	}
	z := &zone{id: f.id("Z"), name: norm(aws.ToString(in.Name)), sets: map[string]types.ResourceRecordSet{}}
	f.zones[z.id] = z
	f.zoneRefs[z.id] = aws.ToString(in.CallerReference)
	soa := types.ResourceRecordSet{Name: aws.String(z.name), Type: types.RRTypeSoa, TTL: aws.Int64(900),
		ResourceRecords: []types.ResourceRecord{{Value: aws.String("ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")}}}
	ns := types.ResourceRecordSet{Name: aws.String(z.name), Type: types.RRTypeNs, TTL: aws.Int64(172800),
		ResourceRecords: []types.ResourceRecord{{Value: aws.String("ns-1.awsdns-01.org.")}, {Value: aws.String("ns-2.awsdns-02.com.")}}}
	z.sets[key(&soa)], z.sets[key(&ns)] = soa, ns
	return &route53.CreateHostedZoneOutput{HostedZone: &types.HostedZone{Id: aws.String("/hostedzone/" + z.id), Name: aws.String(z.name)}}, nil
}

func (f *Fake) zone(id *string) (*zone, error) {
	z := f.zones[strings.TrimPrefix(aws.ToString(id), "/hostedzone/")]
	if z == nil {
		return nil, &types.NoSuchHostedZone{Message: aws.String("No hosted zone found with ID: " + aws.ToString(id))}
	}
	return z, nil
}

// ListResourceRecordSets pages through a zone in Route53's order.
func (f *Fake) ListResourceRecordSets(_ context.Context, in *route53.ListResourceRecordSetsInput, _ ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListResourceRecordSets"); err != nil {
		return nil, err
	}
	z, err := f.zone(in.HostedZoneId)
	if err != nil {
		return nil, err
	}
	f.reads[z.name]++
	sets := sortedSets(z)
	start := 0
	if in.StartRecordName != nil {
		want := order(norm(*in.StartRecordName), string(in.StartRecordType), aws.ToString(in.StartRecordIdentifier))
		for start < len(sets) && order(norm(aws.ToString(sets[start].Name)), string(sets[start].Type), aws.ToString(sets[start].SetIdentifier)) < want {
			start++
		}
	}
	max := int(aws.ToInt32(in.MaxItems))
	if max <= 0 || max > 300 {
		max = 300
	}
	end := min(start+max, len(sets))
	out := &route53.ListResourceRecordSetsOutput{ResourceRecordSets: sets[start:end], MaxItems: aws.Int32(int32(max))}
	if end < len(sets) {
		n := sets[end]
		out.IsTruncated, out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier = true, n.Name, n.Type, n.SetIdentifier
	}
	return out, nil
}

// order sorts as Route53 does: by name with labels reversed, then type,
// then set identifier.
func order(name, typ, id string) string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".") + "\x00" + typ + "\x00" + id
}

func sortedSets(z *zone) []types.ResourceRecordSet {
	out := make([]types.ResourceRecordSet, 0, len(z.sets))
	for _, s := range z.sets {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		return order(norm(aws.ToString(out[i].Name)), string(out[i].Type), aws.ToString(out[i].SetIdentifier)) <
			order(norm(aws.ToString(out[j].Name)), string(out[j].Type), aws.ToString(out[j].SetIdentifier))
	})
	return out
}

// GetHostedZone returns a zone and its delegation.
func (f *Fake) GetHostedZone(_ context.Context, in *route53.GetHostedZoneInput, _ ...func(*route53.Options)) (*route53.GetHostedZoneOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("GetHostedZone"); err != nil {
		return nil, err
	}
	z, err := f.zone(in.Id)
	if err != nil {
		return nil, err
	}
	ns := z.sets[z.name+"|NS|"]
	out := &route53.GetHostedZoneOutput{HostedZone: &types.HostedZone{Id: aws.String("/hostedzone/" + z.id), Name: aws.String(z.name)},
		DelegationSet: &types.DelegationSet{}}
	for _, rr := range ns.ResourceRecords {
		out.DelegationSet.NameServers = append(out.DelegationSet.NameServers, strings.TrimSuffix(aws.ToString(rr.Value), "."))
	}
	return out, nil
}

// DeleteHostedZone deletes a zone that holds nothing but its apex SOA and
// NS, as Route53 does (HostedZoneNotEmpty otherwise). Its CallerReference
// stays used.
func (f *Fake) DeleteHostedZone(_ context.Context, in *route53.DeleteHostedZoneInput, _ ...func(*route53.Options)) (*route53.DeleteHostedZoneOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("DeleteHostedZone"); err != nil {
		return nil, err
	}
	z, err := f.zone(in.Id)
	if err != nil {
		return nil, err
	}
	for _, s := range z.sets {
		if norm(aws.ToString(s.Name)) != z.name || (s.Type != types.RRTypeSoa && s.Type != types.RRTypeNs) {
			return nil, &types.HostedZoneNotEmpty{Message: aws.String("The specified hosted zone contains non-required resource record sets and so cannot be deleted.")}
		}
	}
	delete(f.zones, z.id)
	return &route53.DeleteHostedZoneOutput{ChangeInfo: &types.ChangeInfo{Status: types.ChangeStatusInsync}}, nil
}
