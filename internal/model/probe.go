package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Probe limits. A target's timeout must stay below its interval.
const (
	MinInterval  = 100 * time.Millisecond
	MaxInterval  = time.Hour
	MaxThreshold = 100
	MaxBodyMatch = 5120 // bytes of body searched for ExpectBody, as Route53
)

// parseProbeOptions reads octodns.signpost.healthcheck.
func parseProbeOptions(hc *Healthcheck, d *Data, rs *reasons) {
	if d.Kind != KindMap {
		rs.add(d.Line, "octodns.signpost.healthcheck must be a dict")
		return
	}
	for i, k := range d.Keys {
		v := d.Values[i]
		switch k {
		case "interval", "timeout":
			dur, err := ParseDuration(v.Text)
			if err != nil || !v.IsScalar() || dur < MinInterval || dur > MaxInterval {
				rs.add(v.Line, "octodns.signpost.healthcheck.%s %q must be a duration from %s to %s", k, v.String(), MinInterval, MaxInterval)
				continue
			}
			if k == "interval" {
				hc.Interval = dur
			} else {
				hc.Timeout = dur
			}
		case "failures", "successes":
			n, ok := v.Int()
			if !ok || v.Kind != KindInt || n < 1 || n > MaxThreshold {
				rs.add(v.Line, "octodns.signpost.healthcheck.%s must be a whole number from 1 to %d, got %s", k, MaxThreshold, v)
				continue
			}
			if k == "failures" {
				hc.Failures = int(n)
			} else {
				hc.Successes = int(n)
			}
		case "expect_status":
			parseExpectStatus(hc, v, rs)
		case "expect_body":
			if v.Kind != KindString || v.Text == "" || len(v.Text) > MaxBodyMatch {
				rs.add(v.Line, "octodns.signpost.healthcheck.expect_body must be a string of 1 to %d bytes", MaxBodyMatch)
				continue
			}
			hc.ExpectBody = v.Text
		case "initial":
			switch v.Text {
			case "up":
			case "down":
				hc.InitialDown = true
			default:
				rs.add(v.Line, "octodns.signpost.healthcheck.initial must be up or down, got %s", v)
			}
		default:
			rs.add(v.Line, "unknown key %q in octodns.signpost.healthcheck", k)
		}
	}
	if hc.Interval > 0 && hc.Timeout > 0 && hc.Timeout >= hc.Interval {
		rs.add(d.Line, "octodns.signpost.healthcheck.timeout %s must be below the interval %s", hc.Timeout, hc.Interval)
	}
}

// parseExpectStatus reads codes and ranges: 200, "200-299", or a list of them.
func parseExpectStatus(hc *Healthcheck, v *Data, rs *reasons) {
	items := []*Data{v}
	if v.Kind == KindList {
		items = v.Items
	}
	for _, it := range items {
		r, ok := ParseStatusRange(it.Text)
		if !ok || !it.IsScalar() {
			rs.add(it.Line, "octodns.signpost.healthcheck.expect_status %q must be a status code or a range such as 200-299", it.String())
			continue
		}
		hc.ExpectStatus = append(hc.ExpectStatus, r)
	}
}

// ParseStatusRange parses "200" or "200-299".
func ParseStatusRange(s string) (StatusRange, bool) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil {
		return StatusRange{}, false
	}
	b := a
	if isRange {
		if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
			return StatusRange{}, false
		}
	}
	if a < 100 || b > 599 || a > b {
		return StatusRange{}, false
	}
	return StatusRange{a, b}, true
}

// ParseDuration reads a span of time as signpost writes it everywhere:
// "500ms", "5m", "1h" or a whole number of seconds. Negative spans are
// refused.
func ParseDuration(s string) (time.Duration, error) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q (use 300, 5m or 1h)", s)
	}
	return d, nil
}

// DefaultHealthcheck is octoDNS's default check for a record: HTTPS on
// port 443, path /_dns, with signpost's default timing and thresholds.
// Every reader of a zone (zone files, dumps, the writer that omits
// defaults) and every probe starts from it.
func DefaultHealthcheck() Healthcheck {
	return Healthcheck{Protocol: "HTTPS", Path: "/_dns", Port: 443}
}

// DefaultProbeTiming is the probe timing and thresholds used where neither
// a record nor signpost.yaml says otherwise.
func DefaultProbeTiming() Healthcheck {
	return Healthcheck{Interval: 10 * time.Second, Timeout: 2 * time.Second, Failures: 3, Successes: 2}
}

// DefaultMaxUDPSize caps the UDP response size a client's EDNS0 buffer may
// ask for: 1232 bytes, the DNS Flag Day 2020 value.
const DefaultMaxUDPSize = 1232
