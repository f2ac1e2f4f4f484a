package source_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/source"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDirWatch: Watch reports a change made after the last read, even one
// of the same size within one clock tick, and stops with its context.
func TestDirWatch(t *testing.T) {
	dir := t.TempDir()
	zone := filepath.Join(dir, "example.com.yaml")
	write(t, zone, "www: {type: A, value: 192.0.2.1}\n")
	d := source.NewDir(source.DirOptions{Path: dir, Watch: true, Interval: 5 * time.Millisecond})
	zones, probs, err := d.Zones(context.Background())
	if err != nil || len(probs.Errors()) > 0 || len(zones) != 1 || zones[0].Name != "example.com." {
		t.Fatalf("Zones: %v %v %v", zones, probs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changed := make(chan string, 8)
	done := make(chan struct{})
	go func() { d.Watch(ctx, func(why string) { changed <- why }); close(done) }()
	write(t, zone, "www: {type: A, value: 192.0.2.2}\n") // same size, same tick
	select {
	case why := <-changed:
		if why != "files changed" {
			t.Errorf("why %q", why)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the change was not seen")
	}
	cancel()
	<-done
}

// TestDirWithoutWatch: Watch only waits for its context.
func TestDirWithoutWatch(t *testing.T) {
	d := source.NewDir(source.DirOptions{Path: t.TempDir()})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	d.Watch(ctx, func(string) { t.Error("a change without watch") })
}

func TestDirMissing(t *testing.T) {
	d := source.NewDir(source.DirOptions{Path: filepath.Join(t.TempDir(), "nope")})
	if _, _, err := d.Zones(context.Background()); err == nil {
		t.Error("a missing directory read without error")
	}
}

// clock is a settable DirOptions.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// zonesByName reads a source's zones by name.
func zonesByName(t *testing.T, src source.Source) map[string]*model.Zone {
	t.Helper()
	zones, probs, err := src.Zones(context.Background())
	if err != nil || len(probs.Errors()) > 0 {
		t.Fatalf("Zones: %v %v", probs, err)
	}
	out := map[string]*model.Zone{}
	for _, z := range zones {
		out[z.Name] = z
	}
	return out
}

// TestDirReadsOnlyChangedFiles: after one file changes, Zones parses that
// file again and returns the others' zones as they were, tokens and all,
// so that the engine keeps their compiled forms.
func TestDirReadsOnlyChangedFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.test.yaml"), filepath.Join(dir, "b.test.yaml")
	write(t, a, "www: {type: A, value: 192.0.2.1}\n")
	write(t, b, "www: {type: A, value: 192.0.2.2}\n")
	d := source.NewDir(source.DirOptions{Path: dir})
	first := zonesByName(t, d)
	write(t, a, "www: {type: A, value: 192.0.2.10}\n")
	second := zonesByName(t, d)
	if second["b.test."] != first["b.test."] || second["b.test."].Token != first["b.test."].Token {
		t.Error("the unchanged file was read again")
	}
	if second["a.test."] == first["a.test."] || second["a.test."].Token == first["a.test."].Token {
		t.Fatal("the changed file was not read again")
	}
	if v := second["a.test."].Records[0].Values[0]; v != "192.0.2.10" {
		t.Errorf("a.test. www = %s", v)
	}
	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	if third := zonesByName(t, d); len(third) != 1 || third["a.test."] != second["a.test."] {
		t.Errorf("after removing b: %v", third)
	}
}

// TestDirGrowingOldIsNoChange: a file compared by content while it was
// recent is not a change once it is old, neither to Zones (which would
// parse every file again) nor to Watch (which would reload).
func TestDirGrowingOldIsNoChange(t *testing.T) {
	dir := t.TempDir()
	zone := filepath.Join(dir, "example.com.yaml")
	write(t, zone, "www: {type: A, value: 192.0.2.1}\n")
	clk := &clock{now: time.Now()}
	d := source.NewDir(source.DirOptions{Path: dir, Watch: true, Interval: time.Millisecond, Now: clk.Now})
	first := zonesByName(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	changed := make(chan string, 8)
	done := make(chan struct{})
	go func() { d.Watch(ctx, func(why string) { changed <- why }); close(done) }()
	time.Sleep(20 * time.Millisecond)
	clk.set(clk.Now().Add(time.Minute))
	time.Sleep(50 * time.Millisecond)
	cancel()
	<-done
	if len(changed) > 0 {
		t.Errorf("Watch reported %q for a file that only grew old", <-changed)
	}
	if zonesByName(t, d)["example.com."] != first["example.com."] {
		t.Error("Zones read the file again once it grew old")
	}
}

// TestDirSameTickRewriteSeenAfterGrowingOld: a write of the same size in
// the same clock tick as the read before it is still seen when the file
// has grown old by the next read.
func TestDirSameTickRewriteSeenAfterGrowingOld(t *testing.T) {
	dir := t.TempDir()
	zone := filepath.Join(dir, "example.com.yaml")
	tick := time.Now().Add(-time.Hour).Truncate(time.Second)
	write(t, zone, "www: {type: A, value: 192.0.2.1}\n")
	if err := os.Chtimes(zone, tick, tick); err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: tick.Add(time.Second)} // recent: compared by content
	d := source.NewDir(source.DirOptions{Path: dir, Now: clk.Now})
	zonesByName(t, d)
	write(t, zone, "www: {type: A, value: 192.0.2.2}\n")
	if err := os.Chtimes(zone, tick, tick); err != nil {
		t.Fatal(err)
	}
	clk.set(tick.Add(time.Minute)) // old by the next read
	if v := zonesByName(t, d)["example.com."].Records[0].Values[0]; v != "192.0.2.2" {
		t.Errorf("www = %s: the same-tick rewrite was missed", v)
	}
}
