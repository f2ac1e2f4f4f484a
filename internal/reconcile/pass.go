package reconcile

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

// RunOnce plans and applies every target. Zone files are planned every
// pass. A store zone is planned when it has writes not yet pushed, and
// every DriftInterval to find and repair drift; one that failed waits out
// its backoff. Errors do not stop the other targets; they are returned
// joined.
func (r *Reconciler) RunOnce(ctx context.Context, targets []provider.Target) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.opts.Health != nil && len(targets) > 0 { // the view costs a walk of every target
		ctx = provider.WithHealth(ctx, r.opts.Health())
	}
	start := r.opts.Now()
	for _, p := range passers(targets) {
		p.StartPass()
		defer p.EndPass()
	}
	drift := !start.Before(r.nextDrift)
	if drift {
		r.nextDrift = start.Add(r.opts.DriftInterval)
	}
	var errs []error
	for _, g := range byZone(targets) {
		if err := r.zone(ctx, g, drift); err != nil {
			errs = append(errs, err)
		}
	}
	if err := r.removals(ctx); err != nil {
		errs = append(errs, err)
	}
	r.seconds.Observe(r.opts.Now().Sub(start).Seconds())
	return errors.Join(errs...)
}

// passers returns the distinct providers of targets that share reads
// across a pass.
func passers(targets []provider.Target) []provider.Passer {
	var out []provider.Passer
	seen := map[provider.Provider]bool{}
	for _, t := range targets {
		if p, ok := t.Provider.(provider.Passer); ok && !seen[t.Provider] {
			seen[t.Provider] = true
			out = append(out, p)
		}
	}
	return out
}

// zoneTargets is a zone and the targets it is pushed to.
type zoneTargets struct {
	zone    *model.Zone
	targets []provider.Target
}

func byZone(targets []provider.Target) []zoneTargets {
	var out []zoneTargets
	index := map[*model.Zone]int{}
	for _, t := range targets {
		i, ok := index[t.Zone]
		if !ok {
			i = len(out)
			index[t.Zone] = i
			out = append(out, zoneTargets{zone: t.Zone})
		}
		out[i].targets = append(out[i].targets, t)
	}
	return out
}

