// Package provider defines what a DNS provider does for signpost: read a
// zone, plan the changes that make it match the desired state, and apply a
// plan. Each backend lives in a folder of its own and declares what it can
// do as data (plan.Capabilities); Check and PlanZone are the one path
// every caller (validate, plan, apply, serve's reconcile) checks through.
package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
)

// Provider is one backend holding zones.
type Provider interface {
	// Name is the provider's id in signpost.yaml.
	Name() string
	// Capabilities says what the provider can represent.
	Capabilities() plan.Capabilities
	// Check reports, without any API call, what in z the provider would
	// reject beyond its capabilities, one "fqdn TYPE: reason" each.
	Check(z *model.Zone) []string
	// Plan reads the zone as it is and returns the changes that make it
	// match z. It changes nothing.
	Plan(ctx context.Context, z *model.Zone) (*plan.ZonePlan, error)
	// Apply carries a plan out. A plan made earlier is refused if the zone
	// changed since (plan.ErrStale).
	Apply(ctx context.Context, p *plan.ZonePlan) error
	// Dump reads a zone back into the model, dynamic records included.
	Dump(ctx context.Context, zone string) (*model.Zone, error)
}

// ZoneRemover is a provider that deletes whole zones: every record but
// what the zone itself needs, then the zone. A zone already gone is done.
type ZoneRemover interface {
	DeleteZone(ctx context.Context, zone string) error
}

// Delegator is a provider that assigns name servers to the zones it
// creates.
type Delegator interface {
	NameServers(ctx context.Context, zone string) ([]string, error)
}

// Passer is a provider that shares reads across the zones of one
// reconcile pass (Route53 lists the account's health checks once).
type Passer interface {
	StartPass()
	EndPass()
}

// Target is a zone to push to a provider.
type Target struct {
	Zone     *model.Zone
	Provider Provider
}

// Check reports, with file and line, everything in z that p cannot take:
// its capabilities first, then its own offline checks. It makes no API
// call.
func Check(p Provider, z *model.Zone) model.Problems {
	out := p.Capabilities().Check(p.Name(), z)
	for _, msg := range p.Check(z) {
		out = append(out, locate(z, p.Name(), msg))
	}
	return out
}

// PlanZone checks z against p, then plans it; problems come back as a
// model.Problems error and nothing is read from the provider.
func PlanZone(ctx context.Context, p Provider, z *model.Zone) (*plan.ZonePlan, error) {
	if probs := Check(p, z); len(probs.Errors()) > 0 {
		return nil, fmt.Errorf("%s cannot take %s:\n%w", p.Name(), z.Name, probs)
	}
	return p.Plan(ctx, z)
}

// locate turns a provider message "fqdn TYPE: reason" into a problem at the
// record's file and line; a message about no record points at the file.
func locate(z *model.Zone, target, msg string) model.Problem {
	for _, r := range z.Records {
		prefix := r.FQDN() + " " + string(r.Type) + ": "
		if len(msg) > len(prefix) && strings.EqualFold(msg[:len(prefix)], prefix) {
			return model.Problem{File: z.File, Line: r.Line, Name: r.FQDN(), Type: r.Type, Reason: "target " + target + ": " + msg[len(prefix):]}
		}
	}
	return model.Problem{File: z.File, Name: z.Name, Reason: "target " + target + ": " + msg}
}
