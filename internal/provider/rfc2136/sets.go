package rfc2136

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/plan"
)

// ErrConflict is a compare-and-swap whose prerequisite failed: the set is
// not as it was read.
var ErrConflict = errConflict

// ReadSet reads one set from the primary (an authoritative query over
// TCP); nil when the name has no such set.
func (p *Provider) ReadSet(ctx context.Context, name, typ string) (*RRSet, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(strings.ToLower(name)), dns.StringToType[typ])
	c := &dns.Client{Net: "tcp", Timeout: p.opts.Timeout}
	r, _, err := c.ExchangeContext(ctx, m, p.opts.Server)
	if err != nil {
		return nil, p.explain("reading "+name+" "+typ, err)
	}
	if r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
		return nil, p.explain("reading "+name+" "+typ, fmt.Errorf("the server answered %s", dns.RcodeToString[r.Rcode]))
	}
	st := &state{sets: map[string]RRSet{}}
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == m.Question[0].Qtype && strings.EqualFold(rr.Header().Name, m.Question[0].Name) {
			st.add(rr)
		}
	}
	for _, s := range st.sets {
		slices.Sort(s.Values)
		return &s, nil
	}
	return nil, nil
}

// ZoneOf returns the zone at the primary that holds name, from the SOA its
// answer for name carries.
func (p *Provider) ZoneOf(ctx context.Context, name string) (string, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(strings.ToLower(name)), dns.TypeSOA)
	c := &dns.Client{Net: "tcp", Timeout: p.opts.Timeout}
	r, _, err := c.ExchangeContext(ctx, m, p.opts.Server)
	if err != nil {
		return "", p.explain("finding the zone of "+name, err)
	}
	for _, rr := range append(r.Answer, r.Ns...) {
		if soa, ok := rr.(*dns.SOA); ok {
			return strings.ToLower(soa.Hdr.Name), nil
		}
	}
	return "", fmt.Errorf("%s: %s is in no zone %s serves (no SOA in its answer)", p.opts.Name, name, p.opts.Server)
}

// SwapSet replaces the set old (nil: it must not exist) with next (nil:
// delete it) in one UPDATE whose prerequisite is old, exactly: ErrConflict
// when the set moved since it was read, and then nothing is changed.
func (p *Provider) SwapSet(ctx context.Context, zone string, old, next *RRSet) error {
	var sc plan.SetChange[RRSet]
	switch {
	case old == nil && next == nil:
		return nil
	case old == nil:
		sc = plan.SetChange[RRSet]{Op: plan.Add, Set: *next}
	case next == nil:
		sc = plan.SetChange[RRSet]{Op: plan.Remove, Set: *old}
	default:
		sc = plan.SetChange[RRSet]{Op: plan.Replace, Set: *next, Old: old}
	}
	msgs := messages(dns.Fqdn(zone), []recordChange{{Name: sc.Set.Name, Type: sc.Set.Type, Sets: []plan.SetChange[RRSet]{sc}}})
	_, err := p.send(ctx, msgs)
	return err
}
