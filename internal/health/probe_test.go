package health_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
)

// backend is an HTTP server on a loopback address whose answer can change,
// and which remembers what it was asked.
type backend struct {
	srv    *httptest.Server
	status atomic.Int32
	body   atomic.Value
	hits   atomic.Int64

	mu   sync.Mutex
	host string
	path string
	sni  string
}

func newBackend(t *testing.T, addr string, tlsOn bool) *backend {
	t.Helper()
	b := &backend{}
	b.status.Store(200)
	b.body.Store("ok")
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	b.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		b.mu.Lock()
		b.host, b.path = r.Host, r.URL.Path
		b.mu.Unlock()
		w.WriteHeader(int(b.status.Load()))
		_, _ = w.Write([]byte(b.body.Load().(string)))
	}))
	b.srv.Listener.Close()
	b.srv.Listener = l
	if tlsOn {
		b.srv.TLS = &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			b.mu.Lock()
			b.sni = h.ServerName
			b.mu.Unlock()
			return nil, nil
		}}
		b.srv.StartTLS()
	} else {
		b.srv.Start()
	}
	t.Cleanup(b.srv.Close)
	return b
}

func (b *backend) port() uint16 {
	_, p, _ := net.SplitHostPort(b.srv.Listener.Addr().String())
	n, _ := strconv.Atoi(p)
	return uint16(n)
}

func probe(t *testing.T, address string, hc model.Healthcheck) (string, error) {
	t.Helper()
	if hc.Timeout == 0 {
		hc.Timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), hc.Timeout)
	defer cancel()
	return health.NewProber().Probe(ctx, &health.Target{Address: address, Check: hc})
}

func TestProbeHTTP(t *testing.T) {
	b := newBackend(t, "127.0.0.2:0", false)
	hc := model.Healthcheck{Protocol: "HTTP", Port: b.port(), Host: "www.example.com", Path: "/_dns"}
	tests := []struct {
		name   string
		status int
		body   string
		hc     func(*model.Healthcheck)
		want   string
		err    string
	}{
		{name: "200", status: 200, want: "HTTP 200"},
		{name: "302 counts as healthy", status: 302, want: "HTTP 302"},
		{name: "503", status: 503, err: "HTTP 503"},
		{name: "404", status: 404, err: "HTTP 404"},
		{name: "expected status", status: 404, hc: func(h *model.Healthcheck) { h.ExpectStatus = []model.StatusRange{{Lo: 404, Hi: 404}} }, want: "HTTP 404"},
		{name: "unexpected status", status: 200, hc: func(h *model.Healthcheck) { h.ExpectStatus = []model.StatusRange{{Lo: 204, Hi: 204}} }, err: "HTTP 200"},
		{name: "body matches", status: 200, body: "all ok here", hc: func(h *model.Healthcheck) { h.ExpectBody = "ok" }, want: "HTTP 200"},
		{name: "body lacks", status: 200, body: "degraded", hc: func(h *model.Healthcheck) { h.ExpectBody = "ok" }, err: `body lacks "ok"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b.status.Store(int32(tc.status))
			body := tc.body
			if body == "" {
				body = "ok"
			}
			b.body.Store(body)
			h := hc
			if tc.hc != nil {
				tc.hc(&h)
			}
			got, err := probe(t, "127.0.0.2", h)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q %v, want %q", got, err, tc.want)
			}
		})
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.host != "www.example.com:"+strconv.Itoa(int(b.port())) || b.path != "/_dns" {
		t.Errorf("backend saw Host %q path %q", b.host, b.path)
	}
}

func TestProbeHTTPSSelfSigned(t *testing.T) {
	b := newBackend(t, "127.0.0.3:0", true)
	got, err := probe(t, "127.0.0.3", model.Healthcheck{Protocol: "HTTPS", Port: b.port(), Host: "secure.example.com", Path: "/health"})
	if err != nil || got != "HTTP 200" {
		t.Fatalf("got %q %v", got, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sni != "secure.example.com" || b.path != "/health" {
		t.Errorf("SNI %q path %q", b.sni, b.path)
	}
}

func TestProbeClosedAndTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.4:0")
	if err != nil {
		t.Fatal(err)
	}
	port := uint16(l.Addr().(*net.TCPAddr).Port)
	// A listener that accepts and never answers.
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	if _, err := probe(t, "127.0.0.4", model.Healthcheck{Protocol: "HTTP", Port: port, Path: "/", Timeout: 200 * time.Millisecond}); err == nil || err.Error() != "timeout after 200ms" {
		t.Errorf("silent backend: %v, want timeout after 200ms", err)
	}
	if got, err := probe(t, "127.0.0.4", model.Healthcheck{Protocol: "TCP", Port: port}); err != nil || got != "connected" {
		t.Errorf("tcp open: %q %v", got, err)
	}
	l.Close()
	for _, proto := range []string{"TCP", "HTTP"} {
		if _, err := probe(t, "127.0.0.4", model.Healthcheck{Protocol: proto, Port: port, Path: "/"}); err == nil || err.Error() != "connect: connection refused" {
			t.Errorf("%s closed: %v, want connect: connection refused", proto, err)
		}
	}
}

func TestProbeICMP(t *testing.T) {
	got, err := probe(t, "127.0.0.1", model.Healthcheck{Protocol: "ICMP"})
	if err != nil {
		if errors.Is(err, health.ErrNoICMP) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	if len(got) < len("echo reply") || got[:10] != "echo reply" {
		t.Errorf("got %q", got)
	}
}
