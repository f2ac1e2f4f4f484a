package server

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/source"
	"github.com/signpost-dns/signpost/internal/store"
)

// State is everything one build produced: what a node serves, probes and
// pushes, until the next build is swapped in. It is never modified.
type State struct {
	Config    *config.Config
	Sources   []source.Source
	Zones     []*model.Zone
	Table     *engine.Table
	Locator   geo.Locator
	Providers map[string]provider.Provider
	// FileZones are the zones read from zone files, by name.
	FileZones []string
	// Store is the open store, shared by every state of a process; nil
	// with store.url none, or before a SQLite store was first created.
	Store *store.Store
	// Problems holds the warnings of a good build, and every problem of a
	// failed one.
	Problems model.Problems
}

// Close releases what the state holds open (the store). Call it once, when
// no state of the process is used any more.
func (st *State) Close() error {
	if st.Store == nil {
		return nil
	}
	return st.Store.Close()
}

// BuildError is a build that found problems; Problems says which.
type BuildError struct {
	Problems model.Problems
	What     string
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("%d problem(s) in %s", len(e.Problems.Errors()), e.What)
}

// Load reads the configuration at path and builds from it; prev (nil at
// start) lends what has not changed.
func Load(ctx context.Context, path string, prev *State) (*State, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg, prev)
	if err != nil {
		return nil, err
	}
	next, err := Build(ctx, cfg, SourcesFor(cfg, prev, st), prev)
	if err != nil && st != nil && (prev == nil || prev.Store != st) {
		st.Close()
	}
	return next, err
}

// SourcesFor returns the sources cfg names — the zone-file directory, and
// the store when there is one — reusing prev's where they are the same.
func SourcesFor(cfg *config.Config, prev *State, st *store.Store) []source.Source {
	opts := source.DirOptions{Path: cfg.Zones.Directory, Watch: cfg.Zones.Watch,
		Interval: time.Duration(cfg.Zones.WatchInterval), Also: []string{cfg.Path}}
	var dir source.Source = source.NewDir(opts)
	var fromStore source.Source
	if prev != nil {
		for _, s := range prev.Sources {
			switch s := s.(type) {
			case *source.Dir:
				if s.Same(opts) {
					dir = s
				}
			case *source.Store:
				if s.Store() == st && reflect.DeepEqual(prev.Config.Regions, cfg.Regions) && prev.Config.Policies == cfg.Policies &&
					prev.Config.Store.PollInterval == cfg.Store.PollInterval {
					fromStore = s
				}
			}
		}
	}
	if st != nil && fromStore == nil {
		fromStore = source.NewStore(st, regions(cfg), policyCheck(cfg), time.Duration(cfg.Store.PollInterval))
	}
	if fromStore == nil {
		return []source.Source{dir}
	}
	return []source.Source{dir, fromStore}
}

// Build reads the sources, validates and compiles the zones, checks them
// against the providers they are pushed to, and returns the next state.
// Nothing running is touched: the caller swaps the state in. On problems it
// returns a *BuildError.
func Build(ctx context.Context, cfg *config.Config, sources []source.Source, prev *State) (*State, error) {
	st := &State{Config: cfg, Sources: sources}
	for _, src := range sources {
		if s, ok := src.(*source.Store); ok {
			st.Store = s.Store()
		}
	}
	var err error
	if st.Locator, err = locatorFor(cfg, prev); err != nil {
		return nil, err
	}
	if st.Providers, err = providersFor(ctx, cfg, st.Store, prev); err != nil {
		return nil, err
	}
	if err := st.readSources(ctx); err != nil {
		return nil, err
	}
	opts := engine.Options{Locator: st.Locator, Serial: nextSerial(prev, time.Now()), SOA: soaFunc(cfg), Probe: probeDefaults(cfg)}
	if prev != nil {
		opts.Prev = prev.Table
	}
	table, probs := engine.Compile(st.Zones, opts)
	st.Problems = append(st.Problems, probs...)
	st.Problems = append(st.Problems, st.checkTargets()...)
	if len(st.Problems.Errors()) > 0 {
		return nil, &BuildError{Problems: st.Problems, What: "the zones under " + cfg.Zones.Directory}
	}
	st.Table = table
	return st, nil
}

// checkTargets checks each zone against the providers it is pushed to.
func (st *State) checkTargets() model.Problems {
	var out model.Problems
	for _, z := range st.Zones {
		for _, name := range st.targetsOf(z) {
			p := st.Providers[name]
			if p == nil {
				continue
			}
			probs := provider.Check(p, z)
			if z.Managed != nil {
				// A store zone's writes were validated by the API; what its
				// target cannot take is a push error on the zone, never a
				// reason to stop serving the store.
				for i := range probs {
					probs[i].Warning = true
				}
			}
			out = append(out, probs...)
		}
	}
	return out
}

