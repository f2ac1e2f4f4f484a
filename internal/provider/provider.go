// Package provider defines what a DNS provider does for signpost: read a
// zone, plan the changes that make it match the desired state, and apply a
// plan. Each backend lives in a folder of its own and declares what it can
// do as data.
package provider

import (
	"context"

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

// Capabilities are what a provider supports, checked before any API call.
type Capabilities struct {
	Types   []string // record types
	Dynamic bool     // dynamic records
	Status  bool     // pool value status up/down
	Subnets bool     // subnet rules
	RootNS  bool     // managing the apex NS
}
