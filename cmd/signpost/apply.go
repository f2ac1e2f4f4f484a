package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

func cmdApply(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("apply", "apply --config FILE [--zone Z]... [--plan plan.json] [--force]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	var zones zoneList
	fs.Var(&zones, "zone", "apply only this zone (repeatable)")
	planPath := fs.String("plan", "", "apply this saved plan; refused if the zones changed since it was made")
	force := fs.Bool("force", false, "apply even past the safety thresholds (30% updates or deletes, root NS)")
	verbose := fs.Bool("v", false, "also print the provider record-set changes")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	p, provs, err := makePlan(ctx, *cfgPath, zones, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	if *planPath != "" {
		if p, err = readPlan(*planPath); err != nil {
			fmt.Fprintf(stderr, "signpost: %v\n", err)
			return 1
		}
	}
	printPlan(stdout, p, *verbose)
	if err := applyPlan(ctx, p, provs, *force, stdout); err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	return 0
}

// applyPlan checks every zone plan's safety first, so that nothing is
// applied when any zone would be refused, then applies them in order.
func applyPlan(ctx context.Context, p *plan.Plan, provs map[string]provider.Provider, force bool, stdout io.Writer) error {
	for i := range p.Zones {
		z := &p.Zones[i]
		if provs[z.Target] == nil {
			return fmt.Errorf("%s: target %q is not configured", z.Zone, z.Target)
		}
		if err := z.CheckSafety(); err != nil && !force {
			return err
		}
	}
	for i := range p.Zones {
		z := &p.Zones[i]
		if z.Empty() {
			fmt.Fprintf(stdout, "%s -> %s: nothing to do\n", z.Zone, z.Target)
			continue
		}
		if err := provs[z.Target].Apply(ctx, z); err != nil {
			return fmt.Errorf("applying %s -> %s: %w", z.Zone, z.Target, err)
		}
		c, u, d := z.Counts()
		fmt.Fprintf(stdout, "%s -> %s: applied %d creates, %d updates, %d deletes\n", z.Zone, z.Target, c, u, d)
	}
	return nil
}
