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

// counters caches one goroutine's counters by their labels, so that the
// answer path looks up a small map instead of hashing label values.
type counters struct {
	queries map[queryKey]prometheus.Counter
	answers map[answerKey]prometheus.Counter
}

type queryKey struct {
	zone  string
	qtype uint16
	rcode int
}

type answerKey struct {
	record, pool string
	rtype        uint16
}

// maxCached bounds a goroutine's cache; past it, lookups go to the vectors.
const maxCached = 4096

func (m *Metrics) query(c *counters, zone string, qtype uint16, rcode int, d time.Duration) {
	if m == nil {
		return
	}
	k := queryKey{zone, qtype, rcode}
	ctr, ok := c.queries[k]
	if !ok {
		if zone == "" {
			zone = "none"
		}
		ctr = m.queries.WithLabelValues(zone, typeLabel(qtype), rcodeLabel(rcode))
		if c.queries == nil {
			c.queries = map[queryKey]prometheus.Counter{}
		}
		if len(c.queries) < maxCached {
			c.queries[k] = ctr
		}
	}
	ctr.Inc()
	m.duration.Observe(d.Seconds())
}

func (m *Metrics) answer(c *counters, r *engine.Response) {
	if m == nil || r.Record == "" {
		return
	}
	k := answerKey{r.Record, r.Pool, r.RecordType}
	ctr, ok := c.answers[k]
	if !ok {
		ctr = m.answers.WithLabelValues(r.Record, typeLabel(r.RecordType), r.Pool)
		if c.answers == nil {
			c.answers = map[answerKey]prometheus.Counter{}
		}
		if len(c.answers) < maxCached {
			c.answers[k] = ctr
		}
	}
	ctr.Inc()
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
