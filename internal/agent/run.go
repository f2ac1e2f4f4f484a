package agent

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136"
)

// Run runs the agent of cfg until ctx ends: the rounds, and the HTTP
// endpoints (/healthz, /metrics) when http.listen is set; it returns when
// both have stopped.
func Run(ctx context.Context, cfg *Config, log *slog.Logger) error {
	sets, err := openSets(cfg)
	if err != nil {
		return err
	}
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
func openSets(cfg *Config) (Sets, error) {
	p := cfg.Provider
	opts := rfc2136.Options{Name: "agent", Server: p.Server, Timeout: time.Duration(p.Timeout)}
	if k := p.TSIG; k != nil {
		opts.TSIG = &rfc2136.TSIG{Name: k.Name, Algorithm: k.Algorithm, Secret: config.Secret(k.Secret)}
	}
	return rfc2136.New(opts)
}
