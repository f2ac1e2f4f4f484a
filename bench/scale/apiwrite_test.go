package scale

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/bench/scale/zonegen"
	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
	"github.com/signpost-dns/signpost/internal/store"
)

const (
	storeZones      = 1000
	recordsPerStore = 100 // 100,000 policy records in all
)

// BenchmarkAPIWriteAtScale serves 1,000,000 zone-file records and 100,000
// policy records (1,000 store zones, 1,000 policies of 2 IPs each), then
// changes one static record of one store zone through the REST API, and
// measures how long until DNS answers the new value and how much CPU the
// process spent on it beyond its idle rate.
func BenchmarkAPIWriteAtScale(b *testing.B) {
	dir := b.TempDir()
	zonesDir := filepath.Join(dir, "zones")
	if err := os.Mkdir(zonesDir, 0o755); err != nil {
		b.Fatal(err)
	}
	if _, err := zonegen.Write(zonesDir, zones, recordsPerZone, zonegen.Realistic); err != nil {
		b.Fatal(err)
	}
	cfg := filepath.Join(dir, "signpost.yaml")
	if err := os.WriteFile(cfg, []byte("dns:\n  listen: [127.0.0.1:0]\nhttp:\n  listen: 127.0.0.1:0\nzones:\n  directory: zones\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := server.EnsureStore(ctx, cfg); err != nil {
		b.Fatal(err)
	}
	zoneID := fillStore(b, filepath.Join(dir, "signpost.db"))
	token, err := server.CreateToken(ctx, cfg, "bench", false)
	if err != nil {
		b.Fatal(err)
	}
	st, err := server.Load(ctx, cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	up := func(context.Context, *health.Target) (string, error) { return "up", nil }
	// FreeLoadGarbage as serve sets it: the load's garbage is collected
	// once DNS is served, so the writes start on the heap serve runs with.
	srv, err := server.New(server.Options{Probe: up, FreeLoadGarbage: true}, st)
	if err != nil {
		b.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(rctx) }()
	defer func() { cancel(); <-done }()
	for len(srv.DNSAddrs()) == 0 || srv.HTTPAddr() == "" {
		time.Sleep(10 * time.Millisecond)
	}
	dnsAddr, base := srv.DNSAddrs()[0].String(), "http://"+srv.HTTPAddr()
	recID := recordID(b, base, token, zoneID)
	time.Sleep(2 * time.Second) // let the start's garbage and first health rounds settle
	defer profileWrites(b)()
	idle := cpuOver(time.Second, func() { time.Sleep(time.Second) })
	gcCycle := cpuOver(0, runtime.GC) // what one collection of this heap costs

	var lat, cpu []float64
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for i := 0; b.Loop(); i++ {
		want := fmt.Sprintf("127.9.%d.%d", i/250%250, i%250+1)
		var took time.Duration
		used := cpuOver(0, func() {
			start := time.Now()
			patch(b, base, token, zoneID, recID, want)
			for !slices.Equal(servertest.QueryA(dnsAddr, "static.s0000.test."), []string{want}) {
				if time.Since(start) > 10*time.Second {
					b.Fatalf("the write never reached the answers")
				}
				time.Sleep(time.Millisecond)
			}
			took = time.Since(start)
		})
		lat = append(lat, took.Seconds()*1000)
		cpu = append(cpu, (used-idle*took.Seconds())*1000)
	}
	runtime.ReadMemStats(&m1)
	perWrite := float64(m1.TotalAlloc-m0.TotalAlloc) / float64(len(lat))
	mean := 0.0
	for _, c := range cpu {
		mean += c / float64(len(cpu))
	}
	slices.Sort(lat)
	slices.Sort(cpu)
	b.ReportMetric(perWrite/(1<<20), "alloc-MiB/write")
	// A collection starts once the heap has grown by GOGC% (100) of what
	// the last one kept: a write's share of the collections is its
	// allocation over that growth, times what a collection costs.
	b.ReportMetric(gcCycle*1000*perWrite/float64(m0.HeapAlloc), "gc-share-cpu-ms/write")
	b.ReportMetric(gcCycle*1000, "gc-cycle-cpu-ms")
	b.ReportMetric(mean, "mean-cpu-ms")
	b.ReportMetric(float64(m1.NumGC-m0.NumGC), "gc-cycles")
	b.ReportMetric(float64(m1.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(lat[len(lat)/2], "median-ms-to-answer")
	b.ReportMetric(lat[len(lat)-1], "max-ms-to-answer")
	b.ReportMetric(cpu[len(cpu)/2], "median-cpu-ms")
	b.ReportMetric(cpu[len(cpu)-1], "max-cpu-ms")
	b.ReportMetric(idle*1000, "idle-cpu-ms/s")
}

// fillStore writes the store zones and policies; it returns the first
// zone's id.
func fillStore(b *testing.B, path string) string {
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var first string
	err = st.Update(ctx, func(tx *store.Tx) error {
		for i := range storeZones {
			a := netip.AddrFrom4([4]byte{127, 8, byte(i / 250), byte(i%250 + 1)})
			c := netip.AddrFrom4([4]byte{127, 10, byte(i / 250), byte(i%250 + 1)})
			p := &model.Policy{Name: fmt.Sprintf("p%d", i), Routing: model.RoutingWeighted, TTL: 30, Members: []model.Member{
				{IP: a, Region: "us-east-1", Weight: 10, Enabled: true}, {IP: c, Region: "us-east-1", Weight: 10, Enabled: true}}}
			for _, ip := range []netip.Addr{a, c} {
				if err := tx.CreateIP(ctx, &model.IP{Address: ip, Enabled: true}); err != nil {
					return err
				}
			}
			if err := tx.CreatePolicy(ctx, p); err != nil {
				return err
			}
			z := &store.Zone{Root: fmt.Sprintf("s%04d.test.", i)}
			if err := tx.CreateZone(ctx, z); err != nil {
				return err
			}
			if first == "" {
				first = z.ID
				if err := tx.CreateRecord(ctx, &store.Record{ZoneID: z.ID, Name: "static", Type: "A", TTL: 60, Values: []string{"127.9.255.1"}}); err != nil {
					return err
				}
			}
			for j := range recordsPerStore {
				if err := tx.CreateRecord(ctx, &store.Record{ZoneID: z.ID, Name: fmt.Sprintf("w%d", j), Type: "POLICY_ROUTED", TTL: 30, Values: []string{p.ID}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return first
}

func recordID(b *testing.B, base, token, zoneID string) string {
	var recs []struct{ ID, Name string }
	call(b, "GET", base+"/api/v1/zones/"+zoneID+"/records", token, nil, &recs)
	for _, r := range recs {
		if r.Name == "static" {
			return r.ID
		}
	}
	b.Fatal("no static record")
	return ""
}

func patch(b *testing.B, base, token, zoneID, recID, value string) {
	call(b, "PATCH", base+"/api/v1/zones/"+zoneID+"/records/"+recID, token, map[string]any{"values": []string{value}}, nil)
}

func call(b *testing.B, method, url, token string, body, out any) {
	var rd bytes.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = *bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, url, &rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b.Fatalf("%s %s: HTTP %d", method, url, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuOver returns the process's CPU seconds spent in fn; with d > 0, the
// rate per second over d.
func cpuOver(d time.Duration, fn func()) float64 {
	cpuNow := func() float64 {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	start := cpuNow()
	fn()
	used := cpuNow() - start
	if d > 0 {
		return used / d.Seconds()
	}
	return used
}

// profileWrites, when SIGNPOST_WRITES_PROFILE names a directory, profiles
// the writes alone, not the load before them: cpu.prof, and allocs.prof
// with allocs-base.prof to diff against (go tool pprof -sample_index
// alloc_space -diff_base allocs-base.prof allocs.prof; each is taken after
// a collection, which moves when the next one lands). It returns what ends
// them.
func profileWrites(b *testing.B) func() {
	dir := os.Getenv("SIGNPOST_WRITES_PROFILE")
	if dir == "" {
		return func() {}
	}
	heap := func(name string) {
		runtime.GC() // the profile holds what the last collection saw
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
	}
	heap("allocs-base.prof")
	f, err := os.Create(filepath.Join(dir, "cpu.prof"))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		heap("allocs.prof")
	}
}
