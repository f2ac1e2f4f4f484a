package server

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
	"github.com/signpost-dns/signpost/internal/zincimport"
)

// plainReader is a provider that reads a zone's plain records for an
// import (Route53).
type plainReader interface {
	Plain(ctx context.Context, zone string) ([]*model.Record, []string, error)
}

// ImportZinc reads zinc's database from (a DSN) into the store of the
// configuration at path, with zinc's zones pushed to target: the provider
// zinc's hosted zones are at, where their plain records are read; empty
// means the one provider configured.
func ImportZinc(ctx context.Context, path, from, target string) (*zincimport.Report, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if cfg.Store.URL == "none" {
		return nil, fmt.Errorf("%s: store.url is none: an import needs a store", path)
	}
	if target == "" {
		names := slices.Sorted(maps.Keys(cfg.Providers))
		if len(names) != 1 {
			return nil, fmt.Errorf("%s: %d providers are configured (%v): name zinc's with --target", path, len(names), names)
		}
		target = names[0]
	}
	st, err := store.Open(ctx, cfg.Store.URL)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	provs, err := providersFor(ctx, cfg, st, nil)
	if err != nil {
		return nil, err
	}
	pr, ok := provs[target].(plainReader)
	if !ok {
		return nil, fmt.Errorf("%s: target %q is not a configured Route53 provider", path, target)
	}
	db, err := zincimport.Open(from)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return zincimport.Import(ctx, db, st, zincimport.Options{Target: target, Regions: regions(cfg), Plain: pr.Plain})
}
