package health

import (
	"fmt"
	"sort"
	"time"
)

// TargetStatus is one target as GET /api/v1/health reports it.
type TargetStatus struct {
	Key                  string     `json:"key"`
	Address              string     `json:"address"`
	Protocol             string     `json:"protocol"`
	Port                 uint16     `json:"port,omitempty"`
	Host                 string     `json:"host,omitempty"`
	Path                 string     `json:"path,omitempty"`
	State                string     `json:"state"`   // up, down or unknown
	Serving              bool       `json:"serving"` // whether answers may carry it
	Since                time.Time  `json:"since"`
	LastCheck            *time.Time `json:"last_check"`
	LastError            string     `json:"last_error,omitempty"`
	ConsecutiveSuccesses int        `json:"consecutive_successes"`
	ConsecutiveFailures  int        `json:"consecutive_failures"`
	Checks               uint64     `json:"checks"`
	Interval             string     `json:"interval"`
	Records              []string   `json:"records"`
}

// Status returns every target's health, sorted by address and check.
func (c *Checker) Status() []TargetStatus {
	type pair struct {
		target Target
		state  *state
	}
	c.mu.Lock() // Sync rewrites targets under it
	entries := make([]pair, 0, len(c.targets))
	for _, e := range c.targets {
		entries = append(entries, pair{e.target, e.state})
	}
	c.mu.Unlock()
	out := make([]TargetStatus, 0, len(entries))
	for _, e := range entries {
		s := e.state.snapshot()
		t := e.target
		ts := TargetStatus{
			Key: t.Key, Address: t.Address, Protocol: t.Check.Protocol, Port: t.Check.Port, Host: t.Check.Host, Path: t.Check.Path,
			State: s.status.String(), Serving: s.served, Since: s.since, LastError: s.lastErr,
			ConsecutiveSuccesses: s.okRun, ConsecutiveFailures: s.failRun, Checks: s.checks,
			Interval: t.Check.Interval.String(), Records: t.Records,
		}
		if !s.lastCheck.IsZero() {
			lc := s.lastCheck
			ts.LastCheck = &lc
		}
		out = append(out, ts)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].sortKey() < out[j].sortKey() })
	return out
}

func (s *TargetStatus) sortKey() string {
	return fmt.Sprintf("%s|%s|%05d|%s|%s", s.Address, s.Protocol, s.Port, s.Host, s.Path)
}
