package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	servertest.WaitFor(t, 10*time.Second, what, cond)
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// node is a server started by start.
type node struct {
	*server.Server
	dns  string // the first DNS address
	http string
	log  *servertest.SyncBuffer
	stop func() error // cancels Run and returns its error once it returned
}

// start loads cfg and runs a node until the test ends (or stop).
func start(t *testing.T, cfg string, opts server.Options) *node {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := server.Load(ctx, cfg, nil)
	if err != nil {
		cancel()
		t.Fatalf("load: %v", err)
	}
	n := &node{log: &servertest.SyncBuffer{}}
	if opts.Logger == nil {
		opts.Logger = newLogger(n.log)
	}
	srv, err := server.New(opts, st)
	if err != nil {
		cancel()
		t.Fatalf("new: %v", err)
	}
	n.Server, n.http = srv, srv.HTTPAddr()
	if a := srv.DNSAddrs(); len(a) > 0 {
		n.dns = a[0].String()
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	var once sync.Once
	var runErr error
	n.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
				_ = srv.State().Close()
			case <-time.After(10 * time.Second):
				runErr = fmt.Errorf("Run did not return within 10s")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = n.stop() })
	return n
}