// zone reconciles one zone on each of its targets.
func (r *Reconciler) zone(ctx context.Context, g zoneTargets, drift bool) error {
	m := g.zone.Managed
	if m == nil || r.opts.Ledger == nil {
		var errs []error
		for _, t := range g.targets {
			_, err := r.one(ctx, t, false)
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}
	dirty := r.dirty(g.zone)
	if !dirty && !drift {
		return nil
	}
	var errs []error
	var failed []plan.RecordError
	whole := true // every target took the zone (maybe but some records)
	for _, t := range g.targets {
		key := g.zone.Name + " " + t.Provider.Name()
		if !r.due(key) {
			whole = false
			continue
		}
		f, err := r.one(ctx, t, !dirty)
		r.settle(key, err)
		var partial *plan.PartialError
		if err != nil && !errors.As(err, &partial) {
			whole = false
			r.opts.Ledger.Failed(ctx, g.zone, err)
		}
		failed = append(failed, f...)
		errs = append(errs, err)
	}
	if dirty && whole {
		if err := r.record(ctx, g.zone, failed); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// dirty reports whether a store zone has a write not pushed by this
// reconciler yet.
func (r *Reconciler) dirty(z *model.Zone) bool {
	done := r.pushed[z.Name]
	for _, p := range z.Managed.Pending {
		if done[p.ID] != p.Token {
			return true
		}
	}
	return false
}

// record tells the ledger what a push carried and what it did not.
func (r *Reconciler) record(ctx context.Context, z *model.Zone, failed []plan.RecordError) error {
	results := make([]Result, 0, len(z.Managed.Pending))
	done := map[string]string{}
	for _, p := range z.Managed.Pending {
		res := Result{Zone: p.Zone, ID: p.ID, Token: p.Token, Error: failedFor(z.Name, p, failed)}
		if res.Error == "" {
			done[p.ID] = p.Token
		}
		results = append(results, res)
	}
	r.pushed[z.Name] = done
	return r.opts.Ledger.Pushed(ctx, z, results)
}

// failure is a zone's failing streak at a target.
type failure struct {
	n     int
	until time.Time
}

// due reports whether a zone at a target is out of its backoff.
func (r *Reconciler) due(key string) bool {
	f := r.failures[key]
	return f == nil || !r.opts.Now().Before(f.until)
}

// settle ends a failing streak, or extends it: the wait doubles with each
// failure, up to MaxBackoff, with ±25% jitter so that zones failing
// together do not retry together.
func (r *Reconciler) settle(key string, err error) {
	if err == nil {
		delete(r.failures, key)
		return
	}
	f := r.failures[key]
	if f == nil {
		f = &failure{}
		r.failures[key] = f
	}
	f.n++
	wait := r.opts.Backoff << min(f.n-1, 20)
	wait = min(wait, r.opts.MaxBackoff)
	wait = time.Duration(float64(wait) * (0.75 + rand.Float64()/2))
	f.until = r.opts.Now().Add(wait)
}

// one plans and applies one target; driftCheck says the zone is clean, so
// anything the plan finds is drift. It returns the records not pushed.
func (r *Reconciler) one(ctx context.Context, t provider.Target, driftCheck bool) ([]plan.RecordError, error) {
	zone, target := t.Zone.Name, t.Provider.Name()
	log := r.log.With("zone", zone, "target", target)
	result := "error"
	defer func() { r.runs.WithLabelValues(zone, target, result).Inc() }()
	p, err := Plan(ctx, []provider.Target{t})
	if err != nil {
		log.Error("reconcile plan failed", "err", err)
		return nil, err
	}
	zp := &p.Zones[0]
	failed := zp.Refused
	for _, f := range failed {
		log.Warn("record not pushed", "record", f.Name, "type", f.Type, "reason", f.Reason)
	}
	if p.Empty() {
		result = "noop"
		if len(failed) > 0 {
			result = "partial"
			return failed, &plan.PartialError{Zone: zone, Failed: failed}
		}
		return nil, nil
	}
	if driftCheck {
		r.driftFound(ctx, zp)
	}
	err = Apply(ctx, p, map[string]provider.Provider{target: t.Provider}, r.opts.Force, func(zp *plan.ZonePlan) {
		for _, c := range zp.Changes {
			r.changes.WithLabelValues(zone, target, string(c.Action)).Inc()
			log.Info("reconciled", "action", c.Action, "record", c.Name, "type", c.Type, "native_changes", len(c.Native))
		}
	})
	var partial *plan.PartialError
	switch {
	case errors.As(err, &partial):
		result, failed = "partial", append(failed, partial.Failed...)
		log.Warn("reconcile applied all but some records", "err", err)
	case errors.Is(err, plan.ErrUnsafe):
		result = "unsafe"
		log.Error("reconcile refused an unsafe plan; run `signpost apply --force` to push it", "err", err)
		return nil, err
	case err != nil:
		log.Error("reconcile apply failed", "err", err)
		return nil, err
	default:
		result = "applied"
	}
	r.delegate(ctx, t, zp)
	if len(failed) > 0 {
		return failed, &plan.PartialError{Zone: zone, Failed: failed}
	}
	return nil, nil
}

// driftFound counts and logs what a clean store zone's plan found.
func (r *Reconciler) driftFound(ctx context.Context, zp *plan.ZonePlan) {
	r.drift.WithLabelValues(zp.Zone, zp.Target).Add(float64(max(len(zp.Changes), 1)))
	var b bytes.Buffer
	zp.Print(&b, true)
	r.log.Warn("drift found; repairing", "zone", zp.Zone, "target", zp.Target, "changes", len(zp.Changes), "steps", len(zp.Steps))
	if r.opts.Ledger != nil {
		r.opts.Ledger.Event(ctx, "reconcile.drift", zp.Zone+" -> "+zp.Target, b.String())
	}
}

// delegate keeps the delegation of a hosted zone the apply created.
func (r *Reconciler) delegate(ctx context.Context, t provider.Target, zp *plan.ZonePlan) {
	d, ok := t.Provider.(provider.Delegator)
	if !ok || r.opts.Ledger == nil || t.Zone.Managed == nil || !zp.CreatesZone {
		return
	}
	ns, err := d.NameServers(ctx, zp.Zone)
	if err != nil {
		r.log.Warn("reading the delegation", "zone", zp.Zone, "err", err)
		return
	}
	if err := r.opts.Ledger.Delegated(ctx, t.Zone, ns); err != nil {
		r.log.Warn("keeping the delegation", "zone", zp.Zone, "err", err)
	}
}
