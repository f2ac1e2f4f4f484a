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
	queries   *prometheus.CounterVec
	duration  prometheus.Histogram
	answers   *prometheus.CounterVec
	perRecord bool
}

// NewMetrics creates the metrics and registers them with reg. Dynamic
// answers are counted by zone, type and pool; perRecord adds the record's
// name as a label, one series per record and pool, which is only safe
// with a bounded number of dynamic records (signpost.yaml's
// metrics.per_record).
func NewMetrics(reg prometheus.Registerer, perRecord bool) *Metrics {
	answerLabels := []string{"zone", "type", "pool"}
	if perRecord {
		answerLabels = append(answerLabels, "record")
	}
	m := &Metrics{perRecord: perRecord,
		queries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signpost_dns_queries_total",
			Help: "DNS queries answered, by zone, query type and response code.",
		}, []string{"zone", "qtype", "rcode"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "signpost_dns_request_duration_seconds",
			Help:    "Time from reading a query to having its reply packed (over UDP, the reply packed last in the query's batch, as they are sent together).",
			Buckets: []float64{5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.025},
		}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signpost_dns_answers_total",
			Help: "Dynamic answers, by zone, record type and the pool that answered (\"backup\" for the backup values); by record too with metrics.per_record.",
		}, answerLabels),
	}
	reg.MustRegister(m.queries, m.duration, m.answers)
	return m
}

// counters caches one goroutine's counters by their labels, so that the
// answer path looks up a small map instead of hashing label values.
type counters struct {
	queries map[queryKey]prometheus.Counter
	answers map[answerKey]prometheus.Counter
	// The last counter of each kind, looked up before the maps: queries
	// come in runs of the same zone and outcome, and comparing a key
	// whose strings share their bytes with the last one costs no hashing.
	lastQuery  queryKey
	lastQCtr   prometheus.Counter
	lastAnswer answerKey
	lastACtr   prometheus.Counter
}

type queryKey struct {
	zone  string
	qtype uint16
	rcode int
}

type answerKey struct {
	zone, record, pool string
	rtype              uint16
}

// maxCached bounds a goroutine's cache; past it, lookups go to the vectors.
const maxCached = 4096

func (m *Metrics) query(c *counters, zone string, qtype uint16, rcode int) {
	if m == nil {
		return
	}
	k := queryKey{zone, qtype, rcode}
	if c.lastQCtr != nil && k == c.lastQuery {
		c.lastQCtr.Inc()
		return
	}
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
	c.lastQuery, c.lastQCtr = k, ctr
	ctr.Inc()
}

// observe records n replies that took d from the read that brought their
// queries in to the last of them being packed: a batch's replies are sent
// together, after the last is packed, so each of them took d.
func (m *Metrics) observe(d time.Duration, n int) {
	if m == nil {
		return
	}
	for range n {
		m.duration.Observe(d.Seconds())
	}
}

func (m *Metrics) answer(c *counters, r *engine.Response) {
	if m == nil || r.Record == "" {
		return
	}
	k := answerKey{zone: r.Zone, pool: r.Pool, rtype: r.RecordType}
	if m.perRecord {
		k.record = r.Record
	}
	if c.lastACtr != nil && k == c.lastAnswer {
		c.lastACtr.Inc()
		return
	}
	ctr, ok := c.answers[k]
	if !ok {
		if m.perRecord {
			ctr = m.answers.WithLabelValues(k.zone, typeLabel(k.rtype), k.pool, k.record)
		} else {
			ctr = m.answers.WithLabelValues(k.zone, typeLabel(k.rtype), k.pool)
		}
		if c.answers == nil {
			c.answers = map[answerKey]prometheus.Counter{}
		}
		if len(c.answers) < maxCached {
			c.answers[k] = ctr
		}
	}
	c.lastAnswer, c.lastACtr = k, ctr
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
