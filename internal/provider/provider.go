// Package provider defines what a DNS provider does for signpost: read a
// zone, plan the changes that make it match the desired state, and apply a
// plan. Each backend lives in a folder of its own and declares what it can
// do as data.
package provider

import (
	"context"
	"slices"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
)

// Provider is one backend holding zones.
type Provider interface {
	// Name is the provider's id in signpost.yaml.
	Name() string
	// Capabilities says what the provider can represent.
	Capabilities() Capabilities
	// Check reports, without any API call, what in z the provider would
	// reject.
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

// Capabilities are what a provider supports, checked by CheckCapabilities
// before any API call.
type Capabilities struct {
	Types   []string // record types
	Dynamic bool     // dynamic records
	Status  bool     // pool value status up/down
	Subnets bool     // subnet rules
	RootNS  bool     // managing the apex NS
}

// CheckCapabilities reports what in z a provider with caps cannot
// represent, without asking the provider anything.
func CheckCapabilities(caps Capabilities, z *model.Zone) []string {
	var out []string
	for _, r := range z.Records {
		if r.Ignored {
			continue
		}
		what := r.FQDN() + " " + r.Type + ": "
		if !slices.Contains(caps.Types, r.Type) {
			out = append(out, what+"type "+r.Type+" is not supported")
		}
		if r.Name == "" && r.Type == "NS" && !caps.RootNS {
			out = append(out, what+"the apex NS cannot be managed")
		}
		if r.Dynamic == nil {
			continue
		}
		if !caps.Dynamic {
			out = append(out, what+"dynamic records are not supported")
			continue
		}
		out = append(out, checkDynamic(caps, what, r.Dynamic)...)
	}
	return out
}

func checkDynamic(caps Capabilities, what string, d *model.Dynamic) []string {
	var out []string
	if !caps.Status && slices.ContainsFunc(d.Pools, func(p *model.Pool) bool {
		return slices.ContainsFunc(p.Values, func(v model.PoolValue) bool { return v.Status != model.StatusObey })
	}) {
		out = append(out, what+"pool value status up/down is not supported")
	}
	if !caps.Subnets && slices.ContainsFunc(d.Rules, func(r *model.Rule) bool { return len(r.Subnets) > 0 }) {
		out = append(out, what+"subnet rules are not supported")
	}
	return out
}
