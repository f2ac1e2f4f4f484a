package server

import (
	"context"
	"errors"
	"maps"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/store"
)

// ipChecks keeps a provider's IP health checks in the store.
type ipChecks struct {
	st       *store.Store
	provider string
}

func (c *ipChecks) IPCheck(ctx context.Context, addr netip.Addr) (ref, id string, err error) {
	err = c.st.View(ctx, func(tx *store.Tx) error {
		ch, err := tx.IPCheck(ctx, c.provider, addr)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err == nil {
			ref, id = ch.Reference, ch.ID
		}
		return err
	})
	return ref, id, err
}

func (c *ipChecks) PutIPCheck(ctx context.Context, addr netip.Addr, ref, id string) error {
	return c.st.Update(ctx, func(tx *store.Tx) error {
		return tx.PutIPCheck(ctx, &store.IPCheck{Provider: c.provider, Address: addr, Reference: ref, ID: id})
	})
}

func (c *ipChecks) Retire(ctx context.Context, id string) error {
	return c.st.Update(ctx, func(tx *store.Tx) error { return tx.RetireCheck(ctx, c.provider, id) })
}

// Retired lists the checks replaced and those of IPs that are gone (their
// rows go once they are deleted).
func (c *ipChecks) Retired(ctx context.Context) ([]string, error) {
	var out []string
	err := c.st.Update(ctx, func(tx *store.Tx) error {
		orphans, err := tx.OrphanChecks(ctx, c.provider)
		if err != nil {
			return err
		}
		for _, o := range orphans {
			if o.ID != "" {
				if err := tx.RetireCheck(ctx, c.provider, o.ID); err != nil {
					return err
				}
			}
			if err := tx.DeleteIPCheck(ctx, c.provider, o.Address); err != nil {
				return err
			}
		}
		out, err = tx.RetiredChecks(ctx, c.provider)
		return err
	})
	return out, err
}

func (c *ipChecks) Forget(ctx context.Context, id string) error {
	return c.st.Update(ctx, func(tx *store.Tx) error { return tx.ForgetCheck(ctx, c.provider, id) })
}

// constructor opens one provider from its configuration.
// st is the store (nil without one), for what a provider keeps there.
type constructor func(ctx context.Context, name string, c config.Provider, stateDir string, st *store.Store) (provider.Provider, error)

// constructors maps provider types to constructors; a new backend adds a
// line here.
func constructors() map[string]constructor {
	return map[string]constructor{"route53": openRoute53, "rfc2136": openRFC2136}
}

func openRoute53(ctx context.Context, name string, c config.Provider, stateDir string, st *store.Store) (provider.Provider, error) {
	var checks route53.IPCheckStore
	if st != nil {
		checks = &ipChecks{st: st, provider: name}
	}
	return route53.Open(ctx, name, route53.Config{IPChecks: checks,
		AccessKeyID: config.Secret(c.AccessKeyID), SecretAccessKey: config.Secret(c.SecretAccessKey),
		Profile: c.Profile, Region: c.Region, Endpoint: c.Endpoint, MaxChanges: c.MaxChanges, RPS: c.RequestsPerSecond, Keep: c.Keep,
		RefsFile: filepath.Join(stateDir, "route53-zone-references.json"),
	})
}

func openRFC2136(_ context.Context, name string, c config.Provider, _ string, _ *store.Store) (provider.Provider, error) {
	opts := rfc2136.Options{Name: name, Server: c.Server, Timeout: time.Duration(c.Timeout), Keep: c.Keep}
	if k := c.TSIG; k != nil {
		opts.TSIG = &rfc2136.TSIG{Name: k.Name, Algorithm: k.Algorithm, Secret: config.Secret(k.Secret)}
	}
	return rfc2136.New(opts)
}

// OpenProviders builds every provider cfg configures; st may be nil.
func OpenProviders(ctx context.Context, cfg *config.Config, st *store.Store) (map[string]provider.Provider, error) {
	return providersFor(ctx, cfg, st, nil)
}

// withAPIs returns st with the Route53 providers named in apis talking to
// those APIs instead.
func withAPIs(st *State, apis map[string]route53.API) *State {
	if len(apis) == 0 {
		return st
	}
	next := *st
	next.Providers = maps.Clone(st.Providers)
	for name, api := range apis {
		if p, ok := next.Providers[name].(*route53.Provider); ok {
			next.Providers[name] = p.WithAPI(api)
		}
	}
	return &next
}
