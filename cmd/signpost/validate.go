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
	fmt.Fprintln(stdout, "ok: "+st.Summary())
	return 0
}
