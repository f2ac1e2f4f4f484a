package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/notify"
)

// notifier holds the current notify.Notifier, which a reload may replace.
type notifier struct {
	mu     sync.Mutex // protects n and cancel
	n      *notify.Notifier
	cancel context.CancelFunc
}

func (nt *notifier) start(ctx context.Context, c config.Notify, log *slog.Logger) {
	opts := notify.Options{Logger: log}
	for _, w := range c.Webhooks {
		opts.Webhooks = append(opts.Webhooks, notify.Webhook{URL: w.URL, Events: w.Events, Timeout: time.Duration(w.Timeout)})
	}
	if e := c.Email; e != nil {
		opts.Email = &notify.Email{SMTP: e.SMTP, From: e.From, To: e.To, Username: e.Username, Password: config.Secret(e.Password), On: e.On}
	}
	n := notify.New(opts)
	nctx, cancel := context.WithCancel(ctx)
	go n.Run(nctx)
	nt.mu.Lock()
	old := nt.cancel
	nt.n, nt.cancel = n, cancel
	nt.mu.Unlock()
	if old != nil {
		old()
	}
}

// send implements health's OnEvent: it queues and returns at once.
func (nt *notifier) send(ev health.Event) {
	nt.mu.Lock()
	n := nt.n
	nt.mu.Unlock()
	if n != nil {
		n.Notify(ev)
	}
}
