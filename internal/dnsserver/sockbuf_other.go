//go:build !linux

package dnsserver

import "net"

// sizeUDP asks for a receive buffer of readBuffer bytes on c.
func sizeUDP(c *net.UDPConn) { _ = c.SetReadBuffer(readBuffer) }
