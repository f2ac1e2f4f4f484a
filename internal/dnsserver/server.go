// Package dnsserver answers DNS over UDP and TCP from an engine table that
// can be swapped atomically while it serves. It owns the protocol: EDNS0,
// Client Subnet, truncation, and the rcodes for what the engine does not
// answer. It never waits on anything but the network.
package dnsserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/model"
)

// Options configure a Server. The zero value is valid but for Addrs.
type Options struct {
	Addrs      []string      // host:port; UDP and TCP on each
	MaxUDPSize int           // cap on EDNS0 buffer sizes; default model.DefaultMaxUDPSize
	Logger     *slog.Logger  // nil: discard
	Metrics    *Metrics      // nil: none
	TCPIdle    time.Duration // idle timeout of TCP connections; default 10s
	MaxTCP     int           // concurrent TCP connections; default 512
	// RawUDP reads UDP with readers blocked in recvmmsg, each keeping its
	// OS thread while it waits, on a socket Go's netpoller never sees,
	// instead of through the netpoller (Linux; signpost.yaml's
	// dns.raw_udp, on by default). Each socket gets GOMAXPROCS readers (at
	// least minReaders), and Serve raises GOMAXPROCS by one while it
	// serves: a reader blocked in recvmmsg holds its P, and while no P is
	// idle the runtime's monitor takes a blocked reader's P away after
	// 20 µs and polls every 20 µs to do it again (on one CPU, 5-6% of the
	// CPU the server used under load, and a slower wake-up for the next
	// query). One idle P spares the readers that.
	RawUDP bool
}

// minReaders is the fewest readers a UDP socket gets, however few CPUs
// the server has. With one, a query that arrives while the reader is off
// its CPU (yielding, preempted, or still answering) waits for it; a second
// reader blocked in recvmmsg takes it. On one CPU at 20k QPS this kept
// p99 at 0.15–0.23 ms over 11 rounds, where one reader ranged to 0.37 ms
// (gdnsd, which also runs two UDP threads, 0.16–0.27 ms), for the same CPU
// per query under full load.
const minReaders = 2

// readBuffer is the UDP receive buffer asked for on every socket: at 50k
// queries a second the kernel's default (208 KiB, a few hundred datagrams)
// holds only ~5 ms of queries, so a reader held up by a GC pause or a
// reload overflows it and queries are dropped. 4 MiB holds ~100 ms.
const readBuffer = 4 << 20

// Server is an authoritative DNS server.
type Server struct {
	opts Options
	live atomic.Pointer[snapshot]
	log  *slog.Logger

	udp []*net.UDPConn
	tcp []*net.TCPListener

	wg      sync.WaitGroup
	conns   sync.Map // open TCP connections, closed on shutdown
	ready   atomic.Bool
	serving chan struct{} // closed once every reader has started
}

// snapshot is a table and the health view aligned with its target ids;
// they are swapped together.
type snapshot struct {
	table  *engine.Table
	health engine.Health
}

// New returns a server that answers from t with health h (nil: every
// target is up).
func New(opts Options, t *engine.Table, h engine.Health) *Server {
	if opts.MaxUDPSize == 0 {
		opts.MaxUDPSize = model.DefaultMaxUDPSize
	}
	if opts.TCPIdle == 0 {
		opts.TCPIdle = 10 * time.Second
	}
	if opts.MaxTCP == 0 {
		opts.MaxTCP = 512
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, log: log, serving: make(chan struct{})}
	s.Swap(t, h)
	return s
}

// Swap replaces the table answers come from and its health view. Queries
// in flight finish on the pair they started with.
func (s *Server) Swap(t *engine.Table, h engine.Health) {
	if h == nil {
		h = engine.AllUp{}
	}
	s.live.Store(&snapshot{table: t, health: h})
}

// Table returns the table being served.
func (s *Server) Table() *engine.Table { return s.live.Load().table }

// Ready reports whether the server is listening. Once Serve has started
// it, queries are read: the sockets were bound by Listen, so queries sent
// earlier waited in them.
func (s *Server) Ready() bool { return s.ready.Load() }

