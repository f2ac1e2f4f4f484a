package dnsserver

import (
	"errors"
	"net"
	"net/netip"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// batchSize is how many datagrams one recvmmsg/sendmmsg moves.
const batchSize = 64

// maxQuery is the read buffer per datagram: queries are small, and a
// truncated one fails to parse and gets FORMERR.
const maxQuery = 4096

// batchConn is the recvmmsg/sendmmsg side of a UDP socket; ipv4 and ipv6
// PacketConns share the message type.
type batchConn interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

func newBatchConn(c *net.UDPConn) batchConn {
	if a, ok := c.LocalAddr().(*net.UDPAddr); ok && a.IP.To4() == nil {
		return ipv6.NewPacketConn(c)
	}
	return ipv4.NewPacketConn(c)
}

// serveUDPBatch answers datagrams a batch at a time: one recvmmsg reads up
// to batchSize queries, one sendmmsg (or a few) writes their replies.
func (s *Server) serveUDPBatch(c *net.UDPConn) {
	defer s.wg.Done()
	bc := newBatchConn(c)
	w := newWorker()
	in := make([]ipv4.Message, batchSize)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, maxQuery)}
	}
	out := make([]ipv4.Message, 0, batchSize)
	replies := make([][]byte, batchSize)
	for {
		n, err := bc.ReadBatch(in, 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("udp read", "err", err)
			continue
		}
		start := time.Now()
		out = out[:0]
		for i := range n {
			m := &in[i]
			ua, ok := m.Addr.(*net.UDPAddr)
			if !ok {
				continue
			}
			src, _ := netip.AddrFromSlice(ua.IP)
			reply := s.respondInto(w, replies[i][:0], m.Buffers[0][:m.N], src, true)
			if reply == nil {
				continue
			}
			replies[i] = reply
			out = append(out, ipv4.Message{Buffers: [][]byte{reply}, Addr: m.Addr})
		}
		s.opts.Metrics.observe(time.Since(start), len(out))
		for sent := 0; sent < len(out); {
			k, err := bc.WriteBatch(out[sent:], 0)
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					s.log.Debug("udp write", "err", err)
				}
				break
			}
			sent += k
		}
	}
}
