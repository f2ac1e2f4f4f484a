package rfc2136

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/plan"
)

// maxMessage is the size an UPDATE message is kept under (TCP allows
// 65,535 bytes; TSIG and headroom take the rest).
const maxMessage = 60_000

// errConflict is an update whose prerequisites failed: the zone is not
// as it was read.
var errConflict = errors.New("the zone changed while it was being updated")

// Apply implements provider.Provider: it checks that the zone is as the
// plan read it, then sends the changes as UPDATE messages whose
// prerequisites state what was read. If the zone moved meanwhile (a
// prerequisite fails), nothing of that message is applied: the zone is
// read again, planned again from the plan's desired sets, and sent again,
// up to Retries times; then the conflict is reported.
func (p *Provider) Apply(ctx context.Context, zp *plan.ZonePlan) error {
	var pl payload
	if err := json.Unmarshal(zp.Payload, &pl); err != nil {
		return fmt.Errorf("%s: the plan's rfc2136 payload: %w", zp.Zone, err)
	}
	changes := pl.Changes
	for attempt := 0; ; attempt++ {
		st, err := p.read(ctx, zp.Zone)
		if err != nil {
			return err
		}
		switch {
		case attempt == 0 && fingerprint(st) != zp.State:
			return fmt.Errorf("%s: %w", zp.Zone, plan.ErrStale)
		case attempt > 0:
			changes = p.diff(zp.Zone, pl.Desired, st)
		}
		if len(changes) == 0 {
			return nil
		}
		msgs := messages(zp.Zone, changes)
		sent, err := p.send(ctx, msgs)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errConflict) || attempt >= p.opts.Retries {
			return fmt.Errorf("%s: %d of %d update messages went through, attempt %d: %w", zp.Zone, sent, len(msgs), attempt+1, err)
		}
	}
}

// send sends messages in order; it returns how many went through.
func (p *Provider) send(ctx context.Context, msgs []*dns.Msg) (int, error) {
	for i, m := range msgs {
		if err := p.exchange(ctx, m); err != nil {
			return i, fmt.Errorf("message %d of %d: %w", i+1, len(msgs), err)
		}
	}
	return len(msgs), nil
}

// messages packs changes into UPDATE messages under maxMessage, each
// set's prerequisite and change in the same message, deletions before
// additions within a message.
func messages(zone string, changes []recordChange) []*dns.Msg {
	var out []*dns.Msg
	var cur *dns.Msg
	var adds []dns.RR
	flush := func() {
		if cur != nil {
			cur.Insert(adds)
			out = append(out, cur)
		}
		cur, adds = nil, nil
	}
	for _, c := range changes {
		for _, sc := range c.Sets {
			if cur == nil {
				cur = new(dns.Msg)
				cur.SetUpdate(zone)
			}
			prereq, remove, add := setOps(sc)
			cur.Answer = append(cur.Answer, prereq...)
			cur.Ns = append(cur.Ns, remove...)
			adds = append(adds, add...)
			if cur.Len()+rrsLen(adds) > maxMessage {
				flush()
			}
		}
	}
	flush()
	return out
}

func rrsLen(rrs []dns.RR) int {
	n := 0
	for _, rr := range rrs {
		n += dns.Len(rr)
	}
	return n
}

// setOps is one set's prerequisite, removal and addition: a new set
// requires the set to be absent; a replaced or deleted one requires it to
// be exactly as read (RFC 2136 §2.4.2, value dependent).
func setOps(sc plan.SetChange[RRSet]) (prereq, remove, add []dns.RR) {
	name, typ := sc.Set.Name, dns.StringToType[sc.Set.Type]
	header := &dns.ANY{Hdr: dns.RR_Header{Name: name, Rrtype: typ, Class: dns.ClassNONE}}
	switch sc.Op {
	case plan.Add:
		prereq = []dns.RR{header}
		add = rrs(sc.Set)
	case plan.Replace:
		prereq = exact(*sc.Old)
		remove = []dns.RR{&dns.ANY{Hdr: dns.RR_Header{Name: name, Rrtype: typ, Class: dns.ClassANY}}}
		add = rrs(sc.Set)
	case plan.Remove:
		prereq = exact(sc.Set)
		remove = []dns.RR{&dns.ANY{Hdr: dns.RR_Header{Name: name, Rrtype: typ, Class: dns.ClassANY}}}
	}
	return prereq, remove, add
}

// exact is the value-dependent prerequisite of s: its records, TTL 0,
// class IN.
func exact(s RRSet) []dns.RR {
	out := rrs(s)
	for _, rr := range out {
		rr.Header().Ttl = 0
	}
	return out
}

// rrs parses a set's values (presentation format, as read or built).
func rrs(s RRSet) []dns.RR {
	out := make([]dns.RR, 0, len(s.Values))
	for _, v := range s.Values {
		rr, err := dns.NewRR(fmt.Sprintf("%s %d IN %s %s", s.Name, s.TTL, s.Type, v))
		if err == nil && rr != nil {
			out = append(out, rr)
		}
	}
	return out
}

// exchange sends one UPDATE over TCP, TSIG-signed.
func (p *Provider) exchange(ctx context.Context, m *dns.Msg) error {
	c := &dns.Client{Net: "tcp", Timeout: p.opts.Timeout}
	if t := p.opts.TSIG; t != nil {
		m.SetTsig(t.Name, t.Algorithm, 300, 0)
		c.TsigSecret = map[string]string{t.Name: t.Secret}
	}
	r, _, err := c.ExchangeContext(ctx, m, p.opts.Server)
	if err != nil {
		p.count("error")
		return p.explain("updating "+m.Question[0].Name, err)
	}
	switch r.Rcode {
	case dns.RcodeSuccess:
		p.count("ok")
		return nil
	case dns.RcodeYXRrset, dns.RcodeNXRrset, dns.RcodeNameError, dns.RcodeYXDomain:
		p.count("conflict")
		return fmt.Errorf("%w (%s)", errConflict, dns.RcodeToString[r.Rcode])
	}
	p.count("error")
	return p.explain("updating "+m.Question[0].Name, fmt.Errorf("the server answered %s", dns.RcodeToString[r.Rcode]))
}
