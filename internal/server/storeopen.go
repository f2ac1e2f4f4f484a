package server

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// openStore returns prev's store when the URL is unchanged (a new URL
// needs a restart), nil with "none" or a SQLite file not created yet, or
// the store opened anew. Reading commands never create a store.
func openStore(ctx context.Context, cfg *config.Config, prev *State) (*store.Store, error) {
	u := cfg.Store.URL
	if prev != nil && prev.Store != nil {
		return prev.Store, nil
	}
	if u == "none" {
		return nil, nil
	}
	if !strings.Contains(u, "://") {
		if _, err := os.Stat(u); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	return store.Open(ctx, u)
}

// EnsureStore creates the store the configuration at path names, when it
// does not exist yet (a SQLite file), and applies its migrations; `serve`
// and the token commands call it before Load.
func EnsureStore(ctx context.Context, path string) error {
	cfg, err := config.Load(path)
	if err != nil || cfg.Store.URL == "none" {
		return err
	}
	st, err := store.Open(ctx, cfg.Store.URL)
	if err != nil {
		return err
	}
	return st.Close()
}

// regions are the AWS regions and the configured ones.
func regions(cfg *config.Config) model.Regions {
	var user []model.Region
	for code, r := range cfg.Regions {
		user = append(user, model.Region{Code: code, Latitude: r.Latitude, Longitude: r.Longitude})
	}
	return model.NewRegions(user...)
}

// policyCheck is the default check of policy IPs: policies.healthcheck,
// its timing left to the healthcheck: defaults where it sets none.
func policyCheck(cfg *config.Config) model.Healthcheck {
	c := cfg.Policies.Healthcheck
	return model.Healthcheck{Protocol: c.Protocol, Port: c.Port, Path: c.Path, Host: c.Host,
		Interval: time.Duration(c.Interval), Timeout: time.Duration(c.Timeout), Failures: c.Failures, Successes: c.Successes}
}
