package route53

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/signpost-dns/signpost/internal/plan"
)

// RRSet is one Route53 record set.
type RRSet struct {
	Name  string   `json:"name"` // fully qualified, lower case
	Type  string   `json:"type"`
	SetID string   `json:"set_id,omitempty"`
	TTL   uint32   `json:"ttl,omitempty"`
	Value []string `json:"values,omitempty"`

	Weight   *int64 `json:"weight,omitempty"`
	Region   string `json:"region,omitempty"`   // latency routing
	Failover string `json:"failover,omitempty"` // PRIMARY or SECONDARY
	Geo      *Geo   `json:"geo,omitempty"`
	CIDR     *CIDR  `json:"cidr,omitempty"`
	Alias    *Alias `json:"alias,omitempty"`
	// HealthCheck is the check id, or "new:<reference>" for a check the
	// apply creates first.
	HealthCheck string `json:"health_check,omitempty"`
}

// Geo is a geolocation; Country "*" is the default location.
type Geo struct {
	Continent   string `json:"continent,omitempty"`
	Country     string `json:"country,omitempty"`
	Subdivision string `json:"subdivision,omitempty"`
}

// CIDR routes by the client's network: a location in a collection.
type CIDR struct {
	Collection string `json:"collection"`
	Location   string `json:"location"`
}

// Alias points at another record set of the zone.
type Alias struct {
	Target         string `json:"target"`
	EvaluateHealth bool   `json:"evaluate_health"`
}

// Record is a user's record and the record sets that implement it.
type Record = plan.Group[RRSet]

// RRSetChange is one record set's change.
type RRSetChange = plan.SetChange[RRSet]

// recordChange is a user's record's change in record sets.
type recordChange = plan.GroupChange[RRSet]

// Key identifies an rrset within a zone.
func (r RRSet) Key() string { return r.Name + " " + r.Type + " " + r.SetID }

// Equal reports whether two rrsets say the same.
func (r RRSet) Equal(o *RRSet) bool {
	a, b := r, *o
	a.Value, b.Value = sorted(a.Value), sorted(b.Value)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func sorted(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return out
}

// String renders an rrset on one line.
func (r RRSet) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Name, r.Type)
	if r.SetID != "" {
		fmt.Fprintf(&b, " [%s]", r.SetID)
	}
	if r.Alias != nil {
		fmt.Fprintf(&b, " alias %s", r.Alias.Target)
	} else {
		fmt.Fprintf(&b, " %d %s", r.TTL, strings.Join(r.Value, " "))
	}
	if r.Weight != nil {
		fmt.Fprintf(&b, " weight=%d", *r.Weight)
	}
	if r.Region != "" {
		fmt.Fprintf(&b, " region=%s", r.Region)
	}
	if r.Failover != "" {
		fmt.Fprintf(&b, " failover=%s", r.Failover)
	}
	if g := r.Geo; g != nil {
		fmt.Fprintf(&b, " geo=%s", strings.Trim(strings.Join([]string{g.Continent, g.Country, g.Subdivision}, "/"), "/"))
	}
	if r.CIDR != nil {
		fmt.Fprintf(&b, " cidr=%s/%s", r.CIDR.Collection, r.CIDR.Location)
	}
	if r.HealthCheck != "" {
		fmt.Fprintf(&b, " check=%s", r.HealthCheck)
	}
	return b.String()
}

// action is Route53's word for a set operation.
func action(op plan.Op) string {
	switch op {
	case plan.Add:
		return "CREATE"
	case plan.Replace:
		return "UPSERT"
	}
	return "DELETE"
}

// HealthCheck is a Route53 health check the plan creates.
type HealthCheck struct {
	Reference string `json:"reference"` // the CallerReference
	Record    string `json:"record"`    // "fqdn TYPE"
	Value     string `json:"value"`
	Protocol  string `json:"protocol"`
	Address   string `json:"address,omitempty"`
	FQDN      string `json:"fqdn,omitempty"`
	Path      string `json:"path,omitempty"`
	Port      int32  `json:"port"`
	Interval  int32  `json:"interval"`
	Threshold int32  `json:"failure_threshold"`
	Latency   bool   `json:"measure_latency"`
	SNI       bool   `json:"enable_sni"`
	Disabled  bool   `json:"disabled"`
	Inverted  bool   `json:"inverted"`
	Tag       string `json:"tag"`
}

// payload is what a Route53 zone plan carries for Apply: the zone, the
// record-set changes by record, and the health checks and CIDR locations
// they need.
type payload struct {
	ZoneID  string         `json:"zone_id,omitempty"` // "" when the apply creates the zone
	Changes []recordChange `json:"changes"`
	// CreateChecks are created before the record-set changes;
	// DeleteChecks, by id, after them.
	CreateChecks []HealthCheck `json:"create_health_checks,omitempty"`
	IPChecks     []IPCheck     `json:"ip_health_checks,omitempty"` // store zones' IP checks, made sure of first
	// Isolate sends a refused batch again record by record (store zones).
	Isolate       bool                `json:"isolate,omitempty"`
	DeleteChecks  []string            `json:"delete_health_checks,omitempty"`
	CIDRLocations map[string][]string `json:"cidr_locations,omitempty"`
}

// fingerprintOf hashes records and check ids in a canonical order, so that
// the order Route53 lists them in does not matter.
func fingerprintOf(records []Record, checks []string) string {
	recs := slices.Clone(records)
	slices.SortFunc(recs, func(a, b Record) int { return strings.Compare(a.Key(), b.Key()) })
	for i := range recs {
		rs := slices.Clone(recs[i].Sets)
		slices.SortFunc(rs, func(a, b RRSet) int { return strings.Compare(a.Key(), b.Key()) })
		for j := range rs {
			rs[j].Value = sorted(rs[j].Value)
		}
		recs[i].Sets = rs
	}
	return plan.Fingerprint(struct {
		R []Record
		C []string
	}{recs, sorted(checks)})
}
