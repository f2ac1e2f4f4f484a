package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/reconcile"
)

func cmdApply(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("apply", "apply --config FILE [--zone Z]... [--plan plan.json] [--force]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	var zones zoneList
	fs.Var(&zones, "zone", "apply only this zone (repeatable)")
	planPath := fs.String("plan", "", "apply this saved plan; refused if the zones changed since it was made")
	force := fs.Bool("force", false, "apply even past the safety thresholds (30% updates or deletes, root NS)")
	verbose := fs.Bool("v", false, "also print each provider's native changes")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	st, p, ok := makePlan(ctx, *cfgPath, zones, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	if *planPath != "" {
		var err error
		if p, err = reconcile.LoadPlan(*planPath); err != nil {
			fmt.Fprintf(stderr, "signpost: %v\n", err)
			return 1
		}
	}
	p.Print(stdout, *verbose)
	err := reconcile.Apply(ctx, p, st.Providers, *force, func(z *plan.ZonePlan) {
		if z.Empty() {
			fmt.Fprintf(stdout, "%s -> %s: nothing to do\n", z.Zone, z.Target)
			return
		}
		c, u, d := z.Counts()
		fmt.Fprintf(stdout, "%s -> %s: applied %d creates, %d updates, %d deletes, %d steps\n", z.Zone, z.Target, c, u, d, len(z.Steps))
	})
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	return 0
}
