// Package scale measures signpost on a large zone set: 1,000,000 records
// in 100 zone files, 10% of them dynamic. It reports the time to load,
// validate and compile, the resident memory, and whether a reload swapped
// in under query load loses any query.
package scale

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/bench/scale/zonegen"
	"github.com/signpost-dns/signpost/internal/dnsserver"
	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

const (
	zones          = 100
	recordsPerZone = 10000
)

func load(b *testing.B, dir string, serial uint32) *engine.Table {
	zs, probs, err := zonefile.LoadDir(dir)
	if err != nil || len(probs.Errors()) > 0 {
		b.Fatalf("loading: %v %v", err, probs.Errors())
	}
	t, cprobs := engine.Compile(zs, engine.Options{Serial: serial})
	if len(cprobs.Errors()) > 0 {
		b.Fatal(cprobs.Errors())
	}
	return t
}

// rssMiB reads the process's peak and current resident set.
func rssMiB() (peak, now float64) {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmHWM:":
			peak = kb / 1024
		case "VmRSS:":
			now = kb / 1024
		}
	}
	return peak, now
}

// BenchmarkMillionRecords runs on two zone sets of 1,000,000 records:
// "plain" (one A record per name, every tenth dynamic) and "realistic"
// (every static type, names holding two types, dynamic records with
// weights, fallbacks, geo and subnet rules).
func BenchmarkMillionRecords(b *testing.B) {
	for _, mix := range []struct {
		name string
		mix  zonegen.Mix
	}{{"plain", zonegen.Plain}, {"realistic", zonegen.Realistic}} {
		b.Run(mix.name, func(b *testing.B) {
			dir := b.TempDir()
			if _, err := zonegen.Write(dir, zones, recordsPerZone, mix.mix); err != nil {
				b.Fatal(err)
			}
			millionRecords(b, dir, mix.mix)
		})
	}
}

func millionRecords(b *testing.B, dir string, mix zonegen.Mix) {
	runtime.GC()
	for b.Loop() {
		start := time.Now()
		table := load(b, dir, 1)
		compile := time.Since(start)
		debug.FreeOSMemory() // as serve does after a load
		peak, now := rssMiB()
		b.ReportMetric(compile.Seconds(), "load+compile-s")
		b.ReportMetric(peak, "peak-rss-MiB")
		b.ReportMetric(now, "rss-after-gc-MiB")

		reg := prometheus.NewRegistry() // metrics on, as serve has them
		srv := dnsserver.New(dnsserver.Options{Addrs: []string{"127.0.0.1:0"}, Metrics: dnsserver.NewMetrics(reg, false)}, table, nil)
		if err := srv.Listen(); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { _ = srv.Serve(ctx) }()
		for !srv.Ready() {
			time.Sleep(time.Millisecond)
		}
		sent, lost, swap := loadDuringReload(b, srv, dir, mix)
		cancel()
		b.ReportMetric(swap.Seconds(), "reload-compile+swap-s")
		b.ReportMetric(float64(sent), "queries-during-reload")
		b.ReportMetric(float64(lost), "lost-queries")
		// Thousands of dynamic records answered: by default their answers
		// are counted per zone and pool, not per record.
		b.ReportMetric(float64(answerSeries(b, reg)), "answer-series")
		if lost > 0 {
			b.Errorf("%d of %d queries lost during the reload", lost, sent)
		}
	}
}

// loadDuringReload queries the server from 4 clients while a new table is
// compiled beside the served one and swapped in; a query counts as lost if
// no answer arrives within a second.
func loadDuringReload(b *testing.B, srv *dnsserver.Server, dir string, mix zonegen.Mix) (sent, lost int64, swap time.Duration) {
	addr := srv.Addrs()[0].String()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var nSent, nLost atomic.Int64
	for c := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("udp", addr)
			if err != nil {
				b.Error(err)
				return
			}
			defer conn.Close()
			buf := make([]byte, 1500)
			for i := 0; !stop.Load(); i++ {
				m := new(dns.Msg)
				m.SetQuestion(fmt.Sprintf("%s.z%03d.test.", mix.Dynamic(i%500), (i+c)%zones), dns.TypeA)
				p, _ := m.Pack()
				nSent.Add(1)
				_ = conn.SetDeadline(time.Now().Add(time.Second))
				if _, err := conn.Write(p); err != nil {
					nLost.Add(1)
					continue
				}
				n, err := conn.Read(buf)
				r := new(dns.Msg)
				if err != nil || r.Unpack(buf[:n]) != nil || r.Id != m.Id || len(r.Answer) == 0 {
					nLost.Add(1)
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	srv.Swap(load(b, dir, 2), nil)
	swap = time.Since(start)
	time.Sleep(500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	return nSent.Load(), nLost.Load(), swap
}

// answerSeries counts the series of signpost_dns_answers_total in reg.
func answerSeries(b *testing.B, reg *prometheus.Registry) int {
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "signpost_dns_answers_total" {
			return len(mf.GetMetric())
		}
	}
	return 0
}
