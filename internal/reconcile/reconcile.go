// Package reconcile keeps providers in step with the desired state. Plan
// and Apply are the one plan-then-apply path: the plan and apply commands
// call them once, and a Reconciler calls them every interval from serve,
// one pass at a time, logging and metering every pass and change.
package reconcile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

// Plan plans every target: each zone is checked against its provider's
// capabilities, then planned. Errors do not stop the other targets; they
// come back joined with the plans that worked.
func Plan(ctx context.Context, targets []provider.Target) (*plan.Plan, error) {
	p := &plan.Plan{}
	var errs []error
	for _, t := range targets {
		zp, err := provider.PlanZone(ctx, t.Provider, t.Zone)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s -> %s: %w", t.Zone.Name, t.Provider.Name(), err))
			continue
		}
		p.Zones = append(p.Zones, *zp)
	}
	return p, errors.Join(errs...)
}

// Apply checks every zone plan's safety first, so that nothing is applied
// when any zone would be refused (unless force), then applies them in
// order. done is called after each zone plan that was applied.
func Apply(ctx context.Context, p *plan.Plan, provs map[string]provider.Provider, force bool, done func(*plan.ZonePlan)) error {
	for i := range p.Zones {
		z := &p.Zones[i]
		if provs[z.Target] == nil {
			return fmt.Errorf("%s: target %q is not configured", z.Zone, z.Target)
		}
		if err := z.CheckSafety(); err != nil && !force {
			return err
		}
	}
	for i := range p.Zones {
		z := &p.Zones[i]
		if !z.Empty() {
			if err := provs[z.Target].Apply(ctx, z); err != nil {
				return fmt.Errorf("applying %s -> %s: %w", z.Zone, z.Target, err)
			}
		}
		if done != nil {
			done(z)
		}
	}
	return nil
}

// Options configure a Reconciler. The zero value is valid.
type Options struct {
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	// Force applies plans past the safety thresholds; by default an unsafe
	// plan is logged and skipped.
	Force bool
	// After is the clock Run waits with; nil means time.After. Now is the
	// time; nil means time.Now.
	After func(time.Duration) <-chan time.Time
	Now   func() time.Time
	// Ledger keeps store zones' push state; nil: store zones are planned
	// every pass like zone files.
	Ledger Ledger
	// DriftInterval is how often clean store zones are compared with their
	// providers, and what differs repaired; default 15 minutes.
	DriftInterval time.Duration
	// Backoff is the first wait after a store zone failed, doubled each
	// failure up to MaxBackoff, with jitter; defaults 10 s and 10 minutes.
	Backoff, MaxBackoff time.Duration
	// Health is the live health each pass plans with (providers that
	// follow health flatten dynamic records with it); nil: all serving.
	Health func() provider.HealthView
}

// Reconciler runs plan-and-apply passes.
type Reconciler struct {
	opts    Options
	log     *slog.Logger
	mu      sync.Mutex // one pass at a time; protects the fields below
	runs    *prometheus.CounterVec
	changes *prometheus.CounterVec
	drift   *prometheus.CounterVec
	seconds prometheus.Histogram

	nextDrift time.Time
	pushed    map[string]map[string]string // zone -> record id -> token pushed
	failures  map[string]*failure          // "zone target" -> its failing streak
}

// New returns a Reconciler.
func New(opts Options) *Reconciler {
	if opts.After == nil {
		opts.After = time.After
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.DriftInterval = cmp.Or(opts.DriftInterval, 15*time.Minute)
	opts.Backoff = cmp.Or(opts.Backoff, 10*time.Second)
	opts.MaxBackoff = cmp.Or(opts.MaxBackoff, 10*time.Minute)
	r := &Reconciler{opts: opts, log: opts.Logger, pushed: map[string]map[string]string{}, failures: map[string]*failure{}}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_reconcile_runs_total",
		Help: "Reconcile passes per zone and target, by result (noop, applied, partial, unsafe, error)."}, []string{"zone", "target", "result"})
	r.changes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_reconcile_changes_total",
		Help: "Record changes applied, by zone, target and action."}, []string{"zone", "target", "action"})
	r.drift = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_reconcile_drift_total",
		Help: "Records found to differ from the desired state in a clean store zone, and repaired, by zone and target."}, []string{"zone", "target"})
	r.seconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signpost_reconcile_duration_seconds",
		Help: "How long a reconcile pass over every target took.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 12)})
	if opts.Registerer != nil {
		opts.Registerer.MustRegister(r.runs, r.changes, r.drift, r.seconds)
	}
	return r
}

// Run reconciles now and then every interval until ctx is done; targets
// is asked anew each pass, so that reloads take effect. A poke (a health
// transition) runs a pass at once over the targets whose provider follows
// health, after transitions that arrive together have been gathered.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration, targets func() []provider.Target, pokes <-chan struct{}) {
	_ = r.RunOnce(ctx, targets())
	next := r.opts.After(interval)
	for {
		select {
		case <-ctx.Done():
			return
		case <-next:
			_ = r.RunOnce(ctx, targets())
			next = r.opts.After(interval)
		case <-pokes:
			gather(ctx, pokes, r.opts.After(pokeGather))
			if f := followers(targets()); len(f) > 0 {
				_ = r.RunOnce(ctx, f)
			}
		}
	}
}

// pokeGather is how long a poke waits for the transitions that come with
// it.
const pokeGather = 50 * time.Millisecond

func gather(ctx context.Context, pokes <-chan struct{}, until <-chan time.Time) {
	for {
		select {
		case <-pokes:
		case <-until:
			return
		case <-ctx.Done():
			return
		}
	}
}

// followers keeps the targets whose provider follows health.
func followers(targets []provider.Target) []provider.Target {
	var out []provider.Target
	for _, t := range targets {
		if f, ok := t.Provider.(provider.HealthFollower); ok && f.FollowsHealth() {
			out = append(out, t)
		}
	}
	return out
}