// Listen binds every address. On error nothing stays bound.
func (s *Server) Listen() error {
	for _, a := range s.opts.Addrs {
		ap, err := netip.ParseAddrPort(a)
		if err != nil {
			s.closeAll()
			return fmt.Errorf("dns listen address %q: %w", a, err)
		}
		uc, tl, err := listenPair(ap)
		if err != nil {
			s.closeAll()
			return err
		}
		s.udp, s.tcp = append(s.udp, uc), append(s.tcp, tl)
	}
	return nil
}

// listenPair binds UDP and TCP on one address. With port 0, TCP takes the
// port UDP was given; if another socket holds that TCP port, it tries
// again with a new port.
func listenPair(ap netip.AddrPort) (*net.UDPConn, *net.TCPListener, error) {
	// An IPv4 address gets IPv4 sockets and an IPv6 one IPv6-only sockets,
	// so that 0.0.0.0:53 and [::]:53 can both be listed (Go's "udp" would
	// make 0.0.0.0 a dual-stack [::] socket).
	udp, tcp := "udp6", "tcp6"
	if ap.Addr().Is4() || ap.Addr().Is4In6() {
		udp, tcp = "udp4", "tcp4"
		ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	for attempt := 0; ; attempt++ {
		uc, err := net.ListenUDP(udp, net.UDPAddrFromAddrPort(ap))
		if err != nil {
			return nil, nil, fmt.Errorf("listening on udp %s: %w", ap, err)
		}
		sizeUDP(uc)
		tap := netip.AddrPortFrom(ap.Addr(), uint16(uc.LocalAddr().(*net.UDPAddr).Port))
		tl, err := net.ListenTCP(tcp, net.TCPAddrFromAddrPort(tap))
		if err == nil {
			return uc, tl, nil
		}
		_ = uc.Close()
		if ap.Port() != 0 || attempt >= 20 {
			return nil, nil, fmt.Errorf("listening on tcp %s: %w", tap, err)
		}
	}
}

// Addrs returns the bound addresses, one per configured address.
func (s *Server) Addrs() []netip.AddrPort {
	out := make([]netip.AddrPort, len(s.udp))
	for i, c := range s.udp {
		out[i] = c.LocalAddr().(*net.UDPAddr).AddrPort()
	}
	return out
}

// Serve answers until ctx is done, then closes the listeners and waits for
// queries in flight. Listen must have succeeded.
func (s *Server) Serve(ctx context.Context) error {
	if len(s.udp) == 0 {
		return errors.New("dns server: not listening")
	}
	s.ready.Store(true) // before the readers start: a raw reader that sees it false stops
	readers := max(minReaders, runtime.GOMAXPROCS(0))
	raw := false
	for _, c := range s.udp {
		if s.opts.RawUDP && s.rawUDP(c, readers) {
			raw = true
			continue
		}
		for range readers {
			s.wg.Add(1)
			go s.serveUDPBatch(c)
		}
	}
	if raw {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(readers + 1))
	}
	sem := make(chan struct{}, s.opts.MaxTCP)
	for _, l := range s.tcp {
		s.wg.Add(1)
		go s.serveTCP(l, sem)
	}
	for _, a := range s.Addrs() {
		s.log.Info("dns listening", "addr", a.String(), "proto", "udp+tcp")
	}
	close(s.serving)
	<-ctx.Done()
	s.ready.Store(false)
	s.closeAll()
	s.conns.Range(func(k, _ any) bool {
		_ = k.(net.Conn).SetReadDeadline(time.Now())
		return true
	})
	s.wg.Wait()
	s.log.Info("dns stopped")
	return nil
}

// Serving is closed once Serve has started reading every listener.
func (s *Server) Serving() <-chan struct{} { return s.serving }

// Close releases the listeners of a server that will not Serve.
func (s *Server) Close() { s.closeAll() }

func (s *Server) closeAll() {
	for _, c := range s.udp {
		_ = c.Close()
	}
	for _, l := range s.tcp {
		_ = l.Close()
	}
}
