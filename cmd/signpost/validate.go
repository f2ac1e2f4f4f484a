package main

import (
	"context"
	"fmt"
	"io"
)

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", "validate --config FILE", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	st, ok := load(ctx, *cfgPath, stderr, "invalid")
	if !ok {
		return 1
	}
	defer st.Close()
	printProblems(stderr, st.Problems)
	records, dynamic := 0, 0
	for _, z := range st.Zones {
		records += len(z.Records)
		for _, r := range z.Records {
			if r.Dynamic != nil {
				dynamic++
			}
		}
	}
	fmt.Fprintf(stdout, "ok: %d zone(s), %d record(s), %d dynamic, %d health-check target(s), %d warning(s)\n",
		len(st.Zones), records, dynamic, len(st.Table.Targets()), len(st.Problems))
	return 0
}
