package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/server"
)

func cmdServe(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := newFlags("serve", "serve --config FILE", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	if err := server.EnsureStore(ctx, *cfgPath); err != nil {
		fmt.Fprintf(stderr, "signpost: not starting: %v\n", err)
		return 1
	}
	st, ok := load(ctx, *cfgPath, stderr, "not starting")
	if !ok {
		return 1
	}
	log := st.Config.Log.Logger(stderr)
	for _, p := range st.Problems {
		log.Warn("zone warning", "problem", p.String())
	}
	srv, err := server.New(server.Options{Logger: log, FreeLoadGarbage: true}, st)
	if err != nil {
		_ = st.Close()
		log.Error("serve failed", "err", err)
		return 1
	}
	stop := reloadOnHUP(ctx, srv)
	err = srv.Run(ctx)
	stop()
	_ = srv.State().Close()
	if err != nil {
		log.Error("serve failed", "err", err)
		return 1
	}
	return 0
}

// reloadOnHUP maps SIGHUP to Reload until the returned function is called;
// that function returns once the goroutine has.
func reloadOnHUP(ctx context.Context, srv *server.Server) func() {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				_ = srv.Reload(ctx, "SIGHUP") // logged and metered by the server
			}
		}
	})
	return func() {
		signal.Stop(hup)
		cancel()
		wg.Wait()
	}
}

// load builds the state from the configuration at path. On failure it
// prints every problem and "signpost: <doing>: <error>" and returns false.
func load(ctx context.Context, path string, stderr io.Writer, doing string) (*server.State, bool) {
	st, err := server.Load(ctx, path, nil)
	if err == nil {
		return st, true
	}
	var be *server.BuildError
	if errors.As(err, &be) {
		printProblems(stderr, be.Problems)
	}
	fmt.Fprintf(stderr, "signpost: %s: %v\n", doing, err)
	return nil, false
}

func printProblems(w io.Writer, ps model.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, p.String())
	}
}
