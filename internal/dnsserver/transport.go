package dnsserver

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"time"
)

func (s *Server) serveTCP(l *net.TCPListener, sem chan struct{}) {
	defer s.wg.Done()
	for {
		c, err := l.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("tcp accept", "err", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			_ = c.Close() // too many connections
			continue
		}
		s.wg.Add(1)
		go func() {
			defer func() { <-sem }()
			s.serveConn(c)
		}()
	}
}

// serveConn answers length-prefixed queries on one TCP connection until it
// idles out, the client closes it, or the server shuts down.
func (s *Server) serveConn(c *net.TCPConn) {
	defer s.wg.Done()
	s.conns.Store(c, nil)
	defer s.conns.Delete(c)
	defer c.Close()
	src := c.RemoteAddr().(*net.TCPAddr).AddrPort().Addr()
	w := newWorker()
	var lenBuf [2]byte
	buf := make([]byte, 65535)
	for {
		_ = c.SetReadDeadline(time.Now().Add(s.opts.TCPIdle))
		if _, err := io.ReadFull(c, lenBuf[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(lenBuf[:]))
		if _, err := io.ReadFull(c, buf[:n]); err != nil {
			return
		}
		out := s.respond(w, buf[:n], src, false)
		if out == nil {
			continue
		}
		frame := make([]byte, 2+len(out))
		binary.BigEndian.PutUint16(frame, uint16(len(out)))
		copy(frame[2:], out)
		_ = c.SetWriteDeadline(time.Now().Add(s.opts.TCPIdle))
		if _, err := c.Write(frame); err != nil {
			return
		}
	}
}
