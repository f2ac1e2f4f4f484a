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

// maxBatch is the most events one transaction writes.
const maxBatch = 256

// add queues ev, if it is news; it never blocks, dropping (and logging)
// past the queue.
func (h *healthLog) add(ev health.Event) {
	if h == nil || !ev.News() {
		return
	}
	select {
	case h.queue <- ev:
	default:
		h.log.Warn("health event not logged: queue full", "target", ev.Check, "to", ev.To)
	}
}

// run writes queued events until ctx is done, as many as are queued (up
// to maxBatch) in one transaction: a flap of many targets at once costs
// one commit, not one each.
func (h *healthLog) run(ctx context.Context) {
	batch := make([]health.Event, 0, maxBatch)
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-h.queue:
			batch = append(batch[:0], ev)
		}
		for more := true; more && len(batch) < maxBatch; {
			select {
			case ev := <-h.queue:
				batch = append(batch, ev)
			default:
				more = false
			}
		}
		if err := h.write(ctx, batch); err != nil && ctx.Err() == nil {
			h.log.Error("logging health events", "events", len(batch), "err", err)
		}
	}
}

func (h *healthLog) write(ctx context.Context, batch []health.Event) error {
	return h.st.Update(ctx, func(tx *store.Tx) error {
		for _, ev := range batch {
			after, _ := json.Marshal(ev)
			if err := tx.AddEvent(ctx, &store.Event{Time: ev.Time, Actor: "health", Kind: "health." + ev.To, Subject: ev.Address, After: after}); err != nil {
				return err
			}
		}
		return nil
	})
}
