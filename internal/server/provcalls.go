package server

import (
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/provider"
)

// providerCounts exports counts the current providers keep, by one
// label: API calls by operation (Route53), UPDATE messages by result
// (RFC 2136).
type providerCounts struct {
	desc  *prometheus.Desc
	cur   func() *State
	count func(any) (map[string]int, bool)
}

func newProviderCalls(cur func() *State) *providerCounts {
	return &providerCounts{cur: cur, desc: prometheus.NewDesc("signpost_provider_api_calls_total",
		"API calls made to each provider, by operation (Route53: ChangeResourceRecordSets, ListResourceRecordSets, ...).",
		[]string{"provider", "operation"}, nil),
		count: func(p any) (map[string]int, bool) {
			c, ok := p.(interface{ Calls() map[string]int })
			if !ok {
				return nil, false
			}
			return c.Calls(), true
		}}
}

func newProviderUpdates(cur func() *State) *providerCounts {
	return &providerCounts{cur: cur, desc: prometheus.NewDesc("signpost_provider_updates_total",
		"RFC 2136 UPDATE messages sent to each provider, by result (ok, conflict, error).",
		[]string{"provider", "result"}, nil),
		count: func(p any) (map[string]int, bool) {
			c, ok := p.(interface{ Updates() map[string]int })
			if !ok {
				return nil, false
			}
			return c.Updates(), true
		}}
}

func (c *providerCounts) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *providerCounts) Collect(ch chan<- prometheus.Metric) {
	st := c.cur()
	if st == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(st.Providers)) {
		counts, ok := c.count(st.Providers[name])
		if !ok {
			continue
		}
		for op, n := range counts {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(n), name, op)
		}
	}
}

// healthView is the live health as providers that follow it plan with:
// a value serves unless its target is known and not serving.
func (s *Server) healthView() provider.HealthView {
	serving := map[string]bool{}
	for _, ts := range s.checker.Status() {
		for _, r := range ts.Records {
			serving[r+"|"+ts.Address] = ts.Serving
		}
	}
	return func(record, value string) bool {
		up, known := serving[record+"|"+value]
		return up || !known
	}
}
