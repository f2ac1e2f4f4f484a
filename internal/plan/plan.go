// Package plan says, in one shape every provider shares, what an apply
// would change: each zone's record-level changes (create, update or delete
// of a user's record), checked against octoDNS's safety thresholds, printed
// and saved as JSON. What a provider actually sends (Route53 change
// batches, RFC 2136 update sections) travels in the zone plan as that
// provider's own payload, which this package carries without knowing its
// shape. It also holds what providers share to compute plans: a generic
// diff of native record sets, capabilities as data, and state
// fingerprints. It is pure: no I/O, no logging.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Action is what happens to a user's record.
type Action string

// Record actions.
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
)

// Change is what happens to one of the user's records ("www.example.com.
// A") at one provider.
type Change struct {
	Action Action `json:"action"`
	Name   string `json:"name"` // fqdn
	Type   string `json:"type"`
	// Native describes, one line each, the provider's own changes that
	// carry this one out (printed with plan -v).
	Native []string `json:"native,omitempty"`
}

// ZonePlan is the plan for one zone on one target.
type ZonePlan struct {
	Zone     string   `json:"zone"`
	Target   string   `json:"target"`
	Existing int      `json:"existing_records"` // records the plan may touch, for the thresholds
	Changes  []Change `json:"changes"`
	// Steps are what the apply does besides changing records (creating
	// the zone, health checks, ...), one line each, in order.
	Steps []string `json:"steps,omitempty"`
	// CreatesZone says the zone does not exist at the provider yet: the
	// apply creates it (one of the Steps).
	CreatesZone bool `json:"creates_zone,omitempty"`
	// State fingerprints what existed when the plan was made; an apply of
	// a saved plan refuses if it changed.
	State    string   `json:"state"`
	Warnings []string `json:"warnings,omitempty"`
	// Refused are records the plan leaves as they are at the provider
	// because they cannot be pushed (a policy with no usable member); the
	// rest of the zone goes.
	Refused []RecordError `json:"refused,omitempty"`
	// Payload is the provider's own description of the apply, in a shape
	// only the provider knows; Apply reads it back.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Plan is every zone plan of a run.
type Plan struct {
	Zones []ZonePlan `json:"zones"`
}

// Empty reports whether the zone plan changes nothing.
func (z *ZonePlan) Empty() bool { return len(z.Changes) == 0 && len(z.Steps) == 0 }

// Empty reports whether no zone plan changes anything.
func (p *Plan) Empty() bool {
	for i := range p.Zones {
		if !p.Zones[i].Empty() {
			return false
		}
	}
	return true
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

// Fingerprint hashes a provider's view of what exists (anything that
// encodes to JSON deterministically), so a saved plan can tell whether
// reality moved.
func Fingerprint(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// NativeChanges describes a provider's changes record by record, each
// native set change one line: verb names the operation as the provider
// does, and a replaced set shows what it was.
func NativeChanges[S interface {
	Set[S]
	String() string
}](changes []GroupChange[S], verb func(Op) string) []Change {
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		pc := Change{Action: c.Action, Name: c.Name, Type: c.Type}
		for _, sc := range c.Sets {
			line := fmt.Sprintf("%-6s %s", verb(sc.Op), sc.Set.String())
			if sc.Old != nil {
				line += " (was: " + (*sc.Old).String() + ")"
			}
			pc.Native = append(pc.Native, line)
		}
		out = append(out, pc)
	}
	return out
}
