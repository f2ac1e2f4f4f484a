package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// ErrNoICMP says why ICMP probes cannot run on this host; probes wrap it.
var ErrNoICMP = errors.New("ICMP unavailable: unprivileged ping sockets are off " +
	"(sysctl net.ipv4.ping_group_range) and raw sockets need CAP_NET_RAW")

// pinger sends ICMP echo requests: through an unprivileged ping socket
// where the kernel allows it, else through a raw socket.
type pinger struct {
	seq atomic.Uint32
}

func (p *pinger) ping(ctx context.Context, address string) (string, error) {
	addr, err := netip.ParseAddr(address)
	if err != nil {
		ips, lerr := net.DefaultResolver.LookupNetIP(ctx, "ip", address)
		if lerr != nil || len(ips) == 0 {
			return "", fmt.Errorf("resolving %s: %w", address, lerr)
		}
		addr = ips[0]
	}
	addr = addr.Unmap()
	conn, raw, err := listenICMP(addr.Is4())
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	id := os.Getpid() & 0xffff
	seq := int(p.seq.Add(1) & 0xffff)
	msg := echo(addr.Is4(), id, seq)
	var dst net.Addr = &net.UDPAddr{IP: addr.AsSlice()}
	if raw {
		dst = &net.IPAddr{IP: addr.AsSlice()}
	}
	if _, err := conn.WriteTo(msg, dst); err != nil {
		return "", fmt.Errorf("sending echo: %w", err)
	}
	return awaitReply(conn, addr, raw, id, seq)
}

func listenICMP(v4 bool) (*icmp.PacketConn, bool, error) {
	network, rawNet, wildcard := "udp4", "ip4:icmp", "0.0.0.0"
	if !v4 {
		network, rawNet, wildcard = "udp6", "ip6:ipv6-icmp", "::"
	}
	if c, err := icmp.ListenPacket(network, wildcard); err == nil {
		return c, false, nil
	}
	if c, err := icmp.ListenPacket(rawNet, wildcard); err == nil {
		return c, true, nil
	}
	return nil, false, ErrNoICMP
}

func echo(v4 bool, id, seq int) []byte {
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if !v4 {
		typ = ipv6.ICMPTypeEchoRequest
	}
	m := icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("signpost")}}
	b, _ := m.Marshal(nil)
	return b
}

// awaitReply reads until the echo reply for (id, seq) from addr arrives or
// the deadline passes. A ping socket rewrites the id, so only raw sockets
// check it.
func awaitReply(conn *icmp.PacketConn, addr netip.Addr, raw bool, id, seq int) (string, error) {
	proto := 1
	if !addr.Is4() {
		proto = 58
	}
	buf := make([]byte, 1500)
	start := time.Now()
	for {
		n, peer, err := conn.ReadFrom(buf)
		if err != nil {
			return "", err
		}
		m, err := icmp.ParseMessage(proto, buf[:n])
		if err != nil {
			continue
		}
		e, ok := m.Body.(*icmp.Echo)
		if !ok || (m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply) {
			continue
		}
		if e.Seq != seq || (raw && e.ID != id) || !samePeer(peer, addr) {
			continue
		}
		return fmt.Sprintf("echo reply in %s", time.Since(start).Round(time.Microsecond)), nil
	}
}

func samePeer(peer net.Addr, addr netip.Addr) bool {
	var ip net.IP
	switch p := peer.(type) {
	case *net.UDPAddr:
		ip = p.IP
	case *net.IPAddr:
		ip = p.IP
	}
	got, ok := netip.AddrFromSlice(ip)
	return ok && got.Unmap() == addr
}
