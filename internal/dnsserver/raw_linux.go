//go:build linux && (amd64 || arm64)

package dnsserver

import (
	"errors"
	"net"
	"net/netip"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Reading UDP without the netpoller. Each reader is a goroutine blocked in
// recvmmsg on a blocking duplicate of the socket, which keeps its OS
// thread while it waits: the kernel wakes one thread when queries arrive,
// and the read → EAGAIN → park → epoll → wake cycle of the netpoller (and
// the scheduler's spinning around it) is gone. SO_RCVTIMEO wakes the
// readers now and then, so that they see the server stop.

// yieldEvery is how often a busy reader lets the scheduler run. The
// runtime's monitor preempts a goroutine that has not been rescheduled for
// 10ms, taking its P in the middle of a system call, and then polls every
// 20 µs for a millisecond or more, so a reader that never yields was
// preempted 100 times a second and the monitor woke about 2,500 times a
// second on the reader's CPU (7,337 wake-ups in 3 s at 20k QPS; 302 with
// the yield). Readers are not locked to their threads: a locked
// goroutine's yield or preemption passes its P to another thread and
// back, two wake-ups; an unlocked one is picked up again by its own.
const yieldEvery = 2 * time.Millisecond

// mmsghdr is struct mmsghdr on 64-bit Linux.
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [4]byte
}

// rawSocket is a blocking duplicate of a UDP socket, shared by its
// readers; the last reader out closes it.
type rawSocket struct {
	fd   int
	left atomic.Int32 // readers still running
}

// rawUDP makes c's readers on a socket of their own: c's port is taken
// over by a blocking socket that Go's netpoller never sees, so the kernel
// neither wakes the netpoller for readable data nor for every reply sent
// (a netpoller socket is registered for EPOLLOUT too, and each freed reply
// wakes it). ok is false when that socket cannot be made; c is then kept.
func (s *Server) rawUDP(c *net.UDPConn, readers int) bool {
	la, ok := c.LocalAddr().(*net.UDPAddr)
	if !ok {
		return false
	}
	family, sa := sockaddr(la.AddrPort())
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0) // blocking
	if err != nil {
		return false
	}
	if family == unix.AF_INET6 { // as listenPair's udp6 socket: IPv6 only
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1); err != nil {
			_ = unix.Close(fd)
			return false
		}
	}
	tv := unix.Timeval{Usec: 100_000}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		_ = unix.Close(fd)
		return false
	}
	setReadBuffer(fd)
	_ = c.Close() // hand the port over
	if err := unix.Bind(fd, sa); err != nil {
		_ = unix.Close(fd)
		s.log.Error("udp: taking the port over failed; this address is not served over UDP", "addr", la.String(), "err", err)
		return true
	}
	rs := &rawSocket{fd: fd}
	rs.left.Store(int32(readers))
	for range readers {
		s.wg.Add(1)
		go s.serveRaw(rs)
	}
	return true
}

// sockaddr is ap as a socket address of its own family.
func sockaddr(ap netip.AddrPort) (int, unix.Sockaddr) {
	if a := ap.Addr(); a.Is4() || a.Is4In6() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: a.Unmap().As4()}
	}
	return unix.AF_INET6, &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

// rawBatch is one reader's buffers: the queries, their source addresses
// and the replies, each message pointing into them.
type rawBatch struct {
	in, out       []mmsghdr
	inIov, outIov []unix.Iovec
	bufs          [][]byte
	names         []unix.RawSockaddrInet6
	replies       [][]byte
}

func newRawBatch() *rawBatch {
	b := &rawBatch{in: make([]mmsghdr, batchSize), out: make([]mmsghdr, batchSize), inIov: make([]unix.Iovec, batchSize),
		outIov: make([]unix.Iovec, batchSize), bufs: make([][]byte, batchSize), names: make([]unix.RawSockaddrInet6, batchSize),
		replies: make([][]byte, batchSize)}
	for i := range b.in {
		b.bufs[i] = make([]byte, maxQuery)
		b.inIov[i].Base = &b.bufs[i][0]
		b.inIov[i].SetLen(maxQuery)
		b.in[i].hdr.Iov = &b.inIov[i]
		b.in[i].hdr.Iovlen = 1
	}
	return b
}

