package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/server"
)

func cmdDump(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("dump", "dump --config FILE --zone Z --provider NAME --out DIR", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	zoneName := fs.String("zone", "", "the zone to read")
	provName := fs.String("provider", "", "the provider to read it from")
	outDir := fs.String("out", ".", "directory to write <zone>.yaml into")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	if *zoneName == "" || *provName == "" {
		fs.Usage()
		return 2
	}
	file, n, err := server.Dump(ctx, *cfgPath, *zoneName, *provName, *outDir)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d records to %s\n", n, file)
	return 0
}
