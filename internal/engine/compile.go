package engine

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/health/target"
	"github.com/signpost-dns/signpost/internal/model"
)

// SOA holds the values of a zone's synthesized SOA record. Durations are in
// seconds.
type SOA struct {
	Primary  string // "" means the first apex NS
	Email    string // "" means hostmaster.<zone>
	TTL      uint32
	Refresh  uint32
	Retry    uint32
	Expire   uint32
	Negative uint32 // negative-caching TTL (the SOA MINIMUM field)
}

// DefaultSOA returns the SOA values used where configuration names none.
func DefaultSOA() SOA {
	return SOA{TTL: 3600, Refresh: 3600, Retry: 600, Expire: 604800, Negative: 300}
}

// Options configure Compile. The zero value is valid.
type Options struct {
	Locator geo.Locator           // nil: geo rules never match
	Serial  uint32                // SOA serial of every zone
	SOA     func(zone string) SOA // nil: DefaultSOA for every zone
	// Probe supplies the timing and thresholds records leave out
	// (Interval, Timeout, Failures, Successes); zero fields take
	// model.DefaultProbeTiming's.
	Probe model.Healthcheck
	// Prev is the table being served. A zone with the same Token and the
	// same SOA settings is reused from it, not compiled again (its SOA
	// serial stays: it did not change).
	Prev *Table
}

// Compile builds a table from validated zones. The problems it returns are
// what validation could not see (records the DNS library rejects) and
// warnings about how the zones will be served.
func Compile(zones []*model.Zone, opts Options) (*Table, model.Problems) {
	t := &Table{zones: map[string]*zone{}, locator: opts.Locator, serial: opts.Serial, keyIDs: map[string]int{},
		probe: target.FillTiming(opts.Probe, model.DefaultProbeTiming())}
	if t.locator == nil {
		t.locator = geo.None{}
	}
	prev := opts.Prev
	if prev != nil && (prev.locator != t.locator || !sameTiming(prev.probe, t.probe)) {
		prev = nil
	}
	if prev != nil {
		t.keyIDs, t.base = maps.Clone(prev.keyIDs), slices.Clone(prev.base)
	}
	reg := &registry{shared: map[sharedCheck]sharedTarget{}}
	order := make([]*zone, len(zones))
	var todo []int
	for i, mz := range zones {
		soa := soaOf(opts, mz.Name)
		if pz := prev.zoneFor(strings.ToLower(mz.Name)); pz != nil && mz.Token != 0 && pz.token == mz.Token && pz.soaV == soa {
			order[i] = pz
			continue
		}
		todo = append(todo, i)
	}
	forEach(len(todo), func(j int) {
		mz := zones[todo[j]]
		c := &compiler{t: t, reg: reg, probe: t.probe}
		order[todo[j]] = c.zone(mz, soaOf(opts, mz.Name))
	})
	var probs model.Problems
	for _, z := range order {
		t.zones[z.name], t.names = z, append(t.names, z.name)
		probs = append(probs, z.probs...)
	}
	sort.Strings(t.names)
	if live := t.gather(order); prev != nil && len(t.base) > 2*live+1024 {
		opts.Prev = nil // mostly targets nobody uses: number them afresh
		return Compile(zones, opts)
	}
	return t, probs
}

func soaOf(opts Options, zone string) SOA {
	if opts.SOA != nil {
		return opts.SOA(zone)
	}
	return DefaultSOA()
}

