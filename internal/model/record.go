package model

import (
	"net/netip"
	"strings"
	"time"
)

// Status is a pool value's serving status.
type Status uint8

// Pool value statuses, as octoDNS spells them.
const (
	StatusObey Status = iota // served while its health check passes
	StatusUp                 // always served, never probed
	StatusDown               // never served
)

// String returns the octoDNS spelling.
func (s Status) String() string {
	switch s {
	case StatusUp:
		return "up"
	case StatusDown:
		return "down"
	}
	return "obey"
}

// Zone is a DNS zone and its records.
type Zone struct {
	Name    string // fully qualified, lower case, with trailing dot
	File    string
	Records []*Record
	// Token identifies this build of the zone: a source gives a zone it
	// built a random one, and the same one while the zone is unchanged,
	// so that the engine reuses its compiled form. 0 means unknown.
	Token uint64
	// Managed is set for a zone the store holds: a provider manages only
	// the records named there and the policy trees of its policy records,
	// and leaves every other record at the provider alone. nil: a zone
	// file, managed whole.
	Managed *Managed
}

// Managed is what a store zone manages at its providers.
type Managed struct {
	// Targets are the providers the zone is pushed to.
	Targets []string
	// Policies are the zone's policy records, usable or not, with the
	// policies and IPs they use; Check is the check of IPs without one.
	Policies []PolicyRef
	Policy   map[string]*Policy
	IPs      map[netip.Addr]*IP
	Check    Healthcheck
	// Deleted are records deleted from the store whose deletion is not
	// pushed yet: still managed, so that they are removed.
	Deleted []NameType
	// ZoneID is the store's id of the zone; Pending are its records
	// written since their last push, as this build read them.
	ZoneID  string
	Pending []PendingRecord
}

// PendingRecord is a store record (or a deletion) not yet pushed, or,
// with Zone set, the zone itself (its creation).
type PendingRecord struct {
	Zone   bool
	ID     string
	Name   string // relative, "@" the apex
	Type   RRType // the DNS type (A for a POLICY_ROUTED record)
	Token  string // the write's dirty token
	Policy string // a policy record's policy name, whose tree it needs
}

// NameType names a record set: a relative name ("@" the apex) and a DNS
// type.
type NameType struct {
	Name string
	Type RRType
}

// PolicyRef is a policy record: a name (relative, "@" the apex), the type
// it answers (A or AAAA) and its policy's id.
type PolicyRef struct {
	Name   string
	Type   RRType
	Policy string
}

// Record is one record set: a name, a type and its values, optionally
// steered by a dynamic block.
type Record struct {
	Zone string // fully qualified zone name, e.g. "example.com."
	Name string // relative name: "" for the apex, "*" for a wildcard
	Type RRType // upper-case type mnemonic

	// Values holds the record's values in presentation format. For a dynamic
	// record they are the backup values served when every pool has failed.
	Values []string

	Dynamic *Dynamic
	// Check is the record's health check; nil is octoDNS's default
	// (DefaultHealthcheck), which most records keep: a million records
	// then hold no copy of it. Read it with Healthcheck.
	Check    *Healthcheck
	Signpost SignpostOptions
	// Policy is the id of the policy a policy record answers from; its
	// Dynamic block is built from the policy.
	Policy string
	// Providers holds provider-specific octodns blocks (octodns.route53,
	// ...) for the providers to read and check.
	Providers map[string]*Data

	Line int // source line of the record

	// The small fields last, together: a record is 136 bytes, not 152.
	TTL     uint32
	Lenient bool
	Ignored bool
	// Create marks a store record never pushed: a provider creates it and
	// never overwrites a record it finds there (zinc's POST).
	Create bool
}

// Healthcheck returns the record's health check.
func (r *Record) Healthcheck() Healthcheck {
	if r.Check == nil {
		return DefaultHealthcheck()
	}
	return *r.Check
}

// ownCheck returns r's own health check, made from the default the
// first time.
func (r *Record) ownCheck() *Healthcheck {
	if r.Check == nil {
		hc := DefaultHealthcheck()
		r.Check = &hc
	}
	return r.Check
}

