package health

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
)

// state is one target's health. served is what the DNS engine reads; the
// rest is guarded by mu.
type state struct {
	served atomic.Bool

	mu        sync.Mutex // protects the fields below
	status    Status
	since     time.Time
	lastCheck time.Time
	lastErr   string
	lastOK    string
	okRun     int
	failRun   int
	checks    uint64
}

func newState(now time.Time, hc model.Healthcheck) *state {
	s := &state{since: now}
	s.served.Store(!hc.InitialDown)
	return s
}

// observe records one probe result and returns the transition it causes,
// if any. A target that has never answered is unknown and counts as up
// (fail-open) unless InitialDown is set. From unknown, the first success
// makes it up; from up, Failures consecutive failures make it down; from
// down, Successes consecutive successes make it up again.
func (s *state) observe(now time.Time, hc model.Healthcheck, detail string, err error) (from, to Status, changed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastCheck = now
	s.checks++
	from = s.status
	if err == nil {
		s.okRun++
		s.failRun = 0
		s.lastErr, s.lastOK = "", detail
		if s.status == StatusUnknown || (s.status == StatusDown && s.okRun >= hc.Successes) {
			s.status = StatusUp
		}
	} else {
		s.failRun++
		s.okRun = 0
		s.lastErr = err.Error()
		if s.status != StatusDown && s.failRun >= hc.Failures {
			s.status = StatusDown
		}
	}
	if s.status == from {
		return from, from, false
	}
	s.since = now
	s.served.Store(s.status == StatusUp)
	return from, s.status, true
}

// snapshot copies the state for reporting.
func (s *state) snapshot() stateCopy {
	s.mu.Lock()
	defer s.mu.Unlock()
	return stateCopy{status: s.status, since: s.since, lastCheck: s.lastCheck, lastErr: s.lastErr,
		okRun: s.okRun, failRun: s.failRun, checks: s.checks, served: s.served.Load()}
}

type stateCopy struct {
	status    Status
	since     time.Time
	lastCheck time.Time
	lastErr   string
	okRun     int
	failRun   int
	checks    uint64
	served    bool
}
