package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

// Ledger keeps store zones' push state: which writes were pushed, why
// others were not, zones to remove from their providers, and the event
// log. The server implements it with the store.
type Ledger interface {
	// Pushed records a push of z's pending writes (model.Managed.Pending):
	// each with the token it was planned with and, if it was not pushed,
	// why.
	Pushed(ctx context.Context, z *model.Zone, results []Result) error
	// Failed records that z could not be pushed at all.
	Failed(ctx context.Context, z *model.Zone, err error)
	// Delegated keeps the name servers a provider assigned to z.
	Delegated(ctx context.Context, z *model.Zone, ns []string) error
	// Removals lists store zones deleted but still at their providers;
	// Removed forgets one removed from every target.
	Removals(ctx context.Context) ([]Removal, error)
	Removed(ctx context.Context, r Removal) error
	// Event writes to the event log.
	Event(ctx context.Context, kind, subject, detail string)
}

// Result is a pending write after a push.
type Result struct {
	Zone      bool // the zone's own write (its creation)
	ID, Token string
	Error     string // "" when pushed
}

// Removal is a deleted store zone to remove from its targets.
type Removal struct {
	ZoneID, Zone string
	Targets      []provider.Provider
}

// failedFor returns why a pending write was not pushed: a failure of its
// own record set, or of the policy tree it needs.
func failedFor(zone string, p model.PendingRecord, failed []plan.RecordError) string {
	if p.Zone {
		return ""
	}
	fqdn := strings.ToLower(model.NameFQDN(model.APIName(p.Name), zone))
	var why []string
	for _, f := range failed {
		mine := strings.EqualFold(f.Name, fqdn) && f.Type == string(p.Type)
		tree := p.Policy != "" && model.TreePolicy(f.Name) == p.Policy
		if mine || tree {
			why = append(why, f.String())
		}
	}
	return strings.Join(why, "; ")
}

// removals deletes deleted store zones from their providers, each with
// the backoff of a failing zone.
func (r *Reconciler) removals(ctx context.Context) error {
	if r.opts.Ledger == nil {
		return nil
	}
	gone, err := r.opts.Ledger.Removals(ctx)
	if err != nil {
		return fmt.Errorf("listing zones to remove: %w", err)
	}
	var errs []error
	for _, g := range gone {
		if err := r.remove(ctx, g); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *Reconciler) remove(ctx context.Context, g Removal) error {
	left := 0
	var errs []error
	for _, p := range g.Targets {
		key := g.Zone + " " + p.Name() + " removal"
		if !r.due(key) {
			left++
			continue
		}
		rm, ok := p.(provider.ZoneRemover)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %s cannot delete zones", g.Zone, p.Name()))
			continue
		}
		err := rm.DeleteZone(ctx, g.Zone)
		r.settle(key, err)
		if err != nil {
			left++
			r.log.Error("removing a deleted zone failed; retrying with backoff", "zone", g.Zone, "target", p.Name(), "err", err)
			errs = append(errs, err)
			continue
		}
		r.log.Info("removed a deleted zone", "zone", g.Zone, "target", p.Name())
	}
	if left == 0 && len(errs) == 0 {
		r.opts.Ledger.Event(ctx, "zone.removed", g.Zone, "removed from its targets")
		return r.opts.Ledger.Removed(ctx, g)
	}
	return errors.Join(errs...)
}
