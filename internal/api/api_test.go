package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/api"
)

func TestHealthz(t *testing.T) {
	ready := false
	srv := httptest.NewServer(api.New(api.Options{Ready: func() bool { return ready }}))
	defer srv.Close()
	for _, tc := range []struct {
		ready bool
		code  int
	}{{false, 503}, {true, 200}} {
		ready = tc.ready
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("ready=%v: status %d, want %d", tc.ready, resp.StatusCode, tc.code)
		}
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "signpost_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	srv := httptest.NewServer(api.New(api.Options{Gatherer: reg}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "signpost_test_total 1") {
		t.Errorf("metrics:\n%s", b)
	}
}
