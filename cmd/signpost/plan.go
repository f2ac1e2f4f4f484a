package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

// zoneList is a repeatable --zone flag.
type zoneList []string

func (z *zoneList) String() string { return strings.Join(*z, ",") }
func (z *zoneList) Set(v string) error {
	if !strings.HasSuffix(v, ".") {
		v += "."
	}
	*z = append(*z, strings.ToLower(v))
	return nil
}

func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plan", "plan --config FILE [--zone Z]... [-v] [--out plan.json] [--detailed-exitcode]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	var zones zoneList
	fs.Var(&zones, "zone", "plan only this zone (repeatable)")
	verbose := fs.Bool("v", false, "also print the provider record-set changes")
	out := fs.String("out", "", "write the plan as JSON to this file")
	detailed := fs.Bool("detailed-exitcode", false, "exit 0 with no changes, 2 with changes, 1 on error")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	p, _, err := makePlan(ctx, *cfgPath, zones, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	printPlan(stdout, p, *verbose)
	if *out != "" {
		if err := writePlan(*out, p); err != nil {
			fmt.Fprintf(stderr, "signpost: %v\n", err)
			return 1
		}
	}
	if *detailed && !planEmpty(p) {
		return 2
	}
	return 0
}

// makePlan loads everything and plans every zone on every target.
func makePlan(ctx context.Context, cfgPath string, only zoneList, stderr io.Writer) (*plan.Plan, map[string]provider.Provider, error) {
	st, err := load(cfgPath, uint32(time.Now().Unix()))
	if err != nil {
		if st != nil {
			printProblems(stderr, st.probs.Errors())
		}
		return nil, nil, err
	}
	provs, err := providersFor(ctx, st.cfg)
	if err != nil {
		return nil, nil, err
	}
	p := &plan.Plan{}
	var errs []error
	for _, z := range st.zones {
		if len(only) > 0 && !slices.Contains(only, z.Name) {
			continue
		}
		for _, target := range st.cfg.TargetsFor(z.Name) {
			zp, err := provs[target].Plan(ctx, z)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s -> %s: %w", z.Name, target, err))
				continue
			}
			p.Zones = append(p.Zones, *zp)
		}
	}
	if missing := missingZones(only, st.zones); missing != "" {
		errs = append(errs, fmt.Errorf("no zone file for %s", missing))
	}
	return p, provs, errors.Join(errs...)
}

func missingZones(only zoneList, zones []*model.Zone) string {
	var missing []string
	for _, name := range only {
		if !slices.ContainsFunc(zones, func(z *model.Zone) bool { return z.Name == name }) {
			missing = append(missing, name)
		}
	}
	return strings.Join(missing, ", ")
}

func planEmpty(p *plan.Plan) bool {
	for i := range p.Zones {
		if !p.Zones[i].Empty() {
			return false
		}
	}
	return true
}

// printPlan prints each zone's record-level changes and a summary line.
func printPlan(w io.Writer, p *plan.Plan, verbose bool) {
	if len(p.Zones) == 0 {
		fmt.Fprintln(w, "No zone has a target (zones.targets).")
	}
	for i := range p.Zones {
		z := &p.Zones[i]
		fmt.Fprintf(w, "%s -> %s\n", z.Zone, z.Target)
		if z.ZoneID == "" {
			fmt.Fprintln(w, "  + create hosted zone")
		}
		for _, c := range z.Changes {
			mark := map[plan.Action]string{plan.Create: "+", plan.Update: "~", plan.Delete: "-"}[c.Action]
			fmt.Fprintf(w, "  %s %s %s %s (%d record sets)\n", mark, c.Action, c.Name, c.Type, len(c.RRSets))
			if verbose {
				for _, rc := range c.RRSets {
					fmt.Fprintf(w, "      %-6s %s\n", rc.Action, rc.RRSet.String())
				}
			}
		}
		for _, h := range z.CreateChecks {
			fmt.Fprintf(w, "  + health check %s %s %s:%d%s for %s\n", h.Protocol, h.Value, h.FQDN, h.Port, h.Path, h.Record)
		}
		for _, id := range z.DeleteChecks {
			fmt.Fprintf(w, "  - health check %s (no longer used)\n", id)
		}
		for _, warn := range z.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", warn)
		}
		c, u, d := z.Counts()
		fmt.Fprintf(w, "Summary: %s -> %s: Creates=%d, Updates=%d, Deletes=%d, Existing=%d, HealthChecks=+%d/-%d\n",
			z.Zone, z.Target, c, u, d, z.Existing, len(z.CreateChecks), len(z.DeleteChecks))
	}
}

func writePlan(path string, p *plan.Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

func readPlan(path string) (*plan.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", path, err)
	}
	return &p, nil
}
