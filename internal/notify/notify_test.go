package notify_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/notify"
)

var down = health.Event{Time: time.Unix(1700000000, 0).UTC(), Address: "127.0.0.2", Check: "HTTPS 127.0.0.2:443 www.example.com/_dns",
	From: "up", To: "down", Reason: "HTTP 503", Records: []string{"www.example.com. A"}}

func TestWebhookRetries(t *testing.T) {
	var calls atomic.Int32
	got := make(chan health.Event, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			http.Error(w, "not yet", http.StatusBadGateway)
			return
		}
		var ev health.Event
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			t.Error(err)
		}
		got <- ev
	}))
	defer srv.Close()
	n := notify.New(notify.Options{Webhooks: []notify.Webhook{{URL: srv.URL}}, Backoff: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.Run(ctx)
	n.Notify(down)
	select {
	case ev := <-got:
		if ev.Address != down.Address || ev.To != "down" || ev.Reason != "HTTP 503" || calls.Load() != 3 {
			t.Errorf("got %+v after %d calls", ev, calls.Load())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no delivery after %d calls", calls.Load())
	}
}

func TestNotifyFilters(t *testing.T) {
	got := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev health.Event
		_ = json.NewDecoder(r.Body).Decode(&ev)
		got <- ev.From + "->" + ev.To
	}))
	defer srv.Close()
	n := notify.New(notify.Options{Webhooks: []notify.Webhook{{URL: srv.URL, Events: []string{"up"}}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.Run(ctx)
	first := down
	first.From, first.To = "unknown", "up" // a start, not news
	n.Notify(first)
	n.Notify(down) // filtered: the webhook wants only up
	up := down
	up.From, up.To = "down", "up"
	n.Notify(up)
	select {
	case s := <-got:
		if s != "down->up" {
			t.Errorf("first delivery %s, want down->up", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
}

func TestNotifyNeverBlocks(t *testing.T) {
	block := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1); <-block }))
	defer srv.Close()
	defer close(block)
	n := notify.New(notify.Options{Webhooks: []notify.Webhook{{URL: srv.URL, Events: []string{"down"}}}, QueueSize: 2})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.Run(ctx)
	done := make(chan struct{})
	go func() {
		for range 100 {
			n.Notify(down)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Notify blocked behind a slow webhook")
	}
}

// fakeSMTP accepts one message and hands its data to got.
func fakeSMTP(t *testing.T, got chan<- string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
		say("220 fake ESMTP")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					got <- data.String()
					say("250 queued")
					continue
				}
				data.WriteString(line)
				continue
			}
			switch cmd := strings.ToUpper(strings.Fields(line)[0]); cmd {
			case "EHLO", "HELO":
				say("250 fake")
			case "DATA":
				inData = true
				say("354 go ahead")
			case "QUIT":
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	return l.Addr().String()
}

func TestEmail(t *testing.T) {
	got := make(chan string, 1)
	addr := fakeSMTP(t, got)
	n := notify.New(notify.Options{Email: &notify.Email{SMTP: addr, From: "signpost@example.com", To: []string{"ops@example.com"}, On: []string{"down"}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.Run(ctx)
	n.Notify(down)
	select {
	case msg := <-got:
		for _, want := range []string{"Subject: [signpost] 127.0.0.2 is DOWN (HTTP 503)", "State: up -> down", "Records: www.example.com. A"} {
			if !strings.Contains(msg, want) {
				t.Errorf("mail lacks %q:\n%s", want, msg)
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no mail")
	}
}
