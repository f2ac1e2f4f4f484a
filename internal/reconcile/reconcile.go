// Package reconcile keeps providers in step with the desired state: every
// interval it plans each zone on each of its targets and applies what is
// safe, one run at a time, logging and metering every run and change.
package reconcile

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider"
)

// Target is a zone to push to a provider.
type Target struct {
	Zone     *model.Zone
	Provider provider.Provider
}

// Options configure a Reconciler. The zero value is valid.
type Options struct {
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	// Force applies plans past the safety thresholds; by default an unsafe
	// plan is logged and skipped.
	Force bool
}

// Reconciler runs plan-and-apply passes.
type Reconciler struct {
	opts    Options
	log     *slog.Logger
	mu      sync.Mutex // one run at a time
	runs    *prometheus.CounterVec
	changes *prometheus.CounterVec
	seconds prometheus.Histogram
}

// New returns a Reconciler.
func New(opts Options) *Reconciler {
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
func (r *Reconciler) RunOnce(ctx context.Context, targets []Target) error {
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

func (r *Reconciler) one(ctx context.Context, t Target) error {
	zone, target := t.Zone.Name, t.Provider.Name()
	log := r.log.With("zone", zone, "target", target)
	zp, err := t.Provider.Plan(ctx, t.Zone)
	if err != nil {
		r.runs.WithLabelValues(zone, target, "error").Inc()
		log.Error("reconcile plan failed", "err", err)
		return err
	}
	if zp.Empty() {
		r.runs.WithLabelValues(zone, target, "noop").Inc()
		log.Debug("reconcile: in sync")
		return nil
	}
	if err := zp.CheckSafety(); err != nil && !r.opts.Force {
		r.runs.WithLabelValues(zone, target, "unsafe").Inc()
		log.Error("reconcile refused an unsafe plan; run `signpost apply --force` to push it", "err", err)
		return err
	}
	if err := t.Provider.Apply(ctx, zp); err != nil {
		r.runs.WithLabelValues(zone, target, "error").Inc()
		log.Error("reconcile apply failed", "err", err)
		return err
	}
	for _, c := range zp.Changes {
		r.changes.WithLabelValues(zone, target, string(c.Action)).Inc()
		log.Info("reconciled", "action", c.Action, "record", c.Name, "type", c.Type, "rrsets", len(c.RRSets))
	}
	r.runs.WithLabelValues(zone, target, "applied").Inc()
	return nil
}

// Run reconciles every interval until ctx is done; targets is asked anew
// each pass so reloads take effect.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration, targets func() []Target) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		_ = r.RunOnce(ctx, targets())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
