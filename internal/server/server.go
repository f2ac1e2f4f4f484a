// Package server is signpost's composition root: it builds a node's state
// beside the running one (Build, Load) and runs the node's parts — DNS,
// health checks, notifications, HTTP, reconcile and the sources' watchers —
// under one errgroup, joining every goroutine at shutdown. Options choose
// the parts, so an agent (no DNS), a follower (no reconcile) and a node
// with a UI (extra handlers) are settings, not code paths of their own.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/signpost-dns/signpost/internal/api"
	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/dnsserver"
	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/notify"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/reconcile"
)

// Options choose a node's parts. The zero value runs every part.
type Options struct {
	Logger *slog.Logger // nil: discard
	// NoDNS runs no DNS server (agent mode): probes, notifications,
	// HTTP and reconcile only.
	NoDNS bool
	// NoReconcile never pushes to providers (a follower node).
	NoReconcile bool
	// Handlers are extra HTTP handlers by ServeMux pattern, beside the
	// operations endpoints (the UI, later the REST API).
	Handlers map[string]http.Handler
	// Probe replaces real probes; nil probes for real.
	Probe health.ProbeFunc
	// Route53API replaces the AWS client of the named Route53 providers
	// (tests and benchmarks run them against the in-process fake); their
	// configuration still applies. Reloads keep them while it is unchanged.
	Route53API map[string]route53.API
	// FreeLoadGarbage returns the first load's garbage to the OS once DNS
	// is served (a full collection; on a million records it takes about
	// half a second, which the first answer does not wait for).
	FreeLoadGarbage bool
}

// Server is a running node.
type Server struct {
	opts     Options
	log      *slog.Logger
	reg      *prometheus.Registry
	reloads  *prometheus.CounterVec
	reloadOK prometheus.Gauge

	cur      atomic.Pointer[State]
	pokes    chan struct{} // health transitions, for providers that follow health
	reloadMu sync.Mutex    // one reload at a time
	swapped  chan struct{} // poked when a new state is swapped in

	checker  *health.Checker
	notifier *notify.Notifier
	events   *healthLog        // nil without a store
	dns      *dnsserver.Server // nil with NoDNS
	http     *http.Server      // nil when http.listen is ""
	httpLn   net.Listener
}

// New prepares a node serving st and binds its DNS and HTTP listeners, so
// their addresses are known before Run. Run must follow: it releases them.
func New(opts Options, st *State) (*Server, error) {
	if st.Table == nil {
		return nil, errors.New("server: the state did not build")
	}
	s := &Server{opts: opts, log: opts.Logger, reg: prometheus.NewRegistry(), swapped: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.cur.Store(withAPIs(st, opts.Route53API))
	st = s.cur.Load()
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_reload_total", Help: "Configuration reloads, by result."}, []string{"result"})
	s.reloads.WithLabelValues("success")
	s.reloads.WithLabelValues("error") // both exist from the start, so rate() sees the first failure
	s.reloadOK = prometheus.NewGauge(prometheus.GaugeOpts{Name: "signpost_config_last_reload_successful",
		Help: "Whether the last reload succeeded (1) or failed and the previous configuration is still served (0)."})
	s.reloadOK.Set(1)
	s.reg.MustRegister(s.reloads, s.reloadOK, newProviderCalls(s.cur.Load), newProviderUpdates(s.cur.Load))
	s.notifier = notify.New(notifyOptions(st, s.log))
	if st.Store != nil {
		s.events = newHealthLog(st.Store, s.log.With("component", "events"))
	}
	s.pokes = make(chan struct{}, 1)
	onEvent := func(ev health.Event) {
		s.notifier.Notify(ev)
		s.events.add(ev)
		select { // providers that follow health push it now
		case s.pokes <- struct{}{}:
		default:
		}
	}
	s.checker = health.New(health.Options{Concurrency: st.Config.Healthcheck.Concurrency, Logger: s.log.With("component", "health"),
		OnEvent: onEvent, Registerer: s.reg, Probe: opts.Probe})
	view := s.checker.Sync(st.Table.Targets())
	if !opts.NoDNS {
		s.dns = dnsserver.New(dnsserver.Options{Addrs: st.Config.DNS.Listen, MaxUDPSize: st.Config.DNS.MaxUDPSize, RawUDP: st.Config.DNS.RawUDP,
			Logger: s.log.With("component", "dns"), Metrics: dnsserver.NewMetrics(s.reg, st.Config.Metrics.PerRecord)}, st.Table, view)
		if err := s.dns.Listen(); err != nil {
			return nil, err
		}
	}
	if err := s.listenHTTP(st); err != nil {
		s.closeListeners()
		return nil, err
	}
	return s, nil
}

// State returns the state being served.
func (s *Server) State() *State { return s.cur.Load() }

// DNSAddrs returns the bound DNS addresses (none with NoDNS).
func (s *Server) DNSAddrs() []netip.AddrPort {
	if s.dns == nil {
		return nil
	}
	return s.dns.Addrs()
}

// HTTPAddr returns the bound HTTP address, or "".
func (s *Server) HTTPAddr() string {
	if s.httpLn == nil {
		return ""
	}
	return s.httpLn.Addr().String()
}

// Run runs every part until ctx is done or one part fails, then stops the
// others and returns once every goroutine has returned.
func (s *Server) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	st := s.cur.Load()
	g.Go(func() error { s.checker.Run(ctx); return nil })
	g.Go(func() error { s.notifier.Run(ctx); return nil })
	g.Go(func() error { return s.watch(ctx) })
	if s.events != nil {
		g.Go(func() error { s.events.run(ctx); return nil })
	}
	if s.dns != nil {
		g.Go(func() error { return s.dns.Serve(ctx) })
	}
	if s.http != nil {
		g.Go(func() error { return s.serveHTTP(ctx) })
	}
	if interval := time.Duration(st.Config.Reconcile.Interval); interval > 0 && !s.opts.NoReconcile {
		opts := reconcile.Options{Logger: s.log.With("component", "reconcile"), Registerer: s.reg, Force: st.Config.Reconcile.Force,
			DriftInterval: time.Duration(st.Config.Reconcile.DriftInterval), Backoff: interval, Health: s.healthView}
		if st.Store != nil {
			opts.Ledger = &ledger{st: st.Store, log: opts.Logger, changed: s.StoreChanged, state: s.cur.Load}
		}
		r := reconcile.New(opts)
		g.Go(func() error {
			r.Run(ctx, interval, func() []provider.Target { return s.cur.Load().Targets() }, s.pokes)
			return nil
		})
		s.log.Info("reconciling", "interval", interval.String(), "providers", len(st.Providers))
	}
	g.Go(func() error { s.systemd(ctx); return nil })
	if s.opts.FreeLoadGarbage {
		g.Go(func() error { s.freeLoadGarbage(ctx); return nil })
	}
	s.log.Info("serving", "zones", len(st.Table.Zones()), "targets", len(st.Table.Targets()),
		"geoip", st.Locator.Source(), "serial", st.Table.Serial())
	return g.Wait()
}

