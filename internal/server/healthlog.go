package server

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/store"
)

// healthLog writes health transitions into the store's event log, from a
// queue of its own, so a slow database never blocks probing.
type healthLog struct {
	st    *store.Store
	log   *slog.Logger
	queue chan health.Event
}

func newHealthLog(st *store.Store, log *slog.Logger) *healthLog {
	return &healthLog{st: st, log: log, queue: make(chan health.Event, 1024)}
}

// add queues ev; it never blocks, dropping (and logging) past the queue.
func (h *healthLog) add(ev health.Event) {
	if h == nil {
		return
	}
	select {
	case h.queue <- ev:
	default:
		h.log.Warn("health event not logged: queue full", "target", ev.Check, "to", ev.To)
	}
}

// run writes queued events until ctx is done.
func (h *healthLog) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-h.queue:
			after, _ := json.Marshal(ev)
			err := h.st.Update(ctx, func(tx *store.Tx) error {
				return tx.AddEvent(ctx, &store.Event{Time: ev.Time, Actor: "health", Kind: "health." + ev.To, Subject: ev.Address, After: after})
			})
			if err != nil && ctx.Err() == nil {
				h.log.Error("logging a health event", "err", err)
			}
		}
	}
}
