// Command flap serves HTTP health endpoints on loopback addresses that go
// down and up on a schedule, for the soak benchmark: every period the
// backends' states step through a binary counter (backend i is down when
// bit i of the step is set), so over 2^n periods every combination is
// seen, all of them down included.
//
//	flap -period 10s 127.0.20.1:18080 127.0.20.2:18080 127.0.20.3:18080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	period := flag.Duration("period", 10*time.Second, "time between state changes")
	flag.Parse()
	if err := run(*period, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "flap:", err)
		os.Exit(1)
	}
}

func run(period time.Duration, addrs []string) error {
	if len(addrs) == 0 {
		return errors.New("no addresses")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var step atomic.Uint64
	var wg sync.WaitGroup
	for i, addr := range addrs {
		ip, _, err := net.SplitHostPort(addr)
		if err != nil || !net.ParseIP(ip).IsLoopback() {
			return fmt.Errorf("%s: loopback addresses only", addr)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: backend(i, &step), ReadHeaderTimeout: time.Second}
		wg.Go(func() { _ = srv.Serve(ln) })
		wg.Go(func() { <-ctx.Done(); _ = srv.Close() })
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-t.C:
			s := step.Add(1)
			fmt.Printf("%s step %d\n", time.Now().UTC().Format(time.RFC3339), s)
		}
	}
}

// backend answers 200 while bit i of the step is clear, 503 while it is set.
func backend(i int, step *atomic.Uint64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if step.Load()>>i&1 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
}
