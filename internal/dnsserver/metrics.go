package dnsserver

import (
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/engine"
)

// Metrics are the server's Prometheus metrics. A nil *Metrics records
// nothing.
type Metrics struct {
	queries  *prometheus.CounterVec
	duration prometheus.Histogram
	answers  *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		queries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signpost_dns_queries_total",
			Help: "DNS queries answered, by zone, query type and response code.",
		}, []string{"zone", "qtype", "rcode"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "signpost_dns_request_duration_seconds",
			Help:    "Time from reading a query to having its reply packed.",
			Buckets: []float64{5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.025},
		}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signpost_dns_answers_total",
			Help: "Dynamic answers, by record and by the pool that answered (\"backup\" for the backup values).",
		}, []string{"record", "type", "pool"}),
	}
	reg.MustRegister(m.queries, m.duration, m.answers)
	return m
}

func (m *Metrics) query(zone string, qtype uint16, rcode int, d time.Duration) {
	if m == nil {
		return
	}
	if zone == "" {
		zone = "none"
	}
	m.queries.WithLabelValues(zone, typeLabel(qtype), rcodeLabel(rcode)).Inc()
	m.duration.Observe(d.Seconds())
}

func (m *Metrics) answer(r *engine.Response) {
	if m == nil || r.Record == "" {
		return
	}
	m.answers.WithLabelValues(r.Record, typeLabel(r.RecordType), r.Pool).Inc()
}

// typeLabel bounds the qtype label to known types.
func typeLabel(t uint16) string {
	if t == 0 {
		return "none"
	}
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return "other"
}

func rcodeLabel(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return "other"
}
