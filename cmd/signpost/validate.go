package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider"
)

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", "validate --config FILE", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	st, err := load(*cfgPath, uint32(time.Now().Unix()))
	if st != nil {
		printProblems(stderr, st.probs)
	}
	if err != nil {
		fmt.Fprintf(stderr, "signpost: invalid: %v\n", err)
		return 1
	}
	if code := checkTargets(ctx, st, stderr); code != 0 {
		return code
	}
	records, dynamic := 0, 0
	for _, z := range st.zones {
		records += len(z.Records)
		for _, r := range z.Records {
			if r.Dynamic != nil {
				dynamic++
			}
		}
	}
	fmt.Fprintf(stdout, "ok: %d zone(s), %d record(s), %d dynamic, %d health-check target(s), %d warning(s)\n",
		len(st.zones), records, dynamic, len(st.table.Targets()), len(st.probs))
	return 0
}

// checkTargets runs each target provider's offline checks on its zones.
func checkTargets(ctx context.Context, st *state, stderr io.Writer) int {
	if len(st.cfg.Providers) == 0 {
		return 0
	}
	provs, err := providersFor(ctx, st.cfg)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	bad := 0
	for _, z := range st.zones {
		for _, target := range st.cfg.TargetsFor(z.Name) {
			p := provs[target]
			for _, msg := range append(provider.CheckCapabilities(p.Capabilities(), z), p.Check(z)...) {
				fmt.Fprintf(stderr, "%s: target %s: %s\n", recordLocation(z, msg), target, msg)
				bad++
			}
		}
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "signpost: invalid: %d problem(s) for the zones' targets\n", bad)
		return 1
	}
	return 0
}

// recordLocation returns "FILE:LINE" of the record a provider message is
// about (messages start with "fqdn TYPE"), or the file.
func recordLocation(z *model.Zone, msg string) string {
	for _, r := range z.Records {
		if strings.HasPrefix(strings.ToLower(msg), strings.ToLower(r.FQDN()+" "+r.Type+":")) {
			return fmt.Sprintf("%s:%d", z.File, r.Line)
		}
	}
	return z.File
}
