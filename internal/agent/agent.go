// Package agent keeps one server in a round-robin name, as
// autodnsfailover did, and takes dead peers out, safely: every write is a
// compare-and-swap of what was read, the last value is never removed, and
// with a quorum a peer goes only when a strict majority of the agents
// whose reports are fresh see it dead, so one agent with a broken checker
// removes nobody.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Set is one name and type: its TTL and values in presentation format,
// sorted.
type Set struct {
	Name   string // fully qualified, lower case
	Type   string
	TTL    uint32
	Values []string
	// Version is what a backend that versions whole records (a signpost
	// server) compares a write with; others compare the values.
	Version string
}

// ErrConflict is a write refused because the set moved since it was read.
var ErrConflict = errors.New("the set moved since it was read")

// Sets is where the record lives (an RFC 2136 server, Route53, a signpost
// server): one set read, and swapped whole only if it is still as read.
type Sets interface {
	// ReadSet returns the set, or nil when the name has none of the type.
	ReadSet(ctx context.Context, name, typ string) (*Set, error)
	// SwapSet replaces old (nil: it must not exist) with next (nil:
	// delete it); ErrConflict when the set is not old any more.
	SwapSet(ctx context.Context, zone string, old, next *Set) error
	// ZoneOf finds the zone that holds name.
	ZoneOf(ctx context.Context, name string) (string, error)
}

// Agent is one server's agent.
type Agent struct {
	cfg   *Config
	log   *slog.Logger
	sets  Sets
	check func(ctx context.Context, addr string) error
	m     *metrics
	zone  string
	now   func() time.Time

	selfFails, selfOKs int
	withdrawn          bool
	started            time.Time      // when Run began: reports gather for 3 intervals before any removal
	fails              map[string]int // consecutive failures by peer
}

// New returns an agent for cfg writing to sets; check is nil for the
// configured one.
func New(cfg *Config, log *slog.Logger, sets Sets, m *metrics) *Agent {
	a := &Agent{cfg: cfg, log: log, sets: sets, m: m, now: time.Now, fails: map[string]int{}}
	a.check = checker(cfg)
	return a
}

// Run makes sure of the zone, then runs a round every interval until ctx
// ends; a round that changed the record is followed at once by another.
// On the way out, the own address is withdrawn if the config says so.
func (a *Agent) Run(ctx context.Context) error {
	a.zone = a.cfg.Zone
	if a.zone == "" {
		z, err := a.sets.ZoneOf(ctx, a.cfg.Record)
		if err != nil {
			return err
		}
		a.zone = z
	}
	// The provider must answer at start: a wrong server or key is an
	// error, not a loop of warnings. Later failures are retried.
	if _, err := a.sets.ReadSet(ctx, a.cfg.Record, a.cfg.Type); err != nil {
		return fmt.Errorf("reading %s %s: %w", a.cfg.Record, a.cfg.Type, err)
	}
	a.started = a.now()
	a.log.Info("agent started", "record", a.cfg.Record, "zone", a.zone, "self", a.cfg.Self.Address, "quorum", a.cfg.Quorum)
	t := time.NewTicker(time.Duration(a.cfg.Interval))
	defer t.Stop()
	for {
		again, err := a.Round(ctx)
		if err != nil && ctx.Err() == nil {
			a.log.Warn("round failed", "err", err)
		}
		if again && ctx.Err() == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return a.stop()
		case <-t.C:
		}
	}
}

