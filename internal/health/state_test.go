package health

import (
	"errors"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
)

func TestStateThresholds(t *testing.T) {
	hc := model.Healthcheck{Failures: 3, Successes: 2}
	fail := errors.New("HTTP 503")
	tests := []struct {
		name    string
		initial bool   // InitialDown
		results string // o = success, x = failure
		want    []Status
		served  bool
	}{
		{"unknown is served", false, "", nil, true},
		{"initial down is not served", true, "", nil, false},
		{"first success is up", false, "o", []Status{StatusUp}, true},
		{"fail-closed first success is up", true, "o", []Status{StatusUp}, true},
		{"two failures stay up", false, "oxx", []Status{StatusUp}, true},
		{"three failures go down", false, "oxxx", []Status{StatusUp, StatusDown}, false},
		{"a success resets the count", false, "oxxoxx", []Status{StatusUp}, true},
		{"unknown goes down after failures", false, "xxx", []Status{StatusDown}, false},
		{"one success does not recover", false, "oxxxo", []Status{StatusUp, StatusDown}, false},
		{"two successes recover", false, "oxxxoo", []Status{StatusUp, StatusDown, StatusUp}, true},
		{"a failure resets recovery", false, "oxxxoxoo", []Status{StatusUp, StatusDown, StatusUp}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := hc
			h.InitialDown = tc.initial
			now := time.Unix(0, 0)
			s := newState(now, h)
			var got []Status
			for _, r := range tc.results {
				var err error
				if r == 'x' {
					err = fail
				}
				now = now.Add(time.Second)
				if _, to, changed := s.observe(now, h, "HTTP 200", err); changed {
					got = append(got, to)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("transitions %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("transitions %v, want %v", got, tc.want)
				}
			}
			if s.served.Load() != tc.served {
				t.Errorf("served %v, want %v", s.served.Load(), tc.served)
			}
		})
	}
}
