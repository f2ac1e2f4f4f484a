package health

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
)

func mkTarget(key string, interval time.Duration) Target {
	return Target{Key: key, Address: key, Check: model.Healthcheck{Protocol: "TCP", Port: 1, Interval: interval, Timeout: interval / 2, Failures: 1, Successes: 1}}
}

func keys(jobs []job) map[string]int {
	out := map[string]int{}
	for _, j := range jobs {
		out[j.probe.Key]++
	}
	return out
}

func TestSchedule(t *testing.T) {
	start := time.Unix(1000, 0)
	clk := &fakeClock{now: start}
	c := New(Options{Clock: clk, Rand: rand.New(rand.NewPCG(1, 1))})
	targets := []Target{mkTarget("a", time.Second), mkTarget("b", time.Second), mkTarget("a", time.Second), mkTarget("c", 500*time.Millisecond)}
	view := c.Sync(targets)
	if view.states[0] != view.states[2] {
		t.Fatal("a shared target has two states")
	}
	if len(c.targets) != 3 {
		t.Fatalf("%d entries, want 3", len(c.targets))
	}
	end := start.Add(10 * time.Second)
	want := map[string]int{}
	for _, e := range c.targets {
		if d := e.due.Sub(start); d < 0 || d >= e.target.Check.Interval {
			t.Errorf("%s first due after %s, want within its interval", e.target.Key, d)
		}
		// slots due0, due0+interval, ... up to the last step before end
		want[e.target.Key] = int(end.Add(-10*time.Millisecond).Sub(e.due)/e.target.Check.Interval) + 1
	}

	// Over 10 s in 10 ms steps, each target is dispatched once per interval.
	counts := map[string]int{}
	for now := start; now.Before(end); now = now.Add(10 * time.Millisecond) {
		jobs, wait := c.dispatch(now)
		if wait <= 0 {
			t.Fatalf("wait %s at %s", wait, now)
		}
		for k, n := range keys(jobs) {
			counts[k] += n
		}
		for _, j := range jobs {
			j.e.running = false
		}
	}
	if want["a"] < 9 || want["c"] < 19 {
		t.Fatalf("expected counts %v are not one per interval", want)
	}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s probed %d times in 10s, want %d", k, counts[k], n)
		}
	}
}

func TestScheduleSkipsRunningAndMissedSlots(t *testing.T) {
	start := time.Unix(1000, 0)
	c := New(Options{Clock: &fakeClock{now: start}, Rand: rand.New(rand.NewPCG(1, 1))})
	c.Sync([]Target{mkTarget("a", time.Second)})
	e := c.targets["a"]
	first := e.due
	jobs, _ := c.dispatch(first)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs at the first slot", len(jobs))
	}
	// Still running at the next slot: skipped, not queued twice.
	if jobs, _ := c.dispatch(first.Add(time.Second)); len(jobs) != 0 {
		t.Fatalf("a running target was dispatched again")
	}
	e.running = false
	// Three slots late: one probe, and the next slot is on the grid ahead.
	jobs, wait := c.dispatch(first.Add(4*time.Second + 300*time.Millisecond))
	if len(jobs) != 1 || wait != 700*time.Millisecond {
		t.Fatalf("late dispatch: %d jobs, wait %s; want 1 job, wait 700ms", len(jobs), wait)
	}
}

func TestSyncKeepsStateAndRemoves(t *testing.T) {
	c := New(Options{Clock: &fakeClock{now: time.Unix(1000, 0)}})
	v1 := c.Sync([]Target{mkTarget("a", time.Second), mkTarget("b", time.Second)})
	v1.states[0].observe(time.Unix(1001, 0), model.Healthcheck{Failures: 1}, "", errTest)
	v2 := c.Sync([]Target{mkTarget("c", time.Second), mkTarget("a", time.Second)})
	if v2.states[1] != v1.states[0] || v2.Up(1) {
		t.Error("target a lost its state across Sync")
	}
	if _, ok := c.targets["b"]; ok || c.queue.Len() != 2 {
		t.Errorf("b not removed: %d queued", c.queue.Len())
	}
	if !v2.Up(0) {
		t.Error("a new target should count as up until its first result")
	}
}

// TestSyncSkipsHoles: an empty Key is an id no record uses; it is neither
// probed nor listed.
func TestSyncSkipsHoles(t *testing.T) {
	c := New(Options{Clock: &fakeClock{now: time.Unix(1000, 0)}})
	c.Sync([]Target{mkTarget("a", time.Second), {}, mkTarget("b", time.Second)})
	if n := len(c.Status()); n != 2 {
		t.Errorf("%d targets listed, want 2", n)
	}
}
