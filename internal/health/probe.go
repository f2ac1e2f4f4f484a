package health

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/signpost-dns/signpost/internal/model"
)

// ProbeFunc runs one probe. It returns a short description of a success
// ("HTTP 200", "connected") or an error whose text says what failed
// ("HTTP 503", "connect: connection refused", "timeout after 2s").
type ProbeFunc func(ctx context.Context, t *Target) (string, error)

// Prober runs real probes. Its zero value is not usable; use NewProber.
type Prober struct {
	http *http.Client
	icmp *pinger
}

type dialKey struct{}

// NewProber returns a prober for HTTP, HTTPS, TCP and ICMP.
func NewProber() *Prober {
	dialer := &net.Dialer{}
	tr := &http.Transport{
		// Each probe opens its own connection: no keep-alive reuse.
		DisableKeepAlives: true,
		// Like Route53, HTTPS checks do not verify certificates.
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // health checks, as Route53
		MaxResponseHeaderBytes: 64 << 10,
		Proxy:                  nil,
		// The URL carries the Host (for the header and SNI); the dial goes
		// to the target's own address.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			addr, _ := ctx.Value(dialKey{}).(string)
			c, err := dialer.DialContext(ctx, network, addr)
			if err == nil {
				if tc, ok := c.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
			}
			return c, err
		},
	}
	client := &http.Client{
		Transport: tr,
		// 3xx counts as healthy: do not follow redirects.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Prober{http: client, icmp: &pinger{}}
}

// Probe implements ProbeFunc.
func (p *Prober) Probe(ctx context.Context, t *Target) (string, error) {
	var detail string
	var err error
	switch t.Check.Protocol {
	case "HTTP", "HTTPS":
		detail, err = p.probeHTTP(ctx, t)
	case "TCP":
		detail, err = probeTCP(ctx, t)
	case "ICMP":
		detail, err = p.icmp.ping(ctx, t.Address)
	default:
		return "", fmt.Errorf("protocol %s cannot be probed", t.Check.Protocol)
	}
	if err != nil {
		return "", describeErr(ctx, t.Check, err)
	}
	return detail, nil
}

func (p *Prober) probeHTTP(ctx context.Context, t *Target) (string, error) {
	hc := t.Check
	scheme := strings.ToLower(hc.Protocol)
	host := hc.Host
	if host == "" {
		host = t.Address
	}
	if (scheme == "http" && hc.Port != 80) || (scheme == "https" && hc.Port != 443) {
		host = joinHostPort(host, hc.Port)
	}
	ctx = context.WithValue(ctx, dialKey{}, joinHostPort(t.Address, hc.Port))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+host+hc.Path, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", "signpost-healthcheck/1")
	resp, err := p.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if !statusOK(hc.ExpectStatus, resp.StatusCode) {
		return "", fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if hc.ExpectBody != "" {
		body, err := io.ReadAll(io.LimitReader(resp.Body, model.MaxBodyMatch))
		if err != nil {
			return "", fmt.Errorf("reading body: %w", err)
		}
		if !strings.Contains(string(body), hc.ExpectBody) {
			return "", fmt.Errorf("body lacks %q", hc.ExpectBody)
		}
	}
	return "HTTP " + strconv.Itoa(resp.StatusCode), nil
}

func statusOK(ranges []model.StatusRange, code int) bool {
	if len(ranges) == 0 {
		return code >= 200 && code < 400
	}
	for _, r := range ranges {
		if r.Contains(code) {
			return true
		}
	}
	return false
}

func probeTCP(ctx context.Context, t *Target) (string, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", joinHostPort(t.Address, t.Check.Port))
	if err != nil {
		return "", err
	}
	// Close with a reset: thousands of probes a second must not leave
	// thousands of sockets in TIME_WAIT.
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
	return "connected", nil
}

func joinHostPort(host string, port uint16) string {
	return net.JoinHostPort(host, strconv.Itoa(int(port)))
}

// describeErr turns a probe error into the short reason operators read.
func describeErr(ctx context.Context, hc model.Healthcheck, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("timeout after %s", hc.Timeout)
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("connect: connection refused")
	case errors.Is(err, syscall.ECONNRESET):
		return errors.New("connection reset")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("connection closed before a response")
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return fmt.Errorf("connect: %w", oe.Err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("timeout after %s", hc.Timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
