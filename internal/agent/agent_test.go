package agent_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/agent"
	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136/rfc2136test"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

var addrs = []string{"127.0.0.21", "127.0.0.22", "127.0.0.23"}

// backends serves /health on 127.0.0.21–23 at one port; each answers 200
// while its flag is up, else 503.
func backends(t *testing.T) ([]*atomic.Bool, uint16) {
	for range 20 {
		first, err := net.Listen("tcp", addrs[0]+":0")
		if err != nil {
			t.Fatal(err)
		}
		_, p, _ := net.SplitHostPort(first.Addr().String())
		ls := []net.Listener{first}
		for _, a := range addrs[1:] {
			if l, err := net.Listen("tcp", a+":"+p); err == nil {
				ls = append(ls, l)
			}
		}
		if len(ls) < len(addrs) {
			for _, l := range ls {
				l.Close()
			}
			continue
		}
		var flags []*atomic.Bool
		for _, l := range ls {
			up := &atomic.Bool{}
			up.Store(true)
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if !up.Load() {
					w.WriteHeader(http.StatusServiceUnavailable)
				}
			})}
			go func() { _ = srv.Serve(l) }()
			t.Cleanup(func() { srv.Close() })
			flags = append(flags, up)
		}
		var port uint16
		fmt.Sscan(p, &port)
		return flags, port
	}
	t.Fatal("no port free on all of 127.0.0.21-23")
	return nil, 0
}

// fleet runs one agent per address against ns until the test ends.
type fleet struct {
	t      *testing.T
	ns     *rfc2136test.Server
	cancel []context.CancelFunc
	wg     sync.WaitGroup
}

func (f *fleet) cfg(addr string, port uint16, quorum string) *agent.Config {
	key := f.ns.Key
	return &agent.Config{Record: "www.example.com.", Type: "A", TTL: 30, Zone: "example.com.",
		Provider: config.Provider{Type: "rfc2136", Server: f.ns.Addr, TSIG: &config.TSIG{Name: key.Name, Algorithm: "hmac-sha256", Secret: key.Secret}},
		Self:     agent.Self{Address: addr}, Check: agent.Check{Protocol: "HTTP", Port: port, Path: "/health"},
		Interval: config.Duration(200 * time.Millisecond), Timeout: config.Duration(100 * time.Millisecond), Failures: 2, Quorum: quorum}
}

func (f *fleet) start(c *agent.Config) {
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = append(f.cancel, cancel)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		if err := agent.Run(ctx, c, slog.New(slog.DiscardHandler)); err != nil {
			f.t.Errorf("agent %s: %v", c.Self.Address, err)
		}
	}()
}

func (f *fleet) stop() {
	for _, c := range f.cancel {
		c()
	}
	f.wg.Wait()
}

// values is www's A set at BIND, by a real query.
func (f *fleet) values() []string { return servertest.QueryA(f.ns.Addr, "www.example.com.") }

func (f *fleet) waitFor(what string, want ...string) {
	f.t.Helper()
	servertest.WaitFor(f.t, 15*time.Second, what, func() bool { return slices.Equal(f.values(), want) })
}

// TestAgentsAgainstBIND: three agents register themselves; a dead backend
// is taken out by the others and put back by its own agent; with every
// backend dead the record keeps one value.
func TestAgentsAgainstBIND(t *testing.T) {
	up, port := backends(t)
	f := &fleet{t: t, ns: rfc2136test.StartBIND(t, "example.com.")}
	defer f.stop()
	for _, i := range []int{2, 0, 1} { // any start order
		f.start(f.cfg(addrs[i], port, "majority"))
	}
	f.waitFor("all three register", addrs...)
	up[1].Store(false)
	t0 := time.Now()
	f.waitFor("the others remove the dead one", addrs[0], addrs[2])
	t.Logf("removed %v after its backend stopped (interval 200ms, failures 2)", time.Since(t0))
	up[1].Store(true)
	f.waitFor("its own agent puts it back", addrs...)
	for _, u := range up {
		u.Store(false)
	}
	servertest.WaitFor(t, 15*time.Second, "one value left", func() bool { return len(f.values()) == 1 })
	time.Sleep(time.Second)
	if got := f.values(); len(got) != 1 {
		t.Errorf("with every backend dead the record holds %v, want one value", got)
	}
}

// TestBrokenChecker: one agent's checker sees every peer dead (it passes
// only for its own address). With quorum: majority nobody is removed; with
// quorum: none it removes what it can, but never the last value.
func TestBrokenChecker(t *testing.T) {
	_, port := backends(t)
	for _, quorum := range []string{"majority", "none"} {
		t.Run(quorum, func(t *testing.T) {
			f := &fleet{t: t, ns: rfc2136test.StartBIND(t, "example.com.")}
			defer f.stop()
			for _, a := range addrs[1:] {
				f.start(f.cfg(a, port, quorum))
			}
			broken := f.cfg(addrs[0], port, quorum)
			broken.Check = agent.Check{Command: []string{"test", "{address}", "=", addrs[0]}}
			f.start(broken)
			if quorum == "majority" {
				f.waitFor("all three register", addrs...)
				time.Sleep(2 * time.Second) // ten intervals
				if got := f.values(); !slices.Equal(got, addrs) {
					t.Errorf("a broken checker outvoted: %v", got)
				}
				return
			}
			servertest.WaitFor(t, 15*time.Second, "the record keeps at least one value", func() bool { return len(f.values()) >= 1 })
			time.Sleep(2 * time.Second)
			if got := f.values(); len(got) == 0 {
				t.Error("the record went dark")
			}
		})
	}
}
