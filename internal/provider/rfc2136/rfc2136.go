// Package rfc2136 keeps zones on authoritative servers that take dynamic
// updates (BIND, Knot, PowerDNS): it reads a zone by AXFR and writes it
// with UPDATE messages, both TSIG-signed over TCP. Every update carries
// prerequisites stating what was read (RFC 2136 §2.4), so a zone that
// moved in between is never overwritten: the apply reads it again and
// retries. Such servers cannot steer per client, so a dynamic record is
// written flattened: what its catch-all rule answers now, given status and
// health.
package rfc2136

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

// TSIG is a transaction key.
type TSIG struct {
	Name      string // fully qualified, e.g. signpost-key.
	Algorithm string // hmac-sha256 (default), hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1
	Secret    string // base64
}

// Options configure a Provider.
type Options struct {
	Name    string        // the provider's id in signpost.yaml
	Server  string        // host:port of the primary that takes updates
	TSIG    *TSIG         // nil: unsigned
	Timeout time.Duration // per exchange; default 5 s
	// Keep leaves records absent from the zone file alone.
	Keep bool
	// Retries is how many times a conflicting apply re-reads and tries
	// again; default 3.
	Retries int
}

// Provider is one server.
type Provider struct {
	opts Options

	mu      sync.Mutex // protects updates
	updates map[string]int
}

// algorithms maps the config's names to TSIG algorithm names.
var algorithms = map[string]string{
	"hmac-sha256": dns.HmacSHA256, "hmac-sha512": dns.HmacSHA512, "hmac-sha384": dns.HmacSHA384,
	"hmac-sha224": dns.HmacSHA224, "hmac-sha1": dns.HmacSHA1,
}

// New returns a Provider; it checks the options and makes no request.
func New(opts Options) (*Provider, error) {
	if opts.Server == "" {
		return nil, fmt.Errorf("rfc2136 provider %s: server is required (host:port of the primary)", opts.Name)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Retries <= 0 {
		opts.Retries = 3
	}
	if t := opts.TSIG; t != nil {
		t.Name = dns.Fqdn(strings.ToLower(t.Name))
		alg := strings.ToLower(t.Algorithm)
		if alg == "" {
			alg = "hmac-sha256"
		}
		if algorithms[alg] == "" {
			return nil, fmt.Errorf("rfc2136 provider %s: tsig.algorithm %q is not one of hmac-sha256, hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1", opts.Name, t.Algorithm)
		}
		t.Algorithm = algorithms[alg]
	}
	return &Provider{opts: opts, updates: map[string]int{}}, nil
}

// Name implements provider.Provider.
func (p *Provider) Name() string { return p.opts.Name }

// flattened is why a dynamic record loses its steering here.
const flattened = "the server cannot steer per client: the record is written flattened, as what its catch-all rule answers now " +
	"(the healthy values of its pool, or its backup values); geo and subnet rules and weights are not expressed"

// Capabilities implements provider.Provider: every type signpost
// validates; dynamic records and value status, flattened (a warning);
// subnet rules likewise; the apex NS.
func (p *Provider) Capabilities() plan.Capabilities {
	caps := plan.Supports(plan.RootNS)
	for _, c := range []plan.Capability{plan.Dynamic, plan.ValueStatus, plan.Subnets} {
		caps[c] = plan.Support{Supported: true, Warning: flattened}
	}
	for _, t := range model.SupportedTypes() {
		caps[plan.RecordType(t)] = plan.Support{Supported: true}
	}
	return caps
}

// Check implements provider.Provider: nothing beyond the capabilities.
func (p *Provider) Check(*model.Zone) []string { return nil }

// FollowsHealth implements provider.HealthFollower: what this provider
// writes depends on health, so serve pushes health transitions at once.
func (p *Provider) FollowsHealth() bool { return true }

// Updates returns the UPDATE messages sent, by result (ok, conflict,
// error).
func (p *Provider) Updates() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.updates)
}

func (p *Provider) count(result string) {
	p.mu.Lock()
	p.updates[result]++
	p.mu.Unlock()
}

// RRSet is one name and type at the server: a TTL and its values in
// presentation format, sorted.
type RRSet struct {
	Name   string   `json:"name"` // fully qualified, lower case
	Type   string   `json:"type"`
	TTL    uint32   `json:"ttl"`
	Values []string `json:"values"`
}

// Key implements plan.Set.
func (s RRSet) Key() string { return s.Name + " " + s.Type }

// Equal implements plan.Set.
func (s RRSet) Equal(o *RRSet) bool { return s.TTL == o.TTL && slices.Equal(s.Values, o.Values) }

func (s RRSet) String() string {
	return fmt.Sprintf("%s %d %s %s", s.Name, s.TTL, s.Type, strings.Join(s.Values, " | "))
}

// record is a user's record: here, one RRSet.
type record = plan.Group[RRSet]

type recordChange = plan.GroupChange[RRSet]

var _ provider.Provider = (*Provider)(nil)
