package dnsserver

import (
	"net"

	"golang.org/x/sys/unix"
)

// setReadBuffer sizes fd's receive buffer: SO_RCVBUFFORCE where the
// process may (root, CAP_NET_ADMIN), else SO_RCVBUF, which the kernel caps
// at net.core.rmem_max. Best effort: the default is kept on failure.
func setReadBuffer(fd int) {
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, readBuffer) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, readBuffer)
	}
}

// sizeUDP sizes c's receive buffer as setReadBuffer does.
func sizeUDP(c *net.UDPConn) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) { setReadBuffer(int(fd)) })
}
