package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/server"
)

func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("query", "query --config FILE [--client IP] [--subnet CIDR] NAME [TYPE]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	client := fs.String("client", "", "the querying client's (or resolver's) address")
	subnet := fs.String("subnet", "", "an EDNS Client Subnet, e.g. 203.0.113.0/24; overrides --client for steering")
	healthURL := fs.String("health", "", "where to read live health (default: the config's http.listen; \"off\" assumes every target healthy)")
	probe := fs.Bool("probe", false, "probe every health-check target now instead of asking a running server")
	fs.Bool("explain", true, "explain the answer (always on; accepted for clarity)")
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) < 1 || len(pos) > 2 {
		fs.Usage()
		return 2
	}
	qtype := ""
	if len(pos) == 2 {
		qtype = pos[1]
	}
	q, err := server.ParseQuery(pos[0], qtype, *client, *subnet)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 2
	}
	st, ok := load(ctx, *cfgPath, stderr, "cannot query")
	if !ok {
		return 1
	}
	defer st.Close()
	server.Explain(stdout, st, q, server.HealthFor(ctx, st, *healthURL, *probe))
	return 0
}
