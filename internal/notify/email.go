package notify

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
)

// Email mails each event through an SMTP server, as autodnsfailover mailed
// its operators.
type Email struct {
	SMTP     string // host:port
	From     string
	To       []string
	Username string // with Password: PLAIN auth (TLS, or a local server)
	Password string
	On       []string // "up", "down"; empty means both
}

func (e *Email) send(ctx context.Context, ev health.Event) error {
	var auth smtp.Auth
	if e.Username != "" {
		host, _, _ := net.SplitHostPort(e.SMTP)
		auth = smtp.PlainAuth("", e.Username, e.Password, host)
	}
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(e.SMTP, auth, e.From, e.To, e.message(ev)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(30 * time.Second):
		return fmt.Errorf("smtp %s: timed out", e.SMTP)
	}
}

func (e *Email) message(ev health.Event) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\n", e.From, strings.Join(e.To, ", "))
	fmt.Fprintf(&b, "Subject: [signpost] %s is %s (%s)\r\n", ev.Address, strings.ToUpper(ev.To), ev.Reason)
	fmt.Fprintf(&b, "Date: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", ev.Time.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Health check: %s\r\nState: %s -> %s\r\nReason: %s\r\nAt: %s\r\n", ev.Check, ev.From, ev.To, ev.Reason, ev.Time.Format(time.RFC3339))
	fmt.Fprintf(&b, "Records: %s\r\n", strings.Join(ev.Records, ", "))
	return []byte(b.String())
}