// FQDN returns the record's fully qualified name.
func (r *Record) FQDN() string { return NameFQDN(r.Name, r.Zone) }

// NameFQDN returns a relative name under zone; "" and "@" (as APIs write
// the apex) are the zone itself.
func NameFQDN(name, zone string) string {
	if name == "" || name == "@" {
		return zone
	}
	return name + "." + zone
}

// APIName turns a relative name as APIs write it ("@" for the apex) into
// the model's: lower case, "" for the apex.
func APIName(name string) string {
	if name == "@" {
		return ""
	}
	return strings.ToLower(name)
}

// Key identifies the record within its zone as "name TYPE".
func (r *Record) Key() string { return strings.ToLower(r.FQDN()) + " " + string(r.Type) }

// Dynamic is an octoDNS dynamic block: pools of weighted values and the
// ordered rules that choose among them.
type Dynamic struct {
	Pools []*Pool // sorted by name
	Rules []*Rule
	// NeverDark answers, when no pool has an eligible value, as if every
	// value were healthy (Route53's rule for record sets that are all
	// unhealthy) before the backup values. Policy records set it.
	NeverDark bool
}

// Pool returns the pool named name, or nil.
func (d *Dynamic) Pool(name string) *Pool {
	for _, p := range d.Pools {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Pool is a named set of weighted values with an optional fallback pool.
type Pool struct {
	Name     string
	Fallback string // "" when the chain ends at the backup values
	Values   []PoolValue
	// Point places the pool for a Nearest rule (a latency policy's
	// region); nil otherwise.
	Point *Point
	Line  int
}

// PoolValue is one value of a pool.
type PoolValue struct {
	Value  string // presentation format, as in Record.Values
	Weight uint32 // 1..100 in zone files; 0..255 from policies, where 0 serves only when nothing heavier can
	Status Status
	// Healthcheck overrides the record's check for this value (a policy's
	// IP with a check of its own); nil keeps the record's.
	Healthcheck *Healthcheck
	Line        int
}

// Rule sends the clients it matches to a pool. A rule with neither subnets
// nor geos is the catch-all.
type Rule struct {
	// Nearest sends the client to the pool nearest to it (by Point) that
	// has an eligible value, instead of to Pool: a latency policy's rule.
	Nearest bool
	Pool    string
	Subnets []netip.Prefix
	Geos    []GeoCode // continent, continent-country or continent-country-subdivision; validated
	Line    int
}

// CatchAll reports whether r matches every client.
func (r *Rule) CatchAll() bool { return !r.Nearest && len(r.Subnets) == 0 && len(r.Geos) == 0 }

// Healthcheck is the probe spec: octodns.healthcheck (protocol, host, path,
// port) plus signpost's own octodns.signpost.healthcheck options.
type Healthcheck struct {
	Protocol string // HTTP, HTTPS, TCP, ICMP or UDP
	Host     string // Host header and SNI; "" means the record's fqdn
	Path     string
	Port     uint16

	// Timing and thresholds; zero means the configured default.
	Interval  time.Duration
	Timeout   time.Duration
	Failures  int // consecutive failures before a target is down
	Successes int // consecutive successes before it is up again

	// ExpectStatus lists the HTTP statuses that pass; empty means 2xx and
	// 3xx, as Route53 counts them.
	ExpectStatus []StatusRange
	// ExpectBody must appear in the first 5120 bytes of an HTTP body.
	ExpectBody string
	// InitialDown makes a target count as down until its first result
	// (fail-closed); by default it counts as up (fail-open).
	InitialDown bool
}

// StatusRange is an inclusive range of HTTP status codes.
type StatusRange struct{ Lo, Hi int }

// Contains reports whether code is in the range.
func (r StatusRange) Contains(code int) bool { return code >= r.Lo && code <= r.Hi }

// SignpostOptions are signpost-only record options, kept under
// octodns.signpost so that zone files stay valid for octoDNS.
type SignpostOptions struct {
	// Answers is how many distinct values a dynamic answer carries (default 1).
	Answers int
}
