package main

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// state is everything loaded from a configuration file.
type state struct {
	cfg     *config.Config
	zones   []*model.Zone
	table   *engine.Table
	locator geo.Locator
	probs   model.Problems // warnings, and errors if the load failed
}

// load reads the configuration and every zone, validates and compiles
// them. The error is set when anything is wrong; st.probs then says what.
func load(path string, serial uint32) (*state, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	loc, err := openLocator(cfg.GeoIP)
	if err != nil {
		return nil, err
	}
	return loadZones(cfg, loc, serial)
}

func loadZones(cfg *config.Config, loc geo.Locator, serial uint32) (*state, error) {
	st := &state{cfg: cfg, locator: loc}
	zones, probs, err := zonefile.LoadDir(cfg.Zones.Directory)
	if err != nil {
		return nil, err
	}
	st.zones, st.probs = zones, probs
	table, cprobs := engine.Compile(zones, engine.Options{Locator: loc, Serial: serial, SOA: soaFunc(cfg), Probe: probeDefaults(cfg)})
	st.probs = append(st.probs, cprobs...)
	if n := len(st.probs.Errors()); n > 0 {
		return st, fmt.Errorf("%d problem(s) in zones under %s", n, cfg.Zones.Directory)
	}
	st.table = table
	return st, nil
}

func probeDefaults(cfg *config.Config) model.Healthcheck {
	h := cfg.Healthcheck
	return model.Healthcheck{Interval: time.Duration(h.Interval), Timeout: time.Duration(h.Timeout), Failures: h.Failures, Successes: h.Successes}
}

func openLocator(c config.GeoIP) (geo.Locator, error) {
	switch c.Database {
	case "none":
		return geo.None{}, nil
	case "":
		return geo.NewEmbedded(), nil
	}
	return geo.OpenMMDB(c.Database)
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

// serials hands out SOA serials that change on every load, even two loads
// in one second.
type serials struct{ last uint32 }

func (s *serials) next(now time.Time) uint32 {
	v := uint32(now.Unix())
	if v <= s.last {
		v = s.last + 1
	}
	s.last = v
	return v
}

func printProblems(w io.Writer, ps model.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, p.String())
	}
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
