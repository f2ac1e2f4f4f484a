package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/signpost-dns/signpost/internal/api"
	"github.com/signpost-dns/signpost/internal/dnsserver"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "serve --config FILE", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	var ser serials
	st, err := load(*cfgPath, ser.next(time.Now()))
	if err != nil {
		if st != nil {
			printProblems(stderr, st.probs)
		}
		fmt.Fprintf(stderr, "signpost: not starting: %v\n", err)
		return 1
	}
	log := newLogger(st.cfg.Log, stderr)
	for _, p := range st.probs {
		log.Warn("zone warning", "problem", p.String())
	}
	if err := serve(ctx, st, &ser, log); err != nil {
		log.Error("serve failed", "err", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, st *state, ser *serials, log *slog.Logger) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reloads := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "signpost_reload_total", Help: "Configuration reloads, by result.",
	}, []string{"result"})
	reg.MustRegister(reloads)
	srv := dnsserver.New(dnsserver.Options{
		Addrs:      st.cfg.DNS.Listen,
		MaxUDPSize: st.cfg.DNS.MaxUDPSize,
		Logger:     log.With("component", "dns"),
		Metrics:    dnsserver.NewMetrics(reg),
	}, st.table)
	if err := srv.Listen(); err != nil {
		return err
	}
	log.Info("serving", "zones", len(st.table.Zones()), "geoip", st.locator.Source(), "serial", st.table.Serial())
	stopHTTP, err := startHTTP(st.cfg.HTTP.Listen, api.New(api.Options{Ready: srv.Ready, Gatherer: reg}), log)
	if err != nil {
		return err
	}
	defer stopHTTP()
	go reloadOnHUP(ctx, st, ser, srv, reloads, log)
	return srv.Serve(ctx)
}

// reloadOnHUP reloads zones on SIGHUP: parse, validate and compile beside
// the running table, then swap. A bad reload keeps the old table.
func reloadOnHUP(ctx context.Context, st *state, ser *serials, srv *dnsserver.Server, reloads *prometheus.CounterVec, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		next, err := loadZones(st.cfg, st.locator, ser.next(time.Now()))
		if err != nil {
			reloads.WithLabelValues("error").Inc()
			if next != nil {
				for _, p := range next.probs.Errors() {
					log.Error("reload problem", "problem", p.String())
				}
			}
			log.Error("reload failed; still serving the previous zones", "err", err)
			continue
		}
		srv.Swap(next.table)
		reloads.WithLabelValues("success").Inc()
		log.Info("reloaded", "zones", len(next.table.Zones()), "serial", next.table.Serial())
	}
}

func startHTTP(addr string, h http.Handler, log *slog.Logger) (func(), error) {
	if addr == "" {
		return func() {}, nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on http %s: %w", addr, err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	log.Info("http listening", "addr", l.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}
