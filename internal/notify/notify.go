// Package notify reports health transitions to operators: a JSON POST to
// each webhook, and optionally an email through SMTP. Delivery retries with
// backoff in the background and never blocks the caller.
package notify

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
)

// Options configure a Notifier. The zero value sends nothing.
type Options struct {
	Webhooks []Webhook
	Email    *Email
	Logger   *slog.Logger
	// Attempts per event and sink (default 5); Backoff is the first wait
	// between attempts (default 1s), doubled each time, with jitter.
	Attempts int
	Backoff  time.Duration
	// QueueSize bounds the events waiting per sink (default 1024); past it,
	// new events are dropped and logged.
	QueueSize int
}

// Notifier fans events out to its sinks.
type Notifier struct {
	opts  Options
	log   *slog.Logger
	sinks []*sink
}

// sink is one destination with its own queue.
type sink struct {
	name    string
	on      []string // "up", "down"; empty means both
	deliver func(ctx context.Context, ev health.Event) error
	queue   chan health.Event
}

// New returns a Notifier for opts.
func New(opts Options) *Notifier {
	if opts.Attempts <= 0 {
		opts.Attempts = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 1024
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Notifier{opts: opts, log: log}
	for _, w := range opts.Webhooks {
		n.sinks = append(n.sinks, &sink{name: "webhook " + w.URL, on: w.Events, deliver: w.post, queue: make(chan health.Event, opts.QueueSize)})
	}
	if e := opts.Email; e != nil {
		n.sinks = append(n.sinks, &sink{name: "email via " + e.SMTP, on: e.On, deliver: e.send, queue: make(chan health.Event, opts.QueueSize)})
	}
	return n
}

// Notify queues ev for every sink that wants it. It never blocks. A target
// coming up for the first time after a start is not news and is not sent.
func (n *Notifier) Notify(ev health.Event) {
	if ev.From == health.StatusUnknown.String() && ev.To == health.StatusUp.String() {
		return
	}
	for _, s := range n.sinks {
		if len(s.on) > 0 && !slices.Contains(s.on, ev.To) {
			continue
		}
		select {
		case s.queue <- ev:
		default:
			n.log.Warn("notification dropped: queue full", "sink", s.name, "target", ev.Check, "to", ev.To)
		}
	}
}

// Run delivers queued events until ctx is done.
func (n *Notifier) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, s := range n.sinks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case ev := <-s.queue:
					n.deliver(ctx, s, ev)
				}
			}
		}()
	}
	wg.Wait()
}

func (n *Notifier) deliver(ctx context.Context, s *sink, ev health.Event) {
	wait := n.opts.Backoff
	for attempt := 1; ; attempt++ {
		err := s.deliver(ctx, ev)
		if err == nil {
			n.log.Debug("notification sent", "sink", s.name, "target", ev.Check, "to", ev.To, "attempt", attempt)
			return
		}
		if attempt >= n.opts.Attempts {
			n.log.Error("notification failed", "sink", s.name, "target", ev.Check, "to", ev.To, "attempts", attempt, "err", err)
			return
		}
		n.log.Warn("notification failed; retrying", "sink", s.name, "attempt", attempt, "err", err)
		jittered := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(jittered):
		}
		wait *= 2
	}
}
