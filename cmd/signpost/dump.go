package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/zonefile"
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
	zone := strings.ToLower(strings.TrimSuffix(*zoneName, ".") + ".")
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	provs, err := server.OpenProviders(ctx, cfg, nil)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	p, ok := provs[*provName]
	if !ok {
		fmt.Fprintf(stderr, "signpost: no provider %q in %s\n", *provName, *cfgPath)
		return 1
	}
	z, err := p.Dump(ctx, zone)
	if err == nil {
		err = writeZone(*outDir, z)
	}
	if err != nil {
		fmt.Fprintf(stderr, "signpost: dump %s from %s: %v\n", zone, *provName, err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d records to %s\n", len(z.Records), filepath.Join(*outDir, zone+"yaml"))
	return 0
}

// writeZone writes z as <dir>/<zone>.yaml, the octoDNS YamlProvider name.
func writeZone(dir string, z *model.Zone) error {
	b, err := zonefile.Format(z)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	return os.WriteFile(filepath.Join(dir, z.Name+"yaml"), b, 0o644)
}
