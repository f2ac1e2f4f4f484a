//go:build !(linux && (amd64 || arm64))

package dnsserver

import "net"

// rawUDP is Linux's; elsewhere UDP is read through the netpoller.
func (s *Server) rawUDP(*net.UDPConn, int) bool { return false }
