package server

import (
	"context"
	"path/filepath"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/route53"
)

// constructor opens one provider from its configuration.
type constructor func(ctx context.Context, name string, c config.Provider, stateDir string) (provider.Provider, error)

// constructors maps provider types to constructors; a new backend adds a
// line here.
func constructors() map[string]constructor {
	return map[string]constructor{"route53": openRoute53}
}

func openRoute53(ctx context.Context, name string, c config.Provider, stateDir string) (provider.Provider, error) {
	return route53.Open(ctx, name, route53.Config{
		AccessKeyID: config.Secret(c.AccessKeyID), SecretAccessKey: config.Secret(c.SecretAccessKey),
		Profile: c.Profile, Region: c.Region, Endpoint: c.Endpoint, MaxChanges: c.MaxChanges, Keep: c.Keep,
		RefsFile: filepath.Join(stateDir, "route53-zone-references.json"),
	})
}

// OpenProviders builds every provider cfg configures.
func OpenProviders(ctx context.Context, cfg *config.Config) (map[string]provider.Provider, error) {
	return providersFor(ctx, cfg, nil)
}
