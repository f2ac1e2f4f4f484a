package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/signpost-dns/signpost/internal/api"
	"github.com/signpost-dns/signpost/internal/dnsserver"
	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/reconcile"
)

func cmdServe(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := newFlags("serve", "serve --config FILE", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	a := &app{path: *cfgPath}
	st, err := load(*cfgPath, a.ser.next(time.Now()))
	if err != nil {
		if st != nil {
			printProblems(stderr, st.probs)
		}
		fmt.Fprintf(stderr, "signpost: not starting: %v\n", err)
		return 1
	}
	debug.FreeOSMemory() // return the load's garbage: the table is what stays
	a.log = newLogger(st.cfg.Log, stderr)
	for _, p := range st.probs {
		a.log.Warn("zone warning", "problem", p.String())
	}
	if err := a.serve(ctx, st); err != nil {
		a.log.Error("serve failed", "err", err)
		return 1
	}
	return 0
}

// app is a running server: DNS, health checks, notifications and HTTP,
// and the reloads that swap new zones in.
type app struct {
	path    string
	ser     serials
	log     *slog.Logger
	reg     *prometheus.Registry
	reloads *prometheus.CounterVec
	srv     *dnsserver.Server
	checker *health.Checker
	notify  notifier
	mu      sync.Mutex // protects cur
	cur     *state     // the configuration being served
}

func (a *app) current() *state {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cur
}

func (a *app) serve(ctx context.Context, st *state) error {
	a.cur = st
	a.reg = prometheus.NewRegistry()
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "signpost_reload_total", Help: "Configuration reloads, by result.",
	}, []string{"result"})
	a.reg.MustRegister(a.reloads)
	a.notify.start(ctx, st.cfg.Notify, a.log.With("component", "notify"))
	a.checker = health.New(health.Options{
		Concurrency: st.cfg.Healthcheck.Concurrency,
		Logger:      a.log.With("component", "health"),
		OnEvent:     a.notify.send,
		Registerer:  a.reg,
	})
	view := a.checker.Sync(healthTargets(st.table))
	a.srv = dnsserver.New(dnsserver.Options{
		Addrs:      st.cfg.DNS.Listen,
		MaxUDPSize: st.cfg.DNS.MaxUDPSize,
		Logger:     a.log.With("component", "dns"),
		Metrics:    dnsserver.NewMetrics(a.reg),
	}, st.table, view)
	if err := a.srv.Listen(); err != nil {
		return err
	}
	go a.checker.Run(ctx)
	a.log.Info("serving", "zones", len(st.table.Zones()), "targets", len(st.table.Targets()),
		"geoip", st.locator.Source(), "serial", st.table.Serial())
	handler := api.New(api.Options{Ready: a.srv.Ready, Gatherer: a.reg, Health: a.checker.Status, Pprof: st.cfg.HTTP.Pprof})
	stopHTTP, err := startHTTP(st.cfg.HTTP.Listen, handler, a.log)
	if err != nil {
		return err
	}
	defer stopHTTP()
	if err := a.startReconcile(ctx); err != nil {
		return err
	}
	go a.reloadLoop(ctx)
	return a.srv.Serve(ctx)
}

// startReconcile pushes zones with targets to their providers every
// reconcile.interval, from the zones being served (reloads included).
func (a *app) startReconcile(ctx context.Context) error {
	cfg := a.current().cfg
	interval := time.Duration(cfg.Reconcile.Interval)
	if interval <= 0 {
		return nil
	}
	provs, err := providersFor(ctx, cfg)
	if err != nil {
		return err
	}
	r := reconcile.New(reconcile.Options{Logger: a.log.With("component", "reconcile"), Registerer: a.reg, Force: cfg.Reconcile.Force})
	go r.Run(ctx, interval, func() []reconcile.Target {
		var out []reconcile.Target
		for _, z := range a.current().zones {
			for _, name := range a.current().cfg.TargetsFor(z.Name) {
				if p := provs[name]; p != nil {
					out = append(out, reconcile.Target{Zone: z, Provider: p})
				}
			}
		}
		return out
	})
	a.log.Info("reconciling", "interval", interval.String(), "providers", len(provs))
	return nil
}

// healthTargets lists a table's targets for the checker, in id order.
func healthTargets(t *engine.Table) []health.Target {
	out := make([]health.Target, len(t.Targets()))
	for i, tg := range t.Targets() {
		out[i] = health.Target{Key: tg.Key, Address: tg.Value, Check: tg.Check, Records: tg.Records}
	}
	return out
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
