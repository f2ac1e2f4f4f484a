package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/notify"
)

// TestUpdateSwapsSinks: after Update, events go to the new webhook only,
// and Run returns once every sink goroutine, old and new, has.
func TestUpdateSwapsSinks(t *testing.T) {
	hook := func(got chan<- string, name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got <- name }))
	}
	got := make(chan string, 4)
	a, b := hook(got, "a"), hook(got, "b")
	defer a.Close()
	defer b.Close()
	n := notify.New(notify.Options{Webhooks: []notify.Webhook{{URL: a.URL}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	n.Notify(down)
	if s := receive(t, got); s != "a" {
		t.Fatalf("before Update: delivered to %s", s)
	}
	n.Update(notify.Options{Webhooks: []notify.Webhook{{URL: b.URL}}})
	n.Notify(down)
	if s := receive(t, got); s != "b" {
		t.Fatalf("after Update: delivered to %s", s)
	}
	select {
	case s := <-got:
		t.Fatalf("a second delivery, to %s", s)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
}

func receive(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case s := <-got:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
		return ""
	}
}
