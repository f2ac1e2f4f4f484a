// Package scheduler measures the health-check scheduler at scale: 10,000
// TCP targets probed every second against listeners on 127.0.0.1, which a
// child process holds so that only the prober's CPU is counted. It reports
// the CPU the prober used and the p99 of how late probes started.
package scheduler

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
)

const farmEnv = "SIGNPOST_LISTENER_FARM"

// TestMain turns the test binary into a listener farm when asked to.
func TestMain(m *testing.M) {
	if n, err := strconv.Atoi(os.Getenv(farmEnv)); err == nil {
		farm(n)
		return
	}
	os.Exit(m.Run())
}

// farm opens n listeners, prints their ports, accepts and closes until
// stdin closes.
func farm(n int) {
	w := bufio.NewWriter(os.Stdout)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintln(w, l.Addr().(*net.TCPAddr).Port)
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				_ = c.Close()
			}
		}()
	}
	_ = w.Flush()
	_, _ = io.Copy(io.Discard, os.Stdin)
}

func startFarm(b *testing.B, n int) []uint16 {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), farmEnv+"="+strconv.Itoa(n))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	ports := make([]uint16, 0, n)
	for len(ports) < n && sc.Scan() {
		p, _ := strconv.Atoi(sc.Text())
		ports = append(ports, uint16(p))
	}
	if len(ports) != n {
		b.Fatalf("farm opened %d of %d listeners", len(ports), n)
	}
	return ports
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// quantile estimates q from a Prometheus histogram by linear interpolation
// within the bucket that holds it.
func quantile(h *dto.Histogram, q float64) float64 {
	rank := q * float64(h.GetSampleCount())
	prevCount, prevBound := 0.0, 0.0
	for _, bk := range h.GetBucket() {
		c := float64(bk.GetCumulativeCount())
		if c >= rank {
			if c == prevCount {
				return bk.GetUpperBound()
			}
			return prevBound + (bk.GetUpperBound()-prevBound)*(rank-prevCount)/(c-prevCount)
		}
		prevCount, prevBound = c, bk.GetUpperBound()
	}
	return prevBound
}

func metric(b *testing.B, reg *prometheus.Registry, name string) *dto.Metric {
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) > 0 {
			return mf.GetMetric()[0]
		}
	}
	b.Fatalf("no metric %s", name)
	return nil
}

func BenchmarkScheduler10kTargets(b *testing.B) {
	const n = 10000
	ports := startFarm(b, n)
	targets := make([]health.Target, n)
	for i, p := range ports {
		targets[i] = health.Target{Key: strconv.Itoa(i), Address: "127.0.0.1", Check: model.Healthcheck{
			Protocol: "TCP", Port: p, Interval: time.Second, Timeout: 500 * time.Millisecond, Failures: 3, Successes: 2}}
	}
	reg := prometheus.NewRegistry()
	c := health.New(health.Options{Registerer: reg})
	view := c.Sync(targets)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	time.Sleep(2 * time.Second) // every target has started probing

	const window = 10 * time.Second
	before := metric(b, reg, "signpost_healthcheck_duration_seconds").GetHistogram().GetSampleCount()
	cpu0, wall0 := cpuTime(), time.Now()
	for b.Loop() {
		time.Sleep(window)
	}
	cpu, wall := cpuTime()-cpu0, time.Since(wall0)
	probes := metric(b, reg, "signpost_healthcheck_duration_seconds").GetHistogram().GetSampleCount() - before
	late := metric(b, reg, "signpost_healthcheck_lateness_seconds").GetHistogram()
	down := 0
	for i := range n {
		if !view.Up(i) {
			down++
		}
	}
	if down > 0 {
		b.Errorf("%d of %d healthy targets marked down", down, n)
	}
	b.ReportMetric(float64(probes)/wall.Seconds(), "probes/s")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%-of-one-core")
	b.ReportMetric(1e3*quantile(late, 0.99), "lateness-p99-ms")
	b.ReportMetric(1e3*quantile(late, 0.50), "lateness-p50-ms")
}
