package source_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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
