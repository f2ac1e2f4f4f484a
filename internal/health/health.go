// Package health probes the addresses signpost serves and decides which are
// up. One scheduler drives every probe; each unique target is probed once
// however many records use it; thresholds of consecutive results damp
// flapping; and the state the DNS engine reads is one atomic value per
// target, so a transition never recompiles anything and no query waits on
// a probe.
package health

import (
	"time"

	"github.com/signpost-dns/signpost/internal/health/target"
	"github.com/signpost-dns/signpost/internal/model"
)

// Target is one thing to probe; package target defines it.
type Target = target.Target

// Status is a target's health as decided by its thresholds.
type Status uint8

// Statuses.
const (
	StatusUnknown Status = iota // no result yet
	StatusUp
	StatusDown
)

// String returns "unknown", "up" or "down".
func (s Status) String() string {
	switch s {
	case StatusUp:
		return "up"
	case StatusDown:
		return "down"
	}
	return "unknown"
}

// Event reports a transition.
type Event struct {
	Time    time.Time `json:"time"`
	Address string    `json:"address"`
	Check   string    `json:"check"` // e.g. "HTTPS 127.0.0.2:443 www.example.com/_dns"
	From    string    `json:"from"`
	To      string    `json:"to"`
	Reason  string    `json:"reason"`
	Records []string  `json:"records"`
}

// News reports whether ev is worth telling anyone: a target's first result
// after a start coming back up is not (the log keeps it at debug level;
// notifications and the store's event log leave it out).
func (ev Event) News() bool {
	return ev.From != StatusUnknown.String() || ev.To != StatusUp.String()
}

// Describe renders a check as "PROTO address:port host/path".
func Describe(address string, hc model.Healthcheck) string {
	s := hc.Protocol + " " + address
	if hc.Port != 0 {
		s = hc.Protocol + " " + joinHostPort(address, hc.Port)
	}
	if hc.Protocol == "HTTP" || hc.Protocol == "HTTPS" {
		s += " " + hc.Host + hc.Path
	}
	return s
}
