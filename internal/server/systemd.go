package server

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/miekg/dns"
	"golang.org/x/sys/unix"
)

// systemd speaks the sd_notify protocol when systemd started the node
// (NOTIFY_SOCKET is set; otherwise every call is a no-op): READY=1 once
// DNS is being read with the first table compiled, RELOADING=1 and READY=1
// around reloads, STOPPING=1 at shutdown, and, when the unit sets
// WatchdogSec, WATCHDOG=1 every half of it while the node answers a query
// sent to its own listener. github.com/coreos/go-systemd is the protocol's
// well-kept Go implementation (its daemon package has no dependencies).
func (s *Server) systemd(ctx context.Context) {
	if !s.serving(ctx) {
		return
	}
	st := s.cur.Load()
	s.sdNotify(daemon.SdNotifyReady + "\nSTATUS=" + fmt.Sprintf("serving %d zones, serial %d", len(st.Table.Zones()), st.Table.Serial()))
	defer s.sdNotify(daemon.SdNotifyStopping)
	interval, err := daemon.SdWatchdogEnabled(false)
	if err != nil || interval <= 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.selfQuery(ctx, interval/4); err != nil {
				s.log.Error("watchdog: the DNS listener did not answer; not telling systemd we are alive", "err", err)
				continue
			}
			s.sdNotify(daemon.SdNotifyWatchdog)
		}
	}
}

func (s *Server) sdNotify(state string) {
	if _, err := daemon.SdNotify(false, state); err != nil {
		s.log.Warn("sd_notify", "err", err)
	}
}

// selfQuery asks the first DNS listener for the root's SOA over UDP; any
// reply will do (it is REFUSED unless the node serves the root).
func (s *Server) selfQuery(ctx context.Context, timeout time.Duration) error {
	if s.dns == nil {
		return nil
	}
	addrs := s.dns.Addrs()
	if len(addrs) == 0 {
		return nil
	}
	ap := addrs[0]
	if ap.Addr().IsUnspecified() {
		lo := netip.MustParseAddr("127.0.0.1")
		if ap.Addr().Is6() {
			lo = netip.IPv6Loopback()
		}
		ap = netip.AddrPortFrom(lo, ap.Port())
	}
	m := new(dns.Msg)
	m.SetQuestion(".", dns.TypeSOA)
	c := &dns.Client{Net: "udp", Timeout: timeout}
	_, _, err := c.ExchangeContext(ctx, m, net.JoinHostPort(ap.Addr().String(), fmt.Sprint(ap.Port())))
	return err
}

// monotonicMicros is CLOCK_MONOTONIC in microseconds, which RELOADING=1
// carries so that systemd can tell this reload from an earlier one.
func monotonicMicros() int64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return 0
	}
	return ts.Nano() / 1000
}