func (s *Server) serveRaw(rs *rawSocket) {
	defer s.wg.Done()
	defer func() {
		if rs.left.Add(-1) == 0 {
			_ = unix.Close(rs.fd)
		}
	}()
	w := newWorker()
	b := newRawBatch()
	yielded := time.Now()
	for {
		for i := range b.in {
			b.in[i].hdr.Name = (*byte)(unsafe.Pointer(&b.names[i]))
			b.in[i].hdr.Namelen = unix.SizeofSockaddrInet6
		}
		n, err := mmsg(unix.SYS_RECVMMSG, rs.fd, b.in, unix.MSG_WAITFORONE)
		if err != nil {
			if !s.ready.Load() {
				return // stopping
			}
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			s.log.Warn("udp read", "err", err)
			if errors.Is(err, unix.EBADF) {
				return
			}
			continue
		}
		start := time.Now()
		s.answerRaw(rs.fd, w, b, n, start)
		if start.Sub(yielded) > yieldEvery {
			runtime.Gosched()
			yielded = start
		}
	}
}

// answerRaw answers the n queries read into b with one sendmmsg (or a few).
func (s *Server) answerRaw(fd int, w *worker, b *rawBatch, n int, start time.Time) {
	k := 0
	for i := range n {
		src, ok := sourceAddr(&b.names[i])
		if !ok {
			continue
		}
		reply := s.respondInto(w, b.replies[i][:0], b.bufs[i][:b.in[i].n], src, true)
		if len(reply) == 0 {
			continue
		}
		b.replies[i] = reply
		b.outIov[k].Base = &reply[0]
		b.outIov[k].SetLen(len(reply))
		b.out[k].hdr = unix.Msghdr{Name: b.in[i].hdr.Name, Namelen: b.in[i].hdr.Namelen, Iov: &b.outIov[k], Iovlen: 1}
		k++
	}
	s.opts.Metrics.observe(time.Since(start), k)
	for sent := 0; sent < k; {
		// A UDP send does not wait for the peer, so it is made without
		// telling the scheduler (no entersyscall/exitsyscall); only if the
		// socket's send buffer is full does it block, as a system call.
		m, err := sendNow(fd, b.out[sent:k])
		if errors.Is(err, unix.EAGAIN) {
			m, err = mmsg(unix.SYS_SENDMMSG, fd, b.out[sent:k], 0)
		}
		if err != nil {
			if !errors.Is(err, unix.EINTR) {
				s.log.Debug("udp write", "err", err)
				return
			}
			continue
		}
		sent += m
	}
}

// sourceAddr reads a query's source address without allocating.
func sourceAddr(sa *unix.RawSockaddrInet6) (netip.Addr, bool) {
	switch sa.Family {
	case unix.AF_INET:
		in4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return netip.AddrFrom4(in4.Addr), true
	case unix.AF_INET6:
		return netip.AddrFrom16(sa.Addr).Unmap(), true
	}
	return netip.Addr{}, false
}

// mmsg is recvmmsg or sendmmsg on msgs, as a system call the scheduler
// is told about (it may block).
func mmsg(trap uintptr, fd int, msgs []mmsghdr, flags int) (int, error) {
	return mmsgVia(unix.Syscall6, trap, fd, msgs, flags)
}

// sendNow is sendmmsg that does not block (EAGAIN if it would), made
// without telling the scheduler.
func sendNow(fd int, msgs []mmsghdr) (int, error) {
	return mmsgVia(unix.RawSyscall6, unix.SYS_SENDMMSG, fd, msgs, unix.MSG_DONTWAIT)
}

func mmsgVia(call func(trap, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, uintptr, unix.Errno), trap uintptr, fd int, msgs []mmsghdr, flags int) (int, error) {
	r, _, errno := call(trap, uintptr(fd), uintptr(unsafe.Pointer(&msgs[0])), uintptr(len(msgs)), uintptr(flags), 0, 0)
	runtime.KeepAlive(msgs)
	if errno != 0 {
		return 0, syscall.Errno(errno)
	}
	return int(r), nil
}
