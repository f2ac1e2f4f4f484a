package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
	"github.com/signpost-dns/signpost/internal/reconcile"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

func zone(t *testing.T, n int) *model.Zone {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "h%d:\n  type: A\n  value: 192.0.2.%d\n", i, i+1)
	}
	z, probs := zonefile.Parse("z.yaml", "example.com.", []byte(b.String()))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return z
}

func TestRunOnce(t *testing.T) {
	reg := prometheus.NewRegistry()
	r := reconcile.New(reconcile.Options{Registerer: reg})
	p := route53.New(route53.Options{Name: "r53", API: r53fake.New(), RPS: 1e6})
	ctx := context.Background()
	run := func(z *model.Zone) error { return r.RunOnce(ctx, []provider.Target{{Zone: z, Provider: p}}) }

	if err := run(zone(t, 12)); err != nil {
		t.Fatal(err)
	}
	if err := run(zone(t, 12)); err != nil {
		t.Fatal(err)
	}
	if err := run(zone(t, 2)); !errors.Is(err, plan.ErrUnsafe) {
		t.Fatalf("deleting 10 of 12 records: %v, want an unsafe plan refused", err)
	}
	for result, want := range map[string]float64{"applied": 1, "noop": 1, "unsafe": 1} {
		if got := testutil.ToFloat64(mustCounter(t, reg, result)); got != want {
			t.Errorf("runs{result=%s} = %v, want %v", result, got, want)
		}
	}
}

func mustCounter(t *testing.T, reg *prometheus.Registry, result string) prometheus.Collector {
	t.Helper()
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != "signpost_reconcile_runs_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "x"}, func() float64 { return m.GetCounter().GetValue() })
				}
			}
		}
	}
	t.Fatalf("no runs counter with result=%s", result)
	return nil
}

// TestRunPassesAndStops drives Run's clock by hand: a pass at start, one
// per tick, and none after the context ends.
func TestRunPassesAndStops(t *testing.T) {
	ticks := make(chan chan time.Time)
	r := reconcile.New(reconcile.Options{After: func(time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		ticks <- c
		return c
	}})
	ctx, cancel := context.WithCancel(context.Background())
	passes := make(chan struct{}, 10)
	done := make(chan struct{})
	go func() {
		r.Run(ctx, time.Hour, func() []provider.Target { passes <- struct{}{}; return nil }, nil)
		close(done)
	}()
	for i := range 3 {
		<-passes // pass i ran
		tick := <-ticks
		if i < 2 {
			tick <- time.Now()
		}
	}
	cancel()
	<-done
	if n := len(passes); n != 0 {
		t.Errorf("%d passes after the context ended", n)
	}
}