// forEach calls f(0) … f(n-1) on every CPU and returns when all are done.
// Zones compile independently; only their targets are registered under a
// lock.
func forEach(n int, f func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func sameTiming(a, b model.Healthcheck) bool {
	return a.Interval == b.Interval && a.Timeout == b.Timeout && a.Failures == b.Failures && a.Successes == b.Successes
}

func (t *Table) zoneFor(name string) *zone {
	if t == nil {
		return nil
	}
	return t.zones[name]
}

// gather builds the table's targets from its zones' uses, and returns how
// many are in use.
func (t *Table) gather(order []*zone) int {
	t.targets = make([]target.Target, len(t.base))
	live := 0
	for _, z := range order {
		for _, u := range z.uses {
			tg := &t.targets[u.id]
			if tg.Key == "" {
				// The first zone's use lends its records (clipped: a
				// second zone's append copies them): most targets are
				// one zone's, and copying every record name of every
				// target was most of a one-zone reload at 100,000
				// policy records.
				*tg = t.base[u.id]
				tg.Check, tg.Records = u.Check, slices.Clip(u.Records)
				live++
				continue
			}
			tg.MergeAll(u.Check, u.Records)
		}
	}
	return live
}

// compiler compiles one zone; zones compile in parallel, each with its
// own compiler and the table's one registry of targets.
type compiler struct {
	t     *Table // read only: serial, locator
	reg   *registry
	probe model.Healthcheck
	uses  map[int]*use // the zone's
	probs model.Problems
	file  string
	mem   blocks // the zone's
}

// registry numbers the table's targets for every zone's compiler.
type registry struct {
	mu sync.Mutex
	// shared remembers the target of a value whose check is shared by
	// records (policy values), so that it is keyed once, not per record.
	shared map[sharedCheck]sharedTarget
}

func (c *compiler) problem(rec *model.Record, warn bool, format string, args ...any) {
	p := model.Problem{File: c.file, Name: rec.FQDN(), Type: rec.Type, Reason: fmt.Sprintf(format, args...), Warning: warn}
	p.Line = rec.Line
	c.probs = append(c.probs, p)
}

func (c *compiler) zone(mz *model.Zone, soa SOA) *zone {
	name := strings.ToLower(mz.Name)
	z := &zone{name: name, nodes: make(map[string]*node, len(mz.Records)+1), token: mz.Token, soaV: soa}
	z.nodes[name] = &node{name: name}
	c.file = mz.File
	c.uses = map[int]*use{}
	c.mem.reset(len(mz.Records))
	for _, rec := range mz.Records {
		// One name per record, shared by its set, its RRs' headers and
		// its node (lower-casing a lower-case name does not copy it).
		fqdn := rec.FQDN()
		if s := c.rrset(rec, fqdn); s != nil {
			z.add(strings.ToLower(fqdn), s)
		}
	}
	z.linkWildcards()
	c.soa(z, mz, soa)
	z.addGlue()
	c.occluded(z, mz)
	z.wildcards = len(z.wilds) > 0
	z.nsNodes, z.wilds = nil, nil
	z.probs = c.probs
	for _, u := range c.uses {
		z.uses = append(z.uses, u)
	}
	slices.SortFunc(z.uses, func(a, b *use) int { return a.id - b.id })
	return z
}

func (z *zone) add(fqdn string, s *rrset) {
	n := z.node(fqdn)
	switch {
	case s.rtype == dns.TypeCNAME:
		n.cname = s
	default:
		if s.rtype == dns.TypeNS && n.set(dns.TypeNS) == nil {
			z.nsNodes = append(z.nsNodes, n)
		}
		n.sets = append(n.sets, s)
		if s.rtype == dns.TypeNS {
			if fqdn != z.name {
				n.delegation, z.delegated = true, true
			}
		}
	}
}

// node returns the node for fqdn, creating it and any missing ancestors
// (empty non-terminals) up to the apex.
func (z *zone) node(fqdn string) *node {
	n := z.nodes[fqdn]
	if n != nil {
		return n
	}
	n = &node{name: fqdn}
	z.nodes[fqdn] = n
	if strings.HasPrefix(fqdn, "*.") {
		z.wilds = append(z.wilds, n)
	}
	if i := strings.IndexByte(fqdn, '.'); i >= 0 && fqdn != z.name {
		z.node(fqdn[i+1:])
	}
	return n
}

func (z *zone) linkWildcards() {
	for _, n := range z.wilds {
		if parent := z.nodes[n.name[2:]]; parent != nil {
			parent.wild = n
		}
	}
}

func (c *compiler) soa(z *zone, mz *model.Zone, v SOA) {
	apex := z.nodes[z.name]
	primary := v.Primary
	if ns := apex.set(dns.TypeNS); primary == "" && ns != nil && len(ns.rrs) > 0 {
		primary = nsTarget(ns.rrs[0])
	}
	if primary == "" {
		primary = "ns1." + z.name
		c.probs = append(c.probs, model.Problem{File: mz.File, Name: mz.Name, Warning: true,
			Reason: "zone has no apex NS records; the SOA names " + primary + " as primary"})
	}
	email := v.Email
	if email == "" {
		email = "hostmaster." + z.name
	}
	hdr := dns.RR_Header{Name: z.name, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: v.TTL}
	soa := &dns.SOA{Hdr: hdr, Ns: dns.Fqdn(primary), Mbox: dns.Fqdn(email), Serial: c.t.serial,
		Refresh: v.Refresh, Retry: v.Retry, Expire: v.Expire, Minttl: v.Negative}
	neg := dns.Copy(soa)
	neg.Header().Ttl = min(v.TTL, v.Negative)
	var err error
	if z.soa, err = c.mem.record(soa); err == nil {
		z.negSOA, err = c.mem.record(neg)
	}
	if err != nil {
		c.probs = append(c.probs, model.Problem{File: mz.File, Name: mz.Name, Reason: "SOA: " + err.Error()})
	}
	apex.sets = append(apex.sets, &rrset{rtype: dns.TypeSOA, fqdn: z.name, rrs: []record{z.soa}})
}

// addGlue attaches to every NS set the in-zone addresses of its servers.
func (z *zone) addGlue() {
	for _, n := range z.nsNodes {
		ns := n.set(dns.TypeNS)
		if ns == nil {
			continue
		}
		for _, rr := range ns.rrs {
			host := z.nodes[strings.ToLower(nsTarget(rr))]
			if host == nil {
				continue
			}
			for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
				if s := host.set(t); s != nil {
					ns.addGlue(s)
				}
			}
		}
	}
}

// nsTarget is the name server an NS record names ("" if it cannot be
// read, which the engine's own packing rules out).
func nsTarget(r record) string {
	if rr, err := r.decode(); err == nil {
		if ns, ok := rr.(*dns.NS); ok {
			return ns.Ns
		}
	}
	return ""
}

// occluded warns about records below a delegation, which are never served
// (addresses there may be glue, and are not warned about).
func (c *compiler) occluded(z *zone, mz *model.Zone) {
	if !z.delegated {
		return
	}
	for _, rec := range mz.Records {
		fqdn := strings.ToLower(rec.FQDN())
		_, cut := z.find(fqdn)
		glue := rec.Type == "A" || rec.Type == "AAAA"
		if cut != nil && cut.name != fqdn && !glue {
			c.problem(rec, true, "below the delegation at %s; it is never served", cut.name)
		}
	}
}

// sharedCheck is a value and the check it shares with other records.
type sharedCheck struct {
	value string
	check *model.Healthcheck
}

// sharedTarget is the target a shared check compiled to.
type sharedTarget struct {
	id    int
	check model.Healthcheck // filled and normalized
}
