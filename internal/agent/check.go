package agent

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/health/target"
)

// checker returns how cfg checks an address: its command ({address}
// replaced; exit status 0 is healthy, killed at the timeout), or signpost's
// probe.
func checker(cfg *Config) func(ctx context.Context, addr string) error {
	timeout := time.Duration(cfg.Timeout)
	if len(cfg.Check.Command) > 0 {
		return func(ctx context.Context, addr string) error {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			args := make([]string, len(cfg.Check.Command))
			for i, s := range cfg.Check.Command {
				args[i] = strings.ReplaceAll(s, "{address}", addr)
			}
			out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%s: %w: %s", args[0], err, strings.TrimSpace(string(out)))
			}
			return nil
		}
	}
	prober := health.NewProber()
	hc := cfg.healthcheck()
	return func(ctx context.Context, addr string) error {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		_, err := prober.Probe(ctx, &target.Target{Address: addr, Check: hc})
		return err
	}
}

// metrics are the agent's series.
type metrics struct {
	peerUp    *prometheus.GaugeVec
	changes   *prometheus.CounterVec
	conflicts prometheus.Counter
}

// NewMetrics registers the agent's series with reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		peerUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "signpost_agent_peer_up",
			Help: "Whether the last check of each value of the record (the own address included) passed."}, []string{"address"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_agent_changes_total",
			Help: "Addresses the agent added to or removed from the record."}, []string{"action"}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{Name: "signpost_agent_conflicts_total",
			Help: "Writes refused because the record moved since it was read (compare-and-swap)."}),
	}
	if reg != nil {
		reg.MustRegister(m.peerUp, m.changes, m.conflicts)
	}
	return m
}
