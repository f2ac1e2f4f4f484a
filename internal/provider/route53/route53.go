// Package route53 pushes signpost's desired state into AWS Route53.
//
// Dynamic records take octodns-route53's layout exactly (the default pool,
// weighted _octodns-<pool>-value sets with a health check per value,
// PRIMARY/SECONDARY _octodns-<pool>-pool aliases, and geolocation or CIDR
// rules at the name), with the same SetIdentifiers and health-check
// CallerReferences, so zones octoDNS manages are adopted without churn.
package route53

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

// Options configure a Provider. The zero value is valid but for API.
type Options struct {
	Name       string  // the provider's id in signpost.yaml
	API        API     // the Route53 client (or a fake)
	MaxChanges int     // ResourceRecords per change batch; default and cap 1000
	RPS        float64 // client-side request rate; default 4 (AWS allows 5 per account)
	Attempts   int     // tries per request; default 8
	Backoff    time.Duration
	// Keep leaves records absent from the desired state alone instead of
	// deleting them (by default a managed zone is managed whole).
	Keep bool
	// Refs persists the CallerReference of a zone being created before the
	// call, so a retried create is idempotent.
	Refs RefStore
	// IPChecks keeps the IP health checks of store zones' policies; nil
	// without a store.
	IPChecks IPCheckStore
	// Sleep replaces the backoff sleep in tests.
	Sleep func(context.Context, time.Duration) error
}

// RefStore remembers zone-creation CallerReferences across runs.
type RefStore interface {
	Get(zone string) (ref string, ok bool, err error)
	Put(zone, ref string) error
}

// Provider is a Route53 account.
type Provider struct {
	opts    Options
	c       *client
	passing bool // in a reconcile pass; guarded by c.mu
}

// New returns a Provider.
func New(opts Options) *Provider {
	if opts.MaxChanges <= 0 || opts.MaxChanges > MaxBatchRecords {
		opts.MaxChanges = MaxBatchRecords
	}
	if opts.RPS <= 0 {
		opts.RPS = 4
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 8
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 200 * time.Millisecond
	}
	if opts.Refs == nil {
		opts.Refs = memRefs{}
	}
	c := newClient(opts.API, opts.RPS, opts.Attempts, opts.Backoff)
	if opts.Sleep != nil {
		c.sleep = opts.Sleep
	}
	return &Provider{opts: opts, c: c}
}

// WithAPI returns a provider like p that talks to api.
func (p *Provider) WithAPI(api API) *Provider {
	o := p.opts
	o.API = api
	return New(o)
}

// Name implements provider.Provider.
func (p *Provider) Name() string { return p.opts.Name }

// Capabilities implements provider.Provider.
func (p *Provider) Capabilities() plan.Capabilities {
	caps := plan.Supports(plan.Dynamic, plan.ValueStatus, plan.Subnets, plan.RootNS)
	for _, t := range model.SupportedTypes() { // Route53 takes every type signpost validates
		caps[plan.RecordType(t)] = plan.Support{Supported: true}
	}
	return caps
}

// Calls returns the API requests made so far, by operation.
func (p *Provider) Calls() map[string]int { return p.c.Calls() }

// state is a zone as it exists in Route53.
type state struct {
	zoneID  string
	records []Record
	checks  []types.HealthCheck                 // signpost/octoDNS-made checks (CallerReference "NNNN:...")
	all     map[string]*types.HealthCheckConfig // every check of the account, by id
	cidrIDs map[string]string                   // collection name -> id
}

// read reads a zone's state. CIDR collections are read only when subnet
// routing is in play (wantCIDR, or an existing record routes by CIDR).
func (p *Provider) read(ctx context.Context, zone string, wantCIDR bool) (*state, error) {
	st := &state{cidrIDs: map[string]string{}}
	id, err := p.zoneID(ctx, zone)
	if err != nil {
		return nil, err
	}
	st.zoneID = id
	var rrsets []RRSet
	if id != "" {
		if rrsets, err = p.listRRSets(ctx, id); err != nil {
			return nil, err
		}
	}
	if wantCIDR || slices.ContainsFunc(rrsets, func(s RRSet) bool { return s.CIDR != nil }) {
		if err := p.readCIDR(ctx, st); err != nil {
			return nil, err
		}
		names := map[string]string{}
		for name, cid := range st.cidrIDs {
			names[cid] = name
		}
		for i := range rrsets {
			if c := rrsets[i].CIDR; c != nil && names[c.Collection] != "" {
				c.Collection = names[c.Collection]
			}
		}
	}
	st.records = group(rrsets)
	if st.checks, st.all, err = p.listChecks(ctx); err != nil {
		return nil, err
	}
	return st, nil
}

// zoneID finds the public hosted zone named zone, or returns "".
func (p *Provider) zoneID(ctx context.Context, zone string) (string, error) {
	out, err := call(ctx, p.c, "ListHostedZonesByName", p.c.api.ListHostedZonesByName,
		&route53.ListHostedZonesByNameInput{DNSName: aws.String(zone), MaxItems: aws.Int32(10)})
	if err != nil {
		return "", fmt.Errorf("looking up hosted zone %s: %w", zone, err)
	}
	for _, z := range out.HostedZones {
		if normName(aws.ToString(z.Name)) == zone && (z.Config == nil || !z.Config.PrivateZone) {
			return strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"), nil
		}
	}
	return "", nil
}

