package rfc2136

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// state is a zone as read by AXFR: its record sets by "fqdn TYPE", the
// SOA left out (the server keeps it).
type state struct {
	sets   map[string]RRSet
	serial uint32
}

// read transfers the zone.
func (p *Provider) read(ctx context.Context, zone string) (*state, error) {
	m := new(dns.Msg)
	m.SetAxfr(zone)
	tr := &dns.Transfer{DialTimeout: p.opts.Timeout, ReadTimeout: p.opts.Timeout, WriteTimeout: p.opts.Timeout}
	if t := p.opts.TSIG; t != nil {
		m.SetTsig(t.Name, t.Algorithm, 300, 0)
		tr.TsigSecret = map[string]string{t.Name: t.Secret}
	}
	conn, err := p.dial(ctx)
	if err != nil {
		return nil, err
	}
	tr.Conn = conn
	defer conn.Close()
	env, err := tr.In(m, p.opts.Server)
	if err != nil {
		return nil, p.explain("transferring "+zone, err)
	}
	st := &state{sets: map[string]RRSet{}}
	for e := range env {
		if e.Error != nil {
			return nil, p.explain("transferring "+zone, e.Error)
		}
		for _, rr := range e.RR {
			st.add(rr)
		}
	}
	if st.serial == 0 {
		return nil, fmt.Errorf("transferring %s from %s: no SOA came back: is the server authoritative for the zone?", zone, p.opts.Server)
	}
	st.finish()
	return st, nil
}

// finish sorts each set's values and drops repeated ones.
func (st *state) finish() {
	for k, s := range st.sets {
		slices.Sort(s.Values)
		s.Values = slices.Compact(s.Values)
		st.sets[k] = s
	}
}

func (p *Provider) dial(ctx context.Context) (*dns.Conn, error) {
	d := net.Dialer{Timeout: p.opts.Timeout}
	c, err := d.DialContext(ctx, "tcp", p.opts.Server)
	if err != nil {
		return nil, fmt.Errorf("%s: connecting to %s: %w", p.opts.Name, p.opts.Server, err)
	}
	return &dns.Conn{Conn: c}, nil
}

func (st *state) add(rr dns.RR) {
	h := rr.Header()
	switch h.Rrtype {
	case dns.TypeSOA:
		st.serial = rr.(*dns.SOA).Serial
		return
	case dns.TypeRRSIG, dns.TypeNSEC, dns.TypeNSEC3, dns.TypeNSEC3PARAM, dns.TypeDNSKEY, dns.TypeTSIG:
		return // the server's own (DNSSEC)
	}
	name := strings.ToLower(h.Name)
	typ := dns.TypeToString[h.Rrtype]
	k := name + " " + typ
	s := st.sets[k]
	s.Name, s.Type, s.TTL = name, typ, h.Ttl
	s.Values = append(s.Values, rdata(rr))
	st.sets[k] = s
}

// rdata is a record's data in presentation format.
func rdata(rr dns.RR) string {
	full := rr.String()
	hdr := rr.Header().String()
	return strings.TrimPrefix(full, hdr)
}

// records returns the state's sets as plan records, sorted.
func (st *state) records() []record {
	out := make([]record, 0, len(st.sets))
	for _, s := range st.sets {
		out = append(out, record{Name: s.Name, Type: s.Type, Sets: []RRSet{s}})
	}
	slices.SortFunc(out, func(a, b record) int { return strings.Compare(a.Key(), b.Key()) })
	return out
}

// explain turns a transport or DNS error into what to fix.
func (p *Provider) explain(what string, err error) error {
	msg := err.Error()
	var hint string
	switch {
	case errors.Is(err, dns.ErrAuth), errors.Is(err, dns.ErrNoSig), strings.Contains(msg, "bad authentication"), strings.Contains(msg, "no signature"):
		hint = "the server did not accept the TSIG key: tsig.secret, tsig.name or tsig.algorithm differs from the server's key " + p.keyName()
	case errors.Is(err, dns.ErrSig), strings.Contains(msg, "bad signature"), strings.Contains(msg, "BADSIG"):
		hint = "the TSIG signature does not verify: tsig.secret differs from the server's key"
	case strings.Contains(msg, "BADKEY"), strings.Contains(msg, "bad key"):
		hint = "the server does not know the TSIG key " + p.keyName() + ": check tsig.name and tsig.algorithm"
	case strings.Contains(msg, "BADTIME"), strings.Contains(msg, "bad time"):
		hint = "the server rejects the TSIG time: this machine's and the server's clocks differ"
	case strings.Contains(msg, "REFUSED"), strings.Contains(msg, "bad xfr rcode: 5"):
		hint = "the server refused: allow it for the key (BIND: allow-transfer / update-policy; Knot: an acl with action transfer / update), " +
			"or see the server's log for the check it failed (BIND's check-integrity, for one)"
	case strings.Contains(msg, "NOTZONE"):
		hint = "a name is outside the zone the update names: is the zone's name right?"
	case strings.Contains(msg, "NOTAUTH"), strings.Contains(msg, "bad xfr rcode: 9"):
		hint = "the server is not authoritative for the zone, or the key is not accepted for it"
	case strings.Contains(msg, "i/o timeout"), strings.Contains(msg, "timeout"):
		hint = "no answer within " + p.opts.Timeout.String() + ": is " + p.opts.Server + " the server, and up?"
	}
	if hint != "" {
		return fmt.Errorf("%s: %s at %s: %s (%w)", p.opts.Name, what, p.opts.Server, hint, err)
	}
	return fmt.Errorf("%s: %s at %s: %w", p.opts.Name, what, p.opts.Server, err)
}

func (p *Provider) keyName() string {
	if p.opts.TSIG == nil {
		return "(none)"
	}
	return p.opts.TSIG.Name
}
