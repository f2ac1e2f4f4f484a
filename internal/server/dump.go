package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// Dump reads zone from the provider named in the configuration at path
// and writes it as <dir>/<zone>.yaml (octoDNS YamlProvider's name); it
// returns the file and how many records it holds.
func Dump(ctx context.Context, path, zone, provider, dir string) (string, int, error) {
	zone = strings.ToLower(strings.TrimSuffix(zone, ".") + ".")
	cfg, err := config.Load(path)
	if err != nil {
		return "", 0, err
	}
	provs, err := OpenProviders(ctx, cfg, nil)
	if err != nil {
		return "", 0, err
	}
	p, ok := provs[provider]
	if !ok {
		return "", 0, fmt.Errorf("no provider %q in %s", provider, path)
	}
	z, err := p.Dump(ctx, zone)
	if err != nil {
		return "", 0, fmt.Errorf("dump %s from %s: %w", zone, provider, err)
	}
	b, err := zonefile.Format(z)
	if err != nil {
		return "", 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, fmt.Errorf("creating %s: %w", dir, err)
	}
	file := filepath.Join(dir, z.Name+"yaml")
	return file, len(z.Records), os.WriteFile(file, b, 0o644)
}

// MissingZones names the zones of only that st does not have.
func (st *State) MissingZones(only []string) string {
	var missing []string
	for _, name := range only {
		if !slices.ContainsFunc(st.Zones, func(z *model.Zone) bool { return z.Name == name }) {
			missing = append(missing, name)
		}
	}
	return strings.Join(missing, ", ")
}
