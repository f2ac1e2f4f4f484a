package agent

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/signpost-dns/signpost/internal/config"
)

// memSets holds sets in memory with compare-and-swap; the first swaps
// wait at a barrier, so that racing writers both write from what they
// read before either lands.
type memSets struct {
	mu      sync.Mutex
	sets    map[string]*Set
	barrier *sync.WaitGroup
}

func (m *memSets) ReadSet(_ context.Context, name, typ string) (*Set, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.sets[name+" "+typ]; s != nil {
		c := *s
		c.Values = slices.Clone(s.Values)
		return &c, nil
	}
	return nil, nil
}

func (m *memSets) SwapSet(_ context.Context, _ string, old, next *Set) error {
	if b := m.barrier; b != nil {
		b.Done()
		b.Wait()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := ""
	if old != nil {
		key = old.Name + " " + old.Type
	} else {
		key = next.Name + " " + next.Type
	}
	cur := m.sets[key]
	if (cur == nil) != (old == nil) || (cur != nil && !slices.Equal(cur.Values, old.Values)) {
		return ErrConflict
	}
	if next == nil {
		delete(m.sets, key)
	} else {
		c := *next
		m.sets[key] = &c
	}
	return nil
}

func (m *memSets) ZoneOf(context.Context, string) (string, error) { return "example.com.", nil }

// TestRacingRemovals: two agents remove different peers from the same
// read at the same instant; one write wins, the other is refused
// (compare-and-swap), re-reads and re-decides, and the record ends with
// both removals, not one overwriting the other.
func TestRacingRemovals(t *testing.T) {
	all := []string{"127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24"}
	barrier := &sync.WaitGroup{}
	barrier.Add(2)
	sets := &memSets{sets: map[string]*Set{"www.example.com. A": {Name: "www.example.com.", Type: "A", TTL: 30, Values: all}}, barrier: barrier}
	agent := func(self, deadPeer string) *Agent {
		cfg := &Config{Record: "www.example.com.", Type: "A", TTL: 30, Zone: "example.com.", Self: Self{Address: self},
			Interval: config.Duration(time.Second), Timeout: config.Duration(100 * time.Millisecond), Failures: 1, Quorum: "none"}
		a := New(cfg, slog.New(slog.DiscardHandler), sets, NewMetrics(prometheus.NewRegistry()))
		a.zone = "example.com."
		a.check = func(_ context.Context, addr string) error {
			if addr == deadPeer {
				return ErrConflict // any error: dead to this agent
			}
			return nil
		}
		return a
	}
	a, b := agent(all[0], all[2]), agent(all[1], all[3])
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, ag := range []*Agent{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ag.Round(context.Background())
		}()
	}
	wg.Wait()
	sets.barrier = nil
	conflicts := 0
	for _, err := range errs {
		if err == ErrConflict {
			conflicts++
		}
	}
	if conflicts != 1 {
		t.Fatalf("errors %v: want exactly one write refused", errs)
	}
	for _, ag := range []*Agent{a, b} { // the loser reads again and decides again
		for again := true; again; {
			var err error
			if again, err = ag.Round(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, _ := sets.ReadSet(context.Background(), "www.example.com.", "A")
	if want := all[:2]; !slices.Equal(got.Values, want) {
		t.Errorf("record %v, want %v: both removals, neither overwritten", got.Values, want)
	}
	// The metrics say it: one removal each, one conflict in all, and each
	// agent's view of the peer it saw die.
	if n := testutil.ToFloat64(a.m.conflicts) + testutil.ToFloat64(b.m.conflicts); n != 1 {
		t.Errorf("signpost_agent_conflicts_total: %v in all, want 1", n)
	}
	for i, ag := range []*Agent{a, b} {
		if n := testutil.ToFloat64(ag.m.changes.WithLabelValues("remove")); n != 1 {
			t.Errorf("agent %d: signpost_agent_changes_total{action=remove} = %v, want 1", i, n)
		}
	}
	if up := testutil.ToFloat64(a.m.peerUp.WithLabelValues(all[1])); up != 1 {
		t.Errorf("agent 0 sees %s down", all[1])
	}
}
