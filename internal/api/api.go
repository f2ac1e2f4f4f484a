// Package api serves signpost's HTTP endpoints: /healthz and /metrics now,
// the REST API later. Handlers only read; they never block the DNS path.
package api

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configure the handler. The zero value serves /healthz as always
// ready and /metrics as empty.
type Options struct {
	// Ready reports whether the server is answering DNS.
	Ready func() bool
	// Gatherer supplies /metrics.
	Gatherer prometheus.Gatherer
}

// New returns the HTTP handler.
func New(opts Options) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if opts.Ready != nil && !opts.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	g := opts.Gatherer
	if g == nil {
		g = prometheus.NewRegistry()
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	return mux
}