// listRRSets reads every record set of a zone, 300 a page. A page that
// repeats records (an emulator ignoring StartRecordIdentifier) is
// deduplicated, and paging stops if it makes no progress.
func (p *Provider) listRRSets(ctx context.Context, zoneID string) ([]RRSet, error) {
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), MaxItems: aws.Int32(300)}
	seen := map[string]bool{}
	var out []RRSet
	for {
		page, err := call(ctx, p.c, "ListResourceRecordSets", p.c.api.ListResourceRecordSets, in)
		if err != nil {
			return nil, fmt.Errorf("listing record sets: %w", err)
		}
		fresh := 0
		for _, r := range page.ResourceRecordSets {
			if r.Type == types.RRTypeSoa {
				continue
			}
			s := fromAPI(r)
			if !seen[s.Key()] {
				seen[s.Key()] = true
				out = append(out, s)
				fresh++
			}
		}
		if !page.IsTruncated || fresh == 0 {
			return out, nil
		}
		in = &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), MaxItems: aws.Int32(300),
			StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier}
	}
}

// listChecks reads every health check: those whose CallerReference
// follows the octodns-route53 scheme ("0001:TYPE:fqdn:xxxxxxxxxxxx"),
// which zone files' dynamic records own, and the config of all of them by
// id, for store zones' IP checks to be found by the id the store keeps.
func (p *Provider) listChecks(ctx context.Context) ([]types.HealthCheck, map[string]*types.HealthCheckConfig, error) {
	l, err := p.checkList(ctx)
	if err != nil {
		return nil, nil, err
	}
	return l.owned, l.all, nil
}

// checkList lists the account's health checks, once per pass.
func (p *Provider) checkList(ctx context.Context) (*checkList, error) {
	p.c.mu.Lock()
	kept, passing := p.c.checks, p.passing
	p.c.mu.Unlock()
	if kept != nil && passing {
		return kept, nil
	}
	in := &route53.ListHealthChecksInput{MaxItems: aws.Int32(1000)}
	l := &checkList{all: map[string]*types.HealthCheckConfig{}, byRef: map[string]string{}}
	for {
		page, err := call(ctx, p.c, "ListHealthChecks", p.c.api.ListHealthChecks, in)
		if err != nil {
			return nil, fmt.Errorf("listing health checks: %w", err)
		}
		for _, hc := range page.HealthChecks {
			l.all[aws.ToString(hc.Id)] = hc.HealthCheckConfig
			ref := aws.ToString(hc.CallerReference)
			l.byRef[ref] = aws.ToString(hc.Id)
			if len(ref) > 4 && ref[4] == ':' {
				l.owned = append(l.owned, hc)
			}
		}
		if !page.IsTruncated || page.NextMarker == nil {
			break
		}
		in.Marker = page.NextMarker
	}
	p.c.mu.Lock()
	if p.passing {
		p.c.checks = l
	}
	p.c.mu.Unlock()
	return l, nil
}

// StartPass implements provider.Passer: until EndPass, the account's
// health checks are listed once, not once per zone (unless this provider
// creates or deletes one). A check changed by someone else during the
// pass is seen by the next one.
func (p *Provider) StartPass() {
	p.c.mu.Lock()
	p.passing, p.c.checks = true, nil
	p.c.mu.Unlock()
}

// EndPass implements provider.Passer.
func (p *Provider) EndPass() {
	p.c.mu.Lock()
	p.passing, p.c.checks = false, nil
	p.c.mu.Unlock()
}

func (p *Provider) readCIDR(ctx context.Context, st *state) error {
	out, err := call(ctx, p.c, "ListCidrCollections", p.c.api.ListCidrCollections, &route53.ListCidrCollectionsInput{})
	if err != nil {
		var nf *types.NoSuchCidrCollectionException
		if errors.As(err, &nf) {
			return nil
		}
		return fmt.Errorf("listing CIDR collections: %w", err)
	}
	for _, c := range out.CidrCollections {
		st.cidrIDs[aws.ToString(c.Name)] = aws.ToString(c.Id)
	}
	return nil
}

// ignore says which existing records a plan never touches: the apex NS
// unless the desired zone names it.
func ignore(zone string, desired []Record) func(name, typ string) bool {
	managesNS := false
	for _, r := range desired {
		if r.Name == zone && r.Type == "NS" {
			managesNS = true
		}
	}
	return func(name, typ string) bool { return typ == "NS" && name == zone && !managesNS }
}

// memRefs keeps CallerReferences in memory only.
type memRefs map[string]string

func (m memRefs) Get(zone string) (string, bool, error) { r, ok := m[zone]; return r, ok, nil }
func (m memRefs) Put(zone, ref string) error            { m[zone] = ref; return nil }

var _ provider.Provider = (*Provider)(nil)
