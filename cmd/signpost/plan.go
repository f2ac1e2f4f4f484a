package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/reconcile"
	"github.com/signpost-dns/signpost/internal/server"
)

// zoneList is a repeatable --zone flag.
type zoneList []string

func (z *zoneList) String() string { return strings.Join(*z, ",") }
func (z *zoneList) Set(v string) error {
	*z = append(*z, strings.ToLower(strings.TrimSuffix(v, ".")+"."))
	return nil
}

func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plan", "plan --config FILE [--zone Z]... [-v] [--out plan.json] [--detailed-exitcode]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	var zones zoneList
	fs.Var(&zones, "zone", "plan only this zone (repeatable)")
	verbose := fs.Bool("v", false, "also print each provider's native changes")
	out := fs.String("out", "", "write the plan as JSON to this file")
	detailed := fs.Bool("detailed-exitcode", false, "exit 0 with no changes, 2 with changes, 1 on error")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	st, p, ok := makePlan(ctx, *cfgPath, zones, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	p.Print(stdout, *verbose)
	if *out != "" {
		if err := reconcile.SavePlan(*out, p); err != nil {
			fmt.Fprintf(stderr, "signpost: %v\n", err)
			return 1
		}
	}
	if *detailed && !p.Empty() {
		return 2
	}
	return 0
}

// makePlan loads everything and plans the zones (all, or only) on every
// target.
func makePlan(ctx context.Context, cfgPath string, only zoneList, stderr io.Writer) (*server.State, *plan.Plan, bool) {
	st, ok := load(ctx, cfgPath, stderr, "cannot plan")
	if !ok {
		return nil, nil, false
	}
	p, err := reconcile.Plan(ctx, st.Targets(only...))
	if missing := st.MissingZones(only); missing != "" {
		err = errors.Join(err, fmt.Errorf("no zone file for %s", missing))
	}
	if err != nil {
		_ = st.Close()
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return nil, nil, false
	}
	return st, p, true
}
