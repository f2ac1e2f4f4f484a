package servertest

import (
	"net"
	"net/http"
	"sync/atomic"
	"testing"
)

// Backends serves HTTP on each of ips (loopback addresses) at one port,
// found free on all of them: each answers 200 while its flag is up, else
// 503. It returns the flags, in the order of ips, and the port.
func Backends(t testing.TB, ips ...string) ([]*atomic.Bool, string) {
	t.Helper()
	for range 20 {
		first, err := net.Listen("tcp", ips[0]+":0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(first.Addr().String())
		ls := []net.Listener{first}
		for _, ip := range ips[1:] {
			if l, err := net.Listen("tcp", net.JoinHostPort(ip, port)); err == nil {
				ls = append(ls, l)
			}
		}
		if len(ls) < len(ips) {
			for _, l := range ls {
				l.Close()
			}
			continue
		}
		flags := make([]*atomic.Bool, len(ls))
		for i, l := range ls {
			up := &atomic.Bool{}
			up.Store(true)
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if !up.Load() {
					w.WriteHeader(http.StatusServiceUnavailable)
				}
			})}
			go func() { _ = srv.Serve(l) }()
			t.Cleanup(func() { srv.Close() })
			flags[i] = up
		}
		return flags, port
	}
	t.Fatalf("no port free on all of %v", ips)
	return nil, ""
}