// stop withdraws the own address if asked to, unless it is the last.
func (a *Agent) stop() error {
	if !a.cfg.WithdrawOnStop {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Duration(a.cfg.Timeout)+time.Second)
	defer cancel()
	for range 3 {
		cur, err := a.sets.ReadSet(ctx, a.cfg.Record, a.cfg.Type)
		if err != nil || cur == nil || !slices.Contains(cur.Values, a.cfg.Self.Address) || len(cur.Values) < 2 {
			return err
		}
		err = a.remove(ctx, cur, a.cfg.Self.Address, "stopping (withdraw_on_stop)")
		if !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return nil
}

// Round is one pass: the self-check first (a failing self touches nothing
// but, after failures in a row, its own address), then the peers in
// sorted order. again is true when the record changed (or moved under a
// write): the next round starts at once, from the self-check.
func (a *Agent) Round(ctx context.Context) (again bool, err error) {
	cur, err := a.sets.ReadSet(ctx, a.cfg.Record, a.cfg.Type)
	if err != nil {
		return false, err
	}
	values := setValues(cur)
	self := a.cfg.Self.Address
	if a.selfCheck(ctx) {
		if !slices.Contains(values, self) && (!a.withdrawn || a.selfOKs >= a.cfg.Failures) {
			return true, a.add(ctx, cur)
		}
	} else {
		if a.selfFails >= a.cfg.Failures && slices.Contains(values, self) && len(values) > 1 {
			a.withdrawn = true
			return true, a.remove(ctx, cur, self, fmt.Sprintf("its own check failed %d times in a row", a.selfFails))
		}
		return false, nil
	}
	dead := a.checkPeers(ctx, values)
	if a.cfg.Quorum == "majority" {
		if dead, err = a.vote(ctx, dead); err != nil {
			return false, err
		}
		// A new agent's report may be the only fresh one for a while: it
		// removes nobody until the others have had 3 intervals to report.
		if a.now().Sub(a.started) < 3*time.Duration(a.cfg.Interval) {
			dead = nil
		}
	}
	for _, d := range dead {
		if len(values) <= 1 {
			a.log.Warn("not removing the last value", "peer", d)
			break
		}
		return true, a.remove(ctx, cur, d, fmt.Sprintf("failed %d checks in a row", a.fails[d]))
	}
	return false, nil
}

func (a *Agent) selfCheck(ctx context.Context) bool {
	err := a.check(ctx, a.cfg.Self.Address)
	if err == nil {
		a.selfFails, a.selfOKs = 0, a.selfOKs+1
	} else {
		a.selfFails, a.selfOKs = a.selfFails+1, 0
		a.log.Warn("self-check failed", "err", err, "in_a_row", a.selfFails)
	}
	a.m.peerUp.WithLabelValues(a.cfg.Self.Address).Set(b2f(err == nil))
	return err == nil
}

// checkPeers checks every other value, in sorted order, and returns the
// dead ones: failures checks failed in a row.
func (a *Agent) checkPeers(ctx context.Context, values []string) []string {
	var dead []string
	for addr := range a.fails {
		if !slices.Contains(values, addr) {
			delete(a.fails, addr)
			a.m.peerUp.DeleteLabelValues(addr)
		}
	}
	for _, p := range values {
		if p == a.cfg.Self.Address {
			continue
		}
		err := a.check(ctx, p)
		if err == nil {
			a.fails[p] = 0
		} else {
			a.fails[p]++
			a.log.Info("peer check failed", "peer", p, "err", err, "in_a_row", a.fails[p])
		}
		a.m.peerUp.WithLabelValues(p).Set(b2f(err == nil))
		if a.fails[p] >= a.cfg.Failures {
			dead = append(dead, p)
		}
	}
	return dead
}

// add puts the own address into the record, beside what is there (a new
// set with the configured TTL when there is none).
func (a *Agent) add(ctx context.Context, cur *Set) error {
	next := Set{Name: a.cfg.Record, Type: a.cfg.Type, TTL: a.cfg.TTL}
	if cur != nil {
		next = *cur
		next.Values = slices.Clone(cur.Values)
	}
	next.Values = append(next.Values, a.cfg.Self.Address)
	slices.Sort(next.Values)
	if err := a.swap(ctx, cur, &next); err != nil {
		return err
	}
	a.withdrawn = false
	a.m.changes.WithLabelValues("add").Inc()
	a.log.Info("added the own address", "address", a.cfg.Self.Address, "values", next.Values)
	return nil
}

// remove takes addr out of the record, never its last value.
func (a *Agent) remove(ctx context.Context, cur *Set, addr, why string) error {
	next := *cur
	next.Values = slices.DeleteFunc(slices.Clone(cur.Values), func(v string) bool { return v == addr })
	if len(next.Values) == 0 {
		return nil
	}
	if err := a.swap(ctx, cur, &next); err != nil {
		return err
	}
	a.m.changes.WithLabelValues("remove").Inc()
	a.log.Warn("removed an address", "address", addr, "reason", why, "values", next.Values)
	return nil
}

// swap writes next over cur, or reports the race it lost.
func (a *Agent) swap(ctx context.Context, cur, next *Set) error {
	err := a.sets.SwapSet(ctx, a.zone, cur, next)
	if errors.Is(err, ErrConflict) {
		a.m.conflicts.Inc()
		a.log.Info("the record moved under a write; reading it again", "err", err)
	}
	return err
}

func setValues(s *Set) []string {
	if s == nil {
		return nil
	}
	return s.Values
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
