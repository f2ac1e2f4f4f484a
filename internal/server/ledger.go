package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/reconcile"
	"github.com/signpost-dns/signpost/internal/store"
)

// ledger keeps store zones' push state in the store for the reconciler.
type ledger struct {
	st      *store.Store
	log     *slog.Logger
	changed func(why string) // the store source's reload
	state   func() *State
}

var _ reconcile.Ledger = (*ledger)(nil)

func (l *ledger) Pushed(ctx context.Context, z *model.Zone, results []reconcile.Result) error {
	recs := make([]store.Pushed, len(results))
	for i, r := range results {
		recs[i] = store.Pushed{Zone: r.Zone, ID: r.ID, Token: r.Token, Error: r.Error}
		if r.Error != "" {
			l.event(ctx, "reconcile.record_failed", z.Name, map[string]string{"record": r.ID, "error": r.Error})
		}
	}
	err := l.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.MarkPushed(ctx, recs); err != nil {
			return err
		}
		return tx.ZoneFailed(ctx, z.Managed.ZoneID, "")
	})
	if err == nil && len(z.Managed.Deleted) > 0 {
		// Pushed deletions are gone from the store: rebuild the zone so that
		// their names are no longer managed.
		l.changed("deletions pushed")
	}
	return err
}

func (l *ledger) Failed(ctx context.Context, z *model.Zone, cause error) {
	msg := strings.ReplaceAll(cause.Error(), "\n", " ")
	err := l.st.Update(ctx, func(tx *store.Tx) error { return tx.ZoneFailed(ctx, z.Managed.ZoneID, msg) })
	if err != nil {
		l.log.Warn("keeping a zone's push error", "zone", z.Name, "err", err)
	}
	l.event(ctx, "reconcile.zone_failed", z.Name, map[string]string{"error": msg})
}

func (l *ledger) Delegated(ctx context.Context, z *model.Zone, ns []string) error {
	return l.st.Update(ctx, func(tx *store.Tx) error { return tx.SetNameServers(ctx, z.Managed.ZoneID, ns) })
}

func (l *ledger) Removals(ctx context.Context) ([]reconcile.Removal, error) {
	var zones []*store.Zone
	err := l.st.View(ctx, func(tx *store.Tx) (err error) { zones, err = tx.DeletedZones(ctx); return err })
	if err != nil || len(zones) == 0 {
		return nil, err
	}
	provs := l.state().Providers
	out := make([]reconcile.Removal, 0, len(zones))
	for _, z := range zones {
		r := reconcile.Removal{ZoneID: z.ID, Zone: z.Root}
		for _, name := range z.Targets {
			if p := provs[name]; p != nil {
				r.Targets = append(r.Targets, p)
			} else {
				l.log.Warn("a deleted zone's target is no longer configured; not removing it there", "zone", z.Root, "target", name)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func (l *ledger) Removed(ctx context.Context, r reconcile.Removal) error {
	return l.st.Update(ctx, func(tx *store.Tx) error { return tx.PurgeZone(ctx, r.ZoneID) })
}

func (l *ledger) Event(ctx context.Context, kind, subject, detail string) {
	l.event(ctx, kind, subject, map[string]string{"detail": detail})
}

func (l *ledger) event(ctx context.Context, kind, subject string, detail any) {
	after, _ := json.Marshal(detail) // strings only: cannot fail
	ev := &store.Event{Time: time.Now(), Actor: "reconcile", Kind: kind, Subject: subject, After: after}
	if err := l.st.Update(ctx, func(tx *store.Tx) error { return tx.AddEvent(ctx, ev) }); err != nil {
		l.log.Warn("writing an event", "kind", kind, "err", err)
	}
}
