// Package target says what one health-check target is: an address with a
// normalized check, its identity across reloads (Key), the timing it takes
// when a record leaves it out, and how records that share it merge. The
// engine compiles targets with it and the health checker probes them; it
// does no I/O.
package target

import (
	"fmt"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
)

// Target is one thing to probe.
type Target struct {
	// Key identifies the target across reloads (address, protocol, port,
	// host, path, expectations).
	Key     string
	Address string // an IP address, or a host name for CNAME values
	Check   model.Healthcheck
	Records []string // "fqdn TYPE" of the records that use it
}

// New returns the target that probes address with hc for the record fqdn:
// timing fields hc leaves at zero come from def, and hc is normalized so
// that equal probes have equal keys.
func New(fqdn, address string, hc, def model.Healthcheck) Target {
	hc = normalize(fqdn, FillTiming(hc, def))
	return Target{Key: key(address, hc), Address: address, Check: hc}
}

// Merge adds another record's use of the same target: the target takes
// the strictest timing of both, and the record's label once.
func (t *Target) Merge(hc model.Healthcheck, record string) {
	t.MergeAll(hc, []string{record})
}

// MergeAll is Merge for several records that use the target with hc.
func (t *Target) MergeAll(hc model.Healthcheck, records []string) {
	t.Check = strictest(t.Check, hc)
	for _, r := range records {
		if len(t.Records) == 0 || t.Records[len(t.Records)-1] != r {
			t.Records = append(t.Records, r)
		}
	}
}

// normalize fills the host and clears what the protocol does not use.
func normalize(fqdn string, hc model.Healthcheck) model.Healthcheck {
	switch hc.Protocol {
	case "HTTP", "HTTPS":
		if hc.Host == "" {
			hc.Host = strings.TrimSuffix(fqdn, ".")
		}
	case "ICMP":
		hc.Port = 0
		fallthrough
	default:
		hc.Host, hc.Path, hc.ExpectStatus, hc.ExpectBody = "", "", nil, ""
	}
	return hc
}

func key(address string, hc model.Healthcheck) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%d|%s|%s|", address, hc.Protocol, hc.Port, hc.Host, hc.Path)
	for _, r := range hc.ExpectStatus {
		fmt.Fprintf(&b, "%d-%d,", r.Lo, r.Hi)
	}
	b.WriteString("|" + hc.ExpectBody)
	return b.String()
}

// FillTiming takes each zero timing field of hc from def.
func FillTiming(hc, def model.Healthcheck) model.Healthcheck {
	if hc.Interval == 0 {
		hc.Interval = def.Interval
	}
	if hc.Timeout == 0 {
		hc.Timeout = def.Timeout
	}
	if hc.Failures == 0 {
		hc.Failures = def.Failures
	}
	if hc.Successes == 0 {
		hc.Successes = def.Successes
	}
	return hc
}

func strictest(a, b model.Healthcheck) model.Healthcheck {
	a.Interval = min(a.Interval, b.Interval)
	a.Timeout = min(a.Timeout, b.Timeout)
	a.Failures = min(a.Failures, b.Failures)
	a.Successes = min(a.Successes, b.Successes)
	a.InitialDown = a.InitialDown || b.InitialDown
	return a
}
