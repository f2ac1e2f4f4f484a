package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136"
	"github.com/signpost-dns/signpost/internal/provider/route53"
)

// Run runs the agent of cfg until ctx ends: the rounds, and the HTTP
// endpoints (/healthz, /metrics) when http.listen is set; it returns when
// both have stopped.
func Run(ctx context.Context, cfg *Config, log *slog.Logger) error {
	if err := resolveSelf(ctx, cfg); err != nil {
		return err
	}
	sets, err := openSets(ctx, cfg)
	if err != nil {
		return err
	}
	return RunWith(ctx, cfg, log, sets)
}

// RunWith is Run with the record's sets given (tests give a Route53 fake).
func RunWith(ctx context.Context, cfg *Config, log *slog.Logger, sets Sets) error {
	reg := prometheus.NewRegistry()
	a := New(cfg, log, sets, NewMetrics(reg))
	g, ctx := errgroup.WithContext(ctx)
	if cfg.HTTP.Listen != "" {
		l, err := net.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		g.Go(func() error {
			if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		})
	}
	g.Go(func() error { return a.Run(ctx) })
	return g.Wait()
}

// openSets opens the provider the record lives at.
func openSets(ctx context.Context, cfg *Config) (Sets, error) {
	p := cfg.Provider
	if p.Type == "signpost" {
		return newAPISets(p.URL, config.Secret(p.Token)), nil
	}
	if p.Type == "route53" {
		prov, err := route53.Open(ctx, "route53", route53.Config{AccessKeyID: config.Secret(p.AccessKeyID), SecretAccessKey: config.Secret(p.SecretAccessKey),
			Profile: p.Profile, Region: p.Region, Endpoint: p.Endpoint, RPS: p.RequestsPerSecond})
		return Route53Sets(prov), err
	}
	opts := rfc2136.Options{Name: "rfc2136", Server: p.Server, Timeout: time.Duration(p.Timeout)}
	if k := p.TSIG; k != nil {
		opts.TSIG = &rfc2136.TSIG{Name: k.Name, Algorithm: k.Algorithm, Secret: config.Secret(k.Secret)}
	}
	prov, err := rfc2136.New(opts)
	if err != nil {
		return nil, err
	}
	return dnsSets{prov}, nil
}

// dnsSets are the sets of an RFC 2136 server.
type dnsSets struct{ p *rfc2136.Provider }

func (d dnsSets) ReadSet(ctx context.Context, name, typ string) (*Set, error) {
	s, err := d.p.ReadSet(ctx, name, typ)
	if s == nil || err != nil {
		return nil, err
	}
	return &Set{Name: s.Name, Type: s.Type, TTL: s.TTL, Values: s.Values}, nil
}

func (d dnsSets) SwapSet(ctx context.Context, zone string, old, next *Set) error {
	conv := func(s *Set) *rfc2136.RRSet {
		if s == nil {
			return nil
		}
		return &rfc2136.RRSet{Name: s.Name, Type: s.Type, TTL: s.TTL, Values: s.Values}
	}
	err := d.p.SwapSet(ctx, zone, conv(old), conv(next))
	if errors.Is(err, rfc2136.ErrConflict) {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

func (d dnsSets) ZoneOf(ctx context.Context, name string) (string, error) {
	return d.p.ZoneOf(ctx, name)
}

// Route53Sets are the simple record sets of p's hosted zones.
func Route53Sets(p *route53.Provider) Sets { return awsSets{p} }

type awsSets struct{ p *route53.Provider }

func (a awsSets) ReadSet(ctx context.Context, name, typ string) (*Set, error) {
	zone, err := a.p.ZoneOf(ctx, name)
	if err != nil {
		return nil, err
	}
	s, err := a.p.ReadPlain(ctx, zone, name, typ)
	if s == nil || err != nil {
		return nil, err
	}
	return &Set{Name: s.Name, Type: s.Type, TTL: s.TTL, Values: s.Value}, nil
}

func (a awsSets) SwapSet(ctx context.Context, zone string, old, next *Set) error {
	conv := func(s *Set) *route53.RRSet {
		if s == nil {
			return nil
		}
		return &route53.RRSet{Name: s.Name, Type: s.Type, TTL: s.TTL, Value: s.Values}
	}
	err := a.p.SwapPlain(ctx, zone, conv(old), conv(next))
	if errors.Is(err, route53.ErrConflict) {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

func (a awsSets) ZoneOf(ctx context.Context, name string) (string, error) {
	return a.p.ZoneOf(ctx, name)
}
