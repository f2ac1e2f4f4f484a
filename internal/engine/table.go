package engine

import (
	"net/netip"
	"strings"

	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/health/target"
	"github.com/signpost-dns/signpost/internal/model"
)

// Table is a compiled, immutable answer table.
type Table struct {
	zones   map[string]*zone
	names   []string // zone names, sorted
	targets []target.Target
	locator geo.Locator
	serial  uint32
	probe   model.Healthcheck // the probe defaults it was compiled with

	// keyIDs and base keep target ids stable across compiles that reuse
	// zones: base[id] is the target without its records.
	keyIDs map[string]int
	base   []target.Target
}

type zone struct {
	name   string
	nodes  map[string]*node
	soa    record
	negSOA record // the SOA with the negative-caching TTL

	// What a later compile needs to reuse the zone as it is.
	token uint64 // the model.Zone's
	soaV  SOA
	probs model.Problems
	uses  []*use // the targets its values probe, in record order

	// While it compiles: the nodes holding NS sets and the wildcard
	// nodes, so that linking wildcards and attaching glue need not walk
	// every node. Cleared once compiled.
	nsNodes, wilds []*node
	// delegated and wildcards say whether the zone has a delegation below
	// its apex and a wildcard; without either, a name is its own node or
	// does not exist, and find looks no further (most zones, and every
	// NXDOMAIN in them).
	delegated, wildcards bool
}

// use is one zone's use of a target: its strictest check there and the
// records that use it.
type use struct {
	id int
	target.Target
}

// node is one owner name. Empty non-terminals are nodes without sets.
type node struct {
	name       string
	sets       []*rrset
	cname      *rrset
	wild       *node // the "*.name" child, if any
	delegation bool  // has NS and is not the apex
}

func (n *node) set(t uint16) *rrset {
	for _, s := range n.sets {
		if s.rtype == t {
			return s
		}
	}
	return nil
}

type rrset struct {
	rtype uint16
	fqdn  string   // canonical owner, for metrics and explain
	rrs   []record // static answer; the backup values of a dynamic record
	dyn   *dynamic
	more  *rrsetMore // what only NS and CNAME sets have; nil for the rest
}

// rrsetMore is the part of a set few sets have, kept apart so that a
// million sets are a third smaller.
type rrsetMore struct {
	glue   []RR        // for NS sets: in-zone addresses of the name servers
	target cnameTarget // for CNAME sets: where the set points
}

// cnameTarget is where a CNAME points: lower-cased, for chasing it in the
// table, and as written, to answer the chased records under.
type cnameTarget struct {
	lower, name string
}

func cnameTo(name string) cnameTarget {
	return cnameTarget{lower: strings.ToLower(name), name: name}
}

// glue returns an NS set's in-zone addresses of its name servers.
func (s *rrset) glue() []RR {
	if s.more == nil {
		return nil
	}
	return s.more.glue
}

// target returns where a CNAME set points; nil for other sets.
func (s *rrset) target() *cnameTarget {
	if s.more == nil || s.more.target.lower == "" {
		return nil
	}
	return &s.more.target
}

// addGlue attaches the address set a of a name server to s.
func (s *rrset) addGlue(a *rrset) {
	if s.more == nil {
		s.more = &rrsetMore{}
	}
	for _, rr := range a.rrs {
		s.more.glue = append(s.more.glue, rr.under(a.fqdn))
	}
}

type dynamic struct {
	rules     []rule
	pools     []pool
	answers   int
	neverDark bool // when nothing is eligible, answer as if all were healthy
}

type rule struct {
	nearest bool // the nearest pool (by point) with an eligible value
	pool    int  // index into pools; -1 when undefined (lenient records)
	subnets []netip.Prefix
	geos    []model.GeoCode
	// poolName is the pool as the record names it, for explain.
	poolName string
}

type pool struct {
	name     string
	fallback int // index into pools, -1 for the backup values
	values   []value
	point    *model.Point // where a nearest rule places the pool
}

type value struct {
	rr     record
	text   string
	weight int
	status model.Status
	target int          // health target id, -1 when not probed
	cname  *cnameTarget // where a CNAME value points; nil for other types
}

// Zones returns the names of the zones served, sorted.
func (t *Table) Zones() []string { return t.names }

// Targets returns the health-check targets; ids index this slice. A target
// no zone uses any more (after compiles that reused zones) has an empty
// Key: nothing probes it.
func (t *Table) Targets() []target.Target { return t.targets }

// Serial returns the SOA serial every zone of the table carries.
func (t *Table) Serial() uint32 { return t.serial }

// findZone returns the zone that holds name (lower case), or nil.
func (t *Table) findZone(name string) *zone {
	for i := 0; i < len(name); {
		if z := t.zones[name[i:]]; z != nil {
			return z
		}
		j := strings.IndexByte(name[i:], '.')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return nil
}

// find returns the node for name: the exact node, a wildcard node that
// synthesizes it (RFC 4592), or nil when the name does not exist. It also
// returns the highest delegation at or above name.
func (z *zone) find(name string) (n *node, cut *node) {
	exact := z.nodes[name]
	if !z.delegated && !z.wildcards {
		return exact, nil
	}
	var encloser *node
	for i := 0; i < len(name)-len(z.name); {
		j := strings.IndexByte(name[i:], '.')
		if j < 0 {
			break
		}
		i += j + 1
		anc := z.nodes[name[i:]]
		if anc == nil {
			continue
		}
		if encloser == nil {
			encloser = anc
		}
		if anc.delegation {
			cut = anc
		}
	}
	if exact != nil {
		if exact.delegation {
			cut = highest(cut, exact)
		}
		return exact, cut
	}
	if encloser != nil && encloser.wild != nil {
		return encloser.wild, cut
	}
	return nil, cut
}

func highest(above, n *node) *node {
	if above != nil {
		return above
	}
	return n
}
