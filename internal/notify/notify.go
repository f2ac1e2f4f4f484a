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

// Notifier fans events out to its sinks. Update replaces the sinks while
// it runs; Run joins every delivery goroutine before it returns.
type Notifier struct {
	mu      sync.Mutex // protects set, runCtx and stopped
	set     *sinkSet
	runCtx  context.Context // nil until Run
	stopped bool            // Run has returned: nothing starts again
	wg      sync.WaitGroup  // delivery goroutines of every set
}

// sinkSet is the sinks of one Options, started and stopped together.
type sinkSet struct {
	opts   Options
	log    *slog.Logger
	sinks  []*sink
	cancel context.CancelFunc // nil until started
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
	return &Notifier{set: newSinkSet(opts)}
}

func newSinkSet(opts Options) *sinkSet {
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
	set := &sinkSet{opts: opts, log: log}
	for _, w := range opts.Webhooks {
		set.sinks = append(set.sinks, &sink{name: "webhook " + w.URL, on: w.Events, deliver: w.post, queue: make(chan health.Event, opts.QueueSize)})
	}
	if e := opts.Email; e != nil {
		set.sinks = append(set.sinks, &sink{name: "email via " + e.SMTP, on: e.On, deliver: e.send, queue: make(chan health.Event, opts.QueueSize)})
	}
	return set
}

// Update replaces the sinks with those of opts. Events queued for the old
// sinks and not yet delivered are dropped.
func (n *Notifier) Update(opts Options) {
	next := newSinkSet(opts)
	n.mu.Lock()
	old := n.set
	n.set = next
	if n.runCtx != nil && !n.stopped {
		n.start(next)
	}
	n.mu.Unlock()
	if old.cancel != nil {
		old.cancel()
	}
}

// Notify queues ev for every sink that wants it. It never blocks. What is
// not news (a target's first result after a start, up) is not sent.
func (n *Notifier) Notify(ev health.Event) {
	if !ev.News() {
		return
	}
	n.mu.Lock()
	set := n.set
	n.mu.Unlock()
	for _, s := range set.sinks {
		if len(s.on) > 0 && !slices.Contains(s.on, ev.To) {
			continue
		}
		select {
		case s.queue <- ev:
		default:
			set.log.Warn("notification dropped: queue full", "sink", s.name, "target", ev.Check, "to", ev.To)
		}
	}
}

// Run delivers queued events until ctx is done, then waits for every
// delivery goroutine, including those of sets Update replaced.
func (n *Notifier) Run(ctx context.Context) {
	n.mu.Lock()
	n.runCtx = ctx
	n.start(n.set)
	n.mu.Unlock()
	<-ctx.Done()
	n.mu.Lock()
	n.stopped = true
	n.mu.Unlock()
	n.wg.Wait()
}

// start runs one goroutine per sink of set; n.mu is held.
func (n *Notifier) start(set *sinkSet) {
	ctx, cancel := context.WithCancel(n.runCtx)
	set.cancel = cancel
	for _, s := range set.sinks {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case ev := <-s.queue:
					set.deliver(ctx, s, ev)
				}
			}
		}()
	}
}

func (set *sinkSet) deliver(ctx context.Context, s *sink, ev health.Event) {
	wait := set.opts.Backoff
	for attempt := 1; ; attempt++ {
		err := s.deliver(ctx, ev)
		if err == nil {
			set.log.Debug("notification sent", "sink", s.name, "target", ev.Check, "to", ev.To, "attempt", attempt)
			return
		}
		if attempt >= set.opts.Attempts {
			set.log.Error("notification failed", "sink", s.name, "target", ev.Check, "to", ev.To, "attempts", attempt, "err", err)
			return
		}
		set.log.Warn("notification failed; retrying", "sink", s.name, "attempt", attempt, "err", err)
		jittered := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(jittered):
		}
		wait *= 2
	}
}
