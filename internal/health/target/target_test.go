package target_test

import (
	"slices"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/health/target"
	"github.com/signpost-dns/signpost/internal/model"
)

func TestIdentity(t *testing.T) {
	def := model.DefaultProbeTiming()
	https := model.DefaultHealthcheck()
	tcp := model.Healthcheck{Protocol: "TCP", Port: 22, Path: "/ignored", Host: "ignored"}
	tests := []struct {
		name string
		a, b target.Target
		same bool
	}{
		{"the host defaults to the record's name", target.New("www.example.com.", "192.0.2.1", https, def),
			target.New("other.example.com.", "192.0.2.1", withHost(https, "www.example.com"), def), true},
		{"two names, two hosts", target.New("www.example.com.", "192.0.2.1", https, def), target.New("api.example.com.", "192.0.2.1", https, def), false},
		{"TCP ignores host and path", target.New("www.example.com.", "192.0.2.1", tcp, def),
			target.New("api.example.com.", "192.0.2.1", model.Healthcheck{Protocol: "TCP", Port: 22}, def), true},
		{"timing is not identity", target.New("a.example.com.", "192.0.2.1", tcp, def),
			target.New("a.example.com.", "192.0.2.1", withInterval(tcp, time.Second), def), true},
		{"another address", target.New("a.example.com.", "192.0.2.1", tcp, def), target.New("a.example.com.", "192.0.2.2", tcp, def), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if same := tc.a.Key == tc.b.Key; same != tc.same {
				t.Errorf("keys %q and %q: same %v, want %v", tc.a.Key, tc.b.Key, same, tc.same)
			}
		})
	}
}

func TestMergeTakesTheStrictest(t *testing.T) {
	def := model.DefaultProbeTiming()
	tg := target.New("a.example.com.", "192.0.2.1", model.Healthcheck{Protocol: "TCP", Port: 80}, def)
	if tg.Check.Interval != def.Interval || tg.Check.Failures != def.Failures {
		t.Fatalf("defaults not filled: %+v", tg.Check)
	}
	tg.Merge(tg.Check, "a.example.com. A")
	tg.Merge(model.Healthcheck{Interval: time.Second, Timeout: 500 * time.Millisecond, Failures: 1, Successes: 5, InitialDown: true}, "b.example.com. A")
	tg.Merge(tg.Check, "b.example.com. A")
	c := tg.Check
	if c.Interval != time.Second || c.Timeout != 500*time.Millisecond || c.Failures != 1 || c.Successes != def.Successes || !c.InitialDown {
		t.Errorf("merged %+v", c)
	}
	if !slices.Equal(tg.Records, []string{"a.example.com. A", "b.example.com. A"}) {
		t.Errorf("records %q", tg.Records)
	}
}

func withHost(hc model.Healthcheck, h string) model.Healthcheck { hc.Host = h; return hc }
func withInterval(hc model.Healthcheck, d time.Duration) model.Healthcheck {
	hc.Interval = d
	return hc
}
