// Package reconcile keeps providers in step with the desired state. Plan
// and Apply are the one plan-then-apply path: the plan and apply commands
// call them once, and a Reconciler calls them every interval from serve,
// one pass at a time, logging and metering every pass and change.
package reconcile

import (
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
	// After is the clock Run waits with; nil means time.After.
	After func(time.Duration) <-chan time.Time
}

// Reconciler runs plan-and-apply passes.
type Reconciler struct {
	opts    Options
	log     *slog.Logger
	mu      sync.Mutex // one pass at a time
	runs    *prometheus.CounterVec
	changes *prometheus.CounterVec
	seconds prometheus.Histogram
}

// New returns a Reconciler.
func New(opts Options) *Reconciler {
	if opts.After == nil {
		opts.After = time.After
	}
	r := &Reconciler{opts: opts, log: opts.Logger}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_reconcile_runs_total",
		Help: "Reconcile passes per zone and target, by result (noop, applied, unsafe, error)."}, []string{"zone", "target", "result"})
	r.changes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_reconcile_changes_total",
		Help: "Record changes applied, by zone, target and action."}, []string{"zone", "target", "action"})
	r.seconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signpost_reconcile_duration_seconds",
		Help: "How long a reconcile pass over every target took.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 12)})
	if opts.Registerer != nil {
		opts.Registerer.MustRegister(r.runs, r.changes, r.seconds)
	}
	return r
}

// RunOnce plans and applies every target. Errors do not stop the others;
// they are returned joined.
func (r *Reconciler) RunOnce(ctx context.Context, targets []provider.Target) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := time.Now()
	var errs []error
	for _, t := range targets {
		if err := r.one(ctx, t); err != nil {
			errs = append(errs, err)
		}
	}
	r.seconds.Observe(time.Since(start).Seconds())
	return errors.Join(errs...)
}

func (r *Reconciler) one(ctx context.Context, t provider.Target) error {
	zone, target := t.Zone.Name, t.Provider.Name()
	log := r.log.With("zone", zone, "target", target)
	result := "error"
	defer func() { r.runs.WithLabelValues(zone, target, result).Inc() }()
	p, err := Plan(ctx, []provider.Target{t})
	if err != nil {
		log.Error("reconcile plan failed", "err", err)
		return err
	}
	if p.Empty() {
		result = "noop"
		log.Debug("reconcile: in sync")
		return nil
	}
	err = Apply(ctx, p, map[string]provider.Provider{target: t.Provider}, r.opts.Force, func(zp *plan.ZonePlan) {
		for _, c := range zp.Changes {
			r.changes.WithLabelValues(zone, target, string(c.Action)).Inc()
			log.Info("reconciled", "action", c.Action, "record", c.Name, "type", c.Type, "native_changes", len(c.Native))
		}
	})
	switch {
	case errors.Is(err, plan.ErrUnsafe):
		result = "unsafe"
		log.Error("reconcile refused an unsafe plan; run `signpost apply --force` to push it", "err", err)
	case err != nil:
		log.Error("reconcile apply failed", "err", err)
	default:
		result = "applied"
	}
	return err
}

// Run reconciles now and then every interval until ctx is done; targets
// is asked anew each pass, so that reloads take effect.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration, targets func() []provider.Target) {
	for {
		_ = r.RunOnce(ctx, targets())
		select {
		case <-ctx.Done():
			return
		case <-r.opts.After(interval):
		}
	}
}
