package server

import (
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// callCounter is a provider that counts its API calls (Route53).
type callCounter interface {
	Calls() map[string]int
}

// providerCalls exports the current providers' API call counts as
// signpost_provider_api_calls_total{provider, operation}.
type providerCalls struct {
	desc *prometheus.Desc
	cur  func() *State
}

func newProviderCalls(cur func() *State) *providerCalls {
	return &providerCalls{cur: cur, desc: prometheus.NewDesc("signpost_provider_api_calls_total",
		"API calls made to each provider, by operation (Route53: ChangeResourceRecordSets, ListResourceRecordSets, ...).",
		[]string{"provider", "operation"}, nil)}
}

func (c *providerCalls) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *providerCalls) Collect(ch chan<- prometheus.Metric) {
	st := c.cur()
	if st == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(st.Providers)) {
		cc, ok := st.Providers[name].(callCounter)
		if !ok {
			continue
		}
		for op, n := range cc.Calls() {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(n), name, op)
		}
	}
}
