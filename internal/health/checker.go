package health

import (
	"container/heap"
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options configure a Checker. The zero value is valid.
type Options struct {
	Concurrency int                   // probes in flight at once; default 256
	Probe       ProbeFunc             // default: a Prober's real probes
	Clock       Clock                 // default: the real clock
	Rand        *rand.Rand            // jitter of first probes; default: random
	Logger      *slog.Logger          // transitions are logged here; nil: discard
	OnEvent     func(Event)           // called for each transition; must not block
	Registerer  prometheus.Registerer // nil: no metrics
}

// Checker probes targets and keeps their health.
type Checker struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics

	mu      sync.Mutex // protects targets, queue and entry scheduling fields
	targets map[string]*entry
	queue   queue
	wake    chan struct{}
}

// New returns a Checker; call Sync to give it targets and Run to probe.
func New(opts Options) *Checker {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 256
	}
	if opts.Probe == nil {
		opts.Probe = NewProber().Probe
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Rand == nil {
		opts.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Checker{opts: opts, log: log, targets: map[string]*entry{}, wake: make(chan struct{}, 1)}
	c.metrics = newMetrics(c, opts.Registerer)
	return c
}

// View is the health of one table's targets, indexed by the table's target
// ids. It implements the engine's Health interface.
type View struct {
	states []*state
}

// Up reports whether target id may be served.
func (v *View) Up(id int) bool { return v.states[id].served.Load() }

// Sync makes targets the set being probed and returns their view, aligned
// with the slice; a target with an empty Key is a hole, not probed. Targets that still exist keep their state; new ones start
// probing after a random delay within their interval; the rest stop.
func (c *Checker) Sync(targets []Target) *View {
	now := c.opts.Clock.Now()
	v := &View{states: make([]*state, len(targets))}
	keep := make(map[string]bool, len(targets))
	c.mu.Lock()
	for i, t := range targets {
		if t.Key == "" {
			continue // an id no record uses any more: not probed, never asked
		}
		keep[t.Key] = true
		e := c.targets[t.Key]
		if e == nil {
			e = &entry{target: t, state: newState(now, t.Check)}
			e.due = now.Add(time.Duration(c.opts.Rand.Int64N(int64(t.Check.Interval))))
			c.targets[t.Key] = e
			heap.Push(&c.queue, e)
		} else if e.target.Check.Interval != t.Check.Interval {
			e.due = now.Add(time.Duration(c.opts.Rand.Int64N(int64(t.Check.Interval))))
			heap.Fix(&c.queue, e.index)
		}
		e.target = t
		v.states[i] = e.state
	}
	for key, e := range c.targets {
		if !keep[key] {
			heap.Remove(&c.queue, e.index)
			delete(c.targets, key)
		}
	}
	c.mu.Unlock()
	c.poke()
	return v
}

func (c *Checker) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Run probes until ctx is done.
func (c *Checker) Run(ctx context.Context) {
	jobs := make(chan job, c.opts.Concurrency)
	var wg sync.WaitGroup
	for range c.opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				c.run(ctx, j)
			}
		}()
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	for {
		ready, wait := c.dispatch(c.opts.Clock.Now())
		for _, j := range ready {
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
		timer, stop := c.opts.Clock.After(wait)
		select {
		case <-timer:
		case <-c.wake:
			stop()
		case <-ctx.Done():
			stop()
			return
		}
	}
}

// run probes one target and applies the result.
func (c *Checker) run(ctx context.Context, j job) {
	start := c.opts.Clock.Now()
	c.metrics.lateness(start.Sub(j.slot))
	pctx, cancel := context.WithTimeout(ctx, j.probe.Check.Timeout)
	detail, err := c.opts.Probe(pctx, &j.probe)
	cancel()
	end := c.opts.Clock.Now()
	c.metrics.probed(j.probe.Check.Protocol, end.Sub(start))
	if ctx.Err() != nil {
		return // shutting down: a cancelled probe says nothing about the target
	}
	from, to, changed := j.e.state.observe(end, j.probe.Check, detail, err)
	c.mu.Lock()
	j.e.running = false
	live := c.targets[j.probe.Key] == j.e
	c.mu.Unlock()
	if changed && live {
		reason := detail
		if err != nil {
			reason = err.Error()
		}
		c.transition(Event{Time: end, Address: j.probe.Address, Check: Describe(j.probe.Address, j.probe.Check),
			From: from.String(), To: to.String(), Reason: reason, Records: j.probe.Records})
	}
}

func (c *Checker) transition(ev Event) {
	c.metrics.transition(ev.To)
	level := slog.LevelWarn
	switch {
	case !ev.News():
		level = slog.LevelDebug
	case ev.To == "up":
		level = slog.LevelInfo
	}
	c.log.Log(context.Background(), level, "health transition", "target", ev.Check, "from", ev.From, "to", ev.To, "reason", ev.Reason, "records", ev.Records)
	if c.opts.OnEvent != nil {
		c.opts.OnEvent(ev)
	}
}
