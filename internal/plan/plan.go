// Package plan turns desired and existing record sets into changes that can
// be printed, saved as JSON, checked for safety and applied. It is pure: no
// I/O, no logging.
//
// Changes are grouped by the user's records ("www.example.com. A"), each
// carrying the provider record sets (rrsets) it creates, updates or
// deletes, so that a plan reads at the level users write while providers
// apply at theirs.
package plan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// RRSet is one provider record set.
type RRSet struct {
	Name  string   `json:"name"` // fully qualified, lower case
	Type  string   `json:"type"`
	SetID string   `json:"set_id,omitempty"`
	TTL   uint32   `json:"ttl,omitempty"`
	Value []string `json:"values,omitempty"`

	Weight   *int64 `json:"weight,omitempty"`
	Failover string `json:"failover,omitempty"` // PRIMARY or SECONDARY
	Geo      *Geo   `json:"geo,omitempty"`
	CIDR     *CIDR  `json:"cidr,omitempty"`
	Alias    *Alias `json:"alias,omitempty"`
	// HealthCheck is the provider's check id, or "new:<reference>" for a
	// check the apply creates first.
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

// Key identifies an rrset within a zone.
func (r *RRSet) Key() string { return r.Name + " " + r.Type + " " + r.SetID }

// Equal reports whether two rrsets say the same.
func (r *RRSet) Equal(o *RRSet) bool {
	a, b := *r, *o
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
func (r *RRSet) String() string {
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

// Record is a user's record and the rrsets that implement it.
type Record struct {
	Name   string  `json:"name"` // fqdn
	Type   string  `json:"type"`
	RRSets []RRSet `json:"rrsets"`
}

// Key is "fqdn TYPE".
func (r *Record) Key() string { return r.Name + " " + r.Type }

// Action is what happens to a user's record.
type Action string

// Record actions.
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
)

// RRSetChange is one provider-level change.
type RRSetChange struct {
	Action string `json:"action"` // CREATE, UPSERT or DELETE
	RRSet  RRSet  `json:"rrset"`
	Old    *RRSet `json:"old,omitempty"`
}

// Change is what happens to one user record.
type Change struct {
	Action Action        `json:"action"`
	Name   string        `json:"name"`
	Type   string        `json:"type"`
	RRSets []RRSetChange `json:"rrsets"`
}

// HealthCheck is a provider health check the plan creates.
type HealthCheck struct {
	Reference string `json:"reference"` // the provider's idempotency token
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

// ZonePlan is the plan for one zone on one target.
type ZonePlan struct {
	Zone     string   `json:"zone"`
	Target   string   `json:"target"`
	ZoneID   string   `json:"zone_id,omitempty"` // "" when the apply creates the zone
	Existing int      `json:"existing_records"`
	Changes  []Change `json:"changes"`
	// CreateChecks are created before the rrset changes; DeleteChecks, by
	// provider id, after them.
	CreateChecks []HealthCheck `json:"create_health_checks,omitempty"`
	DeleteChecks []string      `json:"delete_health_checks,omitempty"`
	// CIDRLocations are the CIDR locations (name -> subnets) the changes
	// route by.
	CIDRLocations map[string][]string `json:"cidr_locations,omitempty"`
	// State fingerprints what existed when the plan was made; an apply of
	// a saved plan refuses if it changed.
	State    string   `json:"state"`
	Warnings []string `json:"warnings,omitempty"`
}

// Plan is every zone plan of a run.
type Plan struct {
	Zones []ZonePlan `json:"zones"`
}

// Empty reports whether the zone plan changes nothing.
func (z *ZonePlan) Empty() bool {
	return len(z.Changes) == 0 && len(z.CreateChecks) == 0 && len(z.DeleteChecks) == 0 && z.ZoneID != ""
}

// Counts returns the record-level creates, updates and deletes.
func (z *ZonePlan) Counts() (creates, updates, deletes int) {
	for _, c := range z.Changes {
		switch c.Action {
		case Create:
			creates++
		case Update:
			updates++
		case Delete:
			deletes++
		}
	}
	return
}

// Fingerprint hashes existing records, so a saved plan can tell whether
// reality moved.
func Fingerprint(existing []Record, checks []string) string {
	recs := slices.Clone(existing)
	slices.SortFunc(recs, func(a, b Record) int { return cmp.Compare(a.Key(), b.Key()) })
	for i := range recs {
		rs := slices.Clone(recs[i].RRSets)
		slices.SortFunc(rs, func(a, b RRSet) int { return cmp.Compare(a.Key(), b.Key()) })
		for j := range rs {
			rs[j].Value = sorted(rs[j].Value)
		}
		recs[i].RRSets = rs
	}
	b, _ := json.Marshal(struct {
		R []Record
		C []string
	}{recs, sorted(checks)})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}
