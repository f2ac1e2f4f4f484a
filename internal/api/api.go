// Package api serves signpost's HTTP endpoints: /healthz and /metrics now,
// the REST API later. Handlers only read; they never block the DNS path.
package api

import (
	"encoding/json"
	"net/http"
	"net/http/pprof"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/signpost-dns/signpost/internal/health"
)

// Options configure the handler. The zero value serves /healthz as always
// ready and /metrics as empty.
type Options struct {
	// Ready reports whether the server is answering DNS.
	Ready func() bool
	// Gatherer supplies /metrics.
	Gatherer prometheus.Gatherer
	// Health supplies GET /api/v1/health; nil serves an empty list.
	Health func() []health.TargetStatus
	// Pprof serves Go's profiles under /debug/pprof/.
	Pprof bool
	// Rest, with a store, serves the REST API under /api/v1.
	Rest *Rest
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
	if opts.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	mux.HandleFunc("GET /api/v1/health", func(w http.ResponseWriter, _ *http.Request) {
		list := []health.TargetStatus{}
		if opts.Health != nil {
			list = opts.Health()
		}
		writeJSON(w, http.StatusOK, list)
	})
	if opts.Rest != nil && opts.Rest.Store != nil {
		opts.Rest.Routes(mux)
	}
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
