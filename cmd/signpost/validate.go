package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

func cmdValidate(_ context.Context, args []string, stdout, stderr io.Writer) int {
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
