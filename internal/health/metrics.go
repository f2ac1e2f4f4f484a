package health

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the checker's Prometheus metrics; nil records nothing.
type metrics struct {
	c           *Checker
	up          *prometheus.Desc
	duration    *prometheus.HistogramVec
	late        prometheus.Histogram
	transitions *prometheus.CounterVec
	skips       prometheus.Counter
}

func newMetrics(c *Checker, reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		c: c,
		up: prometheus.NewDesc("signpost_healthcheck_up",
			"Whether a health-check target is served (1) or not (0).",
			[]string{"address", "protocol", "port", "host", "path", "state"}, nil),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "signpost_healthcheck_duration_seconds",
			Help:    "How long probes take, by protocol.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"protocol"}),
		late: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "signpost_healthcheck_lateness_seconds",
			Help:    "How long after its slot a probe started.",
			Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .25, .5, 1},
		}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signpost_healthcheck_transitions_total",
			Help: "Health transitions, by the state entered.",
		}, []string{"to"}),
		skips: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "signpost_healthcheck_skipped_total",
			Help: "Probe slots skipped because the previous probe of the target was still running.",
		}),
	}
	reg.MustRegister(m, m.duration, m.late, m.transitions, m.skips)
	return m
}

// Describe implements prometheus.Collector for the up gauge.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) { ch <- m.up }

// Collect implements prometheus.Collector: one gauge per current target.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	for _, s := range m.c.Status() {
		v := 0.0
		if s.Serving {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(m.up, prometheus.GaugeValue, v,
			s.Address, s.Protocol, strconv.Itoa(int(s.Port)), s.Host, s.Path, s.State)
	}
}

func (m *metrics) probed(protocol string, d time.Duration) {
	if m != nil {
		m.duration.WithLabelValues(protocol).Observe(d.Seconds())
	}
}

func (m *metrics) lateness(d time.Duration) {
	if m != nil {
		m.late.Observe(max(0, d.Seconds()))
	}
}

func (m *metrics) transition(to string) {
	if m != nil {
		m.transitions.WithLabelValues(to).Inc()
	}
}

func (m *metrics) skipped() {
	if m != nil {
		m.skips.Inc()
	}
}