// targetsOf returns the providers z is pushed to: a store zone's own, a
// zone file's from the config.
func (st *State) targetsOf(z *model.Zone) []string {
	if z.Managed != nil {
		return z.Managed.Targets
	}
	return st.Config.TargetsFor(z.Name)
}

// Targets returns the zones to push and the provider of each, read from
// this one state.
func (st *State) Targets(only ...string) []provider.Target {
	var out []provider.Target
	for _, z := range st.Zones {
		if len(only) > 0 && !slices.Contains(only, z.Name) {
			continue
		}
		for _, name := range st.targetsOf(z) {
			if p := st.Providers[name]; p != nil {
				out = append(out, provider.Target{Zone: z, Provider: p})
			}
		}
	}
	return out
}

// nextSerial is the SOA serial of a new build: the time, but always above
// the previous build's, even two builds in one second.
func nextSerial(prev *State, now time.Time) uint32 {
	v := uint32(now.Unix())
	if prev != nil && prev.Table != nil && v <= prev.Table.Serial() {
		v = prev.Table.Serial() + 1
	}
	return v
}

// locatorFor reuses prev's locator unless the database changed.
func locatorFor(cfg *config.Config, prev *State) (geo.Locator, error) {
	if prev != nil && prev.Config.GeoIP.Database == cfg.GeoIP.Database {
		return prev.Locator, nil
	}
	switch cfg.GeoIP.Database {
	case "none":
		return geo.None{}, nil
	case "":
		return geo.NewEmbedded(), nil
	}
	return geo.OpenMMDB(cfg.GeoIP.Database)
}

// providersFor builds the configured providers, reusing prev's when their
// configuration did not change.
func providersFor(ctx context.Context, cfg *config.Config, st *store.Store, prev *State) (map[string]provider.Provider, error) {
	if prev != nil && reflect.DeepEqual(prev.Config.Providers, cfg.Providers) && prev.Config.StateDir == cfg.StateDir {
		return prev.Providers, nil
	}
	out := map[string]provider.Provider{}
	for name, pc := range cfg.Providers {
		open, ok := constructors()[pc.Type]
		if !ok {
			return nil, fmt.Errorf("provider %s: unknown type %q", name, pc.Type)
		}
		p, err := open(ctx, name, pc, cfg.StateDir, st)
		if err != nil {
			return nil, fmt.Errorf("provider %s: %w", name, err)
		}
		out[name] = p
	}
	return out, nil
}

func probeDefaults(cfg *config.Config) model.Healthcheck {
	h := cfg.Healthcheck
	return model.Healthcheck{Interval: time.Duration(h.Interval), Timeout: time.Duration(h.Timeout), Failures: h.Failures, Successes: h.Successes}
}

func soaFunc(cfg *config.Config) func(string) engine.SOA {
	return func(zone string) engine.SOA {
		c := cfg.SOAFor(zone)
		s := engine.DefaultSOA()
		s.Primary, s.Email = c.Primary, c.Email
		set := func(dst *uint32, d config.Duration) {
			if d != 0 {
				*dst = d.Seconds()
			}
		}
		set(&s.TTL, c.TTL)
		set(&s.Refresh, c.Refresh)
		set(&s.Retry, c.Retry)
		set(&s.Expire, c.Expire)
		set(&s.Negative, c.NegativeTTL)
		return s
	}
}

// readSources reads every source's zones. A zone in two places is a
// problem naming both: a zone lives in one source only.
func (st *State) readSources(ctx context.Context) error {
	where := map[string]string{}
	for _, src := range st.Sources {
		zones, probs, err := src.Zones(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", src.Name(), err)
		}
		st.Problems = append(st.Problems, probs...)
		for _, z := range zones {
			if first, ok := where[z.Name]; ok {
				st.Problems = append(st.Problems, model.Problem{File: z.File, Name: z.Name,
					Reason: fmt.Sprintf("zone %s is both in %s and in %s; a zone lives in one place", z.Name, first, z.File)})
				continue
			}
			where[z.Name] = z.File
			st.Zones = append(st.Zones, z)
			if _, ok := src.(*source.Dir); ok {
				st.FileZones = append(st.FileZones, z.Name)
			}
		}
	}
	return nil
}

// Summary counts what the state serves: zones, records, dynamic records,
// health-check targets and warnings.
func (st *State) Summary() string {
	records, dynamic := 0, 0
	for _, z := range st.Zones {
		records += len(z.Records)
		for _, r := range z.Records {
			if r.Dynamic != nil {
				dynamic++
			}
		}
	}
	return fmt.Sprintf("%d zone(s), %d record(s), %d dynamic, %d health-check target(s), %d warning(s)",
		len(st.Zones), records, dynamic, len(st.Table.Targets()), len(st.Problems))
}
