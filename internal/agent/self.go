package agent

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// resolveSelf fills cfg.Self.Address from the interface or URL it names.
func resolveSelf(ctx context.Context, cfg *Config) error {
	s := &cfg.Self
	switch {
	case s.Address != "":
		return nil
	case s.Interface != "":
		ifc, err := net.InterfaceByName(s.Interface)
		if err != nil {
			return fmt.Errorf("self.interface: %w", err)
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			return fmt.Errorf("self.interface %s: %w", s.Interface, err)
		}
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Is4() == (cfg.Type == "A") {
				s.Address = p.Addr().String()
				return nil
			}
		}
		return fmt.Errorf("self.interface %s: no %s address", s.Interface, cfg.Type)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return fmt.Errorf("self.url: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("self.url: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	a, err := netip.ParseAddr(strings.TrimSpace(string(body)))
	if err != nil || a.Is4() != (cfg.Type == "A") {
		return fmt.Errorf("self.url %s answered %q, not an address of type %s", s.URL, strings.TrimSpace(string(body)), cfg.Type)
	}
	s.Address = a.String()
	return nil
}