// freeLoadGarbage returns the load's garbage to the OS once DNS is served:
// the table is what stays.
func (s *Server) freeLoadGarbage(ctx context.Context) {
	if s.serving(ctx) {
		debug.FreeOSMemory()
	}
}

// serving waits until DNS is served (at once without DNS); false if ctx
// ended first.
func (s *Server) serving(ctx context.Context) bool {
	if s.dns == nil {
		return true
	}
	select {
	case <-ctx.Done():
		return false
	case <-s.dns.Serving():
		return true
	}
}

func (s *Server) listenHTTP(st *State) error {
	c := st.Config.HTTP
	if c.Listen == "" {
		return nil
	}
	ready := func() bool { return true }
	if s.dns != nil {
		ready = s.dns.Ready
	}
	mux := http.NewServeMux()
	var rest *api.Rest
	if st.Store != nil {
		rest = &api.Rest{Store: st.Store, Changed: s.StoreChanged, Health: s.checker.Status, Logger: s.log.With("component", "api"),
			View: func() api.View {
				cur := s.cur.Load()
				return api.View{Regions: regions(cur.Config), FileZones: cur.FileZones, Targets: slices.Sorted(maps.Keys(cur.Config.Providers))}
			}}
	}
	mux.Handle("/", api.New(api.Options{Ready: ready, Gatherer: s.reg, Health: s.checker.Status, Pprof: c.Pprof, Rest: rest}))
	for pattern, h := range s.opts.Handlers {
		mux.Handle(pattern, h)
	}
	l, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listening on http %s: %w", c.Listen, err)
	}
	s.httpLn, s.http = l, &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return nil
}

// serveHTTP serves until ctx is done, then shuts down gracefully.
func (s *Server) serveHTTP(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.httpLn) }()
	s.log.Info("http listening", "addr", s.HTTPAddr())
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.http.Shutdown(sctx)
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	return nil
}

func (s *Server) closeListeners() {
	if s.dns != nil {
		s.dns.Close()
	}
	if s.httpLn != nil {
		_ = s.httpLn.Close()
	}
}

// notifyOptions turns signpost.yaml's notify block into notifier options.
func notifyOptions(st *State, log *slog.Logger) notify.Options {
	c := st.Config.Notify
	opts := notify.Options{Logger: log.With("component", "notify")}
	for _, w := range c.Webhooks {
		opts.Webhooks = append(opts.Webhooks, notify.Webhook{URL: w.URL, Events: w.Events, Timeout: time.Duration(w.Timeout)})
	}
	if e := c.Email; e != nil {
		opts.Email = &notify.Email{SMTP: e.SMTP, From: e.From, To: e.To, Username: e.Username, Password: config.Secret(e.Password), On: e.On}
	}
	return opts
}
